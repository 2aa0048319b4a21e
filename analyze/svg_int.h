/* \summary: what svg.c, svg_store.c, svg_axis.c and svg_xml.c share */
/*
 * Internal to analyze/: svg_store.c keeps the handshakes to draw, svg.c
 * draws the ladders, svg_axis.c places their instants on the time axis,
 * svg_xml.c writes the SVG text.  The public interface is svg.h.
 */
#ifndef SL_SVG_INT_H
#define SL_SVG_INT_H

#include "analyze.h"
#include "report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The SVG document as it grows. */
struct sl_sbuf {
	char *p;
	size_t len, cap;
};

void sl_sb_printf(struct sl_sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s as XML character data (markup escaped, bytes not UTF-8 as '?'). */
void sl_sb_text(struct sl_sbuf *b, const char *s);
/* A <text> element at (x, y); style is attributes or "". */
void sl_svg_text_at(struct sl_sbuf *b, double x, double y, const char *anchor,
		    const char *style, const char *s);

/*
 * The time axis of one handshake: the distinct instants drawn (departures
 * and arrivals), each with its y, in increasing order.
 */
struct sl_svg_axis {
	int64_t *t;
	double *y;
	bool *brk; /* gap before t[i] cut out */
	unsigned n;
	double height;
};

/* The axis of the n frames that left at dep and arrived at arr, their
 * capture instants (anchors) kept at least ANCHOR_MIN px apart. */
void sl_svg_axis_build(struct sl_svg_axis *ax, const int64_t *dep,
		       const int64_t *arr, const int64_t *anchors, unsigned n);
/* The y of instant t (the last instant at or before it). */
double sl_svg_axis_y(const struct sl_svg_axis *ax, int64_t t);
void sl_svg_axis_free(struct sl_svg_axis *ax);
/* Estimated departure and arrival of a frame captured at one vantage. */
void sl_svg_frame_times(const struct sl_handshake *hs,
			const struct sl_hs_frame *f, int64_t *dep,
			int64_t *arr);

/* ---- svg_store.c: the handshakes kept for drawing ---------------------- */

/* What we keep of a handshake: hs->frames and hs->find are borrowed. */
struct svg_hs {
	struct sl_handshake hs; /* frames, find, file_name: our copies */
	char *file_name;
	int64_t *tdep, *tarr; /* measured times (merge), 0: estimate */
	unsigned rank, seq;   /* drawing order: what matters first */
};

struct sl_svg {
	unsigned max_hs;
	unsigned n, cap;
	unsigned omitted;
	struct svg_hs *v;
	bool fold; /* sl_svg_select */
	struct sl_report_sel sel;
	struct sl_fold f;
};

/* Draw what matters first when folding (svg.h): sort s->v by rank. */
void sl_svg_order(struct sl_svg *s);

#endif
