/* \summary: one connection from several vantage points: matching views (ISNs, SYN options), one timeline (clock offsets: merge_clock.c) */
#include "merge_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEEP 100000 /* handshakes copied at most */

struct sl_merge *
sl_merge_new(bool several, sl_conn_fn fn, void *arg)
{
	struct sl_merge *m = sl_xcalloc(1, sizeof(*m));

	m->several = several;
	m->fn = fn;
	m->arg = arg;
	return m;
}

static int
vant_of(struct sl_merge *m, const struct sl_handshake *hs)
{
	char buf[1024];
	const char *fn = hs->file_name ? hs->file_name : "";
	int i;

	for (i = 0; i < m->nv; i++)
		if (m->v[i].file == hs->file && m->v[i].iface == hs->iface)
			return i;
	m->v = sl_xrealloc(m->v, (size_t)m->nv + 1, sizeof(*m->v));
	memset(&m->v[m->nv], 0, sizeof(m->v[0]));
	m->v[m->nv].file = hs->file;
	m->v[m->nv].iface = hs->iface;
	if (hs->iface_name)
		snprintf(buf, sizeof(buf), "%s (%s)", fn, hs->iface_name);
	else if (hs->iface > 0)
		snprintf(buf, sizeof(buf), "%s (interface %d)", fn, hs->iface);
	else
		snprintf(buf, sizeof(buf), "%s", fn);
	m->v[m->nv].name = sl_xstrdup(buf);
	return m->nv++;
}

/* Widens the time a vantage is known to have captured by hs's. */
static void
vant_span(struct vant *va, const struct sl_handshake *hs)
{
	if (!va->has_span || hs->t_first_ns < va->t_min)
		va->t_min = hs->t_first_ns;
	if (!va->has_span || hs->t_last_ns > va->t_max)
		va->t_max = hs->t_last_ns;
	va->has_span = true;
}

const struct sl_conn *
sl_conn_of(const struct sl_handshake *hs, struct sl_conn_one *one)
{
	unsigned i, n = hs->nframes;

	if (n > SL_HS_MAXFRAMES)
		n = SL_HS_MAXFRAMES;
	/* Not the whole of *one: its segments are 5.6 KB, most unused. */
	memset(&one->c, 0, sizeof(one->c));
	memset(&one->v, 0, sizeof(one->v));
	memset(one->seg, 0, n * sizeof(one->seg[0]));
	memset(one->find_view, 0, sizeof(one->find_view));
	one->v.hs = hs;
	one->v.name = hs->file_name ? hs->file_name : "";
	one->v.vantage = hs->vantage;
	one->v.has_offset = true;
	for (i = 0; i < n; i++)
		one->seg[i].frame[0] = hs->frames[i].frame;
	one->c.hs = hs;
	one->c.nviews = 1;
	one->c.views = &one->v;
	one->c.seg = one->seg;
	one->c.find_view = one->find_view;
	return &one->c;
}

