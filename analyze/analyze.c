/* \summary: flow table, RFC 9293 endpoint state machines, shapes and findings */
/*
 * The analyzer streams.  Each TCP segment is decoded, matched to the
 * handshake open on its tuple (unordered pair of endpoints), and replayed
 * through the state machines of both endpoints (RFC 9293 §3.10).  A
 * handshake ends when its connection closes (FIN both ways, or RST), goes
 * idle, or the input ends; then it is classified, reported through the
 * on_handshake callback in the order of first frames, and freed.  Memory
 * is bounded by the handshakes open at once, not by the file.
 *
 * One capture shows each segment once, at one place.  When endpoint X
 * receives a segment is not on the wire, so delivery is inferred: a
 * segment from Y is delivered to X when something X sends proves that X
 * has processed it (X's ACK covers it, X answers a SYN with SYN-ACK, X
 * acts as only an endpoint that had received it can), and at the end.
 * This keeps each side's events in an order its own stack could have
 * seen, whatever the capture's vantage point.
 */
#include "conn.h"

#include <pcap/pcap.h>

#include "ngindex.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
note_synopts(struct sl_synopts *o, const struct sl_pkt *p)
{
	if (o->seen)
		return;
	o->seen = true;
	o->mss = p->opts.has_mss ? p->opts.mss : -1;
	o->wscale = p->opts.has_ws ? p->opts.ws : -1;
	o->sack_ok = p->opts.sack_ok;
	o->ts = p->opts.has_ts;
	o->tfo = p->opts.has_tfo;
}
static double
ms(int64_t ns)
{
	return (double)ns / 1e6;
}

/* What segment p means to the handshake when it is the role analysis. */
struct seg {
	struct conn *c;
	int x, y;
	const struct sl_pkt *p;
	int64_t ts;
	enum sl_state st0; /* x's state when it sent p */
	bool first_from_x;
	bool record; /* p is a frame of the handshake */
	enum sl_role role;
	char note[SL_NOTE_LEN];
};

/* A bare SYN from x: the first, a retransmission, or a late one. */
static void
role_syn(struct seg *g)
{
	struct conn *c = g->c;
	struct sl_handshake *hs = &c->hs;
	struct side *sx = &c->s[g->x], *sy = &c->s[g->y];
	const struct sl_pkt *p = g->p;

	g->record = true;
	if (sx->sent_bare_syn && p->seq == sx->isn &&
	    !az_synchronized(g->st0) && !sx->sent_synack) {
		g->role = SL_ROLE_SYN_RETX;
		hs->syn_retx[g->x]++;
		if (hs->nretx_iv[g->x] < SL_HS_MAXRETX)
			hs->retx_iv_us[g->x][hs->nretx_iv[g->x]++] =
			    (g->ts - sx->t_syn_prev) / 1000;
		sx->t_syn_prev = g->ts;
	} else if (!sx->sent_bare_syn && !c->established && !sx->sent_synack) {
		g->role = SL_ROLE_SYN;
		sx->sent_bare_syn = true;
		sx->isn_known = true;
		sx->isn = p->seq;
		sx->t_syn = sx->t_syn_prev = g->ts;
		sx->syn_win = p->win;
		note_synopts(&hs->syn[g->x], p);
		hs->has_isn[g->x] = true;
		hs->isn[g->x] = p->seq;
		if (!hs->self && sy->sent_bare_syn) {
			hs->crossing_us = (g->ts - sy->t_syn) / 1000;
			snprintf(g->note, sizeof(g->note),
				 "crossing SYN, %.3f ms after %c's "
				 "SYN (both in flight)",
				 ms(g->ts - sy->t_syn), 'A' + g->y);
		}
	} else {
		/* A SYN on a synchronized connection, or a stale
		 * copy of x's own SYN that a SYN-ACK overtook. */
		g->role = SL_ROLE_LATE_SYN;
		hs->late_syns++;
		if (sx->sent_synack && p->seq == sx->synack_seq)
			snprintf(g->note, sizeof(g->note),
				 "stale SYN: same ISN as %c's SYN-ACK, "
				 "arrives after the connection is "
				 "established",
				 'A' + g->x);
		else
			snprintf(g->note, sizeof(g->note),
				 "SYN on an established connection "
				 "(RFC 5961 §4)");
	}
}

