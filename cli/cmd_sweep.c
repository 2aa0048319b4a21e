/* \summary: synlab sweep: a scenario across timing offsets, one sandbox, the window map (RFC 9293 §3.5 Figure 7) */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "priv.h"
#include "cmd_inject.h"
#include "inject.h"
#include "inject_scenario.h"
#include "lab.h"
#include "report.h"
#include "sandbox.h"

#define PORT0	  20000
#define NPORTS	  40000
#define MAXPOINTS 100000
#define REFINE_NS 50000 /* bisect each edge down to 50 us */

enum outcome { OC_CONNECTED, OC_REFUSED, OC_OTHER, OC__COUNT };
static const char *const oc_name[] = {"connected", "refused", "other"};

static volatile sig_atomic_t g_stop;

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

struct point {
	int64_t offset_ns;
	bool refine;
	unsigned runs;
	unsigned oc[OC__COUNT];
	unsigned shapes[SL_SHAPE__COUNT]; /* runs that showed the shape */
};

struct runrec {
	int64_t t_start; /* CLOCK_REALTIME when the run began */
	unsigned point;
	unsigned shapes; /* bitmask of shapes seen at the vantage */
};

struct sweep {
	bool inject; /* sweep inject (else simultaneous-open) */
	struct sl_lab *lab;
	struct sl_inj_peer *peer;
	unsigned opts; /* inject: crafted SYN options */
	unsigned count;
	int64_t delay_ns;
	struct point *pts;
	size_t npts, cappts;
	struct runrec *runs; /* by run index; port = PORT0 + index % NPORTS */
	size_t nruns, capruns;
	int vantage; /* capture file whose shapes count */
	bool tty;
	int64_t max_call_err; /* simultaneous-open: |real - planned| offset */
	unsigned
	    call_misses; /* runs whose connect() calls missed by > 0.2 ms */
	size_t total_planned;
	int64_t t_start;
	char errbuf[SL_ERRBUF_SIZE];
};

static void
usage(FILE *f)
{
	fputs(
	    "usage: synlab sweep simultaneous-open --delay D --offset "
	    "FROM:TO:STEP\n"
	    "                    [--count N] [--json] [--plot OUT.svg] [-o "
	    "OUT.pcapng]\n"
	    "                    [--no-refine] [-6]\n"
	    "       synlab sweep inject --state syn-sent --delay D --offset "
	    "FROM:TO:STEP\n"
	    "                    [--options LIST] [same options]\n"
	    "\n"
	    "Runs real kernels at each offset inside ONE sandbox (namespaces "
	    "held by\n"
	    "fds, a TUN wire with one-way delay D, one capture) and reports "
	    "per\n"
	    "offset which outcome the kernels produced and which handshake "
	    "shapes\n"
	    "the analyzer saw: the early / in-window / late map.\n"
	    "  simultaneous-open  B's connect() OFFSET after A's; outcome "
	    "connected\n"
	    "                     (both connect() returned 0), refused (both\n"
	    "                     ECONNREFUSED) or other\n"
	    "  inject             a crafted SYN leaves OFFSET after the "
	    "target's\n"
	    "                     connect(); the injector acts as a kernel "
	    "peer whose\n"
	    "                     connect() is that SYN (it refuses an earlier "
	    "SYN)\n"
	    "\n"
	    "  --delay D        one-way delay both ways, e.g. 10ms (default "
	    "10ms)\n"
	    "  --offset F:T:S   from, to, step, e.g. -14ms:14ms:1ms (or one "
	    "offset)\n"
	    "  --count N        runs per offset (default 1)\n"
	    "  --no-refine      do not bisect the window's edges after the "
	    "grid\n"
	    "  --json           one JSON document on stdout\n"
	    "  --plot OUT.svg   outcome against offset, the model window "
	    "shaded\n"
	    "  -o OUT.pcapng    the whole sweep's annotated capture\n"
	    "  --options LIST   inject: options of the crafted SYN (default "
	    "all)\n"
	    "\n"
	    "model: the crossing succeeds when each SYN arrives after the "
	    "other side\n"
	    "called connect(), i.e. |offset| < one-way delay.\n"
	    "exit status: 0 swept; 2 usage; 3 output not writable; 4 "
	    "environment;\n"
	    "             130 interrupted\n",
	    f);
}

