/* \summary: findings: the rules a handshake is checked against */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sl_finding *
az_add_finding(struct conn *c, enum sl_severity sev, const char *rule,
	       const char *rfc)
{
	struct sl_handshake *hs = &c->hs;
	struct sl_finding *f;

	if (hs->nfind >= SL_HS_MAXFINDINGS)
		return NULL;
	if (hs->nfind == c->findcap) {
		c->findcap = c->findcap ? c->findcap * 2 : 2;
		hs->find = sl_xrealloc(hs->find, c->findcap, sizeof(*f));
	}
	f = &hs->find[hs->nfind++];
	memset(f, 0, sizeof(*f));
	f->sev = sev;
	f->rule = rule;
	f->rfc = rfc;
	return f;
}

void
az_finding_frame(struct conn *c, struct sl_finding *f, int fi)
{
	if (f == NULL || fi < 0 || f->nframes >= SL_FINDING_FRAMES)
		return;
	f->frames[f->nframes++] = c->fr[fi].frame;
}

/*
 * RFC 9293 §3.10.7.1: a closed port answers a segment without ACK with
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 */
void
az_check_rst_to_syn(struct conn *c, int x, const struct sl_pkt *p, int fi)
{
	struct side *peer = &c->s[1 - x];
	struct sl_finding *f;
	uint32_t want;
	int sfi = peer->syn_fi;

	if (sfi < 0)
		return;
	want = c->fr[sfi].seq + 1 + c->fr[sfi].len;
	if (!(p->flags & SL_TH_ACK)) {
		f = az_add_finding(c, SL_SEV_VIOLATION, "rst-to-syn-no-ack",
				   "RFC 9293 §3.10.7.1");
		if (f) {
			snprintf(f->message, sizeof(f->message),
				 "RST answering a SYN lacks the ACK bit: a "
				 "SYN-SENT peer must drop it (§3.10.7.3), so "
				 "the connect() will hang until it times out");
			az_finding_frame(c, f, sfi);
			az_finding_frame(c, f, fi);
		}
	} else if (p->ack != want) {
		f = az_add_finding(c, SL_SEV_VIOLATION, "rst-to-syn-bad-ack",
				   "RFC 9293 §3.10.7.1");
		if (f) {
			snprintf(f->message, sizeof(f->message),
				 "RST answering a SYN acknowledges %u, not "
				 "SEG.SEQ+SEG.LEN = %u: the peer in SYN-SENT "
				 "must ignore it",
				 p->ack, want);
			az_finding_frame(c, f, sfi);
			az_finding_frame(c, f, fi);
		}
	}
	if (p->seq != 0 && (p->flags & SL_TH_ACK)) {
		f = az_add_finding(c, SL_SEV_VIOLATION, "rst-to-syn-bad-seq",
				   "RFC 9293 §3.10.7.1");
		if (f) {
			snprintf(f->message, sizeof(f->message),
				 "RST answering a SYN carries SEQ %u; a closed "
				 "port must answer a segment without ACK with "
				 "SEQ=0",
				 p->seq);
			az_finding_frame(c, f, fi);
		}
	}
}

/*
 * RFC 7323 §2.2: window scaling is in effect only when both SYNs carried
 * the option; otherwise both sides use unscaled windows.  A side that
 * offered shift s, whose peer's SYN lacked the option, and whose first
 * window after the handshake is its SYN window divided by about 2^s, is
 * still scaling: the window-scale defect of docs/kernel-notes.md (a
 * simultaneous open against a SYN without the option).
 */
void
az_check_ws(struct conn *c, int x, const struct sl_pkt *p, int *fi,
	    uint64_t frame, int64_t ts)
{
	struct side *s = &c->s[x];
	const struct sl_synopts *mine = &c->hs.syn[x];
	const struct sl_synopts *theirs = &c->hs.syn[1 - x];
	struct sl_finding *f;
	uint64_t scaled;

	if (s->ws_checked || c->hs.self)
		return;
	s->ws_checked = true;
	if (!mine->seen || !theirs->seen || mine->wscale < 1 ||
	    theirs->wscale >= 0 || p->win == 0 || s->syn_win == 0)
		return;
	scaled = (uint64_t)p->win << (mine->wscale > 14 ? 14 : mine->wscale);
	if (scaled * 4 < s->syn_win || scaled > (uint64_t)s->syn_win * 4 ||
	    (uint64_t)p->win * 8 >= s->syn_win)
		return;
	if (*fi < 0)
		*fi = az_add_frame(c, x, p, frame, ts, SL_ROLE_ACK);
	f = az_add_finding(c, SL_SEV_VIOLATION, "ws-not-negotiated",
			   "RFC 7323 §2.2");
	if (f) {
		snprintf(f->message, sizeof(f->message),
			 "%c advertises window %u, its SYN window %u divided "
			 "by 2^%d: it scales its window although %c's SYN "
			 "had no window scale option, so %c reads %u bytes",
			 'A' + x, p->win, s->syn_win, mine->wscale, 'A' + 1 - x,
			 'A' + 1 - x, p->win);
		az_finding_frame(c, f, *fi);
	}
}