/* A SYN-ACK from x: the first, a retransmission, or another one. */
static void
role_synack(struct seg *g)
{
	struct conn *c = g->c;
	struct sl_handshake *hs = &c->hs;
	struct side *sx = &c->s[g->x], *sy = &c->s[g->y];
	const struct sl_pkt *p = g->p;

	g->record = true;
	if (!sx->sent_synack) {
		g->role = SL_ROLE_SYNACK;
		sx->sent_synack = true;
		sx->synack_seq = p->seq;
		sx->t_synack = g->ts;
		if (!sx->sent_bare_syn) {
			sx->isn_known = true;
			sx->isn = p->seq;
			sx->syn_win = p->win;
			hs->has_isn[g->x] = true;
			hs->isn[g->x] = p->seq;
			note_synopts(&hs->syn[g->x], p);
		}
		if (c->started_with_synack && !sy->isn_known) {
			sy->isn_known = true;
			sy->isn = p->ack - 1;
			sy->snd_valid = true;
			sy->snd_max = p->ack;
			sy->st = SL_ST_SYN_SENT;
			hs->has_isn[g->y] = true;
			hs->isn[g->y] = sy->isn;
		}
	} else if (p->seq == sx->synack_seq) {
		g->role = SL_ROLE_SYNACK_RETX;
	} else {
		g->role = SL_ROLE_SYNACK;
	}
	if (az_synchronized(g->st0) && g->role != SL_ROLE_SYNACK_RETX) {
		g->role = SL_ROLE_LATE_SYN;
		hs->late_syns++;
	}
}

/* A segment without SYN: FIN, challenge ACK, the handshake's ACK, ... */
static void
role_other(struct seg *g)
{
	struct conn *c = g->c;
	struct sl_handshake *hs = &c->hs;
	struct side *sx = &c->s[g->x], *sy = &c->s[g->y];
	const struct sl_pkt *p = g->p;
	bool ack = p->flags & SL_TH_ACK;

	g->record = true;
	if (p->flags & SL_TH_RST) {
		g->role = SL_ROLE_RST;
	} else if (p->flags & SL_TH_FIN) {
		g->role = SL_ROLE_FIN;
	} else if (sx->challenge_due && ack && p->paylen == 0) {
		g->role = SL_ROLE_CHALLENGE_ACK;
		sx->challenge_due = false;
		hs->challenge_acks++;
	} else if (sx->took_synack || g->first_from_x ||
		   (ack && sy->fin_sent && !sy->fin_acked &&
		    SEQ_GEQ(p->ack, sy->fin_end))) {
		g->role = p->paylen > 0 ? SL_ROLE_DATA : SL_ROLE_ACK;
	} else if (ack && p->paylen == 0 && !sx->dup_acked &&
		   sx->sent_bare_syn && sy->sent_bare_syn &&
		   p->ack == sy->isn + 1 && az_synchronized(g->st0)) {
		/* Simultaneous open and self-connect: each side's ACK of
		 * the peer's SYN comes twice (Wireshark: "Dup ACK"). */
		g->role = SL_ROLE_DUP_ACK;
		sx->dup_acked = true;
	} else {
		g->record = false;
		g->role = p->paylen > 0 ? SL_ROLE_DATA : SL_ROLE_OTHER;
	}
}

/*
 * The receiver takes p: at once on one socket, later otherwise; then the
 * end of the connection.  RFC 9293 §3.10.7.3: a side in SYN-SENT drops a
 * RST whose ACK does not acknowledge its SYN, so such a RST ends nothing
 * (the SYN will be retransmitted).
 */
