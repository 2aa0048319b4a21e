/* \summary: the merge's internal records, shared by merge.c and merge_clock.c */
/*
 * merge.c groups the views and builds the connections; merge_clock.c
 * estimates the clock offsets between vantages and where each view was
 * taken.  Nothing outside those two files includes this; the public
 * interface is merge.h.
 */
#ifndef SL_MERGE_INT_H
#define SL_MERGE_INT_H

#include "merge.h"

/* A view kept until the end: a deep copy of the analyzer's handshake. */
struct mhs {
	struct sl_handshake hs; /* frames, find: ours */
	int vant;
	int group; /* union-find parent, in m->h */
	uint64_t vmask;
};

struct vant {
	int file, iface;
	char *name; /* "file" or "file (iface)" */
	bool has_offset;
	int64_t offset;	      /* ns its clock is ahead of vantage 0's */
	int64_t unc;	      /* ns, worst case for an asymmetric path */
	bool has_span;	      /* t_min, t_max: its handshakes' first and last */
	int64_t t_min, t_max; /* frames, on its own clock */
};

/* One estimate between two vantages, pooled over their connections. */
struct pair {
	int v1, v2;
	bool ok;
	int64_t theta, d, unc; /* ns: v2's clock minus v1's; one-way delay */
	int64_t minp, maxn;    /* least-delayed Δ leaving v1, leaving v2 */
	unsigned np, nn;
};

/* A segment of a connection being built. */
struct bseg {
	int src;      /* view (index in the group) that first saw it */
	unsigned fi;  /* its index in that view's frames */
	uint8_t from; /* sender, in view 0's numbering */
	int idx[SL_CONN_MAXVIEWS]; /* frame index in each view, -1 */
	int64_t t;		   /* departure (or the one time) */
	int64_t arr;
	int64_t key; /* position in the timeline */
	bool timed, has_t;
};

/* A connection being built: views (indexes into m->h) and segments. */
struct build {
	unsigned nv;
	unsigned hv[SL_CONN_MAXVIEWS];
	int map[SL_CONN_MAXVIEWS][2]; /* view side -> view 0's side */
	unsigned nseg;
	struct bseg *seg;
	/* set by mg_time_build: the first SYN each side of view 0 sent, on
	 * view 0's clock, and whether every segment has a time */
	int64_t tsyn[2];
	bool all_timed;
};

/* A NAT mapping seen in some connection: inside, public, vantages. */
struct natmap {
	struct sl_endpoint in, pub;
	int vin, vpub;
};

struct sl_merge {
	bool several;
	sl_conn_fn fn;
	void *arg;
	struct mhs *h;
	unsigned n, cap;
	unsigned dropped;
	struct vant *v;
	int nv;
	struct pair *pairs;
	int npairs;
	unsigned nmatch;
	unsigned next_id;
	bool has_host_a;
	struct sl_addr host_a;
	struct natmap *nat; /* every connection's, for the others */
	unsigned nnat, natcap;
	struct natmap **natin; /* nat by public address and inside port */
};

static inline const struct sl_hs_frame *
mg_bframe(const struct sl_merge *m, const struct build *b, unsigned v, int fi)
{
	return &m->h[b->hv[v]].hs.frames[fi];
}

/* merge_clock.c */
void mg_pool_pair(struct sl_merge *m, const struct build *b, unsigned v);
void mg_estimate(struct sl_merge *m);
enum sl_vantage mg_measured_vantage(const struct sl_merge *m,
				    const struct build *b, unsigned v, int aref,
				    enum sl_vantage guess);
void mg_time_build(const struct sl_merge *m, struct build *b);

/* merge_nat.c */
void mg_nat_scan(struct sl_merge *m, const struct build *b);
/* After every scan: sorts the mappings for lookups. */
void mg_nat_index(struct sl_merge *m);
void mg_nat_conn(const struct sl_merge *m, const struct build *b, int aref,
		 struct sl_conn *c, struct sl_handshake *hs,
		 unsigned char *find_view, struct sl_nat_map *nat);

#endif
