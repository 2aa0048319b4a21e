/* \summary: synlab run: make a real kernel perform a scenario, capture, analyze, annotate */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "analyze.h"
#include "annotate.h"
#include "cli.h"
#include "priv.h"
#include "cmd_inject.h"
#include "report.h"
#include "run_peer.h"
#include "sandbox.h"
#include "scenario.h"

static volatile sig_atomic_t g_stop;

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void
usage(FILE *f)
{
	fputs(
	    "usage: synlab run SCENARIO [-o OUT.pcapng] [--json] [--count N]\n"
	    "                  [--delay D] [--offset T] [-6] [--ascii|--utf8]\n"
	    "       synlab run SCENARIO ... --kernel VERSION   (in a VM, "
	    "synlab kernels)\n"
	    "       synlab run --list\n"
	    "\n"
	    "Builds a private sandbox (network namespaces that vanish with "
	    "the\n"
	    "process), makes the kernel perform SCENARIO, captures it with "
	    "libpcap,\n"
	    "analyzes it and writes an annotated pcapng (default "
	    "synlab-SCENARIO.pcapng).\n"
	    "Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW).\n"
	    "\n"
	    "  -o OUT.pcapng   where to write the annotated capture\n"
	    "  --json          one JSON document on stdout (the analyze "
	    "contract plus\n"
	    "                  \"scenario\" and \"events\")\n"
	    "  --count N       run N times; report how many produced the "
	    "expected shape\n"
	    "  --delay D       one-way delay of the wire (simultaneous-open), "
	    "e.g. 10ms\n"
	    "  --offset T      B's connect() T after A's (negative: before); "
	    "without it\n"
	    "                  the SYN gate releases both SYNs together\n"
	    "  -6              IPv6 (fd00::1, fd00::2; ::1 on loopback)\n"
	    "  --list          list the scenarios\n"
	    "\n"
	    "two real hosts (simultaneous-open only; run the same command on "
	    "both,\n"
	    "each naming the other; see docs/two-hosts.md):\n"
	    "  --peer HOST[:PORT]  the other host; nothing is sent anywhere "
	    "else\n"
	    "  --port P        local port (the peer's too unless HOST:PORT "
	    "says)\n"
	    "  --at TIME       the agreed instant: 2026-11-27T12:00:00.250Z, "
	    "+SECONDS\n"
	    "                  or @EPOCH; CLOCK_REALTIME, so sync both clocks "
	    "(NTP)\n"
	    "  --attempts N    retry at TIME + k * interval until one connects "
	    "(1)\n"
	    "  --interval S    between attempts: 1s, 500ms, 2 (seconds); "
	    "default 1s\n"
	    "  --interface IF  capture here (default: the route's interface to "
	    "HOST)\n"
	    "                  needs CAP_NET_RAW (root) to capture\n"
	    "\n"
	    "times take a unit: ns, us, ms (default), s\n"
	    "exit status: 0 expected shape, no violation; 1 violation found or "
	    "a\n"
	    "             deterministic scenario missed its shape; 2 usage;\n"
	    "             3 output not writable; 4 environment (not root, no\n"
	    "             namespaces or TUN); 130 interrupted\n",
	    f);
}

static void
list_scenarios(FILE *f)
{
	const struct sl_scenario *s;

	for (size_t i = 0; (s = sl_scenario_at(i)) != NULL; i++)
		fprintf(f, "  %-19s %s\n", s->name, s->summary);
}

/* ---- analysis of one run ---- */

struct tally {
	unsigned nfiles;
	unsigned shapes[SL_RECORDER_MAXIF][SL_SHAPE__COUNT];
	unsigned total[SL_SHAPE__COUNT];
	unsigned violations;
	struct sl_report *report;     /* NULL: tally only */
	struct sl_annotate *annotate; /* NULL: tally only */
};