static void
hand_over(struct conn *c, int x, const struct sl_pkt *p, int fi, int64_t ts)
{
	struct sl_handshake *hs = &c->hs;
	int y = hs->self ? x : 1 - x;
	struct side *sx = &c->s[x], *sy = &c->s[y];
	bool rst = p->flags & SL_TH_RST, rst_ignored;
	char note[SL_NOTE_LEN];

	rst_ignored = rst && sy->st == SL_ST_SYN_SENT && !hs->self &&
		      (!(p->flags & SL_TH_ACK) || !az_acks_syn(sy, p->ack));
	if (rst_ignored) {
		/* dropped by its receiver: it changes nothing */
	} else if (hs->self) {
		struct pend pd = {p->seq, p->ack, az_seg_end(p), p->flags, fi};
		az_deliver(c, 0, &pd, 0, ts);
	} else {
		az_enqueue(c, y, p, fi, ts);
	}

	if (rst_ignored) {
		if (fi >= 0) {
			snprintf(note, sizeof(note),
				 "RST dropped by %c in SYN-SENT: its ACK does "
				 "not acknowledge the SYN",
				 'A' + y);
			az_set_note(c, fi, note);
		}
	} else if (rst) {
		az_flush_pending(c, ts);
		hs->end = SL_END_RST;
		c->ended = true;
	} else if (sx->fin_sent && sy->fin_sent && sx->fin_acked &&
		   sy->fin_acked) {
		az_flush_pending(c, ts);
		hs->end = SL_END_FIN;
		c->ended = true;
	} else if (hs->self && sx->fin_sent && sx->fin_acked) {
		hs->end = SL_END_FIN;
		c->ended = true;
	}
}

/*
 * One segment of the handshake's tuple, sent by side x.
 */
static void
on_segment(struct conn *c, int x, const struct sl_pkt *p, uint64_t frame,
	   int64_t ts)
{
	struct sl_handshake *hs = &c->hs;
	struct side *sx = &c->s[x];
	struct seg g;
	int fi = NO_FI;

	memset(&g, 0, sizeof(g));
	g.c = c;
	g.x = x;
	g.y = hs->self ? x : 1 - x;
	g.p = p;
	g.ts = ts;
	g.first_from_x = !sx->sent_any;
	hs->t_last_ns = ts;
	if (p->trunc)
		hs->truncated++;

	/* What x's stack must have processed before it could send this. */
	sx->took_synack = false;
	if (!hs->self)
		az_catch_up(c, x, p, ts);
	g.st0 = sx->st;

	if ((p->flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST)) == SL_TH_SYN)
		role_syn(&g);
	else if ((p->flags & (SL_TH_SYN | SL_TH_RST)) == SL_TH_SYN)
		role_synack(&g);
	else
		role_other(&g);
	/* The state change the catch-up caused belongs to this frame too. */
	if (g.record)
		fi = az_add_frame(c, x, p, frame, ts, g.role);
	if (fi >= 0 && g.note[0] != '\0')
		az_set_note(c, fi, g.note);
	if (g.role == SL_ROLE_SYN && fi >= 0)
		sx->syn_fi = fi;
	if (g.role == SL_ROLE_SYNACK && fi >= 0 && sx->synack_fi < 0)
		sx->synack_fi = fi;

	/* Findings that one segment shows. */
	az_check_segment(c, x, p, g.role, g.first_from_x, &fi, frame, ts);

	/* Sending changes the sender's own state (RFC 9293 §3.10.4-5). */
	az_ep_send(c, x, p, g.st0, fi);
	hand_over(c, x, p, fi, ts);
}

static bool
is_duplicate(struct conn *c, const struct sl_pkt *p, int64_t ts)
{
	unsigned i;

	for (i = 0; i < c->nrecent; i++)
		if (c->recent[i].h == p->hash && ts - c->recent[i].t >= 0 &&
		    ts - c->recent[i].t <= DUP_WINDOW_NS)
			return true;
	if (c->nrecent < RECENT_MAX) {
		c->recent[c->nrecent].h = p->hash;
		c->recent[c->nrecent++].t = ts;
	} else {
		memmove(&c->recent[0], &c->recent[1],
			(RECENT_MAX - 1) * sizeof(c->recent[0]));
		c->recent[RECENT_MAX - 1].h = p->hash;
		c->recent[RECENT_MAX - 1].t = ts;
	}
	return false;
}

