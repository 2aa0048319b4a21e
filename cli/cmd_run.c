/* \summary: synlab run: options, usage and exit codes of an experiment run (the work: the catalogue's entries, scenario/catalogue.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "catalogue.h"
#include "drive.h"
#include "cli.h"
#include "kernelrun.h"
#include "remote.h"

#define CMD "synlab run"

struct run_args {
	struct sl_outopts oo;
	struct sl_xopts xo;
};

static void
usage(FILE *f)
{
	fputs("usage: synlab run EXPERIMENT [ITS OPTIONS] [OUTPUT OPTIONS]\n"
	      "       synlab run EXPERIMENT ... --kernel VERSION   (in a VM, "
	      "synlab kernels)\n"
	      "       synlab run --list\n"
	      "\n"
	      "Builds a private sandbox (network namespaces that vanish with "
	      "the process),\nmakes the kernel perform EXPERIMENT, captures "
	      "it with libpcap, analyzes it\nand writes an annotated pcapng "
	      "(default synlab-EXPERIMENT.pcapng; --json:\nthe analyze "
	      "contract plus \"scenario\" or \"inject\", and \"events\").  "
	      "The\nexperiment comes first; its options, their units and its "
	      "expected outcome\nare listed below (durations: ns, us, ms, s; "
	      "docs/time-grammar.md).\nsimultaneous-open --peer HOST runs on "
	      "two real hosts (docs/two-hosts.md).\nNeeds root "
	      "(CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW).\n"
	      "\n"
	      "exit status: 0 expected outcome, no violation; 1 violation "
	      "found or a\n             deterministic experiment missed its "
	      "outcome; 2 usage;\n             3 output not writable; 4 "
	      "environment (not root, no\n             namespaces or TUN); "
	      "130 interrupted (the runs so far are\n             reported)\n",
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

/* SL_EXIT_OK to go on, -1 when done (--help, --list), else the status. */
static int
parse(int argc, char **argv, const struct sl_experiment *x, struct run_args *a)
{
	static const struct option own[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"list", no_argument, NULL, 'L'},
	    {NULL, 0, NULL, 0},
	};
	struct sl_args_entry e;
	int c;

	sl_args_entry_init(&e, x->params, own, &a->oo, &a->xo);
	while ((c = sl_args_entry_next(&e, CMD, argc, argv)) >= 0) {
		switch (c) {
		case 'L':
			list_experiments(stdout);
			return -1;
		case 'h':
			help(stdout);
			return -1;
		default:
			return sl_args_usage_error(CMD, argv, e.lo);
		}
	}
	if (c != -1)
		return -c;
	if (argc - optind != 1) {
		fputs(CMD ": one experiment at a time\n", stderr);
		return sl_args_see(CMD);
	}
	return SL_EXIT_OK;
}

/* The run through the entry's engine (check: prepared only); returns
 * the exit status. */
static int
run_entry(const struct sl_experiment *x, struct run_args *a, bool check)
{
	struct sl_xrun *r = NULL;
	struct sl_xdrive d;
	char errbuf[SL_ERRBUF_SIZE] = "", outbuf[256];
	bool met;
	int rc;

	if (sl_experiment_prepare(x, &a->xo, false, &r, errbuf) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		return sl_args_see(CMD);
	}
	if (check) {
		sl_xrun_free(r);
		return SL_EXIT_OK;
	}
	if (a->oo.v.annotate == NULL) {
		snprintf(outbuf, sizeof outbuf, "synlab-%s.pcapng",
			 x->scenario ? x->scenario : x->name);
		a->oo.v.annotate = outbuf;
	}
	sl_args_drive(&d, CMD);
	rc = sl_xrun_drive(r, &a->oo.v, &d, &met);
	sl_xrun_free(r);
	sl_stop_release();
	return rc == SL_OK && !met ? SL_EXIT_VIOLATION : sl_args_exit(rc);
}

/*
 * Hidden (tests): `synlab run --lab-hold D [--delay D]` holds two lab
 * hosts joined by the TUN wire until SIGTERM/SIGINT or D, and prints
 * where they are (capture/remote.h).
 */
