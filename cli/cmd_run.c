/* \summary: synlab run: options, usage and exit codes of an experiment run (the work: the catalogue's entries, scenario/catalogue.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "catalogue.h"
#include "cli.h"
#include "remote.h"

#define CMD "synlab run"

struct run_args {
	struct sl_outopts oo;
	struct sl_xopts xo;
};

static void
usage(FILE *f)
{
	fputs(
	    "usage: synlab run EXPERIMENT [ITS OPTIONS] [OUTPUT OPTIONS]\n"
	    "       synlab run EXPERIMENT ... --kernel VERSION   (in a VM, "
	    "synlab kernels)\n"
	    "       synlab run --list\n"
	    "\n"
	    "Builds a private sandbox (network namespaces that vanish with "
	    "the\n"
	    "process), makes the kernel perform EXPERIMENT, captures it with "
	    "libpcap,\n"
	    "analyzes it and writes an annotated pcapng (default "
	    "synlab-EXPERIMENT.pcapng).\n"
	    "The experiment comes first; the options it takes, their units "
	    "and its\n"
	    "expected outcome are listed below.  Needs root (CAP_SYS_ADMIN,\n"
	    "CAP_NET_ADMIN, CAP_NET_RAW).\n"
	    "\n"
	    "  -o OUT.pcapng   the annotated capture (--json: the analyze "
	    "contract plus\n"
	    "                  \"scenario\" or \"inject\", and \"events\")\n"
	    "  --count N       run N times; report how many produced the "
	    "expected shape\n"
	    "  --delay D       one-way delay of the wire, e.g. 10ms\n"
	    "  --offset T      B's connect() T after A's (negative: before); "
	    "without it\n"
	    "                  the SYN gate releases both SYNs together; "
	    "inject-STATE:\n"
	    "                  when the crafted SYN leaves after the state's "
	    "instant\n"
	    "  -6              IPv6 (fd00::1, fd00::2; ::1 on loopback)\n"
	    "  --options LIST  inject-STATE: the crafted SYN's options, "
	    "mss,sack,ts,ws |\n"
	    "                  all | none (default all); `--options mss` at "
	    "syn-sent\n"
	    "                  shows the window-scale defect (rule "
	    "ws-not-negotiated)\n"
	    "  --list          list the experiments\n"
	    "\n"
	    "two real hosts (simultaneous-open --peer; run the same command "
	    "on both,\n"
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
	    "\n"
	    "durations take a unit: ns, us, ms, s (docs/time-grammar.md)\n"
	    "exit status: 0 expected outcome, no violation; 1 violation found "
	    "or a\n"
	    "             deterministic experiment missed its outcome; 2 "
	    "usage;\n"
	    "             3 output not writable; 4 environment (not root, no\n"
	    "             namespaces or TUN); 130 interrupted (the runs so "
	    "far are\n"
	    "             reported)\n",
	    f);
	fputs(sl_args_output_usage, f);
}

static void
list_experiments(FILE *f)
{
	const struct sl_experiment *x;

	for (size_t i = 0; (x = sl_experiment_at(i)) != NULL; i++)
		sl_experiment_describe(x, f);
}

/* --help: the usage, then every experiment. */
static void
help(FILE *f)
{
	usage(f);
	fputs("\nexperiments (parameters, units, expected outcome):\n", f);
	list_experiments(f);
}

/* Unknown experiment: exit 2, with the nearest name. */
static int
unknown(const char *name)
{
	const char *names[32], *near;
	const struct sl_experiment *x;
	size_t n = 0;

	while (n < 32 && (x = sl_experiment_at(n)) != NULL)
		names[n++] = x->name;
	near = sl_args_closest(name, names, n);
	fprintf(stderr, CMD ": unknown experiment '%s'", name);
	if (near != NULL)
		fprintf(stderr, "; did you mean '%s'?", near);
	fputs("\nsee '" CMD " --list' (the experiment goes first: " CMD
	      " NAME [OPTIONS])\n",
	      stderr);
	return SL_EXIT_USAGE;
}

/*
 * The getopt_long table of x: its parameters (long ones coded 1000 + their
 * index), the output options and --help, --list.  Short parameters ("-6")
 * go to shorts.
 */
