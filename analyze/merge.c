/* \summary: merge captures of one handshake taken at several vantage points (clock offset, one-way delays) */
#include "merge.h"
#include "report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEEP 100000 /* handshakes copied at most */

struct mseg {
	uint64_t frame;
	int64_t ts;
	uint8_t from, flags;
	uint32_t seq, ack, len;
	int peer; /* index of the same segment in the match, -1 */
};

struct mhs {
	unsigned id;
	int vant;
	enum sl_shape shape;
	struct sl_endpoint ep[2];
	bool has_isn[2];
	uint32_t isn[2];
	unsigned nseg;
	struct mseg *seg;
	int match;    /* index of the other view, -1 */
	int dep_side; /* side (own numbering) whose segments leave this
			      view's vantage first; -1 unknown */
};

struct vant {
	int file, iface;
	char *name; /* "file" or "file (iface)" */
	char *file_name;
	bool has_offset;
	int64_t offset; /* ns its clock is ahead of vantage 0's */
	int64_t unc;	/* ns, worst case for an asymmetric path */
};

/* One estimate between two vantages, pooled over their matches. */
struct pair {
	int v1, v2;
	bool ok;
	int64_t theta, d, unc; /* ns: v2's clock minus v1's; one-way delay */
	int64_t minp, maxn;    /* least-delayed Δ leaving v1, leaving v2 */
	unsigned np, nn;
};

struct sl_merge {
	struct mhs *h;
	unsigned n, cap;
	unsigned dropped;
	struct vant *v;
	int nv;
	struct pair *pairs;
	int npairs;
	unsigned nmatch;
};

struct sl_merge *
sl_merge_new(void)
{
	return sl_xcalloc(1, sizeof(struct sl_merge));
}

static int
vant_of(struct sl_merge *m, const struct sl_handshake *hs)
{
	char buf[1024];
	int i;

	for (i = 0; i < m->nv; i++)
		if (m->v[i].file == hs->file && m->v[i].iface == hs->iface)
			return i;
	m->v = sl_xrealloc(m->v, (size_t)m->nv + 1, sizeof(*m->v));
	memset(&m->v[m->nv], 0, sizeof(m->v[0]));
	m->v[m->nv].file = hs->file;
	m->v[m->nv].iface = hs->iface;
	m->v[m->nv].file_name = sl_xstrdup(hs->file_name ? hs->file_name : "");
	if (hs->iface_name)
		snprintf(buf, sizeof(buf), "%s (%s)",
			 hs->file_name ? hs->file_name : "", hs->iface_name);
	else if (hs->iface > 0)
		snprintf(buf, sizeof(buf), "%s (interface %d)",
			 hs->file_name ? hs->file_name : "", hs->iface);
	else
		snprintf(buf, sizeof(buf), "%s",
			 hs->file_name ? hs->file_name : "");
	m->v[m->nv].name = sl_xstrdup(buf);
	return m->nv++;
}

void
sl_merge_handshake(const struct sl_handshake *hs, void *arg)
{
	struct sl_merge *m = arg;
	struct mhs *c;
	unsigned i;

	if (hs->self || !hs->has_isn[0])
		return;
	if (m->n >= MAX_KEEP) {
		m->dropped++;
		return;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->h = sl_xrealloc(m->h, m->cap, sizeof(*m->h));
	}
	c = &m->h[m->n++];
	memset(c, 0, sizeof(*c));
	c->id = hs->id;
	c->vant = vant_of(m, hs);
	c->shape = hs->shape;
	c->ep[0] = hs->ep[0];
	c->ep[1] = hs->ep[1];
	for (i = 0; i < 2; i++) {
		c->has_isn[i] = hs->has_isn[i];
		c->isn[i] = hs->isn[i];
	}
	c->match = -1;
	c->dep_side = -1;
	c->nseg = hs->nframes;
	c->seg = sl_xcalloc(hs->nframes ? hs->nframes : 1, sizeof(*c->seg));
	for (i = 0; i < hs->nframes; i++) {
		const struct sl_hs_frame *f = &hs->frames[i];
		c->seg[i].frame = f->frame;
		c->seg[i].ts = f->ts_ns;
		c->seg[i].from = f->from;
		c->seg[i].flags = f->flags;
		c->seg[i].seq = f->seq;
		c->seg[i].ack = f->ack;
		c->seg[i].len = f->len;
		c->seg[i].peer = -1;
	}
}

