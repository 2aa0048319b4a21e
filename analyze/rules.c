/* \summary: the rules a handshake is checked against, and their checks */
/*
 * One registry (sl_rules) gives every rule its id, severity, RFC section
 * and the requirement it checks; a check raises a finding by rule id only,
 * so an id cannot be misspelt and `synlab analyze --list-rules` and the
 * README's table come from the same list.
 */
#include "conn.h"
#include "json.h"
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V SL_SEV_VIOLATION
#define W SL_SEV_WARNING
#define N SL_SEV_NOTE

static const struct sl_rule sl_rules[SL_RULE__COUNT] = {
    [SL_RULE_SYNACK_BAD_ACK] =
	{"synack-bad-ack", V, true, "RFC 9293 §3.10.7.2",
	 "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>",
	 "The SYN-ACK does not acknowledge the SYN (SEG.SEQ+SEG.LEN, SYN, "
	 "FIN and Fast Open data counted); the peer in SYN-SENT must answer "
	 "it with a RST."},
    [SL_RULE_SYNACK_OLD_DUP] =
	{"synack-old-duplicate", N, false, "RFC 9293 §3.5",
	 "Figure 8: recovery from old duplicate SYN",
	 "A SYN-ACK acknowledges another SYN than the one captured (an old "
	 "duplicate, or one the capture missed); the RST answering it and a "
	 "later SYN-ACK that acknowledges the SYN recover, as Figure 8 "
	 "shows."},
    [SL_RULE_SIMOPEN_SYNACK_NEW_ISN] =
	{"simopen-synack-new-isn", V, true, "RFC 9293 §3.10.7.3",
	 "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>",
	 "In a simultaneous open the SYN-ACK does not repeat its own SYN's "
	 "ISN (Figure 7)."},
    [SL_RULE_SYNACK_NEW_ISN] =
	{"synack-new-isn", N, false, "RFC 9293 §3.10.7.2",
	 "select an ISS, send <SEQ=ISS><CTL=SYN,ACK>",
	 "A second SYN-ACK carries another ISN: a listener that dropped "
	 "its request answers a retransmitted SYN as a new one, as do SYN "
	 "proxies (RFC 4987) and two hosts behind one address."},
    [SL_RULE_RST_TO_SYN_NO_ACK] =
	{"rst-to-syn-no-ack", V, true, "RFC 9293 §3.10.7.3",
	 "the RST is acceptable if the ACK field acknowledges the SYN",
	 "The RST answering a SYN lacks the ACK bit: the peer in SYN-SENT "
	 "drops it and its connect() hangs until it times out."},
    [SL_RULE_RST_TO_SYN_BAD_ACK] =
	{"rst-to-syn-bad-ack", V, true, "RFC 9293 §3.10.7.1",
	 "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>",
	 "The RST answering a SYN does not acknowledge SEG.SEQ+SEG.LEN (SYN "
	 "and FIN counted): the peer in SYN-SENT drops it."},
    [SL_RULE_RST_TO_SYN_BAD_SEQ] =
	{"rst-to-syn-bad-seq", N, false, "RFC 9293 §3.10.7.1",
	 "If the ACK bit is off, sequence number zero is used",
	 "The RST answering a SYN carries a SEQ other than 0; the peer in "
	 "SYN-SENT checks only its ACK, so it is accepted all the same."},
    [SL_RULE_RST_STRAY] =
	{"rst-stray", W, false, "RFC 9293 §3.10.7.3",
	 "the RST is acceptable if the ACK field acknowledges the SYN",
	 "A RST that the side in SYN-SENT rightly dropped, from a port that "
	 "then answered the SYN with a SYN-ACK: not the closed port's answer "
	 "(a stray or forged RST)."},
    [SL_RULE_SYNRCVD_BAD_ACK] =
	{"synrcvd-bad-ack", W, false, "RFC 9293 §3.10.7.4",
	 "If SND.UNA < SEG.ACK =< SND.NXT, enter ESTABLISHED",
	 "The ACK that should complete the handshake acknowledges less than "
	 "the SYN-ACK or more than was sent; the side in SYN-RECEIVED must "
	 "answer with a RST whose SEQ is SEG.ACK, and stays in SYN-RECEIVED."},
    [SL_RULE_SYNRCVD_BAD_SEQ] =
	{"synrcvd-bad-seq", W, false, "RFC 9293 §3.10.7.4",
	 "RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND",
	 "A segment reaching a side in SYN-RECEIVED lies outside its "
	 "receive window (an old duplicate, or another incarnation); it is "
	 "dropped and answered with an ACK."},
    [SL_RULE_WS_NOT_NEGOTIATED] =
	{"ws-not-negotiated", V, true, "RFC 7323 §2.2",
	 "Both sides MUST send Window Scale options in their <SYN> segments",
	 "A side scales its window although the peer's SYN lacked the "
	 "window scale option, so the peer reads a window 2^shift too "
	 "small."},
    [SL_RULE_WS_UNSOLICITED] =
	{"ws-unsolicited", W, false, "RFC 7323 §2.2",
	 "MAY send it in a <SYN,ACK> only if received in the initial <SYN>",
	 "The SYN-ACK offers window scaling that the SYN did not."},
    [SL_RULE_TS_NOT_NEGOTIATED] =
	{"ts-not-negotiated", W, false, "RFC 7323 §3.2",
	 "MAY send a TSopt in <SYN,ACK> only if it received one in the "
	 "<SYN>",
	 "A side sends timestamps although the SYN it answered, or its own, "
	 "had none; the peer must ignore them."},
    [SL_RULE_TS_MISSING] =
	{"ts-missing", V, true, "RFC 7323 §3.2",
	 "the TSopt MUST be sent in every non-<RST> segment",
	 "Both SYNs negotiated timestamps, yet a segment after them has "
	 "none."},
    [SL_RULE_ACK_UNSENT_DATA] =
	{"ack-unsent-data", W, false, "RFC 9293 §3.10.7.4",
	 "If the ACK acks something not yet sent (SEG.ACK > SND.NXT)",
	 "An ACK covers bytes the peer never sent anywhere in this capture: "
	 "the capture may have lost them, or they were never sent."},
    [SL_RULE_ONE_DIRECTION] =
	{"one-direction", N, false, "capture", "-",
	 "The capture shows one direction of the connection only, so what "
	 "the other side sent is inferred from the ACKs."},
    [SL_RULE_LATE_SYN_UNANSWERED] =
	{"late-syn-unanswered", N, false, "RFC 5961 §4.2",
	 "send a challenge ACK, within the rate limit of §7",
	 "More late SYNs than challenge ACKs; Linux answers at most one per "
	 "500 ms per socket (tcp_invalid_ratelimit)."},
    /* Views across NATs (docs/nat.md): what the path did, not a host. */
    [SL_RULE_NAT_PORT_CHANGED] =
	{"nat-port-changed", N, false, "NAT", "-",
	 "A NAT gave the host a public port other than its inside port: a "
	 "peer that predicts the public port from the inside one (hole "
	 "punching) aims at the wrong port."},
    [SL_RULE_NAT_PUNCHED] =
	{"nat-punched", N, false, "NAT", "-",
	 "A SYN crossed its host's NAT, opening the mapping, and never "
	 "reached the peer's inside view: it died at the peer's NAT, and the "
	 "hole it punched lets the peer's SYN in."},
    [SL_RULE_NAT_RST] =
	{"nat-rst", W, true, "RFC 5382 §5",
	 "A NAT MUST NOT respond to an unsolicited inbound SYN packet for at "
	 "least 6 seconds",
	 "A RST came from the host's public address but never from the host "
	 "(its inside view lacks it): its NAT, with no mapping for the SYN, "
	 "reset it, and with it a hole-punching attempt."},
    [SL_RULE_NAT_MISMATCH] =
	{"nat-mismatch", W, false, "NAT", "-",
	 "The SYN aimed at the peer's predicted public port, but the peer's "
	 "NAT mapped it elsewhere (another connection of the input shows "
	 "where): the two SYNs cannot meet."},
};

