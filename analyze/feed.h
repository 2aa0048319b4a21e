/* \summary: how file readers feed the analyzer, on one thread or two (internal to analyze/) */
#ifndef SL_FEED_H
#define SL_FEED_H

#include <stdint.h>

#include "analyze.h"
#include "decode.h"

/*
 * A segment's flow: the hash of its endpoints in order (flow.c), and
 * which of them comes first (lo): its source, or its destination.
 */
struct az_key {
	uint64_t h;
	bool src_lo;
};

/* The key of p, seen on interface iface: needs no analyzer state. */
void az_flow_key(const struct sl_pkt *p, int iface, struct az_key *k);

/*
 * Fetch ahead the flow table slot of hash h, and (once that slot is in
 * the cache) the handshake in it: for a frame the analysis will take a
 * few frames from now; for a bare SYN p, its tombstone's slot too.
 */
void az_prefetch_slot(const struct sl_analyzer *az, uint64_t h,
		      const struct sl_pkt *p);
void az_prefetch_conn(const struct sl_analyzer *az, uint64_t h);

/*
 * The analysis half of sl_analyzer_feed: frame `frame` of file `file`,
 * read at ts_ns and already decoded by sl_decode into st, p (valid when st
 * is SL_DEC_TCP) and err (its message, "" if none); k is p's key on the
 * current interface, or NULL to compute it here.  Returns as
 * sl_analyzer_feed does.
 */
int az_feed_decoded(struct sl_analyzer *az, int file, uint64_t frame,
		    int64_t ts_ns, enum sl_dec_status st,
		    const struct sl_pkt *p, const struct az_key *k,
		    const char *err);

/*
 * Where a file reader (analyze/capfile.c) puts what it reads: straight
 * into the analyzer, or, on a reader thread, decoded into the ring the
 * analysis takes it from (analyze/reader.c).  Either way the analyzer
 * sees the same calls in the same order.
 */
struct az_sink;

/* Frames from now on came from interface iface, named name (or NULL). */
void az_sink_iface(struct az_sink *s, int iface, const char *name);

/* One frame of the file, numbered from 1. */
void az_sink_frame(struct az_sink *s, uint64_t frame, int64_t ts_ns, int dlt,
		   const uint8_t *data, uint32_t caplen, uint32_t wirelen);

/* Progress: bytes of the file read, frames read (cfg.on_progress). */
void az_sink_progress(struct az_sink *s, uint64_t bytes, uint64_t frames);

/*
 * Run read(s, arg), which reads one file into s, feeding az's file `file`,
 * and return what read returns.  read runs on a thread of its own, the
 * analysis on the caller's, when two processors are available and the
 * environment does not set SYNLAB_THREADS=1; otherwise all on the
 * caller's thread.  The analyzer's callbacks always run on the caller's
 * thread.  read must touch neither az nor anything the callbacks use.
 */
int az_sink_run(struct sl_analyzer *az, int file,
		int (*read)(struct az_sink *s, void *arg), void *arg);

#endif /* SL_FEED_H */
