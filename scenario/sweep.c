/* \summary: a timing experiment across offsets in one lab: the grid, the edge search, the window map (RFC 9293 §3.5 Figure 7) */
#include "sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "inject.h"
#include "json.h"
#include "inject_scenario.h"
#include "lab.h"
#include "livefeed.h"
#include "priv.h"
#include "report.h"
#include "sandbox.h"
#include "timearg.h"

#define PORT0	  20000
#define NPORTS	  40000
#define MAXPOINTS 100000
#define REFINE_NS 50000 /* bisect each edge down to 50 us */

static const char *const oc_name[] = {"connected", "refused", "other"};

struct runrec {
	int64_t t_start; /* CLOCK_REALTIME when the run began */
	unsigned point;	 /* UINT32_MAX: a burnt run, no point's */
	unsigned shapes; /* bitmask of shapes seen at the vantage */
};

struct sl_sweep {
	struct sl_sweep_cfg cfg;
	struct sl_lab *lab;
	struct sl_inj_peer *peer;
	struct sl_sweep_point *pts;
	size_t npts, cappts;
	struct runrec *runs; /* by run index; port = PORT0 + index % NPORTS */
	size_t nruns, capruns;
	int vantage;	      /* capture whose shapes count */
	int64_t max_slip;     /* largest slip of a run (sl_crossing) */
	unsigned slip_misses; /* runs that slipped too far, run again */
	size_t total_planned;
	int64_t t_start;
	double total_s;
	struct sl_sweep_window m;
};

/* ---- pure helpers ---- */

int
sl_sweep_parse_range(const char *s, int64_t *from, int64_t *to, int64_t *step,
		     char *errbuf)
{
	char buf[128], *a, *b, *c, *p;

	if (strlen(s) >= sizeof buf)
		goto bad;
	snprintf(buf, sizeof buf, "%s", s);
	p = buf;
	a = strsep(&p, ":");
	b = strsep(&p, ":");
	c = strsep(&p, ":");
	if (p != NULL || sl_parse_duration(a, from, NULL) != SL_OK)
		goto bad;
	if (b == NULL) {
		*to = *from;
		*step = 1;
		return SL_OK;
	}
	if (c == NULL || sl_parse_duration(b, to, NULL) != SL_OK ||
	    sl_parse_duration(c, step, NULL) != SL_OK || *step <= 0 ||
	    *to < *from || (*to - *from) / *step >= MAXPOINTS)
		goto bad;
	return SL_OK;
bad:
	sl_errbuf_set(errbuf,
		      "'%s': want FROM:TO:STEP like -14ms:14ms:1ms (at most "
		      "%d points) or one offset",
		      s, MAXPOINTS);
	return SL_EINVAL;
}

enum sl_sweep_oc
sl_sweep_point_oc(const struct sl_sweep_point *p)
{
	for (int i = 0; i < SL_OC__COUNT; i++)
		if (p->oc[i] == p->runs && p->runs > 0)
			return (enum sl_sweep_oc)i;
	return SL_OC_OTHER;
}

static const char *
point_oc_name(const struct sl_sweep_point *p)
{
	for (int i = 0; i < SL_OC__COUNT; i++)
		if (p->oc[i] == p->runs && p->runs > 0)
			return oc_name[i];
	return "mixed";
}

bool
sl_sweep_window_find(const struct sl_sweep_point *pts, size_t n, size_t *lo,
		     size_t *hi)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++)
		if (sl_sweep_point_oc(&pts[i]) == SL_OC_CONNECTED &&
		    (best == n ||
		     llabs(pts[i].offset_ns) < llabs(pts[best].offset_ns)))
			best = i;
	if (best == n)
		return false;
	for (*lo = best;
	     *lo > 0 && sl_sweep_point_oc(&pts[*lo - 1]) == SL_OC_CONNECTED;
	     (*lo)--)
		;
	for (*hi = best;
	     *hi + 1 < n && sl_sweep_point_oc(&pts[*hi + 1]) == SL_OC_CONNECTED;
	     (*hi)++)
		;
	return true;
}

/* ---- running ---- */

struct sl_sweep *
sl_sweep_new(const struct sl_sweep_cfg *cfg)
{
	struct sl_sweep *sw = sl_xcalloc(1, sizeof *sw);

	sw->cfg = *cfg;
	if (sw->cfg.count == 0)
		sw->cfg.count = 1;
	/* The target's NIC (inject); A's NIC (simultaneous open). */
	sw->vantage = cfg->kind == SL_SWEEP_INJECT ? 1 : 0;
	sw->total_planned =
	    (size_t)((cfg->to - cfg->from) / cfg->step + 1) * sw->cfg.count;
	return sw;
}

