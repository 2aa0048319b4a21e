/* \summary: synlab analyze: options, usage and exit codes (the work: analyze/pipeline.c) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "args.h"
#include "files.h"
#include "cli.h"
#include "pipeline.h"
#include "rules.h"

static void
usage(FILE *f)
{
	fputs(
	    "usage: synlab analyze [OUTPUT OPTIONS] [--idle SECONDS] [-f EXPR] "
	    "[-c N]\n"
	    "                      [--shape NAME]... [--findings] [--id N] "
	    "[--all] FILE...\n"
	    "       synlab analyze --list-rules [--json]\n"
	    "\n"
	    "Reads pcap or pcapng files (tcpdump, Wireshark, synlab), finds "
	    "every TCP\n"
	    "handshake, names its shape, replays both endpoints through the "
	    "RFC 9293\n"
	    "state machine and reports what breaks the rules.  Several files, "
	    "or a\n"
	    "pcapng with several interfaces, are vantages merged on one "
	    "timeline.\n"
	    "\n"
	    "  --idle SECONDS   a handshake with no packet for this long "
	    "(capture time)\n"
	    "                   is finished (default 300)\n"
	    "  -f, --filter EXPR  read only the packets the BPF expression "
	    "selects\n"
	    "                   (tcpdump's syntax: 'tcp port 80'), before "
	    "analysis\n"
	    "  -c, --max-packets N  stop after N selected packets of each "
	    "file\n"
	    "  --list-rules     print the rules checked (Markdown table; "
	    "--json: JSON)\n"
	    "\n"
	    "exit status: 0 no violation, 1 violation found, 2 usage, 3 "
	    "unreadable or\n"
	    "             malformed input (the message names file and "
	    "frame), or an\n"
	    "             output that could not be written\n",
	    f);
	fputs(sl_args_output_usage, f);
}

int
sl_cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"idle", required_argument, NULL, 'i'},
	    {"list-rules", no_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {"filter", required_argument, NULL, 'f'},
	    {"max-packets", required_argument, NULL, 'c'},
	    SL_ARGS_OUTPUT_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct sl_outopts oo = {.v.ascii = -1, .cmd = "synlab analyze"};
	struct sl_pipeline_cfg cfg;
	struct sl_pipeline *p;
	struct sl_tally t;
	char errbuf[SL_ERRBUF_SIZE], hint[1024];
	int c, i, nfiles, ret = SL_EXIT_OK;
	struct sl_problem_log log = {stderr, "synlab", 0};
	bool list_rules = false;
	double idle = 0;
	char *end;
	const char *filter = NULL;
	uint64_t max_packets = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:f:c:", longopts, NULL)) != -1) {
		if (sl_args_output(c, optarg, &oo))
			continue;
		switch (c) {
		case 'i':
			idle = strtod(optarg, &end);
			if (*end != '\0' || idle <= 0) {
				fprintf(stderr,
					"synlab analyze: --idle wants a "
					"positive number of seconds, not "
					"'%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 'L':
			list_rules = true;
			break;
		case 'f':
			if (sl_filter_check(optarg, errbuf) != 0) {
				fprintf(stderr,
					"synlab analyze: --filter '%s': %s\n",
					optarg, errbuf);
				return SL_EXIT_USAGE;
			}
			filter = optarg;
			break;
		case 'c':
			max_packets = strtoull(optarg, &end, 10);
			if (*end != '\0' || max_packets == 0 ||
			    optarg[0] == '-') {
				fprintf(stderr,
					"synlab analyze: -c wants a positive "
					"number of packets, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return SL_EXIT_OK;
		default:
			return sl_args_usage_error("synlab analyze", argv,
						   longopts);
		}
	}
	if (oo.bad)
		return SL_EXIT_USAGE;
	if (list_rules)
		return sl_rules_write(stdout, oo.v.json) == 0 ? SL_EXIT_OK
							      : SL_EXIT_INPUT;
	nfiles = argc - optind;
	if (nfiles < 1) {
		fputs("synlab analyze: no input file\n", stderr);
		usage(stderr);
		return SL_EXIT_USAGE;
	}
	if (filter == NULL && (i = sl_filter_guess(argv + optind, nfiles, hint,
						   sizeof hint)) >= 0) {
		fprintf(stderr,
			"synlab analyze: %s: no such file; did you mean "
			"--filter '%s'?\n",
			argv[optind + i], hint);
		return SL_EXIT_USAGE;
	}
	sl_outputs_cfg(&oo.v, isatty(STDOUT_FILENO), &cfg);
	cfg.filter = filter;
	cfg.max_packets = max_packets;
	cfg.annotate_per_input = false; /* one file, an interface per input */
	cfg.idle_ns = (int64_t)(idle * 1e9);
	cfg.on_problem = sl_problem_log;
	cfg.arg = &log;
	if ((p = sl_pipeline_new(&cfg, errbuf)) == NULL) {
		fprintf(stderr, "synlab analyze: %s\n", errbuf);
		return SL_EXIT_INPUT;
	}
	if (sl_pipeline_files(p, argv + optind, nfiles, stderr, "synlab", &t) !=
		SL_OK ||
	    t.problems > 0)
		ret = SL_EXIT_INPUT;
	else if (t.sum.findings[SL_SEV_VIOLATION] > 0)
		ret = SL_EXIT_VIOLATION;
	sl_pipeline_free(p);
	return ret;
}
