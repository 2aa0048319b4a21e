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
#include "analyze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_LT(a, b)  ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

#define PEND_MAX	32
#define REORDER_MAX	4096 /* finished handshakes held for ordering */
#define RECENT_MAX	4
#define DUP_WINDOW_NS	5000000LL  /* copies of one packet within 5 ms */
#define LINGER_NS	50000000LL /* keep a closed tuple 50 ms for copies */
#define IDLE_DEFAULT_NS 300000000000LL
/*
 * A SYN nobody answered is finished after a silence twice its last
 * retransmission interval plus a second (at least 4 s): Linux retransmits
 * after 1, 2, 4 ... 64 s, Windows after 3 s.  A copy that still comes
 * later is recognized by its tombstone and not taken for a new handshake.
 */
#define WAIT_MIN_NS 4000000000LL
#define TOMB_NS	    180000000000LL
#define SWEEP_NS    10000000LL
#define NO_FI	    (-1)
#define TS_JUMP_NS  86400000000000LL /* a day: a clock step, not a pause */

/* A segment from the peer that this side has not processed yet. */
struct pend {
	uint32_t seq, ack, end; /* end: seq + len + SYN + FIN */
	uint8_t flags;
	int fi; /* index in the handshake's frames, or NO_FI */
};

/*
 * A handshake frame as kept while the handshake is open: the public
 * struct sl_hs_frame carries every option byte and a fixed note buffer
 * (232 bytes); this keeps the same facts in about half that, and the
 * public array is filled only when the handshake is reported.
 */
struct copts {
	uint8_t has; /* COPT_* bits */
	uint8_t ws, nsack, tfo_len, nunknown;
	uint16_t mss;
	uint8_t unk_kind[SL_UNKOPT_MAX], unk_len[SL_UNKOPT_MAX];
	uint32_t ts_val, ts_ecr;
	uint32_t sack[SL_SACK_MAX][2];
	uint8_t tfo_cookie[SL_TFO_MAX];
};
#define COPT_MSS    0x01
#define COPT_WS	    0x02
#define COPT_SACKOK 0x04
#define COPT_TS	    0x08
#define COPT_SACK   0x10
#define COPT_TFO    0x20
#define COPT_TRUNC  0x40

struct cframe {
	uint64_t frame;
	int64_t ts_ns;
	uint32_t seq, ack, len;
	uint16_t win;
	uint8_t from, flags, role;
	bool ae;
	uint8_t st[2][2];
	char *note; /* NULL, or a string of ours */
	struct copts opts;
};

struct side {
	enum sl_state st;
	bool isn_known;
	uint32_t isn;
	bool sent_bare_syn;
	int syn_fi;
	int64_t t_syn, t_syn_prev;
	uint16_t syn_win; /* window in its SYN or SYN-ACK (never scaled) */
	bool sent_synack;
	int synack_fi;
	uint32_t synack_seq;
	int64_t t_synack;
	bool sent_any; /* anything at all in this handshake */
	bool snd_valid;
	uint32_t snd_max; /* highest sequence end sent */
	bool fin_sent, fin_acked;
	uint32_t fin_end;
	bool challenge_due; /* processed a SYN while synchronized */
	bool dup_acked;
	bool passive;	  /* came from LISTEN (a passive OPEN) */
	bool snd_unknown; /* a fragment hid how much it sent */
	bool rcv_valid;	  /* rcv_hi: highest sequence end processed */
	uint32_t rcv_hi;
	bool took_synack; /* a SYN-ACK just synchronized this side */
	bool ws_checked, ack_checked;
	int64_t t_est; /* when it reached ESTABLISHED, 0 if never */
	unsigned npend, pcap;
	struct pend *pend; /* allocated on first use */
};

struct list {
	struct conn *head, *tail;
};

struct conn {
	struct conn *lprev, *lnext; /* its list: waiting, open, lingering */
	struct list *in;
	bool done;		   /* finished, waiting for its turn */
	bool reported;		   /* reported early, still tracked */
	struct sl_endpoint lo, hi; /* key: the two endpoints, ordered, */
	int iface;		   /* and the interface (vantage) */
	uint64_t khash;
	bool ended;	  /* closed: lingers for copies only */
	bool established; /* some side reached ESTABLISHED */
	bool started_with_synack;
	bool refused;
	bool rst_seen;
	bool simopen_path; /* a side in SYN-SENT took a bare SYN */
	int64_t t_ended;
	struct sl_handshake hs; /* hs.frames is filled when reported */
	struct cframe *fr;
	unsigned fcap;
	unsigned findcap;
	struct side s[2];
	struct {
		uint64_t h;
		int64_t t;
		int64_t origin; /* see frame_origin */
		unsigned n;	/* times seen from that origin */
	} recent[RECENT_MAX];
	unsigned nrecent;
};

struct sl_analyzer {
	struct sl_analyzer_cfg cfg;
	/*
	 * Flow table: open addressing with linear probing, load at most
	 * 1/2, the hash beside the pointer so a probe that misses does not
	 * touch the (cold) handshake.
	 */
	struct slot {
		uint64_t h;
		struct conn *c;
	} * tab;
	size_t tabsize, nconn;
	struct list waiting, open, lingering;
	struct tomb {
		uint64_t key;
		int64_t expires;
	} * tombs;
	size_t ntombs, tcap;
	/*
	 * Handshakes not yet reported, by id: win[(head + id - next_emit) %
	 * wcap].  Reports go out in id order (order of first frames).
	 */
	struct conn **win;
	size_t wcap, whead;
	struct sl_hs_frame *scratch; /* public frames of the one reported */
	size_t scap;
	unsigned next_id, next_emit;
	size_t nopen;
	char **files;
	int nfiles;
	int cur_file;
	int cur_iface;
	const char *cur_iface_name;
	char **ifnames; /* interned interface names */
	size_t nifnames;
	int64_t now;
	int64_t last_sweep;
	/* capture clock: the previous frame's time and the shift that
	 * keeps time continuous across a jump (see clock_step) */
	bool ts_seen;
	int64_t ts_prev, ts_shift;
	struct sl_summary sum;
};

/* ---- lists and table ------------------------------------------------ */

static void
list_del(struct list *l, struct conn *c)
{
	(void)l;
	l = c->in;
	c->in = NULL;
	if (c->lprev)
		c->lprev->lnext = c->lnext;
	else
		l->head = c->lnext;
	if (c->lnext)
		c->lnext->lprev = c->lprev;
	else
		l->tail = c->lprev;
	c->lprev = c->lnext = NULL;
}

static void
list_append(struct list *l, struct conn *c)
{
	c->in = l;
	c->lnext = NULL;
	c->lprev = l->tail;
	if (l->tail)
		l->tail->lnext = c;
	else
		l->head = c;
	l->tail = c;
}