int
sl_sweep_open(struct sl_sweep *sw, char *errbuf)
{
	int rc;

	sw->lab = sl_lab_new(sw->cfg.family, errbuf, &rc);
	if (sw->lab == NULL)
		return rc;
	sl_lab_set_delay(sw->lab, sw->cfg.delay_ns);
	if (sw->cfg.kind == SL_SWEEP_INJECT &&
	    (sw->peer = sl_inj_peer_open(sw->lab, errbuf)) == NULL)
		return SL_ENV;
	return SL_OK;
}

/* A new run record; returns its index (its port is PORT0 + index). */
static size_t
add_run(struct sl_sweep *sw, int64_t t_start, unsigned point)
{
	sw->runs =
	    sl_xgrow(sw->runs, sw->nruns, &sw->capruns, sizeof *sw->runs, 256);
	sw->runs[sw->nruns].t_start = t_start;
	sw->runs[sw->nruns].point = point;
	sw->runs[sw->nruns].shapes = 0;
	return sw->nruns++;
}

/*
 * One run at offset off on port: *oc gets its outcome, *slip how far the
 * measured crossing was from the plan (sl_crossing_measure; -1: unknown).
 */
static int
run_at(struct sl_sweep *sw, uint16_t port, int64_t off, enum sl_sweep_oc *oc,
       int64_t *slip, char *errbuf)
{
	int64_t t_connect[2], arrive[2];
	struct sl_crossing x;
	int rc;

	*oc = SL_OC_OTHER;
	if (sw->cfg.kind == SL_SWEEP_INJECT) {
		struct sl_inj_opts o;
		struct sl_inj_result r;

		memset(&o, 0, sizeof o);
		o.state = SL_INJ_SYN_SENT;
		o.offset_ns = off;
		o.nsyn = 1;
		o.opts = sw->cfg.opts;
		o.peer_mode = true;
		o.port = port;
		o.stop = sw->cfg.stop;
		sl_wire_watch_syn(sl_lab_wire(sw->lab), port);
		rc = sl_inj_run(sw->peer, &o, &r, NULL, 0, errbuf);
		if (rc == SL_OK)
			*oc = r.connect_err == 0	      ? SL_OC_CONNECTED
			      : r.connect_err == ECONNREFUSED ? SL_OC_REFUSED
							      : SL_OC_OTHER;
		/* The injector is host A; the target's connect() is B's. */
		t_connect[0] = r.syn_left;
		t_connect[1] = r.t_connect;
		sl_wire_arrivals(sl_lab_wire(sw->lab), arrive);
		off = -off;
	} else {
		struct sl_simopen_run r;

		rc = sl_lab_simopen(sw->lab, port, off, &r, sw->cfg.stop,
				    errbuf);
		if (rc == SL_OK)
			*oc = r.err[0] == 0 && r.err[1] == 0 ? SL_OC_CONNECTED
			      : r.err[0] == ECONNREFUSED &&
				      r.err[1] == ECONNREFUSED
				  ? SL_OC_REFUSED
				  : SL_OC_OTHER;
		memcpy(t_connect, r.t_connect, sizeof t_connect);
		memcpy(arrive, r.arrive, sizeof arrive);
	}
	sl_crossing_measure(t_connect, arrive, sw->cfg.delay_ns, off, &x);
	*slip = x.slip;
	return rc;
}

/*
 * One run at offset into point pi.  A run whose measured crossing slipped
 * more than SL_CROSSING_SLIP_NS from the plan (a late connect(), injection
 * or wire, e.g. on a busy CPU) measured another offset: it is counted as a
 * miss and run again on a fresh port, up to 3 tries.
 */
static int
run_one(struct sl_sweep *sw, size_t pi, char *errbuf)
{
	struct sl_sweep_point *p = &sw->pts[pi];
	uint16_t port = (uint16_t)(PORT0 + sw->nruns % NPORTS);
	enum sl_sweep_oc oc;
	int64_t t_start = sl_now_real_ns(), slip;
	int rc;

	for (int tries = 0;; tries++) {
		rc = run_at(sw, port, p->offset_ns, &oc, &slip, errbuf);
		if (rc != SL_OK || slip < 0)
			break;
		if (slip > sw->max_slip)
			sw->max_slip = slip;
		if (slip <= SL_CROSSING_SLIP_NS || tries == 2)
			break;
		sw->slip_misses++;
		/* burn the port: its packets are not this point's */
		(void)add_run(sw, t_start, UINT32_MAX);
		port = (uint16_t)(PORT0 + sw->nruns % NPORTS);
		t_start = sl_now_real_ns();
	}
	if (rc != SL_OK)
		return rc;
	(void)add_run(sw, t_start, (unsigned)pi);
	p->runs++;
	p->oc[oc]++;
	if (sw->cfg.progress)
		sw->cfg.progress(p, sw->nruns, sw->total_planned, sw->cfg.arg);
	return SL_OK;
}

