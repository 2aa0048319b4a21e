/* \summary: each endpoint's RFC 9293 §3.10 state machine and delivery */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the state machine ---------------------------------------------- */

uint32_t
az_seg_end(const struct sl_pkt *p)
{
	return p->seq + p->paylen + ((p->flags & SL_TH_SYN) ? 1 : 0) +
	       ((p->flags & SL_TH_FIN) ? 1 : 0);
}

bool
az_synchronized(enum sl_state s)
{
	return s >= SL_ST_ESTABLISHED;
}

void
az_set_frame_states(struct conn *c, int fi, int slot, enum sl_state before,
		    enum sl_state after)
{
	struct cframe *f;

	if (fi < 0)
		return;
	f = &c->fr[fi];
	f->st[slot][0] = (uint8_t)before;
	f->st[slot][1] = (uint8_t)after;
}

/* SEG.ACK acknowledges our SYN (and any data the SYN carried, RFC 7413). */
bool
az_acks_syn(const struct side *me, uint32_t ack)
{
	return me->isn_known && SEQ_GT(ack, me->isn) &&
	       (!me->snd_valid || SEQ_LEQ(ack, me->snd_max));
}

/*
 * One handler per family of receiving states, in the order of RFC 9293
 * §3.10.7 (SEGMENT ARRIVES): CLOSED and LISTEN (§3.10.7.1-2), SYN-SENT
 * (§3.10.7.3), SYN-RECEIVED and the synchronized states (§3.10.7.4).
 * Each sets *before (when the segment proves a state the capture did not
 * show) and *after; a handler returns false when its state drops the
 * segment unprocessed.
 */
struct rcv {
	struct conn *c;
	struct side *me;
	const struct pend *p;
	uint8_t reply; /* flags of the answer y sends, 0 if unknown */
	enum sl_state before, after;
};

#define IS_BARE_SYN(f) (((f) & (SL_TH_SYN | SL_TH_ACK)) == SL_TH_SYN)

static bool
rcv_closed(struct rcv *r)
{
	uint8_t f = r->p->flags;

	if (f & SL_TH_RST) {
		if (r->before != SL_ST_NONE)
			r->after = SL_ST_CLOSED;
	} else if (IS_BARE_SYN(f)) {
		if ((r->reply & (SL_TH_SYN | SL_TH_ACK)) ==
		    (SL_TH_SYN | SL_TH_ACK)) {
			r->before = SL_ST_LISTEN;
			r->after = SL_ST_SYN_RECEIVED;
			r->me->passive = true;
		} else if (r->reply & SL_TH_RST) {
			r->before = r->after = SL_ST_CLOSED;
		}
	} else if ((f & SL_TH_SYN) && r->c->started_with_synack) {
		/* The capture began after this side's SYN. */
		r->before = SL_ST_SYN_SENT;
		r->after = SL_ST_ESTABLISHED;
	}
	return true;
}

static bool
rcv_syn_sent(struct rcv *r)
{
	uint8_t f = r->p->flags;

	if (f & SL_TH_RST) {
		/*
		 * §3.10.7.3: in SYN-SENT a RST is acceptable only if its ACK
		 * acknowledges our SYN.
		 */
		if (!(f & SL_TH_ACK) || !az_acks_syn(r->me, r->p->ack))
			return false;
		r->after = SL_ST_CLOSED;
	} else if (IS_BARE_SYN(f)) {
		/* §3.10.7.3 fourth: simultaneous open. */
		r->after = SL_ST_SYN_RECEIVED;
		r->c->simopen_path = true;
	} else if (f & SL_TH_SYN) {
		if (az_acks_syn(r->me, r->p->ack))
			r->after = SL_ST_ESTABLISHED;
	}
	return true;
}

static bool
rcv_syn_received(struct rcv *r)
{
	uint8_t f = r->p->flags;

	if (f & SL_TH_RST) {
		/*
		 * §3.10.7.4: a connection that came from a passive OPEN
		 * returns to LISTEN from SYN-RECEIVED.
		 */
		r->after = r->me->passive ? SL_ST_LISTEN : SL_ST_CLOSED;
		return true;
	}
	if (IS_BARE_SYN(f))
		return true; /* a copy of the SYN already answered */
	if ((f & SL_TH_ACK) && az_acks_syn(r->me, r->p->ack))
		r->after = SL_ST_ESTABLISHED;
	if (!(f & SL_TH_SYN) && (f & SL_TH_FIN))
		r->after = SL_ST_CLOSE_WAIT;
	return true;
}