/* "-14ms:14ms:1ms" or "5ms". */
static bool
parse_range(const char *s, int64_t *from, int64_t *to, int64_t *step)
{
	char buf[128], *a, *b, *c, *p;

	if (strlen(s) >= sizeof buf)
		return false;
	snprintf(buf, sizeof buf, "%s", s);
	p = buf;
	a = strsep(&p, ":");
	b = strsep(&p, ":");
	c = strsep(&p, ":");
	if (p != NULL || !sl_cli_parse_time(a, from))
		return false;
	if (b == NULL) {
		*to = *from;
		*step = 1;
		return true;
	}
	if (c == NULL || !sl_cli_parse_time(b, to) ||
	    !sl_cli_parse_time(c, step) || *step <= 0 || *to < *from)
		return false;
	return (*to - *from) / *step < MAXPOINTS;
}

static enum outcome
point_outcome(const struct point *p)
{
	for (int i = 0; i < OC__COUNT; i++)
		if (p->oc[i] == p->runs && p->runs > 0)
			return (enum outcome)i;
	return OC_OTHER;
}

static const char *
point_outcome_name(const struct point *p)
{
	for (int i = 0; i < OC__COUNT; i++)
		if (p->oc[i] == p->runs && p->runs > 0)
			return oc_name[i];
	return "mixed";
}

static void
progress(struct sweep *sw, const struct point *p)
{
	size_t done = sw->nruns, total = sw->total_planned;
	int width = 30, fill;
	double el = (double)(sl_now_mono_ns() - sw->t_start) / 1e9;

	if (!sw->tty)
		return;
	if (done > total)
		total = done;
	fill = total ? (int)((double)width * (double)done / (double)total) : 0;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu runs  %+9.3f ms %-9s %5.1f s%s",
		fill, "##############################", width - fill, "", done,
		total, (double)p->offset_ns / 1e6, point_outcome_name(p), el,
		p->refine ? " (edge)" : "       ");
	fflush(stderr);
}

/* One run at offset into point pi. */
static int
run_one(struct sweep *sw, size_t pi)
{
	struct point *p = &sw->pts[pi];
	uint16_t port = (uint16_t)(PORT0 + sw->nruns % NPORTS);
	enum outcome oc = OC_OTHER;
	int64_t t_start = sl_now_real_ns();
	int rc;

	if (sw->inject) {
		struct sl_inj_opts o;
		struct sl_inj_result r;

		memset(&o, 0, sizeof o);
		o.state = SL_INJ_SYN_SENT;
		o.offset_ns = p->offset_ns;
		o.nsyn = 1;
		o.opts = sw->opts;
		o.peer_mode = true;
		o.port = port;
		o.stop = (volatile const int *)&g_stop;
		rc = sl_inj_run(sw->peer, &o, &r, NULL, 0, sw->errbuf);
		if (rc == SL_OK)
			oc = r.connect_err == 0		     ? OC_CONNECTED
			     : r.connect_err == ECONNREFUSED ? OC_REFUSED
							     : OC_OTHER;
	} else {
		struct sl_simopen_run r;

		/*
		 * A run whose two connect() calls were more than 0.2 ms off
		 * the planned offset measured another offset: counted as a
		 * miss and run again (up to 3 tries), on a fresh port.
		 */
		for (int tries = 0;; tries++) {
			int64_t err;

			rc = sl_lab_simopen(sw->lab, port, p->offset_ns, &r,
					    (volatile const int *)&g_stop,
					    sw->errbuf);
			if (rc != SL_OK || !r.t_connect[0] || !r.t_connect[1])
				break;
			err = r.t_connect[1] - r.t_connect[0] - p->offset_ns;
			if (err < 0)
				err = -err;
			if (err > sw->max_call_err)
				sw->max_call_err = err;
			if (err <= 200000 || tries == 2)
				break;
			sw->call_misses++;
			sw->nruns++; /* burn the port: its packets are not this point's */
			if (sw->nruns > sw->capruns || sw->runs == NULL) {
				sw->capruns =
				    sw->capruns ? sw->capruns * 2 : 256;
				sw->runs = sl_xrealloc(sw->runs, sw->capruns,
						       sizeof *sw->runs);
			}
			sw->runs[sw->nruns - 1].t_start = t_start;
			sw->runs[sw->nruns - 1].point = UINT32_MAX;
			sw->runs[sw->nruns - 1].shapes = 0;
			port = (uint16_t)(PORT0 + sw->nruns % NPORTS);
			t_start = sl_now_real_ns();
		}
		if (rc == SL_OK)
			oc = r.err[0] == 0 && r.err[1] == 0 ? OC_CONNECTED
			     : r.err[0] == ECONNREFUSED &&
				     r.err[1] == ECONNREFUSED
				 ? OC_REFUSED
				 : OC_OTHER;
	}
	if (rc != SL_OK)
		return rc;
	if (sw->nruns == sw->capruns) {
		sw->capruns = sw->capruns ? sw->capruns * 2 : 256;
		sw->runs = sl_xrealloc(sw->runs, sw->capruns, sizeof *sw->runs);
	}
	sw->runs[sw->nruns].t_start = t_start;
	sw->runs[sw->nruns].point = (unsigned)pi;
	sw->runs[sw->nruns].shapes = 0;
	sw->nruns++;
	p->runs++;
	p->oc[oc]++;
	progress(sw, p);
	return SL_OK;
}