static size_t
add_point(struct sl_sweep *sw, int64_t off, bool refine)
{
	sw->pts = sl_xgrow(sw->pts, sw->npts, &sw->cappts, sizeof *sw->pts, 64);
	memset(&sw->pts[sw->npts], 0, sizeof sw->pts[0]);
	sw->pts[sw->npts].offset_ns = off;
	sw->pts[sw->npts].refine = refine;
	return sw->npts++;
}

static int
run_point(struct sl_sweep *sw, int64_t off, bool refine, size_t *pi,
	  char *errbuf)
{
	/* Edge probes: at least 3 runs, so one late packet cannot move it. */
	unsigned n = refine && sw->cfg.count < 3 ? 3 : sw->cfg.count;
	int rc;

	*pi = add_point(sw, off, refine);
	for (unsigned k = 0; k < n; k++)
		if ((rc = run_one(sw, *pi, errbuf)) != SL_OK)
			return rc;
	return SL_OK;
}

/*
 * Bisects between in (connected) and out (not) until they are REFINE_NS
 * apart, a probe counting as connected when most of its runs were; edge
 * gets the last pair.
 */
static int
refine_edge(struct sl_sweep *sw, int64_t in, int64_t out, int64_t edge[2],
	    char *errbuf)
{
	int rc;

	while ((out > in ? out - in : in - out) > REFINE_NS && !*sw->cfg.stop) {
		int64_t mid = in + (out - in) / 2;
		size_t pi;

		if ((rc = run_point(sw, mid, true, &pi, errbuf)) != SL_OK)
			return rc;
		if (2 * sw->pts[pi].oc[SL_OC_CONNECTED] > sw->pts[pi].runs)
			in = mid;
		else
			out = mid;
	}
	edge[0] = in;
	edge[1] = out;
	return SL_OK;
}

/* The edges: bisect between the window's ends and their grid neighbours. */
static int
refine_edges(struct sl_sweep *sw, char *errbuf)
{
	size_t ngrid = sw->npts, lo, hi;
	int64_t e[2];
	int rc;

	if (!sl_sweep_window_find(sw->pts, ngrid, &lo, &hi))
		return SL_OK;
	for (int side = 0; side < 2; side++) {
		size_t in = side ? hi : lo, out = side ? hi + 1 : lo - 1;

		if ((side == 0 && lo == 0) || (side == 1 && hi + 1 >= ngrid))
			continue;
		rc = refine_edge(sw, sw->pts[in].offset_ns,
				 sw->pts[out].offset_ns, e, errbuf);
		if (rc != SL_OK)
			return rc;
		sw->m.has_edge[side] = true;
		sw->m.edge_in[side] = e[0]; /* connected */
		sw->m.edge_out[side] = e[1];
	}
	return SL_OK;
}

int
sl_sweep_run(struct sl_sweep *sw, char *errbuf)
{
	int rc = SL_OK;

	sw->t_start = sl_now_mono_ns();
	for (int64_t off = sw->cfg.from;
	     off <= sw->cfg.to && !*sw->cfg.stop && rc == SL_OK;
	     off += sw->cfg.step) {
		size_t pi;

		rc = run_point(sw, off, false, &pi, errbuf);
	}
	if (sw->cfg.refine && rc == SL_OK && !*sw->cfg.stop)
		rc = refine_edges(sw, errbuf);
	sw->total_s = (double)(sl_now_mono_ns() - sw->t_start) / 1e9;
	if (rc == SL_OK && *sw->cfg.stop)
		rc = SL_EINTR;
	return rc;
}

/* ---- analysis: shapes per run, told apart by port ---- */

