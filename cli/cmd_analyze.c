/* \summary: synlab analyze: argument parsing and wiring of analyzer, reports and outputs */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "annotate.h"
#include "cli.h"
#include "merge.h"
#include "ngindex.h"
#include "report.h"
#include "rules.h"
#include "svg.h"

struct analyze_ctx {
	struct sl_report *report;
	struct sl_annotate *annotate;
	struct sl_svg *svg;
	struct sl_merge *merge;
	unsigned problems;
};

/* Views of one connection are grouped before any output sees them. */
static void
on_handshake(const struct sl_handshake *hs, void *arg)
{
	struct analyze_ctx *ctx = arg;

	sl_merge_handshake(hs, ctx->merge);
}

/* Each connection (one or several views) goes to every output. */
static void
on_conn(const struct sl_conn *c, void *arg)
{
	struct analyze_ctx *ctx = arg;

	sl_report_conn(c, ctx->report);
	if (ctx->annotate)
		sl_annotate_conn(c, ctx->annotate);
	if (ctx->svg)
		sl_svg_conn(c, ctx->svg);
}

/*
 * Several vantage points: several files, or a pcapng with several
 * interfaces (as synlab run writes).  Only then are handshakes kept for
 * merging, since that costs memory per handshake.
 */
static bool
several_vantages(char **files, int n)
{
	struct sl_ngindex *ix;
	int nif;

	if (n > 1)
		return true;
	ix = sl_ngindex_open(files[0]);
	if (ix == NULL)
		return false;
	/* Interfaces may be described anywhere: walk the block headers. */
	while (sl_ngindex_count(ix) < 2 && sl_ngindex_next(ix) >= 0)
		;
	nif = sl_ngindex_count(ix);
	sl_ngindex_close(ix);
	return nif > 1;
}

static void
on_problem(const char *msg, void *arg)
{
	struct analyze_ctx *ctx = arg;

	if (ctx->problems < 20)
		fprintf(stderr, "synlab: %s\n", msg);
	else if (ctx->problems == 20)
		fprintf(stderr, "synlab: (further input problems are only "
				"counted in the report)\n");
	ctx->problems++;
	sl_report_problem(ctx->report, msg);
}

static void
usage(FILE *f)
{
	fputs(
	    "usage: synlab analyze [--json|--brief] [--annotate OUT.pcapng] "
	    "[--ladder OUT.svg]\n"
	    "                      [--ascii] [--idle SECONDS] FILE...\n"
	    "       synlab analyze --list-rules [--json]\n"
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
	    "  --list-rules       print the rules checked (Markdown table; "
	    "--json: JSON)\n"
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
	    {"list-rules", no_argument, NULL, 'L'},
	    {NULL, 0, NULL, 0},
	};
	struct analyze_ctx ctx = {0};
	struct sl_analyzer_cfg cfg = {0};
	struct sl_analyzer *az;
	const char *annotate_out = NULL, *ladder_out = NULL;
	const struct sl_summary *sum;
	char errbuf[SL_ERRBUF_SIZE];
	bool json = false, brief = false, list_rules = false;
	int ascii = -1, c, i, nfiles, ret = SL_EXIT_OK, input_error = 0;
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
		case 'L':
			list_rules = true;
			break;
		case 'h':
			usage(stdout);
			return SL_EXIT_OK;
		default:
			usage(stderr);
			return SL_EXIT_USAGE;
		}
	}
	if (list_rules)
		return sl_rules_write(stdout, json) == 0 ? SL_EXIT_OK
							 : SL_EXIT_INPUT;
	nfiles = argc - optind;
	if (nfiles < 1) {
		fputs("synlab analyze: no input file\n", stderr);
		usage(stderr);
		return SL_EXIT_USAGE;
	}
	if (ascii < 0)
		ascii = !isatty(STDOUT_FILENO);

	ctx.report =
	    sl_report_new(stdout,
			  json	  ? SL_REPORT_JSON
			  : brief ? SL_REPORT_BRIEF
				  : SL_REPORT_TEXT,
			  ascii, (const char *const *)(argv + optind), nfiles);
	if (annotate_out)
		ctx.annotate = sl_annotate_new();
	if (ladder_out)
		ctx.svg = sl_svg_new(50);
	ctx.merge = sl_merge_new(several_vantages(argv + optind, nfiles),
				 on_conn, &ctx);
	cfg.on_handshake = on_handshake;
	cfg.on_problem = on_problem;
	cfg.arg = &ctx;
	cfg.idle_ns = (int64_t)(idle * 1e9);
	az = sl_analyzer_new(&cfg);
	for (i = 0; i < nfiles; i++) {
		int r = sl_analyze_file(az, i, argv[optind + i], errbuf);
		if (r != SL_OK) {
			fprintf(stderr, "synlab: %s\n", errbuf);
			sl_report_problem(ctx.report, errbuf);
			input_error = 1;
		}
	}
	sl_analyzer_finish(az);
	sum = sl_analyzer_summary(az);
	sl_merge_finish(ctx.merge);
	sl_report_finish(ctx.report, sum);
	fflush(stdout);

	if (ctx.annotate) {
		if (sl_annotate_write(
			ctx.annotate, (const char *const *)(argv + optind),
			nfiles, annotate_out, NULL, errbuf) != 0) {
			fprintf(stderr, "synlab: %s\n", errbuf);
			input_error = 1;
		}
	}
	if (ctx.svg) {
		if (sl_svg_write(ctx.svg, ladder_out, errbuf) != 0) {
			fprintf(stderr, "synlab: %s\n", errbuf);
			input_error = 1;
		}
	}
	if (input_error || ctx.problems > 0)
		ret = SL_EXIT_INPUT;
	else if (sum->findings[SL_SEV_VIOLATION] > 0)
		ret = SL_EXIT_VIOLATION;

	sl_analyzer_free(az);
	sl_report_free(ctx.report);
	sl_annotate_free(ctx.annotate);
	sl_svg_free(ctx.svg);
	sl_merge_free(ctx.merge);
	return ret;
}
