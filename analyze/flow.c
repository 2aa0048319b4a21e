/* \summary: flow table, reorder window, tombstones, handshake lifetime */
#include "conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lists and table ------------------------------------------------ */

void
az_list_del(struct list *l, struct conn *c)
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

void
az_list_append(struct list *l, struct conn *c)
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

uint64_t
az_flow_hash(const struct sl_endpoint *a, const struct sl_endpoint *b,
	     int iface)
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

void
az_order_key(const struct sl_pkt *p, struct sl_endpoint *lo,
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

struct conn *
az_tab_find(struct sl_analyzer *az, const struct sl_endpoint *lo,
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

/* ---- frames --------------------------------------------------------- */

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

int
az_add_frame(struct conn *c, int from, const struct sl_pkt *p, uint64_t frame,
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

void
az_set_note(struct conn *c, int fi, const char *note)
{
	if (fi < 0)
		return;
	free(c->fr[fi].note);
	c->fr[fi].note = sl_xstrdup(note);
}

/* ---- lifetime ------------------------------------------------------- */

void
az_conn_free(struct conn *c)
{
	unsigned i;

	for (i = 0; i < c->hs.nframes; i++)
		free(c->fr[i].note);
	free(c->fr);
	free(c->hs.find);
	free(c->s[0].pend);
	free(c->s[1].pend);
	free(c->cq);
	free(c->late);
	if (c->parked != NULL)
		az_conn_free(c->parked);
	free(c);
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
void
az_emit_ready(struct sl_analyzer *az)
{
	while (az_win_len(az) > 0) {
		struct conn *c = az->win[az->whead];

		if (!c->done && az_win_len(az) <= REORDER_MAX)
			break;
		if (c->done) {
			report(az, c);
			az_conn_free(c);
		} else {
			az_flush_pending(c, c->hs.t_last_ns);
			az_classify(c);
			report(az, c);
			c->reported = true;
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
	if (c->in != &az->lingering)
		az->nopen--;
	az_list_del(c->in, c);
	c->in = NULL;
}

static void
unpark(struct sl_analyzer *az, struct conn *c)
{
	if ((az->nconn + 1) * 2 > az->tabsize)
		az_tab_grow(az);
	tab_put(az->tab, az->tabsize, c->khash, c);
	az->nconn++;
	az_list_append(c->s[1].sent_any ? &az->open : &az->waiting, c);
	az->nopen++;
}

/* Finish c: classify, take it out of the table, queue it for reporting. */
void
az_finalize(struct sl_analyzer *az, struct conn *c, enum sl_end why)
{
	tab_del(az, c);
	if (c->in != &az->lingering)
		az->nopen--;
	az_list_del(c->in, c);
	if (c->parked != NULL) {
		/* the older handshake it hid takes its tuple back */
		unpark(az, c->parked);
		c->parked = NULL;
	}
	if (c->reported) {
		az_conn_free(c); /* its report already went out */
		return;
	}
	az_flush_pending(c, c->hs.t_last_ns);
	if (c->hs.end == SL_END_OPEN)
		c->hs.end = why;
	az_classify(c);
	c->done = true;
	az_emit_ready(az);
}

struct conn *
az_conn_new(struct sl_analyzer *az, const struct sl_endpoint *lo,
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
		c->s[i].bad_synack_fi = NO_FI;
		c->s[i].bad_rst_fi = NO_FI;
		c->s[i].ack_fi = NO_FI;
		c->hs.syn[i].mss = c->hs.syn[i].wscale = -1;
	}
	if ((az->nconn + 1) * 2 > az->tabsize)
		az_tab_grow(az);
	tab_put(az->tab, az->tabsize, h, c);
	az->nconn++;
	az_list_append(c->hs.self ? &az->open : &az->waiting, c);
	az->nopen++;
	if (az->nopen > az->sum.peak_open)
		az->sum.peak_open = az->nopen;
	return c;
}

/* ---- tombstones of SYNs reported as unanswered ---------------------- */

uint64_t
az_tomb_key(const struct conn *c)
{
	uint64_t k = c->khash ^ ((uint64_t)c->s[0].isn * 0x9e3779b97f4a7c15ULL);

	return k ? k : 1;
}

bool
az_tomb_find(const struct sl_analyzer *az, uint64_t key, int64_t now)
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
		/* the next interval doubles, with the timer's slack */
		if (3 * g + 1000000000LL > d)
			d = 3 * g + 1000000000LL;
	}
	return hs->t_last_ns + d;
}

void
az_sweep(struct sl_analyzer *az, int64_t now)
{
	int64_t idle = az->cfg.idle_ns > 0 ? az->cfg.idle_ns : IDLE_DEFAULT_NS;
	struct conn *c, *next;

	while (az->lingering.head != NULL &&
	       now - az->lingering.head->t_ended > LINGER_NS)
		az_finalize(az, az->lingering.head, SL_END_EOF);
	while (az->open.head != NULL &&
	       now - az->open.head->hs.t_last_ns > idle)
		az_finalize(az, az->open.head, SL_END_IDLE);
	/* Unanswered SYNs: deadlines differ, but none is under WAIT_MIN_NS. */
	for (c = az->waiting.head;
	     c != NULL && now - c->hs.t_last_ns > WAIT_MIN_NS; c = next) {
		next = c->lnext;
		if (now > wait_deadline(c) || now - c->hs.t_last_ns > idle) {
			if (c->s[0].sent_bare_syn)
				tomb_put(az, az_tomb_key(c), now + TOMB_NS,
					 now);
			az_finalize(az, c, SL_END_IDLE);
		}
	}
}

void
az_finish_all(struct sl_analyzer *az)
{
	/* a handshake finished may hand its tuple back to a parked one */
	while (az->waiting.head != NULL || az->lingering.head != NULL ||
	       az->open.head != NULL) {
		while (az->waiting.head != NULL)
			az_finalize(az, az->waiting.head, SL_END_EOF);
		while (az->lingering.head != NULL)
			az_finalize(az, az->lingering.head, SL_END_EOF);
		while (az->open.head != NULL)
			az_finalize(az, az->open.head, SL_END_EOF);
	}
}