void
sl_sweep_on_handshake(const struct sl_handshake *hs, void *arg)
{
	struct sl_sweep *sw = arg;
	unsigned port = hs->ep[0].port;
	size_t idx;

	if (hs->file != sw->vantage || port < PORT0 || port >= PORT0 + NPORTS ||
	    hs->shape >= SL_SHAPE__COUNT)
		return;
	/* Ports wrap after NPORTS runs: the last run on this port that
	 * began before the handshake. */
	idx = port - PORT0;
	if (idx >= sw->nruns)
		return;
	while (idx + NPORTS < sw->nruns &&
	       sw->runs[idx + NPORTS].t_start <= hs->t_first_ns)
		idx += NPORTS;
	sw->runs[idx].shapes |= 1u << hs->shape;
}

static int
cmp_off(const void *a, const void *b)
{
	const struct sl_sweep_point *x = a, *y = b;

	return x->offset_ns < y->offset_ns ? -1 : x->offset_ns > y->offset_ns;
}

/* After the pipeline saw every handshake: shapes per point, the window. */
static void
aggregate(struct sl_sweep *sw)
{
	size_t lo, hi;

	for (size_t r = 0; r < sw->nruns; r++)
		for (unsigned sh = 0;
		     sh < SL_SHAPE__COUNT && sw->runs[r].point != UINT32_MAX;
		     sh++)
			if (sw->runs[r].shapes & (1u << sh))
				sw->pts[sw->runs[r].point].shapes[sh]++;
	qsort(sw->pts, sw->npts, sizeof *sw->pts, cmp_off);
	for (size_t r = 0; r < sw->nruns; r++)
		sw->runs[r].point = UINT32_MAX; /* indexes no longer hold */
	if (sl_sweep_window_find(sw->pts, sw->npts, &lo, &hi)) {
		sw->m.any = true;
		sw->m.lo = sw->pts[lo].offset_ns;
		sw->m.hi = sw->pts[hi].offset_ns;
	}
}

int
sl_sweep_analyze(struct sl_sweep *sw, struct sl_pipeline *p, struct sl_tally *t,
		 char *errbuf)
{
	static const int no_stop = 0;
	int rc;

	/* A stop already seen must not cut the last packets short. */
	sl_lab_finish(sw->lab, 5000000 + sw->cfg.delay_ns, &no_stop);
	sl_pipeline_observe(p, sl_sweep_on_handshake, sw);
	rc = sl_feed_recorder(p, sl_lab_recorder(sw->lab), NULL, NULL, 0,
			      errbuf);
	if (rc == SL_OK)
		rc = sl_pipeline_finish(p, t, errbuf);
	aggregate(sw);
	return rc;
}

const struct sl_sweep_point *
sl_sweep_points(const struct sl_sweep *sw, size_t *n)
{
	*n = sw->npts;
	return sw->pts;
}

size_t
sl_sweep_runs(const struct sl_sweep *sw)
{
	return sw->nruns;
}

void
sl_sweep_free(struct sl_sweep *sw)
{
	if (sw == NULL)
		return;
	sl_inj_peer_close(sw->peer);
	sl_lab_free(sw->lab);
	free(sw->pts);
	free(sw->runs);
	free(sw);
}

/* ---- outputs ---- */

static void
json_point(struct sl_json *j, const struct sl_sweep_point *p)
{
	sl_json_begin_obj(j);
	sl_json_kfixed(j, "offset_us", (double)p->offset_ns / 1e3, 3);
	sl_json_kuint(j, "runs", p->runs);
	sl_json_key(j, "shapes");
	sl_json_begin_obj(j);
	for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
		if (p->shapes[sh])
			sl_json_kuint(j, sl_shape_name((enum sl_shape)sh),
				      p->shapes[sh]);
	sl_json_end(j);
	sl_json_kstring(j, "outcome", point_oc_name(p));
	sl_json_key(j, "outcomes");
	sl_json_begin_obj(j);
	for (int o = 0; o < SL_OC__COUNT; o++)
		sl_json_kuint(j, oc_name[o], p->oc[o]);
	sl_json_end(j);
	sl_json_end(j);
}

/* The grid points (refine false) or the edge probes, as an array. */
static void
json_points(struct sl_json *j, const struct sl_sweep *sw, const char *key,
	    bool refine)
{
	sl_json_key(j, key);
	sl_json_begin_arr(j);
	for (size_t i = 0; i < sw->npts; i++)
		if (sw->pts[i].refine == refine)
			json_point(j, &sw->pts[i]);
	sl_json_end(j);
}

static double
dabs(double x)
{
	return x < 0 ? -x : x;
}

static double
edge_mid(const struct sl_sweep_window *m, int side)
{
	return (double)(m->edge_in[side] + m->edge_out[side]) / 2.0;
}

