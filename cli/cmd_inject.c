/* \summary: synlab inject: one crafted segment on a named interface: options, usage, exit codes */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "inject.h"
#include "timearg.h"

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
	bool have_seq;
};

/* One option into a: 1 taken, 0 not this function's, -1 bad value. */
static int
inject_option(int c, const char *arg, struct inject_args *a)
{
	struct sl_seg_spec *sp = &a->sp;
	char errbuf[SL_ERRBUF_SIZE];

	switch (c) {
	case 'i':
		a->ifname = arg;
		return 1;
	case 's':
		sp->src = arg;
		return 1;
	case 'd':
		sp->dst = arg;
		return 1;
	case 'f':
		sp->flags = arg;
		return 1;
	case 'o':
		sp->opts = arg;
		return 1;
	case 'q':
		a->have_seq = true;
		return sl_seg_spec_u32(arg, 0xffffffff, &sp->seq) ? -1 : 1;
	case 'a':
		sp->have_ack = true;
		return sl_seg_spec_u32(arg, 0xffffffff, &sp->ack) ? -1 : 1;
	case 'w':
		sp->have_win = true;
		return sl_seg_spec_u32(arg, 65535, &sp->win) ? -1 : 1;
	case 'm':
		return sl_seg_spec_u32(arg, 65535, &sp->mss) ? -1 : 1;
	case 'W':
		return sl_seg_spec_u32(arg, 14, &sp->ws) ? -1 : 1;
	case 'T':
		return sl_seg_spec_u32(arg, 255, &sp->ttl) || !sp->ttl ? -1 : 1;
	case 't':
		if (sl_parse_instant(arg, sl_now_real_ns(), &sp->at, errbuf) ==
		    SL_OK)
			return 1;
		fprintf(stderr, "synlab inject: --at %s\n", errbuf);
		return -1;
	default:
		return 0;
	}
}

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
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if ((r = inject_option(c, optarg, a)) > 0)
			continue;
		if (r < 0) {
			fprintf(stderr, "synlab inject: bad value '%s'\n",
				optarg);
			return SL_EXIT_USAGE;
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
	    !a->have_seq) {
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
	struct inject_args a = {
	    .sp = {.win = 64240, .mss = 1460, .ws = 7, .ttl = 64}};
	struct sl_seg seg;
	struct sl_seg_bytes b;
	struct sl_inject_stamp st;
	struct sl_injector *ij;
	char errbuf[SL_ERRBUF_SIZE] = "", note[128];
	int ret, rc;

	if ((ret = inject_parse(argc, argv, &a)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	if (sl_seg_from_spec(&a.sp, &seg, note, sizeof note, errbuf) != SL_OK) {
		fprintf(stderr, "synlab inject: %s\n", errbuf);
		return SL_EXIT_USAGE;
	}
	if (note[0])
		fprintf(stderr, "synlab inject: note: %s\n", note);
	if (if_nametoindex(a.ifname) == 0) {
		fprintf(stderr, "synlab inject: %s: no such interface\n",
			a.ifname);
		return SL_EXIT_ENV;
	}
	ij = sl_injector_open(seg.family, a.ifname, errbuf);
	if (ij == NULL) {
		fprintf(stderr, "synlab inject: %s%s\n", errbuf,
			geteuid() ? " (needs root: CAP_NET_RAW)" : "");
		return SL_EXIT_ENV;
	}
	if (sl_injector_build(ij, &seg, &b, errbuf) != SL_OK) {
		fprintf(stderr, "synlab inject: %s\n", errbuf);
		sl_injector_close(ij);
		return SL_EXIT_USAGE;
	}
	rc = sl_injector_send_at(ij, &b, a.sp.at, &st, errbuf);
	sl_injector_close(ij);
	if (rc != SL_OK) {
		fprintf(stderr, "synlab inject: %s\n", errbuf);
		return SL_EXIT_ENV;
	}
	sl_seg_spec_print_sent(stdout, &a.sp, a.ifname, &seg, &b, &st);
	return SL_EXIT_OK;
}