static bool
rcv_synchronized(struct rcv *r)
{
	const struct side *me = r->me;
	uint8_t f = r->p->flags;
	bool fin_acked =
	    (f & SL_TH_ACK) && me->fin_sent && SEQ_GEQ(r->p->ack, me->fin_end);

	if (f & SL_TH_RST) {
		r->after = SL_ST_CLOSED;
		return true;
	}
	if (f & SL_TH_SYN) {
		/* RFC 5961 §4.2: SYN in a synchronized state. */
		r->me->challenge_due = true;
		return true;
	}
	if (fin_acked && r->before == SL_ST_FIN_WAIT_1)
		r->after = SL_ST_FIN_WAIT_2;
	else if (fin_acked && r->before == SL_ST_CLOSING)
		r->after = SL_ST_TIME_WAIT;
	else if (fin_acked && r->before == SL_ST_LAST_ACK)
		r->after = SL_ST_CLOSED;
	if (!(f & SL_TH_FIN))
		return true;
	if (r->after == SL_ST_ESTABLISHED)
		r->after = SL_ST_CLOSE_WAIT;
	else if (r->after == SL_ST_FIN_WAIT_1)
		r->after = SL_ST_CLOSING;
	else if (r->after == SL_ST_FIN_WAIT_2)
		r->after = SL_ST_TIME_WAIT;
	return true;
}

/*
 * Side y processes segment p from its peer (RFC 9293 §3.10.7).  reply is
 * the flags of the segment y sends in answer when that is known (it tells
 * a listener from a closed port), 0 otherwise.
 */
void
az_deliver(struct conn *c, int y, const struct pend *p, uint8_t reply,
	   int64_t ts)
{
	struct side *me = &c->s[y];
	struct rcv r = {c, me, p, reply, me->st, me->st};
	int slot = c->hs.self ? 1 : y;
	bool taken;

	if (r.before <= SL_ST_LISTEN)
		taken = rcv_closed(&r);
	else if (r.before == SL_ST_SYN_SENT)
		taken = rcv_syn_sent(&r);
	else if (r.before == SL_ST_SYN_RECEIVED)
		taken = rcv_syn_received(&r);
	else
		taken = rcv_synchronized(&r);
	/* A SYN on a synchronized connection is not in its window. */
	if (taken && !(p->flags & SL_TH_RST) &&
	    !((p->flags & SL_TH_SYN) && az_synchronized(r.before)) &&
	    (!me->rcv_valid || SEQ_GT(p->end, me->rcv_hi))) {
		me->rcv_valid = true;
		me->rcv_hi = p->end;
	}
	if ((p->flags & SL_TH_SYN) && r.after != r.before)
		me->took_synack = (p->flags & SL_TH_ACK) != 0;
	/*
	 * Established only on evidence: the side itself acted on it (reply
	 * known), or one socket talks to itself.  At the end of a capture
	 * the remaining segments are delivered without that evidence.
	 */
	if (r.after == SL_ST_ESTABLISHED && r.before != SL_ST_ESTABLISHED &&
	    (reply != 0 || c->hs.self)) {
		c->established = true;
		if (me->t_est == 0)
			me->t_est = ts;
		if (c->hs.t_est_ns == 0)
			c->hs.t_est_ns = ts;
	}
	me->st = r.after;
	/* Only real changes: a copy processed late changes nothing. */
	if (r.before != r.after)
		az_set_frame_states(c, p->fi, slot, r.before, r.after);
}

static void
pend_pop(struct side *s, unsigned i)
{
	memmove(&s->pend[i], &s->pend[i + 1],
		(s->npend - i - 1) * sizeof(s->pend[0]));
	s->npend--;
}

/* Deliver the first n pending segments to side x, in order. */
static void
deliver_n(struct conn *c, int x, unsigned n, uint8_t reply, int64_t ts)
{
	struct side *s = &c->s[x];

	while (n-- > 0 && s->npend > 0) {
		struct pend p = s->pend[0];
		pend_pop(s, 0);
		az_deliver(c, x, &p, reply, ts);
	}
}

/*
 * Before side x sends p, deliver to x whatever p proves x has processed.
 */
