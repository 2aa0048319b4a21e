/* \summary: flow table, timers, frames, reorder window, handshake lifetime */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- table ------------------------------------------------------- */

/*
 * The hash of a tuple: the four-tuple (IPv6 addresses folded to 32 bits)
 * and the interface, mixed.  Equal tuples hash equal, so a slot keeps only
 * the hash and a hit is confirmed on the handshake, whose first lines the
 * segment's processing reads next anyway.
 */
static uint32_t
fold_addr(const struct sl_addr *a)
{
	uint32_t w[4], v;

	if (a->family == 4) {
		memcpy(&v, a->b, 4);
		return v;
	}
	memcpy(w, a->b, 16);
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

uint64_t
az_flow_hash(const struct sl_endpoint *a, const struct sl_endpoint *b,
	     int iface)
{
	uint64_t x = (uint64_t)fold_addr(&a->addr) << 32 | fold_addr(&b->addr);
	uint64_t y =
	    (uint64_t)a->port << 48 | (uint64_t)b->port << 32 | (uint32_t)iface;

	/* multiply-xorshift (the murmur3 finalizer) over both words */
	x ^= y * 0x9e3779b97f4a7c15ULL;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ x >> 33;
}

static void
tab_put(struct slot *t, size_t size, uint64_t h, struct conn_head *c)
{
	size_t i;

	for (i = h & (size - 1); t[i].c != NULL; i = (i + 1) & (size - 1))
		;
	t[i].h = h;
	t[i].c = c;
}

void
az_tab_grow(struct sl_analyzer *az)
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

/*
 * Room for one more handshake: the table doubles past a load of 3/4.
 * A probe reads the hashes in the slots, four to a cache line, so a
 * miss costs a line or two even this full; at 1/2 the table was half
 * of the memory a compact handshake needs.
 */
static void
tab_room(struct sl_analyzer *az)
{
	if ((az->nconn + 1) * 4 > az->tabsize * 3)
		az_tab_grow(az);
}

/*
 * The handshake's cache lines, fetched at once: the segment's processing
 * touches most of them, and one after the other each would wait for
 * memory in turn.
 */
static void
conn_prefetch(const struct conn_head *c)
{
	const char *p = (const char *)c;
	size_t i;

	for (i = 0; i < sizeof(*c); i += 64)
		__builtin_prefetch(p + i);
}

struct conn *
az_tab_find(struct sl_analyzer *az, const struct sl_endpoint *lo,
	    const struct sl_endpoint *hi, int iface, uint64_t h)
{
	size_t mask = az->tabsize - 1, i;

	for (i = h & mask; az->tab[i].c != NULL; i = (i + 1) & mask) {
		struct conn_head *c = az->tab[i].c;
		if (az->tab[i].h != h)
			continue;
		conn_prefetch(c);
		if (c->iface == iface && sl_endpoint_eq(&c->lo, lo) &&
		    sl_endpoint_eq(&c->hi, hi))
			return az_thaw(az, c);
	}
	return NULL;
}

/* The slot of the record at from, of hash h, now holds the one at to. */
static void
tab_repoint(struct sl_analyzer *az, uint64_t h, const struct conn_head *from,
	    struct conn_head *to)
{
	size_t mask = az->tabsize - 1, i;

	for (i = h & mask; az->tab[i].c != from; i = (i + 1) & mask)
		;
	az->tab[i].c = to;
}

/* Removal with backward shift: no tombstones, probes stay short. */
static void
tab_del(struct sl_analyzer *az, struct conn *c)
{
	size_t mask = az->tabsize - 1, i, j, k;

	for (i = c->khash & mask; az->tab[i].c != &c->h; i = (i + 1) & mask)
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

/* ---- timers ------------------------------------------------------- */

static int64_t
wait_deadline(const struct conn *c)
{
	int64_t d = WAIT_MIN_NS;

	if (c->nretx[0] > 0) {
		int64_t g = c->last_iv * 1000;
		if (g > 1000000000000000LL) /* 11 days: no rhythm left */
			g = 1000000000000000LL;
		/* the next interval doubles, with the timer's slack */
		if (3 * g + 1000000000LL > d)
			d = 3 * g + 1000000000LL;
	}
	return c->t_last + d;
}

/*
 * When c is finished unless another segment comes: lingering ends
 * LINGER_NS after the close; an open handshake goes idle; an unanswered
 * SYN is given up after its retransmission rhythm (wait_deadline), not
 * before WAIT_MIN_NS nor after the idle timeout.  Finished when the
 * capture clock passes it.
 */
static int64_t
deadline(const struct sl_analyzer *az, const struct conn *c)
{
	int64_t idle = az->cfg.idle_ns > 0 ? az->cfg.idle_ns : IDLE_DEFAULT_NS;
	int64_t t = c->t_last, d;

	if (idle > 1000000000000000000LL) /* 31 years: never in a capture */
		idle = 1000000000000000000LL;
	switch (c->h.wait) {
	case AZ_LINGERING:
		return c->t_ended + LINGER_NS;
	case AZ_OPEN:
		return t + idle;
	case AZ_WAITING:
	default:
		d = wait_deadline(c);
		if (d > t + idle)
			d = t + idle;
		return d < t + WAIT_MIN_NS ? t + WAIT_MIN_NS : d;
	}
}

void
az_timer_unfile(struct conn_head *c)
{
	if (c->tprev == NULL)
		return;
	*c->tprev = c->tnext;
	if (c->tnext != NULL)
		c->tnext->tprev = c->tprev;
	c->tprev = NULL;
}

/* File c under its deadline's tick, or the wheel's, if that is later. */
void
az_timer_file(struct sl_analyzer *az, struct conn_head *c)
{
	struct conn_head **b;
	int64_t t = az_tick(c->dl);

	if (az->wheel == NULL) {
		az->wheel = sl_xcalloc(WHEEL_SIZE, sizeof(*az->wheel));
		az->wheel_tick = az_tick(az->now);
	}
	if (t < az->wheel_tick)
		t = az->wheel_tick;
	b = &az->wheel[(uint64_t)t & (WHEEL_SIZE - 1)];
	c->tnext = *b;
	if (c->tnext != NULL)
		c->tnext->tprev = &c->tnext;
	c->tprev = b;
	*b = c;
}

void
az_flow_free(struct sl_analyzer *az)
{
	size_t i;

	free(az->wheel);
	free(az->due);
	free(az->sink->ov);
	free(az->sink);
	for (i = 0; i < az->nslabs; i++)
		free(az->slabs[i]);
	free(az->slabs);
}

void
az_touch(struct sl_analyzer *az, struct conn *c, int64_t ts, bool awaits_syn)
{
	int64_t was = c->h.dl;

	if (c->ended) {
		if (c->t_ended != 0)
			return;
		c->t_ended = ts;
		if (awaits_syn) {
			/* open for as long as an unanswered SYN waits */
			c->h.wait = AZ_WAITING;
		} else {
			c->h.wait = AZ_LINGERING;
			az->nopen--;
		}
	} else if (c->h.wait == AZ_WAITING && c->s[1].sent_any && !c->refused) {
		c->h.wait = AZ_OPEN;
	}
	c->h.stamp = ++az->stamps;
	/* A later deadline waits for the bucket; an earlier one moves. */
	c->h.dl = deadline(az, c);
	if (c->h.dl < was && c->h.tprev != NULL) {
		az_timer_unfile(&c->h);
		az_timer_file(az, &c->h);
	}
}

/* ---- frames --------------------------------------------------------- */

static uint8_t
opt_bits(const struct sl_tcpopts *t)
{
	return (
	    uint8_t)((t->has_mss ? COPT_MSS : 0) | (t->has_ws ? COPT_WS : 0) |
		     (t->sack_ok ? COPT_SACKOK : 0) |
		     (t->has_ts ? COPT_TS : 0) | (t->has_sack ? COPT_SACK : 0) |
		     (t->has_tfo ? COPT_TFO : 0) | (t->trunc ? COPT_TRUNC : 0));
}

static void
pack_opts(struct copts *o, const struct sl_tcpopts *t)
{
	unsigned i;

	memset(o, 0, sizeof(*o));
	o->has = opt_bits(t);
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

/* ---- pools ---------------------------------------------------------- */

#define SLAB_BYTES 16384 /* a pool's records allocated at once */

_Static_assert((FRAMES_INLINE << (OV_POOLS - 1)) + FRAMES_INLINE >=
		       SL_HS_MAXFRAMES &&
		   (XO_INLINE << (OV_POOLS - 1)) + XO_INLINE >= SL_HS_MAXFRAMES,
	       "the last pool of a struct az_ovpools holds what is left");

static void
pool_init(struct az_pool *p, size_t size)
{
	p->free = NULL;
	p->size = size;
	p->per = (unsigned)(SLAB_BYTES / size > 4 ? SLAB_BYTES / size : 4);
}

/* The entries of an array from pool i of f. */
static unsigned
ov_cap(const struct az_ovpools *f, unsigned i)
{
	unsigned n = f->inl << i;

	return n < f->max ? n : f->max;
}

/* Arrays of entries of size bytes past inl inline ones, total in all. */
static void
ov_init(struct az_ovpools *f, unsigned inl, unsigned total, size_t size)
{
	unsigned i;

	f->inl = inl;
	f->max = total - inl;
	for (i = 0; i < OV_POOLS; i++)
		pool_init(&f->p[i], ov_cap(f, i) * size);
}

void
az_flow_init(struct sl_analyzer *az)
{
	int i;

	pool_init(&az->conns, sizeof(struct conn));
	/* a bare record has no inline option records (struct cold) */
	pool_init(
	    &az->colds,
	    sizeof(struct cold) +
		(az->cfg.frames_unread ? 0 : XO_INLINE * sizeof(struct copts)));
	pool_init(&az->ices, sizeof(struct ice));
	pool_init(&az->pblocks, PEND_BLOCK * sizeof(struct pend));
	pool_init(&az->notes, SL_NOTE_LEN);
	ov_init(&az->frames, FRAMES_INLINE, SL_HS_MAXFRAMES,
		sizeof(struct cframe));
	ov_init(&az->xos, XO_INLINE, SL_HS_MAXFRAMES, sizeof(struct copts));
	az->sink = sl_xcalloc(1, sizeof(*az->sink));
	az->sink->sink = true;
	az->sink->bare = true;
	az->sink->az = az;
	az->sink->ovcap = az->frames.max;
	az->sink->ov = sl_xcalloc(az->frames.max, sizeof(*az->sink->ov));
	for (i = 0; i < 2; i++) {
		az->blank.s[i].syn_fi = NO_FI;
		az->blank.s[i].synack_fi = NO_FI;
		az->blank.s[i].bad_synack_fi = NO_FI;
		az->blank.s[i].bad_rst_fi = NO_FI;
		az->blank.s[i].ack_fi = NO_FI;
		az->blank.syn[i].wscale = -1;
	}
	az->blank.k = az->sink; /* as a handshake reported early */
}

/*
 * A pool's next slab: its records in one allocation, freed with the
 * analyzer; the first is taken, the others are free, in order.  Nothing
 * is cleared: whoever takes a record writes it.
 */
static void *
slab_new(struct sl_analyzer *az, struct az_pool *p)
{
	char *slab = sl_xrealloc(NULL, p->per, p->size);
	unsigned i;

	az->slabs = sl_xrealloc(az->slabs, az->nslabs + 1, sizeof(*az->slabs));
	az->slabs[az->nslabs++] = slab;
	for (i = p->per; i-- > 1;)
		az_pool_put(p, slab + (size_t)i * p->size);
	return slab;
}

void *
az_pool_get(struct sl_analyzer *az, struct az_pool *p)
{
	void *r = p->free;

	if (r == NULL)
		return slab_new(az, p);
	memcpy(&p->free, r, sizeof(p->free));
	return r;
}

/* The pool of f whose arrays hold cap entries. */
static unsigned
ov_pool(const struct az_ovpools *f, unsigned cap)
{
	unsigned i = 0;

	while (ov_cap(f, i) < cap)
		i++;
	return i;
}

/* ov, an array of cap entries from f (or NULL), back to its pool. */
static void
ov_put(struct az_ovpools *f, void *ov, unsigned cap)
{
	if (ov != NULL)
		az_pool_put(&f->p[ov_pool(f, cap)], ov);
}

/*
 * Room past the cap entries (of size bytes) of ov, an array from f or
 * NULL: an array from the next pool, holding ov's entries; ov goes back.
 * ov is never full-sized here (a handshake stops at SL_HS_MAXFRAMES).
 */
static void *
ov_grow(struct sl_analyzer *az, struct az_ovpools *f, void *ov, unsigned *cap,
	size_t size)
{
	unsigned i = ov == NULL ? 0 : ov_pool(f, *cap) + 1;
	void *n;

	n = az_pool_get(az, &f->p[i]);
	if (ov != NULL)
		memcpy(n, ov, *cap * size);
	ov_put(f, ov, *cap);
	*cap = ov_cap(f, i);
	return n;
}

void
az_pend_grow(struct conn *c, struct side *s)
{
	struct sl_analyzer *az = c->k->az;
	struct pend *n;

	if (s->pend != NULL) {
		unsigned cap = s->pcap * 2u; /* PEND_MAX at most */
		n = sl_xcalloc(cap, sizeof(*n));
		memcpy(n, s->pend, s->npend * sizeof(*n));
		az_pend_release(c, s);
		s->pend = n;
		s->pcap = (uint8_t)cap;
		return;
	}
	s->pend = az_pool_get(az, &az->pblocks);
	s->pcap = PEND_BLOCK;
}

void
az_pend_release(struct conn *c, struct side *s)
{
	struct sl_analyzer *az = c->k->az;

	if (s->pend == NULL)
		return;
	if (s->pcap == PEND_BLOCK) {
		az_pool_put(&az->pblocks, s->pend);
	} else {
		free(s->pend);
	}
	s->pend = NULL;
	s->pcap = 0;
}

/* Option record i of cold record k. */
static struct copts *
xo_rec(struct cold *k, unsigned i)
{
	return i < XO_INLINE ? &k->xo0[i] : &k->xov[i - XO_INLINE];
}

int
az_add_frame(struct conn *c, int from, const struct sl_pkt *p, uint64_t frame,
	     int64_t ts, enum sl_role role)
{
	struct cold *k = c->k;
	struct cframe *f;

	if (c->nframes >= SL_HS_MAXFRAMES) {
		k->hs.frames_omitted++;
		return NO_FI;
	}
	/* Nothing of k is read for the inline frames: it is seldom cached. */
	if (c->nframes >= FRAMES_INLINE &&
	    c->nframes == FRAMES_INLINE + k->ovcap)
		k->ov = ov_grow(k->az, &k->az->frames, k->ov, &k->ovcap,
				sizeof(*k->ov));
	f = az_frame(k, c->nframes);
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
	f->has = opt_bits(&p->opts);
	f->ts_val = p->opts.ts_val;
	f->ts_ecr = p->opts.ts_ecr;
	if (((f->has & COPT_FULL) || p->opts.nunknown > 0) && !k->bare) {
		if (k->nxo == XO_INLINE + k->xovcap)
			k->xov = ov_grow(k->az, &k->az->xos, k->xov, &k->xovcap,
					 sizeof(*k->xov));
		pack_opts(xo_rec(k, k->nxo), &p->opts);
		f->xo = (uint8_t)++k->nxo;
	}
	return (int)c->nframes++;
}

/* Kept as the report copies it: SL_NOTE_LEN - 1 bytes at most. */
void
az_set_note(struct conn *c, int fi, const char *note)
{
	struct cframe *f;
	size_t n;

	if (fi < 0 || c->k->bare)
		return;
	f = az_frame(c->k, (unsigned)fi);
	if (f->note == NULL)
		f->note = az_pool_get(c->k->az, &c->k->az->notes);
	n = strnlen(note, SL_NOTE_LEN - 1);
	memcpy(f->note, note, n);
	f->note[n] = '\0';
}

/* ---- lifetime ------------------------------------------------------- */

static struct cold *
cold_get(struct sl_analyzer *az)
{
	struct cold *k = az_pool_get(az, &az->colds);

	memset(k, 0, az->colds.size);
	k->az = az;
	k->bare = az->cfg.frames_unread;
	return k;
}

/* k, holding nframes frames, back to the pool (the sink stays). */
static void
cold_put(struct sl_analyzer *az, struct cold *k, unsigned nframes)
{
	unsigned i;

	if (k->sink)
		return;
	for (i = 0; i < nframes; i++)
		if (az_frame(k, i)->note != NULL)
			az_pool_put(&az->notes, az_frame(k, i)->note);
	ov_put(&az->frames, k->ov, k->ovcap);
	ov_put(&az->xos, k->xov, k->xovcap);
	free(k->hs.find);
	az_pool_put(&az->colds, k);
}

void
az_conn_free(struct sl_analyzer *az, struct conn *c)
{
	unsigned i;

	if (c == az->thawed)
		az->thawed = NULL;
	for (i = 0; i < 2; i++)
		az_pend_release(c, &c->s[i]);
	cold_put(az, c->k, c->nframes);
	free(c->cq);
	free(c->late);
	if (c->parked != NULL)
		az_conn_free(az, c->parked);
	az_pool_put(&az->conns, c);
}

size_t
az_win_len(const struct sl_analyzer *az)
{
	return az->next_id - az->next_emit;
}

static void
win_push(struct sl_analyzer *az, struct conn *c)
{
	size_t n = az_win_len(az), i;

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

static void
report(struct sl_analyzer *az, struct conn *c)
{
	struct sl_handshake *hs = &c->k->hs;
	unsigned i;

	az->sum.handshakes++;
	az->sum.shapes[hs->shape]++;
	for (i = 0; i < hs->nfind; i++)
		az->sum.findings[hs->find[i].sev]++;
	if (az->cfg.on_handshake == NULL)
		return;
	hs->frames = NULL;
	if (az->cfg.wants_frames != NULL &&
	    !az->cfg.wants_frames(hs, az->cfg.arg)) {
		unsigned n = hs->nframes;

		hs->nframes = 0;
		az->cfg.on_handshake(hs, az->cfg.arg);
		hs->nframes = n;
		return;
	}
	/* The public frames, for the duration of the call. */
	if (hs->nframes > az->scap) {
		az->scap = hs->nframes;
		az->scratch =
		    sl_xrealloc(az->scratch, az->scap, sizeof(*az->scratch));
	}
	for (i = 0; i < hs->nframes; i++) {
		struct sl_hs_frame *o = &az->scratch[i];
		const struct cframe *f = az_frame(c->k, i);
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
		if (f->xo > 0) {
			unpack_opts(&o->opts, xo_rec(c->k, f->xo - 1u));
		} else {
			memset(&o->opts, 0, sizeof(o->opts));
			o->opts.has_ts = f->has & COPT_TS;
			o->opts.trunc = f->has & COPT_TRUNC;
			o->opts.ts_val = f->ts_val;
			o->opts.ts_ecr = f->ts_ecr;
		}
		o->note[0] = '\0';
		if (f->note != NULL) {
			size_t n = strnlen(f->note, sizeof(o->note) - 1);
			memcpy(o->note, f->note, n);
			o->note[n] = '\0';
		}
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
void
az_emit_ready(struct sl_analyzer *az)
{
	while (az_win_len(az) > 0) {
		struct conn *c = az->win[az->whead];

		if (!c->done && az_win_len(az) <= REORDER_MAX)
			break;
		if (c->done) {
			report(az, c);
			az_conn_free(az, c);
		} else {
			az_flush_pending(c, c->t_last);
			az_classify(c);
			report(az, c);
			c->reported = true;
			/* only tracked from now on: nothing of it is
			 * printed, unless a newer handshake hides it */
			if (!c->parked_now) {
				cold_put(az, c->k, c->nframes);
				c->k = az->sink;
				az_compact(az, c);
			}
		}
		az->whead = (az->whead + 1) % az->wcap;
		az->next_emit++;
	}
}

/*
 * Take c out of the table and its list without finishing it: a newer
 * handshake on its tuple takes its place and hands it back when it ends
 * (az_finalize).  See park_older in analyze.c.
 */
void
az_park(struct sl_analyzer *az, struct conn *c)
{
	tab_del(az, c);
	if (c->h.wait != AZ_LINGERING)
		az->nopen--;
	az_timer_unfile(&c->h);
	c->parked_now = true;
}

static void
unpark(struct sl_analyzer *az, struct conn *c)
{
	tab_room(az);
	tab_put(az->tab, az->tabsize, c->khash, &c->h);
	az->nconn++;
	c->parked_now = false;
	c->h.wait = c->s[1].sent_any ? AZ_OPEN : AZ_WAITING;
	c->h.stamp = ++az->stamps;
	c->h.dl = deadline(az, c);
	az_timer_file(az, &c->h);
	az->nopen++;
}

/* Finish c: classify, take it out of the table, queue it for reporting. */
void
az_finalize(struct sl_analyzer *az, struct conn *c, enum sl_end why)
{
	tab_del(az, c);
	if (c->h.wait != AZ_LINGERING)
		az->nopen--;
	az_timer_unfile(&c->h);
	if (c->parked != NULL) {
		/* the older handshake it hid takes its tuple back */
		unpark(az, c->parked);
		c->parked = NULL;
	}
	if (c->reported) {
		az_conn_free(az, c); /* its report already went out */
		return;
	}
	az_flush_pending(c, c->t_last);
	if (c->end == SL_END_OPEN)
		c->end = why;
	az_classify(c);
	c->done = true;
	az_emit_ready(az);
}

/*
 * A record from the pool, as az->blank: what a new handshake starts
 * from, and what a compact record is kept relative to.
 */
static struct conn *
conn_get(struct sl_analyzer *az)
{
	struct conn *c = az_pool_get(az, &az->conns);

	*c = az->blank;
	return c;
}

/*
 * The rest of a record, after its head and its tuple's hash (which its
 * key gives again), as 4-byte words.
 */
#define TAIL_OFF   (offsetof(struct conn, khash) + sizeof(uint64_t))
#define TAIL_WORDS ((sizeof(struct conn) - TAIL_OFF) / 4)
_Static_assert(offsetof(struct conn, khash) == sizeof(struct conn_head) &&
		   TAIL_OFF % 4 == 0 && sizeof(struct conn) % 4 == 0 &&
		   TAIL_WORDS <= 64,
	       "struct ice: one bit of diff for each word of the rest");

/* The timer list of h, a copy of a head filed there, now links h. */
static void
wheel_repoint(struct conn_head *h)
{
	if (h->tprev == NULL)
		return;
	*h->tprev = h;
	if (h->tnext != NULL)
		h->tnext->tprev = &h->tnext;
}

/*
 * Only a handshake nothing else points at: reported (out of the reorder
 * window), not hidden under a newer one (its parked pointer), and on the
 * wheel (not in az->due, where a sweep or the end of input holds it).
 * Its pointers (pending segments, a parked handshake, late SYN, copies)
 * are words like the others: what they point to stays its own.
 */
void
az_compact(struct sl_analyzer *az, struct conn *c)
{
	const char *t = (const char *)c, *b = (const char *)&az->blank;
	uint32_t w[ICE_WORDS];
	uint64_t diff = 0;
	struct ice *ice;
	unsigned n = 0, i;

	if (c == az->thawed)
		az->thawed = NULL;
	if (!c->reported || c->parked_now || c->h.tprev == NULL ||
	    az->finishing)
		return;
	for (i = 0; i < TAIL_WORDS; i++) {
		size_t o = TAIL_OFF + 4 * i;
		if (memcmp(t + o, b + o, 4) == 0)
			continue;
		if (n == ICE_WORDS)
			return; /* too different: stays full */
		memcpy(&w[n++], t + o, 4);
		diff |= 1ULL << i;
	}
	ice = az_pool_get(az, &az->ices);
	ice->h = c->h;
	ice->h.compact = true;
	ice->diff = diff;
	memcpy(ice->w, w, n * sizeof(w[0]));
	tab_repoint(az, c->khash, &c->h, &ice->h);
	wheel_repoint(&ice->h);
	az_pool_put(&az->conns, c);
}

struct conn *
az_thaw(struct sl_analyzer *az, struct conn_head *h)
{
	struct ice *ice = (struct ice *)(void *)h; /* its first member */
	struct conn *c;
	uint64_t d;
	unsigned n = 0;

	if (!h->compact)
		return az_conn_of(h);
	c = conn_get(az);
	c->h = ice->h;
	c->h.compact = false;
	c->khash = az_flow_hash(&c->h.lo, &c->h.hi, c->h.iface);
	for (d = ice->diff; d != 0; d &= d - 1)
		memcpy((char *)c + TAIL_OFF + 4 * (unsigned)__builtin_ctzll(d),
		       &ice->w[n++], 4);
	tab_repoint(az, c->khash, h, &c->h);
	wheel_repoint(&c->h);
	az_pool_put(&az->ices, ice);
	az->thawed = c;
	return c;
}

struct conn *
az_conn_new(struct sl_analyzer *az, const struct sl_endpoint *lo,
	    const struct sl_endpoint *hi, uint64_t h, int file)
{
	struct conn *c = conn_get(az);
	struct cold *k;
	int i;

	c->k = k = cold_get(az);
	c->h.lo = *lo;
	c->h.hi = *hi;
	c->khash = h;
	c->h.iface = az->cur_iface;
	k->hs.iface = az->cur_iface;
	k->hs.iface_name = az->cur_iface_name;
	win_push(az, c);
	k->hs.id = az->next_id++;
	k->hs.file = file;
	k->hs.file_name =
	    file >= 0 && file < az->nfiles ? az->files[file] : NULL;
	k->hs.crossing_us = -1;
	k->hs.rtt_us = -1;
	c->self = k->hs.self = sl_endpoint_cmp(lo, hi) == 0;
	for (i = 0; i < 2; i++)
		k->cs[i].mss = -1;
	tab_room(az);
	tab_put(az->tab, az->tabsize, h, &c->h);
	az->nconn++;
	c->h.wait = c->self ? AZ_OPEN : AZ_WAITING;
	c->h.stamp = ++az->stamps;
	/* filed where its first segment puts its deadline (on_segment) */
	c->t_last = az->now;
	c->h.dl = deadline(az, c);
	az_timer_file(az, &c->h);
	az->nopen++;
	if (az->nopen > az->sum.peak_open)
		az->sum.peak_open = az->nopen;
	return c;
}
