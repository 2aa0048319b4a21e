/* \summary: synlab run --peer: wiring of the scheduled run, analyzer, report and annotated pcapng */
#include "run_peer.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "analyze.h"
#include "annotate.h"
#include "remote.h"
#include "report.h"
#include "timearg.h"

static volatile sig_atomic_t g_peer_stop;

static void
on_signal(int sig)
{
	(void)sig;
	g_peer_stop = 1;
}

/*
 * HOST[:PORT]: "example.org", "example.org:1314", "192.0.2.7:1314",
 * "[2001:db8::7]:1314", or a bare IPv6 address (more than one ':').
 * host is written to hbuf.  Returns false if PORT is malformed.
 */
static bool
split_peer(const char *s, char *hbuf, size_t hlen, long *port)
{
	const char *colon = strrchr(s, ':');
	char *end;

	*port = -1;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || (rb[1] != '\0' && rb[1] != ':'))
			return false;
		snprintf(hbuf, hlen, "%.*s", (int)(rb - s - 1), s + 1);
		colon = rb[1] == ':' ? rb + 1 : NULL;
	} else if (colon != NULL && strchr(s, ':') != colon) {
		snprintf(hbuf, hlen, "%s", s); /* bare IPv6 */
		colon = NULL;
	} else {
		snprintf(hbuf, hlen, "%.*s",
			 (int)(colon ? colon - s : (long)strlen(s)), s);
	}
	if (hbuf[0] == '\0')
		return false;
	if (colon == NULL)
		return true;
	*port = strtol(colon + 1, &end, 10);
	return *end == '\0' && colon[1] != '\0' && *port > 0 && *port < 65536;
}

struct peer_tally {
	struct sl_report *report;
	struct sl_annotate *annotate;
	unsigned shapes[SL_SHAPE__COUNT];
	unsigned violations;
	int64_t crossing_us;
};

static void
on_handshake(const struct sl_handshake *hs, void *arg)
{
	struct peer_tally *t = arg;

	if (hs->shape < SL_SHAPE__COUNT)
		t->shapes[hs->shape]++;
	if (hs->shape == SL_SHAPE_SIMOPEN && t->crossing_us < 0)
		t->crossing_us = hs->crossing_us;
	for (unsigned i = 0; i < hs->nfind; i++)
		if (hs->find[i].sev == SL_SEV_VIOLATION)
			t->violations++;
	sl_report_handshake(hs, t->report);
	sl_annotate_handshake(hs, t->annotate);
}

static void
on_problem(const char *msg, void *arg)
{
	struct peer_tally *t = arg;

	sl_report_problem(t->report, msg);
}

/* The capture frame (1-based) nearest in time to ts; 0 if none. */
static uint64_t
nearest_frame(const struct sl_remote_result *res, int64_t ts)
{
	uint64_t best = 0;
	int64_t bestd = INT64_MAX;

	for (unsigned k = 0; k < res->npkts; k++) {
		int64_t d = res->pkt_ts[k] - ts;

		if (d < 0)
			d = -d;
		if (d < bestd) {
			bestd = d;
			best = k + 1;
		}
	}
	return best;
}

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

/*
 * Feeds the raw capture to the analyzer under the name label (not the
 * temporary path, which means nothing to a reader of the report).
 */
