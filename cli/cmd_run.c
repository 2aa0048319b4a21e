/* \summary: synlab run: options, usage and exit codes of a scenario run (the work: capture/scenario.c, scenario/runs.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "catalogue.h"
#include "cli.h"
#include "priv.h"
#include "run_peer.h"
#include "runs.h"
#include "sandbox.h"

#define CMD "synlab run"

struct run_args {
	struct sl_outopts oo;
	struct sl_scn_opts o;
	unsigned long count;
	struct sl_run_peer_args pa;
	bool peer_opts;
	int64_t lab_hold_ns;
	const char *name;
};

static void
usage(FILE *f)
{
	fputs(
	    "usage: synlab run EXPERIMENT [--count N] [--delay D] [--offset T] "
	    "[-6]\n"
	    "                  [OUTPUT OPTIONS]\n"
	    "       synlab run inject-STATE [run inject's options]\n"
	    "       synlab run EXPERIMENT ... --kernel VERSION   (in a VM, "
	    "synlab kernels)\n"
	    "       synlab run --list\n"
	    "\n"
	    "Builds a private sandbox (network namespaces that vanish with "
	    "the\n"
	    "process), makes the kernel perform SCENARIO, captures it with "
	    "libpcap,\n"
	    "analyzes it and writes an annotated pcapng (default "
	    "synlab-SCENARIO.pcapng).\n"
	    "Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW).\n"
	    "\n"
	    "  -o OUT.pcapng   the annotated capture (--json: the analyze "
	    "contract plus\n"
	    "                  \"scenario\" and \"events\")\n"
	    "  --count N       run N times; report how many produced the "
	    "expected shape\n"
	    "  --delay D       one-way delay of the wire (simultaneous-open), "
	    "e.g. 10ms\n"
	    "  --offset T      B's connect() T after A's (negative: before); "
	    "without it\n"
	    "                  the SYN gate releases both SYNs together\n"
	    "  -6              IPv6 (fd00::1, fd00::2; ::1 on loopback)\n"
	    "  --list          list the scenarios\n"
	    "\n"
	    "two real hosts (simultaneous-open only; run the same command on "
	    "both,\n"
	    "each naming the other; see docs/two-hosts.md):\n"
	    "  --peer HOST[:PORT]  the other host; nothing is sent anywhere "
	    "else\n"
	    "  --port P        local port (the peer's too unless HOST:PORT "
	    "says)\n"
	    "  --at TIME       the agreed instant: 2026-11-27T12:00:00.250Z, "
	    "+10s\n"
	    "                  or @EPOCH; CLOCK_REALTIME, so sync both clocks "
	    "(NTP)\n"
	    "  --attempts N    retry at TIME + k * interval until one connects "
	    "(1)\n"
	    "  --interval D    between attempts, e.g. 1s or 500ms; default "
	    "1s\n"
	    "  --interface IF  capture here (default: the route's interface to "
	    "HOST)\n"
	    "                  needs CAP_NET_RAW (root) to capture\n"
	    "\n"
	    "durations take a unit: ns, us, ms, s (docs/time-grammar.md)\n"
	    "exit status: 0 expected shape, no violation; 1 violation found or "
	    "a\n"
	    "             deterministic scenario missed its shape; 2 usage;\n"
	    "             3 output not writable; 4 environment (not root, no\n"
	    "             namespaces or TUN); 130 interrupted (the runs so "
	    "far are\n"
	    "             reported)\n",
	    f);
	fputs(sl_args_output_usage, f);
}

static void
list_scenarios(FILE *f)
{
	const struct sl_experiment *x;

	for (size_t i = 0; (x = sl_experiment_at(i)) != NULL; i++)
		sl_experiment_describe(x, f);
}

/*
 * `synlab run inject-STATE ARGS` is `synlab run inject --state STATE
 * ARGS`: the entry's engine parses its own options.
 */
