/* \summary: the role of each segment in its handshake (RFC 9293 §3.5, RFC 5961 §4) */
/*
 * What a segment means to the handshake on its tuple: a SYN, its
 * retransmission, a late SYN, a SYN-ACK, the ACK, a crossed answer, ...
 * decided from the state of both sides before it (analyze.c then records
 * it and replays it through the state machines, endpoint.c).
 */
#include "conn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
note_synopts(struct conn *c, int x, const struct sl_pkt *p)
{
	struct synopt *o = &c->syn[x];

	if (o->seen)
		return;
	o->seen = true;
	c->k->cs[x].mss = p->opts.has_mss ? p->opts.mss : -1;
	o->wscale = p->opts.has_ws ? p->opts.ws : -1;
	o->sack_ok = p->opts.sack_ok;
	o->ts = p->opts.has_ts;
	o->tfo = p->opts.has_tfo;
}

/* g's note, unless its handshake keeps none (bare: nobody reads it). */
static void seg_note(struct seg *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
seg_note(struct seg *g, const char *fmt, ...)
{
	va_list ap;

	if (g->c->k->bare)
		return;
	va_start(ap, fmt);
	vsnprintf(g->note, sizeof(g->note), fmt, ap);
	va_end(ap);
}

/*
 * The note of a crossing SYN, ns after the peer's (y's) SYN, as
 * "crossing SYN, %.3f ms after %c's SYN (both in flight)" prints it of
 * ns / 1e6, without formatting a double on every simultaneous open.
 * The double is within half an ulp of ns / 1e6, and a remainder r other
 * than 500 lies at least 1e-6 from the rounding midpoint: well past
 * that ulp below 1e15 ns.  A midpoint (where the double may be exact,
 * and printf rounds it to even), a negative or a larger value is left to
 * printf.
 */
static void
crossing_note(char *buf, size_t len, int64_t ns, int y)
{
	static const char head[] = "crossing SYN, ", mid[] = " ms after ",
			  tail[] = "'s SYN (both in flight)";
	int64_t us = ns / 1000, r = ns % 1000;
	char d[20], *o = buf;
	int n = 0, i;

	if (ns < 0 || ns >= 1000000000000000LL || r == 500 || len < 64) {
		snprintf(buf, len,
			 "crossing SYN, %.3f ms after %c's SYN (both in "
			 "flight)",
			 (double)ns / 1e6, 'A' + y);
		return;
	}
	if (r > 500)
		us++;
	for (i = 0; i < 3; i++, us /= 10)
		d[n++] = (char)('0' + us % 10);
	d[n++] = '.';
	do
		d[n++] = (char)('0' + us % 10);
	while ((us /= 10) != 0);
	memcpy(o, head, sizeof(head) - 1);
	o += sizeof(head) - 1;
	while (n > 0)
		*o++ = d[--n];
	memcpy(o, mid, sizeof(mid) - 1);
	o += sizeof(mid) - 1;
	*o++ = (char)('A' + y);
	memcpy(o, tail, sizeof(tail));
}

/* A bare SYN from x: the first, a retransmission, or a late one. */
static void
role_syn(struct seg *g)
{
	struct conn *c = g->c;
	struct sl_handshake *hs = &c->k->hs;
	struct side *sx = &c->s[g->x], *sy = &c->s[g->y];
	const struct sl_pkt *p = g->p;

	g->record = true;
	if (sx->sent_bare_syn && p->seq == sx->isn &&
	    !az_synchronized(g->st0) && !sx->sent_synack) {
		g->role = SL_ROLE_SYN_RETX;
		hs->syn_retx[g->x]++;
		if (c->nretx[g->x] < SL_HS_MAXRETX) {
			int64_t iv = (g->ts - sx->t_syn_prev) / 1000;
			hs->retx_iv_us[g->x][c->nretx[g->x]++] = iv;
			if (g->x == 0)
				c->last_iv = iv;
		}
		sx->t_syn_prev = g->ts;
		if (c->refused) {
			/* a refused connect() tried again (Windows) */
			c->refused = false;
			c->end = SL_END_OPEN;
		}
	} else if (sx->sent_bare_syn && p->seq != sx->isn && !c->established &&
		   sy->st == SL_ST_SYN_RECEIVED && sy->sent_synack) {
		/*
		 * x restarted (a new ISN) while y still holds the first SYN
		 * in SYN-RECEIVED: one connection for y, which must drop
		 * or reset the new SYN (§3.10.7.4).
		 */
		g->role = SL_ROLE_SYN;
		sx->isn = p->seq;
		c->k->cs[g->x].t_syn = sx->t_syn_prev = g->ts;
		sx->snd_valid = false;
		sx->bad_ack_valid = false;
		if (sy->rcv_valid && p->seq + 1 == sy->rcv_hi)
			seg_note(g, "the SYN %c holds in SYN-RECEIVED, again",
				 'A' + g->y);
		else
			seg_note(g,
				 "new ISN while %c is in SYN-RECEIVED for the "
				 "first",
				 'A' + g->y);
	} else if (!sx->sent_bare_syn && !c->established && !sx->sent_synack) {
		g->role = SL_ROLE_SYN;
		sx->sent_bare_syn = true;
		sx->isn_known = true;
		sx->isn = p->seq;
		c->k->cs[g->x].t_syn = sx->t_syn_prev = g->ts;
		sx->syn_win = p->win;
		note_synopts(c, g->x, p);
		hs->has_isn[g->x] = true;
		hs->isn[g->x] = p->seq;
		if (!c->self && sy->sent_bare_syn) {
			hs->crossing_us = (g->ts - c->k->cs[g->y].t_syn) / 1000;
			if (!c->k->bare)
				crossing_note(g->note, sizeof(g->note),
					      g->ts - c->k->cs[g->y].t_syn,
					      g->y);
		}
	} else {
		/* A SYN on a synchronized connection, or a stale
		 * copy of x's own SYN that a SYN-ACK overtook. */
		g->role = SL_ROLE_LATE_SYN;
		hs->late_syns++;
		if (sx->sent_synack && p->seq == sx->synack_seq)
			seg_note(g,
				 "stale SYN: same ISN as %c's SYN-ACK, "
				 "arrives after the connection is "
				 "established",
				 'A' + g->x);
		else
			seg_note(g, "SYN on an established connection "
				    "(RFC 5961 §4)");
	}
}

/* A SYN-ACK from x: the first, a retransmission, or another one. */
static void
role_synack(struct seg *g)
{
	struct conn *c = g->c;
	struct sl_handshake *hs = &c->k->hs;
	struct side *sx = &c->s[g->x], *sy = &c->s[g->y];
	const struct sl_pkt *p = g->p;

	g->record = true;
	if (!sx->sent_synack) {
		g->role = SL_ROLE_SYNACK;
		sx->sent_synack = true;
		sx->synack_seq = p->seq;
		c->k->cs[g->x].t_synack = g->ts;
		if (!sx->sent_bare_syn) {
			sx->isn_known = true;
			sx->isn = p->seq;
			sx->syn_win = p->win;
			hs->has_isn[g->x] = true;
			hs->isn[g->x] = p->seq;
			note_synopts(c, g->x, p);
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

/*
 * x's answer to the peer's crossed SYN-ACK (simultaneous open,
 * self-connect), as measured on Linux (docs/kernels.md): a kernel with
 * "tcp: Don't drop SYN+ACK for simultaneous connect()" (6.1 today, 6.11 and
 * later) accepts it and repeats its ACK of the peer's SYN with a D-SACK of
 * that SYN (RFC 2883); 5.10 drops it and sends an RFC 5961 §4 challenge
 * ACK, which carries no SACK block.  Both are allowed; only with SACK
 * negotiated can the wire tell them apart, else a plain duplicate ACK.
 */
static void
role_crossed_answer(struct seg *g, enum sl_role otherwise)
{
	const struct conn *c = g->c;
	const struct sl_tcpopts *o = &g->p->opts;
	uint32_t isn = g->c->s[g->y].isn;
	bool dsack = false;

	for (unsigned i = 0; i < o->nsack && i < SL_SACK_MAX; i++)
		if (o->sack[i][0] == isn && o->sack[i][1] == isn + 1)
			dsack = true;
	if (dsack) {
		g->role = SL_ROLE_DSACK_ACK;
		seg_note(
		    g, "duplicate ACK with D-SACK of the SYN: crossed SYN-ACK "
		       "taken, as Linux 6.1+ does");
	} else if (c->syn[g->x].sack_ok && (c->self || c->syn[g->y].sack_ok)) {
		g->role = SL_ROLE_CHALLENGE_ACK;
		seg_note(g, "challenge ACK: crossed SYN-ACK dropped, as Linux "
			    "5.10 does "
			    "(RFC 5961 §4)");
	} else {
		g->role = otherwise;
	}
}

/* A segment without SYN: FIN, challenge ACK, the handshake's ACK, ... */
static void
role_other(struct seg *g)
{
	struct conn *c = g->c;
	struct sl_handshake *hs = &c->k->hs;
	struct side *sx = &c->s[g->x], *sy = &c->s[g->y];
	const struct sl_pkt *p = g->p;
	bool ack = p->flags & SL_TH_ACK;

	g->record = true;
	if (p->flags & SL_TH_RST) {
		g->role = SL_ROLE_RST;
	} else if (p->flags & SL_TH_FIN) {
		g->role = SL_ROLE_FIN;
	} else if (sx->synack_dup_due && ack && p->paylen == 0) {
		/* the answer to a repeated SYN-ACK completes y's handshake */
		g->role = SL_ROLE_ACK;
		sx->synack_dup_due = false;
		seg_note(g, "answers %c's SYN-ACK retransmission", 'A' + g->y);
	} else if (sx->challenge_due && ack && p->paylen == 0) {
		g->role = SL_ROLE_CHALLENGE_ACK;
		sx->challenge_due = false;
		hs->challenge_acks++;
		if (sx->stale && sx->time_wait)
			seg_note(g,
				 "%c answers from TIME-WAIT of the previous "
				 "connection (RFC 9293 §3.10.7.4)",
				 'A' + g->x);
		else if (sx->stale)
			seg_note(g,
				 "%c is still in an older connection "
				 "(half-open, Figure 9): RFC 5961 §4",
				 'A' + g->x);
	} else if (sx->took_synack && sx->sent_synack && ack &&
		   p->paylen == 0 && p->ack == sy->isn + 1) {
		/* x sent its own SYN-ACK, so the one it took crossed it. */
		role_crossed_answer(g, SL_ROLE_ACK);
	} else if (sx->took_synack || g->first_from_x ||
		   (ack && sy->fin_sent && !sy->fin_acked &&
		    SEQ_GEQ(p->ack, sy->fin_end))) {
		g->role = p->paylen > 0 ? SL_ROLE_DATA : SL_ROLE_ACK;
	} else if (ack && p->paylen == 0 && !sx->dup_acked &&
		   sx->sent_bare_syn && sy->sent_bare_syn &&
		   p->ack == sy->isn + 1 && az_synchronized(g->st0)) {
		/* Simultaneous open and self-connect: each side's ACK of
		 * the peer's SYN comes twice (Wireshark: "Dup ACK"). */
		role_crossed_answer(g, SL_ROLE_DUP_ACK);
		sx->dup_acked = true;
	} else {
		g->record = false;
		g->role = p->paylen > 0 ? SL_ROLE_DATA : SL_ROLE_OTHER;
	}
}

void
az_segment_role(struct seg *g)
{
	const struct sl_pkt *p = g->p;

	if ((p->flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST)) == SL_TH_SYN)
		role_syn(g);
	else if ((p->flags & (SL_TH_SYN | SL_TH_RST)) == SL_TH_SYN)
		role_synack(g);
	else
		role_other(g);
}
