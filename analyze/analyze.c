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
#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The note a RST's fate puts on its frame fi (y: its receiver). */
static void
rst_note(struct conn *c, int fi, int x, int y, enum az_rst_fate fate)
{
	char n[SL_NOTE_LEN];

	if (fi < 0)
		return;
	switch (fate) {
	case AZ_RST_SYN_SENT:
		if (az_frame(c->k, (unsigned)fi)->flags & SL_TH_ACK)
			snprintf(n, sizeof(n),
				 "RST dropped by %c in SYN-SENT: its ACK does "
				 "not acknowledge the SYN",
				 'A' + y);
		else
			snprintf(n, sizeof(n),
				 "RST dropped by %c in SYN-SENT: it has no ACK "
				 "bit",
				 'A' + y);
		break;
	case AZ_RST_ANSWER:
		snprintf(n, sizeof(n),
			 "answers an unacceptable ACK; %c stays in SYN-SENT",
			 'A' + x);
		break;
	case AZ_RST_OUT_OF_WIN:
		snprintf(n, sizeof(n),
			 "outside %c's window: dropped (RFC 5961 §3)", 'A' + y);
		break;
	case AZ_RST_CHALLENGE:
		snprintf(n, sizeof(n),
			 "in %c's window, not at RCV.NXT: challenge ACK due",
			 'A' + y);
		break;
	default:
		return;
	}
	az_set_note(c, fi, n);
}

/*
 * The receiver takes p: at once on one socket, later otherwise; then the
 * end of the connection.  A RST ends it only if its receiver accepts it
 * (fate); a RST refusing a SYN leaves the handshake open for a retry of
 * the same SYN.
 */
static void
hand_over(struct conn *c, int x, const struct sl_pkt *p, int fi, int64_t ts,
	  enum az_rst_fate fate)
{
	int y = c->self ? x : 1 - x;
	struct side *sx = &c->s[x], *sy = &c->s[y];
	bool rst = p->flags & SL_TH_RST;