static size_t
add_point(struct sweep *sw, int64_t off, bool refine)
{
	if (sw->npts == sw->cappts) {
		sw->cappts = sw->cappts ? sw->cappts * 2 : 64;
		sw->pts = sl_xrealloc(sw->pts, sw->cappts, sizeof *sw->pts);
	}
	memset(&sw->pts[sw->npts], 0, sizeof sw->pts[0]);
	sw->pts[sw->npts].offset_ns = off;
	sw->pts[sw->npts].refine = refine;
	return sw->npts++;
}

static int
run_point(struct sweep *sw, int64_t off, bool refine, size_t *pi)
{
	/* Edge probes: at least 3 runs, so one late packet cannot move it. */
	unsigned n = refine && sw->count < 3 ? 3 : sw->count;
	int rc;

	*pi = add_point(sw, off, refine);
	for (unsigned k = 0; k < n; k++)
		if ((rc = run_one(sw, *pi)) != SL_OK)
			return rc;
	return SL_OK;
}

/*
 * Bisects between in (connected) and out (not) until they are REFINE_NS
 * apart, a probe counting as connected when most of its runs were; edge
 * gets the last pair.
 */
static int
refine_edge(struct sweep *sw, int64_t in, int64_t out, int64_t edge[2])
{
	int rc;

	while ((out > in ? out - in : in - out) > REFINE_NS && !g_stop) {
		int64_t mid = in + (out - in) / 2;
		size_t pi;

		if ((rc = run_point(sw, mid, true, &pi)) != SL_OK)
			return rc;
		if (2 * sw->pts[pi].oc[OC_CONNECTED] > sw->pts[pi].runs)
			in = mid;
		else
			out = mid;
	}
	edge[0] = in;
	edge[1] = out;
	return SL_OK;
}

/* ---- analysis: shapes per run, told apart by port ---- */

static void
on_hs(const struct sl_handshake *hs, void *arg)
{
	struct sweep *sw = arg;
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

/* ---- output ---- */

struct measured {
	bool any;	  /* at least one connected point */
	int64_t lo, hi;	  /* lowest and highest connected offsets */
	bool has_edge[2]; /* [0] early edge, [1] late edge */
	int64_t edge_in[2], edge_out[2];
};

static int
cmp_off(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	return x->offset_ns < y->offset_ns ? -1 : x->offset_ns > y->offset_ns;
}

static void
json_point(FILE *f, const struct point *p)
{
	unsigned first = 1;

	fprintf(f, "{\"offset_us\":%.3f,\"runs\":%u,\"shapes\":{",
		(double)p->offset_ns / 1e3, p->runs);
	for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++) {
		if (!p->shapes[sh])
			continue;
		fprintf(f, "%s\"%s\":%u", first ? "" : ",",
			sl_shape_name((enum sl_shape)sh), p->shapes[sh]);
		first = 0;
	}
	fprintf(f,
		"},\"outcome\":\"%s\",\"outcomes\":{\"connected\":%u,"
		"\"refused\":%u,\"other\":%u}}",
		point_outcome_name(p), p->oc[OC_CONNECTED], p->oc[OC_REFUSED],
		p->oc[OC_OTHER]);
}

