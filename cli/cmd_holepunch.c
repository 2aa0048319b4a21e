/* \summary: synlab run holepunch: options, usage and exit codes (the work: scenario/holepunch.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "holepunch.h"
#include "holepunch_sweep.h"
#include "sweep.h"
#include <sys/utsname.h>
#include "priv.h"
#include "sandbox.h"

#define CMD "synlab run holepunch"

static void
usage(FILE *f)
{
	fputs("usage: synlab run holepunch [--nat-a MAP] [--nat-b MAP] "
	      "[--unsolicited-a POLICY]\n"
	      "         [--unsolicited-b POLICY] [--syn-sent-timeout-a D] "
	      "[--syn-sent-timeout-b D]\n"
	      "         [--delay D] [--offset D] [--attempts N] [--interval "
	      "D] [--timeout D]\n"
	      "         [--syn-retries N] [--syn-linear N] [--port P] "
	      "[OUTPUT OPTIONS]\n"
	      "       synlab sweep holepunch [--offset FROM:TO:STEP] [--count "
	      "N] [--plot FILE]\n"
	      "         [--json] [the NAT and timing options]\n"
	      "\n"
	      "TCP hole punching through two kernel NATs: host A behind NAT "
	      "A, host B\n"
	      "behind NAT B, a delayed wire between the NATs as the public "
	      "internet.\n"
	      "Each host binds port P and connects to the other NAT's public "
	      "address,\n"
	      "port P, at the agreed instant (B offset later); a failed "
	      "attempt is\n"
	      "retried at the next instant.  Captures host A's and B's "
	      "inside links\n"
	      "and the public wire.  Needs root.\n"
	      "\n"
	      "  --nat MAP, --nat-a MAP, --nat-b MAP\n"
	      "                  keep-port (masquerade), random, fully-random "
	      "(keep-port)\n"
	      "  --unsolicited POLICY, --unsolicited-a, --unsolicited-b\n"
	      "                  a SYN from outside with no mapping: rst (the "
	      "NAT's stack\n"
	      "                  answers [R.]) or drop (rst)\n"
	      "  --syn-sent-timeout-a D, --syn-sent-timeout-b D\n"
	      "                  the NAT's conntrack syn_sent timeout, whole "
	      "seconds\n"
	      "                  (kernel default 120s)\n"
	      "  --delay D       one-way delay of the public wire (20ms)\n"
	      "  --offset D      B's connect() D after A's; negative: before "
	      "(0)\n"
	      "  --attempts N    tries, each at the next instant (1)\n"
	      "  --interval D    between the attempts' instants (1s)\n"
	      "  --timeout D     a connect() pending this long timed out "
	      "(4s)\n"
	      "  --syn-retries N the hosts' net.ipv4.tcp_syn_retries "
	      "(kernel's)\n"
	      "  --syn-linear N  the hosts' net.ipv4.tcp_syn_linear_timeouts "
	      "(Linux 6.5+:\n"
	      "                  that many SYN retransmissions 1 s apart; "
	      "kernel's)\n"
	      "  --port P        the port both hosts bind (1314)\n"
	      "sweep: every pair of mappings at every offset (0:300ms:100ms), "
	      "--count runs\n"
	      "  each (1), a fresh lab a run, --timeout 2s; the success "
	      "matrix as text,\n"
	      "  --json, and --plot FILE (SVG)\n"
	      "\n"
	      "durations take a unit: ns, us, ms, s (docs/time-grammar.md)\n"
	      "exit status: 0 the run completed (connected or not: the "
	      "outcome is\n"
	      "             the result), 1 a violation found, 2 usage, 3 "
	      "output not\n"
	      "             writable, 4 environment (not root, no "
	      "namespaces, TUN\n"
	      "             or nftables), 130 interrupted\n",
	      f);
	fputs(sl_args_output_usage, f);
}

enum {
	O_NAT = 512,
	O_NAT_A,
	O_NAT_B,
	O_UNS,
	O_UNS_A,
	O_UNS_B,
	O_SST_A,
	O_SST_B,
	O_DELAY,
	O_OFFSET,
	O_ATTEMPTS,
	O_INTERVAL,
	O_TIMEOUT,
	O_RETRIES,
	O_LINEAR,
	O_PORT,
	O_COUNT,
	O_PLOT,
};

/* `synlab sweep holepunch`: the offsets and the runs a cell. */
struct sweep_args {
	int64_t from, to, step;
	unsigned long count;
	const char *plot;
};