	if (rst)
		rst_note(c, fi, x, y, fate);
	if (rst && fate == AZ_RST_CHALLENGE)
		sy->challenge_due = true;
	if (rst && fate != AZ_RST_ACCEPT && fate != AZ_RST_ANSWER)
		return; /* dropped by its receiver: it changes nothing */
	if (c->self) {
		struct pend pd = {p->seq,   p->ack, az_seg_end(p),
				  p->flags, fi,	    ts};
		az_deliver(c, 0, &pd, 0, ts);
	} else {
		az_enqueue(c, y, p, fi, ts);
	}
	if (rst && fate == AZ_RST_ACCEPT && sy->st == SL_ST_SYN_SENT &&
	    !sx->sent_bare_syn && !sx->sent_synack && !c->self) {
		/* refused: y takes it at once, and may try the SYN again */
		c->refused = true;
		c->end = SL_END_RST;
		az_flush_pending(c, ts);
	} else if (rst && fate == AZ_RST_ACCEPT) {
		az_flush_pending(c, ts);
		c->end = SL_END_RST;
		c->ended = true;
	} else if (sx->fin_sent && sy->fin_sent && sx->fin_acked &&
		   sy->fin_acked) {
		az_flush_pending(c, ts);
		c->end = SL_END_FIN;
		c->ended = true;
	} else if (c->self && sx->fin_sent && sx->fin_acked) {
		c->end = SL_END_FIN;
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
	struct side *sx = &c->s[x];
	struct seg g;
	int fi = NO_FI;
	enum az_rst_fate fate;

	/* field by field: the note is not cleared on every segment */
	g.c = c;
	g.x = x;
	g.y = c->self ? x : 1 - x;
	g.p = p;
	g.ts = ts;
	g.first_from_x = !sx->sent_any;
	g.record = false;
	g.role = SL_ROLE_OTHER;
	g.note[0] = '\0';
	c->t_last = ts;
	if (p->trunc)
		c->k->hs.truncated++;

	/* What x's stack must have processed before it could send this. */
	sx->took_synack = false;
	if (!c->self)
		az_catch_up(c, x, p, ts);
	g.st0 = sx->st;

	az_segment_role(&g);
	/* The state change the catch-up caused belongs to this frame too. */
	if (g.record)
		fi = az_add_frame(c, x, p, frame, ts, g.role);
	if (fi >= 0 && g.note[0] != '\0')
		az_set_note(c, fi, g.note);
	if (g.role == SL_ROLE_SYN && fi >= 0) {
		sx->syn_fi = fi;
		sx->syn_frame = frame;
	}
	if (g.role == SL_ROLE_LATE_SYN && fi >= 0 && p->seq != sx->isn &&
	    !c->self) {
		if (c->late == NULL)
			c->late = sl_xcalloc(1, sizeof(*c->late));
		c->late->p = *p;
		c->late->frame = frame;
		c->late->ts = ts;
		c->late->fi = fi;
		c->late->from = x;
	}
	if (g.role == SL_ROLE_SYNACK && fi >= 0 && sx->synack_fi < 0)
		sx->synack_fi = fi;

	/* Findings that one segment shows. */
	az_check_segment(c, x, p, g.role, g.first_from_x, &fi, frame, ts);

	/* Sending changes the sender's own state (RFC 9293 §3.10.4-5). */
	fate = (p->flags & SL_TH_RST) ? az_rst_fate(c, x, p, g.st0)
				      : AZ_RST_ACCEPT;
	az_ep_send(c, x, p, g.st0, fi, fate);
	hand_over(c, x, p, fi, ts, fate);
}

/* Does this SYN from side x begin a new handshake on c's tuple? */
static bool
starts_new(const struct conn *c, int x, const struct sl_pkt *p)
{
	const struct side *s = &c->s[x];

	const struct side *peer = &c->s[1 - x];

	if (c->ended)
		return true;
	if ((p->flags & (SL_TH_SYN | SL_TH_ACK)) != SL_TH_SYN)
		return false;
	/* After a refusal only the same SYN again is the same handshake. */
	if (c->refused)
		return !(x == 0 && s->sent_bare_syn && p->seq == s->isn);
	if (c->established)
		return false; /* a late SYN: RFC 5961 §4 */
	/* A new ISN is a new handshake, unless the peer still holds the
	 * first SYN in SYN-RECEIVED: then it is that connection's affair. */
	if (s->sent_bare_syn && p->seq != s->isn)
		return !(peer->st == SL_ST_SYN_RECEIVED && peer->sent_synack &&
			 !c->self);
	if (s->sent_synack && !s->sent_bare_syn && p->seq != s->synack_seq)
		return true;
	return false;
}

/* The side of c that sent a segment whose source is lo (src_lo) or hi. */
static int
side_of(const struct conn *c, bool src_lo)
{
	return c->self || src_lo != c->a_hi ? 0 : 1;
}

/*
 * RFC 9293 Figure 8: x's SYN is unanswered when a SYN with another ISN
 * comes from x's endpoint.  That is x's next connect(), or an old
 * duplicate: then x, still in SYN-SENT, answers the peer's SYN-ACK to it
 * with a RST and sends its own SYN again.  Until the capture tells which,
 * the older handshake is parked under the newer one, not finished.
 */
static bool
parkable(const struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
{
	const struct side *s = &c->s[x];

	return !c->ended && !c->established && !c->refused && !c->self &&
	       c->parked == NULL &&
	       (p->flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST)) == SL_TH_SYN &&
	       s->st == SL_ST_SYN_SENT && s->sent_bare_syn && !s->sent_synack &&
	       p->seq != s->isn && !c->s[1 - x].sent_any &&
	       ts - c->t_last < WAIT_MIN_NS;
}

/*
 * p is the parked handshake's own SYN again: the newer handshake c was an
 * old duplicate's embryonic connection at the peer, and the RSTs x sent in
 * it came from x's SYN-SENT, answering ACKs of a SYN x never sent.
 */
static void
mark_old_duplicate(struct conn *c, const struct sl_pkt *p, bool src_lo)
{
	struct conn *o = c->parked;
	int x = side_of(c, src_lo), ox = side_of(o, src_lo);
	const struct side *so = &o->s[ox];
	char n[SL_NOTE_LEN];
	unsigned i, j;

	if ((p->flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST)) != SL_TH_SYN ||
	    !so->sent_bare_syn || p->seq != so->isn)
		return;
	if (c->s[x].syn_fi >= 0 && so->syn_fi >= 0) {
		snprintf(n, sizeof(n),
			 "old duplicate: %c is in SYN-SENT for frame %llu "
			 "(RFC 9293 Figure 8)",
			 'A' + x, (unsigned long long)so->syn_frame);
		az_set_note(c, c->s[x].syn_fi, n);
	}
	/* the peer answered the duplicate from LISTEN: it had no SYN of x's */
	if (c->s[1 - x].sent_synack)
		az_pend_lose_syns(o, 1 - ox, "its answer to the old duplicate");
	for (i = 0; i < c->nframes; i++) {
		const struct cframe *f = az_frame(c->k, i), *g;
		if (f->from != x ||
		    (f->flags & (SL_TH_RST | SL_TH_ACK)) != SL_TH_RST)
			continue;
		for (j = 0; j < i; j++) {
			g = az_frame(c->k, j);
			if (g->from != x && (g->flags & SL_TH_ACK) &&
			    g->ack == f->seq && !az_acks_syn(so, f->seq))
				break;
		}
		if (j == i)
			continue;
		az_set_frame_states(c, (int)i, x, SL_ST_SYN_SENT,
				    SL_ST_SYN_SENT);
		rst_note(c, (int)i, x, 1 - x, AZ_RST_ANSWER);
	}
}