static void
on_handshake(const struct sl_handshake *hs, void *arg)
{
	struct tally *t = arg;

	if (hs->file >= 0 && hs->file < SL_RECORDER_MAXIF &&
	    hs->shape < SL_SHAPE__COUNT)
		t->shapes[hs->file][hs->shape]++;
	if (hs->shape < SL_SHAPE__COUNT)
		t->total[hs->shape]++;
	for (unsigned i = 0; i < hs->nfind; i++)
		if (hs->find[i].sev == SL_SEV_VIOLATION)
			t->violations++;
	if (t->report)
		sl_report_handshake(hs, t->report);
	if (t->annotate)
		sl_annotate_handshake(hs, t->annotate);
}

static void
on_problem(const char *msg, void *arg)
{
	struct tally *t = arg;

	if (t->report)
		sl_report_problem(t->report, msg);
}

/* Feeds every captured packet, file by file, through a new analyzer. */
static void
analyze_result(const struct sl_scn_result *res, struct tally *t,
	       struct sl_summary *sum)
{
	struct sl_analyzer_cfg cfg = {0};
	struct sl_analyzer *az;

	cfg.on_handshake = on_handshake;
	cfg.on_problem = on_problem;
	cfg.arg = t;
	az = sl_analyzer_new(&cfg);
	t->nfiles = sl_recorder_count(res->rec);
	for (unsigned i = 0; i < t->nfiles; i++) {
		const struct sl_capture *c = sl_recorder_capture(res->rec, i);

		sl_analyzer_set_file(az, (int)i, c->label);
		for (size_t k = 0; k < c->npkts; k++)
			(void)sl_analyzer_feed(
			    az, (int)i, k + 1, c->pkts[k].ts_ns, c->dlt,
			    c->pkts[k].data, c->pkts[k].caplen,
			    c->pkts[k].wirelen);
	}
	sl_analyzer_finish(az);
	if (sum)
		*sum = *sl_analyzer_summary(az);
	sl_analyzer_free(az);
}

/*
 * The expected shape: every capture shows at least one handshake of the
 * scenario's shape, and no handshake of a shape it does not allow.
 */
static bool
matched(const struct sl_scenario *s, const struct tally *t)
{
	unsigned ok = (1u << s->expect) | s->also_ok;

	for (unsigned f = 0; f < t->nfiles; f++)
		if (t->shapes[f][s->expect] == 0)
			return false;
	for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
		if (t->total[sh] > 0 && !(ok & (1u << sh)))
			return false;
	return t->nfiles > 0;
}

/* ---- output ---- */

static size_t
make_refs(const struct sl_scn_result *res, struct sl_evref *refs)
{
	size_t n = 0;

	if (res->t_syn_ref[0]) {
		refs[n].what = "A's SYN left";
		refs[n++].ts_ns = res->t_syn_ref[0];
	}
	if (res->t_syn_ref[1]) {
		refs[n].what = "B's SYN left";
		refs[n++].ts_ns = res->t_syn_ref[1];
	}
	return n;
}

static void
print_events(FILE *out, const struct sl_scn_result *res)
{
	struct sl_evref refs[2];
	size_t nrefs = make_refs(res, refs);
	const struct sl_event *e0 = sl_events_get(res->events, 0);
	char line[512];

	fputs("socket calls (time from the first call; A, B: hosts):\n", out);
	for (size_t i = 0; i < sl_events_count(res->events); i++) {
		sl_event_text(sl_events_get(res->events, i), refs, nrefs,
			      e0->ts_ns, line, sizeof line);
		fprintf(out, "  %s\n", line);
	}
}

