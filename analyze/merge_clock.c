/* \summary: clock offsets between vantages, pooled over the connections they share, and where each view was taken */
#include <stdint.h>
#include <string.h>

#include "merge_int.h"

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
	m->pairs[m->npairs].minp = INT64_MAX;
	m->pairs[m->npairs].maxn = INT64_MIN;
	return &m->pairs[m->npairs++];
}

/*
 * Pools the Δ of the segments views 0 and v both saw into their pair of
 * vantages.  Δ = t(v) - t(0) is larger for the segments that left view
 * 0's vantage first (d + θ) than for those that left v's (-d + θ).
 */
void
mg_pool_pair(struct sl_merge *m, const struct build *b, unsigned v)
{
	int64_t mn[2] = {INT64_MAX, INT64_MAX}, mx[2] = {INT64_MIN, INT64_MIN};
	double sum[2] = {0, 0};
	unsigned cnt[2] = {0, 0}, k;
	int va = m->h[b->hv[0]].vant, vb = m->h[b->hv[v]].vant, P, N;
	struct pair *p;

	for (k = 0; k < b->nseg; k++) {
		const struct bseg *s = &b->seg[k];
		int64_t d;
		if (s->idx[0] < 0 || s->idx[v] < 0)
			continue;
		d = mg_bframe(m, b, v, s->idx[v])->ts_ns -
		    mg_bframe(m, b, 0, s->idx[0])->ts_ns;
		mn[s->from] = d < mn[s->from] ? d : mn[s->from];
		mx[s->from] = d > mx[s->from] ? d : mx[s->from];
		sum[s->from] += (double)d;
		cnt[s->from]++;
	}
	if (cnt[0] == 0 || cnt[1] == 0)
		return;
	P = sum[0] / cnt[0] >= sum[1] / cnt[1] ? 0 : 1;
	N = 1 - P;
	if (va < vb) {
		/* v1 = view 0: P left v1 (Δ = d + θ), N left v2 */
		p = pair_of(m, va, vb);
		p->minp = mn[P] < p->minp ? mn[P] : p->minp;
		p->maxn = mx[N] > p->maxn ? mx[N] : p->maxn;
	} else {
		/* v1 = view v: Δ' = -Δ; N left v1, P left v2 */
		p = pair_of(m, vb, va);
		p->minp = -mx[N] < p->minp ? -mx[N] : p->minp;
		p->maxn = -mn[P] > p->maxn ? -mn[P] : p->maxn;
	}
	p->np += cnt[P];
	p->nn += cnt[N];
}

void
mg_estimate(struct sl_merge *m)
{
	int pi, changed;

	for (pi = 0; pi < m->npairs; pi++) {
		struct pair *p = &m->pairs[pi];
		if (p->np == 0 || p->nn == 0)
			continue;
		p->theta = (p->minp + p->maxn) / 2;
		p->d = (p->minp - p->maxn) / 2;
		p->unc = p->d > 0 ? p->d : 0;
		p->ok = true;
	}
	/* Offsets relative to vantage 0, through any chain of pairs. */
	if (m->nv > 0)
		m->v[0].has_offset = true;
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

/*
 * Where view v was taken, from the merged times: a capture beside A sees
 * A's segments when they leave and B's when they arrive; one beside B the
 * reverse.  Each segment timed at two vantages votes; a view that sees
 * both near their departure, or votes both ways, is on the path.  guess:
 * the view's own estimate, kept when nothing was timed.
 */
enum sl_vantage
mg_measured_vantage(const struct sl_merge *m, const struct build *b, unsigned v,
		    int aref, enum sl_vantage guess)
{
	const struct vant *va = &m->v[m->h[b->hv[v]].vant];
	unsigned k, near[2] = {0, 0}, votes = 0;

	if (b->nv < 2 || !va->has_offset)
		return guess;
	for (k = 0; k < b->nseg; k++) {
		const struct bseg *s = &b->seg[k];
		int64_t t;
		int sender;
		if (!s->timed || s->idx[v] < 0 || s->arr <= s->t)
			continue;
		t = mg_bframe(m, b, v, s->idx[v])->ts_ns - va->offset;
		sender = s->from ^ aref; /* 0: A sent it */
		/* nearer the departure: beside the sender */
		if (t - s->t < s->arr - t)
			near[sender]++;
		else
			near[1 - sender]++;
		votes++;
	}
	if (votes == 0)
		return guess;
	if (near[0] == votes)
		return SL_VANT_A;
	if (near[1] == votes)
		return SL_VANT_B;
	return SL_VANT_PATH;
}

/*
 * Times b's segments on vantage 0's clock: departure the earliest
 * sighting, arrival the latest; b->tsyn[side] the first SYN each side of
 * view 0 sent.  b->all_timed false when a segment has no time (no view of
 * it has an offset).
 */
void
mg_time_build(const struct sl_merge *m, struct build *b)
{
	unsigned v, k;

	b->tsyn[0] = b->tsyn[1] = INT64_MAX;
	b->all_timed = true;

	for (k = 0; k < b->nseg; k++) {
		struct bseg *s = &b->seg[k];
		unsigned seen = 0;
		s->has_t = false;
		for (v = 0; v < b->nv; v++) {
			const struct vant *va = &m->v[m->h[b->hv[v]].vant];
			int64_t t;
			if (s->idx[v] < 0 || !va->has_offset)
				continue;
			t = mg_bframe(m, b, v, s->idx[v])->ts_ns - va->offset;
			if (!s->has_t || t < s->t)
				s->t = t;
			if (!s->has_t || t > s->arr)
				s->arr = t;
			s->has_t = true;
			seen++;
		}
		s->timed = seen >= 2;
		if (!s->has_t)
			b->all_timed = false;
		if (s->has_t &&
		    (mg_bframe(m, b, (unsigned)s->src, (int)s->fi)->flags &
		     (SL_TH_SYN | SL_TH_ACK)) == SL_TH_SYN &&
		    s->t < b->tsyn[s->from])
			b->tsyn[s->from] = s->t;
	}
}
