/* \summary: synlab inject: one crafted segment on a named interface: options, usage, exit codes */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "inject.h"

static void
inject_usage(FILE *f)
{
	fputs(
	    "usage: synlab inject --interface IF --src ADDR:PORT --dst "
	    "ADDR:PORT\n"
	    "                     --flags FLAGS --seq N [--ack N] [--win N]\n"
	    "                     [--options LIST] [--mss N] [--wscale N]\n"
	    "                     [--at TIME] [--ttl N]\n"
	    "\n"
	    "Sends ONE crafted TCP segment, built with libnet, on the "
	    "interface\n"
	    "you name (raw IP socket bound to it), for use on real networks.\n"
	    "It refuses to send without --interface.  Needs CAP_NET_RAW.\n"
	    "\n"
	    "  --interface IF  the interface the segment must leave by\n"
	    "  --src, --dst    10.0.0.3:1314 or [fd00::3]:1314 (same family)\n"
	    "  --flags FLAGS   letters: S SYN, A ACK, R RST, F FIN, P PSH (SA, "
	    "RA)\n"
	    "  --seq, --ack    sequence and acknowledgment numbers\n"
	    "  --win N         window (default 64240; 0 for RST)\n"
	    "  --options LIST  mss,sack,ts,ws | all | none (default: none, or "
	    "all for SYN)\n"
	    "  --at TIME       when: +10ms (from now), @1764254400.25 (epoch "
	    "seconds)\n"
	    "                  or 2026-11-27T12:00:00.250Z; CLOCK_REALTIME; "
	    "sleep,\n"
	    "                  then spin; default now (docs/time-grammar.md)\n"
	    "\n"
	    "prints when the segment was scheduled and really sent.\n"
	    "exit status: 0 sent; 2 usage; 4 environment (not root, no such "
	    "interface)\n",
	    f);
}

struct inject_args {
	struct sl_seg_spec sp;
	const char *ifname;
};

/* SL_EXIT_OK to go on, -1 after --help, else the status. */
static int
inject_parse(int argc, char **argv, struct inject_args *a)
{
	static const struct option longopts[] = {
	    {"interface", required_argument, NULL, 'i'},
	    {"src", required_argument, NULL, 's'},
	    {"dst", required_argument, NULL, 'd'},
	    {"flags", required_argument, NULL, 'f'},
	    {"seq", required_argument, NULL, 'q'},
	    {"ack", required_argument, NULL, 'a'},
	    {"win", required_argument, NULL, 'w'},
	    {"options", required_argument, NULL, 'o'},
	    {"mss", required_argument, NULL, 'm'},
	    {"wscale", required_argument, NULL, 'W'},
	    {"ttl", required_argument, NULL, 'T'},
	    {"at", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char errbuf[SL_ERRBUF_SIZE];
	int c, k, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, &k)) != -1) {
		if (c == 'i') {
			a->ifname = optarg;
			continue;
		}
		if (c != '?' && c != 'h' &&
		    (r = sl_seg_spec_take(&a->sp, longopts[k].name, optarg,
					  errbuf)) != 0) {
			if (r > 0)
				continue;
			fprintf(stderr, "synlab inject: %s\n", errbuf);
			return sl_args_see("synlab inject");
		}
		if (c != 'h') {
			if (strncmp(argv[optind - 1], "--state", 7) == 0)
				fputs("synlab inject: a kernel socket in a "
				      "state is 'synlab run inject-STATE' "
				      "(synlab run --list)\n",
				      stderr);
			return sl_args_usage_error("synlab inject", argv,
						   longopts);
		}
		inject_usage(stdout);
		return -1;
	}
	if (optind != argc) {
		fprintf(stderr, "synlab inject: unexpected argument '%s'\n",
			argv[optind]);
		return SL_EXIT_USAGE;
	}
	if (a->ifname == NULL) {
		fputs("synlab inject: refusing to send without --interface: "
		      "name the interface the segment must leave by (inside "
		      "a sandbox, use `synlab run inject-STATE`)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	if (a->sp.src == NULL || a->sp.dst == NULL || a->sp.flags == NULL ||
	    !a->sp.have_seq) {
		fputs("synlab inject: --src, --dst, --flags and --seq are "
		      "required\n",
		      stderr);
		inject_usage(stderr);
		return SL_EXIT_USAGE;
	}
	return SL_EXIT_OK;
}

int
sl_cmd_inject(int argc, char **argv)
{
	struct inject_args a = {.ifname = NULL};
	char errbuf[SL_ERRBUF_SIZE] = "", note[128] = "";
	int ret, rc;

	sl_seg_spec_init(&a.sp);
	if ((ret = inject_parse(argc, argv, &a)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	rc = sl_seg_spec_send(&a.sp, a.ifname, stdout, note, sizeof note,
			      errbuf);
	if (note[0])
		fprintf(stderr, "synlab inject: note: %s\n", note);
	if (rc != SL_OK)
		fprintf(stderr, "synlab inject: %s\n", errbuf);
	return sl_args_exit(rc);
}