static bool
same_addr(const struct sl_addr *a, const struct sl_addr *b)
{
	return a->family == b->family && memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

struct build;
static void build_group(struct sl_merge *m, const unsigned *members, unsigned n,
			struct build *b);
static void emit(struct sl_merge *m, struct build *b);

bool
sl_merge_reads_frames(const struct sl_merge *m)
{
	return m->several || m->has_host_a;
}

bool
sl_merge_wants_frames(const struct sl_merge *m, const struct sl_handshake *hs)
{
	return m->several || (m->has_host_a && !hs->self &&
			      same_addr(&hs->ep[1].addr, &m->host_a) &&
			      !same_addr(&hs->ep[0].addr, &m->host_a));
}

void
sl_merge_handshake(const struct sl_handshake *hs, void *arg)
{
	struct sl_merge *m = arg;
	struct sl_conn_one one;
	struct mhs *c;

	if (!sl_merge_wants_frames(m, hs)) {
		/* One view as it is: the fast path, nothing kept. */
		m->next_id++;
		if (m->fn)
			m->fn(sl_conn_of(hs, &one), m->arg);
		return;
	}
	if (m->n >= MAX_KEEP) {
		m->dropped++;
		if (m->fn)
			m->fn(sl_conn_of(hs, &one), m->arg);
		return;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->h = sl_xrealloc(m->h, m->cap, sizeof(*m->h));
	}
	c = &m->h[m->n];
	memset(c, 0, sizeof(*c));
	c->hs = *hs;
	c->hs.frames =
	    sl_xcalloc(hs->nframes ? hs->nframes : 1, sizeof(*hs->frames));
	if (hs->nframes)
		memcpy(c->hs.frames, hs->frames,
		       hs->nframes * sizeof(*hs->frames));
	c->hs.find = sl_xcalloc(hs->nfind ? hs->nfind : 1, sizeof(*hs->find));
	if (hs->nfind)
		memcpy(c->hs.find, hs->find, hs->nfind * sizeof(*hs->find));
	c->vant = vant_of(m, hs);
	vant_span(&m->v[c->vant], hs);
	c->group = (int)m->n;
	c->vmask = c->vant < 64 ? (uint64_t)1 << c->vant : 0;
	m->n++;
	if (!m->several) {
		/* One view whose B is the named host A: passed on swapped. */
		struct build b;
		unsigned last = m->n - 1;

		build_group(m, &last, 1, &b);
		mg_time_build(m, &b);
		emit(m, &b);
		free(b.seg);
		free(c->hs.frames);
		free(c->hs.find);
		m->n--;
	}
}

/*
 * Side of h2 that is side s of h1: the one with the same ISN, or, when
 * side s never sent a SYN (a refused or unanswered handshake), the side
 * opposite the one that matches h1's other side.
 */
static int
side_map(const struct sl_handshake *h1, int s, const struct sl_handshake *h2)
{
	int t;

	if (h1->has_isn[s]) {
		for (t = 0; t < 2; t++)
			if (h2->has_isn[t] && h2->isn[t] == h1->isn[s])
				return t;
		return -1;
	}
	if (h1->has_isn[1 - s])
		for (t = 0; t < 2; t++)
			if (h2->has_isn[t] && h2->isn[t] == h1->isn[1 - s])
				return 1 - t;
	return -1;
}

/* The SYN options a NAT keeps agree (MSS is clamped on the way). */
static bool
same_synopts(const struct sl_synopts *a, const struct sl_synopts *b)
{
	if (!a->seen || !b->seen)
		return true;
	return a->wscale == b->wscale && a->sack_ok == b->sack_ok &&
	       a->ts == b->ts;
}

/* Can views h1 and h2 be the same connection? */
static bool
same_conn(const struct sl_handshake *h1, const struct sl_handshake *h2)
{
	int s, t, n = 0;

	if (h1->self || h2->self)
		return false;
	for (s = 0; s < 2; s++) {
		if (!h1->has_isn[s])
			continue;
		t = side_map(h1, s, h2);
		if (t < 0) {
			/* Both saw this side's SYN: it must be the same. */
			if (h2->has_isn[0] && h2->has_isn[1])
				return false;
			continue;
		}
		if (!same_synopts(&h1->syn[s], &h2->syn[t]))
			return false;
		n++;
	}
	/* Both ISNs known on both: both must agree. */
	if (h1->has_isn[0] && h1->has_isn[1] && h2->has_isn[0] &&
	    h2->has_isn[1])
		return n == 2;
	return n > 0;
}

static int
root(struct sl_merge *m, int i)
{
	while (m->h[i].group != i) {
		m->h[i].group = m->h[m->h[i].group].group;
		i = m->h[i].group;
	}
	return i;
}

struct isnref {
	uint32_t isn;
	unsigned h;
};

static int
cmp_isnref(const void *x, const void *y)
{
	const struct isnref *a = x, *b = y;

	if (a->isn != b->isn)
		return a->isn < b->isn ? -1 : 1;
	return a->h < b->h ? -1 : a->h > b->h;
}

/* Groups views sharing an ISN, never two views of one vantage. */
static void
group_views(struct sl_merge *m)
{
	struct isnref *r = sl_xcalloc(2 * (size_t)m->n + 1, sizeof(*r));
	size_t nr = 0, i, k;
	unsigned j;
	int s;

	for (j = 0; j < m->n; j++)
		for (s = 0; s < 2; s++)
			if (m->h[j].hs.has_isn[s] && !m->h[j].hs.self) {
				r[nr].isn = m->h[j].hs.isn[s];
				r[nr].h = j;
				nr++;
			}
	qsort(r, nr, sizeof(*r), cmp_isnref);
	for (i = 0; i < nr; i++)
		for (k = i + 1; k < nr && r[k].isn == r[i].isn; k++) {
			int a = root(m, (int)r[i].h), b = root(m, (int)r[k].h);
			if (a == b || (m->h[a].vmask & m->h[b].vmask) ||
			    m->h[a].vmask == 0 || m->h[b].vmask == 0 ||
			    !same_conn(&m->h[r[i].h].hs, &m->h[r[k].h].hs))
				continue;
			/* The lower index stays the root: first view first. */
			if (b < a) {
				int t = a;
				a = b;
				b = t;
			}
			m->h[b].group = a;
			m->h[a].vmask |= m->h[b].vmask;
		}
	free(r);
}

/* Matches view v's segments into b's timeline, adding the new ones. */
static void
match_view(struct sl_merge *m, struct build *b, unsigned v)
{
	const struct sl_handshake *h = &m->h[b->hv[v]].hs;
	unsigned j, k;

	for (j = 0; j < h->nframes; j++) {
		const struct sl_hs_frame *f = &h->frames[j];
		int from = b->map[v][f->from];
		for (k = 0; k < b->nseg; k++) {
			struct bseg *s = &b->seg[k];
			const struct sl_hs_frame *g =
			    mg_bframe(m, b, (unsigned)s->src, (int)s->fi);
			if (s->idx[v] >= 0 || s->from != from ||
			    g->flags != f->flags || g->seq != f->seq ||
			    g->ack != f->ack || g->len != f->len)
				continue;
			s->idx[v] = (int)j;
			break;
		}
		if (k < b->nseg)
			continue;
		b->seg = sl_xrealloc(b->seg, b->nseg + 1, sizeof(*b->seg));
		memset(&b->seg[b->nseg], 0, sizeof(b->seg[0]));
		for (k = 0; k < SL_CONN_MAXVIEWS; k++)
			b->seg[b->nseg].idx[k] = -1;
		b->seg[b->nseg].src = (int)v;
		b->seg[b->nseg].fi = j;
		b->seg[b->nseg].from = (uint8_t)from;
		b->seg[b->nseg].idx[v] = (int)j;
		b->nseg++;
	}
}

/* Shapes by what they prove: a view that missed a segment proves less. */
static int
shape_rank(enum sl_shape s)
{
	switch (s) {
	case SL_SHAPE_SIMOPEN:
		return 6;
	case SL_SHAPE_THREE_WAY:
		return 5;
	case SL_SHAPE_REFUSED:
		return 4;
	case SL_SHAPE_RESET:
		return 3;
	case SL_SHAPE_INCOMPLETE:
		return 2;
	case SL_SHAPE_UNANSWERED:
		return 1;
	default:
		return 0;
	}
}

static enum sl_vantage
swap_vantage(enum sl_vantage v, bool swap)
{
	if (!swap)
		return v;
	return v == SL_VANT_A ? SL_VANT_B : v == SL_VANT_B ? SL_VANT_A : v;
}

/*
 * Texts written about a view name its A and B; in the connection's names
 * they swap when the view's A is the connection's B.  Swaps the words
 * "A", "B", "A's", "B's" (not parts of longer words such as SYN-ACK).
 */
static void
swap_ab_text(char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++) {
		bool before = i == 0 || (!isalnum((unsigned char)s[i - 1]) &&
					 s[i - 1] != '-' && s[i - 1] != '_');
		char c = s[i + 1];
		bool after =
		    c == '\0' || c == '\'' ||
		    (!isalnum((unsigned char)c) && c != '-' && c != '_');
		if (!before || !after)
			continue;
		if (s[i] == 'A')
			s[i] = 'B';
		else if (s[i] == 'B')
			s[i] = 'A';
	}
}

