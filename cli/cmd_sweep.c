/* \summary: synlab sweep: options, usage and exit codes of a timing sweep (the work: scenario/sweep.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "args.h"
#include "catalogue.h"
#include "cli.h"
#include "inject.h"
#include "priv.h"
#include "sandbox.h"
#include "sweep.h"

#define CMD "synlab sweep"

static void
usage(FILE *f)
{
	fputs(
	    "usage: synlab sweep simultaneous-open --delay D --offset "
	    "FROM:TO:STEP\n"
	    "                    [--count N] [--plot OUT.svg] [OUTPUT "
	    "OPTIONS]\n"
	    "                    [--no-refine] [-6]\n"
	    "       synlab sweep inject-syn-sent --delay D --offset "
	    "FROM:TO:STEP\n"
	    "                    [--options LIST] [same options]\n"
	    "       (any experiment with a timing parameter: synlab run "
	    "--list;\n"
	    "       `inject` is inject-syn-sent)\n"
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
	    "  --plot OUT.svg   outcome against offset, the model window "
	    "shaded\n"
	    "  --options LIST   inject: options of the crafted SYN (default "
	    "all)\n"
	    "\n"
	    "model: the crossing succeeds when each SYN arrives after the "
	    "other side\n"
	    "called connect(), i.e. |offset| < one-way delay.\n"
	    "exit status: 0 swept; 2 usage; 3 output not writable; 4 "
	    "environment;\n"
	    "             130 interrupted (the table and plot of the points "
	    "done)\n"
	    "\n"
	    "--json is the sweep's document; --brief lists the handshakes "
	    "first.\n",
	    f);
	fputs(sl_args_output_usage, f);
}

static void
progress(const struct sl_sweep_point *p, size_t done, size_t total, void *arg)
{
	int width = 30, fill;
	const int64_t *t0 = arg;
	double el = (double)(sl_now_mono_ns() - *t0) / 1e9;

	if (done > total)
		total = done;
	fill = total ? (int)((double)width * (double)done / (double)total) : 0;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu runs  %+9.3f ms %-9s %5.1f s%s",
		fill, "##############################", width - fill, "", done,
		total, (double)p->offset_ns / 1e6,
		sl_sweep_point_oc(p) == SL_OC_CONNECTED ? "connected"
		: sl_sweep_point_oc(p) == SL_OC_REFUSED ? "refused"
							: "other",
		el, p->refine ? " (edge)" : "       ");
	fflush(stderr);
}

/* A misspelt sweepable experiment: said with "did you mean"; true. */
static bool
sweepable_near(const char *name)
{
	const struct sl_experiment *x;
	const char *names[32];
	size_t n = 0;

	for (size_t i = 0; n < 31 && (x = sl_experiment_at(i)) != NULL; i++)
		if (x->sweep_param || x->engine == SL_X_NAT)
			names[n++] = x->name;
	names[n++] = "inject";
	if (sl_args_closest(name, names, n) == NULL)
		return false;
	sl_args_unknown(CMD, "experiment", name, names, n, CMD " --help");
	return true;
}

