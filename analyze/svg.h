/* \summary: SVG ladder diagrams with a true time axis (RFC 9293 §3.5 figures, drawn from captures) */
#ifndef SL_SVG_H
#define SL_SVG_H

#include "analyze.h"

struct sl_svg;

/* max_hs: how many handshakes to draw at most (later ones are counted, not drawn). */
struct sl_svg *sl_svg_new(unsigned max_hs);

/*
 * Draw what matters first, as the text report does (report.h): only the
 * handshakes sel selects; rare shapes and those with findings up to
 * SL_SVG_FULL a shape, SL_SVG_SAMPLE clean ones of each other shape, the
 * rest counted in lines at the top of the picture; sel->all (or an id)
 * draws every one, without max_hs.  Ladders with a violation come first,
 * then other findings, then rare shapes, then the rest, each in id order.
 */
#define SL_SVG_FULL   10
#define SL_SVG_SAMPLE 2
struct sl_report_sel;
void sl_svg_select(struct sl_svg *s, const struct sl_report_sel *sel);

/*
 * One ladder per connection (sl_conn_fn-compatible): its merged timeline,
 * with measured departures and arrivals where two views saw a segment.
 */
struct sl_conn;
void sl_svg_conn(const struct sl_conn *c, void *arg);

/* on_handshake-compatible: arg is the struct sl_svg; copies what it draws. */
void sl_svg_handshake(const struct sl_handshake *hs, void *arg);

/*
 * Measured departure and arrival (ns, one clock) of frame fi of handshake
 * hs_id, from a merge of captures taken at both ends: drawn instead of the
 * estimate from one vantage.  Signature fits sl_merge_apply.
 */
void sl_svg_set_times(unsigned hs_id, unsigned fi, int64_t dep, int64_t arr,
		      void *arg);

/* Writes the SVG document; 0 or a negative SL_E* code with errbuf. */
int sl_svg_write(struct sl_svg *s, const char *path, char *errbuf);

void sl_svg_free(struct sl_svg *s);

#endif /* SL_SVG_H */