/* JSON "scenario" member: name, options, kernel, runs, facts, capture. */
static char *
scenario_json(const struct sl_scenario *s, const struct sl_scn_opts *o,
	      const struct sl_scn_result *res, const char *kernel,
	      unsigned runs, unsigned ok, const unsigned *shape_runs,
	      bool verdict_ok)
{
	char *buf = NULL, *p, *line;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char facts[sizeof res->facts];
	unsigned nfacts = 0;

	if (f == NULL)
		return sl_xstrdup("{}");
	fputs("{\"name\":", f);
	sl_json_str(f, s->name);
	fprintf(f, ",\"family\":%d,\"kernel\":", o->family);
	sl_json_str(f, kernel);
	if (s->uses_timing) {
		fprintf(f, ",\"mode\":\"%s\",\"delay_ms\":%.6f",
			o->has_offset ? "offset" : "gate",
			(double)o->delay_ns / 1e6);
		if (o->has_offset)
			fprintf(f, ",\"offset_ms\":%.6f",
				(double)o->offset_ns / 1e6);
	}
	fputs(",\"expected\":", f);
	sl_json_str(f, sl_shape_name(s->expect));
	fprintf(f, ",\"runs\":%u,\"matched\":%u,\"verdict\":\"%s\"", runs, ok,
		verdict_ok ? "ok" : "unexpected");
	fputs(",\"run_shapes\":{", f);
	for (unsigned sh = 0, first = 1; sh < SL_SHAPE__COUNT; sh++) {
		if (shape_runs[sh] == 0)
			continue;
		fprintf(f, "%s", first ? "" : ",");
		sl_json_str(f, sl_shape_name((enum sl_shape)sh));
		fprintf(f, ":%u", shape_runs[sh]);
		first = 0;
	}
	fputs("},\"facts\":[", f);
	snprintf(facts, sizeof facts, "%s", res->facts);
	for (p = facts; (line = strsep(&p, "\n")) != NULL;) {
		if (*line == '\0')
			continue;
		if (nfacts++)
			fputc(',', f);
		sl_json_str(f, line);
	}
	fputs("],\"captures\":[", f);
	for (unsigned i = 0; i < sl_recorder_count(res->rec); i++) {
		const struct sl_capture *c = sl_recorder_capture(res->rec, i);

		fprintf(f, "%s{\"interface\":", i ? "," : "");
		sl_json_str(f, c->label);
		fprintf(f,
			",\"packets\":%zu,\"pcap_recv\":%u,\"pcap_drop\":%u,"
			"\"nanosecond\":%s}",
			c->npkts, c->ps_recv, c->ps_drop,
			c->nsec ? "true" : "false");
	}
	fputc(']', f);
	if (res->has_wire)
		fprintf(
		    f,
		    ",\"wire\":{\"forwarded_ab\":%llu,\"forwarded_ba\":%llu,"
		    "\"syns_held_ab\":%llu,\"syns_held_ba\":%llu,"
		    "\"synacks_a\":%u,\"synacks_b\":%u}",
		    (unsigned long long)res->wire.forwarded[0],
		    (unsigned long long)res->wire.forwarded[1],
		    (unsigned long long)res->wire.held[0],
		    (unsigned long long)res->wire.held[1], res->synacks[0],
		    res->synacks[1]);
	fprintf(f,
		",\"timing_ms\":{\"setup\":%.3f,\"run\":%.3f,"
		"\"teardown\":%.3f}}",
		(double)res->setup_ns / 1e6, (double)res->run_ns / 1e6,
		(double)res->teardown_ns / 1e6);
	if (fclose(f) != 0) {
		free(buf);
		return sl_xstrdup("{}");
	}
	return buf;
}

/* Removes the temporary pcaps and their directory. */
static void
remove_temps(const char *dir, char paths[][512], unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (paths[i][0])
			unlink(paths[i]);
	rmdir(dir);
}

/*
 * The full report of one run: text or JSON on stdout, and the annotated
 * pcapng with the events as comments.  Returns 0 or SL_EIO (errbuf).
 */
