/* \summary: one connection from any number of vantage points: matching views, clock offsets, one timeline */
#ifndef SL_MERGE_H
#define SL_MERGE_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze.h"

/*
 * A connection is one handshake observed at one or more vantage points (a
 * file, or one interface of a pcapng).  The analyzer reports each vantage's
 * handshake on its own; the merge groups those views into connections:
 *
 *  - views of one connection share their ISNs (RFC 9293 §3.4: each side
 *    picks its own, 32 random-looking bits), and the SYN options of the side
 *    that sent them (window scale, SACK permitted, timestamps: what a NAT
 *    keeps; MSS is left out because routers clamp it).  Addresses and ports
 *    are not compared, so views taken on both sides of a NAT match;
 *  - segments of two views are the same segment when sender, SEQ, ACK,
 *    flags and length agree (the k-th copy with the k-th copy);
 *  - each segment seen at two vantages gives Δ = t(second) - t(first):
 *    d + θ one way and -d + θ the other, where θ is the offset between the
 *    two capture clocks and d the one-way delay.  The least-delayed sample
 *    of each direction, pooled over every connection the two vantages
 *    share (as NTP does), gives θ = (min Δ+ + max Δ-) / 2, exact for a
 *    symmetric path and off by at most half the round trip otherwise.
 *
 * A and B are hosts, fixed for the connection in every view and output: A
 * is the host whose SYN left first in the merged timeline.
 */

#define SL_CONN_MAXVIEWS 8

struct sl_view {
	const struct sl_handshake *hs; /* as this vantage saw it: its own
					  A/B, frame numbers and clock */
	bool swap;		       /* hs->ep[0] is the connection's B */
	const char *name;	       /* "file" or "file (interface)" */
	enum sl_vantage vantage;       /* in the connection's A/B */
	bool has_offset;	       /* clock comparable with view 0's */
	int64_t offset_ns;	       /* its clock minus view 0's */
	int64_t unc_ns;		       /* worst case for an asymmetric path */
};

/* One segment of the merged timeline: hs->frames[i] of the connection. */
struct sl_conn_seg {
	uint64_t frame[SL_CONN_MAXVIEWS]; /* its frame in each view; 0: the
					     view did not see it */
	bool timed;			  /* seen at two vantages or more */
	int64_t dep_ns, arr_ns;		  /* on view 0's clock, if timed */
};

/*
 * A NAT's mapping of one host, seen as two endpoints of the host in two
 * views: the inside one (a private address, else the view beside the
 * host) and the public one (docs/nat.md).
 */
struct sl_nat_map {
	uint8_t host;		    /* 0: A, 1: B */
	struct sl_endpoint in, pub; /* inside, public */
	unsigned char vin, vpub;    /* the views that saw each */
};
#define SL_CONN_MAXNAT 4

struct sl_conn {
	/*
	 * The connection as one handshake: shape decided from all views, A
	 * and B as above, frames the merged timeline (frames[i].frame is
	 * the frame in the view that first saw it, ts_ns its departure on
	 * view 0's clock when known), each finding once.  Attributes
	 * (timing, options) are view 0's.
	 */
	const struct sl_handshake *hs;
	unsigned nviews;
	const struct sl_view *views;
	const struct sl_conn_seg *seg;	/* [hs->nframes] */
	const unsigned char *find_view; /* [hs->nfind]: the view whose
					     frame numbers find[i] holds */
	unsigned nnat;
	const struct sl_nat_map *nat; /* [nnat] */
};

/* Called for each connection; c and everything it points to is borrowed. */
typedef void (*sl_conn_fn)(const struct sl_conn *c, void *arg);

struct sl_merge;

/*
 * several: the input has several vantage points (files or interfaces).
 * Without, every handshake is a connection of one view and is passed on
 * at once (streaming).  With, handshakes are copied until
 * sl_merge_finish, which groups and passes on every connection in the
 * order of its first view.  The handshakes' file and interface names are
 * borrowed until sl_merge_finish returns.
 */
struct sl_merge *sl_merge_new(bool several, sl_conn_fn fn, void *arg);

/*
 * A is the host with address a wherever a connection has it (synlab run:
 * the scenario's host A, 10.0.0.1); otherwise the host whose SYN left
 * first.  Call before the first handshake.
 */
void sl_merge_set_host_a(struct sl_merge *m, const struct sl_addr *a);

/* on_handshake-compatible: arg is the struct sl_merge. */
void sl_merge_handshake(const struct sl_handshake *hs, void *arg);

/*
 * Whether m reads hs's frames itself (to match views, or to swap A and
 * B).  When not, hs is passed on at once as a connection of one view, and
 * needs its frames only if a sink prints them; handed in without (nframes
 * 0), it becomes a connection without segments.
 */
bool sl_merge_wants_frames(const struct sl_merge *m,
			   const struct sl_handshake *hs);
/* Whether m may read some handshake's frames (several views, or host A). */
bool sl_merge_reads_frames(const struct sl_merge *m);

/* Matches views, estimates the clock offsets and passes on connections. */
void sl_merge_finish(struct sl_merge *m);

/* How many connections were seen from more than one vantage. */
unsigned sl_merge_count(const struct sl_merge *m);

void sl_merge_free(struct sl_merge *m);

/*
 * A one-view connection around hs (borrowed), for sinks fed per handshake:
 * fills *c from storage in *one, valid while hs and *one live.  Only the
 * segments and findings hs has are filled in.
 */
struct sl_conn_one {
	struct sl_conn c;
	struct sl_view v;
	struct sl_conn_seg seg[SL_HS_MAXFRAMES];
	unsigned char find_view[SL_HS_MAXFINDINGS];
};
const struct sl_conn *sl_conn_of(const struct sl_handshake *hs,
				 struct sl_conn_one *one);

/* Index of the segment that is frame `frame` of view v; -1: none. */
int sl_conn_seg_of(const struct sl_conn *c, unsigned v, uint64_t frame);

/*
 * The handshake as view v saw it, in the connection's names: frames are
 * those the view saw, with its frame numbers and clock; findings name its
 * frames (those with none there are left out).  frames and find point
 * into *storage, which the caller frees with free(storage) after use.
 */
void sl_conn_view_hs(const struct sl_conn *c, unsigned v,
		     struct sl_handshake *out, void **storage);

/*
 * The pcapng comment of frame i of view v's handshake vhs (from
 * sl_conn_view_hs): sl_hs_frame_comment's text, with the view named when
 * the connection has several (docs/comment-format.md).
 */
size_t sl_conn_frame_comment(const struct sl_conn *c, unsigned v,
			     const struct sl_handshake *vhs, unsigned i,
			     char *buf, size_t len);

#endif /* SL_MERGE_H */
