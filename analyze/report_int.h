/* \summary: what report.c, report_ladder.c and report_json.c share */
/*
 * Internal to analyze/: the text report (report.c) draws its ladders with
 * report_ladder.c and writes its JSON with report_json.c.  The public
 * interface is report.h.
 */
#ifndef SL_REPORT_INT_H
#define SL_REPORT_INT_H

#include "report.h"

#include <stdbool.h>
#include <stdint.h>

/* ", frames" and the like: s, then the unsigned v. */
static inline void
str_u(struct sl_ob *o, const char *s, uint64_t v)
{
	sl_ob_puts(o, s);
	sl_ob_u64(o, v);
}

/* A comma unless first. */
static inline void
comma(struct sl_ob *o, unsigned i)
{
	if (i)
		sl_ob_putc(o, ',');
}

/* report.c */
const char *sl_rep_end_name(enum sl_end e);

/* report_ladder.c: the flag letters of a frame, its SEQ and ACK relative
 * to the ISNs where known, and the text ladders. */
void sl_rep_frame_flags(const struct sl_hs_frame *f, char *b);
int64_t sl_rep_rel_seq(const struct sl_handshake *hs,
		       const struct sl_hs_frame *f);
int64_t sl_rep_rel_ack(const struct sl_handshake *hs,
		       const struct sl_hs_frame *f);
void sl_rep_ladder(struct sl_ob *o, bool ascii, const struct sl_handshake *hs);
void sl_rep_conn_ladder(struct sl_ob *o, bool ascii, const struct sl_conn *c);

/* report_json.c: the views' timing and one connection's JSON object
 * (preceded by a comma unless index is 0). */
bool sl_rep_syns_in_flight(const struct sl_conn *c, int64_t *from, int64_t *to);
bool sl_rep_lost_on_path(const struct sl_conn *c, unsigned i, unsigned only);
void sl_rep_json_conn(struct sl_ob *out, unsigned index,
		      const struct sl_conn *c);

#endif
