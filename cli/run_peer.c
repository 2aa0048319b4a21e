/* \summary: synlab run --peer: the scheduled run on a real host, its report and annotated pcapng (the work: capture/remote.c, scenario/peer.c) */
#include "run_peer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"
#include "remote.h"
#include "timearg.h"

/* The report, then the outcome.  Returns the exit status. */
static int
report(struct sl_pipeline *p, const struct sl_remote_opts *o,
       const struct sl_remote_result *res, const char *raw,
       const struct sl_outopts *oo)
{
	char errbuf[SL_ERRBUF_SIZE];
	struct sl_tally t;
	int rc;

	rc = sl_peer_report(p, o, res, raw, !oo->json, &t, errbuf);
	if (rc != SL_OK) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
		return SL_EXIT_INPUT;
	}
	if (!oo->json) {
		printf("\noutcome: %s", sl_peer_outcome(res, &t));
		if (res->connected)
			printf(" (attempt %u of %u)", res->connected,
			       o->attempts);
		if (t.first_crossing_us >= 0)
			printf(", both SYNs in flight for %.3f ms here",
			       (double)t.first_crossing_us / 1e3);
		putchar('\n');
		sl_args_print_written(stdout, p);
	}
	return t.violations > 0 ? SL_EXIT_VIOLATION : SL_EXIT_OK;
}

int
sl_run_peer(const struct sl_run_peer_args *a)
{
	struct sl_remote_opts o;
	struct sl_remote_result res;
	struct sl_pipeline_cfg pc;
	struct sl_pipeline *p;
	char host[256], errbuf[SL_ERRBUF_SIZE] = "", raw[64], *end;
	FILE *tf;
	long port, pport;
	int64_t now, last;
	int rc, ret;

	memset(&o, 0, sizeof o);
	if (a->port == NULL || a->at == NULL) {
		fputs("synlab run: --peer needs --port P and --at TIME (the "
		      "same on both hosts)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	port = strtol(a->port, &end, 10);
	if (*end != '\0' || port <= 0 || port > 65535) {
		fprintf(stderr, "synlab run: --port wants 1..65535, not '%s'\n",
			a->port);
		return SL_EXIT_USAGE;
	}
	if (!sl_peer_split(a->peer, host, sizeof host, &pport)) {
		fprintf(stderr,
			"synlab run: --peer wants HOST[:PORT] or "
			"[IPV6]:PORT, not '%s'\n",
			a->peer);
		return SL_EXIT_USAGE;
	}
	o.peer = host;
	o.port = (uint16_t)port;
	o.peer_port = (uint16_t)(pport > 0 ? pport : port);
	o.attempts = a->attempts ? a->attempts : 1;
	o.interval_ns = a->interval_ns ? a->interval_ns : 1000000000;
	o.ifname = a->ifname;
	if (o.attempts > SL_REMOTE_MAXATTEMPTS || o.interval_ns < 50000000) {
		fprintf(stderr,
			"synlab run: --attempts 1..%d, --interval at "
			"least 50ms\n",
			SL_REMOTE_MAXATTEMPTS);
		return SL_EXIT_USAGE;
	}
	now = sl_now_real_ns();
	if (sl_parse_instant(a->at, now, &o.at_ns, errbuf) != SL_OK) {
		fprintf(stderr, "synlab run: --at %s\n", errbuf);
		return SL_EXIT_USAGE;
	}
	last = o.at_ns + (int64_t)(o.attempts - 1) * o.interval_ns;
	if (last <= now) {
		char when[40];

		sl_fmt_instant(o.at_ns, when, sizeof when);
		fprintf(stderr,
			"synlab run: --at %s is in the past (now is "
			"%.3f s later); pick an instant both hosts "
			"will reach, e.g. --at +10s\n",
			when, (double)(now - o.at_ns) / 1e9);
		return SL_EXIT_USAGE;
	}
	if (o.at_ns - now > 86400LL * 1000000000) {
		fputs("synlab run: --at is more than a day away\n", stderr);
		return SL_EXIT_USAGE;
	}
	if (a->netns != NULL &&
	    (rc = sl_remote_enter_netns(a->netns, errbuf)) != SL_OK) {
		fprintf(stderr, "synlab run: --netns: %s\n", errbuf);
		return SL_EXIT_ENV;
	}
	/* Privileges first: a clear message, nothing sent. */
	if (sl_remote_check(errbuf) != SL_OK) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
		return SL_EXIT_ENV;
	}
	/* Outputs before the work: the run waits for an agreed instant. */
	sl_args_pipeline_cfg(&a->oo, &pc);
	if ((p = sl_pipeline_new(&pc, errbuf)) == NULL) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
		return SL_EXIT_INPUT;
	}
	/*
	 * The raw capture goes to an unlinked temporary file (tmpfile), so
	 * nothing is left in /tmp whatever ends the process; the analyzer
	 * and the annotator read it again through /proc/self/fd/N.
	 */
	if ((tf = tmpfile()) == NULL) {
		fprintf(stderr, "synlab run: temporary file: %s\n",
			strerror(errno));
		sl_pipeline_free(p);
		return SL_EXIT_INPUT;
	}
	o.pcap_fd = fileno(tf);
	snprintf(raw, sizeof raw, "/proc/self/fd/%d", o.pcap_fd);

	o.stop = sl_args_catch();

	rc = sl_remote_run(&o, &res, errbuf);
	if (rc == SL_EINTR) {
		fputs("synlab run: interrupted; nothing left behind\n", stderr);
		ret = SL_EXIT_INTR;
	} else if (rc != SL_OK) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
		ret = rc == SL_EINVAL ? SL_EXIT_USAGE
		      : rc == SL_EIO  ? SL_EXIT_INPUT
				      : SL_EXIT_ENV;
	} else {
		if (res.ps_drop && !a->oo.json)
			fprintf(stderr,
				"synlab run: %s dropped %u packets "
				"(pcap_stats)\n",
				res.ifname, res.ps_drop);
		ret = report(p, &o, &res, raw, &a->oo);
	}
	sl_remote_result_free(&res);
	fclose(tf);
	sl_pipeline_free(p);
	sl_args_release();
	return ret;
}

int
sl_run_lab_hold(int64_t delay_ns, int64_t hold_ns)
{
	char errbuf[SL_ERRBUF_SIZE] = "";
	int rc;

	rc = sl_remote_lab_hold(delay_ns, hold_ns, stdout, sl_args_catch(),
				errbuf);
	sl_args_release();
	if (rc == SL_EINTR || rc == SL_OK)
		return SL_EXIT_OK;
	fprintf(stderr, "synlab run: lab: %s\n", errbuf);
	return SL_EXIT_ENV;
}
