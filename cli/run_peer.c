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
	char host[256], errbuf[SL_ERRBUF_SIZE] = "", raw[64];
	FILE *tf;
	int rc, ret;

	if (sl_peer_opts(&o, a->peer, a->port, a->at, a->attempts,
			 a->interval_ns, a->ifname, sl_now_real_ns(), host,
			 sizeof host, errbuf) != SL_OK) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
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