static void
swap_frame(struct sl_hs_frame *f)
{
	uint8_t t[2];

	f->from = (uint8_t)(1 - f->from);
	memcpy(t, f->st[0], 2);
	memcpy(f->st[0], f->st[1], 2);
	memcpy(f->st[1], t, 2);
	swap_ab_text(f->note);
}

/* Swaps the per-side attributes of a handshake (not its frames). */
static void
swap_hs(struct sl_handshake *h)
{
	struct sl_endpoint ep = h->ep[0];
	struct sl_synopts so = h->syn[0];
	int64_t iv[SL_HS_MAXRETX];
	bool hi = h->has_isn[0];
	uint32_t is = h->isn[0], u;
	uint64_t db = h->data_bytes[0];

	h->ep[0] = h->ep[1];
	h->ep[1] = ep;
	h->syn[0] = h->syn[1];
	h->syn[1] = so;
	h->has_isn[0] = h->has_isn[1];
	h->has_isn[1] = hi;
	h->isn[0] = h->isn[1];
	h->isn[1] = is;
	u = h->syn_retx[0];
	h->syn_retx[0] = h->syn_retx[1];
	h->syn_retx[1] = u;
	u = h->nretx_iv[0];
	h->nretx_iv[0] = h->nretx_iv[1];
	h->nretx_iv[1] = u;
	memcpy(iv, h->retx_iv_us[0], sizeof(iv));
	memcpy(h->retx_iv_us[0], h->retx_iv_us[1], sizeof(iv));
	memcpy(h->retx_iv_us[1], iv, sizeof(iv));
	h->data_bytes[0] = h->data_bytes[1];
	h->data_bytes[1] = db;
	h->vantage = swap_vantage(h->vantage, true);
}