/* Does this SYN from side x begin a new handshake on c's tuple? */
static bool
starts_new(const struct conn *c, int x, const struct sl_pkt *p)
{
	const struct side *s = &c->s[x];

	if (c->ended)
		return true;
	if ((p->flags & (SL_TH_SYN | SL_TH_ACK)) != SL_TH_SYN)
		return false;
	if (c->established)
		return false; /* a late SYN: RFC 5961 §4 */
	if (s->sent_bare_syn && p->seq != s->isn)
		return true;
	if (s->sent_synack && !s->sent_bare_syn && p->seq != s->synack_seq)
		return true;
	return false;
}

static void
process(struct sl_analyzer *az, const struct sl_pkt *p, int file,
	uint64_t frame, int64_t ts)
{
	struct sl_endpoint lo, hi;
	uint64_t h;
	struct conn *c;
	int x;

	az_order_key(p, &lo, &hi);
	h = az_flow_hash(&lo, &hi, az->cur_iface);
	c = az_tab_find(az, &lo, &hi, az->cur_iface, h);
	if (c != NULL && is_duplicate(c, p, ts)) {
		c->hs.duplicates++;
		az->sum.duplicates++;
		return;
	}
	if (c != NULL) {
		x = c->hs.self					  ? 0
		    : sl_endpoint_cmp(&p->src, &c->hs.ep[0]) == 0 ? 0
								  : 1;
		if (starts_new(c, x, p)) {
			az_finalize(az, c, SL_END_EOF);
			c = NULL;
		} else if (c->ended) {
			az->sum.no_handshake_segments++;
			return;
		}
	}
	if (c == NULL) {
		if (!(p->flags & SL_TH_SYN) || (p->flags & SL_TH_RST)) {
			az->sum.no_handshake_segments++;
			return;
		}
		if (!(p->flags & SL_TH_ACK) && az->ntombs > 0) {
			struct conn probe;
			probe.khash = h;
			probe.s[0].isn = p->seq;
			if (az_tomb_find(az, az_tomb_key(&probe), ts)) {
				/* a late copy of a SYN already reported */
				az->sum.late_syn_copies++;
				return;
			}
		}
		c = az_conn_new(az, &lo, &hi, h, file);
		c->hs.t_first_ns = ts;
		(void)is_duplicate(c, p, ts);
		if (p->flags & SL_TH_ACK) {
			/* The capture begins after A's SYN. */
			c->started_with_synack = true;
			c->hs.ep[0] = p->dst;
			c->hs.ep[1] = p->src;
		} else {
			c->hs.ep[0] = p->src;
			c->hs.ep[1] = p->dst;
		}
		x = c->hs.self					  ? 0
		    : sl_endpoint_cmp(&p->src, &c->hs.ep[0]) == 0 ? 0
								  : 1;
	}
	on_segment(c, x, p, frame, ts);
	if (c->ended) {
		if (c->t_ended == 0) {
			c->t_ended = ts;
			az_list_del(c->in, c);
			az->nopen--;
			az_list_append(&az->lingering, c);
		}
	} else if (c->in == &az->waiting && c->s[1].sent_any) {
		az_list_del(c->in, c);
		az_list_append(&az->open, c);
	} else if (c != c->in->tail) {
		struct list *l = c->in;
		az_list_del(l, c);
		az_list_append(l, c);
	}
}

/* ---- public ---------------------------------------------------------- */