/* RFC 9293 §3.10.7.4: an ACK of something not yet sent. */
void
az_check_ack(struct conn *c, int x, const struct sl_pkt *p, int *fi,
	     uint64_t frame, int64_t ts)
{
	struct side *peer = &c->s[c->hs.self ? x : 1 - x];
	struct sl_finding *f;

	if (!(p->flags & SL_TH_ACK) || (p->flags & (SL_TH_RST | SL_TH_SYN)) ||
	    !peer->snd_valid || peer->snd_unknown || c->s[x].ack_checked ||
	    !SEQ_GT(p->ack, peer->snd_max))
		return;
	c->s[x].ack_checked = true;
	if (*fi < 0)
		*fi = az_add_frame(c, x, p, frame, ts, SL_ROLE_OTHER);
	f = az_add_finding(c, SL_SEV_WARNING, "ack-unsent-data",
			   "RFC 9293 §3.10.7.4");
	if (f) {
		snprintf(f->message, sizeof(f->message),
			 "%c acknowledges %u bytes beyond anything %c sent in "
			 "this capture (ACK %u, highest sent %u): data never "
			 "sent was acknowledged, or the capture lost segments",
			 'A' + x, p->ack - peer->snd_max,
			 c->hs.self ? 'A' : 'A' + 1 - x, p->ack, peer->snd_max);
		az_finding_frame(c, f, *fi);
	}
}

/* The SYN-ACK rules: what x's first SYN-ACK (or a later new one) shows. */
static void
check_synack(struct conn *c, int x, const struct sl_pkt *p, int fi)
{
	struct sl_handshake *hs = &c->hs;
	int y = hs->self ? x : 1 - x;
	struct side *sx = &c->s[x], *sy = &c->s[y];
	struct sl_finding *f;

	{
		if (sy->sent_bare_syn && p->ack != sy->isn + 1 &&
		    !(sy->syn_fi >= 0 && c->fr[sy->syn_fi].len > 0 &&
		      az_acks_syn(sy, p->ack))) {
			f = az_add_finding(c, SL_SEV_VIOLATION,
					   "synack-bad-ack",
					   "RFC 9293 §3.10.7.3");
			if (f) {
				snprintf(f->message, sizeof(f->message),
					 "SYN-ACK acknowledges %u, not %c's "
					 "ISN+1 = %u: %c must answer it with a "
					 "RST",
					 p->ack, 'A' + y, sy->isn + 1, 'A' + y);
				az_finding_frame(c, f, sy->syn_fi);
				az_finding_frame(c, f, fi);
			}
		}
		if (sx->sent_bare_syn && p->seq != sx->isn) {
			f = az_add_finding(c, SL_SEV_VIOLATION,
					   "simopen-synack-new-isn",
					   "RFC 9293 §3.5");
			if (f) {
				snprintf(f->message, sizeof(f->message),
					 "%c's SYN-ACK carries SEQ %u but its "
					 "SYN chose ISN %u: in a simultaneous "
					 "open the SYN-ACK must repeat the ISN "
					 "(Figure 7)",
					 'A' + x, p->seq, sx->isn);
				az_finding_frame(c, f, sx->syn_fi);
				az_finding_frame(c, f, fi);
			}
		}
		if (!sx->sent_bare_syn && p->opts.has_ws && hs->syn[y].seen &&
		    hs->syn[y].wscale < 0 && !hs->self) {
			f = az_add_finding(c, SL_SEV_WARNING, "ws-unsolicited",
					   "RFC 7323 §2.2");
			if (f) {
				snprintf(f->message, sizeof(f->message),
					 "SYN-ACK offers window scale %u "
					 "although %c's SYN had none; it may "
					 "be sent only in answer to one",
					 p->opts.ws, 'A' + y);
				az_finding_frame(c, f, fi);
			}
		}
	}
	if (sx->sent_synack && sx->synack_fi >= 0 && sx->synack_fi != fi &&
	    p->seq != sx->synack_seq) {
		f = az_add_finding(c, SL_SEV_VIOLATION, "synack-new-isn",
				   "RFC 9293 §3.4");
		if (f) {
			snprintf(f->message, sizeof(f->message),
				 "%c sent a second SYN-ACK with ISN %u after "
				 "one with %u",
				 'A' + x, p->seq, sx->synack_seq);
			az_finding_frame(c, f, sx->synack_fi);
			az_finding_frame(c, f, fi);
		}
	}
}

/*
 * Every rule that one segment p from side x can show, right after it was
 * given its role and (if recorded) its frame *fi.
 */
void
az_check_segment(struct conn *c, int x, const struct sl_pkt *p,
		 enum sl_role role, bool first_from_x, int *fi, uint64_t frame,
		 int64_t ts)
{
	struct sl_handshake *hs = &c->hs;
	int y = hs->self ? x : 1 - x;
	struct side *sx = &c->s[x], *sy = &c->s[y];
	bool syn = p->flags & SL_TH_SYN, rst = p->flags & SL_TH_RST;

	if (syn && (p->flags & SL_TH_ACK) && role == SL_ROLE_SYNACK)
		check_synack(c, x, p, *fi);
	if (rst && !sx->sent_synack && !sx->sent_bare_syn && first_from_x &&
	    sy->sent_bare_syn && !hs->self) {
		c->refused = true;
		az_check_rst_to_syn(c, x, p, *fi);
	}
	if (!syn && !rst && c->established)
		az_check_ws(c, x, p, fi, frame, ts);
	az_check_ack(c, x, p, fi, frame, ts);
}