static int
cmp_bseg(const void *x, const void *y)
{
	const struct bseg *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->src != b->src ? a->src - b->src : (int)a->fi - (int)b->fi;
}

/* Everything one connection owns while it is passed on. */
struct out {
	struct sl_conn c;
	struct sl_handshake hs;
	struct sl_view views[SL_CONN_MAXVIEWS];
	struct sl_handshake vhs[SL_CONN_MAXVIEWS];
	struct sl_conn_seg *seg;
	unsigned char find_view[SL_HS_MAXFINDINGS];
	struct sl_nat_map nat[SL_CONN_MAXNAT];
};

/* Each finding once: a rule at the same segment is one finding. */
static void
merge_findings(const struct sl_merge *m, const struct build *b, struct out *o)
{
	unsigned v, i;

	o->hs.find = sl_xcalloc(SL_HS_MAXFINDINGS, sizeof(*o->hs.find));
	o->hs.nfind = 0;
	for (v = 0; v < b->nv; v++) {
		const struct sl_handshake *h = &m->h[b->hv[v]].hs;
		for (i = 0; i < h->nfind; i++) {
			const struct sl_finding *fd = &h->find[i];
			int at = -1, at2;
			unsigned j;
			o->c.hs = &o->hs;
			o->c.nviews = b->nv;
			o->c.seg = o->seg;
			if (fd->nframes > 0)
				at = sl_conn_seg_of(&o->c, v, fd->frames[0]);
			for (j = 0; j < o->hs.nfind; j++) {
				const struct sl_finding *g = &o->hs.find[j];
				if (strcmp(g->rule, fd->rule) != 0)
					continue;
				at2 =
				    g->nframes > 0
					? sl_conn_seg_of(&o->c, o->find_view[j],
							 g->frames[0])
					: -1;
				if (at2 == at)
					break;
			}
			if (j < o->hs.nfind || o->hs.nfind >= SL_HS_MAXFINDINGS)
				continue;
			o->hs.find[o->hs.nfind] = *fd;
			if (o->views[v].swap)
				swap_ab_text(o->hs.find[o->hs.nfind].message);
			o->find_view[o->hs.nfind] = (unsigned char)v;
			o->hs.nfind++;
		}
	}
}