static int
report_run(const struct sl_scenario *s, const struct sl_scn_opts *o,
	   const struct sl_scn_result *res, bool json, bool ascii,
	   const char *out, unsigned runs, unsigned ok,
	   const unsigned *shape_runs, bool verdict_ok, char *errbuf)
{
	struct utsname u;
	struct tally t = {0};
	struct sl_summary sum;
	const char *labels[SL_RECORDER_MAXIF];
	const char *inputs[SL_RECORDER_MAXIF];
	char paths[SL_RECORDER_MAXIF][512] = {{0}};
	char dir[] = "/tmp/synlab-run.XXXXXX";
	struct sl_evref refs[2];
	size_t nrefs = make_refs(res, refs);
	unsigned n = sl_recorder_count(res->rec);
	char *shb = NULL, *sj, *ej, line[512];
	size_t shblen = 0;
	FILE *shbf;
	int rc;

	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	for (unsigned i = 0; i < n; i++)
		labels[i] = sl_recorder_capture(res->rec, i)->label;
	if (mkdtemp(dir) == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", dir, strerror(errno));
		return SL_EIO;
	}
	if ((rc = sl_recorder_write_pcaps(res->rec, dir, paths, errbuf)) !=
	    SL_OK)
		goto out;
	for (unsigned i = 0; i < n; i++)
		inputs[i] = paths[i];

	if (!json) {
		printf("synlab run %s%s: Linux %s%s\n", s->name,
		       o->family == 6 ? " -6" : "", u.release,
		       res->interrupted ? " (INTERRUPTED: what was captured "
					  "until Ctrl-C)"
					: "");
		printf("%s", res->facts);
		print_events(stdout, res);
		putchar('\n');
		fflush(stdout);
	}
	t.report = sl_report_new(stdout, json ? SL_REPORT_JSON : SL_REPORT_TEXT,
				 ascii, labels, (int)n);
	t.annotate = sl_annotate_new();
	for (size_t k = 0; k < n; k++)
		sl_annotate_set_input_name(t.annotate, (int)k, labels[k]);
	/* Each event is a comment on the nearest packet of its host's capture. */
	for (size_t i = 0; i < sl_events_count(res->events); i++) {
		const struct sl_event *e = sl_events_get(res->events, i);
		unsigned f = 0;
		uint64_t fr;

		for (unsigned k = 0; k < n; k++)
			if (sl_recorder_capture(res->rec, k)->host == e->host)
				f = k;
		fr = sl_capture_nearest_frame(sl_recorder_capture(res->rec, f),
					      e->ts_ns);
		if (fr == 0)
			continue;
		memcpy(line, "synlab event: ", 14);
		sl_event_text(e, refs, nrefs, 0, line + 14, sizeof line - 14);
		sl_annotate_add_comment(t.annotate, (int)f, fr, line);
	}
	analyze_result(res, &t, &sum);
	if (json) {
		ej = sl_events_json(res->events, 0);
		sj = scenario_json(s, o, res, u.release, runs, ok, shape_runs,
				   verdict_ok);
		sl_report_add_member(t.report, "scenario", sj);
		sl_report_add_member(t.report, "events", ej);
		free(ej);
		free(sj);
	}
	sl_report_finish(t.report, &sum);
	fflush(stdout);

	/* Section comment: scenario, kernel, verdict and the timeline. */
	shbf = open_memstream(&shb, &shblen);
	if (shbf != NULL) {
		if (res->interrupted)
			fprintf(shbf,
				"synlab run %s%s | Linux %s | INTERRUPTED "
				"(Ctrl-C): the packets captured until then\n",
				s->name, o->family == 6 ? " -6" : "",
				u.release);
		else
			fprintf(shbf,
				"synlab run %s%s | Linux %s | expected %s: %s "
				"(%u of %u runs)\n",
				s->name, o->family == 6 ? " -6" : "", u.release,
				sl_shape_name(s->expect),
				verdict_ok ? "ok" : "not produced", ok, runs);
		fputs(res->facts, shbf);
		for (size_t i = 0; i < sl_events_count(res->events); i++) {
			sl_event_text(sl_events_get(res->events, i), refs,
				      nrefs, 0, line, sizeof line);
			fprintf(shbf, "%s\n", line);
		}
		fclose(shbf);
	}
	rc = sl_annotate_write(t.annotate, inputs, (int)n, out, shb, errbuf);
	free(shb);
	if (rc == SL_OK && !json)
		printf("\nannotated capture: %s\n", out);
	sl_report_free(t.report);
	sl_annotate_free(t.annotate);
out:
	remove_temps(dir, paths, n);
	return rc;
}