static void
options_of(const struct sl_experiment *x, struct option *lo, size_t cap,
	   char *shorts, size_t scap)
{
	static const struct option common[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"list", no_argument, NULL, 'L'},
	    SL_ARGS_OUTPUT_LONGOPTS,
	};
	size_t n = 0, ns = strlen(shorts);

	for (size_t i = 0; x->params[i].option != NULL && n + 1 < cap; i++) {
		const struct sl_xparam *p = &x->params[i];

		if (p->option[1] != '-') {
			if (ns + 1 < scap)
				shorts[ns++] = p->option[1];
			continue;
		}
		lo[n].name = p->option + 2;
		lo[n].has_arg = strcmp(p->unit, "flag") == 0
				    ? no_argument
				    : required_argument;
		lo[n].flag = NULL;
		lo[n++].val = 1000 + (int)i;
	}
	shorts[ns] = '\0';
	for (size_t i = 0; i < sizeof common / sizeof common[0] && n + 1 < cap;
	     i++)
		lo[n++] = common[i];
	memset(&lo[n], 0, sizeof lo[n]);
}

/* The parameter getopt returned as c (long code or short letter). */
static const struct sl_xparam *
param_of(const struct sl_experiment *x, int c)
{
	for (size_t i = 0; x->params[i].option != NULL; i++)
		if (c == 1000 + (int)i || (x->params[i].option[1] == c &&
					   x->params[i].option[2] == 0))
			return &x->params[i];
	return NULL;
}

/* SL_EXIT_OK to go on, -1 when done (--help, --list), else the status. */
static int
parse(int argc, char **argv, const struct sl_experiment *x, struct run_args *a)
{
	struct option lo[48];
	char shorts[16] = "ho:", errbuf[SL_ERRBUF_SIZE];
	const struct sl_xparam *p;
	int c;

	options_of(x, lo, sizeof lo / sizeof lo[0], shorts, sizeof shorts);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (sl_args_output(c, optarg, &a->oo))
			continue;
		if ((p = param_of(x, c)) != NULL) {
			if (sl_xopts_take(&a->xo, p, optarg, errbuf) != SL_OK) {
				fprintf(stderr, CMD ": %s\n", errbuf);
				return SL_EXIT_USAGE;
			}
			continue;
		}
		switch (c) {
		case 'L':
			list_experiments(stdout);
			return -1;
		case 'h':
			help(stdout);
			return -1;
		default:
			return sl_args_usage_error(CMD, argv, lo);
		}
	}
	if (a->oo.bad)
		return SL_EXIT_USAGE;
	if (argc - optind != 1) {
		fputs(CMD ": one experiment at a time\n", stderr);
		return SL_EXIT_USAGE;
	}
	return SL_EXIT_OK;
}

/* The run through the entry's engine; returns the exit status. */
static int
run_entry(const struct sl_experiment *x, struct run_args *a)
{
	struct sl_xrun *r = NULL;
	struct sl_pipeline_cfg pc;
	struct sl_pipeline *p;
	struct sl_tally t;
	char errbuf[SL_ERRBUF_SIZE] = "", outbuf[256];
	int rc, ret = SL_EXIT_OK;

	if (x->ops->prepare(x, &a->xo, &r, errbuf) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		return SL_EXIT_USAGE;
	}
	if (a->oo.annotate == NULL) {
		snprintf(outbuf, sizeof outbuf, "synlab-%s.pcapng",
			 x->scenario ? x->scenario : x->name);
		a->oo.annotate = outbuf;
	}
	/* Outputs before the work: a bad path costs nothing. */
	sl_args_pipeline_cfg(&a->oo, &pc);
	if ((p = sl_pipeline_new(&pc, errbuf)) == NULL) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		r->ops->free(r);
		return SL_EXIT_INPUT;
	}
	r->o.stop = sl_args_catch();
	r->o.progress = a->oo.json ? NULL : stderr;
	rc = r->ops->run(r, errbuf);
	if (rc == SL_EINTR) {
		sl_args_hold_on(); /* a second Ctrl-C must not stop the writing */
		ret = SL_EXIT_INTR;
	} else if (rc != SL_OK)
		ret = rc == SL_EINVAL ? SL_EXIT_USAGE
		      : rc == SL_EIO  ? SL_EXIT_INPUT
				      : SL_EXIT_ENV;
	if (rc != SL_OK)
		fprintf(stderr, CMD ": %s\n", errbuf);
	if ((rc == SL_OK || rc == SL_EINTR) && r->have_report) {
		if (r->ops->report(r, p, !a->oo.json, &t, errbuf) != SL_OK) {
			fprintf(stderr, CMD ": %s\n", errbuf);
			ret = rc == SL_EINTR ? SL_EXIT_INTR : SL_EXIT_INPUT;
		} else {
			FILE *text = a->oo.json ? NULL : stdout;

			if (text)
				putchar('\n');
			if (!r->ops->verdict(r, &t, text) && ret == SL_EXIT_OK)
				ret = SL_EXIT_VIOLATION;
			if (text)
				sl_args_print_written(stdout, p);
		}
	}
	r->ops->free(r);
	sl_pipeline_free(p);
	sl_args_release();
	return ret;
}