static uint64_t
ep_hash(const struct sl_endpoint *a, const struct sl_endpoint *b, int iface)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)(unsigned)iface;
	const struct sl_endpoint *e[2] = {a, b};
	int i;
	size_t j;

	for (i = 0; i < 2; i++) {
		size_t n = e[i]->addr.family == 4 ? 4 : 16;
		for (j = 0; j < n; j++) {
			h ^= e[i]->addr.b[j];
			h *= 0x100000001b3ULL;
		}
		h ^= e[i]->port;
		h *= 0x100000001b3ULL;
		h ^= e[i]->port >> 8;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
order_key(const struct sl_pkt *p, struct sl_endpoint *lo,
	  struct sl_endpoint *hi)
{
	if (sl_endpoint_cmp(&p->src, &p->dst) <= 0) {
		*lo = p->src;
		*hi = p->dst;
	} else {
		*lo = p->dst;
		*hi = p->src;
	}
}

static void
tab_put(struct slot *t, size_t size, uint64_t h, struct conn *c)
{
	size_t i;

	for (i = h & (size - 1); t[i].c != NULL; i = (i + 1) & (size - 1))
		;
	t[i].h = h;
	t[i].c = c;
}

static void
tab_grow(struct sl_analyzer *az)
{
	size_t nsize = az->tabsize ? az->tabsize * 2 : 1024, i;
	struct slot *nt = sl_xcalloc(nsize, sizeof(*nt));

	for (i = 0; i < az->tabsize; i++)
		if (az->tab[i].c != NULL)
			tab_put(nt, nsize, az->tab[i].h, az->tab[i].c);
	free(az->tab);
	az->tab = nt;
	az->tabsize = nsize;
}

static struct conn *
tab_find(struct sl_analyzer *az, const struct sl_endpoint *lo,
	 const struct sl_endpoint *hi, int iface, uint64_t h)
{
	size_t mask = az->tabsize - 1, i;

	for (i = h & mask; az->tab[i].c != NULL; i = (i + 1) & mask) {
		struct conn *c = az->tab[i].c;
		if (az->tab[i].h == h && c->iface == iface &&
		    sl_endpoint_cmp(&c->lo, lo) == 0 &&
		    sl_endpoint_cmp(&c->hi, hi) == 0)
			return c;
	}
	return NULL;
}

/* Removal with backward shift: no tombstones, probes stay short. */
static void
tab_del(struct sl_analyzer *az, struct conn *c)
{
	size_t mask = az->tabsize - 1, i, j, k;

	for (i = c->khash & mask; az->tab[i].c != c; i = (i + 1) & mask)
		if (az->tab[i].c == NULL)
			return;
	for (j = i;;) {
		j = (j + 1) & mask;
		if (az->tab[j].c == NULL)
			break;
		k = az->tab[j].h & mask;
		/* Move j back to i unless its home lies in (i, j]. */
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && k <= i && k > j)) {
			az->tab[i] = az->tab[j];
			i = j;
		}
	}
	az->tab[i].c = NULL;
	az->nconn--;
}

/* ---- frames and findings -------------------------------------------- */

static void
pack_opts(struct copts *o, const struct sl_tcpopts *t)
{
	unsigned i;

	memset(o, 0, sizeof(*o));
	o->has = (t->has_mss ? COPT_MSS : 0) | (t->has_ws ? COPT_WS : 0) |
		 (t->sack_ok ? COPT_SACKOK : 0) | (t->has_ts ? COPT_TS : 0) |
		 (t->has_sack ? COPT_SACK : 0) | (t->has_tfo ? COPT_TFO : 0) |
		 (t->trunc ? COPT_TRUNC : 0);
	o->mss = t->mss;
	o->ws = t->ws;
	o->ts_val = t->ts_val;
	o->ts_ecr = t->ts_ecr;
	o->nsack = t->nsack;
	memcpy(o->sack, t->sack, sizeof(o->sack));
	o->tfo_len = t->tfo_len;
	memcpy(o->tfo_cookie, t->tfo_cookie, sizeof(o->tfo_cookie));
	o->nunknown = t->nunknown;
	for (i = 0; i < t->nunknown && i < SL_UNKOPT_MAX; i++) {
		o->unk_kind[i] = t->unknown[i].kind;
		o->unk_len[i] = t->unknown[i].len;
	}
}

static void
unpack_opts(struct sl_tcpopts *t, const struct copts *o)
{
	unsigned i;

	memset(t, 0, sizeof(*t));
	t->has_mss = o->has & COPT_MSS;
	t->has_ws = o->has & COPT_WS;
	t->sack_ok = o->has & COPT_SACKOK;
	t->has_ts = o->has & COPT_TS;
	t->has_sack = o->has & COPT_SACK;
	t->has_tfo = o->has & COPT_TFO;
	t->trunc = o->has & COPT_TRUNC;
	t->mss = o->mss;
	t->ws = o->ws;
	t->ts_val = o->ts_val;
	t->ts_ecr = o->ts_ecr;
	t->nsack = o->nsack;
	memcpy(t->sack, o->sack, sizeof(t->sack));
	t->tfo_len = o->tfo_len;
	memcpy(t->tfo_cookie, o->tfo_cookie, sizeof(t->tfo_cookie));
	t->nunknown = o->nunknown;
	for (i = 0; i < o->nunknown && i < SL_UNKOPT_MAX; i++) {
		t->unknown[i].kind = o->unk_kind[i];
		t->unknown[i].len = o->unk_len[i];
	}
}

static int
add_frame(struct conn *c, int from, const struct sl_pkt *p, uint64_t frame,
	  int64_t ts, enum sl_role role)
{
	struct sl_handshake *hs = &c->hs;
	struct cframe *f;

	if (hs->nframes >= SL_HS_MAXFRAMES) {
		hs->frames_omitted++;
		return NO_FI;
	}
	if (hs->nframes == c->fcap) {
		/* six fits SYN, SYN-ACK, ACK, FIN, FIN, ACK */
		c->fcap = c->fcap ? c->fcap * 2 : 6;
		c->fr = sl_xrealloc(c->fr, c->fcap, sizeof(*f));
	}
	f = &c->fr[hs->nframes];
	memset(f, 0, sizeof(*f));
	f->frame = frame;
	f->ts_ns = ts;
	f->from = (uint8_t)from;
	f->flags = p->flags;
	f->ae = p->ae;
	f->role = (uint8_t)role;
	f->seq = p->seq;
	f->ack = p->ack;
	f->len = p->paylen;
	f->win = p->win;
	pack_opts(&f->opts, &p->opts);
	return (int)hs->nframes++;
}

static void
set_note(struct conn *c, int fi, const char *note)
{
	if (fi < 0)
		return;
	free(c->fr[fi].note);
	c->fr[fi].note = sl_xstrdup(note);
}

