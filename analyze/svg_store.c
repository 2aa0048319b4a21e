/* \summary: the handshakes an SVG ladder keeps: copies, selection, drawing order */
#include "svg.h"
#include "merge.h"
#include "svg_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sl_svg *
sl_svg_new(unsigned max_hs)
{
	struct sl_svg *s = sl_xcalloc(1, sizeof(*s));

	s->max_hs = max_hs;
	return s;
}

void
sl_svg_select(struct sl_svg *s, const struct sl_report_sel *sel)
{
	s->fold = true;
	s->sel = *sel;
	if (sel->all || sel->id)
		s->max_hs = UINT_MAX;
}

/* 0: a violation, 1: another finding, 2: a rare shape, 3: the rest. */
static unsigned
rank_of(const struct sl_handshake *hs)
{
	unsigned i, r = 3;

	for (i = 0; i < hs->nfind && hs->find != NULL; i++)
		if (hs->find[i].sev == SL_SEV_VIOLATION)
			return 0;
	if (hs->nfind > 0)
		r = 1;
	else if (hs->shape == SL_SHAPE_SIMOPEN || hs->shape == SL_SHAPE_SELF)
		r = 2;
	return r;
}

static int
cmp_rank(const void *a, const void *b)
{
	const struct svg_hs *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
sl_svg_free(struct sl_svg *s)
{
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].hs.frames);
		free(s->v[i].hs.find);
		free(s->v[i].file_name);
		free(s->v[i].tdep);
		free(s->v[i].tarr);
	}
	free(s->v);
	free(s);
}

void
sl_svg_handshake(const struct sl_handshake *hs, void *arg)
{
	struct sl_svg *s = arg;
	struct svg_hs *c;

	if (s == NULL || hs == NULL)
		return;
	if (s->fold &&
	    (!sl_report_sel_match(&s->sel, hs) ||
	     !sl_fold_show(&s->f, &s->sel, hs, SL_SVG_FULL, SL_SVG_SAMPLE)))
		return;
	if (s->n >= s->max_hs) {
		s->omitted++;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = sl_xrealloc(s->v, s->cap, sizeof(*s->v));
	}
	c = &s->v[s->n];
	c->seq = s->n++;
	c->rank = s->fold ? rank_of(hs) : 0;
	c->tdep = c->tarr = NULL;
	c->hs = *hs;
	c->hs.frames = NULL;
	c->hs.find = NULL;
	if (hs->frames == NULL)
		c->hs.nframes = 0;
	if (c->hs.nframes > 0) {
		c->hs.frames = sl_xcalloc(c->hs.nframes, sizeof(*hs->frames));
		memcpy(c->hs.frames, hs->frames,
		       c->hs.nframes * sizeof(*hs->frames));
	}
	if (hs->find == NULL)
		c->hs.nfind = 0;
	if (c->hs.nfind > 0) {
		c->hs.find = sl_xcalloc(c->hs.nfind, sizeof(*hs->find));
		memcpy(c->hs.find, hs->find, c->hs.nfind * sizeof(*hs->find));
	}
	c->file_name = sl_xstrdup(hs->file_name ? hs->file_name : "");
	c->hs.file_name = c->file_name;
}

void
sl_svg_conn(const struct sl_conn *c, void *arg)
{
	struct sl_svg *s = arg;
	struct sl_handshake hs = *c->hs;
	char names[512];
	size_t n = 0;
	unsigned i;

	/* The subtitle names every view: "a.pcap + b.pcap". */
	names[0] = '\0';
	for (i = 0; c->nviews > 1 && i < c->nviews && n < sizeof(names); i++) {
		int k = snprintf(names + n, sizeof(names) - n, "%s%s",
				 i ? " + " : "", c->views[i].name);
		if (k < 0)
			break;
		n += (size_t)k;
	}
	if (c->nviews > 1)
		hs.file_name = names;
	sl_svg_handshake(&hs, s);
	for (i = 0; c->nviews > 1 && i < c->hs->nframes; i++)
		if (c->seg[i].timed)
			sl_svg_set_times(c->hs->id, i, c->seg[i].dep_ns,
					 c->seg[i].arr_ns, s);
}

void
sl_svg_set_times(unsigned hs_id, unsigned fi, int64_t dep, int64_t arr,
		 void *arg)
{
	struct sl_svg *s = arg;
	unsigned i;

	for (i = 0; s != NULL && i < s->n; i++) {
		struct svg_hs *c = &s->v[i];
		if (c->hs.id != hs_id || fi >= c->hs.nframes)
			continue;
		if (c->tdep == NULL) {
			c->tdep = sl_xcalloc(c->hs.nframes, sizeof(*c->tdep));
			c->tarr = sl_xcalloc(c->hs.nframes, sizeof(*c->tarr));
		}
		c->tdep[fi] = dep;
		c->tarr[fi] = arr;
	}
}

void
sl_svg_order(struct sl_svg *s)
{
	if (s->fold && s->n > 1) /* none drawn: s->v is NULL */
		qsort(s->v, s->n, sizeof(*s->v), cmp_rank);
}