/* Where edge s measured against the model's: + is wider than the model. */
static double
edge_off_model(const struct sl_sweep *sw, int s)
{
	double mid = edge_mid(&sw->m, s), d = (double)sw->cfg.delay_ns;

	return s ? mid - d : -mid - d;
}

/* What the sweep measured: the window, its edges, the timing. */
static void
json_measured(struct sl_json *j, const struct sl_sweep *sw)
{
	static const char *const side[2] = {"low", "high"};
	const struct sl_sweep_window *m = &sw->m;
	char key[40];

	sl_json_key(j, "measured");
	sl_json_begin_obj(j);
	if (m->any) {
		sl_json_kfixed(j, "connected_low_us", (double)m->lo / 1e3, 3);
		sl_json_kfixed(j, "connected_high_us", (double)m->hi / 1e3, 3);
	}
	for (int s = 0; s < 2 && m->any; s++) {
		if (!m->has_edge[s])
			continue;
		snprintf(key, sizeof key, "edge_%s_us", side[s]);
		sl_json_kfixed(j, key, edge_mid(m, s) / 1e3, 3);
		snprintf(key, sizeof key, "edge_%s_bracket_us", side[s]);
		sl_json_key(j, key);
		sl_json_begin_arr(j);
		sl_json_printf(j, "%.3f", (double)m->edge_in[s] / 1e3);
		sl_json_printf(j, "%.3f", (double)m->edge_out[s] / 1e3);
		sl_json_end(j);
		snprintf(key, sizeof key, "edge_%s_minus_model_us", side[s]);
		sl_json_kfixed(j, key, edge_off_model(sw, s) / 1e3, 3);
	}
	if (m->any && m->has_edge[0] && m->has_edge[1])
		sl_json_kbool(j, "within_500us_of_model",
			      dabs(edge_off_model(sw, 0)) <= 500000 &&
				  dabs(edge_off_model(sw, 1)) <= 500000);
	sl_json_kfixed(j, "timing_slip_max_us", (double)sw->max_slip / 1e3, 3);
	sl_json_kuint(j, "timing_misses", sw->slip_misses);
	sl_json_kfixed(j, "timing_tolerance_us", SL_CROSSING_SLIP_NS / 1e3, 3);
	sl_json_end(j);
}

void
sl_sweep_write_json(const struct sl_sweep *sw, FILE *f, const char *kernel,
		    bool interrupted)
{
	struct sl_json j;
	char ob[48];

	sl_json_init(&j, f);
	sl_json_begin_obj(&j);
	sl_json_kstring(&j, "sweep",
			sw->cfg.kind == SL_SWEEP_INJECT ? "inject"
							: "simultaneous-open");
	sl_json_kint(&j, "family", sw->cfg.family);
	sl_json_kbool(&j, "interrupted", interrupted);
	sl_json_kstring(&j, "kernel", kernel);
	if (sw->cfg.kind == SL_SWEEP_INJECT) {
		sl_json_kstring(&j, "state", "syn-sent");
		sl_json_kstring(
		    &j, "options",
		    sl_inject_opts_str(sw->cfg.opts, ob, sizeof ob));
	}
	sl_json_kfixed(&j, "delay_us", (double)sw->cfg.delay_ns / 1e3, 3);
	sl_json_kuint(&j, "count", sw->cfg.count);
	json_points(&j, sw, "points", false);
	json_points(&j, sw, "refine", true);
	sl_json_key(&j, "model");
	sl_json_begin_obj(&j);
	sl_json_kfixed(&j, "delay_us", (double)sw->cfg.delay_ns / 1e3, 3);
	sl_json_kfixed(&j, "window_us", (double)sw->cfg.delay_ns / 1e3, 3);
	sl_json_kstring(&j, "rule",
			"each SYN must arrive after the other side called "
			"connect(): |offset| < one-way delay");
	sl_json_end(&j);
	json_measured(&j, sw);
	sl_json_key(&j, "cost");
	sl_json_begin_obj(&j);
	sl_json_kfixed(&j, "setup_ms", (double)sl_lab_setup_ns(sw->lab) / 1e6,
		       3);
	sl_json_kuint(&j, "runs", sw->nruns);
	sl_json_kfixed(&j, "total_s", sw->total_s, 3);
	sl_json_kfixed(&j, "per_run_ms",
		       sw->nruns ? sw->total_s * 1e3 / (double)sw->nruns : 0.0,
		       3);
	sl_json_end(&j);
	sl_json_end(&j);
	fputc('\n', f);
}

