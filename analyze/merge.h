/* \summary: one timeline from several vantage points: matching handshakes, clock offsets, one-way delays */
#ifndef SL_MERGE_H
#define SL_MERGE_H

#include <stdio.h>

#include "analyze.h"

/*
 * When the same handshake is captured at both ends (two files, or two
 * interfaces of one pcapng), each segment leaves one capture and arrives
 * in the other.  Matching the segments (same sender ISN, SEQ, ACK, flags
 * and length) gives, per direction, Δ = t(second vantage) - t(first):
 * d + θ one way and -d + θ the other, where θ is the offset between the
 * two capture clocks and d the one-way delay.  Taking the least-delayed
 * sample of each direction (as NTP does) and assuming a symmetric path,
 * θ = (min Δ+ + max Δ-) / 2; if the path is not symmetric the error is at
 * most half the round trip, which is reported as the uncertainty.
 *
 * Memory: every handshake with a known ISN is copied until the end, so
 * use a merge only when there are several vantages.
 */
struct sl_merge;

struct sl_merge *sl_merge_new(void);

/* on_handshake-compatible: arg is the struct sl_merge; copies what it needs. */
void sl_merge_handshake(const struct sl_handshake *hs, void *arg);

/* Matches handshakes across vantages and estimates the clock offsets. */
void sl_merge_finish(struct sl_merge *m);

/* How many handshakes were seen from more than one vantage. */
unsigned sl_merge_count(const struct sl_merge *m);

/*
 * Calls fn for every frame of every merged handshake (both views) whose
 * departure and arrival are known, on the first vantage's clock.
 */
void sl_merge_apply(const struct sl_merge *m,
		    void (*fn)(unsigned hs_id, unsigned fi, int64_t dep,
			       int64_t arr, void *arg),
		    void *arg);

/* Text section for the human report. */
void sl_merge_print_text(const struct sl_merge *m, FILE *out);

/*
 * JSON values for the report members "vantages" and "merged" (malloc'd
 * strings the caller frees).
 */
char *sl_merge_json_vantages(const struct sl_merge *m);
char *sl_merge_json_merged(const struct sl_merge *m);

void sl_merge_free(struct sl_merge *m);

#endif /* SL_MERGE_H */
