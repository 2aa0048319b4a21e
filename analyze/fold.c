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

bool
sl_fold_show(struct sl_fold *f, const struct sl_report_sel *sel,
	     const struct sl_handshake *hs, unsigned nfull, unsigned nsample)
{
	bool rare = hs->shape == SL_SHAPE_SIMOPEN || hs->shape == SL_SHAPE_SELF;

	if (sel->all || sel->id)
		return true;
	if (hs->nfind) {
		if (f->full_find[hs->shape] < nfull) {
			f->full_find[hs->shape]++;
			return true;
		}
	} else if (rare) {
		if (f->full[hs->shape] < nfull) {
			f->full[hs->shape]++;
			return true;
		}
	} else if (f->sample[hs->shape] < nsample) {
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