static double
dabs(double x)
{
	return x < 0 ? -x : x;
}

static double
edge_mid(const struct measured *m, int side)
{
	return (double)(m->edge_in[side] + m->edge_out[side]) / 2.0;
}

static void
write_json(FILE *f, const struct sweep *sw, const struct measured *m,
	   const char *kernel, int family, double total_s)
{
	unsigned n = 0;

	fprintf(f, "{\"sweep\":\"%s\",\"family\":%d,\"kernel\":",
		sw->inject ? "inject" : "simultaneous-open", family);
	sl_json_str(f, kernel);
	if (sw->inject) {
		char ob[48];

		fprintf(f, ",\"state\":\"syn-sent\",\"options\":\"%s\"",
			sl_inject_opts_str(sw->opts, ob, sizeof ob));
	}
	fprintf(f, ",\"delay_us\":%.3f,\"count\":%u,\"points\":[",
		(double)sw->delay_ns / 1e3, sw->count);
	for (size_t i = 0; i < sw->npts; i++) {
		if (sw->pts[i].refine)
			continue;
		fputs(n++ ? "," : "", f);
		json_point(f, &sw->pts[i]);
	}
	fputs("],\"refine\":[", f);
	n = 0;
	for (size_t i = 0; i < sw->npts; i++) {
		if (!sw->pts[i].refine)
			continue;
		fputs(n++ ? "," : "", f);
		json_point(f, &sw->pts[i]);
	}
	fprintf(f,
		"],\"model\":{\"delay_us\":%.3f,\"window_us\":%.3f,"
		"\"rule\":\"each SYN must arrive after the other side "
		"called connect(): |offset| < one-way delay\"}",
		(double)sw->delay_ns / 1e3, (double)sw->delay_ns / 1e3);
	fputs(",\"measured\":{", f);
	if (m->any) {
		fprintf(f,
			"\"connected_low_us\":%.3f,\"connected_high_us\":%.3f",
			(double)m->lo / 1e3, (double)m->hi / 1e3);
		for (int s = 0; s < 2; s++) {
			if (!m->has_edge[s])
				continue;
			fprintf(f,
				",\"edge_%s_us\":%.3f,\"edge_%s_bracket_us\":"
				"[%.3f,%.3f],\"edge_%s_minus_model_us\":%.3f",
				s ? "high" : "low", edge_mid(m, s) / 1e3,
				s ? "high" : "low", (double)m->edge_in[s] / 1e3,
				(double)m->edge_out[s] / 1e3,
				s ? "high" : "low",
				(s ? edge_mid(m, s) - (double)sw->delay_ns
				   : -edge_mid(m, s) - (double)sw->delay_ns) /
				    1e3);
		}
		if (m->has_edge[0] && m->has_edge[1])
			fprintf(f, ",\"within_500us_of_model\":%s",
				dabs(edge_mid(m, 1) - (double)sw->delay_ns) <=
					    500000 &&
					dabs(-edge_mid(m, 0) -
					     (double)sw->delay_ns) <= 500000
				    ? "true"
				    : "false");
	}
	if (!sw->inject)
		fprintf(f,
			"%s\"connect_offset_error_max_us\":%.3f,"
			"\"connect_offset_misses\":%u",
			m->any ? "," : "", (double)sw->max_call_err / 1e3,
			sw->call_misses);
	fprintf(f,
		"},\"cost\":{\"setup_ms\":%.3f,\"runs\":%zu,"
		"\"total_s\":%.3f,\"per_run_ms\":%.3f}}\n",
		(double)sl_lab_setup_ns(sw->lab) / 1e6, sw->nruns, total_s,
		sw->nruns ? total_s * 1e3 / (double)sw->nruns : 0.0);
}