/* A NAT option's value into nat[from..to]; false (said) if bad. */
static bool
nat_opt(int c, const char *arg, struct sl_nat_cfg nat[2])
{
	unsigned from = c == O_NAT_B || c == O_UNS_B || c == O_SST_B,
		 to = c == O_NAT_A || c == O_UNS_A || c == O_SST_A ? 0 : 1;
	enum sl_nat_type m = SL_NAT_KEEP_PORT;
	enum sl_nat_unsol u = SL_NAT_RST;
	int64_t ns = 0;

	if (c == O_NAT || c == O_NAT_A || c == O_NAT_B) {
		if (!sl_nat_map_parse(arg, &m)) {
			fprintf(stderr,
				CMD ": '%s': mapping is keep-port, random or "
				    "fully-random\n",
				arg);
			return false;
		}
	} else if (c == O_UNS || c == O_UNS_A || c == O_UNS_B) {
		if (!sl_nat_unsol_parse(arg, &u)) {
			fprintf(stderr,
				CMD ": '%s': unsolicited-SYN policy is rst or "
				    "drop\n",
				arg);
			return false;
		}
	} else {
		if (!sl_args_duration(CMD, "--syn-sent-timeout", arg, false,
				      &ns))
			return false;
		if (ns < 1000000000LL || ns % 1000000000LL ||
		    ns > 86400 * 1000000000LL) {
			fputs(CMD ": --syn-sent-timeout wants whole seconds, "
				  "1s to 86400s (a conntrack sysctl)\n",
			      stderr);
			return false;
		}
	}
	for (unsigned h = from; h <= to; h++) {
		if (c == O_NAT || c == O_NAT_A || c == O_NAT_B)
			nat[h].map = m;
		else if (c == O_UNS || c == O_UNS_A || c == O_UNS_B)
			nat[h].unsol = u;
		else
			nat[h].syn_sent_s = (unsigned)(ns / 1000000000LL);
	}
	return true;
}

/* The timing and count options; false (said) if bad. */
static bool
timing_opt(int c, const char *arg, struct sl_hp_opts *o)
{
	unsigned long n;

	switch (c) {
	case O_DELAY:
		return sl_args_duration(CMD, "--delay", arg, false,
					&o->delay_ns);
	case O_OFFSET:
		return sl_args_duration(CMD, "--offset", arg, true,
					&o->offset_ns);
	case O_INTERVAL:
		return sl_args_duration(CMD, "--interval", arg, false,
					&o->interval_ns);
	case O_TIMEOUT:
		return sl_args_duration(CMD, "--timeout", arg, false,
					&o->timeout_ns);
	case O_ATTEMPTS:
		if (!sl_args_count(CMD, "--attempts", arg, 1, 100, &n))
			return false;
		o->attempts = (unsigned)n;
		return true;
	case O_RETRIES:
		if (!sl_args_count(CMD, "--syn-retries", arg, 1, 20, &n))
			return false;
		o->syn_retries = (unsigned)n;
		return true;
	case O_LINEAR:
		if (!sl_args_count(CMD, "--syn-linear", arg, 0, 20, &n))
			return false;
		o->syn_linear = (int)n;
		return true;
	default: /* O_PORT */
		if (!sl_args_count(CMD, "--port", arg, 1, 65535, &n))
			return false;
		o->port = (uint16_t)n;
		return true;
	}
}