static int
run_inject_entry(const struct sl_experiment *x, int argc, char **argv)
{
	char **v = calloc((size_t)argc + 3, sizeof *v);
	char a0[] = "inject", a1[] = "--state", a2[32];
	int ret;

	if (v == NULL)
		return SL_EXIT_ENV;
	snprintf(a2, sizeof a2, "%s", x->state);
	v[0] = a0;
	v[1] = a1;
	v[2] = a2;
	for (int i = 2; i < argc; i++)
		v[i + 1] = argv[i];
	ret = sl_cmd_run_inject(argc + 1, v);
	free(v);
	return ret;
}

/* The options of the two-host mode: 1 if c was one, 0 if not, -1 bad. */
static int
parse_peer(int c, struct run_args *a)
{
	unsigned long n;

	switch (c) {
	case 'P':
		a->pa.peer = optarg;
		return 1;
	case 'p':
		a->pa.port = optarg;
		break;
	case 'T':
		a->pa.at = optarg;
		break;
	case 'I':
		a->pa.ifname = optarg;
		break;
	case 'N':
		if (!sl_args_count(CMD, "--attempts", optarg, 1, 1000, &n))
			return -1;
		a->pa.attempts = (unsigned)n;
		break;
	case 'V':
		if (!sl_args_duration(CMD, "--interval", optarg, false,
				      &a->pa.interval_ns))
			return -1;
		break;
	case 'X':
		a->pa.netns = optarg;
		return 1;
	case 'H':
		if (!sl_args_duration(CMD, "--lab-hold", optarg, false,
				      &a->lab_hold_ns) ||
		    a->lab_hold_ns > 3600 * 1000000000LL) {
			fputs(CMD ": --lab-hold wants at most 3600s\n", stderr);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
	a->peer_opts = true;
	return 1;
}

/* SL_EXIT_OK to go on, -1 when done (--help, --list), else the status. */
static int
parse(int argc, char **argv, struct run_args *a)
{
	static const struct option longopts[] = {
	    {"count", required_argument, NULL, 'n'},
	    {"delay", required_argument, NULL, 'd'},
	    {"offset", required_argument, NULL, 't'},
	    {"list", no_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    /* two real hosts (run_peer.c) */
	    {"peer", required_argument, NULL, 'P'},
	    {"port", required_argument, NULL, 'p'},
	    {"at", required_argument, NULL, 'T'},
	    {"interface", required_argument, NULL, 'I'},
	    {"attempts", required_argument, NULL, 'N'},
	    {"interval", required_argument, NULL, 'V'},
	    /* hidden, for the tests: the lab holder and entering its hosts */
	    {"netns", required_argument, NULL, 'X'},
	    {"lab-hold", required_argument, NULL, 'H'},
	    SL_ARGS_OUTPUT_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:6", longopts, NULL)) != -1) {
		if (sl_args_output(c, optarg, &a->oo))
			continue;
		if ((r = parse_peer(c, a)) != 0) {
			if (r < 0)
				return SL_EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'n':
			if (!sl_args_count(CMD, "--count", optarg, 1, 1000000,
					   &a->count))
				return SL_EXIT_USAGE;
			break;
		case 'd':
			if (!sl_args_duration(CMD, "--delay", optarg, false,
					      &a->o.delay_ns))
				return SL_EXIT_USAGE;
			break;
		case 't':
			if (!sl_args_duration(CMD, "--offset", optarg, true,
					      &a->o.offset_ns))
				return SL_EXIT_USAGE;
			a->o.has_offset = true;
			break;
		case '6':
			a->o.family = 6;
			break;
		case 'L':
			list_scenarios(stdout);
			return -1;
		case 'h':
			usage(stdout);
			fputs("\nexperiments (parameters, units, expected "
			      "outcome):\n",
			      stdout);
			list_scenarios(stdout);
			return -1;
		default:
			return sl_args_usage_error(CMD, argv, longopts);
		}
	}
	if (a->oo.bad)
		return SL_EXIT_USAGE;
	if (a->lab_hold_ns > 0)
		return SL_EXIT_OK;
	if (argc - optind != 1) {
		fputs(argc - optind < 1 ? CMD ": which scenario?\n"
					: CMD ": one scenario at a time\n",
		      stderr);
		usage(stderr);
		return SL_EXIT_USAGE;
	}
	a->name = argv[optind];
	return SL_EXIT_OK;
}

/* One line per run on stderr when there are several. */
static void
run_line(const struct sl_runs *rs, const struct sl_scn_result *res, bool m,
	 unsigned long count, bool json)
{
	for (unsigned i = 0; i < sl_recorder_count(res->rec) && !json; i++)
		if (sl_recorder_capture(res->rec, i)->ps_drop)
			fprintf(stderr,
				CMD ": run %u: %s dropped %u packets "
				    "(pcap_stats)\n",
				rs->runs + 1,
				sl_recorder_capture(res->rec, i)->label,
				sl_recorder_capture(res->rec, i)->ps_drop);
	if (count > 1 && !json)
		fprintf(stderr,
			"run %u/%lu: %s  (setup %.1f ms, run %.1f ms, teardown "
			"%.1f ms)\n",
			rs->runs + 1, count,
			m ? sl_shape_name(rs->s->expect) : "unexpected shape",
			(double)res->setup_ns / 1e6, (double)res->run_ns / 1e6,
			(double)res->teardown_ns / 1e6);
}

/* count runs, or until stop; SL_OK, SL_EINTR or SL_E* with errbuf. */
static int
run_loop(struct sl_runs *rs, unsigned long count, bool json, char *errbuf)
{
	struct sl_scn_result res;
	struct sl_tally t;
	int rc;

	while (rs->runs < count) {
		rc = sl_scenario_run(rs->s, &rs->o, &res, errbuf);
		if (rc == SL_EINTR || *rs->o.stop) {
			/* Interrupted: keep what this run captured. */
			sl_runs_keep_interrupted(rs, &res);
			return SL_EINTR;
		}
		if (rc == SL_OK)
			rc = sl_runs_tally(&res, &t, errbuf);
		if (rc != SL_OK) {
			sl_scn_result_free(&res);
			return rc;
		}
		/* res is taken by sl_runs_add: read it before */
		run_line(rs, &res, sl_runs_matched(rs->s, &t), count, json);
		(void)sl_runs_add(rs, &res, &t);
	}
	return SL_OK;
}

/* Checks the combination of options; 0 or the usage status. */
static int
check(const struct run_args *a, const struct sl_scenario *s)
{
	if (a->pa.peer != NULL || a->peer_opts || a->pa.netns != NULL) {
		if (a->pa.peer == NULL ||
		    strcmp(s->name, "simultaneous-open") != 0 ||
		    a->o.has_offset || a->o.delay_ns || a->o.family == 6 ||
		    a->count != 1) {
			fputs(CMD
			      ": --port/--at/--attempts/--interval/"
			      "--interface go with\n  synlab run "
			      "simultaneous-open --peer HOST (and not with "
			      "--delay, --offset,\n  -6, --count: the peer's "
			      "address decides the family)\n",
			      stderr);
			return SL_EXIT_USAGE;
		}
		return SL_EXIT_OK;
	}
	if (!s->uses_timing && (a->o.has_offset || a->o.delay_ns)) {
		fprintf(stderr, CMD ": %s takes no --delay/--offset\n",
			s->name);
		return SL_EXIT_USAGE;
	}
	return SL_EXIT_OK;
}

static int
run_sandbox(struct run_args *a, const struct sl_scenario *s)
{
	struct sl_runs rs = {.s = s, .o = a->o};
	struct sl_pipeline_cfg pc;
	struct sl_pipeline *p;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int rc, ret = SL_EXIT_OK;

	sl_args_pipeline_cfg(&a->oo, &pc);
	if ((p = sl_pipeline_new(&pc, errbuf)) == NULL) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		return SL_EXIT_INPUT;
	}
	/* Privileges first: a clear message rather than a half-built sandbox;
	 * then give up every capability never used here, before any thread
	 * exists (common/priv.h). */
	if (sl_sandbox_check(s->nhosts > 1, errbuf) != SL_OK ||
	    sl_priv_drop_unused(errbuf) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		sl_pipeline_free(p);
		return SL_EXIT_ENV;
	}
	rs.o.stop = sl_args_catch();
	rc = run_loop(&rs, a->count, a->oo.json, errbuf);
	if (rc == SL_EINTR) {
		sl_args_hold_on(); /* a second Ctrl-C must not stop the writing */
		fprintf(stderr,
			CMD ": interrupted after %u run%s; sandbox "
			    "removed\n",
			rs.runs, rs.runs == 1 ? "" : "s");
		ret = SL_EXIT_INTR;
	} else if (rc != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		ret = SL_EXIT_ENV;
	}
	if ((rc == SL_OK || rc == SL_EINTR) && rs.have_keep) {
		if (sl_runs_report(&rs, p, !a->oo.json, errbuf) != SL_OK) {
			fprintf(stderr, CMD ": %s\n", errbuf);
			ret = rc == SL_EINTR ? SL_EXIT_INTR : SL_EXIT_INPUT;
		} else if (!a->oo.json) {
			putchar('\n');
			sl_args_print_written(stdout, p);
			sl_runs_summary(&rs, stdout);
		}
	}
	if (ret == SL_EXIT_OK &&
	    (rs.any_violation ||
	     (sl_scenario_deterministic(s, &rs.o) && rs.ok < rs.runs)))
		ret = SL_EXIT_VIOLATION;
	sl_runs_free(&rs);
	sl_pipeline_free(p);
	sl_args_release();
	return ret;
}

int
sl_cmd_run(int argc, char **argv)
{
	struct run_args a = {.oo = {.ascii = -1, .cmd = CMD}, .count = 1};
	const struct sl_experiment *x;
	const struct sl_scenario *s;
	char outbuf[256];
	int ret;

	/* --kernel V: the same run in a VM of kernel V (cmd_kernels.c). */
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--kernel", 8) == 0 &&
		    (argv[i][8] == '\0' || argv[i][8] == '='))
			return sl_cmd_run_kernel(argc, argv, i);
	/* `run inject` has its own options (--state, --options). */
	if (argc > 1 && strcmp(argv[1], "inject") == 0)
		return sl_cmd_run_inject(argc - 1, argv + 1);
	if (argc > 1 && (x = sl_experiment_find(argv[1])) != NULL &&
	    x->engine == SL_X_INJECT)
		return run_inject_entry(x, argc, argv);
	if (argc > 1 && (x = sl_experiment_find(argv[1])) != NULL &&
	    x->engine == SL_X_NAT)
		return sl_cmd_run_holepunch(argc - 1, argv + 1);
	a.o.family = 4;
	if ((ret = parse(argc, argv, &a)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	if (a.lab_hold_ns > 0)
		return sl_run_lab_hold(a.o.delay_ns, a.lab_hold_ns);
	x = sl_experiment_find(a.name);
	if (x == NULL || x->engine == SL_X_INJECT ||
	    (s = sl_scenario_find(x->scenario)) == NULL) {
		const char *names[32], *near;
		size_t n = 0;

		while (n < 32 && (x = sl_experiment_at(n)) != NULL)
			names[n++] = x->name;
		near = sl_args_closest(a.name, names, n);
		fprintf(stderr, CMD ": unknown experiment '%s'", a.name);
		if (near != NULL)
			fprintf(stderr, "; did you mean '%s'?", near);
		fputs("\nsee '" CMD " --list' (inject entries go first: " CMD
		      " inject-STATE ...)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	if (x->engine == SL_X_PEER && a.pa.peer == NULL) {
		fprintf(stderr, CMD ": %s needs --peer HOST\n", x->name);
		return SL_EXIT_USAGE;
	}
	if ((ret = check(&a, s)) != SL_EXIT_OK)
		return ret;
	if (a.oo.annotate == NULL) {
		snprintf(outbuf, sizeof outbuf, "synlab-%s.pcapng", s->name);
		a.oo.annotate = outbuf;
	}
	if (a.pa.peer != NULL) {
		a.pa.oo = a.oo;
		return sl_run_peer(&a.pa);
	}
	return run_sandbox(&a, s);
}