struct sl_analyzer *
sl_analyzer_new(const struct sl_analyzer_cfg *cfg)
{
	struct sl_analyzer *az = sl_xcalloc(1, sizeof(*az));

	if (cfg != NULL)
		az->cfg = *cfg;
	az->next_id = az->next_emit = 1;
	az->cur_file = -1;
	az_tab_grow(az);
	return az;
}

void
sl_analyzer_set_iface(struct sl_analyzer *az, int iface, const char *name)
{
	size_t i;

	az->cur_iface = iface;
	az->cur_iface_name = NULL;
	if (name == NULL)
		return;
	for (i = 0; i < az->nifnames; i++)
		if (strcmp(az->ifnames[i], name) == 0) {
			az->cur_iface_name = az->ifnames[i];
			return;
		}
	az->ifnames =
	    sl_xrealloc(az->ifnames, az->nifnames + 1, sizeof(*az->ifnames));
	az->ifnames[az->nifnames] = sl_xstrdup(name);
	az->cur_iface_name = az->ifnames[az->nifnames++];
}

void
sl_analyzer_set_file(struct sl_analyzer *az, int file, const char *name)
{
	int i;

	if (file < 0)
		return;
	if (file >= az->nfiles) {
		az->files = sl_xrealloc(az->files, (size_t)file + 1,
					sizeof(*az->files));
		for (i = az->nfiles; i <= file; i++)
			az->files[i] = NULL;
		az->nfiles = file + 1;
	}
	free(az->files[file]);
	az->files[file] = sl_xstrdup(name);
}

static void
problem(struct sl_analyzer *az, int file, uint64_t frame, const char *what)
{
	char msg[SL_ERRBUF_SIZE + 128];
	const char *name = file >= 0 && file < az->nfiles && az->files[file]
			       ? az->files[file]
			       : "(input)";

	snprintf(msg, sizeof(msg), "%s: frame %llu: %s", name,
		 (unsigned long long)frame, what);
	if (az->cfg.on_problem)
		az->cfg.on_problem(msg, az->cfg.arg);
}

int
sl_analyzer_feed(struct sl_analyzer *az, int file, uint64_t frame,
		 int64_t ts_ns, int dlt, const uint8_t *data, size_t caplen,
		 size_t wirelen)
{
	struct sl_pkt pkt;
	char err[SL_ERRBUF_SIZE];
	enum sl_dec_status st;

	if (file != az->cur_file) {
		az_finish_all(az);
		az->cur_file = file;
	}
	az->sum.frames++;
	err[0] = '\0';
	st = sl_decode(dlt, data, caplen, wirelen, &pkt, err);
	switch (st) {
	case SL_DEC_TCP:
		break;
	case SL_DEC_NOT_TCP:
		az->sum.not_tcp++;
		return SL_OK;
	case SL_DEC_FRAGMENT:
		az->sum.fragments++;
		return SL_OK;
	case SL_DEC_TRUNC:
		az->sum.truncated++;
		return SL_OK;
	case SL_DEC_MALFORMED:
		az->sum.malformed++;
		problem(az, file, frame, err);
		return SL_EMALFORM;
	case SL_DEC_LINKTYPE:
		az->sum.unsupported_link++;
		problem(az, file, frame, err);
		return SL_ENOTSUP;
	}
	az->sum.tcp++;
	if (pkt.opts_malformed) {
		/* The header is sound; only its options are skipped. */
		az->sum.malformed++;
		problem(az, file, frame, err);
	}
	if (pkt.trunc)
		az->sum.truncated++;
	if (ts_ns > az->now)
		az->now = ts_ns;
	if (az->now - az->last_sweep > SWEEP_NS) {
		az_sweep(az, az->now);
		az->last_sweep = az->now;
	}
	process(az, &pkt, file, frame, ts_ns);
	return SL_OK;
}