/* SL_EXIT_OK to go on, -1 when done (--help), else the status. */
static int
parse(int argc, char **argv, struct sl_hp_opts *o, struct sl_outopts *oo,
      struct sweep_args *sa)
{
	static const struct option longopts[] = {
	    {"nat", required_argument, NULL, O_NAT},
	    {"nat-a", required_argument, NULL, O_NAT_A},
	    {"nat-b", required_argument, NULL, O_NAT_B},
	    {"unsolicited", required_argument, NULL, O_UNS},
	    {"unsolicited-a", required_argument, NULL, O_UNS_A},
	    {"unsolicited-b", required_argument, NULL, O_UNS_B},
	    {"syn-sent-timeout-a", required_argument, NULL, O_SST_A},
	    {"syn-sent-timeout-b", required_argument, NULL, O_SST_B},
	    {"delay", required_argument, NULL, O_DELAY},
	    {"offset", required_argument, NULL, O_OFFSET},
	    {"attempts", required_argument, NULL, O_ATTEMPTS},
	    {"interval", required_argument, NULL, O_INTERVAL},
	    {"timeout", required_argument, NULL, O_TIMEOUT},
	    {"syn-retries", required_argument, NULL, O_RETRIES},
	    {"syn-linear", required_argument, NULL, O_LINEAR},
	    {"port", required_argument, NULL, O_PORT},
	    {"count", required_argument, NULL, O_COUNT},
	    {"plot", required_argument, NULL, O_PLOT},
	    {"help", no_argument, NULL, 'h'},
	    SL_ARGS_OUTPUT_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (sl_args_output(c, optarg, oo))
			continue;
		if (sa != NULL && c == O_OFFSET) {
			char eb[SL_ERRBUF_SIZE];

			if (sl_sweep_parse_range(optarg, &sa->from, &sa->to,
						 &sa->step, eb) != SL_OK) {
				fprintf(stderr, "synlab sweep holepunch: %s\n",
					eb);
				return SL_EXIT_USAGE;
			}
		} else if (sa != NULL && c == O_COUNT) {
			if (!sl_args_count("synlab sweep holepunch", "--count",
					   optarg, 1, 1000, &sa->count))
				return SL_EXIT_USAGE;
		} else if (sa != NULL && c == O_PLOT) {
			sa->plot = optarg;
		} else if (c == O_COUNT || c == O_PLOT) {
			return sl_args_usage_error(CMD, argv, longopts);
		} else if (c >= O_NAT && c <= O_SST_B) {
			if (!nat_opt(c, optarg, o->nat))
				return SL_EXIT_USAGE;
		} else if (c >= O_DELAY && c <= O_PORT) {
			if (!timing_opt(c, optarg, o))
				return SL_EXIT_USAGE;
		} else if (c == 'h') {
			usage(stdout);
			return -1;
		} else {
			return sl_args_usage_error(CMD, argv, longopts);
		}
	}
	if (oo->bad)
		return SL_EXIT_USAGE;
	if (optind != argc) {
		fprintf(stderr, CMD ": unexpected argument '%s'\n",
			argv[optind]);
		return SL_EXIT_USAGE;
	}
	return SL_EXIT_OK;
}