void
sl_sweep_write_table(const struct sl_sweep *sw, FILE *f, const char *kernel,
		     bool interrupted)
{
	const struct sl_sweep_window *m = &sw->m;
	double total_s = sw->total_s;

	fprintf(f,
		"synlab sweep %s%s: one-way delay %.3f ms, offsets "
		"%+.3f..%+.3f ms step %.3f ms, %u run%s each, Linux %s%s\n",
		sw->cfg.kind == SL_SWEEP_INJECT ? "inject --state syn-sent"
						: "simultaneous-open",
		sw->cfg.family == 6 ? " -6" : "",
		(double)sw->cfg.delay_ns / 1e6, (double)sw->cfg.from / 1e6,
		(double)sw->cfg.to / 1e6, (double)sw->cfg.step / 1e6,
		sw->cfg.count, sw->cfg.count == 1 ? "" : "s", kernel,
		interrupted ? " (INTERRUPTED: the points done until Ctrl-C)"
			    : "");
	fputs("   offset ms  runs  outcome    shapes (analyzer)\n", f);
	for (size_t i = 0; i < sw->npts; i++) {
		const struct sl_sweep_point *p = &sw->pts[i];
		bool inside = llabs(p->offset_ns) < sw->cfg.delay_ns;

		fprintf(f, "  %+10.3f  %4u  %-9s ", (double)p->offset_ns / 1e6,
			p->runs, point_oc_name(p));
		for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
			if (p->shapes[sh])
				fprintf(f, " %s %u", sl_shape_name(sh),
					p->shapes[sh]);
		fprintf(f, "%s%s\n", p->refine ? "  (edge search)" : "",
			(sl_sweep_point_oc(p) == SL_OC_CONNECTED) != inside
			    ? "  <- differs from the model"
			    : "");
	}
	fprintf(f,
		"\nmodel: the crossing succeeds when each SYN arrives after "
		"the other side called connect(): |offset| < one-way delay "
		"= %.3f ms\n",
		(double)sw->cfg.delay_ns / 1e6);
	if (!m->any) {
		fputs("measured: no offset connected\n", f);
	} else {
		fprintf(f,
			"measured: connected without a gap from %+.3f to "
			"%+.3f ms",
			(double)m->lo / 1e6, (double)m->hi / 1e6);
		for (int s = 0; s < 2; s++)
			if (m->has_edge[s])
				fprintf(f,
					"; %s edge %+.3f ms (between %+.3f "
					"and %+.3f), %+.3f ms from the model",
					s ? "late" : "early",
					edge_mid(m, s) / 1e6,
					(double)m->edge_in[s] / 1e6,
					(double)m->edge_out[s] / 1e6,
					edge_off_model(sw, s) / 1e6);
		fputc('\n', f);
		if (m->has_edge[0] && m->has_edge[1])
			fprintf(f,
				"          the window is wider than the model "
				"by the wire's own latency "
				"(docs/kernel-notes.md: delay + ~0.1 ms)\n");
	}
	fprintf(f,
		"timing: each run's SYNs reached the other host at most %.3f "
		"ms off the plan (%u run%s off by > %.1f ms, run again)\n",
		(double)sw->max_slip / 1e6, sw->slip_misses,
		sw->slip_misses == 1 ? "" : "s", SL_CROSSING_SLIP_NS / 1e6);
	fprintf(f,
		"cost: one sandbox for the sweep, set up in %.1f ms; %zu "
		"runs in %.2f s = %.1f ms per run\n",
		(double)sl_lab_setup_ns(sw->lab) / 1e6, sw->nruns, total_s,
		sw->nruns ? total_s * 1e3 / (double)sw->nruns : 0.0);
}