static void
fi_gone(int8_t *v, int fi)
{
	if (*v == fi)
		*v = NO_FI;
	else if (*v > fi)
		(*v)--;
}

/* Take frame fi out of c's handshake. */
static void
frame_remove(struct conn *c, int fi)
{
	struct cold *cold = c->k;
	unsigned n = c->nframes, i;
	int k;

	if (az_frame(cold, (unsigned)fi)->note != NULL)
		az_pool_put(&cold->az->notes,
			    az_frame(cold, (unsigned)fi)->note);
	for (i = (unsigned)fi; i + 1 < n; i++)
		*az_frame(cold, i) = *az_frame(cold, i + 1);
	az_frame(cold, n - 1)->note = NULL; /* moved down: no second owner */
	c->nframes--;
	for (k = 0; k < 2; k++) {
		struct side *s = &c->s[k];
		fi_gone(&s->syn_fi, fi);
		fi_gone(&s->synack_fi, fi);
		fi_gone(&s->bad_synack_fi, fi);
		fi_gone(&s->bad_rst_fi, fi);
		fi_gone(&s->ack_fi, fi);
		for (i = 0; i < s->npend; i++)
			fi_gone(&s->pend[i].fi, fi);
	}
}

/*
 * RFC 9293 Figure 9: x lost its connection and connects again from the
 * same port.  Its new SYN met the peer's older connection (a late SYN
 * there), the peer's challenge ACK drew x's RST from SYN-SENT, which ended
 * the older connection, and now the same SYN comes again.  That first SYN
 * belongs to the new handshake: it is taken out of c and returned (the
 * caller frees it); the challenge ACK and the RST stay with the older
 * connection they ended.
 */