int
sl_cmd_run_holepunch(int argc, char **argv)
{
	struct sl_outopts oo = {
	    .ascii = -1, .cmd = CMD, .annotate = "synlab-holepunch.pcapng"};
	struct sl_hp_opts o;
	struct sl_hp_result r;
	struct sl_pipeline_cfg pc;
	struct sl_pipeline *p;
	struct sl_tally t = {0};
	char errbuf[SL_ERRBUF_SIZE] = "";
	int rc, ret;

	sl_hp_opts_default(&o);
	if ((ret = parse(argc, argv, &o, &oo, NULL)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	sl_args_pipeline_cfg(&oo, &pc);
	if ((p = sl_pipeline_new(&pc, errbuf)) == NULL) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		return SL_EXIT_INPUT;
	}
	if (sl_sandbox_check(true, errbuf) != SL_OK ||
	    sl_priv_drop_unused(errbuf) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		sl_pipeline_free(p);
		return SL_EXIT_ENV;
	}
	o.stop = sl_args_catch();
	rc = sl_holepunch_run(&o, &r, errbuf);
	if (rc != SL_OK && rc != SL_EINTR) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		sl_pipeline_free(p);
		sl_args_release();
		return SL_EXIT_ENV;
	}
	ret = rc == SL_EINTR ? SL_EXIT_INTR : SL_EXIT_OK;
	if (rc == SL_EINTR)
		sl_args_hold_on();
	if (sl_holepunch_report(&o, &r, p, !oo.json, &t, errbuf) != SL_OK) {
		fprintf(stderr, CMD ": %s\n", errbuf);
		if (ret == SL_EXIT_OK)
			ret = SL_EXIT_INPUT;
	} else if (!oo.json) {
		putchar('\n');
		sl_args_print_written(stdout, p);
		printf("holepunch: %s\n", r.reason);
	}
	if (ret == SL_EXIT_OK && t.violations)
		ret = SL_EXIT_VIOLATION;
	sl_hp_result_free(&r);
	sl_pipeline_free(p);
	sl_args_release();
	return ret;
}

static void
sweep_progress(size_t done, size_t planned, void *arg)
{
	(void)arg;
	fprintf(stderr, "\rsynlab sweep holepunch: run %zu of %zu", done,
		planned);
	if (done == planned)
		fputc('\n', stderr);
}

int
sl_cmd_sweep_holepunch(int argc, char **argv)
{
	struct sl_outopts oo = {.ascii = -1, .cmd = "synlab sweep holepunch"};
	struct sweep_args sa = {0, 300000000, 100000000, 1, NULL};
	struct sl_hp_sweep_cfg cfg;
	struct sl_hp_sweep *sw;
	struct utsname u;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int ret, rc;

	memset(&cfg, 0, sizeof cfg);
	sl_hp_opts_default(&cfg.base);
	cfg.base.timeout_ns = 2000000000;
	if ((ret = parse(argc, argv, &cfg.base, &oo, &sa)) != SL_EXIT_OK)
		return ret < 0 ? SL_EXIT_OK : ret;
	if (sa.plot && sl_pipeline_check_output(sa.plot, errbuf) != SL_OK) {
		fprintf(stderr, "synlab sweep holepunch: %s\n", errbuf);
		return SL_EXIT_INPUT;
	}
	if (sl_sandbox_check(true, errbuf) != SL_OK ||
	    sl_priv_drop_unused(errbuf) != SL_OK) {
		fprintf(stderr, "synlab sweep holepunch: %s\n", errbuf);
		return SL_EXIT_ENV;
	}
	cfg.from = sa.from;
	cfg.to = sa.to;
	cfg.step = sa.step;
	cfg.count = (unsigned)sa.count;
	if (isatty(STDERR_FILENO))
		cfg.progress = sweep_progress;
	cfg.base.stop = sl_args_catch();
	sw = sl_hp_sweep_new(&cfg);
	rc = sl_hp_sweep_run(sw, errbuf);
	sl_args_release();
	if (rc == SL_EINTR)
		ret = SL_EXIT_INTR;
	else if (rc != SL_OK) {
		fprintf(stderr, "synlab sweep holepunch: %s\n", errbuf);
		sl_hp_sweep_free(sw);
		return SL_EXIT_ENV;
	}
	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	if (oo.json)
		sl_hp_sweep_write_json(sw, stdout, u.release);
	else
		sl_hp_sweep_write_table(sw, stdout);
	if (sa.plot && sl_hp_sweep_write_plot(sw, sa.plot, errbuf) != SL_OK) {
		fprintf(stderr, "synlab sweep holepunch: %s\n", errbuf);
		ret = SL_EXIT_INPUT;
	}
	sl_hp_sweep_free(sw);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("synlab sweep holepunch: stdout: write failed\n", stderr);
		return SL_EXIT_INPUT;
	}
	return ret;
}
