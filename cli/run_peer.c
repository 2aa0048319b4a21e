/* \summary: synlab run --peer: the scheduled run on a real host, its report and annotated pcapng (the work: capture/remote.c, scenario/peer.c) */
#include "run_peer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "peer.h"
#include "remote.h"
#include "timearg.h"

static size_t
make_refs(const struct sl_remote_result *res, struct sl_evref *refs)
{
	size_t n = 0;

	if (res->t_our_syn) {
		refs[n].what = "our SYN left";
		refs[n++].ts_ns = res->t_our_syn;
	}
	if (res->t_peer_syn) {
		refs[n].what = "the peer's SYN arrived";
		refs[n++].ts_ns = res->t_peer_syn;
	}
	return n;
}

/* The text heading: what ran, the facts, the socket calls. */
static void
heading(FILE *out, const struct sl_remote_opts *o,
	const struct sl_remote_result *res, const char *kernel)
{
	struct sl_evref refs[2];
	size_t nrefs = make_refs(res, refs);

	fprintf(out, "synlab run simultaneous-open --peer %s: Linux %s\n",
		o->peer, kernel);
	fputs(res->facts, out);
	fputs("socket calls (L: this host):\n", out);
	sl_events_write(out, res->events, refs, nrefs, -1, "  ");
	fputc('\n', out);
}

/* Section comment (what was run, the clock, the timeline) and members. */
static void
annotations(struct sl_pipeline *p, const struct sl_remote_opts *o,
	    const struct sl_remote_result *res, const char *kernel)
{
	struct sl_evref refs[2];
	size_t nrefs = make_refs(res, refs), len = 0;
	char *shb = NULL, line[512], *cj = NULL, *ej;
	FILE *f;

	for (size_t i = 0; i < sl_events_count(res->events); i++) {
		const struct sl_event *e = sl_events_get(res->events, i);

		memcpy(line, "synlab event: ", 14);
		sl_event_text(e, refs, nrefs, 0, line + 14, sizeof line - 14);
		sl_pipeline_comment_at(p, 0, e->ts_ns, line);
	}
	if ((f = open_memstream(&shb, &len)) != NULL) {
		fprintf(f,
			"synlab run simultaneous-open --peer %s | Linux %s | "
			"%s\n",
			o->peer, kernel,
			res->connected ? "connected" : "not connected");
		fputs(res->facts, f);
		sl_events_write(f, res->events, refs, nrefs, 0, "");
		fclose(f);
		sl_pipeline_set_section(p, shb);
		free(shb);
	}
	if ((f = open_memstream(&cj, &len)) != NULL) {
		sl_peer_clock_json(f, &res->clock_before);
		fclose(f);
	}
	ej = sl_events_json(res->events, 0);
	sl_pipeline_add_member(p, "clock", cj ? cj : "null");
	sl_pipeline_add_member(p, "events", ej);
	free(cj);
	free(ej);
}

/*
 * Analyzes the raw capture, prints text or JSON, writes the annotated
 * pcapng with the socket events as comments.  Returns the exit status.
 */
static int
report(struct sl_pipeline *p, const struct sl_remote_opts *o,
       const struct sl_remote_result *res, const char *raw,
       const struct sl_outopts *oo)
{
	struct utsname u;
	struct sl_tally t;
	char label[40], errbuf[SL_ERRBUF_SIZE], *sj;
	int ret = SL_EXIT_OK;

	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	snprintf(label, sizeof label, "L:%s", res->ifname);
	if (!oo->json)
		heading(sl_pipeline_stream(p), o, res, u.release);
	(void)sl_pipeline_add_file(p, raw, label);
	annotations(p, o, res, u.release);
	if (sl_pipeline_feed_file(p, 0, errbuf) != SL_OK)
		ret = SL_EXIT_INPUT;
	/*
	 * The "scenario" member needs the tally, the tally the end of the
	 * analysis: it is written from the first crossing the observer saw.
	 */
	if (sl_pipeline_end_input(p, &t) == SL_OK) {
		sj = sl_peer_json(o, res, &t, u.release);
		sl_pipeline_add_member(p, "scenario", sj);
		free(sj);
	}
	if (sl_pipeline_finish(p, &t, errbuf) != SL_OK) {
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
	if (ret == SL_EXIT_OK && t.violations > 0)
		ret = SL_EXIT_VIOLATION;
	return ret;
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