static struct late_syn *
take_late_syn(struct conn *c, int x, const struct sl_pkt *p)
{
	struct late_syn *l = c->late;
	const struct cframe *fj, *fk;
	char n[SL_NOTE_LEN];
	int fi, j, k;
	unsigned long long fno;

	if (l == NULL || !c->ended || c->parked != NULL || l->fi < 0 ||
	    (p->flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST)) != SL_TH_SYN ||
	    p->seq != l->p.seq || l->from != x)
		return NULL;
	fi = l->fi;
	fno = (unsigned long long)l->frame;
	for (j = fi + 1; j < (int)c->nframes; j++) {
		fj = az_frame(c->k, (unsigned)j);
		if (fj->from != x && fj->role == SL_ROLE_CHALLENGE_ACK)
			break;
	}
	if (j < (int)c->nframes) {
		snprintf(n, sizeof(n),
			 "challenge ACK to frame %llu, %c's next SYN "
			 "(RFC 9293 Figure 9)",
			 fno, 'A' + x);
		az_set_note(c, j, n);
		for (k = j + 1; k < (int)c->nframes; k++) {
			fk = az_frame(c->k, (unsigned)k);
			if (fk->from != x ||
			    (fk->flags & (SL_TH_RST | SL_TH_ACK)) !=
				SL_TH_RST ||
			    fk->seq != fj->ack)
				continue;
			az_set_frame_states(c, k, x, SL_ST_SYN_SENT,
					    SL_ST_SYN_SENT);
			snprintf(n, sizeof(n),
				 "from %c's next connection, in SYN-SENT; "
				 "%c takes it",
				 'A' + x, 'A' + (1 - x));
			az_set_note(c, k, n);
		}
	}
	frame_remove(c, fi);
	c->k->hs.late_syns--;
	c->late = NULL;
	return l;
}

/*
 * c ended with x's RST, and x is (or may be) in SYN-SENT for a SYN that
 * is not c's (Figures 8 and 9 above): x sends that SYN again after its
 * retransmission timeout, not within the moment a closed handshake
 * lingers for copies, and only that SYN tells what c was.
 */
static bool
awaits_syn(const struct conn *c, int x, const struct sl_pkt *p)
{
	if (!(p->flags & SL_TH_RST) || c->self)
		return false;
	return c->parked != NULL ||
	       (c->late != NULL && c->late->fi >= 0 && c->late->from == x);
}

void
az_flow_key(const struct sl_pkt *p, int iface, struct az_key *k)
{
	k->src_lo = sl_endpoint_cmp(&p->src, &p->dst) <= 0;
	k->h = k->src_lo ? az_flow_hash(&p->src, &p->dst, iface)
			 : az_flow_hash(&p->dst, &p->src, iface);
}

void
az_prefetch_slot(const struct sl_analyzer *az, uint64_t h,
		 const struct sl_pkt *p)
{
	__builtin_prefetch(&az->tab[h & (az->tabsize - 1)]);
	/*
	 * A bare SYN on a tuple not tracked looks up its tombstone (process):
	 * on a long capture the tombstones of the last three minutes'
	 * unanswered SYNs outgrow the cache, and that lookup missed.
	 */
	if ((p->flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST)) == SL_TH_SYN &&
	    az->ntombs > 0)
		__builtin_prefetch(
		    &az->tombs[az_tomb_key(h, p->seq) & (az->tcap - 1)]);
}

void
az_prefetch_conn(const struct sl_analyzer *az, uint64_t h)
{
	const struct slot *s = &az->tab[h & (az->tabsize - 1)];
	size_t i;

	/*
	 * All of a full record: the sides, which the segment reads first,
	 * lie past its first lines.  A compact record is smaller; the
	 * lines past it are fetched for nothing.
	 */
	if (s->c != NULL && s->h == h)
		for (i = 0; i < sizeof(struct conn); i += 64)
			__builtin_prefetch((const char *)s->c + i);
}

/* The string only (no snprintf: once per handshake); the decoder leaves
 * the bytes past its end. */
