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
	f = az_frame(c->k, (unsigned)fi);
	f->st[slot][0] = (uint8_t)before;
	f->st[slot][1] = (uint8_t)after;
}

/*
 * RFC 9293 §3.10.7.4 first: a segment of len octets at seq is acceptable
 * to a receiver expecting nxt with window wnd.
 */
bool
az_in_window(uint32_t seq, uint32_t len, uint32_t nxt, uint32_t wnd)
{
	if (wnd == 0)
		return len == 0 && seq == nxt;
	return (SEQ_GEQ(seq, nxt) && SEQ_LT(seq, nxt + wnd)) ||
	       (len > 0 && SEQ_GEQ(seq + len - 1, nxt) &&
		SEQ_LT(seq + len - 1, nxt + wnd));
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
	int y;
	struct side *me;
	const struct pend *p;
	uint8_t reply; /* flags of the answer y sends, 0 if unknown */
	enum sl_state before, after;
};

#define IS_BARE_SYN(f) (((f) & (SL_TH_SYN | SL_TH_ACK)) == SL_TH_SYN)
#define BARE_SYN_MASK  (SL_TH_SYN | SL_TH_ACK)

static bool
rcv_closed(struct rcv *r)
{
	uint8_t f = r->p->flags;

	if (f & SL_TH_RST) {
		/* CLOSED discards it, LISTEN ignores it (§3.10.7.1-2) */
	} else if (IS_BARE_SYN(f)) {
		if ((r->reply & (SL_TH_SYN | SL_TH_ACK)) ==
		    (SL_TH_SYN | SL_TH_ACK)) {
			r->before = SL_ST_LISTEN;
			r->after = SL_ST_SYN_RECEIVED;
			r->me->passive = true;
		} else if (r->reply & SL_TH_RST) {
			r->before = r->after = SL_ST_CLOSED;
		}
	} else if ((f & SL_TH_SYN) && r->c->started_with_synack &&
		   r->before == SL_ST_NONE) {
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
	/*
	 * §3.10.7.3: an ACK that does not acknowledge our SYN draws
	 * <SEQ=SEG.ACK><CTL=RST>, and the side stays in SYN-SENT.
	 */
	if ((f & SL_TH_ACK) && !(f & SL_TH_RST) &&
	    !az_acks_syn(r->me, r->p->ack)) {
		r->me->bad_ack_valid = true;
		r->me->bad_ack = r->p->ack;
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
	if (IS_BARE_SYN(f)) {
		/*
		 * A copy of the SYN already answered changes nothing.  A SYN
		 * with another ISN is out of the window (below RCV.NXT or
		 * past it): dropped and answered with an ACK; inside it, a
		 * passive connection returns to LISTEN (§3.10.7.4 fourth).
		 */
		if (r->me->rcv_valid && r->p->end != r->me->rcv_hi &&
		    !az_in_window(r->p->seq, r->p->end - r->p->seq,
				  r->me->rcv_hi, r->me->syn_win))
			r->me->challenge_due = true;
		else if (r->me->rcv_valid && r->p->end != r->me->rcv_hi &&
			 r->me->passive)
			r->after = SL_ST_LISTEN;
		return true;
	}
	if (!az_synrcvd_acceptable(r->c, r->y, r->p))
		return false;
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
	/*
	 * TIME-WAIT may take a new SYN and answer it with a SYN-ACK (RFC
	 * 9293 §3.10.7.4 and RFC 6191: a new incarnation of the tuple).
	 */
	if (IS_BARE_SYN(f) && r->before == SL_ST_TIME_WAIT &&
	    (r->reply & (SL_TH_SYN | SL_TH_ACK)) == (SL_TH_SYN | SL_TH_ACK)) {
		r->after = SL_ST_SYN_RECEIVED;
		r->me->passive = true;
		return true;
	}
	if (f & SL_TH_SYN) {
		/*
		 * A SYN-ACK below RCV.NXT repeats one already taken (its
		 * first copy arrived, the answer to it was lost): the ACK
		 * that answers it completes the peer's handshake.  Any
		 * other SYN draws an RFC 5961 §4.2 challenge ACK.
		 */
		if ((f & SL_TH_ACK) && r->me->rcv_valid &&
		    SEQ_LT(r->p->seq, r->me->rcv_hi))
			r->me->synack_dup_due = true;
		else
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
 * y retransmitted its SYN in a frame captured after p while p waited for
 * it: so y had not taken p when it sent that frame (p crossed it on the
 * wire: a SYN-ACK from B's timer and A's SYN retransmission, seen next to
 * B).  y's row of that frame shows SYN-SENT; p's row, above it, must not
 * show the state after p.  The change shows on y's next row.
 */
static bool
crossed_syn_retx(const struct conn *c, int y, int fi)
{
	unsigned i;

	if (fi < 0 || c->self)
		return false;
	for (i = (unsigned)fi + 1; i < c->nframes; i++)
		if (az_frame(c->k, i)->from == y &&
		    az_frame(c->k, i)->role == SL_ROLE_SYN_RETX)
			return true;
	return false;
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
	struct rcv r = {c, y, me, p, reply, me->st, me->st};
	int slot = c->self ? 1 : y;
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
	    (!me->rcv_valid || SEQ_GT(p->end, me->rcv_hi) ||
	     ((p->flags & SL_TH_SYN) && r.after != r.before))) {
		/* a SYN taken sets RCV.NXT afresh (a new connection) */
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
	    (reply != 0 || c->self)) {
		c->established = true;
		if (c->k->hs.t_est_ns == 0)
			c->k->hs.t_est_ns = ts;
	}
	me->st = r.after;
	/* Only real changes: a copy processed late changes nothing. */
	if (r.before != r.after && !crossed_syn_retx(c, y, p->fi))
		az_set_frame_states(c, p->fi, slot, r.before, r.after);
}

static void
pend_pop(struct conn *c, struct side *s, unsigned i)
{
	memmove(&s->pend[i], &s->pend[i + 1],
		(s->npend - i - 1) * sizeof(s->pend[0]));
	if (--s->npend == 0)
		az_pend_release(c, s);
}

/* Deliver the first n pending segments to side x, in order. */
static void
deliver_n(struct conn *c, int x, unsigned n, uint8_t reply, int64_t ts)
{
	struct side *s = &c->s[x];

	while (n-- > 0 && s->npend > 0) {
		struct pend p = s->pend[0];
		pend_pop(c, s, 0);
		az_deliver(c, x, &p, reply, ts);
	}
}

/* Take pending segment i out of x's queue: x never processed it. */
static void
lose(struct conn *c, int x, unsigned i, const char *why)
{
	struct side *s = &c->s[x];
	char note[SL_NOTE_LEN];

	snprintf(note, sizeof(note), "not received by %c before %s", 'A' + x,
		 why);
	az_set_note(c, s->pend[i].fi, note);
	pend_pop(c, s, i);
}

void
az_pend_forget(struct conn *c, int x, int fi)
{
	struct side *s = &c->s[x];
	unsigned i;

	for (i = s->npend; i-- > 0;)
		if (s->pend[i].fi == fi)
			pend_pop(c, s, i);
}

void
az_pend_lose_syns(struct conn *c, int x, const char *why)
{
	struct side *s = &c->s[x];
	unsigned i;

	for (i = s->npend; i-- > 0;)
		if ((s->pend[i].flags & BARE_SYN_MASK) == SL_TH_SYN)
			lose(c, x, i, why);
}

/*
 * A retransmission is evidence of what its sender has not processed: a
 * SYN repeated in SYN-SENT says no acceptable SYN-ACK arrived before it,
 * a SYN-ACK repeated in SYN-RECEIVED says no ACK of it did.  Such
 * segments queued for x were lost.  A retransmission timer is at least
 * 200 ms (Linux's TCP_RTO_MIN; a SYN-ACK's is 1 s), so a repeat sooner than
 * LOSS_GAP_NS after the queued segment was seen proves nothing of it.
 */
#define LOSS_GAP_NS 50000000LL
static void
drop_lost(struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
{
	struct side *s = &c->s[x];
	uint8_t f = p->flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST);
	unsigned i;

	for (i = s->npend; i-- > 0;) {
		const struct pend *pd = &s->pend[i];
		bool ackonly = (pd->flags & (SL_TH_SYN | SL_TH_RST)) == 0;
		if (!(pd->flags & SL_TH_ACK) || !az_acks_syn(s, pd->ack))
			continue;
		/* a repeat within a retransmission timeout answers
		 * something else; pd may still have been on its way */
		if (pd->fi < 0 || ts - pd->ts < LOSS_GAP_NS)
			continue;
		if (f == SL_TH_SYN && s->st == SL_ST_SYN_SENT &&
		    s->sent_bare_syn && p->seq == s->isn &&
		    (pd->flags & (SL_TH_SYN | SL_TH_RST)) == SL_TH_SYN)
			lose(c, x, i, "its SYN retransmission");
		else if (f == (SL_TH_SYN | SL_TH_ACK) &&
			 s->st == SL_ST_SYN_RECEIVED && s->sent_synack &&
			 p->seq == s->synack_seq && ackonly)
			lose(c, x, i, "its SYN-ACK retransmission");
	}
}

/* Deliver x's pending segment i alone, out of order. */
static void
deliver_at(struct conn *c, int x, unsigned i, uint8_t reply, int64_t ts)
{
	struct pend pd = c->s[x].pend[i];

	pend_pop(c, &c->s[x], i);
	az_deliver(c, x, &pd, reply, ts);
}

/* Index of x's first pending segment with (flags & mask) == want. */
static unsigned
first_pend(const struct side *s, uint8_t mask, uint8_t want)
{
	unsigned i;

	for (i = 0; i < s->npend; i++)
		if ((s->pend[i].flags & mask) == want)
			break;
	return i;
}

/*
 * A bare ACK that does not acknowledge the peer's SYN, from a side of
 * which nothing is known yet: it is synchronized on an older connection
 * (half-open, RFC 9293 Figure 9) and answers the SYN as RFC 5961 §4 says.
 */
static void
by_stale_ack(struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
{
	struct side *s = &c->s[x];
	unsigned i = first_pend(s, BARE_SYN_MASK, SL_TH_SYN);

	if (i < s->npend && p->ack != s->pend[i].end) {
		if (!s->time_wait)
			s->st = SL_ST_ESTABLISHED;
		s->stale = true;
		deliver_n(c, x, i + 1, p->flags, ts);
	}
}

/*
 * Everything up to the last segment the ACK field covers that brought
 * new sequence space: a copy that adds nothing (a retransmission, the
 * SYN-ACK repeating a SYN's ISN) proves nothing.  The path is taken to
 * keep order (FIFO).  A SYN gate that holds a bare SYN back while its
 * SYN-ACK overtakes it breaks that; seen from the gated side, such a
 * crossing then reads as the simultaneous open that this side did go
 * through.
 */
static void
by_ack_field(struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
{
	struct side *s = &c->s[x];
	bool valid = s->rcv_valid;
	uint32_t hi = s->rcv_hi;
	int k = -1;
	unsigned i;

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

/*
 * A SYN-ACK answers a SYN: x has taken the peer's SYN, and a RST queued
 * before it (which took x out of a synchronized state).  A SYN-ACK with
 * a new ISN says x's earlier embryonic connection is gone, so a RST
 * queued for that one came first.
 */
static void
by_synack(struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
{
	struct side *s = &c->s[x];
	bool after_rst = false;
	unsigned i;

	if (s->sent_synack && p->seq != s->synack_seq)
		for (i = 0; i < s->npend; i++)
			if (s->pend[i].flags & SL_TH_RST)
				deliver_at(c, x, i--, p->flags, ts);
	i = first_pend(s, BARE_SYN_MASK, SL_TH_SYN);
	after_rst = first_pend(s, SL_TH_RST, SL_TH_RST) < i;
	/* an ACK at or below the SYN's SEQ cannot answer it */
	if (i < s->npend && SEQ_GT(p->ack, s->pend[i].seq) &&
	    (after_rst || s->st <= SL_ST_SYN_SENT || s->st == SL_ST_TIME_WAIT))
		deliver_n(c, x, i + 1, p->flags, ts);
}

/*
 * A RST from SYN-SENT with SEQ=SEG.ACK answers an unacceptable ACK (RFC
 * 9293 §3.10.7.3): x has processed that segment.  A RST from a closed
 * port answers a SYN.
 */
static void
by_rst(struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
{
	struct side *s = &c->s[x];
	unsigned i;

	if (s->st == SL_ST_SYN_SENT && !(p->flags & SL_TH_ACK)) {
		for (i = 0; i < s->npend; i++)
			if ((s->pend[i].flags & SL_TH_ACK) &&
			    !(s->pend[i].flags & SL_TH_RST) &&
			    s->pend[i].ack == p->seq &&
			    !az_acks_syn(s, s->pend[i].ack))
				break;
		if (i < s->npend)
			deliver_n(c, x, i + 1, p->flags, ts);
	}
	if (s->st <= SL_ST_LISTEN) {
		i = first_pend(s, SL_TH_SYN, SL_TH_SYN);
		if (i < s->npend)
			deliver_n(c, x, i + 1, p->flags, ts);
	}
}

/*
 * Before side x sends p, deliver to x whatever p proves x has processed.
 */
void
az_catch_up(struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
{
	struct side *s = &c->s[x];
	bool syn = p->flags & SL_TH_SYN, rst = p->flags & SL_TH_RST;
	bool ack = p->flags & SL_TH_ACK;
	unsigned i;

	if (s->npend == 0)
		return;
	drop_lost(c, x, p, ts);
	if (!syn && !rst && ack && !s->sent_any && !c->self &&
	    (s->st == SL_ST_NONE || s->time_wait))
		by_stale_ack(c, x, p, ts);
	if (ack)
		by_ack_field(c, x, p, ts);
	if (syn && ack)
		by_synack(c, x, p, ts);
	if (rst)
		by_rst(c, x, p, ts);
	/*
	 * Sending a non-SYN ACK is possible only once synchronized, or as
	 * the answer to an unacceptable segment.
	 */
	if (!syn && !rst && ack) {
		bool due0 = s->challenge_due;
		while (s->npend > 0 && (due0 || !s->challenge_due) &&
		       (s->st == SL_ST_SYN_SENT || s->st == SL_ST_SYN_RECEIVED))
			deliver_n(c, x, 1, p->flags, ts);
	}
	/* A bare ACK from a synchronized side after a SYN: challenge ACK. */
	if (!syn && !rst && p->paylen == 0 && az_synchronized(s->st)) {
		i = first_pend(s, SL_TH_SYN, SL_TH_SYN);
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
	pd.ts = ts;
	if (s->npend == PEND_MAX)
		deliver_n(c, y, 1, 0, ts);
	if (s->npend == s->pcap)
		az_pend_grow(c, s);
	s->pend[s->npend++] = pd;
}

/*
 * Side x sends p in state st0: sending changes the sender's own state
 * (RFC 9293 §3.10.1-5), and p uses sequence space (unknown past a
 * fragmented datagram).  fi is p's frame, or NO_FI.
 */
void
az_ep_send(struct conn *c, int x, const struct sl_pkt *p, enum sl_state st0,
	   int fi, enum az_rst_fate fate)
{
	struct side *sx = &c->s[x], *sy = &c->s[c->self ? x : 1 - x];
	enum sl_state before = sx->st, after = before;
	bool syn = p->flags & SL_TH_SYN, rst = p->flags & SL_TH_RST;
	bool fin = p->flags & SL_TH_FIN;
	uint32_t end = az_seg_end(p);

	if (rst) {
		/*
		 * A RST answering an unacceptable ACK leaves SYN-SENT as it
		 * was (§3.10.7.3); one its receiver drops says nothing of
		 * the sender's connection.
		 */
		if (fate == AZ_RST_ACCEPT || fate == AZ_RST_SYN_SENT)
			after = SL_ST_CLOSED;
		if (fate == AZ_RST_ACCEPT)
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
	az_set_frame_states(c, fi, c->self ? 0 : x, st0, after);

	if (!rst) {
		const struct synopt *o = c->syn;
		int sh = !syn && o[0].wscale >= 0 && o[1].wscale >= 0
			     ? o[x].wscale
			     : 0;
		sx->rcv_wnd = (uint32_t)p->win << (sh > 14 ? 14 : sh);
	}
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
	if (!syn && !rst && p->paylen > 0) /* no cold line for an ACK */
		c->k->hs.data_bytes[x] += p->paylen;
	sx->sent_any = true;
}

/*
 * What becomes of the RST p that side x sends from state st0: RFC 9293
 * §3.10.7.3 for a receiver in SYN-SENT, §3.10.7.4 and RFC 5961 §3
 * elsewhere (only a RST at RCV.NXT closes; one inside the window draws a
 * challenge ACK, one outside it is dropped).  RCV.NXT is taken after
 * what is queued for the receiver, and a RST at the sender's own SND.NXT
 * is accepted too, since the capture may have missed the bytes between.
 */
enum az_rst_fate
az_rst_fate(struct conn *c, int x, const struct sl_pkt *p, enum sl_state st0)
{
	const struct side *sx = &c->s[x], *sy = &c->s[c->self ? x : 1 - x];
	uint32_t nxt;
	unsigned i;

	if (c->self)
		return AZ_RST_ACCEPT;
	if (st0 == SL_ST_SYN_SENT && !(p->flags & SL_TH_ACK) &&
	    sx->bad_ack_valid && p->seq == sx->bad_ack)
		return AZ_RST_ANSWER;
	if (sy->st == SL_ST_SYN_SENT)
		return (p->flags & SL_TH_ACK) && az_acks_syn(sy, p->ack)
			   ? AZ_RST_ACCEPT
			   : AZ_RST_SYN_SENT;
	if (sy->st < SL_ST_SYN_SENT || !sy->rcv_valid)
		return AZ_RST_ACCEPT;
	nxt = sy->rcv_hi;
	for (i = 0; i < sy->npend; i++)
		if (!(sy->pend[i].flags & SL_TH_RST) &&
		    SEQ_GT(sy->pend[i].end, nxt))
			nxt = sy->pend[i].end;
	if (p->seq == nxt || (sx->snd_valid && p->seq == sx->snd_max))
		return AZ_RST_ACCEPT;
	return az_in_window(p->seq, 0, nxt,
			    sy->st == SL_ST_SYN_RECEIVED ? sy->syn_win
							 : sy->rcv_wnd)
		   ? AZ_RST_CHALLENGE
		   : AZ_RST_OUT_OF_WIN;
}