/* SVG: outcome against offset, the model window shaded, edges dashed. */
int
sl_sweep_write_plot(const struct sl_sweep *sw, const char *path, char *errbuf)
{
	const struct sl_sweep_window *m = &sw->m;
	const double W = 820, H = 300, L = 90, R = 20, T = 40, B = 50;
	double lo = 0, hi = 0, span, step;
	const char *color[] = {"#2a9d3a", "#c0392b", "#7f8c8d"};
	bool out = strcmp(path, "-") == 0;
	FILE *f = out ? stdout : fopen(path, "w");

	if (f == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_EIO;
	}
	for (size_t i = 0; i < sw->npts; i++) {
		double x = (double)sw->pts[i].offset_ns / 1e6;

		if (i == 0 || x < lo)
			lo = x;
		if (i == 0 || x > hi)
			hi = x;
	}
	if ((double)sw->cfg.delay_ns / 1e6 + 1 > hi)
		hi = (double)sw->cfg.delay_ns / 1e6 + 1;
	if (-(double)sw->cfg.delay_ns / 1e6 - 1 < lo)
		lo = -(double)sw->cfg.delay_ns / 1e6 - 1;
	span = hi - lo;
	step = span > 40 ? 10 : span > 16 ? 2 : span > 6 ? 1 : 0.5;
#define X(v) (L + ((v)-lo) / span * (W - L - R))
#define Y(o) (T + 30 + (double)(o)*70)
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, H);
	fprintf(f,
		"<text x=\"%.0f\" y=\"20\" font-size=\"14\">synlab sweep %s: "
		"outcome against offset, one-way delay %.3f ms</text>\n",
		L,
		(sw->cfg.kind == SL_SWEEP_INJECT) ? "inject --state syn-sent"
						  : "simultaneous-open",
		(double)sw->cfg.delay_ns / 1e6);
	/* The model window |offset| < delay. */
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" "
		"fill=\"#2a9d3a\" fill-opacity=\"0.12\"/>\n"
		"<text x=\"%.1f\" y=\"%.0f\" fill=\"#2a9d3a\">model window "
		"|offset| &lt; %.3f ms</text>\n",
		X(-(double)sw->cfg.delay_ns / 1e6), T,
		X((double)sw->cfg.delay_ns / 1e6) -
		    X(-(double)sw->cfg.delay_ns / 1e6),
		H - T - B, X(-(double)sw->cfg.delay_ns / 1e6) + 4, T + 14,
		(double)sw->cfg.delay_ns / 1e6);
	for (int s = 0; s < 2; s++)
		if (m->has_edge[s])
			fprintf(f,
				"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" "
				"y2=\"%.0f\" stroke=\"black\" "
				"stroke-dasharray=\"4 3\"/>\n<text x=\"%.1f\" "
				"y=\"%.0f\" text-anchor=\"middle\">measured "
				"%+.2f</text>\n",
				X(edge_mid(m, s) / 1e6),
				X(edge_mid(m, s) / 1e6), T, H - B,
				X(edge_mid(m, s) / 1e6), H - B + 32,
				edge_mid(m, s) / 1e6);
	for (int o = 0; o < SL_OC__COUNT; o++)
		fprintf(f,
			"<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" "
			"dominant-baseline=\"middle\">%s</text>\n"
			"<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" "
			"stroke=\"#ddd\"/>\n",
			L - 8, Y(o), oc_name[o], L, W - R, Y(o), Y(o));
	/* Axis. */
	fprintf(f,
		"<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" "
		"stroke=\"black\"/>\n",
		L, W - R, H - B, H - B);
	for (double t = (double)(long long)(lo / step) * step; t <= hi + 1e-9;
	     t += step)
		fprintf(f,
			"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" "
			"y2=\"%.0f\" stroke=\"black\"/><text x=\"%.1f\" "
			"y=\"%.0f\" text-anchor=\"middle\">%g</text>\n",
			X(t), X(t), H - B, H - B + 5, X(t), H - B + 18, t);
	fprintf(f,
		"<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">offset "
		"(ms): %s</text>\n",
		(L + W - R) / 2, H - 4,
		(sw->cfg.kind == SL_SWEEP_INJECT)
		    ? "crafted SYN sent after the target's connect()"
		    : "B's connect() after A's");
	/* Points: one dot per outcome seen, area by share of runs. */
	for (size_t i = 0; i < sw->npts; i++) {
		const struct sl_sweep_point *p = &sw->pts[i];

		for (int o = 0; o < SL_OC__COUNT; o++) {
			if (!p->oc[o])
				continue;
			fprintf(f,
				"<circle cx=\"%.1f\" cy=\"%.0f\" r=\"%.1f\" "
				"fill=\"%s\"%s><title>%+.3f ms: %u of %u "
				"%s</title></circle>\n",
				X((double)p->offset_ns / 1e6), Y(o),
				p->refine ? 2.5
					  : 2.5 + 2.5 * (double)p->oc[o] /
						      (double)p->runs,
				color[o],
				p->refine ? " fill-opacity=\"0.5\"" : "",
				(double)p->offset_ns / 1e6, p->oc[o], p->runs,
				oc_name[o]);
		}
	}
