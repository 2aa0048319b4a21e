/* \summary: a timing experiment across offsets in one lab: the grid, the edge search, the window map (RFC 9293 §3.5 Figure 7) */
#ifndef SL_SWEEP_H
#define SL_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze.h"
#include "pipeline.h"

enum sl_sweep_oc { SL_OC_CONNECTED, SL_OC_REFUSED, SL_OC_OTHER, SL_OC__COUNT };

/* Which entry's timing parameter is swept. */
enum sl_sweep_kind {
	SL_SWEEP_SIMOPEN, /* B's connect() OFFSET after A's */
	SL_SWEEP_INJECT, /* a crafted SYN OFFSET after the target's connect() */
};

struct sl_sweep_point {
	int64_t offset_ns;
	bool refine; /* an edge probe, not a grid point */
	unsigned runs;
	unsigned oc[SL_OC__COUNT];
	unsigned shapes[SL_SHAPE__COUNT]; /* runs that showed the shape */
};

/* The connected window found in the points, and the refined edges. */
struct sl_sweep_window {
	bool any;	  /* at least one connected point */
	int64_t lo, hi;	  /* lowest and highest connected offsets */
	bool has_edge[2]; /* [0] early edge, [1] late edge */
	int64_t edge_in[2], edge_out[2];
};

struct sl_sweep_cfg {
	enum sl_sweep_kind kind;
	int family;
	int64_t delay_ns;
	int64_t from, to, step;
	unsigned count;
	bool refine;
	unsigned opts; /* inject: the crafted SYN's options */
	volatile const int *stop;
	/* After every run (e.g. a progress bar); may be NULL. */
	void (*progress)(const struct sl_sweep_point *p, size_t done,
			 size_t planned, void *arg);
	void *arg;
};

struct sl_sweep;

/* Never NULL; cfg copied. */
struct sl_sweep *sl_sweep_new(const struct sl_sweep_cfg *cfg);

/* Phase 1, privileged: the lab (and the injector).  0 or SL_E* + errbuf. */
int sl_sweep_open(struct sl_sweep *sw, char *errbuf);

/* Phase 2: the grid, then the edges.  SL_EINTR when *stop was seen. */
int sl_sweep_run(struct sl_sweep *sw, char *errbuf);

/*
 * Phase 3 (also after an interruption): stops the capture, feeds it to p
 * (inputs declared here) and finishes p (t: its tally, may be NULL); the
 * handshakes give each run its shapes; then sorts the points and finds
 * the window.  0, or SL_E* + errbuf (SL_EIO: an output of p failed).
 */
int sl_sweep_analyze(struct sl_sweep *sw, struct sl_pipeline *p,
		     struct sl_tally *t, char *errbuf);

/* The points so far (sorted by offset after sl_sweep_analyze). */
const struct sl_sweep_point *sl_sweep_points(const struct sl_sweep *sw,
					     size_t *n);
size_t sl_sweep_runs(const struct sl_sweep *sw);

/* The observer sl_sweep_analyze gives its pipeline (exposed for tests). */
void sl_sweep_on_handshake(const struct sl_handshake *hs, void *sweep);

/* Outputs.  interrupted: say so. */
void sl_sweep_write_table(const struct sl_sweep *sw, FILE *f,
			  const char *kernel, bool interrupted);
void sl_sweep_write_json(const struct sl_sweep *sw, FILE *f, const char *kernel,
			 bool interrupted);
int sl_sweep_write_plot(const struct sl_sweep *sw, const char *path,
			char *errbuf);

void sl_sweep_free(struct sl_sweep *sw);

struct sl_xrun;
struct sl_xsweep;

/*
 * The sweep of a lab entry (simultaneous-open, inject-syn-sent: the
 * catalogue's sweep_kind), as struct sl_xops's sweep: --delay (default
 * 10 ms), -6 and --options from r->o.
 */
int sl_sweep_xrun(struct sl_xrun *r, const struct sl_xsweep *s,
		  struct sl_pipeline *p, char *errbuf);

/* ---- pure helpers (unit-tested) ---- */

/* "-14ms:14ms:1ms" or "5ms" (one offset).  0 or SL_EINVAL + errbuf. */
int sl_sweep_parse_range(const char *s, int64_t *from, int64_t *to,
			 int64_t *step, char *errbuf);

/* The point's outcome: the one all its runs had, else OTHER. */
enum sl_sweep_oc sl_sweep_point_oc(const struct sl_sweep_point *p);

/*
 * The window: the contiguous run of connected points (sorted by offset)
 * around the connected point nearest offset 0.  An isolated connected
 * point outside it (a late packet on a busy machine) does not move an
 * edge.  Returns false when no point connected; else [*lo, *hi].
 */
bool sl_sweep_window_find(const struct sl_sweep_point *pts, size_t n,
			  size_t *lo, size_t *hi);

#endif /* SL_SWEEP_H */