static struct sl_finding *
add_finding(struct conn *c, enum sl_severity sev, const char *rule,
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

static void
finding_frame(struct conn *c, struct sl_finding *f, int fi)
{
	if (f == NULL || fi < 0 || f->nframes >= SL_FINDING_FRAMES)
		return;
	f->frames[f->nframes++] = c->fr[fi].frame;
}

/* ---- the state machine ---------------------------------------------- */

static uint32_t
seg_end(const struct sl_pkt *p)
{
	return p->seq + p->paylen + ((p->flags & SL_TH_SYN) ? 1 : 0) +
	       ((p->flags & SL_TH_FIN) ? 1 : 0);
}

static bool
synchronized(enum sl_state s)
{
	return s >= SL_ST_ESTABLISHED;
}

static void
set_frame_states(struct conn *c, int fi, int slot, enum sl_state before,
		 enum sl_state after)
{
	struct cframe *f;

	if (fi < 0)
		return;
	f = &c->fr[fi];
	f->st[slot][0] = (uint8_t)before;
	f->st[slot][1] = (uint8_t)after;
}

/*
 * Side y processes segment p from its peer (RFC 9293 §3.10.7).  reply is
 * the flags of the segment y sends in answer when that is known (it tells
 * a listener from a closed port), 0 otherwise.
 */
/* SEG.ACK acknowledges our SYN (and any data the SYN carried, RFC 7413). */
static bool
acks_syn(const struct side *me, uint32_t ack)
{
	return me->isn_known && SEQ_GT(ack, me->isn) &&
	       (!me->snd_valid || SEQ_LEQ(ack, me->snd_max));
}

static void
deliver(struct conn *c, int y, const struct pend *p, uint8_t reply, int64_t ts)
{
	struct side *me = &c->s[y];
	enum sl_state before = me->st, after = before;
	int slot = c->hs.self ? 1 : y;

	if (p->flags & SL_TH_RST) {
		/*
		 * §3.10.7.3: in SYN-SENT a RST is acceptable only if its ACK
		 * acknowledges our SYN; elsewhere (§3.10.7.4) if it is in
		 * the window, which one capture cannot always know.
		 */
		if (before == SL_ST_SYN_SENT &&
		    (!(p->flags & SL_TH_ACK) || !acks_syn(me, p->ack)))
			goto out;
		/*
		 * §3.10.7.4: a connection that came from a passive OPEN
		 * returns to LISTEN from SYN-RECEIVED.
		 */
		if (before == SL_ST_SYN_RECEIVED && me->passive)
			after = SL_ST_LISTEN;
		else if (before != SL_ST_NONE)
			after = SL_ST_CLOSED;
	} else if ((p->flags & (SL_TH_SYN | SL_TH_ACK)) == SL_TH_SYN) {
		switch (before) {
		case SL_ST_NONE:
		case SL_ST_CLOSED:
		case SL_ST_LISTEN:
			if ((reply & (SL_TH_SYN | SL_TH_ACK)) ==
			    (SL_TH_SYN | SL_TH_ACK)) {
				before = SL_ST_LISTEN;
				after = SL_ST_SYN_RECEIVED;
				me->passive = true;
			} else if (reply & SL_TH_RST) {
				before = after = SL_ST_CLOSED;
			}
			break;
		case SL_ST_SYN_SENT:
			/* §3.10.7.3 fourth: simultaneous open. */
			after = SL_ST_SYN_RECEIVED;
			c->simopen_path = true;
			break;
		case SL_ST_SYN_RECEIVED:
			break; /* a copy of the SYN already answered */
		default:
			/* RFC 5961 §4.2: SYN in a synchronized state. */
			me->challenge_due = true;
			break;
		}
	} else if (p->flags & SL_TH_SYN) { /* SYN-ACK */
		switch (before) {
		case SL_ST_NONE:
		case SL_ST_CLOSED:
		case SL_ST_LISTEN:
			if (c->started_with_synack) {
				before = SL_ST_SYN_SENT;
				after = SL_ST_ESTABLISHED;
			}
			break;
		case SL_ST_SYN_SENT:
		case SL_ST_SYN_RECEIVED:
			if (acks_syn(me, p->ack))
				after = SL_ST_ESTABLISHED;
			break;
		default:
			me->challenge_due = true;
			break;
		}
	} else {
		if (p->flags & SL_TH_ACK) {
			switch (before) {
			case SL_ST_SYN_RECEIVED:
				if (acks_syn(me, p->ack))
					after = SL_ST_ESTABLISHED;
				break;
			case SL_ST_FIN_WAIT_1:
				if (me->fin_sent &&
				    SEQ_GEQ(p->ack, me->fin_end))
					after = SL_ST_FIN_WAIT_2;
				break;
			case SL_ST_CLOSING:
				if (me->fin_sent &&
				    SEQ_GEQ(p->ack, me->fin_end))
					after = SL_ST_TIME_WAIT;
				break;
			case SL_ST_LAST_ACK:
				if (me->fin_sent &&
				    SEQ_GEQ(p->ack, me->fin_end))
					after = SL_ST_CLOSED;
				break;
			default:
				break;
			}
		}
		if (p->flags & SL_TH_FIN) {
			switch (after) {
			case SL_ST_SYN_RECEIVED:
			case SL_ST_ESTABLISHED:
				after = SL_ST_CLOSE_WAIT;
				break;
			case SL_ST_FIN_WAIT_1:
				after = SL_ST_CLOSING;
				break;
			case SL_ST_FIN_WAIT_2:
				after = SL_ST_TIME_WAIT;
				break;
			default:
				break;
			}
		}
	}
out:
	/* A SYN on a synchronized connection is not in its window. */
	if (!(p->flags & SL_TH_RST) &&
	    !((p->flags & SL_TH_SYN) && synchronized(before)) &&
	    (!me->rcv_valid || SEQ_GT(p->end, me->rcv_hi))) {
		me->rcv_valid = true;
		me->rcv_hi = p->end;
	}
	if ((p->flags & SL_TH_SYN) && after != before)
		me->took_synack = (p->flags & SL_TH_ACK) != 0;
	/*
	 * Established only on evidence: the side itself acted on it (reply
	 * known), or one socket talks to itself.  At the end of a capture
	 * the remaining segments are delivered without that evidence.
	 */
	if (after == SL_ST_ESTABLISHED && before != SL_ST_ESTABLISHED &&
	    (reply != 0 || c->hs.self)) {
		c->established = true;
		if (me->t_est == 0)
			me->t_est = ts;
		if (c->hs.t_est_ns == 0)
			c->hs.t_est_ns = ts;
	}
	me->st = after;
	/* Only real changes: a copy processed late changes nothing. */
	if (before != after)
		set_frame_states(c, p->fi, slot, before, after);
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
		deliver(c, x, &p, reply, ts);
	}
}

/*
 * Before side x sends p, deliver to x whatever p proves x has processed.
 */
static void
catch_up(struct conn *c, int x, const struct sl_pkt *p, int64_t ts)
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
	if (!syn && !rst && p->paylen == 0 && synchronized(s->st)) {
		for (i = 0; i < s->npend; i++)
			if (s->pend[i].flags & SL_TH_SYN)
				break;
		if (i < s->npend)
			deliver_n(c, x, i + 1, p->flags, ts);
	}
}

static void
flush_pending(struct conn *c, int64_t ts)
{
	int x;

	for (x = 0; x < 2; x++)
		deliver_n(c, x, c->s[x].npend, 0, ts);
}

