/* \summary: synlab analyze: argument parsing and wiring of analyzer, reports and outputs */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "cli.h"
#include "pipeline.h"

static void
on_problem(const char *msg, void *arg)
{
	unsigned *shown = arg;

	if (*shown < 20)
		fprintf(stderr, "synlab: %s\n", msg);
	else if (*shown == 20)
		fprintf(stderr, "synlab: (further input problems are only "
				"counted in the report)\n");
	(*shown)++;
}

static void
usage(FILE *f)
{
	fputs(
	    "usage: synlab analyze [--json|--brief] [--annotate OUT.pcapng] "
	    "[--ladder OUT.svg]\n"
	    "                      [--ascii] [--idle SECONDS] FILE...\n"
	    "\n"
	    "Reads pcap or pcapng files (tcpdump, Wireshark, synlab), finds "
	    "every TCP\n"
	    "handshake, names its shape, replays both endpoints through the "
	    "RFC 9293\n"
	    "state machine and reports what breaks the rules.\n"
	    "\n"
	    "  --json             one JSON document on stdout instead of the "
	    "text report\n"
	    "  --brief            one line a handshake: id, shape, endpoints, "
	    "verdict\n"
	    "  --annotate OUT     write every packet to OUT (pcapng) with a "
	    "comment on\n"
	    "                     each handshake frame (Wireshark: "
	    "frame.comment)\n"
	    "  --ladder OUT.svg   draw the handshakes as SVG ladder diagrams\n"
	    "  --ascii            plain ASCII ladders (default when not a "
	    "terminal)\n"
	    "  --utf8             box-drawing ladders even when not a "
	    "terminal\n"
	    "  --idle SECONDS     a handshake with no packet for this long "
	    "(capture\n"
	    "                     time) is finished (default 300)\n"
	    "\n"
	    "shapes: three-way simultaneous-open self-connect refused "
	    "unanswered reset\n"
	    "        incomplete\n"
	    "exit status: 0 no violation, 1 violation found, 2 usage, 3 "
	    "unreadable or\n"
	    "             malformed input (the message names file and frame)\n",
	    f);
}

int
sl_cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"brief", no_argument, NULL, 'b'},
	    {"annotate", required_argument, NULL, 'a'},
	    {"ladder", required_argument, NULL, 'l'},
	    {"ascii", no_argument, NULL, 'A'},
	    {"utf8", no_argument, NULL, 'U'},
	    {"idle", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct sl_pipeline_cfg cfg = {0};
	struct sl_pipeline *p;
	struct sl_tally t;
	const char *annotate_out = NULL, *ladder_out = NULL;
	char errbuf[SL_ERRBUF_SIZE];
	bool json = false, brief = false;
	int ascii = -1, c, i, nfiles, ret = SL_EXIT_OK, input_error = 0;
	unsigned shown = 0;
	double idle = 0;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'b':
			brief = true;
			break;
		case 'a':
			annotate_out = optarg;
			break;
		case 'l':
			ladder_out = optarg;
			break;
		case 'A':
			ascii = 1;
			break;
		case 'U':
			ascii = 0;
			break;
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
		case 'h':
			usage(stdout);
			return SL_EXIT_OK;
		default:
			usage(stderr);
			return SL_EXIT_USAGE;
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		fputs("synlab analyze: no input file\n", stderr);
		usage(stderr);
		return SL_EXIT_USAGE;
	}
	if (ascii < 0)
		ascii = !isatty(STDOUT_FILENO);

	cfg.report = true;
	cfg.fmt = json	  ? SL_REPORT_JSON
		  : brief ? SL_REPORT_BRIEF
			  : SL_REPORT_TEXT;
	cfg.ascii = ascii;
	cfg.annotate_path = annotate_out;
	cfg.ladder_path = ladder_out;
	cfg.idle_ns = (int64_t)(idle * 1e9);
	cfg.on_problem = on_problem;
	cfg.arg = &shown;
	if ((p = sl_pipeline_new(&cfg, errbuf)) == NULL) {
		fprintf(stderr, "synlab analyze: %s\n", errbuf);
		return SL_EXIT_INPUT;
	}
	for (i = 0; i < nfiles; i++)
		(void)sl_pipeline_add_file(p, argv[optind + i], NULL);
	for (i = 0; i < nfiles; i++)
		if (sl_pipeline_feed_file(p, i, errbuf) != SL_OK) {
			fprintf(stderr, "synlab: %s\n", errbuf);
			input_error = 1;
		}
	if (sl_pipeline_finish(p, &t, errbuf) != SL_OK) {
		fprintf(stderr, "synlab: %s\n", errbuf);
		input_error = 1;
	}
	if (input_error || t.problems > 0)
		ret = SL_EXIT_INPUT;
	else if (t.sum.findings[SL_SEV_VIOLATION] > 0)
		ret = SL_EXIT_VIOLATION;
	sl_pipeline_free(p);
	return ret;
}