static void
copy_encap(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
process(struct sl_analyzer *az, const struct sl_pkt *p, const struct az_key *k,
	int file, uint64_t frame, int64_t ts)
{
	const struct sl_endpoint *lo = k->src_lo ? &p->src : &p->dst;
	const struct sl_endpoint *hi = k->src_lo ? &p->dst : &p->src;
	const uint64_t h = k->h;
	struct conn *c, *parked = NULL;
	struct sl_handshake *hs;
	struct late_syn *moved = NULL;
	int x;
	bool tw = false;

	c = az_tab_find(az, lo, hi, az->cur_iface, h);
	if (c != NULL && az_copy_seen(c, p, ts)) {
		c->k->hs.duplicates++;
		az->sum.duplicates++;
		return;
	}
	/* Finish what p starts anew; a parked handshake may come back. */
	while (c != NULL && starts_new(c, side_of(c, k->src_lo), p)) {
		x = side_of(c, k->src_lo);
		if (parkable(c, x, p, ts)) {
			az_park(az, c);
			parked = c;
		} else {
			if (c->parked != NULL)
				mark_old_duplicate(c, p, k->src_lo);
			else if (moved == NULL)
				moved = take_late_syn(c, x, p);
			/* the peer of the new SYN may still be in TIME-WAIT */
			tw = c->ended && !c->self &&
			     c->s[1 - x].st == SL_ST_TIME_WAIT;
			az_finalize(az, c, SL_END_EOF);
		}
		c = az_tab_find(az, lo, hi, az->cur_iface, h);
	}
	if (c != NULL && c->ended) {
		az->sum.no_handshake_segments++;
		free(moved);
		return;
	}
	if (c != NULL) {
		x = side_of(c, k->src_lo);
		if (moved != NULL) {
			/* a parked handshake took the tuple back */
			free(moved);
			moved = NULL;
		}
	}
	if (c == NULL) {
		if (!(p->flags & SL_TH_SYN) || (p->flags & SL_TH_RST)) {
			az->sum.no_handshake_segments++;
			return;
		}
		if (!(p->flags & SL_TH_ACK) && az->ntombs > 0 &&
		    parked == NULL && moved == NULL) {
			if (az_tomb_find(az, az_tomb_key(h, p->seq), ts)) {
				/* a late copy of a SYN already reported */
				az->sum.late_syn_copies++;
				return;
			}
		}
		c = az_conn_new(az, lo, hi, h, file);
		hs = &c->k->hs;
		hs->t_first_ns = ts;
		copy_encap(hs->encap, sizeof(hs->encap), p->encap);
		(void)az_copy_seen(c, p, ts);
		if (p->flags & SL_TH_ACK) {
			/* The capture begins after A's SYN. */
			c->started_with_synack = true;
			hs->ep[0] = p->dst;
			hs->ep[1] = p->src;
		} else {
			hs->ep[0] = p->src;
			hs->ep[1] = p->dst;
		}
		c->a_hi = sl_endpoint_cmp(&hs->ep[0], lo) != 0;
		x = side_of(c, k->src_lo);
		if (tw) {
			c->s[1 - x].st = SL_ST_TIME_WAIT;
			c->s[1 - x].time_wait = true;
		}
		c->parked = parked;
		if (moved != NULL) {
			/* the new connection began at its first SYN */
			hs->t_first_ns = moved->ts;
			on_segment(c, x, &moved->p, moved->frame, moved->ts);
			/* the peer took it in the older connection */
			az_pend_forget(c, 1 - x, c->s[x].syn_fi);
			char n[SL_NOTE_LEN];
			snprintf(n, sizeof(n),
				 "%c takes it in its older connection "
				 "(RFC 9293 Figure 9)",
				 'A' + (1 - x));
			az_set_note(c, c->s[x].syn_fi, n);
			free(moved);
		}
	}
	on_segment(c, x, p, frame, ts);
	az_touch(az, c, ts, c->ended && c->t_ended == 0 && awaits_syn(c, x, p));
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
	az_flow_init(az);
	az_tab_grow(az);
	return az;
}

const struct sl_analyzer_cfg *
sl_analyzer_get_cfg(const struct sl_analyzer *az)
{
	return &az->cfg;
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

/*
 * A frame more than TS_JUMP_NS after or before the previous one is a
 * capture problem (a corrupt record, a clock stepped while capturing),
 * not the passage of time: it is reported, and times from there on are
 * shifted to continue from the previous frame, so open handshakes do not
 * expire and no duration comes out negative.  A single bogus frame
 * between sane ones gives two reports, the jump and the jump back.
 */
static int64_t
clock_step(struct sl_analyzer *az, int file, uint64_t frame, int64_t raw)
{
	int64_t ts = raw + az->ts_shift;

	if (az->ts_seen &&
	    (ts - az->ts_prev > TS_JUMP_NS || az->ts_prev - ts > TS_JUMP_NS)) {
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "capture clock jumps %.3f s %s the previous frame; "
			 "times from here on continue from that frame",
			 (double)(ts > az->ts_prev ? ts - az->ts_prev
						   : az->ts_prev - ts) /
			     1e9,
			 ts > az->ts_prev ? "ahead of" : "back from");
		problem(az, file, frame, msg);
		az->ts_shift += az->ts_prev - ts;
		ts = az->ts_prev;
	}
	az->ts_seen = true;
	az->ts_prev = ts;
	return ts;
}

int
sl_analyzer_feed(struct sl_analyzer *az, int file, uint64_t frame,
		 int64_t ts_ns, int dlt, const uint8_t *data, size_t caplen,
		 size_t wirelen)
{
	struct sl_pkt pkt;
	char err[SL_ERRBUF_SIZE];
	enum sl_dec_status st;

	err[0] = '\0';
	st = sl_decode(dlt, data, caplen, wirelen, &pkt, err);
	return az_feed_decoded(az, file, frame, ts_ns, st, &pkt, NULL, err);
}

int
az_feed_decoded(struct sl_analyzer *az, int file, uint64_t frame, int64_t ts_ns,
		enum sl_dec_status st, const struct sl_pkt *p,
		const struct az_key *k, const char *err)
{
	struct az_key own;

	if (file != az->cur_file) {
		az_finish_all(az);
		az->cur_file = file;
		az->ts_seen = false;
		az->ts_shift = 0;
	}
	az->sum.frames++;
	ts_ns = clock_step(az, file, frame, ts_ns);
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
	if (p->opts_malformed) {
		/* The header is sound; only its options are skipped. */
		az->sum.malformed++;
		problem(az, file, frame, err);
	}
	if (p->trunc)
		az->sum.truncated++;
	if (ts_ns > az->now)
		az->now = ts_ns;
	if (az->now - az->last_sweep > SWEEP_NS) {
		az_sweep(az, az->now);
		az->last_sweep = az->now;
	}
	if (k == NULL) {
		az_flow_key(p, az->cur_iface, &own);
		k = &own;
	}
	process(az, p, k, file, frame, ts_ns);
	/* Compact again what the segment made full.  One that did not fit
	 * when it was reported (moving data) is not tried on every segment. */
	if (az->thawed != NULL)
		az_compact(az, az->thawed);
	return SL_OK;
}

void
sl_analyzer_end_file(struct sl_analyzer *az)
{
	az_finish_all(az);
	az->cur_file = -1;
	sl_analyzer_set_iface(az, 0, NULL);
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
			az_conn_free(az, az_thaw(az, az->tab[j].c));
	while (az_win_len(az) > 0) {
		struct conn *c = az->win[az->whead];
		if (c->done)
			az_conn_free(az, c);
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
	az_flow_free(az);
	for (i = 0; i < az->nfiles; i++)
		free(az->files[i]);
	free(az->files);
	free(az);
}