int
sl_analyze_file(struct sl_analyzer *az, int file, const char *path,
		char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frame = 0;
	int dlt, r, ret = SL_OK, nsec, iface = 0;
	struct sl_ngindex *ix;

	sl_analyzer_set_file(az, file, path);
	perr[0] = '\0';
	pc = pcap_open_offline_with_tstamp_precision(
	    path, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (pc == NULL) {
		/* libpcap names the file itself in some of its messages. */
		if (strncmp(perr, path, strlen(path)) == 0)
			sl_errbuf_set(errbuf, "%s", perr);
		else
			sl_errbuf_set(errbuf, "%s: %s", path, perr);
		return SL_EIO;
	}
	nsec = pcap_get_tstamp_precision(pc) == PCAP_TSTAMP_PRECISION_NANO;
	dlt = pcap_datalink(pc);
	if (!sl_decode_dlt_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		sl_errbuf_set(errbuf, "%s: link type %d (%s) is not supported",
			      path, dlt, name ? name : "unknown");
		pcap_close(pc);
		return SL_ENOTSUP;
	}
	ix = sl_ngindex_open(path);
	sl_analyzer_set_iface(az, 0, NULL);
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		int64_t ts;
		frame++;
		/*
		 * libpcap 1.10 reads a classic pcap's seconds and fraction as
		 * signed 32-bit numbers; a negative or out-of-range time (and
		 * a pcapng time past 2262) is a corrupt record, refused as
		 * the annotator refuses it.
		 */
		if (h->ts.tv_sec < 0 || h->ts.tv_usec < 0 ||
		    h->ts.tv_usec >= (nsec ? 1000000000 : 1000000) ||
		    h->ts.tv_sec > INT64_MAX / 1000000000 - 1) {
			sl_errbuf_set(errbuf,
				      "%s: frame %llu: timestamp out of range "
				      "(%lld s, fraction %ld)",
				      path, (unsigned long long)frame,
				      (long long)h->ts.tv_sec,
				      (long)h->ts.tv_usec);
			ret = SL_EMALFORM;
			break;
		}
		if (ix != NULL) {
			int i = sl_ngindex_next(ix);
			if (i >= 0 && (i != iface || frame == 1)) {
				iface = i;
				sl_analyzer_set_iface(az, i,
						      sl_ngindex_name(ix, i));
			}
		}
		ts = (int64_t)h->ts.tv_sec * 1000000000 +
		     (int64_t)h->ts.tv_usec * (nsec ? 1 : 1000);
		if (pcap_datalink(pc) != dlt) {
			/* pcapng: a second interface of another type. */
			dlt = pcap_datalink(pc);
		}
		(void)sl_analyzer_feed(az, file, frame, ts, dlt, data,
				       h->caplen, h->len);
	}
	if (r == -1) {
		sl_errbuf_set(errbuf, "%s: frame %llu: %s", path,
			      (unsigned long long)frame + 1, pcap_geterr(pc));
		ret = SL_EMALFORM;
	}
	pcap_close(pc);
	sl_ngindex_close(ix);
	az_finish_all(az);
	az->cur_file = -1;
	sl_analyzer_set_iface(az, 0, NULL);
	return ret;
}

void
sl_analyzer_finish(struct sl_analyzer *az)
{
	az_finish_all(az);
	az_emit_ready(az);
}

const struct sl_summary *
sl_analyzer_summary(const struct sl_analyzer *az)
{
	return &az->sum;
}

void
sl_analyzer_free(struct sl_analyzer *az)
{
	int i;
	size_t j;

	if (az == NULL)
		return;
	for (j = 0; j < az->tabsize; j++)
		if (az->tab[j].c != NULL)
			az_conn_free(az->tab[j].c);
	while (az_win_len(az) > 0) {
		struct conn *c = az->win[az->whead];
		if (c->done)
			az_conn_free(c);
		az->whead = (az->whead + 1) % az->wcap;
		az->next_emit++;
	}
	for (j = 0; j < az->nifnames; j++)
		free(az->ifnames[j]);
	free(az->ifnames);
	free(az->win);
	free(az->scratch);
	free(az->tombs);
	free(az->tab);
	for (i = 0; i < az->nfiles; i++)
		free(az->files[i]);
	free(az->files);
	free(az);
}