#undef V
#undef W
#undef N

const struct sl_rule *
sl_rule_get(enum sl_rule_id id)
{
	if ((unsigned)id >= SL_RULE__COUNT)
		return NULL;
	return &sl_rules[id];
}

/* s with every '|' escaped, as a Markdown table cell needs it. */
static void
md_cell(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void
rules_json(FILE *out)
{
	struct sl_json j;
	unsigned i;

	sl_json_init(&j, out);
	sl_json_begin_arr(&j);
	for (i = 0; i < SL_RULE__COUNT; i++) {
		const struct sl_rule *r = &sl_rules[i];
		sl_json_begin_obj(&j);
		sl_json_key(&j, "rule");
		sl_json_string(&j, r->id);
		sl_json_key(&j, "severity");
		sl_json_string(&j, sl_severity_name(r->sev));
		sl_json_key(&j, "must");
		sl_json_bool(&j, r->must);
		sl_json_key(&j, "rfc");
		sl_json_string(&j, r->rfc);
		sl_json_key(&j, "requirement");
		sl_json_string(&j, r->requirement);
		sl_json_key(&j, "meaning");
		sl_json_string(&j, r->meaning);
		sl_json_end(&j);
	}
	sl_json_end(&j);
	fputc('\n', out);
}

int
sl_rules_write(FILE *out, bool json)
{
	unsigned i;

	if (json) {
		rules_json(out);
		return fflush(out) != 0 || ferror(out) ? SL_EIO : 0;
	}
	fputs("| rule | severity | MUST | RFC | requirement | what it means "
	      "|\n|---|---|---|---|---|---|\n",
	      out);
	for (i = 0; i < SL_RULE__COUNT; i++) {
		const struct sl_rule *r = &sl_rules[i];
		fprintf(out, "| `%s` | %s | %s | %s | ", r->id,
			sl_severity_name(r->sev), r->must ? "yes" : "no",
			r->rfc);
		if (strcmp(r->requirement, "-") == 0) {
			fputs("-", out);
		} else {
			fputs("`", out);
			md_cell(out, r->requirement);
			fputs("`", out);
		}
		fputs(" | ", out);
		md_cell(out, r->meaning);
		fputs(" |\n", out);
	}
	return fflush(out) != 0 || ferror(out) ? SL_EIO : 0;
}

/* ---- raising findings --------------------------------------------- */

static struct sl_finding *
new_finding(struct conn *c, enum sl_rule_id id)
{
	struct cold *k = c->k;
	struct sl_handshake *hs = &k->hs;
	struct sl_finding *f;

	/* a handshake reported already: nobody reads it */
	if (hs->nfind >= SL_HS_MAXFINDINGS || k->sink)
		return NULL;
	if (hs->nfind == k->findcap) {
		k->findcap = k->findcap ? k->findcap * 2 : 2;
		hs->find = sl_xrealloc(hs->find, k->findcap, sizeof(*f));
	}
	f = &hs->find[hs->nfind++];
	memset(f, 0, sizeof(*f));
	f->sev = sl_rules[id].sev;
	f->rule = sl_rules[id].id;
	f->rfc = sl_rules[id].rfc;
	return f;
}

static void
finding_frame_no(struct sl_finding *f, uint64_t frame)
{
	if (f != NULL && f->nframes < SL_FINDING_FRAMES)
		f->frames[f->nframes++] = frame;
}

void
az_finding_frame(struct conn *c, struct sl_finding *f, int fi)
{
	if (fi >= 0)
		finding_frame_no(f, az_frame(c->k, (unsigned)fi)->frame);
}

/*
 * Raise rule id on c, naming the frames fi1 and fi2 (NO_FI: none), with
 * a message.  Returns the finding (to add frames), or NULL when c holds
 * SL_HS_MAXFINDINGS already.
 */
struct sl_finding *
az_raise(struct conn *c, enum sl_rule_id id, int fi1, int fi2, const char *fmt,
	 ...)
{
	struct sl_finding *f = new_finding(c, id);
	va_list ap;

	if (f == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	az_finding_frame(c, f, fi1);
	az_finding_frame(c, f, fi2);
	return f;
}

/* Raise id for side x only once per handshake. */
static bool
first_time(struct conn *c, int x, enum sl_rule_id id)
{
	uint32_t bit = 1u << id;

	if (c->k->raised[x] & bit)
		return false;
	c->k->raised[x] |= bit;
	return true;
}

/* SEG.SEQ+SEG.LEN of a recorded frame: SYN and FIN count (§3.4). */
static uint32_t
frame_end(const struct cframe *f)
{
	return f->seq + f->len + ((f->flags & SL_TH_SYN) ? 1 : 0) +
	       ((f->flags & SL_TH_FIN) ? 1 : 0);
}

/* ---- the checks -------------------------------------------------- */

/*
 * RFC 9293 §3.10.7.1: a closed port answers a segment without ACK with
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; §3.10.7.3: in SYN-SENT the
 * RST is acceptable if its ACK acknowledges the SYN.
 */
static void
check_rst_to_syn(struct conn *c, int x, const struct sl_pkt *p, int fi)
{
	int sfi = c->s[1 - x].syn_fi;
	uint32_t want;

	if (sfi < 0)
		return;
	want = frame_end(az_frame(c->k, (unsigned)sfi));
	/* decided at the end: a port that answers later did not send it */
	if (!(p->flags & SL_TH_ACK) || p->ack != want) {
		c->s[x].bad_rst_fi = fi;
		c->s[x].bad_rst_noack = !(p->flags & SL_TH_ACK);
		c->k->cs[x].bad_rst_ack = p->ack;
		c->k->cs[x].bad_rst_want = want;
	}
	if (!(p->flags & SL_TH_ACK))
		return;
	if (p->seq != 0)
		az_raise(c, SL_RULE_RST_TO_SYN_BAD_SEQ, fi, NO_FI,
			 "RST answering a SYN carries SEQ %u, not the 0 of "
			 "§3.10.7.1; a peer in SYN-SENT checks only the ACK",
			 p->seq);
}

/* Does ack acknowledge side s's SYN, and no more than the SYN carried? */
static bool
acks_syn_exactly(const struct conn *c, const struct side *s, uint32_t ack)
{
	uint32_t end = s->isn + 1;

	if (s->syn_fi >= 0)
		end = frame_end(az_frame(c->k, (unsigned)s->syn_fi));
	return SEQ_GT(ack, s->isn) && SEQ_LEQ(ack, end);
}

/* The SYN-ACK rules: what x's first SYN-ACK (or a later new one) shows. */
static void
check_synack(struct conn *c, int x, const struct sl_pkt *p, int fi)
{
	int y = c->self ? x : 1 - x;
	struct side *sx = &c->s[x], *sy = &c->s[y];

	/* decided at the end: a later good SYN-ACK makes it Figure 8 */
	if (sy->sent_bare_syn && !acks_syn_exactly(c, sy, p->ack)) {
		if (sx->bad_synack_fi == NO_FI && fi >= 0) {
			sx->bad_synack_fi = fi;
			c->k->cs[x].bad_synack_ack = p->ack;
		}
	} else if (sy->sent_bare_syn) {
		sx->good_synack = true;
	}
	if (sx->sent_bare_syn && p->seq != sx->isn)
		az_raise(c, SL_RULE_SIMOPEN_SYNACK_NEW_ISN, sx->syn_fi, fi,
			 "%c's SYN-ACK carries SEQ %u but its SYN chose ISN "
			 "%u: in a simultaneous open the SYN-ACK must repeat "
			 "the ISN (Figure 7)",
			 'A' + x, p->seq, sx->isn);
	if (!sx->sent_bare_syn && p->opts.has_ws && c->syn[y].seen &&
	    c->syn[y].wscale < 0 && !c->self)
		az_raise(c, SL_RULE_WS_UNSOLICITED, fi, NO_FI,
			 "SYN-ACK offers window scale %u although %c's SYN "
			 "had none; it may be sent only in answer to one",
			 p->opts.ws, 'A' + y);
	if (sx->sent_synack && sx->synack_fi >= 0 && sx->synack_fi != fi &&
	    p->seq != sx->synack_seq && sx->bad_synack_fi != sx->synack_fi)
		az_raise(c, SL_RULE_SYNACK_NEW_ISN, sx->synack_fi, fi,
			 "%c sent a second SYN-ACK with ISN %u after one with "
			 "%u: a new embryonic connection (its first request "
			 "expired, or another host answers)",
			 'A' + x, p->seq, sx->synack_seq);
}

/*
 * RFC 7323 §2.2: window scaling is in effect only when both SYNs carried
 * the option; otherwise both sides use unscaled windows.  A side that
 * offered shift s, whose peer's SYN lacked the option, and whose first
 * window after the handshake is its SYN window divided by about 2^s, is
 * still scaling: the window-scale defect of docs/kernel-notes.md (a
 * simultaneous open against a SYN without the option).
 */
static void
check_ws(struct conn *c, int x, const struct sl_pkt *p, int *fi, uint64_t frame,
	 int64_t ts)
{
	struct side *s = &c->s[x];
	const struct synopt *mine = &c->syn[x];
	const struct synopt *theirs = &c->syn[1 - x];
	uint64_t scaled;

	if (s->ws_checked || c->self)
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
	az_raise(c, SL_RULE_WS_NOT_NEGOTIATED, *fi, NO_FI,
		 "%c advertises window %u, its SYN window %u divided by "
		 "2^%d: it scales its window although %c's SYN had no window "
		 "scale option, so %c reads %u bytes",
		 'A' + x, p->win, s->syn_win, mine->wscale, 'A' + 1 - x,
		 'A' + 1 - x, p->win);
}

/*
 * RFC 7323 §3.2: timestamps only after both SYNs carried them, and then
 * in every segment but a RST.
 */
static void
check_ts(struct conn *c, int x, const struct sl_pkt *p, int fi, uint64_t frame)
{
	const struct synopt *mine = &c->syn[x], *theirs = &c->syn[1 - x];
	bool bare_syn = (p->flags & (SL_TH_SYN | SL_TH_ACK)) == SL_TH_SYN;
	struct sl_finding *f;

	if (c->self || (p->flags & SL_TH_RST) || bare_syn || p->trunc ||
	    p->opts.trunc || p->opts_malformed || !theirs->seen)
		return;
	if (p->opts.has_ts && !theirs->ts &&
	    first_time(c, x, SL_RULE_TS_NOT_NEGOTIATED)) {
		f = az_raise(c, SL_RULE_TS_NOT_NEGOTIATED, fi, NO_FI,
			     "%c sends a timestamp option although %c's SYN "
			     "had none: timestamps were not negotiated and "
			     "%c must ignore it",
			     'A' + x, 'A' + 1 - x, 'A' + 1 - x);
		if (fi < 0)
			finding_frame_no(f, frame);
	} else if (!(p->flags & SL_TH_SYN) && !p->opts.has_ts && mine->seen &&
		   mine->ts && theirs->ts &&
		   first_time(c, x, SL_RULE_TS_MISSING)) {
		f = az_raise(c, SL_RULE_TS_MISSING, fi, NO_FI,
			     "%c sends a segment without the timestamp "
			     "option although both SYNs negotiated it",
			     'A' + x);
		if (fi < 0)
			finding_frame_no(f, frame);
	}
}

/*
 * RFC 9293 §3.10.7.4: an ACK of something not yet sent.  Only noted
 * here; whether the bytes turn up later in the capture, or the peer's
 * direction is missing altogether, is known at the end (az_check_end).
 */
static void
note_ack(struct conn *c, int x, const struct sl_pkt *p, int *fi, uint64_t frame,
	 int64_t ts)
{
	struct side *sx = &c->s[x];
	struct side *peer = &c->s[c->self ? x : 1 - x];

	if (p->flags & SL_TH_ACK)
		sx->sent_ack = true;
	if (!(p->flags & SL_TH_ACK) || (p->flags & (SL_TH_RST | SL_TH_SYN)) ||
	    !peer->snd_valid || peer->snd_unknown ||
	    !SEQ_GT(p->ack, peer->snd_max))
		return;
	if (!sx->ack_beyond || SEQ_GT(p->ack, sx->ack_hi)) {
		if (!sx->ack_beyond && *fi < 0)
			*fi = az_add_frame(c, x, p, frame, ts, SL_ROLE_OTHER);
		if (!sx->ack_beyond)
			sx->ack_fi = *fi;
		sx->ack_beyond = true;
		sx->ack_hi = p->ack;
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
	int y = c->self ? x : 1 - x;
	struct side *sx = &c->s[x], *sy = &c->s[y];
	bool syn = p->flags & SL_TH_SYN, rst = p->flags & SL_TH_RST;

	if (syn && (p->flags & SL_TH_ACK) && role == SL_ROLE_SYNACK)
		check_synack(c, x, p, *fi);
	if (rst && !sx->sent_synack && !sx->sent_bare_syn && first_from_x &&
	    sy->sent_bare_syn && !c->self)
		check_rst_to_syn(c, x, p, *fi);
	if (!syn && !rst && c->established)
		check_ws(c, x, p, fi, frame, ts);
	check_ts(c, x, p, *fi, frame);
	/* a challenge ACK acknowledges another sequence space */
	if (role != SL_ROLE_CHALLENGE_ACK)
		note_ack(c, x, p, fi, frame, ts);
}

/*
 * RFC 9293 §3.10.7.4, SYN-RECEIVED: is the segment pd, arriving at side
 * y, acceptable?  First its sequence number must lie in the receive
 * window (RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND, the window unscaled as in
 * the SYN-ACK); then an ACK must satisfy SND.UNA < SEG.ACK =< SND.NXT.
 * An unacceptable segment is raised once per side and dropped.
 */
bool
az_synrcvd_acceptable(struct conn *c, int y, const struct pend *pd)
{
	const struct side *me = &c->s[y];
	uint32_t nxt = me->rcv_hi, len = pd->end - pd->seq;
	bool in_win;

	if ((pd->flags & (SL_TH_RST | SL_TH_SYN)) || !me->rcv_valid)
		return true;
	in_win = az_in_window(pd->seq, len, nxt, me->syn_win);
	if (!in_win) {
		if (first_time(c, 1 - y, SL_RULE_SYNRCVD_BAD_SEQ))
			az_raise(c, SL_RULE_SYNRCVD_BAD_SEQ, pd->fi, NO_FI,
				 "%c in SYN-RECEIVED expects SEQ %u (window "
				 "%u) but gets %u: it must drop the segment "
				 "and answer with an ACK",
				 'A' + y, nxt, me->syn_win, pd->seq);
		return false;
	}
	if (!(pd->flags & SL_TH_ACK) || !me->isn_known ||
	    az_acks_syn(me, pd->ack))
		return true;
	if (first_time(c, 1 - y, SL_RULE_SYNRCVD_BAD_ACK))
		az_raise(c, SL_RULE_SYNRCVD_BAD_ACK, pd->fi, NO_FI,
			 "%c in SYN-RECEIVED gets ACK %u, outside SND.UNA %u "
			 "< SEG.ACK =< SND.NXT %u: it must answer "
			 "<SEQ=SEG.ACK><CTL=RST> and stay in SYN-RECEIVED",
			 'A' + y, pd->ack, me->isn,
			 me->snd_valid ? me->snd_max : me->isn + 1);
	return false;
}

/* A RST of side x that answered a SYN badly, decided at the end. */
static void
check_bad_rst(struct conn *c, int x)
{
	const struct side *sx = &c->s[x];
	int sfi = c->s[1 - x].syn_fi;

	if (sx->sent_synack)
		az_raise(
		    c, SL_RULE_RST_STRAY, sx->bad_rst_fi, NO_FI,
		    "%c's RST was dropped by %c in SYN-SENT, and %c answered "
		    "the SYN with a SYN-ACK after it: not a closed port's "
		    "answer",
		    'A' + x, 'A' + 1 - x, 'A' + x);
	else if (sx->bad_rst_noack)
		az_raise(c, SL_RULE_RST_TO_SYN_NO_ACK, sfi, sx->bad_rst_fi,
			 "RST answering a SYN lacks the ACK bit: a SYN-SENT "
			 "peer must drop it (§3.10.7.3), so the connect() "
			 "will hang until it times out");
	else
		az_raise(c, SL_RULE_RST_TO_SYN_BAD_ACK, sfi, sx->bad_rst_fi,
			 "RST answering a SYN acknowledges %u, not "
			 "SEG.SEQ+SEG.LEN = %u: the peer in SYN-SENT must "
			 "ignore it",
			 c->k->cs[x].bad_rst_ack, c->k->cs[x].bad_rst_want);
}

/*
 * The rules that need the whole handshake: ACKs of bytes the capture
 * never showed, a capture of one direction, late SYNs left unanswered.
 */
void
az_check_end(struct conn *c)
{
	struct sl_handshake *hs = &c->k->hs;
	int x;

	for (x = 0; x < 2; x++) {
		const struct side *sx = &c->s[x];
		const struct side *peer = &c->s[hs->self ? x : 1 - x];
		int y = hs->self ? x : 1 - x;

		if (sx->bad_rst_fi != NO_FI)
			check_bad_rst(c, x);
		if (sx->bad_synack_fi != NO_FI && sx->good_synack)
			az_raise(
			    c, SL_RULE_SYNACK_OLD_DUP, sx->bad_synack_fi, NO_FI,
			    "SYN-ACK acknowledges %u, not %c's ISN+1 = %u: "
			    "it answers another SYN; a later SYN-ACK "
			    "acknowledges %c's",
			    c->k->cs[x].bad_synack_ack, 'A' + y, peer->isn + 1,
			    'A' + y);
		else if (sx->bad_synack_fi != NO_FI)
			az_raise(
			    c, SL_RULE_SYNACK_BAD_ACK, peer->syn_fi,
			    sx->bad_synack_fi,
			    "SYN-ACK acknowledges %u, not %c's ISN+1 = %u: "
			    "%c must answer it with a RST",
			    c->k->cs[x].bad_synack_ack, 'A' + y, peer->isn + 1,
			    'A' + y);
		if (!hs->self && !peer->sent_any && sx->sent_ack) {
			if (first_time(c, 0, SL_RULE_ONE_DIRECTION))
				az_raise(c, SL_RULE_ONE_DIRECTION, sx->ack_fi,
					 NO_FI,
					 "the capture shows only what %c sent; "
					 "%c's segments are known from %c's "
					 "ACKs only",
					 'A' + x, 'A' + 1 - x, 'A' + x);
			continue;
		}
		if (!sx->ack_beyond || SEQ_LEQ(sx->ack_hi, peer->snd_max))
			continue; /* the bytes came later: a reordered capture */
		if (c->k->raised[x] & (1u << SL_RULE_SYNRCVD_BAD_ACK))
			continue; /* said already, of the same ACK */
		az_raise(c, SL_RULE_ACK_UNSENT_DATA, sx->ack_fi, NO_FI,
			 "%c acknowledges up to %u, %u bytes beyond "
			 "anything %c sent in this capture (highest %u): "
			 "the capture may have lost them, or they were "
			 "never sent",
			 'A' + x, sx->ack_hi, sx->ack_hi - peer->snd_max,
			 'A' + (hs->self ? x : 1 - x), peer->snd_max);
	}
	/* RFC 5961 §4: a late SYN should draw a challenge ACK. */
	if (hs->late_syns > hs->challenge_acks && c->established) {
		struct sl_finding *f = az_raise(
		    c, SL_RULE_LATE_SYN_UNANSWERED, NO_FI, NO_FI,
		    "%u late SYN(s) drew %u challenge ACK(s); Linux answers "
		    "at most one per 500 ms per socket "
		    "(tcp_invalid_ratelimit)",
		    hs->late_syns, hs->challenge_acks);
		unsigned i;
		for (i = 0; i < c->nframes; i++)
			if (az_frame(c->k, i)->role == SL_ROLE_LATE_SYN)
				az_finding_frame(c, f, (int)i);
	}
}