static void
enqueue(struct conn *c, int y, const struct sl_pkt *p, int fi, int64_t ts)
{
	struct side *s = &c->s[y];
	struct pend pd;

	pd.seq = p->seq;
	pd.ack = p->ack;
	pd.end = seg_end(p);
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

/*
 * RFC 9293 §3.10.7.1: a closed port answers a segment without ACK with
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 */
static void
check_rst_to_syn(struct conn *c, int x, const struct sl_pkt *p, int fi)
{
	struct side *peer = &c->s[1 - x];
	struct sl_finding *f;
	uint32_t want;
	int sfi = peer->syn_fi;

	if (sfi < 0)
		return;
	want = c->fr[sfi].seq + 1 + c->fr[sfi].len;
	if (!(p->flags & SL_TH_ACK)) {
		f = add_finding(c, SL_SEV_VIOLATION, "rst-to-syn-no-ack",
				"RFC 9293 §3.10.7.1");
		if (f) {
			snprintf(f->message, sizeof(f->message),
				 "RST answering a SYN lacks the ACK bit: a "
				 "SYN-SENT peer must drop it (§3.10.7.3), so "
				 "the connect() will hang until it times out");
			finding_frame(c, f, sfi);
			finding_frame(c, f, fi);
		}
	} else if (p->ack != want) {
		f = add_finding(c, SL_SEV_VIOLATION, "rst-to-syn-bad-ack",
				"RFC 9293 §3.10.7.1");
		if (f) {
			snprintf(f->message, sizeof(f->message),
				 "RST answering a SYN acknowledges %u, not "
				 "SEG.SEQ+SEG.LEN = %u: the peer in SYN-SENT "
				 "must ignore it",
				 p->ack, want);
			finding_frame(c, f, sfi);
			finding_frame(c, f, fi);
		}
	}
	if (p->seq != 0 && (p->flags & SL_TH_ACK)) {
		f = add_finding(c, SL_SEV_VIOLATION, "rst-to-syn-bad-seq",
				"RFC 9293 §3.10.7.1");
		if (f) {
			snprintf(f->message, sizeof(f->message),
				 "RST answering a SYN carries SEQ %u; a closed "
				 "port must answer a segment without ACK with "
				 "SEQ=0",
				 p->seq);
			finding_frame(c, f, fi);
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
static void
check_ws(struct conn *c, int x, const struct sl_pkt *p, int *fi, uint64_t frame,
	 int64_t ts)
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
		*fi = add_frame(c, x, p, frame, ts, SL_ROLE_ACK);
	f = add_finding(c, SL_SEV_VIOLATION, "ws-not-negotiated",
			"RFC 7323 §2.2");
	if (f) {
		snprintf(f->message, sizeof(f->message),
			 "%c advertises window %u, its SYN window %u divided "
			 "by 2^%d: it scales its window although %c's SYN "
			 "had no window scale option, so %c reads %u bytes",
			 'A' + x, p->win, s->syn_win, mine->wscale, 'A' + 1 - x,
			 'A' + 1 - x, p->win);
		finding_frame(c, f, *fi);
	}
}

/* RFC 9293 §3.10.7.4: an ACK of something not yet sent. */
static void
check_ack(struct conn *c, int x, const struct sl_pkt *p, int *fi,
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
		*fi = add_frame(c, x, p, frame, ts, SL_ROLE_OTHER);
	f = add_finding(c, SL_SEV_WARNING, "ack-unsent-data",
			"RFC 9293 §3.10.7.4");
	if (f) {
		snprintf(f->message, sizeof(f->message),
			 "%c acknowledges %u bytes beyond anything %c sent in "
			 "this capture (ACK %u, highest sent %u): data never "
			 "sent was acknowledged, or the capture lost segments",
			 'A' + x, p->ack - peer->snd_max,
			 c->hs.self ? 'A' : 'A' + 1 - x, p->ack, peer->snd_max);
		finding_frame(c, f, *fi);
	}
}

/*
 * One segment of the handshake's tuple, sent by side x.
 */
static void
on_segment(struct sl_analyzer *az, struct conn *c, int x,
	   const struct sl_pkt *p, uint64_t frame, int64_t ts)
{
	struct sl_handshake *hs = &c->hs;
	struct side *sx = &c->s[x];
	int y = hs->self ? x : 1 - x;
	struct side *sy = &c->s[y];
	bool syn = p->flags & SL_TH_SYN, ack = p->flags & SL_TH_ACK;
	bool rst = p->flags & SL_TH_RST, fin = p->flags & SL_TH_FIN;
	enum sl_state st0;
	enum sl_role role = SL_ROLE_OTHER;
	bool record = false, first_from_x = !sx->sent_any, rst_ignored;
	int fi = NO_FI;
	char note[SL_NOTE_LEN] = "";
	struct sl_finding *f;

	(void)az;
	hs->t_last_ns = ts;
	if (p->trunc)
		hs->truncated++;

	/* What x's stack must have processed before it could send this. */
	sx->took_synack = false;
	if (!hs->self)
		catch_up(c, x, p, ts);
	st0 = sx->st;

	if (rst) {
		role = SL_ROLE_RST;
		record = true;
	} else if (syn && !ack) {
		if (sx->sent_bare_syn && p->seq == sx->isn &&
		    !synchronized(st0) && !sx->sent_synack) {
			role = SL_ROLE_SYN_RETX;
			hs->syn_retx[x]++;
			if (hs->nretx_iv[x] < SL_HS_MAXRETX)
				hs->retx_iv_us[x][hs->nretx_iv[x]++] =
				    (ts - sx->t_syn_prev) / 1000;
			sx->t_syn_prev = ts;
		} else if (!sx->sent_bare_syn && !c->established &&
			   !sx->sent_synack) {
			role = SL_ROLE_SYN;
			sx->sent_bare_syn = true;
			sx->isn_known = true;
			sx->isn = p->seq;
			sx->t_syn = sx->t_syn_prev = ts;
			sx->syn_win = p->win;
			note_synopts(&hs->syn[x], p);
			hs->has_isn[x] = true;
			hs->isn[x] = p->seq;
			if (!hs->self && sy->sent_bare_syn) {
				hs->crossing_us = (ts - sy->t_syn) / 1000;
				snprintf(note, sizeof(note),
					 "crossing SYN, %.3f ms after %c's "
					 "SYN (both in flight)",
					 ms(ts - sy->t_syn), 'A' + y);
			}
		} else {
			/* A SYN on a synchronized connection, or a stale
			 * copy of x's own SYN that a SYN-ACK overtook. */
			role = SL_ROLE_LATE_SYN;
			hs->late_syns++;
			if (sx->sent_synack && p->seq == sx->synack_seq)
				snprintf(note, sizeof(note),
					 "stale SYN: same ISN as %c's SYN-ACK, "
					 "arrives after the connection is "
					 "established",
					 'A' + x);
			else
				snprintf(note, sizeof(note),
					 "SYN on an established connection "
					 "(RFC 5961 §4)");
		}
		record = true;
	} else if (syn) { /* SYN-ACK */
		record = true;
		if (!sx->sent_synack) {
			role = SL_ROLE_SYNACK;
			sx->sent_synack = true;
			sx->synack_seq = p->seq;
			sx->t_synack = ts;
			if (!sx->sent_bare_syn) {
				sx->isn_known = true;
				sx->isn = p->seq;
				sx->syn_win = p->win;
				hs->has_isn[x] = true;
				hs->isn[x] = p->seq;
				note_synopts(&hs->syn[x], p);
			}
			if (c->started_with_synack && !sy->isn_known) {
				sy->isn_known = true;
				sy->isn = p->ack - 1;
				sy->snd_valid = true;
				sy->snd_max = p->ack;
				sy->st = SL_ST_SYN_SENT;
				hs->has_isn[y] = true;
				hs->isn[y] = sy->isn;
			}
		} else if (p->seq == sx->synack_seq) {
			role = SL_ROLE_SYNACK_RETX;
		} else {
			role = SL_ROLE_SYNACK;
		}
		if (synchronized(st0) && role != SL_ROLE_SYNACK_RETX) {
			role = SL_ROLE_LATE_SYN;
			hs->late_syns++;
		}
	} else if (fin) {
		role = SL_ROLE_FIN;
		record = true;
	} else if (sx->challenge_due && ack && p->paylen == 0) {
		role = SL_ROLE_CHALLENGE_ACK;
		sx->challenge_due = false;
		hs->challenge_acks++;
		record = true;
	} else if (sx->took_synack || first_from_x ||
		   (ack && sy->fin_sent && !sy->fin_acked &&
		    SEQ_GEQ(p->ack, sy->fin_end))) {
		role = p->paylen > 0 ? SL_ROLE_DATA : SL_ROLE_ACK;
		record = true;
	} else if (ack && p->paylen == 0 && !sx->dup_acked &&
		   sx->sent_bare_syn && sy->sent_bare_syn &&
		   p->ack == sy->isn + 1 && synchronized(st0)) {
		/* Simultaneous open and self-connect: each side's ACK of
		 * the peer's SYN comes twice (Wireshark: "Dup ACK"). */
		role = SL_ROLE_DUP_ACK;
		sx->dup_acked = true;
		record = true;
	} else if (p->paylen > 0) {
		role = SL_ROLE_DATA;
	}
	/* The state change the catch-up caused belongs to this frame too. */
	if (record)
		fi = add_frame(c, x, p, frame, ts, role);
	if (fi >= 0 && note[0] != '\0')
		set_note(c, fi, note);
	if (role == SL_ROLE_SYN && fi >= 0)
		sx->syn_fi = fi;
	if (role == SL_ROLE_SYNACK && fi >= 0 && sx->synack_fi < 0)
		sx->synack_fi = fi;

	/* Findings that one segment shows. */
	if (syn && ack && role == SL_ROLE_SYNACK) {
		if (sy->sent_bare_syn && p->ack != sy->isn + 1 &&
		    !(sy->syn_fi >= 0 && c->fr[sy->syn_fi].len > 0 &&
		      acks_syn(sy, p->ack))) {
			f = add_finding(c, SL_SEV_VIOLATION, "synack-bad-ack",
					"RFC 9293 §3.10.7.3");
			if (f) {
				snprintf(f->message, sizeof(f->message),
					 "SYN-ACK acknowledges %u, not %c's "
					 "ISN+1 = %u: %c must answer it with a "
					 "RST",
					 p->ack, 'A' + y, sy->isn + 1, 'A' + y);
				finding_frame(c, f, sy->syn_fi);
				finding_frame(c, f, fi);
			}
		}
		if (sx->sent_bare_syn && p->seq != sx->isn) {
			f = add_finding(c, SL_SEV_VIOLATION,
					"simopen-synack-new-isn",
					"RFC 9293 §3.5");
			if (f) {
				snprintf(f->message, sizeof(f->message),
					 "%c's SYN-ACK carries SEQ %u but its "
					 "SYN chose ISN %u: in a simultaneous "
					 "open the SYN-ACK must repeat the ISN "
					 "(Figure 7)",
					 'A' + x, p->seq, sx->isn);
				finding_frame(c, f, sx->syn_fi);
				finding_frame(c, f, fi);
			}
		}
		if (!sx->sent_bare_syn && p->opts.has_ws && hs->syn[y].seen &&
		    hs->syn[y].wscale < 0 && !hs->self) {
			f = add_finding(c, SL_SEV_WARNING, "ws-unsolicited",
					"RFC 7323 §2.2");
			if (f) {
				snprintf(f->message, sizeof(f->message),
					 "SYN-ACK offers window scale %u "
					 "although %c's SYN had none; it may "
					 "be sent only in answer to one",
					 p->opts.ws, 'A' + y);
				finding_frame(c, f, fi);
			}
		}
	}
	if (syn && ack && sx->sent_synack && role == SL_ROLE_SYNACK &&
	    sx->synack_fi >= 0 && sx->synack_fi != fi &&
	    p->seq != sx->synack_seq) {
		f = add_finding(c, SL_SEV_VIOLATION, "synack-new-isn",
				"RFC 9293 §3.4");
		if (f) {
			snprintf(f->message, sizeof(f->message),
				 "%c sent a second SYN-ACK with ISN %u after "
				 "one with %u",
				 'A' + x, p->seq, sx->synack_seq);
			finding_frame(c, f, sx->synack_fi);
			finding_frame(c, f, fi);
		}
	}
	if (rst && !sx->sent_synack && !sx->sent_bare_syn && first_from_x &&
	    sy->sent_bare_syn && !hs->self) {
		c->refused = true;
		check_rst_to_syn(c, x, p, fi);
	}
	if (!syn && !rst && c->established)
		check_ws(c, x, p, &fi, frame, ts);
	check_ack(c, x, p, &fi, frame, ts);

	/* Sending changes the sender's own state (RFC 9293 §3.10.4-5). */
	{
		enum sl_state before = sx->st, after = before;
		if (rst) {
			after = SL_ST_CLOSED;
			c->rst_seen = true;
		} else if (syn && !ack) {
			if (before == SL_ST_NONE || before == SL_ST_CLOSED)
				after = SL_ST_SYN_SENT;
		} else if (syn) {
			if (before == SL_ST_NONE || before == SL_ST_CLOSED ||
			    before == SL_ST_LISTEN)
				after = SL_ST_SYN_RECEIVED;
		} else if (fin) {
			if (before == SL_ST_ESTABLISHED ||
			    before == SL_ST_SYN_RECEIVED)
				after = SL_ST_FIN_WAIT_1;
			else if (before == SL_ST_CLOSE_WAIT)
				after = SL_ST_LAST_ACK;
		}
		sx->st = after;
		/* The sender's column: the state it sent in, and after. */
		set_frame_states(c, fi, hs->self ? 0 : x, st0, after);
	}

	/* Sequence space x has used (unknown past a fragmented datagram). */
	if (p->ip_fragment)
		sx->snd_unknown = true;
	{
		uint32_t end = seg_end(p);
		if (!rst && (syn || sx->snd_valid)) {
			if (!sx->snd_valid || SEQ_GT(end, sx->snd_max))
				sx->snd_max = end;
			sx->snd_valid = true;
		}
		if (fin && !sx->fin_sent) {
			sx->fin_sent = true;
			sx->fin_end = end;
		}
		if (ack && sy->fin_sent && SEQ_GEQ(p->ack, sy->fin_end))
			sy->fin_acked = true;
		if (!syn && !rst)
			hs->data_bytes[x] += p->paylen;
	}
	sx->sent_any = true;

	/* The receiver takes it: at once on one socket, later otherwise. */
	rst_ignored = rst && sy->st == SL_ST_SYN_SENT && !hs->self &&
		      (!ack || !acks_syn(sy, p->ack));
	if (rst_ignored) {
		/* dropped by its receiver: it changes nothing */
	} else if (hs->self) {
		struct pend pd = {p->seq, p->ack, seg_end(p), p->flags, fi};
		deliver(c, 0, &pd, 0, ts);
	} else {
		enqueue(c, y, p, fi, ts);
	}

	/*
	 * The end of the connection.  RFC 9293 §3.10.7.3: a side in SYN-SENT
	 * drops a RST whose ACK does not acknowledge its SYN, so such a RST
	 * ends nothing (the SYN will be retransmitted).
	 */
	if (rst_ignored) {
		if (fi >= 0) {
			snprintf(note, sizeof(note),
				 "RST dropped by %c in SYN-SENT: its ACK does "
				 "not acknowledge the SYN",
				 'A' + y);
			set_note(c, fi, note);
		}
	} else if (rst) {
		flush_pending(c, ts);
		hs->end = SL_END_RST;
		c->ended = true;
	} else if (sx->fin_sent && sy->fin_sent && sx->fin_acked &&
		   sy->fin_acked) {
		flush_pending(c, ts);
		hs->end = SL_END_FIN;
		c->ended = true;
	} else if (hs->self && sx->fin_sent && sx->fin_acked) {
		hs->end = SL_END_FIN;
		c->ended = true;
	}
}

/* ---- classification -------------------------------------------------- */

static bool
is_loopback(const struct sl_addr *a)
{
	static const uint8_t v6lo[16] = {0, 0, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, 0, 0, 0, 1};
	if (a->family == 4)
		return a->b[0] == 127;
	return memcmp(a->b, v6lo, 16) == 0;
}

static void
classify(struct conn *c)
{
	struct sl_handshake *hs = &c->hs;
	struct side *a = &c->s[0], *b = &c->s[1];
	int64_t d1 = -1, d2 = -1;
	int near = -1; /* the capture is near 0: A, 1: B, 2: the path */

	if (hs->self)
		hs->shape =
		    a->sent_bare_syn ? SL_SHAPE_SELF : SL_SHAPE_INCOMPLETE;
	else if (c->started_with_synack)
		hs->shape = SL_SHAPE_INCOMPLETE;
	else if (c->refused)
		hs->shape = SL_SHAPE_REFUSED;
	else if (c->simopen_path && !hs->self &&
		 (c->established || (a->sent_synack && b->sent_synack)))
		hs->shape = SL_SHAPE_SIMOPEN;
	else if (c->established)
		hs->shape = SL_SHAPE_THREE_WAY;
	else if (c->rst_seen)
		hs->shape = SL_SHAPE_RESET;
	else if (!b->sent_any)
		hs->shape = SL_SHAPE_UNANSWERED;
	else
		hs->shape = SL_SHAPE_INCOMPLETE;

	/* Negotiated options: in effect only if both SYNs carried them. */
	hs->ws_in_effect = hs->syn[0].wscale >= 0 && hs->syn[1].wscale >= 0;
	hs->sack_in_effect = hs->syn[0].sack_ok && hs->syn[1].sack_ok;
	hs->ts_in_effect = hs->syn[0].ts && hs->syn[1].ts;
	if (hs->self) {
		hs->syn[1] = hs->syn[0];
		hs->ws_in_effect = hs->syn[0].wscale >= 0;
		hs->sack_in_effect = hs->syn[0].sack_ok;
		hs->ts_in_effect = hs->syn[0].ts;
	}

	/*
	 * Vantage and round trip.  Near A, the SYN-ACK comes a round trip
	 * after the SYN and the ACK follows at once; near B the reverse.
	 */
	if (hs->shape == SL_SHAPE_SIMOPEN && a->sent_synack && b->sent_synack) {
		d1 = a->t_synack - b->t_syn; /* A answers B's SYN */
		d2 = b->t_synack - a->t_syn; /* B answers A's SYN */
		if (d1 >= 0 && d2 >= 0) {
			hs->rtt_us = (d1 > d2 ? d1 : d2) / 1000;
			near = d1 < d2 / 4 ? 0 : d2 < d1 / 4 ? 1 : 2;
		}
	} else if ((hs->shape == SL_SHAPE_THREE_WAY ||
		    hs->shape == SL_SHAPE_SIMOPEN) &&
		   (a->sent_synack != b->sent_synack)) {
		/* y's SYN, x's SYN-ACK, y's ACK (also a crafted peer that
		 * answers a simultaneous open's SYN-ACK with a bare ACK) */
		int x = a->sent_synack ? 0 : 1, y = 1 - x, fi;
		int64_t tack = 0;
		for (fi = 0; fi < (int)hs->nframes; fi++)
			if (c->fr[fi].from == y &&
			    c->fr[fi].role == SL_ROLE_ACK) {
				tack = c->fr[fi].ts_ns;
				break;
			}
		d1 = c->s[x].t_synack - c->s[y].t_syn_prev;
		if (d1 < 0)
			d1 = c->s[x].t_synack - c->s[y].t_syn;
		d2 = tack ? tack - c->s[x].t_synack : -1;
		if (c->s[y].sent_bare_syn && d1 >= 0 && d2 >= 0) {
			hs->rtt_us = (d1 + d2) / 1000;
			/* near y, the ACK follows at once; near x, the SYN-ACK */
			near = d2 < d1 / 4 ? y : d1 < d2 / 4 ? x : 2;
		}
	} else if (hs->shape == SL_SHAPE_REFUSED && hs->nframes >= 2) {
		hs->rtt_us =
		    (c->fr[hs->nframes - 1].ts_ns - a->t_syn_prev) / 1000;
	}
	if (hs->self ||
	    (is_loopback(&hs->ep[0].addr) && is_loopback(&hs->ep[1].addr)))
		hs->vantage = SL_VANT_LOCAL;
	else if (near == 0)
		hs->vantage = SL_VANT_A;
	else if (near == 1)
		hs->vantage = SL_VANT_B;
	else if (near == 2)
		hs->vantage = SL_VANT_PATH;

	/* RFC 5961 §4: a late SYN should draw a challenge ACK. */
	if (hs->late_syns > hs->challenge_acks && c->established) {
		struct sl_finding *f = add_finding(
		    c, SL_SEV_NOTE, "late-syn-unanswered", "RFC 5961 §4.2");
		if (f) {
			unsigned i;
			snprintf(f->message, sizeof(f->message),
				 "%u late SYN(s) drew %u challenge ACK(s); "
				 "Linux answers at most one per 500 ms per "
				 "socket (tcp_invalid_ratelimit)",
				 hs->late_syns, hs->challenge_acks);
			for (i = 0; i < hs->nframes; i++)
				if (c->fr[i].role == SL_ROLE_LATE_SYN)
					finding_frame(c, f, (int)i);
		}
	}
}

/* ---- lifetime ------------------------------------------------------- */

static void
conn_free(struct conn *c)
{
	unsigned i;

	for (i = 0; i < c->hs.nframes; i++)
		free(c->fr[i].note);
	free(c->fr);
	free(c->hs.find);
	free(c->s[0].pend);
	free(c->s[1].pend);
	free(c);
}

static size_t
win_len(const struct sl_analyzer *az)
{
	return az->next_id - az->next_emit;
}

static void
win_push(struct sl_analyzer *az, struct conn *c)
{
	size_t n = win_len(az), i;

	if (n == az->wcap) {
		size_t ncap = az->wcap ? az->wcap * 2 : 256;
		struct conn **nw = sl_xcalloc(ncap, sizeof(*nw));
		for (i = 0; i < n; i++)
			nw[i] = az->win[(az->whead + i) % az->wcap];
		free(az->win);
		az->win = nw;
		az->wcap = ncap;
		az->whead = 0;
	}
	az->win[(az->whead + n) % az->wcap] = c;
}

static void classify(struct conn *c);

static void
report(struct sl_analyzer *az, struct conn *c)
{
	struct sl_handshake *hs = &c->hs;
	unsigned i;

	az->sum.handshakes++;
	az->sum.shapes[hs->shape]++;
	for (i = 0; i < hs->nfind; i++)
		az->sum.findings[hs->find[i].sev]++;
	if (az->cfg.on_handshake == NULL)
		return;
	/* The public frames, for the duration of the call. */
	if (hs->nframes > az->scap) {
		az->scap = hs->nframes;
		az->scratch =
		    sl_xrealloc(az->scratch, az->scap, sizeof(*az->scratch));
	}
	for (i = 0; i < hs->nframes; i++) {
		struct sl_hs_frame *o = &az->scratch[i];
		const struct cframe *f = &c->fr[i];
		o->frame = f->frame;
		o->ts_ns = f->ts_ns;
		o->from = f->from;
		o->flags = f->flags;
		o->ae = f->ae;
		o->role = f->role;
		memcpy(o->st, f->st, sizeof(o->st));
		o->seq = f->seq;
		o->ack = f->ack;
		o->len = f->len;
		o->win = f->win;
		unpack_opts(&o->opts, &f->opts);
		o->note[0] = '\0';
		if (f->note != NULL)
			snprintf(o->note, sizeof(o->note), "%s", f->note);
	}
	hs->frames = hs->nframes ? az->scratch : NULL;
	az->cfg.on_handshake(hs, az->cfg.arg);
	hs->frames = NULL;
}

/*
 * Report every finished handshake whose predecessors are all reported.
 * If too many finished ones wait behind one still open, that one is
 * reported as it stands now (and still tracked, so its tuple is not
 * mistaken for a new handshake): memory stays bounded by the handshakes
 * open at once plus REORDER_MAX.
 */
static void
emit_ready(struct sl_analyzer *az)
{
	while (win_len(az) > 0) {
		struct conn *c = az->win[az->whead];

		if (!c->done && win_len(az) <= REORDER_MAX)
			break;
		if (c->done) {
			report(az, c);
			conn_free(c);
		} else {
			flush_pending(c, c->hs.t_last_ns);
			classify(c);
			report(az, c);
			c->reported = true;
		}
		az->whead = (az->whead + 1) % az->wcap;
		az->next_emit++;
	}
}

/* Finish c: classify, take it out of the table, queue it for reporting. */
static void
finalize(struct sl_analyzer *az, struct conn *c, enum sl_end why)
{
	tab_del(az, c);
	if (c->in != &az->lingering)
		az->nopen--;
	list_del(c->in, c);
	if (c->reported) {
		conn_free(c); /* its report already went out */
		return;
	}
	flush_pending(c, c->hs.t_last_ns);
	if (c->hs.end == SL_END_OPEN)
		c->hs.end = why;
	classify(c);
	c->done = true;
	emit_ready(az);
}

static struct conn *
conn_new(struct sl_analyzer *az, const struct sl_endpoint *lo,
	 const struct sl_endpoint *hi, uint64_t h, int file)
{
	struct conn *c = sl_xcalloc(1, sizeof(*c));
	int i;

	c->lo = *lo;
	c->hi = *hi;
	c->khash = h;
	c->iface = az->cur_iface;
	c->hs.iface = az->cur_iface;
	c->hs.iface_name = az->cur_iface_name;
	win_push(az, c);
	c->hs.id = az->next_id++;
	c->hs.file = file;
	c->hs.file_name =
	    file >= 0 && file < az->nfiles ? az->files[file] : NULL;
	c->hs.crossing_us = -1;
	c->hs.rtt_us = -1;
	c->hs.self = sl_endpoint_cmp(lo, hi) == 0;
	for (i = 0; i < 2; i++) {
		c->s[i].syn_fi = NO_FI;
		c->s[i].synack_fi = NO_FI;
		c->hs.syn[i].mss = c->hs.syn[i].wscale = -1;
	}
	if ((az->nconn + 1) * 2 > az->tabsize)
		tab_grow(az);
	tab_put(az->tab, az->tabsize, h, c);
	az->nconn++;
	list_append(c->hs.self ? &az->open : &az->waiting, c);
	az->nopen++;
	if (az->nopen > az->sum.peak_open)
		az->sum.peak_open = az->nopen;
	return c;
}

/* ---- tombstones of SYNs reported as unanswered ---------------------- */

static uint64_t
tomb_key(const struct conn *c)
{
	uint64_t k = c->khash ^ ((uint64_t)c->s[0].isn * 0x9e3779b97f4a7c15ULL);

	return k ? k : 1;
}

static bool
tomb_find(const struct sl_analyzer *az, uint64_t key, int64_t now)
{
	size_t i;

	if (az->tcap == 0)
		return false;
	for (i = key & (az->tcap - 1); az->tombs[i].key != 0;
	     i = (i + 1) & (az->tcap - 1))
		if (az->tombs[i].key == key)
			return az->tombs[i].expires >= now;
	return false;
}

static void tomb_put(struct sl_analyzer *az, uint64_t key, int64_t expires,
		     int64_t now);

static void
tomb_rehash(struct sl_analyzer *az, size_t ncap, int64_t now)
{
	struct tomb *old = az->tombs;
	size_t ocap = az->tcap, i;

	az->tombs = sl_xcalloc(ncap, sizeof(*az->tombs));
	az->tcap = ncap;
	az->ntombs = 0;
	for (i = 0; i < ocap; i++)
		if (old[i].key != 0 && old[i].expires >= now)
			tomb_put(az, old[i].key, old[i].expires, now);
	free(old);
}

static void
tomb_put(struct sl_analyzer *az, uint64_t key, int64_t expires, int64_t now)
{
	size_t i;

	if ((az->ntombs + 1) * 2 > az->tcap) {
		size_t live = 0;
		for (i = 0; i < az->tcap; i++)
			live += az->tombs[i].key != 0 &&
				az->tombs[i].expires >= now;
		tomb_rehash(az,
			    (live + 1) * 4 > az->tcap && az->tcap
				? az->tcap * 2
				: (az->tcap ? az->tcap : 1024),
			    now);
	}
	for (i = key & (az->tcap - 1); az->tombs[i].key != 0;
	     i = (i + 1) & (az->tcap - 1))
		if (az->tombs[i].key == key)
			break;
	if (az->tombs[i].key == 0)
		az->ntombs++;
	az->tombs[i].key = key;
	az->tombs[i].expires = expires;
}

static int64_t
wait_deadline(const struct conn *c)
{
	const struct sl_handshake *hs = &c->hs;
	int64_t d = WAIT_MIN_NS;

	if (hs->nretx_iv[0] > 0) {
		int64_t g = hs->retx_iv_us[0][hs->nretx_iv[0] - 1] * 1000;
		if (g > 1000000000000000LL) /* 11 days: no rhythm left */
			g = 1000000000000000LL;
		if (2 * g + 1000000000LL > d)
			d = 2 * g + 1000000000LL;
	}
	return hs->t_last_ns + d;
}

static void
sweep(struct sl_analyzer *az, int64_t now)
{
	int64_t idle = az->cfg.idle_ns > 0 ? az->cfg.idle_ns : IDLE_DEFAULT_NS;
	struct conn *c, *next;

	while (az->lingering.head != NULL &&
	       now - az->lingering.head->t_ended > LINGER_NS)
		finalize(az, az->lingering.head, SL_END_EOF);
	while (az->open.head != NULL &&
	       now - az->open.head->hs.t_last_ns > idle)
		finalize(az, az->open.head, SL_END_IDLE);
	/* Unanswered SYNs: deadlines differ, but none is under WAIT_MIN_NS. */
	for (c = az->waiting.head;
	     c != NULL && now - c->hs.t_last_ns > WAIT_MIN_NS; c = next) {
		next = c->lnext;
		if (now > wait_deadline(c) || now - c->hs.t_last_ns > idle) {
			if (c->s[0].sent_bare_syn)
				tomb_put(az, tomb_key(c), now + TOMB_NS, now);
			finalize(az, c, SL_END_IDLE);
		}
	}
}

static void
finish_all(struct sl_analyzer *az)
{
	while (az->waiting.head != NULL)
		finalize(az, az->waiting.head, SL_END_EOF);
	while (az->lingering.head != NULL)
		finalize(az, az->lingering.head, SL_END_EOF);
	while (az->open.head != NULL)
		finalize(az, az->open.head, SL_END_EOF);
}

/*
 * Where a Linux `any` capture (SLL, SLL2) saw a frame: its interface (SLL2
 * only) and direction; -1 for other link types.
 */
static int64_t
frame_origin(const struct sl_pkt *p)
{
	if (p->sll_pkttype < 0)
		return -1;
	return (p->ifindex + 1) * 256 + (p->sll_pkttype & 0xff);
}

/*
 * A copy of one packet: the same headers within DUP_WINDOW_NS, or, on
 * `any`, the same headers from another interface or direction that has
 * seen them fewer times than some other origin has (a router's outgoing
 * copy of what it received, however long it queued).  A retransmission
 * with identical headers comes from the origin of the original: counted
 * there, it is not a copy.
 */
static bool
is_duplicate(struct conn *c, const struct sl_pkt *p, int64_t ts)
{
	int64_t o = frame_origin(p);
	unsigned i, other = 0;
	int same = -1;
	bool copy;

	for (i = 0; i < c->nrecent; i++) {
		if (c->recent[i].h != p->hash)
			continue;
		if (o < 0 || c->recent[i].origin == o)
			same = (int)i;
		else if (c->recent[i].n > other)
			other = c->recent[i].n;
	}
	if (same >= 0 && ts - c->recent[same].t >= 0 &&
	    ts - c->recent[same].t <= DUP_WINDOW_NS)
		return true;
	copy = o >= 0 && other > (same >= 0 ? c->recent[same].n : 0);
	if (same >= 0) {
		c->recent[same].n++;
		c->recent[same].t = ts;
		return copy;
	}
	if (c->nrecent == RECENT_MAX) {
		memmove(&c->recent[0], &c->recent[1],
			(RECENT_MAX - 1) * sizeof(c->recent[0]));
		c->nrecent--;
	}
	c->recent[c->nrecent].h = p->hash;
	c->recent[c->nrecent].t = ts;
	c->recent[c->nrecent].origin = o;
	c->recent[c->nrecent++].n = 1;
	return copy;
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

	order_key(p, &lo, &hi);
	h = ep_hash(&lo, &hi, az->cur_iface);
	c = tab_find(az, &lo, &hi, az->cur_iface, h);
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
			finalize(az, c, SL_END_EOF);
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
			if (tomb_find(az, tomb_key(&probe), ts)) {
				/* a late copy of a SYN already reported */
				az->sum.late_syn_copies++;
				return;
			}
		}
		c = conn_new(az, &lo, &hi, h, file);
		c->hs.t_first_ns = ts;
		snprintf(c->hs.encap, sizeof(c->hs.encap), "%s", p->encap);
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
	on_segment(az, c, x, p, frame, ts);
	if (c->ended) {
		if (c->t_ended == 0) {
			c->t_ended = ts;
			list_del(c->in, c);
			az->nopen--;
			list_append(&az->lingering, c);
		}
	} else if (c->in == &az->waiting && c->s[1].sent_any) {
		list_del(c->in, c);
		list_append(&az->open, c);
	} else if (c != c->in->tail) {
		struct list *l = c->in;
		list_del(l, c);
		list_append(l, c);
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
	tab_grow(az);
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

	if (file != az->cur_file) {
		finish_all(az);
		az->cur_file = file;
		az->ts_seen = false;
		az->ts_shift = 0;
	}
	az->sum.frames++;
	ts_ns = clock_step(az, file, frame, ts_ns);
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
		sweep(az, az->now);
		az->last_sweep = az->now;
	}
	process(az, &pkt, file, frame, ts_ns);
	return SL_OK;
}

void
sl_analyzer_end_file(struct sl_analyzer *az)
{
	finish_all(az);
	az->cur_file = -1;
	sl_analyzer_set_iface(az, 0, NULL);
}

void
sl_analyzer_finish(struct sl_analyzer *az)
{
	finish_all(az);
	emit_ready(az);
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
			conn_free(az->tab[j].c);
	while (win_len(az) > 0) {
		struct conn *c = az->win[az->whead];
		if (c->done)
			conn_free(c);
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