#undef X
#undef Y
	fputs("</svg>\n", f);
	if (out ? fflush(f) != 0 || ferror(f) : fclose(f) != 0) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_EIO;
	}
	return SL_OK;
}

/* ---- the sweep of a lab entry (struct sl_xops's sweep) ---- */

struct bar {
	FILE *f;
	int64_t t0;
};

/* A progress bar: runs done of planned, the point, the time so far. */
static void
bar_progress(const struct sl_sweep_point *p, size_t done, size_t total,
	     void *arg)
{
	const struct bar *b = arg;
	int width = 30, fill;
	double el = (double)(sl_now_mono_ns() - b->t0) / 1e9;

	if (done > total)
		total = done;
	fill = total ? (int)((double)width * (double)done / (double)total) : 0;
	fprintf(b->f, "\r[%.*s%*s] %zu/%zu runs  %+9.3f ms %-9s %5.1f s%s",
		fill, "##############################", width - fill, "", done,
		total, (double)p->offset_ns / 1e6, point_oc_name(p), el,
		p->refine ? " (edge)" : "       ");
	fflush(b->f);
}

/* The table or JSON, then the plot: also of an interrupted sweep. */
static int
sweep_report(const struct sl_sweep *sw, const struct sl_xsweep *s,
	     const char *kernel, bool interrupted, char *errbuf)
{
	if (s->json)
		sl_sweep_write_json(sw, s->out, kernel, interrupted);
	else
		sl_sweep_write_table(sw, s->out, kernel, interrupted);
	if (s->plot != NULL) {
		if (sl_sweep_write_plot(sw, s->plot, errbuf) != SL_OK)
			return SL_EIO;
		if (!s->json)
			fprintf(s->out, "plot: %s\n", s->plot);
	}
	if (fflush(s->out) != 0 || ferror(s->out)) {
		sl_errbuf_set(errbuf, "%s: write error",
			      s->out == stdout ? "stdout" : "stderr");
		return SL_EIO;
	}
	return SL_OK;
}

int
sl_sweep_xrun(struct sl_xrun *r, const struct sl_xsweep *s,
	      struct sl_pipeline *p, char *errbuf)
{
	struct sl_sweep_cfg cfg = {.kind = r->x->sweep_kind,
				   .family = r->o.family,
				   .delay_ns = 10000000,
				   .from = s->from,
				   .to = s->to,
				   .step = s->step,
				   .count = s->count,
				   .refine = s->refine,
				   .opts = r->o.inj_opts,
				   .stop = r->o.stop};
	struct bar bar = {s->progress, sl_now_mono_ns()};
	struct sl_sweep *sw;
	int rc, rc2;

	if (!s->has_range) {
		sl_errbuf_set(errbuf, "--offset FROM:TO:STEP is required");
		return SL_EINVAL;
	}
	if (sl_xopts_has(&r->o, "--delay"))
		cfg.delay_ns = r->o.delay_ns;
	if (s->progress) {
		cfg.progress = bar_progress;
		cfg.arg = &bar;
	}
	/* Least privilege: every capability never used here goes, before
	 * any thread exists (common/priv.h). */
	if ((rc = sl_sandbox_check(true, errbuf)) != SL_OK ||
	    (rc = sl_priv_drop_unused(errbuf)) != SL_OK)
		return rc;
	sw = sl_sweep_new(&cfg);
	/* Phase 1, privileged: one lab for the whole sweep; 2: the grid,
	 * then the edges; 3: shapes per run from the capture, the report. */
	if ((rc = sl_sweep_open(sw, errbuf)) == SL_OK) {
		rc = sl_sweep_run(sw, errbuf);
		if (s->progress)
			fputc('\n', s->progress);
	}
	if (rc == SL_EINTR && s->on_stop)
		s->on_stop();
	if (rc == SL_OK || rc == SL_EINTR) {
		sl_pipeline_set_section(
		    p, rc == SL_EINTR ? "synlab sweep INTERRUPTED (Ctrl-C): "
					"the runs captured until then"
				      : "synlab sweep");
		if ((rc2 = sl_sweep_analyze(sw, p, NULL, errbuf)) != SL_OK ||
		    (rc2 = sweep_report(sw, s, r->kernel, rc == SL_EINTR,
					errbuf)) != SL_OK)
			rc = rc == SL_EINTR ? rc : rc2;
		else if (rc == SL_EINTR)
			sl_errbuf_set(errbuf,
				      "interrupted after %zu runs; sandbox "
				      "removed",
				      sw->nruns);
	}
	sl_sweep_free(sw);
	return rc;
}