/* Finishes a connection of b's views and passes it on. */
static void
emit(struct sl_merge *m, struct build *b)
{
	struct out o;
	const struct sl_handshake *h0 = &m->h[b->hv[0]].hs;
	unsigned v, k;
	int aref = 0; /* view 0's side that is the connection's A */

	memset(&o, 0, sizeof(o));
	/*
	 * In view 0's order (its states were inferred in that order), the
	 * segments it did not see at their departure on its clock.
	 */
	for (k = 0; k < b->nseg; k++) {
		struct bseg *s = &b->seg[k];
		s->key = s->idx[0] >= 0 ? mg_bframe(m, b, 0, s->idx[0])->ts_ns
					: s->t;
	}
	if (b->all_timed)
		qsort(b->seg, b->nseg, sizeof(*b->seg), cmp_bseg);
	/* A: the host named so, else the host whose SYN left first. */
	if (b->tsyn[1] < b->tsyn[0])
		aref = 1;
	if (m->has_host_a) {
		bool a0 = same_addr(&h0->ep[0].addr, &m->host_a),
		     a1 = same_addr(&h0->ep[1].addr, &m->host_a);
		if (a0 != a1)
			aref = a1;
	}

	o.hs = *h0;
	o.hs.id = ++m->next_id;
	o.hs.nframes = b->nseg < SL_HS_MAXFRAMES ? b->nseg : SL_HS_MAXFRAMES;
	o.hs.frames_omitted = h0->frames_omitted + (b->nseg - o.hs.nframes);
	o.hs.frames = sl_xcalloc(o.hs.nframes + 1, sizeof(*o.hs.frames));
	o.seg = sl_xcalloc(o.hs.nframes + 1, sizeof(*o.seg));
	if (aref)
		swap_hs(&o.hs);
	for (v = 0; v < b->nv; v++) {
		const struct mhs *mv = &m->h[b->hv[v]];
		const struct vant *va = &m->v[mv->vant];
		o.views[v].hs = &mv->hs;
		o.views[v].swap = (b->map[v][0] ^ aref) != 0;
		o.views[v].name = va->name;
		o.views[v].vantage = mg_measured_vantage(
		    m, b, v, aref,
		    swap_vantage(mv->hs.vantage, o.views[v].swap));
		o.views[v].has_offset = va->has_offset;
		o.views[v].offset_ns = va->offset;
		o.views[v].unc_ns = va->unc;
		if (shape_rank(mv->hs.shape) > shape_rank(o.hs.shape))
			o.hs.shape = mv->hs.shape;
	}
	o.hs.vantage = o.views[0].vantage;
	for (k = 0; k < o.hs.nframes; k++) {
		const struct bseg *s = &b->seg[k];
		struct sl_hs_frame *f = &o.hs.frames[k];
		*f = *mg_bframe(m, b, (unsigned)s->src, (int)s->fi);
		if (o.views[s->src].swap)
			swap_frame(f);
		if (s->has_t)
			f->ts_ns = s->t;
		for (v = 0; v < b->nv; v++)
			if (s->idx[v] >= 0)
				o.seg[k].frame[v] =
				    mg_bframe(m, b, v, s->idx[v])->frame;
		o.seg[k].timed = s->timed;
		o.seg[k].dep_ns = s->t;
		o.seg[k].arr_ns = s->arr;
	}
	if (o.hs.nframes > 0) {
		/* View 0's times, moved with the timeline's start. */
		int64_t d = o.hs.frames[0].ts_ns - h0->t_first_ns;
		o.hs.t_first_ns += d;
		o.hs.t_last_ns += d;
		if (o.hs.t_est_ns)
			o.hs.t_est_ns += d;
	}
	merge_findings(m, b, &o);
	o.c.hs = &o.hs;
	o.c.nviews = b->nv;
	o.c.views = o.views;
	o.c.seg = o.seg;
	o.c.find_view = o.find_view;
	if (b->nv > 1)
		mg_nat_conn(m, b, aref, &o.c, &o.hs, o.find_view, o.nat);
	if (b->nv > 1)
		m->nmatch++;
	if (m->fn)
		m->fn(&o.c, m->arg);
	free(o.hs.frames);
	free(o.hs.find);
	free(o.seg);
}

/* Builds group g's views (in vantage order) and matches their segments. */
static void
build_group(struct sl_merge *m, const unsigned *members, unsigned n,
	    struct build *b)
{
	unsigned v, k;

	memset(b, 0, sizeof(*b));
	for (v = 0; v < n && v < SL_CONN_MAXVIEWS; v++)
		b->hv[b->nv++] = members[v];
	for (v = 0; v < b->nv; v++) {
		const struct sl_handshake *h0 = &m->h[b->hv[0]].hs,
					  *h = &m->h[b->hv[v]].hs;
		/* map: this view's side -> view 0's side */
		int t0 = side_map(h, 0, h0), t1 = side_map(h, 1, h0);
		if (t0 < 0)
			t0 = t1 >= 0 ? 1 - t1 : 0;
		b->map[v][0] = t0;
		b->map[v][1] = 1 - t0;
	}
	for (v = 0; v < b->nv; v++)
		match_view(m, b, v);
	for (k = 1; k < b->nv; k++)
		mg_pool_pair(m, b, k);
}

static const struct sl_merge *sort_m;

/* Views of a group in vantage order, then groups in their first view's. */
static int
cmp_member(const void *x, const void *y)
{
	const struct mhs *a = &sort_m->h[*(const unsigned *)x];
	const struct mhs *b = &sort_m->h[*(const unsigned *)y];

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->vant != b->vant)
		return a->vant < b->vant ? -1 : 1;
	return a->hs.id < b->hs.id ? -1 : a->hs.id > b->hs.id;
}