static int
feed_raw(struct sl_analyzer *az, const char *raw, const char *label,
	 char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frame = 0;
	pcap_t *pc;
	bool nsec;
	int dlt;

	pc = pcap_open_offline_with_tstamp_precision(
	    raw, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (pc == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", raw, perr);
		return SL_EIO;
	}
	nsec = pcap_get_tstamp_precision(pc) == PCAP_TSTAMP_PRECISION_NANO;
	dlt = pcap_datalink(pc);
	sl_analyzer_set_file(az, 0, label);
	while (pcap_next_ex(pc, &h, &data) == 1)
		(void)sl_analyzer_feed(az, 0, ++frame,
				       (int64_t)h->ts.tv_sec * 1000000000 +
					   (int64_t)h->ts.tv_usec *
					       (nsec ? 1 : 1000),
				       dlt, data, h->caplen, h->len);
	pcap_close(pc);
	return SL_OK;
}

static const char *
outcome(const struct sl_remote_result *res, const struct peer_tally *t)
{
	/* What the wire showed when connect() succeeded; the shape names. */
	static const enum sl_shape ok[] = {SL_SHAPE_SIMOPEN, SL_SHAPE_THREE_WAY,
					   SL_SHAPE_SELF};

	if (!res->connected)
		return "not-connected";
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (t->shapes[ok[i]])
			return sl_shape_name(ok[i]);
	return "connected";
}

static void
clock_json(FILE *f, const struct sl_clock_state *cs)
{
	if (!cs->ok) {
		fputs("null", f);
		return;
	}
	fprintf(f,
		"{\"synchronized\":%s,\"sta_unsync\":%s,\"state\":%d,"
		"\"status\":%d,\"esterror_us\":%ld,\"maxerror_us\":%ld,"
		"\"offset_us\":%.3f,\"freq_ppb\":%ld}",
		cs->synced ? "true" : "false",
		(cs->status & 0x0040) ? "true" : "false", cs->state, cs->status,
		cs->esterror_us, cs->maxerror_us, (double)cs->offset_ns / 1e3,
		cs->freq_ppb);
}

/* JSON "scenario" member of the scheduled mode. */
static char *
scenario_json(const struct sl_remote_opts *o,
	      const struct sl_remote_result *res, const struct peer_tally *t,
	      const char *kernel)
{
	char *buf = NULL, when[40], *p, *line, facts[sizeof res->facts];
	size_t len = 0, nf = 0;
	FILE *f = open_memstream(&buf, &len);
	const struct sl_remote_attempt *last =
	    res->nattempts ? &res->attempt[res->nattempts - 1] : NULL;

	if (f == NULL)
		return sl_xstrdup("{}");
	sl_fmt_instant(o->at_ns, when, sizeof when);
	fputs("{\"name\":\"simultaneous-open\",\"mode\":\"scheduled\","
	      "\"peer\":",
	      f);
	sl_json_str(f, o->peer);
	fputs(",\"local\":", f);
	sl_json_str(f, res->local);
	fputs(",\"remote\":", f);
	sl_json_str(f, res->remote);
	fprintf(f, ",\"family\":%d,\"interface\":", res->family);
	sl_json_str(f, res->ifname);
	fputs(",\"filter\":", f);
	sl_json_str(f, res->filter);
	fputs(",\"kernel\":", f);
	sl_json_str(f, kernel);
	fputs(",\"at\":", f);
	sl_json_str(f, when);
	fprintf(f,
		",\"at_ns\":%lld,\"attempts\":%u,\"interval_ms\":%.3f,"
		"\"attempts_made\":[",
		(long long)o->at_ns, o->attempts, (double)o->interval_ns / 1e6);
	for (unsigned i = 0; i < res->nattempts; i++) {
		const struct sl_remote_attempt *a = &res->attempt[i];

		fprintf(f,
			"%s{\"at_ns\":%lld,\"called_late_us\":%.3f,"
			"\"errno\":",
			i ? "," : "", (long long)a->at_ns,
			a->called_ns ? (double)(a->called_ns - a->at_ns) / 1e3
				     : -1.0);
		if (a->err)
			sl_json_str(f, sl_errno_name(a->err));
		else
			fputs("null", f);
		fputc('}', f);
	}
	fprintf(f,
		"],\"connected\":%s,\"attempt\":%u,\"exchanged\":%s,"
		"\"outcome\":\"%s\",\"errno\":",
		res->connected ? "true" : "false", res->connected,
		res->exchanged ? "true" : "false", outcome(res, t));
	if (last != NULL && last->err)
		sl_json_str(f, sl_errno_name(last->err));
	else
		fputs("null", f);
	fputs(",\"peer_message\":", f);
	sl_json_str(f, res->peer_msg);
	fprintf(f, ",\"crossing_us\":%lld", (long long)t->crossing_us);
	fputs(",\"clock_after\":", f);
	clock_json(f, &res->clock_after);
	fputs(",\"facts\":[", f);
	snprintf(facts, sizeof facts, "%s", res->facts);
	for (p = facts; (line = strsep(&p, "\n")) != NULL;) {
		if (*line == '\0')
			continue;
		if (nf++)
			fputc(',', f);
		sl_json_str(f, line);
	}
	fputs("],\"captures\":[{\"interface\":", f);
	{
		char label[40];

		snprintf(label, sizeof label, "L:%s", res->ifname);
		sl_json_str(f, label);
	}
	fprintf(f,
		",\"packets\":%u,\"pcap_recv\":%u,\"pcap_drop\":%u,"
		"\"nanosecond\":%s}]}",
		res->npkts, res->ps_recv, res->ps_drop,
		res->nsec ? "true" : "false");
	if (fclose(f) != 0) {
		free(buf);
		return sl_xstrdup("{}");
	}
	return buf;
}

/*
 * Analyzes the raw capture, prints text or JSON, writes the annotated
 * pcapng with the socket events as comments.  Returns the exit status.
 */
static int
report(const struct sl_remote_opts *o, const struct sl_remote_result *res,
       const char *raw, const char *out, bool json, bool ascii)
{
	struct utsname u;
	struct peer_tally t;
	struct sl_analyzer_cfg cfg = {0};
	struct sl_analyzer *az;
	struct sl_evref refs[2];
	size_t nrefs = make_refs(res, refs);
	char label[40], line[512], errbuf[SL_ERRBUF_SIZE], *shb = NULL;
	const char *labels[1] = {label}, *inputs[1] = {raw};
	size_t shblen = 0;
	FILE *shbf;
	int ret = SL_EXIT_OK;

	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	snprintf(label, sizeof label, "L:%s", res->ifname);
	memset(&t, 0, sizeof t);
	t.crossing_us = -1;
	if (!json) {
		const struct sl_event *e0 = sl_events_get(res->events, 0);

		printf("synlab run simultaneous-open --peer %s: Linux %s\n",
		       o->peer, u.release);
		printf("%s", res->facts);
		fputs("socket calls (L: this host):\n", stdout);
		for (size_t i = 0; i < sl_events_count(res->events); i++) {
			sl_event_text(sl_events_get(res->events, i), refs,
				      nrefs, e0->ts_ns, line, sizeof line);
			printf("  %s\n", line);
		}
		putchar('\n');
		fflush(stdout);
	}
	t.report = sl_report_new(stdout, json ? SL_REPORT_JSON : SL_REPORT_TEXT,
				 ascii, labels, 1);
	t.annotate = sl_annotate_new();
	sl_annotate_set_input_name(t.annotate, 0, label);
	for (size_t i = 0; i < sl_events_count(res->events); i++) {
		const struct sl_event *e = sl_events_get(res->events, i);
		uint64_t fr = nearest_frame(res, e->ts_ns);

		if (fr == 0)
			continue;
		memcpy(line, "synlab event: ", 14);
		sl_event_text(e, refs, nrefs, 0, line + 14, sizeof line - 14);
		sl_annotate_add_comment(t.annotate, 0, fr, line);
	}
	cfg.on_handshake = on_handshake;
	cfg.on_problem = on_problem;
	cfg.arg = &t;
	az = sl_analyzer_new(&cfg);
	if (feed_raw(az, raw, label, errbuf) != SL_OK) {
		sl_report_problem(t.report, errbuf);
		ret = SL_EXIT_INPUT;
	}
	sl_analyzer_finish(az);
	if (json) {
		char *sj = scenario_json(o, res, &t, u.release);
		char *ej = sl_events_json(res->events, 0);
		char *cj = NULL;
		size_t cl = 0;
		FILE *cf = open_memstream(&cj, &cl);

		if (cf != NULL) {
			clock_json(cf, &res->clock_before);
			fclose(cf);
		}
		sl_report_add_member(t.report, "scenario", sj);
		sl_report_add_member(t.report, "clock", cj ? cj : "null");
		sl_report_add_member(t.report, "events", ej);
		free(sj);
		free(ej);
		free(cj);
	}
	sl_report_finish(t.report, sl_analyzer_summary(az));
	fflush(stdout);

	/* Section comment: what was run, the clock, the outcome, timeline. */
	shbf = open_memstream(&shb, &shblen);
	if (shbf != NULL) {
		fprintf(shbf,
			"synlab run simultaneous-open --peer %s | "
			"Linux %s | outcome %s\n",
			o->peer, u.release, outcome(res, &t));
		fputs(res->facts, shbf);
		for (size_t i = 0; i < sl_events_count(res->events); i++) {
			sl_event_text(sl_events_get(res->events, i), refs,
				      nrefs, 0, line, sizeof line);
			fprintf(shbf, "%s\n", line);
		}
		fclose(shbf);
	}
	if (sl_annotate_write(t.annotate, inputs, 1, out, shb, errbuf) !=
	    SL_OK) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
		ret = SL_EXIT_INPUT;
	} else if (!json) {
		printf("\noutcome: %s", outcome(res, &t));
		if (res->connected)
			printf(" (attempt %u of %u)", res->connected,
			       o->attempts);
		if (t.crossing_us >= 0)
			printf(", both SYNs in flight for %.3f ms here",
			       (double)t.crossing_us / 1e3);
		printf("\nannotated capture: %s\n", out);
	}
	if (ret == SL_EXIT_OK && t.violations > 0)
		ret = SL_EXIT_VIOLATION;
	free(shb);
	sl_analyzer_free(az);
	sl_report_free(t.report);
	sl_annotate_free(t.annotate);
	return ret;
}

