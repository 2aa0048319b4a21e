/* \summary: synlab inject (one crafted segment) and synlab run inject (a crafted SYN at a socket in a chosen state): options, usage, exit codes */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "inject.h"
#include "inject_states.h"
#include "livefeed.h"
#include "priv.h"
#include "sandbox.h"
#include "timearg.h"

#define RCMD "synlab run inject"

/* ---- synlab inject: one segment on a named interface ---- */

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

/* ---- synlab run inject ---- */

static void
run_inject_usage(FILE *f)
{
	fputs("usage: synlab run inject --state "
	      "bound|closed|syn-sent|established\n"
	      "                         [--offset T] [--options LIST] [--delay "
	      "D]\n"
	      "                         [-6] [OUTPUT OPTIONS]\n"
	      "\n"
	      "A real kernel socket (host B) in the chosen state receives a "
	      "SYN crafted\n"
	      "with libnet by an injector playing its peer at an address no "
	      "stack owns\n"
	      "(10.0.0.3 / fd00::3, so the injector's own kernel never "
	      "answers):\n"
	      "  bound, closed  the SYN draws [R.] seq 0 ack s+1 win 0\n"
	      "  syn-sent       the target's connect() is pending: the SYN "
	      "draws the\n"
	      "                 simultaneous-open SYN-ACK; the injector ACKs "
	      "it and\n"
	      "                 connect() returns 0 (checked with TCP_INFO); "
	      "the target\n"
	      "                 then sends 7 bytes so its window is seen on "
	      "the wire\n"
	      "  established    three SYNs at T, T+100 ms, T+700 ms: RFC 5961 "
	      "challenge\n"
	      "                 ACKs, at most one per 500 ms per socket\n"
	      "\n"
	      "  --offset T      when the (first) SYN leaves after the "
	      "target's connect()\n"
	      "                  (syn-sent, default 1ms), after ESTABLISHED "
	      "(default 10ms),\n"
	      "                  after bind (bound/closed, default 1ms)\n"
	      "  --options LIST  options of the crafted SYN: mss,sack,ts,ws | "
	      "all | none\n"
	      "                  (default all); `--options mss` at syn-sent "
	      "shows the\n"
	      "                  window-scale defect (rule ws-not-negotiated)\n"
	      "  --delay D       one-way delay of the wire (default 0)\n"
	      "  --peer          syn-sent: the injector acts as a kernel whose "
	      "connect()\n"
	      "                  is the crafted SYN: it refuses a target SYN "
	      "that reaches\n"
	      "                  it first (what `synlab sweep inject` does)\n"
	      "  -o OUT.pcapng   annotated capture (default "
	      "synlab-inject-STATE.pcapng);\n"
	      "                  --json: the analyze JSON plus \"inject\" and "
	      "\"events\"\n"
	      "\n"
	      "exit status: 0 the kernel answered as expected, no violation; 1 "
	      "a\n"
	      "             violation was found or the answer was not the "
	      "expected one;\n"
	      "             2 usage; 3 output not writable; 4 environment; 130 "
	      "interrupted\n",
	      f);
	fputs(sl_args_output_usage, f);
}