void
az_catch_up(struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
{
	struct side *s = &c->s[x];
	unsigned i;
	bool syn = p->flags & SL_TH_SYN, rst = p->flags & SL_TH_RST;

	if (s->npend == 0)
		return;
	/*
	 * The path is taken to keep order (FIFO).  A SYN gate that holds a
	 * bare SYN back while its SYN-ACK overtakes it breaks that; seen from
	 * the gated side, such a crossing then reads as the simultaneous open
	 * that this side did go through.
	 */
	/*
	 * Everything up to the last segment the ACK field covers that
	 * brought new sequence space: a copy that adds nothing (a
	 * retransmission, the SYN-ACK repeating a SYN's ISN) proves nothing.
	 */
	if (p->flags & SL_TH_ACK) {
		bool valid = s->rcv_valid;
		uint32_t hi = s->rcv_hi;
		int k = -1;
		for (i = 0; i < s->npend; i++) {
			const struct pend *pd = &s->pend[i];
			if (pd->flags & SL_TH_RST)
				break;
			if (!SEQ_LEQ(pd->end, p->ack))
				continue;
			if (!valid || SEQ_GT(pd->end, hi)) {
				valid = true;
				hi = pd->end;
				k = (int)i;
			}
		}
		if (k >= 0)
			deliver_n(c, x, (unsigned)k + 1, p->flags, ts);
	}
	/* A SYN-ACK answers a SYN: x has taken the peer's SYN. */
	if (syn && (p->flags & SL_TH_ACK) &&
	    (s->st == SL_ST_NONE || s->st == SL_ST_CLOSED ||
	     s->st == SL_ST_LISTEN || s->st == SL_ST_SYN_SENT)) {
		for (i = 0; i < s->npend; i++)
			if (s->pend[i].flags & SL_TH_SYN)
				break;
		if (i < s->npend)
			deliver_n(c, x, i + 1, p->flags, ts);
	}
	/* A RST answering a bare SYN on a closed port. */
	if (rst && s->st <= SL_ST_LISTEN) {
		for (i = 0; i < s->npend; i++)
			if (s->pend[i].flags & SL_TH_SYN)
				break;
		if (i < s->npend)
			deliver_n(c, x, i + 1, p->flags, ts);
	}
	/* Sending a non-SYN ACK is possible only once synchronized. */
	if (!syn && !rst && (p->flags & SL_TH_ACK)) {
		while (s->npend > 0 &&
		       (s->st == SL_ST_SYN_SENT || s->st == SL_ST_SYN_RECEIVED))
			deliver_n(c, x, 1, p->flags, ts);
	}
	/* A bare ACK from a synchronized side after a SYN: challenge ACK. */
	if (!syn && !rst && p->paylen == 0 && az_synchronized(s->st)) {
		for (i = 0; i < s->npend; i++)
			if (s->pend[i].flags & SL_TH_SYN)
				break;
		if (i < s->npend)
			deliver_n(c, x, i + 1, p->flags, ts);
	}
}

void
az_flush_pending(struct conn *c, int64_t ts)
{
	int x;

	for (x = 0; x < 2; x++)
		deliver_n(c, x, c->s[x].npend, 0, ts);
}

void
az_enqueue(struct conn *c, int y, const struct sl_pkt *p, int fi, int64_t ts)
{
	struct side *s = &c->s[y];
	struct pend pd;

	pd.seq = p->seq;
	pd.ack = p->ack;
	pd.end = az_seg_end(p);
	pd.flags = p->flags;
	pd.fi = fi;
	if (s->npend == PEND_MAX)
		deliver_n(c, y, 1, 0, ts);
	if (s->npend == s->pcap) {
		s->pcap = s->pcap ? s->pcap * 2 : 4;
		s->pend = sl_xrealloc(s->pend, s->pcap, sizeof(*s->pend));
	}
	s->pend[s->npend++] = pd;
}

/*
 * Side x sends p in state st0: sending changes the sender's own state
 * (RFC 9293 §3.10.1-5), and p uses sequence space (unknown past a
 * fragmented datagram).  fi is p's frame, or NO_FI.
 */
void
az_ep_send(struct conn *c, int x, const struct sl_pkt *p, enum sl_state st0,
	   int fi)
{
	struct sl_handshake *hs = &c->hs;
	struct side *sx = &c->s[x], *sy = &c->s[hs->self ? x : 1 - x];
	enum sl_state before = sx->st, after = before;
	bool syn = p->flags & SL_TH_SYN, rst = p->flags & SL_TH_RST;
	bool fin = p->flags & SL_TH_FIN;
	uint32_t end = az_seg_end(p);

	if (rst) {
		after = SL_ST_CLOSED;
		c->rst_seen = true;
	} else if (syn && !(p->flags & SL_TH_ACK)) {
		if (before == SL_ST_NONE || before == SL_ST_CLOSED)
			after = SL_ST_SYN_SENT;
	} else if (syn) {
		if (before == SL_ST_NONE || before == SL_ST_CLOSED ||
		    before == SL_ST_LISTEN)
			after = SL_ST_SYN_RECEIVED;
	} else if (fin) {
		if (before == SL_ST_ESTABLISHED || before == SL_ST_SYN_RECEIVED)
			after = SL_ST_FIN_WAIT_1;
		else if (before == SL_ST_CLOSE_WAIT)
			after = SL_ST_LAST_ACK;
	}
	sx->st = after;
	/* The sender's column: the state it sent in, and after. */
	az_set_frame_states(c, fi, hs->self ? 0 : x, st0, after);

	if (p->ip_fragment)
		sx->snd_unknown = true;
	if (!rst && (syn || sx->snd_valid)) {
		if (!sx->snd_valid || SEQ_GT(end, sx->snd_max))
			sx->snd_max = end;
		sx->snd_valid = true;
	}
	if (fin && !sx->fin_sent) {
		sx->fin_sent = true;
		sx->fin_end = end;
	}
	if ((p->flags & SL_TH_ACK) && sy->fin_sent &&
	    SEQ_GEQ(p->ack, sy->fin_end))
		sy->fin_acked = true;
	if (!syn && !rst)
		hs->data_bytes[x] += p->paylen;
	sx->sent_any = true;
}