/* Key: the two ISNs, smaller first (0 where B's is not known). */
static uint64_t
key_of(const struct mhs *h)
{
	uint32_t a = h->isn[0], b = h->has_isn[1] ? h->isn[1] : 0;

	if (h->has_isn[1] && b < a)
		return (uint64_t)b << 32 | a;
	return (uint64_t)a << 32 | b;
}

static const struct sl_merge *sort_m;

static int
cmp_key(const void *x, const void *y)
{
	const struct mhs *a = &sort_m->h[*(const unsigned *)x];
	const struct mhs *b = &sort_m->h[*(const unsigned *)y];
	uint64_t ka = key_of(a), kb = key_of(b);

	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (a->vant != b->vant)
		return a->vant < b->vant ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * Side of h2 that is side s of h1: the one with the same ISN, or, when
 * side s never sent a SYN (a refused or unanswered handshake), the side
 * opposite the one that matches h1's other side.
 */
static int
side_map(const struct mhs *h1, int s, const struct mhs *h2)
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

/* Pair up identical segments of two views (k-th copy with k-th copy). */
static void
match_segments(struct mhs *h1, struct mhs *h2)
{
	unsigned i, j;
	int map[2] = {side_map(h1, 0, h2), side_map(h1, 1, h2)};

	for (i = 0; i < h1->nseg; i++) {
		struct mseg *a = &h1->seg[i];
		if (map[a->from] < 0)
			continue;
		for (j = 0; j < h2->nseg; j++) {
			struct mseg *b = &h2->seg[j];
			if (b->peer >= 0 || b->from != map[a->from] ||
			    b->flags != a->flags || b->seq != a->seq ||
			    b->ack != a->ack || b->len != a->len)
				continue;
			a->peer = (int)j;
			b->peer = (int)i;
			break;
		}
	}
}

static struct pair *
pair_of(struct sl_merge *m, int v1, int v2)
{
	int i;

	for (i = 0; i < m->npairs; i++)
		if (m->pairs[i].v1 == v1 && m->pairs[i].v2 == v2)
			return &m->pairs[i];
	m->pairs =
	    sl_xrealloc(m->pairs, (size_t)m->npairs + 1, sizeof(*m->pairs));
	memset(&m->pairs[m->npairs], 0, sizeof(m->pairs[0]));
	m->pairs[m->npairs].v1 = v1;
	m->pairs[m->npairs].v2 = v2;
	return &m->pairs[m->npairs++];
}

/*
 * Orient one match: Δ = t(b) - t(a) is larger for the segments that left
 * a's vantage first (d + θ) than for those that left b's (-d + θ).  Then
 * pool its least-delayed samples into the pair of vantages.
 */
static void
orient(struct sl_merge *m, struct mhs *a)
{
	struct mhs *b = &m->h[a->match];
	double sum[2] = {0, 0};
	unsigned cnt[2] = {0, 0}, j;
	int64_t mn[2] = {INT64_MAX, INT64_MAX}, mx[2] = {INT64_MIN, INT64_MIN};
	struct pair *p;
	int P, N, fwd;

	a->dep_side = b->dep_side = -1;
	for (j = 0; j < a->nseg; j++) {
		const struct mseg *s = &a->seg[j];
		int64_t d;
		if (s->peer < 0)
			continue;
		d = b->seg[s->peer].ts - s->ts;
		mn[s->from] = d < mn[s->from] ? d : mn[s->from];
		mx[s->from] = d > mx[s->from] ? d : mx[s->from];
		sum[s->from] += (double)d;
		cnt[s->from]++;
	}
	if (cnt[0] == 0 || cnt[1] == 0)
		return;
	P = sum[0] / cnt[0] >= sum[1] / cnt[1] ? 0 : 1;
	N = 1 - P;
	a->dep_side = P;
	b->dep_side = side_map(a, N, b);
	fwd = a->vant < b->vant;
	p = pair_of(m, fwd ? a->vant : b->vant, fwd ? b->vant : a->vant);
	if (p->np == 0 && p->nn == 0) {
		p->minp = INT64_MAX;
		p->maxn = INT64_MIN;
	}
	if (fwd) {
		/* v1 = a: P left v1 (Δ = d + θ), N left v2 (Δ = -d + θ) */
		p->minp = mn[P] < p->minp ? mn[P] : p->minp;
		p->maxn = mx[N] > p->maxn ? mx[N] : p->maxn;
	} else {
		/* v1 = b: Δ' = -Δ; N left v1, P left v2 */
		p->minp = -mx[N] < p->minp ? -mx[N] : p->minp;
		p->maxn = -mn[P] > p->maxn ? -mn[P] : p->maxn;
	}
	p->np += cnt[P];
	p->nn += cnt[N];
}

static void
estimate(struct pair *p)
{
	if (p->np == 0 || p->nn == 0)
		return;
	p->theta = (p->minp + p->maxn) / 2;
	p->d = (p->minp - p->maxn) / 2;
	p->unc = p->d > 0 ? p->d : 0;
	p->ok = true;
}

void
sl_merge_finish(struct sl_merge *m)
{
	unsigned *ix, i, k;
	int changed, pi;

	if (m->n == 0)
		return;
	ix = sl_xcalloc(m->n, sizeof(*ix));
	for (i = 0; i < m->n; i++)
		ix[i] = i;
	sort_m = m;
	qsort(ix, m->n, sizeof(*ix), cmp_key);
	for (i = 0; i + 1 < m->n; i++) {
		struct mhs *a = &m->h[ix[i]];
		for (k = i + 1; k < m->n && key_of(&m->h[ix[k]]) == key_of(a);
		     k++) {
			struct mhs *b = &m->h[ix[k]];
			if (b->vant == a->vant || b->match >= 0 ||
			    a->match >= 0)
				continue;
			a->match = (int)ix[k];
			b->match = (int)ix[i];
			m->nmatch++;
			match_segments(a, b);
			orient(m, a);
			break;
		}
	}
	free(ix);
	for (pi = 0; pi < m->npairs; pi++)
		estimate(&m->pairs[pi]);
	/* Offsets relative to vantage 0, through any chain of pairs. */
	if (m->nv > 0) {
		m->v[0].has_offset = true;
		m->v[0].offset = 0;
	}
	do {
		changed = 0;
		for (pi = 0; pi < m->npairs; pi++) {
			struct pair *p = &m->pairs[pi];
			struct vant *a = &m->v[p->v1], *b = &m->v[p->v2];
			if (!p->ok)
				continue;
			if (a->has_offset && !b->has_offset) {
				b->has_offset = true;
				b->offset = a->offset + p->theta;
				b->unc = a->unc + p->unc;
				changed = 1;
			} else if (b->has_offset && !a->has_offset) {
				a->has_offset = true;
				a->offset = b->offset - p->theta;
				a->unc = b->unc + p->unc;
				changed = 1;
			}
		}
	} while (changed);
}

unsigned
sl_merge_count(const struct sl_merge *m)
{
	return m->nmatch;
}

/* Departure and arrival of segment j of a (matched), on vantage 0's clock. */
static bool
seg_times(const struct sl_merge *m, const struct mhs *a, unsigned j,
	  int64_t *dep, int64_t *arr)
{
	const struct mhs *b = &m->h[a->match];
	const struct mseg *s = &a->seg[j];
	const struct vant *va = &m->v[a->vant], *vb = &m->v[b->vant];
	int64_t ta, tb;

	if (s->peer < 0 || a->dep_side < 0 || !va->has_offset ||
	    !vb->has_offset)
		return false;
	ta = s->ts - va->offset;
	tb = b->seg[s->peer].ts - vb->offset;
	*dep = s->from == a->dep_side ? ta : tb;
	*arr = s->from == a->dep_side ? tb : ta;
	return true;
}

void
sl_merge_apply(const struct sl_merge *m,
	       void (*fn)(unsigned hs_id, unsigned fi, int64_t dep, int64_t arr,
			  void *arg),
	       void *arg)
{
	unsigned i, j;

	for (i = 0; i < m->n; i++) {
		const struct mhs *a = &m->h[i];
		int64_t d, r;
		if (a->match < 0)
			continue;
		for (j = 0; j < a->nseg; j++)
			if (seg_times(m, a, j, &d, &r))
				fn(a->id, j, d, r, arg);
	}
}

/* The interval in which both bare SYNs were in flight; false if none. */
static bool
syns_in_flight(const struct sl_merge *m, const struct mhs *a, int64_t *from,
	       int64_t *to)
{
	int64_t dep[2] = {0, 0}, arr[2] = {0, 0};
	bool seen[2] = {false, false};
	unsigned j;

	for (j = 0; j < a->nseg; j++) {
		const struct mseg *s = &a->seg[j];
		int64_t d, r;
		if ((s->flags & (SL_TH_SYN | SL_TH_ACK)) != SL_TH_SYN ||
		    seen[s->from] || !seg_times(m, a, j, &d, &r))
			continue;
		seen[s->from] = true;
		dep[s->from] = d;
		arr[s->from] = r;
	}
	if (!seen[0] || !seen[1])
		return false;
	*from = dep[0] > dep[1] ? dep[0] : dep[1];
	*to = arr[0] < arr[1] ? arr[0] : arr[1];
	return *from < *to;
}

void
sl_merge_print_text(const struct sl_merge *m, FILE *out)
{
	unsigned i, j;
	int k;
	char e[SL_EP_STRLEN], e2[SL_EP_STRLEN], fl[SL_FLAGS_STRLEN];

	if (m->nmatch == 0)
		return;
	fputs("one timeline from several vantage points:\n", out);
	for (k = 0; k < m->nv; k++) {
		const struct vant *v = &m->v[k];
		if (k == 0)
			fprintf(out, "  clock of %s: the reference\n", v->name);
		else if (v->has_offset)
			fprintf(out,
				"  clock of %s: %+.3f ms from the reference "
				"(exact for a symmetric path; at most "
				"%.3f ms off otherwise)\n",
				v->name, (double)v->offset / 1e6,
				(double)v->unc / 1e6);
		else
			fprintf(out,
				"  clock of %s: not comparable (no "
				"segment seen both ways)\n",
				v->name);
	}
	for (i = 0; i < m->n; i++) {
		const struct mhs *a = &m->h[i], *b;
		int64_t t0 = INT64_MAX, f, t;
		if (a->match < 0 || (unsigned)a->match < i)
			continue;
		b = &m->h[a->match];
		fprintf(out, "\n  #%u in %s = #%u in %s: %s\n", a->id,
			m->v[a->vant].name, b->id, m->v[b->vant].name,
			sl_shape_name(a->shape));
		for (k = 0; k < 2; k++) {
			int t2 = side_map(a, k, b);
			if (t2 >= 0 &&
			    sl_endpoint_cmp(&a->ep[k], &b->ep[t2]) != 0)
				fprintf(
				    out,
				    "    address translated: %s in one "
				    "capture is %s in the other\n",
				    sl_endpoint_str(&a->ep[k], e, sizeof(e)),
				    sl_endpoint_str(&b->ep[t2], e2,
						    sizeof(e2)));
		}
		for (j = 0; j < a->nseg; j++) {
			int64_t d, r;
			if (seg_times(m, a, j, &d, &r) && d < t0)
				t0 = d;
		}
		if (t0 == INT64_MAX) {
			fputs("    (clocks not comparable)\n", out);
			continue;
		}
		if (syns_in_flight(m, a, &f, &t))
			fprintf(out,
				"    both SYNs were in flight at once for "
				"%.3f ms (from %.3f to %.3f ms)\n",
				(double)(t - f) / 1e6, (double)(f - t0) / 1e6,
				(double)(t - t0) / 1e6);
		fprintf(out, "    %10s %10s %9s  segment\n", "leaves ms",
			"arrives ms", "one-way");
		for (j = 0; j < a->nseg; j++) {
			int64_t d, r;
			const struct mseg *s = &a->seg[j];
			sl_tcp_flags_str(s->flags, fl);
			if (!seg_times(m, a, j, &d, &r)) {
				fprintf(out,
					"    %10s %10s %9s  %s [%s] (one "
					"capture only)\n",
					"", "", "",
					sl_endpoint_str(&a->ep[s->from], e,
							sizeof(e)),
					fl);
				continue;
			}
			fprintf(out, "    %10.3f %10.3f %9.3f  %s [%s] seq %u",
				(double)(d - t0) / 1e6, (double)(r - t0) / 1e6,
				(double)(r - d) / 1e6,
				sl_endpoint_str(&a->ep[s->from], e, sizeof(e)),
				fl, s->seq);
			if (s->flags & SL_TH_ACK)
				fprintf(out, " ack %u", s->ack);
			fputc('\n', out);
		}
	}
	fputc('\n', out);
}

char *
sl_merge_json_vantages(const struct sl_merge *m)
{
	char *p = NULL;
	size_t plen = 0;
	FILE *f = open_memstream(&p, &plen);
	int k;

	if (f == NULL)
		return sl_xstrdup("[]");

	fprintf(f, "[");
	for (k = 0; k < m->nv; k++) {
		const struct vant *v = &m->v[k];
		fprintf(f, "%s{\"file\":", k ? "," : "");
		sl_json_str(f, v->file_name);
		fprintf(f, ",\"interface\":%d,\"name\":", v->iface);
		sl_json_str(f, v->name);
		if (v->has_offset)
			fprintf(f,
				",\"clock_offset_us\":%" PRId64
				",\"uncertainty_us\":%" PRId64 "}",
				v->offset / 1000, v->unc / 1000);
		else
			fprintf(f, ",\"clock_offset_us\":null,"
				   "\"uncertainty_us\":null}");
	}
	fprintf(f, "]");
	fclose(f);
	return p;
}

char *
sl_merge_json_merged(const struct sl_merge *m)
{
	char *p = NULL;
	size_t plen = 0;
	FILE *f = open_memstream(&p, &plen);
	unsigned i, j, n = 0;
	char e[SL_EP_STRLEN], fl[SL_FLAGS_STRLEN];

	if (f == NULL)
		return sl_xstrdup("[]");
	fprintf(f, "[");
	for (i = 0; i < m->n; i++) {
		const struct mhs *a = &m->h[i], *b;
		int64_t t_from, t_to, d, r;
		if (a->match < 0 || (unsigned)a->match < i)
			continue;
		b = &m->h[a->match];
		fprintf(f,
			"%s{\"shape\":\"%s\",\"views\":[{\"vantage\":%d,"
			"\"handshake\":%u},{\"vantage\":%d,\"handshake\":%u}]",
			n++ ? "," : "", sl_shape_name(a->shape), a->vant, a->id,
			b->vant, b->id);
		if (syns_in_flight(m, a, &t_from, &t_to))
			fprintf(f, ",\"syns_in_flight_us\":%" PRId64,
				(t_to - t_from) / 1000);
		else
			fprintf(f, ",\"syns_in_flight_us\":null");
		fprintf(f, ",\"segments\":[");
		for (j = 0; j < a->nseg; j++) {
			const struct mseg *sg = &a->seg[j];
			sl_tcp_flags_str(sg->flags, fl);
			fprintf(f, "%s{\"from\":", j ? "," : "");
			sl_json_str(
			    f, sl_endpoint_str(&a->ep[sg->from], e, sizeof(e)));
			fprintf(f, ",\"flags\":\"%s\",\"seq\":%u,\"ack\":%u",
				fl, sg->seq, sg->ack);
			if (seg_times(m, a, j, &d, &r))
				fprintf(f,
					",\"depart_ns\":%" PRId64
					",\"arrive_ns\":%" PRId64
					",\"one_way_us\":%" PRId64,
					d, r, (r - d) / 1000);
			fprintf(f, ",\"frames\":[%" PRIu64, sg->frame);
			if (sg->peer >= 0)
				fprintf(f, ",%" PRIu64, b->seg[sg->peer].frame);
			fprintf(f, "]}");
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]");
	fclose(f);
	return p;
}

void
sl_merge_free(struct sl_merge *m)
{
	unsigned i;
	int k;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->h[i].seg);
	free(m->h);
	for (k = 0; k < m->nv; k++) {
		free(m->v[k].name);
		free(m->v[k].file_name);
	}
	free(m->v);
	free(m->pairs);
	free(m);
}