int
sl_cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"count", required_argument, NULL, 'n'},
	    {"delay", required_argument, NULL, 'd'},
	    {"offset", required_argument, NULL, 't'},
	    {"list", no_argument, NULL, 'L'},
	    {"ascii", no_argument, NULL, 'A'},
	    {"utf8", no_argument, NULL, 'U'},
	    {"help", no_argument, NULL, 'h'},
	    /* two real hosts (run_peer.c) */
	    {"peer", required_argument, NULL, 'P'},
	    {"port", required_argument, NULL, 'p'},
	    {"at", required_argument, NULL, 'T'},
	    {"interface", required_argument, NULL, 'I'},
	    {"attempts", required_argument, NULL, 'N'},
	    {"interval", required_argument, NULL, 'V'},
	    /* hidden, for the tests: the lab holder and entering its hosts */
	    {"netns", required_argument, NULL, 'X'},
	    {"lab-hold", required_argument, NULL, 'H'},
	    {NULL, 0, NULL, 0},
	};
	struct sl_run_peer_args pa = {0};
	bool peer_opts = false;
	int64_t lab_hold_ns = -1;
	const struct sl_scenario *s;
	struct sl_scn_opts o = {0};
	struct sl_scn_result keep = {0}, res;
	struct sigaction sa, old_int, old_term;
	char errbuf[SL_ERRBUF_SIZE] = "", outbuf[256], *end;
	const char *out = NULL;
	unsigned long count = 1;
	unsigned ok = 0, runs = 0, shape_runs[SL_SHAPE__COUNT] = {0};
	bool json = false, have_keep = false, keep_matched = false, det;
	bool any_violation = false;
	int ascii = -1, c, ret = SL_EXIT_OK, rc;

	/* --kernel V: the same run in a VM of kernel V (cmd_kernels.c). */
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--kernel", 8) == 0 &&
		    (argv[i][8] == '\0' || argv[i][8] == '='))
			return sl_cmd_run_kernel(argc, argv, i);
	/* `run inject` has its own options (--state, --options). */
	if (argc > 1 && strcmp(argv[1], "inject") == 0)
		return sl_cmd_run_inject(argc - 1, argv + 1);
	o.family = 4;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:6", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'n':
			count = strtoul(optarg, &end, 10);
			if (*end != '\0' || count == 0 || count > 1000000) {
				fprintf(stderr,
					"synlab run: --count wants a "
					"positive number, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 'd':
			if (!sl_cli_parse_time(optarg, &o.delay_ns) ||
			    o.delay_ns < 0) {
				fprintf(stderr,
					"synlab run: --delay wants a "
					"time >= 0 like 10ms, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 't':
			if (!sl_cli_parse_time(optarg, &o.offset_ns)) {
				fprintf(stderr,
					"synlab run: --offset wants a "
					"time like -2.5ms, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			o.has_offset = true;
			break;
		case '6':
			o.family = 6;
			break;
		case 'L':
			list_scenarios(stdout);
			return SL_EXIT_OK;
		case 'A':
			ascii = 1;
			break;
		case 'U':
			ascii = 0;
			break;
		case 'P':
			pa.peer = optarg;
			break;
		case 'p':
			pa.port = optarg;
			peer_opts = true;
			break;
		case 'T':
			pa.at = optarg;
			peer_opts = true;
			break;
		case 'I':
			pa.ifname = optarg;
			peer_opts = true;
			break;
		case 'N':
			pa.attempts = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || pa.attempts == 0) {
				fprintf(stderr,
					"synlab run: --attempts wants a "
					"positive number, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			peer_opts = true;
			break;
		case 'V':
			/* A bare number is seconds here ("--interval 2"). */
			if (!sl_cli_parse_time(optarg, &pa.interval_ns) ||
			    pa.interval_ns <= 0) {
				fprintf(stderr,
					"synlab run: --interval wants a "
					"time like 1s or 500ms, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			if (isdigit((unsigned char)optarg[strlen(optarg) - 1]))
				pa.interval_ns *= 1000;
			peer_opts = true;
			break;
		case 'X':
			pa.netns = optarg;
			break;
		case 'H':
			/* seconds, like 240 or 240s */
			lab_hold_ns = (int64_t)(strtod(optarg, &end) * 1e9);
			if ((*end != '\0' && strcmp(end, "s") != 0) ||
			    lab_hold_ns <= 0 ||
			    lab_hold_ns > 3600 * 1000000000LL) {
				fprintf(stderr, "synlab run: --lab-hold wants "
						"seconds, at most 3600\n");
				return SL_EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			fputs("\nscenarios:\n", stdout);
			list_scenarios(stdout);
			return SL_EXIT_OK;
		default:
			usage(stderr);
			return SL_EXIT_USAGE;
		}
	}
	if (lab_hold_ns > 0)
		return sl_run_lab_hold(o.delay_ns, lab_hold_ns);
	if (argc - optind != 1) {
		fputs(argc - optind < 1
			  ? "synlab run: which scenario?\n"
			  : "synlab run: one scenario at a time\n",
		      stderr);
		usage(stderr);
		return SL_EXIT_USAGE;
	}
	s = sl_scenario_find(argv[optind]);
	if (s == NULL) {
		fprintf(stderr, "synlab run: unknown scenario '%s'; one of:\n",
			argv[optind]);
		list_scenarios(stderr);
		return SL_EXIT_USAGE;
	}
	if (pa.peer != NULL || peer_opts || pa.netns != NULL) {
		if (pa.peer == NULL ||
		    strcmp(s->name, "simultaneous-open") != 0 || o.has_offset ||
		    o.delay_ns || o.family == 6 || count != 1) {
			fputs("synlab run: --port/--at/--attempts/--interval/"
			      "--interface go with\n  synlab run "
			      "simultaneous-open "
			      "--peer HOST (and not with --delay, --offset,\n"
			      "  -6, --count: the peer's address decides the "
			      "family)\n",
			      stderr);
			return SL_EXIT_USAGE;
		}
		pa.out = out;
		pa.json = json;
		pa.ascii = ascii < 0 ? !isatty(STDOUT_FILENO) : ascii;
		return sl_run_peer(&pa);
	}
	if (!s->uses_timing && (o.has_offset || o.delay_ns)) {
		fprintf(stderr, "synlab run: %s takes no --delay/--offset\n",
			s->name);
		return SL_EXIT_USAGE;
	}
	if (out == NULL) {
		snprintf(outbuf, sizeof outbuf, "synlab-%s.pcapng", s->name);
		out = outbuf;
	}
	if (ascii < 0)
		ascii = !isatty(STDOUT_FILENO);

	/* Privileges first: a clear message rather than a half-built sandbox. */
	if ((rc = sl_sandbox_check(s->nhosts > 1, errbuf)) != SL_OK) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
		return SL_EXIT_ENV;
	}
	/* Least privilege: give up every capability never used here,
	 * before any thread exists (common/priv.h). */
	if (sl_priv_drop_unused(errbuf) != SL_OK) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
		return SL_EXIT_ENV;
	}
	/* Ctrl-C ends the run cleanly: no SA_RESTART, so waits return. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	o.stop = (volatile const int *)&g_stop;
	det = sl_scenario_deterministic(s, &o);

	for (runs = 0; runs < count && !g_stop; runs++) {
		struct tally t = {0};
		bool m;

		rc = sl_scenario_run(s, &o, &res, errbuf);
		if (rc == SL_EINTR || g_stop) {
			/*
			 * Interrupted: keep what this run captured, so the
			 * pcapng so far is written and reported.
			 */
			if (res.rec != NULL && sl_recorder_count(res.rec) > 0) {
				if (have_keep)
					sl_scn_result_free(&keep);
				res.interrupted = true;
				keep = res;
				have_keep = true;
			} else {
				sl_scn_result_free(&res);
			}
			break;
		}
		if (rc != SL_OK) {
			fprintf(stderr, "synlab run: %s\n", errbuf);
			sl_scn_result_free(&res);
			ret = SL_EXIT_ENV;
			goto done;
		}
		analyze_result(&res, &t, NULL);
		m = matched(s, &t);
		ok += m;
		any_violation |= t.violations > 0;
		for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
			if (t.total[sh])
				shape_runs[sh]++;
		for (unsigned i = 0; i < sl_recorder_count(res.rec); i++)
			if (sl_recorder_capture(res.rec, i)->ps_drop && !json)
				fprintf(
				    stderr,
				    "synlab run: run %u: %s dropped "
				    "%u packets (pcap_stats)\n",
				    runs + 1,
				    sl_recorder_capture(res.rec, i)->label,
				    sl_recorder_capture(res.rec, i)->ps_drop);
		if (count > 1 && !json)
			fprintf(stderr,
				"run %u/%lu: %s  (setup %.1f ms, run "
				"%.1f ms, teardown %.1f ms)\n",
				runs + 1, count,
				m ? sl_shape_name(s->expect)
				  : "unexpected shape",
				(double)res.setup_ns / 1e6,
				(double)res.run_ns / 1e6,
				(double)res.teardown_ns / 1e6);
		/* Report the first run that missed, else the last one. */
		if (have_keep && !keep_matched) {
			sl_scn_result_free(&res);
		} else {
			if (have_keep)
				sl_scn_result_free(&keep);
			keep = res;
			keep_matched = m;
			have_keep = true;
		}
	}
	if (g_stop) {
		fprintf(stderr,
			"synlab run: interrupted after %u run%s; "
			"sandbox removed\n",
			runs, runs == 1 ? "" : "s");
		if (have_keep && keep.interrupted) {
			/* Ctrl-C again must not stop the writing. */
			sigaction(SIGINT, &old_int, NULL);
			signal(SIGINT, SIG_IGN);
			rc = report_run(s, &o, &keep, json, ascii, out, runs,
					ok, shape_runs, false, errbuf);
			if (rc != SL_OK)
				fprintf(stderr, "synlab run: %s\n", errbuf);
		}
		ret = SL_EXIT_INTR;
		goto done;
	}
	rc = report_run(s, &o, &keep, json, ascii, out, runs, ok, shape_runs,
			ok == runs, errbuf);
	if (rc != SL_OK) {
		fprintf(stderr, "synlab run: %s\n", errbuf);
		ret = SL_EXIT_INPUT;
		goto done;
	}
	if (!json) {
		printf("%s: expected %s in %u of %u run%s%s\n", s->name,
		       sl_shape_name(s->expect), ok, runs, runs == 1 ? "" : "s",
		       det ? ""
			   : " (an experiment: other outcomes are results)");
		if (ok < runs) {
			fputs("shapes seen:", stdout);
			for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
				if (shape_runs[sh])
					printf(" %s in %u", sl_shape_name(sh),
					       shape_runs[sh]);
			putchar('\n');
		}
	}
	if (any_violation || (det && ok < runs))
		ret = SL_EXIT_VIOLATION;
done:
	if (have_keep)
		sl_scn_result_free(&keep);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return ret;
}