static int
lab_hold(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"lab-hold", required_argument, NULL, 'H'},
	    {"delay", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	int64_t hold = 0, delay = 0;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if (c == '?')
			return sl_args_usage_error(CMD, argv, lo);
		else if (!sl_args_duration(
			     CMD, c == 'd' ? "--delay" : "--lab-hold", optarg,
			     false, c == 'd' ? &delay : &hold))
			return SL_EXIT_USAGE;
	if (optind != argc) {
		fprintf(stderr, CMD ": --lab-hold D [--delay D], not '%s'\n",
			argv[optind]);
		return SL_EXIT_USAGE;
	}
	rc = sl_remote_lab_hold(delay, hold, stdout, sl_stop_catch(), errbuf);
	sl_stop_release();
	if (rc != SL_OK && rc != SL_EINTR)
		fprintf(stderr, CMD ": %s%s\n",
			rc == SL_EINVAL ? "" : "lab: ", errbuf);
	return rc == SL_EINTR ? SL_EXIT_OK : sl_args_exit(rc);
}

/* Whether argv[i] is option opt, alone or as opt=VALUE. */
static bool
is_opt(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	return strncmp(arg, opt, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* The run argv asks for; check: only its options and the entry's checks.
 * -1 when done (--help, --list), else the exit status. */
static int
run(int argc, char **argv, bool check)
{
	struct run_args a = {.oo = {.v.ascii = -1, .cmd = CMD}};
	const struct sl_experiment *x;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int ret;

	if (argc > 1 && is_opt(argv[1], "--lab-hold"))
		return lab_hold(argc, argv);
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
				return -1;
			}
		fputs(CMD ": which experiment? " CMD
			  " NAME [OPTIONS] (the name first; " CMD " --list)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "inject") == 0 &&
	    sl_experiment_unalias(&argc, argv, errbuf) <= 0) {
		/* `run inject --state S`: its --help, or which state */
		for (int i = 2; i < argc; i++)
			if (strcmp(argv[i], "--help") == 0 ||
			    strcmp(argv[i], "-h") == 0) {
				help(stdout);
				return -1;
			}
		fprintf(stderr, CMD " inject: %s\n", errbuf);
		return sl_args_see(CMD " inject");
	}
	if ((x = sl_experiment_lookup(argv[1], false, errbuf)) == NULL) {
		fprintf(stderr,
			CMD ": %s\nsee '" CMD
			    " --list' (the experiment goes first: " CMD
			    " NAME [OPTIONS])\n",
			errbuf);
		return SL_EXIT_USAGE;
	}
	if ((ret = parse(argc, argv, x, &a)) != SL_EXIT_OK)
		return ret;
	return run_entry(x, &a, check);
}

int
sl_cmd_run(int argc, char **argv)
{
	static struct sl_vm_run r;
	char errbuf[SL_ERRBUF_SIZE] = "", *check[SL_VM_RUN_MAXARGS + 1];
	int at = 0, ret, rc, status;

	for (int i = 1; i < argc && at == 0; i++)
		if (is_opt(argv[i], "--kernel"))
			at = i;
	if (at == 0) {
		ret = run(argc, argv, false);
		return ret < 0 ? SL_EXIT_OK : ret;
	}
	/* --kernel V: the same run in a VM of kernel V (vm/kernelrun.c), its
	 * options checked here first, so a usage error costs no boot. */
	if (sl_vm_run_args(&r, argc, argv, at, errbuf) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		return SL_EXIT_USAGE;
	}
	memcpy(check, r.args, sizeof check); /* getopt permutes its argv */
	if ((ret = run((int)r.nargs, check, true)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	if ((rc = sl_vm_run_in_vm(&r, stderr, &status, errbuf)) != SL_OK)
		fprintf(stderr, CMD ": %s\n", errbuf);
	if (status < 0) /* nothing ran: no directory is the environment */
		return rc == SL_EIO ? SL_EXIT_ENV : sl_args_exit(rc);
	return rc == SL_OK ? status : SL_EXIT_INPUT;
}