/* Options of run inject into x; SL_EXIT_OK to go on, -1 after --help. */
static int
run_inject_parse(int argc, char **argv, struct sl_injstate *x,
		 struct sl_outopts *oo, int *family)
{
	static const struct option longopts[] = {
	    {"state", required_argument, NULL, 's'},
	    {"offset", required_argument, NULL, 't'},
	    {"options", required_argument, NULL, 'O'},
	    {"delay", required_argument, NULL, 'd'},
	    {"peer", no_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    SL_ARGS_OUTPUT_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	bool have_offset = false;
	int c, st = -1;

	x->o.opts = SL_OPT_ALL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:6", longopts, NULL)) != -1) {
		if (sl_args_output(c, optarg, oo))
			continue;
		switch (c) {
		case 's':
			if ((st = sl_inj_state_parse(optarg)) < 0) {
				const char *names[SL_INJ_ESTABLISHED + 1];

				for (int k = 0; k <= SL_INJ_ESTABLISHED; k++)
					names[k] = sl_inj_state_name(
					    (enum sl_inj_state)k);
				return sl_args_unknown(
				    RCMD, "state", optarg, names,
				    SL_INJ_ESTABLISHED + 1, RCMD " --help");
			}
			break;
		case 't':
			if (!sl_args_duration(RCMD, "--offset", optarg, true,
					      &x->o.offset_ns))
				return SL_EXIT_USAGE;
			have_offset = true;
			break;
		case 'O':
			if (sl_inject_parse_opts(optarg, &x->o.opts) != SL_OK) {
				fprintf(stderr,
					RCMD ": --options wants mss,sack,ts,"
					     "ws, all or none, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 'd':
			if (!sl_args_duration(RCMD, "--delay", optarg, false,
					      &x->delay_ns))
				return SL_EXIT_USAGE;
			break;
		case '6':
			*family = 6;
			break;
		case 'P':
			x->o.peer_mode = true;
			break;
		case 'h':
			run_inject_usage(stdout);
			return -1;
		default:
			return sl_args_usage_error("synlab run", argv,
						   longopts);
		}
	}
	if (oo->bad)
		return SL_EXIT_USAGE;
	if (optind != argc || st < 0) {
		fputs(st < 0 ? RCMD ": which --state?\n"
			     : RCMD ": unexpected argument\n",
		      stderr);
		run_inject_usage(stderr);
		return SL_EXIT_USAGE;
	}
	sl_injstate_defaults(&x->o, (enum sl_inj_state)st, have_offset);
	return SL_EXIT_OK;
}

int
sl_cmd_run_inject(int argc, char **argv)
{
	struct sl_injstate x;
	struct sl_outopts oo = {.ascii = -1, .cmd = RCMD};
	struct sl_pipeline_cfg pc;
	struct sl_pipeline *p = NULL;
	struct sl_tally t;
	char errbuf[SL_ERRBUF_SIZE] = "", outbuf[256];
	int family = 4, ret, rc;

	memset(&x, 0, sizeof x);
	if ((ret = run_inject_parse(argc, argv, &x, &oo, &family)) !=
	    SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	if (oo.annotate == NULL) {
		snprintf(outbuf, sizeof outbuf, "synlab-inject-%s.pcapng",
			 sl_inj_state_name(x.o.state));
		oo.annotate = outbuf;
	}
	sl_args_pipeline_cfg(&oo, &pc);
	if ((p = sl_pipeline_new(&pc, errbuf)) == NULL) {
		fprintf(stderr, RCMD ": %s\n", errbuf);
		return SL_EXIT_INPUT;
	}
	/* Least privilege: give up every capability never used here,
	 * before any thread exists (common/priv.h). */
	if (sl_sandbox_check(true, errbuf) != SL_OK ||
	    sl_priv_drop_unused(errbuf) != SL_OK) {
		fprintf(stderr, RCMD ": %s\n", errbuf);
		sl_pipeline_free(p);
		return SL_EXIT_ENV;
	}
	x.o.stop = sl_args_catch();
	rc = sl_injstate_run(&x, family, errbuf);
	if (rc == SL_EINTR) {
		fputs(RCMD ": interrupted; sandbox removed\n", stderr);
		ret = SL_EXIT_INTR;
	} else if (rc != SL_OK) {
		fprintf(stderr, RCMD ": %s\n", errbuf);
		ret = SL_EXIT_ENV;
	} else if (sl_injstate_report(&x, p, !oo.json, &t, errbuf) != SL_OK) {
		fprintf(stderr, RCMD ": %s\n", errbuf);
		ret = SL_EXIT_INPUT;
	} else {
		if (!oo.json) {
			putchar('\n');
			sl_args_print_written(stdout, p);
		}
		ret =
		    t.violations > 0 || !x.ok ? SL_EXIT_VIOLATION : SL_EXIT_OK;
	}
	sl_injstate_free(&x);
	sl_pipeline_free(p);
	sl_args_release();
	return ret;
}
