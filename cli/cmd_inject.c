/* \summary: synlab inject: one crafted segment on a named interface: options, usage, exit codes */
#include <errno.h>
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

static bool
parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno || x > 0xffffffffULL)
		return false;
	*v = (uint32_t)x;
	return true;
}

struct inject_args {
	const char *ifname, *src, *dst, *flags, *opts;
	bool have_seq, have_ack, have_win;
	uint32_t seq, ack, win, mss, ws, ttl;
	int64_t at;
};

/* One option into a: 1 taken, 0 not this function's, -1 bad value. */
static int
inject_option(int c, const char *arg, struct inject_args *a)
{
	char errbuf[SL_ERRBUF_SIZE];

	switch (c) {
	case 'i':
		a->ifname = arg;
		return 1;
	case 's':
		a->src = arg;
		return 1;
	case 'd':
		a->dst = arg;
		return 1;
	case 'f':
		a->flags = arg;
		return 1;
	case 'o':
		a->opts = arg;
		return 1;
	case 'q':
		a->have_seq = true;
		return parse_u32(arg, &a->seq) ? 1 : -1;
	case 'a':
		a->have_ack = true;
		return parse_u32(arg, &a->ack) ? 1 : -1;
	case 'w':
		a->have_win = true;
		return parse_u32(arg, &a->win) && a->win <= 65535 ? 1 : -1;
	case 'm':
		return parse_u32(arg, &a->mss) && a->mss <= 65535 ? 1 : -1;
	case 'W':
		return parse_u32(arg, &a->ws) && a->ws <= 14 ? 1 : -1;
	case 'T':
		return parse_u32(arg, &a->ttl) && a->ttl > 0 && a->ttl <= 255
			   ? 1
			   : -1;
	case 't':
		if (sl_parse_instant(arg, sl_now_real_ns(), &a->at, errbuf) ==
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
		      "a sandbox, use `synlab run inject`)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	if (a->src == NULL || a->dst == NULL || a->flags == NULL ||
	    !a->have_seq) {
		fputs("synlab inject: --src, --dst, --flags and --seq are "
		      "required\n",
		      stderr);
		inject_usage(stderr);
		return SL_EXIT_USAGE;
	}
	return SL_EXIT_OK;
}

/* The segment the arguments describe; SL_EXIT_OK or the usage status. */
static int
inject_segment(const struct inject_args *a, struct sl_seg *seg)
{
	int fam2 = 0;

	memset(seg, 0, sizeof *seg);
	if (sl_inject_parse_endpoint(a->src, &seg->family, seg->src,
				     &seg->sport) ||
	    sl_inject_parse_endpoint(a->dst, &fam2, seg->dst, &seg->dport) ||
	    fam2 != seg->family) {
		fprintf(stderr,
			"synlab inject: --src/--dst want ADDR:PORT of "
			"one family, not '%s' / '%s'\n",
			a->src, a->dst);
		return SL_EXIT_USAGE;
	}
	if (sl_inject_parse_flags(a->flags, &seg->flags) != SL_OK) {
		fprintf(stderr,
			"synlab inject: --flags wants letters of "
			"SAFRP, not '%s'\n",
			a->flags);
		return SL_EXIT_USAGE;
	}
	if (a->opts == NULL)
		seg->opts = seg->flags & SL_TH_SYN ? SL_OPT_ALL : 0;
	else if (sl_inject_parse_opts(a->opts, &seg->opts) != SL_OK) {
		fprintf(stderr,
			"synlab inject: --options wants "
			"mss,sack,ts,ws, all or none, not '%s'\n",
			a->opts);
		return SL_EXIT_USAGE;
	}
	if (a->have_ack && !(seg->flags & SL_TH_ACK))
		fputs("synlab inject: note: --ack given without the A flag; "
		      "the field is sent anyway\n",
		      stderr);
	seg->seq = a->seq;
	seg->ack = a->ack;
	seg->win = (uint16_t)(a->have_win	       ? a->win
			      : seg->flags & SL_TH_RST ? 0
						       : a->win);
	seg->mss = (uint16_t)a->mss;
	seg->wscale = (uint8_t)a->ws;
	seg->ttl = (uint8_t)a->ttl;
	seg->tsval = (uint32_t)(sl_now_mono_ns() / 1000000);
	return SL_EXIT_OK;
}

static void
print_sent(const struct inject_args *a, const struct sl_seg *seg,
	   const struct sl_seg_bytes *b, const struct sl_inject_stamp *st)
{
	char ob[48];

	printf("sent %s %s > %s seq %u ack %u win %u options %s (%zu bytes) "
	       "on %s\n",
	       a->flags, a->src, a->dst, seg->seq, seg->ack, seg->win,
	       sl_inject_opts_str(seg->opts, ob, sizeof ob), b->len, a->ifname);
	if (a->at > 0)
		printf("scheduled %lld.%09lld, sent %lld.%09lld (%.1f us "
		       "late), send call %.1f us\n",
		       (long long)(a->at / 1000000000),
		       (long long)(a->at % 1000000000),
		       (long long)(st->before / 1000000000),
		       (long long)(st->before % 1000000000),
		       (double)(st->before - a->at) / 1e3,
		       (double)(st->after - st->before) / 1e3);
	else
		printf("sent %lld.%09lld, send call %.1f us\n",
		       (long long)(st->before / 1000000000),
		       (long long)(st->before % 1000000000),
		       (double)(st->after - st->before) / 1e3);
}

int
sl_cmd_inject(int argc, char **argv)
{
	struct inject_args a = {.win = 64240, .mss = 1460, .ws = 7, .ttl = 64};
	struct sl_seg seg;
	struct sl_seg_bytes b;
	struct sl_inject_stamp st;
	struct sl_injector *ij;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int ret, rc;

	if ((ret = inject_parse(argc, argv, &a)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	if ((ret = inject_segment(&a, &seg)) != SL_EXIT_OK)
		return ret;
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
	rc = sl_injector_send_at(ij, &b, a.at, &st, errbuf);
	sl_injector_close(ij);
	if (rc != SL_OK) {
		fprintf(stderr, "synlab inject: %s\n", errbuf);
		return SL_EXIT_ENV;
	}
	print_sent(&a, &seg, &b, &st);
	return SL_EXIT_OK;
}