static void
write_table(FILE *f, const struct sweep *sw, const struct measured *m,
	    double total_s)
{
	fputs("   offset ms  runs  outcome    shapes (analyzer)\n", f);
	for (size_t i = 0; i < sw->npts; i++) {
		const struct point *p = &sw->pts[i];
		bool inside = llabs(p->offset_ns) < sw->delay_ns;

		fprintf(f, "  %+10.3f  %4u  %-9s ", (double)p->offset_ns / 1e6,
			p->runs, point_outcome_name(p));
		for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
			if (p->shapes[sh])
				fprintf(f, " %s %u", sl_shape_name(sh),
					p->shapes[sh]);
		fprintf(f, "%s%s\n", p->refine ? "  (edge search)" : "",
			(point_outcome(p) == OC_CONNECTED) != inside
			    ? "  <- differs from the model"
			    : "");
	}
	fprintf(f,
		"\nmodel: the crossing succeeds when each SYN arrives after "
		"the other side called connect(): |offset| < one-way delay "
		"= %.3f ms\n",
		(double)sw->delay_ns / 1e6);
	if (!m->any) {
		fputs("measured: no offset connected\n", f);
	} else {
		fprintf(f,
			"measured: connected without a gap from %+.3f to "
			"%+.3f ms",
			(double)m->lo / 1e6, (double)m->hi / 1e6);
		for (int s = 0; s < 2; s++)
			if (m->has_edge[s])
				fprintf(
				    f,
				    "; %s edge %+.3f ms (between %+.3f "
				    "and %+.3f), %+.3f ms from the model",
				    s ? "late" : "early", edge_mid(m, s) / 1e6,
				    (double)m->edge_in[s] / 1e6,
				    (double)m->edge_out[s] / 1e6,
				    (s ? edge_mid(m, s) - (double)sw->delay_ns
				       : -edge_mid(m, s) -
					     (double)sw->delay_ns) /
					1e6);
		fputc('\n', f);
		if (m->has_edge[0] && m->has_edge[1])
			fprintf(f,
				"          the window is wider than the model "
				"by the wire's own latency "
				"(docs/kernel-notes.md: delay + ~0.1 ms)\n");
	}
	if (!sw->inject)
		fprintf(f,
			"timing: the two connect() calls were at most %.3f ms "
			"off the planned offset (%u run%s off by > 0.2 ms, run "
			"again)\n",
			(double)sw->max_call_err / 1e6, sw->call_misses,
			sw->call_misses == 1 ? "" : "s");
	fprintf(f,
		"cost: one sandbox for the sweep, set up in %.1f ms; %zu "
		"runs in %.2f s = %.1f ms per run\n",
		(double)sl_lab_setup_ns(sw->lab) / 1e6, sw->nruns, total_s,
		sw->nruns ? total_s * 1e3 / (double)sw->nruns : 0.0);
}