void
sl_merge_finish(struct sl_merge *m)
{
	struct build *bs = NULL;
	unsigned *ix, i, j, nb = 0;

	if (m->n == 0)
		return;
	group_views(m);
	for (i = 0; i < m->n; i++)
		m->h[i].group = root(m, (int)i);
	ix = sl_xcalloc(m->n, sizeof(*ix));
	for (i = 0; i < m->n; i++)
		ix[i] = i;
	sort_m = m;
	qsort(ix, m->n, sizeof(*ix), cmp_member);
	/* Groups come out in the order of their first view (the root). */
	bs = sl_xcalloc(m->n, sizeof(*bs));
	for (i = 0; i < m->n; i = j) {
		for (j = i + 1;
		     j < m->n && m->h[ix[j]].group == m->h[ix[i]].group; j++)
			;
		build_group(m, ix + i, j - i, &bs[nb++]);
	}
	mg_estimate(m);
	for (i = 0; i < nb; i++) {
		/* Timed once, on the estimated clocks: the NAT scan places
		 * each view by the segments' times, and emit orders them. */
		mg_time_build(m, &bs[i]);
		mg_nat_scan(m, &bs[i]);
	}
	mg_nat_index(m);
	for (i = 0; i < nb; i++) {
		emit(m, &bs[i]);
		free(bs[i].seg);
	}
	free(bs);
	free(ix);
}

void
sl_merge_set_host_a(struct sl_merge *m, const struct sl_addr *a)
{
	m->has_host_a = true;
	m->host_a = *a;
}

unsigned
sl_merge_count(const struct sl_merge *m)
{
	return m->nmatch;
}

int
sl_conn_seg_of(const struct sl_conn *c, unsigned v, uint64_t frame)
{
	unsigned i;

	if (v >= c->nviews || frame == 0)
		return -1;
	for (i = 0; i < c->hs->nframes; i++)
		if (c->seg[i].frame[v] == frame)
			return (int)i;
	return -1;
}

void
sl_conn_view_hs(const struct sl_conn *c, unsigned v, struct sl_handshake *out,
		void **storage)
{
	const struct sl_view *vw = &c->views[v];
	struct sl_hs_frame *fr;
	struct sl_finding *fd;
	unsigned i, j, k, n = 0, nf = 0;
	uint8_t *mem;

	*out = *c->hs;
	out->file = vw->hs->file;
	out->file_name = vw->hs->file_name;
	out->iface = vw->hs->iface;
	out->iface_name = vw->hs->iface_name;
	out->vantage = vw->vantage;
	mem = sl_xcalloc(1, (c->hs->nframes + 1) * sizeof(*fr) +
				(c->hs->nfind + 1) * sizeof(*fd));
	*storage = mem;
	fr = (struct sl_hs_frame *)mem;
	fd = (struct sl_finding *)(mem + (c->hs->nframes + 1) * sizeof(*fr));
	for (i = 0; i < c->hs->nframes; i++) {
		int vi = -1;
		if (c->seg[i].frame[v] == 0)
			continue;
		fr[n] = c->hs->frames[i];
		fr[n].frame = c->seg[i].frame[v];
		/* its own timestamp, from the view's frame */
		for (k = 0; k < vw->hs->nframes; k++)
			if (vw->hs->frames[k].frame == fr[n].frame)
				vi = (int)k;
		if (vi >= 0)
			fr[n].ts_ns = vw->hs->frames[vi].ts_ns;
		n++;
	}
	for (i = 0; i < c->hs->nfind; i++) {
		fd[nf] = c->hs->find[i];
		fd[nf].nframes = 0;
		for (j = 0; j < c->hs->find[i].nframes; j++) {
			int s = sl_conn_seg_of(c, c->find_view[i],
					       c->hs->find[i].frames[j]);
			if (s >= 0 && c->seg[s].frame[v] != 0)
				fd[nf].frames[fd[nf].nframes++] =
				    c->seg[s].frame[v];
		}
		if (fd[nf].nframes > 0 || c->hs->find[i].nframes == 0)
			nf++;
	}
	out->frames = fr;
	out->nframes = n;
	out->find = fd;
	out->nfind = nf;
	if (n > 0)
		out->t_first_ns = fr[0].ts_ns;
}

void
sl_merge_free(struct sl_merge *m)
{
	unsigned i;
	int k;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->h[i].hs.frames);
		free(m->h[i].hs.find);
	}
	free(m->h);
	for (k = 0; k < m->nv; k++)
		free(m->v[k].name);
	free(m->v);
	free(m->pairs);
	free(m->nat);
	free(m->natin);
	free(m);
}