/* Options into cfg; SL_EXIT_OK to go on, else the exit status. */
static int
parse(int argc, char **argv, struct sl_sweep_cfg *cfg, struct sl_outopts *oo,
      const char **plot)
{
	static const struct option longopts[] = {
	    {"delay", required_argument, NULL, 'd'},
	    {"offset", required_argument, NULL, 't'},
	    {"count", required_argument, NULL, 'n'},
	    {"plot", required_argument, NULL, 'p'},
	    {"state", required_argument, NULL, 's'},
	    {"options", required_argument, NULL, 'O'},
	    {"no-refine", no_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    SL_ARGS_OUTPUT_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *state = "syn-sent", *range = NULL;
	const struct sl_experiment *x;
	char errbuf[SL_ERRBUF_SIZE];
	unsigned long count = 1;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:6", longopts, NULL)) != -1) {
		if (sl_args_output(c, optarg, oo))
			continue;
		switch (c) {
		case 'd':
			if (!sl_args_duration(CMD, "--delay", optarg, false,
					      &cfg->delay_ns))
				return SL_EXIT_USAGE;
			break;
		case 't':
			range = optarg;
			break;
		case 'n':
			if (!sl_args_count(CMD, "--count", optarg, 1, 10000,
					   &count))
				return SL_EXIT_USAGE;
			cfg->count = (unsigned)count;
			break;
		case 'p':
			*plot = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 'O':
			if (sl_inject_parse_opts(optarg, &cfg->opts) != SL_OK) {
				fprintf(stderr, CMD ": --options wants "
						    "mss,sack,ts,ws, all or "
						    "none\n");
				return SL_EXIT_USAGE;
			}
			break;
		case 'R':
			cfg->refine = false;
			break;
		case '6':
			cfg->family = 6;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return sl_args_usage_error(CMD, argv, longopts);
		}
	}
	if (oo->bad)
		return SL_EXIT_USAGE;
	if (argc - optind != 1) {
		fputs(CMD ": which experiment? simultaneous-open, "
			  "inject-syn-sent or holepunch\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	/* "inject" is inject-syn-sent, the one state with a window */
	x = sl_experiment_find(strcmp(argv[optind], "inject") == 0
				   ? "inject-syn-sent"
				   : argv[optind]);
	if (x == NULL && sweepable_near(argv[optind]))
		return SL_EXIT_USAGE;
	if (x == NULL || x->sweep_param == NULL) {
		fprintf(stderr,
			CMD ": '%s' has no timing parameter to sweep; these "
			    "have:\n",
			argv[optind]);
		for (size_t i = 0; (x = sl_experiment_at(i)) != NULL; i++)
			if (x->sweep_param)
				fprintf(stderr, "  %s (%s)\n", x->name,
					x->sweep_param);
			else if (x->engine == SL_X_NAT)
				fprintf(stderr,
					"  %s (NAT mappings, B's start "
					"offset)\n",
					x->name);
		return SL_EXIT_USAGE;
	}
	cfg->kind = x->sweep_kind;
	if (cfg->kind == SL_SWEEP_INJECT) {
		if (strcmp(state, "syn-sent") != 0) {
			fprintf(stderr,
				CMD " inject: only --state syn-sent has a "
				    "timing window (not '%s'); use `synlab run "
				    "inject` for the others\n",
				state);
			return SL_EXIT_USAGE;
		}
	}
	if (range == NULL) {
		fputs(CMD ": --offset FROM:TO:STEP is required\n", stderr);
		return SL_EXIT_USAGE;
	}
	if (sl_sweep_parse_range(range, &cfg->from, &cfg->to, &cfg->step,
				 errbuf) != SL_OK) {
		fprintf(stderr, CMD ": --offset %s\n", errbuf);
		return SL_EXIT_USAGE;
	}
	return SL_EXIT_OK;
}

/* The table or JSON, then the plot: also of an interrupted sweep. */
static int
report(const struct sl_sweep *sw, const struct sl_outopts *oo, const char *plot,
       bool interrupted, char *errbuf)
{
	struct utsname u;
	FILE *out = stdout;

	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	if (oo->annotate && strcmp(oo->annotate, "-") == 0)
		out = stderr;
	if (plot && strcmp(plot, "-") == 0)
		out = stderr;
	if (oo->json)
		sl_sweep_write_json(sw, out, u.release, interrupted);
	else
		sl_sweep_write_table(sw, out, u.release, interrupted);
	if (!oo->json && oo->annotate)
		fprintf(out, "annotated capture: %s\n", oo->annotate);
	if (plot != NULL) {
		if (sl_sweep_write_plot(sw, plot, errbuf) != SL_OK)
			return SL_EIO;
		if (!oo->json)
			fprintf(out, "plot: %s\n", plot);
	}
	if (fflush(out) != 0 || ferror(out)) {
		sl_errbuf_set(errbuf, "%s: write error",
			      out == stdout ? "stdout" : "stderr");
		return SL_EIO;
	}
	return SL_OK;
}

int
sl_cmd_sweep(int argc, char **argv)
{
	struct sl_sweep_cfg cfg = {0};
	struct sl_outopts oo = {.ascii = -1, .cmd = CMD};
	struct sl_pipeline_cfg pc;
	struct sl_pipeline *p = NULL;
	struct sl_sweep *sw = NULL;
	const char *plot = NULL;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int64_t t0 = sl_now_mono_ns();
	int ret, rc;

	if (argc > 1 && strcmp(argv[1], "holepunch") == 0)
		return sl_cmd_sweep_holepunch(argc - 1, argv + 1);
	cfg.family = 4;
	cfg.delay_ns = 10000000;
	cfg.count = 1;
	cfg.refine = true;
	cfg.opts = SL_OPT_ALL;
	if ((ret = parse(argc, argv, &cfg, &oo, &plot)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	/* Outputs first: a sweep takes minutes, a bad path should not. */
	sl_args_pipeline_cfg(&oo, &pc);
	/* The sweep's own table is the report; --brief or a selection adds
	 * the handshakes. */
	pc.report = oo.brief || oo.sel.shapes || oo.sel.findings || oo.sel.id;
	pc.annotate_per_input = false; /* one capture of the whole sweep */
	if ((p = sl_pipeline_new(&pc, errbuf)) == NULL ||
	    (plot && sl_pipeline_check_output(plot, errbuf) != SL_OK)) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		sl_pipeline_free(p);
		return SL_EXIT_INPUT;
	}
	if (sl_sandbox_check(true, errbuf) != SL_OK ||
	    sl_priv_drop_unused(errbuf) != SL_OK) {
		/* Least privilege: every capability never used here goes,
		 * before any thread exists (common/priv.h). */
		fprintf(stderr, CMD ": %s\n", errbuf);
		sl_pipeline_free(p);
		return SL_EXIT_ENV;
	}
	cfg.stop = sl_args_catch();
	if (isatty(STDERR_FILENO)) {
		cfg.progress = progress;
		cfg.arg = &t0;
	}
	sw = sl_sweep_new(&cfg);
	/* Phase 1, privileged: one sandbox for the whole sweep. */
	if ((rc = sl_sweep_open(sw, errbuf)) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		ret = SL_EXIT_ENV;
		goto done;
	}
	/* Phase 2: the grid, then the edges. */
	rc = sl_sweep_run(sw, errbuf);
	if (cfg.progress)
		fputc('\n', stderr);
	if (rc != SL_OK && rc != SL_EINTR) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		ret = SL_EXIT_ENV;
		goto done;
	}
	if (rc == SL_EINTR) {
		/* A second Ctrl-C must not cut the writing short. */
		sl_args_hold_on();
		fprintf(stderr,
			CMD ": interrupted after %zu runs; sandbox removed\n",
			sl_sweep_runs(sw));
		sl_pipeline_set_section(p, "synlab sweep INTERRUPTED (Ctrl-C): "
					   "the runs captured until then");
	} else {
		sl_pipeline_set_section(p, "synlab sweep");
	}
	/* Phase 3: shapes per run from the capture, then the report. */
	ret = rc == SL_EINTR ? SL_EXIT_INTR : SL_EXIT_OK;
	if (sl_sweep_analyze(sw, p, NULL, errbuf) != SL_OK ||
	    report(sw, &oo, plot, rc == SL_EINTR, errbuf) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		ret = rc == SL_EINTR ? SL_EXIT_INTR : SL_EXIT_INPUT;
	}
done:
	sl_sweep_free(sw);
	sl_pipeline_free(p);
	sl_args_release();
	return ret;
}