/* SVG: outcome against offset, the model window shaded, edges dashed. */
static int
write_plot(const char *path, const struct sweep *sw, const struct measured *m,
	   char *errbuf)
{
	const double W = 820, H = 300, L = 90, R = 20, T = 40, B = 50;
	double lo = 0, hi = 0, span, step;
	const char *color[] = {"#2a9d3a", "#c0392b", "#7f8c8d"};
	FILE *f = fopen(path, "w");

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
	if ((double)sw->delay_ns / 1e6 + 1 > hi)
		hi = (double)sw->delay_ns / 1e6 + 1;
	if (-(double)sw->delay_ns / 1e6 - 1 < lo)
		lo = -(double)sw->delay_ns / 1e6 - 1;
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
		L, sw->inject ? "inject --state syn-sent" : "simultaneous-open",
		(double)sw->delay_ns / 1e6);
	/* The model window |offset| < delay. */
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" "
		"fill=\"#2a9d3a\" fill-opacity=\"0.12\"/>\n"
		"<text x=\"%.1f\" y=\"%.0f\" fill=\"#2a9d3a\">model window "
		"|offset| &lt; %.3f ms</text>\n",
		X(-(double)sw->delay_ns / 1e6), T,
		X((double)sw->delay_ns / 1e6) - X(-(double)sw->delay_ns / 1e6),
		H - T - B, X(-(double)sw->delay_ns / 1e6) + 4, T + 14,
		(double)sw->delay_ns / 1e6);
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
	for (int o = 0; o < OC__COUNT; o++)
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
		sw->inject ? "crafted SYN sent after the target's connect()"
			   : "B's connect() after A's");
	/* Points: one dot per outcome seen, area by share of runs. */
	for (size_t i = 0; i < sw->npts; i++) {
		const struct point *p = &sw->pts[i];

		for (int o = 0; o < OC__COUNT; o++) {
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
	if (fclose(f) != 0) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_EIO;
	}
	return SL_OK;
}

