/* \summary: synlab sweep: options, usage and exit codes of a timing sweep (the work: scenario/sweep.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "catalogue.h"
#include "drive.h"
#include "cli.h"

#define CMD "synlab sweep"

struct sweep_args {
	struct sl_outopts oo;
	struct sl_xopts xo;
	struct sl_xsweep s;
};

static void
usage(FILE *f)
{
	const struct sl_experiment *x;

	fputs("usage: synlab sweep EXPERIMENT --offset FROM:TO:STEP [--count "
	      "N] [--no-refine]\n"
	      "                    [--plot OUT.svg] [ITS OPTIONS] [OUTPUT "
	      "OPTIONS]\n"
	      "\n"
	      "Runs real kernels at each offset (one lab, one capture) and "
	      "reports per\noffset the outcome the kernels produced and the "
	      "handshake shapes the\nanalyzer saw: the early / in-window / "
	      "late map.  model: the crossing\nsucceeds when each SYN arrives "
	      "after the other side called connect(),\ni.e. |offset| < "
	      "one-way delay (--delay, default 10ms).\n"
	      "\n"
	      "  --offset F:T:S   from, to, step, e.g. -14ms:14ms:1ms (or one "
	      "offset)\n"
	      "  --count N        runs per offset (default 1)\n"
	      "  --no-refine      do not bisect the window's edges after the "
	      "grid\n"
	      "  --plot OUT.svg   outcome against offset, the model window "
	      "shaded\n"
	      "exit status: 0 swept; 2 usage; 3 output not writable; 4 "
	      "environment;\n             130 interrupted (the table and plot "
	      "of the points done)\n"
	      "--json is the sweep's document; --brief lists the handshakes "
	      "first.\n\nexperiments with a timing parameter (`inject` is "
	      "inject-syn-sent):\n",
	      f);
	for (size_t i = 0; (x = sl_experiment_at(i)) != NULL; i++)
		if (sl_experiment_sweeps(x))
			sl_experiment_describe(x, f);
	fputs(sl_args_output_usage, f);
}

/* Options into a; SL_EXIT_OK to go on, -1 after --help, else the status. */
static int
parse(int argc, char **argv, const struct sl_experiment *x,
      struct sweep_args *a)
{
	static const struct option own[] = {
	    {"offset", required_argument, NULL, 't'},
	    {"count", required_argument, NULL, 'n'},
	    {"plot", required_argument, NULL, 'p'},
	    {"no-refine", no_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct sl_args_entry e;
	char errbuf[SL_ERRBUF_SIZE];
	unsigned long n;
	int c;

	sl_args_entry_init(&e, x->params, own, &a->oo, &a->xo);
	while ((c = sl_args_entry_next(&e, CMD, argc, argv)) >= 0) {
		switch (c) {
		case 't':
			if (sl_sweep_parse_range(optarg, &a->s.from, &a->s.to,
						 &a->s.step, errbuf) != SL_OK) {
				fprintf(stderr, CMD ": --offset %s\n", errbuf);
				return sl_args_see(CMD);
			}
			a->s.has_range = true;
			break;
		case 'n':
			if (!sl_args_count(CMD, "--count", optarg, 1, 10000,
					   &n))
				return sl_args_see(CMD);
			a->s.count = (unsigned)n;
			break;
		case 'p':
			a->s.plot = optarg;
			break;
		case 'R':
			a->s.refine = false;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return sl_args_usage_error(CMD, argv, e.lo);
		}
	}
	return c == -1 ? SL_EXIT_OK : -c;
}

int
sl_cmd_sweep(int argc, char **argv)
{
	struct sweep_args a = {.oo = {.v.ascii = -1, .cmd = CMD},
			       .s = {.count = 1, .refine = true}};
	const struct sl_experiment *x;
	struct sl_xrun *r = NULL;
	struct sl_xdrive d;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int ret;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return SL_EXIT_OK;
		}
	/* `sweep inject --state syn-sent` is `sweep inject-syn-sent` */
	if ((argc > 1 && strcmp(argv[1], "inject") == 0 &&
	     sl_experiment_unalias(&argc, argv, errbuf) < 0) ||
	    (x = sl_experiment_lookup(argc > 1 ? argv[1] : "", true, errbuf)) ==
		NULL) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		return sl_args_see(CMD);
	}
	sl_xopts_init(&a.xo);
	if ((ret = parse(argc, argv, x, &a)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	if (argc - optind != 1) {
		fputs(CMD ": one experiment at a time\n", stderr);
		return sl_args_see(CMD);
	}
	if (sl_experiment_prepare(x, &a.xo, true, &r, errbuf) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		return sl_args_see(CMD);
	}
	sl_args_drive(&d, CMD);
	ret = sl_args_exit(sl_xrun_drive_sweep(r, &a.s, &a.oo.v, &d));
	sl_xrun_free(r);
	sl_stop_release();
	return ret;
}