/*
 * Hidden (tests): `synlab run --lab-hold D [--delay D]` holds two lab
 * hosts joined by the TUN wire until SIGTERM/SIGINT or D, and prints
 * where they are (capture/remote.h).
 */
static int
lab_hold(int argc, char **argv)
{
	int64_t hold = 0, delay = 0;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int rc;

	for (int i = 1; i < argc; i += 2) {
		bool d = strcmp(argv[i], "--delay") == 0;

		if (i + 1 == argc ||
		    (!d && strcmp(argv[i], "--lab-hold") != 0)) {
			fputs(CMD ": --lab-hold D [--delay D]\n", stderr);
			return SL_EXIT_USAGE;
		}
		if (!sl_args_duration(CMD, argv[i], argv[i + 1], false,
				      d ? &delay : &hold))
			return SL_EXIT_USAGE;
	}
	if (hold <= 0 || hold > 3600 * 1000000000LL) {
		fputs(CMD ": --lab-hold wants at most 3600s\n", stderr);
		return SL_EXIT_USAGE;
	}
	rc = sl_remote_lab_hold(delay, hold, stdout, sl_args_catch(), errbuf);
	sl_args_release();
	if (rc == SL_EINTR || rc == SL_OK)
		return SL_EXIT_OK;
	fprintf(stderr, CMD ": lab: %s\n", errbuf);
	return SL_EXIT_ENV;
}

/* `run inject --state S ...` is `run inject-S ...`: into name, argv
 * without --state S; false if there is no --state. */
static bool
legacy_inject(int *argc, char **argv, char *name, size_t len)
{
	for (int i = 2; i < *argc; i++) {
		const char *v = NULL;
		int drop = 1;

		if (strncmp(argv[i], "--state=", 8) == 0)
			v = argv[i] + 8;
		else if (strcmp(argv[i], "--state") == 0 && i + 1 < *argc) {
			v = argv[i + 1];
			drop = 2;
		}
		if (v == NULL)
			continue;
		snprintf(name, len, "inject-%s", v);
		memmove(&argv[i], &argv[i + drop],
			(size_t)(*argc - i - drop + 1) * sizeof *argv);
		*argc -= drop;
		argv[1] = name;
		return true;
	}
	return false;
}

int
sl_cmd_run(int argc, char **argv)
{
	struct run_args a = {.oo = {.ascii = -1, .cmd = CMD}};
	const struct sl_experiment *x;
	char name[64];
	int ret;

	/* --kernel V: the same run in a VM of kernel V (cmd_kernels.c). */
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--kernel", 8) == 0 &&
		    (argv[i][8] == '\0' || argv[i][8] == '='))
			return sl_cmd_run_kernel(argc, argv, i);
	if (argc > 1 && strcmp(argv[1], "--lab-hold") == 0)
		return lab_hold(argc, argv);
	if (argc > 1 && strcmp(argv[1], "inject") == 0 &&
	    !legacy_inject(&argc, argv, name, sizeof name)) {
		fputs(CMD " inject: which --state? bound, closed, syn-sent or "
			  "established (" CMD " inject-STATE)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	sl_xopts_init(&a.xo);
	if (argc < 2 || argv[1][0] == '-') {
		/* --help, --list; else the experiment must come first. */
		for (int i = 1; i < argc; i++)
			if (strcmp(argv[i], "--list") == 0 ||
			    strcmp(argv[i], "--help") == 0 ||
			    strcmp(argv[i], "-h") == 0) {
				if (argv[i][2] == 'l')
					list_experiments(stdout);
				else
					help(stdout);
				return SL_EXIT_OK;
			}
		fputs(CMD ": which experiment? " CMD
			  " NAME [OPTIONS] (the name first; " CMD " --list)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	if ((x = sl_experiment_find(argv[1])) == NULL)
		return unknown(argv[1]);
	if ((ret = parse(argc, argv, x, &a)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	return run_entry(x, &a);
}