int
sl_cmd_sweep(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"delay", required_argument, NULL, 'd'},
	    {"offset", required_argument, NULL, 't'},
	    {"count", required_argument, NULL, 'n'},
	    {"json", no_argument, NULL, 'j'},
	    {"plot", required_argument, NULL, 'p'},
	    {"state", required_argument, NULL, 's'},
	    {"options", required_argument, NULL, 'O'},
	    {"no-refine", no_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct sweep sw;
	struct measured m;
	struct sigaction sa, old_int, old_term;
	struct sl_cli_analysis an;
	struct utsname u;
	const char *plot = NULL, *out = NULL, *state = "syn-sent";
	int64_t from = 0, to = 0, step = 1;
	bool have_range = false, json = false, refine = true;
	unsigned long count = 1;
	int c, ret = SL_EXIT_OK, rc = SL_OK, family = 4;
	double total_s;
	char *end;

	memset(&sw, 0, sizeof sw);
	memset(&m, 0, sizeof m);
	sw.delay_ns = 10000000;
	sw.opts = SL_OPT_ALL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:6", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!sl_cli_parse_time(optarg, &sw.delay_ns) ||
			    sw.delay_ns < 0) {
				fprintf(stderr,
					"synlab sweep: --delay wants a "
					"time >= 0 like 10ms, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 't':
			if (!parse_range(optarg, &from, &to, &step)) {
				fprintf(stderr,
					"synlab sweep: --offset wants "
					"FROM:TO:STEP like "
					"-14ms:14ms:1ms, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			have_range = true;
			break;
		case 'n':
			count = strtoul(optarg, &end, 10);
			if (*end != '\0' || count == 0 || count > 10000) {
				fprintf(stderr,
					"synlab sweep: --count wants "
					"1..10000, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'p':
			plot = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 'O':
			if (sl_inject_parse_opts(optarg, &sw.opts) != SL_OK) {
				fprintf(stderr,
					"synlab sweep: --options wants "
					"mss,sack,ts,ws, all or none\n");
				return SL_EXIT_USAGE;
			}
			break;
		case 'R':
			refine = false;
			break;
		case '6':
			family = 6;
			break;
		case 'h':
			usage(stdout);
			return SL_EXIT_OK;
		default:
			usage(stderr);
			return SL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs("synlab sweep: which scenario? simultaneous-open or "
		      "inject\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "inject") == 0) {
		sw.inject = true;
		if (strcmp(state, "syn-sent") != 0) {
			fprintf(stderr,
				"synlab sweep inject: only --state "
				"syn-sent has a timing window (not "
				"'%s'); use `synlab run inject` for "
				"the others\n",
				state);
			return SL_EXIT_USAGE;
		}
	} else if (strcmp(argv[optind], "simultaneous-open") != 0) {
		fprintf(stderr,
			"synlab sweep: unknown scenario '%s'; "
			"simultaneous-open or inject\n",
			argv[optind]);
		return SL_EXIT_USAGE;
	}
	if (!have_range) {
		fputs("synlab sweep: --offset FROM:TO:STEP is required\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	sw.count = (unsigned)count;
	sw.vantage = sw.inject ? 1 : 0; /* the target's NIC; A's NIC */
	sw.tty = isatty(STDERR_FILENO);
	sw.total_planned = (size_t)((to - from) / step + 1) * count;
	if (sl_sandbox_check(true, sw.errbuf) != SL_OK) {
		fprintf(stderr, "synlab sweep: %s\n", sw.errbuf);
		return SL_EXIT_ENV;
	}
	/* Least privilege: give up every capability never used here,
	 * before any thread exists (common/priv.h). */
	if (sl_priv_drop_unused(sw.errbuf) != SL_OK) {
		fprintf(stderr, "synlab sweep: %s\n", sw.errbuf);
		return SL_EXIT_ENV;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	/* Phase 1, privileged: one sandbox for the whole sweep. */
	sw.lab = sl_lab_new(family, sw.errbuf, &rc);
	if (sw.lab == NULL) {
		fprintf(stderr, "synlab sweep: %s\n", sw.errbuf);
		ret = SL_EXIT_ENV;
		goto done;
	}
	sl_lab_set_delay(sw.lab, sw.delay_ns);
	if (sw.inject &&
	    (sw.peer = sl_inj_peer_open(sw.lab, sw.errbuf)) == NULL) {
		fprintf(stderr, "synlab sweep: %s\n", sw.errbuf);
		ret = SL_EXIT_ENV;
		goto done;
	}
	/* Phase 2: the grid, then the edges. */
	sw.t_start = sl_now_mono_ns();
	for (int64_t off = from; off <= to && !g_stop && rc == SL_OK;
	     off += step) {
		size_t pi;

		rc = run_point(&sw, off, false, &pi);
	}
	if (refine && rc == SL_OK && !g_stop) {
		/* Edges: neighbours on the grid with different outcomes. */
		size_t ngrid = sw.npts;

		/*
		 * The window is the contiguous run of connected grid points
		 * around the connected point nearest offset 0; an isolated
		 * connected point outside it (a late packet on a busy
		 * machine) shows in the table but does not move an edge.
		 */
		size_t best = ngrid, lo_i, hi_i;

		for (size_t i = 0; i < ngrid; i++)
			if (point_outcome(&sw.pts[i]) == OC_CONNECTED &&
			    (best == ngrid ||
			     llabs(sw.pts[i].offset_ns) <
				 llabs(sw.pts[best].offset_ns)))
				best = i;
		lo_i = hi_i = best;
		while (best < ngrid && lo_i > 0 &&
		       point_outcome(&sw.pts[lo_i - 1]) == OC_CONNECTED)
			lo_i--;
		while (best < ngrid && hi_i + 1 < ngrid &&
		       point_outcome(&sw.pts[hi_i + 1]) == OC_CONNECTED)
			hi_i++;
		for (int side = 0; side < 2 && best < ngrid && rc == SL_OK;
		     side++) {
			size_t i = side ? hi_i : lo_i - 1;
			bool a = side == 1;
			int64_t e[2];

			if (side == 0 && lo_i == 0)
				continue;
			if (side == 1 && hi_i + 1 >= ngrid)
				continue;
			rc = refine_edge(
			    &sw,
			    a ? sw.pts[i].offset_ns : sw.pts[i + 1].offset_ns,
			    a ? sw.pts[i + 1].offset_ns : sw.pts[i].offset_ns,
			    e);
			if (rc != SL_OK)
				break;
			m.has_edge[side] = true;
			m.edge_in[side] = e[0];
			m.edge_out[side] = e[1];
		}
	}
	total_s = (double)(sl_now_mono_ns() - sw.t_start) / 1e9;
	if (sw.tty)
		fputc('\n', stderr);
	if (rc == SL_EINTR || g_stop) {
		/*
		 * Interrupted: the capture so far is still written, complete
		 * and marked, if one was asked for.  A second
		 * Ctrl-C must not cut the writing short.
		 */
		static const int no_stop = 0;

		signal(SIGINT, SIG_IGN);
		fprintf(stderr,
			"synlab sweep: interrupted after %zu runs; "
			"sandbox removed\n",
			sw.nruns);
		ret = SL_EXIT_INTR;
		if (out == NULL)
			goto done;
		sl_lab_finish(sw.lab, 5000000 + sw.delay_ns, &no_stop);
		if (sl_cli_analyze_capture(
			sl_lab_recorder(sw.lab), NULL, -1, true, out,
			"synlab sweep INTERRUPTED (Ctrl-C): "
			"the runs captured until then",
			NULL, NULL, on_hs, &sw, &an, sw.errbuf) != SL_OK)
			fprintf(stderr, "synlab sweep: %s\n", sw.errbuf);
		else
			fprintf(stderr,
				"synlab sweep: annotated capture of the %zu "
				"runs so far: %s\n",
				sw.nruns, out);
		goto done;
	}
	if (rc != SL_OK) {
		fprintf(stderr, "synlab sweep: %s\n", sw.errbuf);
		ret = SL_EXIT_ENV;
		goto done;
	}
	sl_lab_finish(sw.lab, 5000000 + sw.delay_ns,
		      (volatile const int *)&g_stop);

	/* Phase 3: shapes per run from the capture, then the report. */
	if (sl_cli_analyze_capture(sl_lab_recorder(sw.lab), NULL, -1, true, out,
				   "synlab sweep", NULL, NULL, on_hs, &sw, &an,
				   sw.errbuf) != SL_OK) {
		fprintf(stderr, "synlab sweep: %s\n", sw.errbuf);
		ret = SL_EXIT_INPUT;
		goto done;
	}
	for (size_t r = 0; r < sw.nruns; r++)
		for (unsigned sh = 0;
		     sh < SL_SHAPE__COUNT && sw.runs[r].point != UINT32_MAX;
		     sh++)
			if (sw.runs[r].shapes & (1u << sh))
				sw.pts[sw.runs[r].point].shapes[sh]++;
	qsort(sw.pts, sw.npts, sizeof *sw.pts, cmp_off);
	/* The connected window: contiguous around the point nearest 0. */
	{
		size_t best = sw.npts, a, b;

		for (size_t i = 0; i < sw.npts; i++)
			if (point_outcome(&sw.pts[i]) == OC_CONNECTED &&
			    (best == sw.npts ||
			     llabs(sw.pts[i].offset_ns) <
				 llabs(sw.pts[best].offset_ns)))
				best = i;
		if (best < sw.npts) {
			for (a = best; a > 0 && point_outcome(&sw.pts[a - 1]) ==
						    OC_CONNECTED;
			     a--)
				;
			for (b = best;
			     b + 1 < sw.npts &&
			     point_outcome(&sw.pts[b + 1]) == OC_CONNECTED;
			     b++)
				;
			m.any = true;
			m.lo = sw.pts[a].offset_ns;
			m.hi = sw.pts[b].offset_ns;
		}
	}
	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	if (json) {
		write_json(stdout, &sw, &m, u.release, family, total_s);
	} else {
		printf(
		    "synlab sweep %s%s: one-way delay %.3f ms, offsets "
		    "%+.3f..%+.3f ms step %.3f ms, %u run%s each, Linux %s\n",
		    sw.inject ? "inject --state syn-sent" : "simultaneous-open",
		    family == 6 ? " -6" : "", (double)sw.delay_ns / 1e6,
		    (double)from / 1e6, (double)to / 1e6, (double)step / 1e6,
		    sw.count, sw.count == 1 ? "" : "s", u.release);
		write_table(stdout, &sw, &m, total_s);
		if (out)
			printf("annotated capture: %s\n", out);
	}
	if (plot != NULL) {
		if (write_plot(plot, &sw, &m, sw.errbuf) != SL_OK) {
			fprintf(stderr, "synlab sweep: %s\n", sw.errbuf);
			ret = SL_EXIT_INPUT;
			goto done;
		}
		if (!json)
			printf("plot: %s\n", plot);
	}
done:
	sl_inj_peer_close(sw.peer);
	sl_lab_free(sw.lab);
	free(sw.pts);
	free(sw.runs);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return ret;
}