int
sl_run_peer(const struct sl_run_peer_args *a)
{
	struct sl_remote_opts o;
	struct sl_remote_result res;
	struct sigaction sa, old_int, old_term;
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
	if (!split_peer(a->peer, host, sizeof host, &pport)) {
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
			"will reach, e.g. --at +10\n",
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
	/*
	 * The raw capture goes to an unlinked temporary file (tmpfile), so
	 * nothing is left in /tmp whatever ends the process; the analyzer
	 * and the annotator read it again through /proc/self/fd/N.
	 */
	if ((tf = tmpfile()) == NULL) {
		fprintf(stderr, "synlab run: temporary file: %s\n",
			strerror(errno));
		return SL_EXIT_INPUT;
	}
	o.pcap_fd = fileno(tf);
	snprintf(raw, sizeof raw, "/proc/self/fd/%d", o.pcap_fd);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	o.stop = (volatile const int *)&g_peer_stop;

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
		if (res.ps_drop && !a->json)
			fprintf(stderr,
				"synlab run: %s dropped %u packets "
				"(pcap_stats)\n",
				res.ifname, res.ps_drop);
		const char *out =
		    a->out ? a->out : "synlab-simultaneous-open.pcapng";

		ret = report(&o, &res, raw, out, a->json, a->ascii);
	}
	sl_remote_result_free(&res);
	fclose(tf);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return ret;
}

int
sl_run_lab_hold(int64_t delay_ns, int64_t hold_ns)
{
	struct sigaction sa;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = sl_remote_lab_hold(delay_ns, hold_ns, stdout,
				(volatile const int *)&g_peer_stop, errbuf);
	if (rc == SL_EINTR || rc == SL_OK)
		return SL_EXIT_OK;
	fprintf(stderr, "synlab run: lab: %s\n", errbuf);
	return SL_EXIT_ENV;
}
