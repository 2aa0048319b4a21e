/* \summary: which handshakes a report or ladder shows in full and which it counts (selection and folding) */
#include "report.h"

#include <stdio.h>

bool
sl_report_sel_match(const struct sl_report_sel *sel,
		    const struct sl_handshake *hs)
{
	if (sel->shapes && !(sel->shapes & 1u << hs->shape))
		return false;
	if (sel->findings && hs->nfind == 0)
		return false;
	return sel->id == 0 || hs->id == sel->id;
}

static bool
rare(const struct sl_handshake *hs)
{
	return hs->shape == SL_SHAPE_SIMOPEN || hs->shape == SL_SHAPE_SELF;
}

bool
sl_fold_peek(const struct sl_fold *f, const struct sl_report_sel *sel,
	     const struct sl_handshake *hs, unsigned nfull, unsigned nsample)
{
	if (sel->all || sel->id)
		return true;
	if (hs->nfind)
		return f->full_find[hs->shape] < nfull;
	if (rare(hs))
		return f->full[hs->shape] < nfull;
	return f->sample[hs->shape] < nsample;
}

bool
sl_fold_show(struct sl_fold *f, const struct sl_report_sel *sel,
	     const struct sl_handshake *hs, unsigned nfull, unsigned nsample)
{
	if (sel->all || sel->id)
		return true;
	if (sl_fold_peek(f, sel, hs, nfull, nsample)) {
		if (hs->nfind)
			f->full_find[hs->shape]++;
		else if (rare(hs))
			f->full[hs->shape]++;
		else
			f->sample[hs->shape]++;
		return true;
	}
	f->folded[hs->shape]++;
	if (hs->nfind)
		f->folded_find[hs->shape]++;
	return false;
}

const char *
sl_report_thousands(unsigned v, char *b, size_t len)
{
	char d[16];
	size_t n = (size_t)snprintf(d, sizeof(d), "%u", v), i, o = 0;

	for (i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			b[o++] = ',';
		b[o++] = d[i];
	}
	b[o] = '\0';
	return b;
}
