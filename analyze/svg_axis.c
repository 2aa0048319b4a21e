/* \summary: the time axis of a ladder: estimated departures and arrivals, idle gaps cut out (RFC 9293 §3.5) */
#include "svg_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BREAK_H	   60 /* height of a cut-out gap */
#define ANCHOR_MIN 12 /* px wanted between two capture instants */

/*
 * RFC 9293 §3.5 draws handshakes as ladders: time runs down, each endpoint
 * a vertical line, each segment an arrow from sender to receiver.  A
 * capture gives one timestamp per segment, taken at the vantage point, so
 * the other end of each arrow is estimated: one-way delay = rtt/2.  With
 * the capture at A, A's segments leave at their timestamp and B's arrive at
 * theirs; B's left rtt/2 earlier.  Two SYNs each sent before the other
 * arrived then cross, as in RFC 9293 Figure 7.
 *
 * The time axis is linear within a handshake except where one idle gap
 * would squeeze everything else (a 1 s SYN retransmission timer around a
 * 100 us exchange): such gaps are cut out and drawn as marked breaks
 * labelled with the time that passed.
 */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

double
sl_svg_axis_y(const struct sl_svg_axis *ax, int64_t t)
{
	unsigned lo = 0, hi = ax->n;

	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;

		if (ax->t[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return ax->n ? ax->y[lo] : 0;
}

/*
 * Scale: fit the linear part into a height that grows with the number of
 * instants.  While the closest two capture instants would be less than
 * ANCHOR_MIN apart, cut out the largest idle gap (no arrow in flight
 * across it, so no arrow is bent) if it is much larger than that closest
 * pair.  If that is not enough, grow the height up to HEIGHT_MAX.
 */
#define HEIGHT_MAX 640.0

void
sl_svg_axis_build(struct sl_svg_axis *ax, const int64_t *dep,
		  const int64_t *arr, const int64_t *anchors, unsigned n)
{
	int64_t gmin = INT64_MAX, lin = 0, *an;
	double target, scale, y = 0;
	unsigned i, k;

	memset(ax, 0, sizeof(*ax));
	if (n == 0)
		return;
	ax->t = sl_xcalloc(2 * n, sizeof(*ax->t));
	ax->y = sl_xcalloc(2 * n, sizeof(*ax->y));
	ax->brk = sl_xcalloc(2 * n, sizeof(*ax->brk));
	for (i = 0; i < n; i++) {
		ax->t[2 * i] = dep[i];
		ax->t[2 * i + 1] = arr[i];
	}
	qsort(ax->t, 2 * n, sizeof(*ax->t), cmp_i64);
	for (i = 0; i < 2 * n; i++)
		if (ax->n == 0 || ax->t[i] != ax->t[ax->n - 1])
			ax->t[ax->n++] = ax->t[i];

	an = sl_xcalloc(n, sizeof(*an));
	memcpy(an, anchors, n * sizeof(*an));
	qsort(an, n, sizeof(*an), cmp_i64);
	for (i = 1; i < n; i++)
		if (an[i] > an[i - 1] && an[i] - an[i - 1] < gmin)
			gmin = an[i] - an[i - 1];
	free(an);

	for (i = 1; i < ax->n; i++)
		lin += ax->t[i] - ax->t[i - 1];
	target = 22.0 * ax->n;
	if (target < 240)
		target = 240;
	if (target > HEIGHT_MAX)
		target = HEIGHT_MAX;
	for (;;) {
		int64_t gmax = 0;
		unsigned at = 0;

		scale = lin > 0 ? target / (double)lin : 0;
		if (gmin == INT64_MAX || (double)gmin * scale >= ANCHOR_MIN)
			break;
		for (k = 1; k < ax->n; k++) {
			int64_t g = ax->t[k] - ax->t[k - 1];
			bool flight = false;

			for (i = 0; i < n && !flight; i++)
				flight = dep[i] <= ax->t[k - 1] &&
					 arr[i] >= ax->t[k];
			if (!ax->brk[k] && !flight && g > gmax) {
				gmax = g;
				at = k;
			}
		}
		if (at == 0 || gmax < 4 * gmin ||
		    (double)gmax * scale < 2 * BREAK_H) {
			/* Nothing left to cut: use more height instead. */
			if (lin > 0 && (double)gmin * scale < ANCHOR_MIN) {
				scale = ANCHOR_MIN / (double)gmin;
				if (scale * (double)lin > HEIGHT_MAX)
					scale = HEIGHT_MAX / (double)lin;
			}
			break;
		}
		ax->brk[at] = true;
		lin -= gmax;
	}
	for (i = 0; i < ax->n; i++) {
		if (i > 0)
			y += ax->brk[i]
				 ? BREAK_H
				 : (double)(ax->t[i] - ax->t[i - 1]) * scale;
		ax->y[i] = y;
	}
	ax->height = y;
}

void
sl_svg_axis_free(struct sl_svg_axis *ax)
{
	free(ax->t);
	free(ax->y);
	free(ax->brk);
}

/* Estimated departure and arrival of each frame (see the file comment). */
void
sl_svg_frame_times(const struct sl_handshake *hs, const struct sl_hs_frame *f,
		   int64_t *dep, int64_t *arr)
{
	/* rtt/2 in ns; an rtt past an hour is nonsense, not drawn. */
	int64_t d = hs->rtt_us > 0 && hs->rtt_us < INT64_C(3600000000)
			? hs->rtt_us * 500
			: 0;

	switch (hs->self ? SL_VANT_LOCAL : hs->vantage) {
	case SL_VANT_A:
		*dep = f->from == 0 ? f->ts_ns : f->ts_ns - d;
		*arr = f->from == 0 ? f->ts_ns + d : f->ts_ns;
		break;
	case SL_VANT_B:
		*dep = f->from == 1 ? f->ts_ns : f->ts_ns - d;
		*arr = f->from == 1 ? f->ts_ns + d : f->ts_ns;
		break;
	case SL_VANT_LOCAL:
		*dep = *arr = f->ts_ns;
		break;
	case SL_VANT_PATH:
	case SL_VANT_UNKNOWN:
	default:
		*dep = f->ts_ns - d / 2;
		*arr = f->ts_ns + d / 2;
		break;
	}
}
