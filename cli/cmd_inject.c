/* \summary: synlab inject (one crafted segment) and synlab run inject (a crafted SYN at a socket in a chosen state) */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "annotate.h"
#include "cli.h"
#include "priv.h"
#include "cmd_inject.h"
#include "inject.h"
#include "inject_scenario.h"
#include "lab.h"
#include "report.h"
#include "sandbox.h"

static volatile sig_atomic_t g_stop;

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

bool
sl_cli_parse_time(const char *s, int64_t *ns)
{
	char *end;
	double v = strtod(s, &end), mul = 1e6;

	if (end == s)
		return false;
	if (strcmp(end, "ns") == 0)
		mul = 1;
	else if (strcmp(end, "us") == 0)
		mul = 1e3;
	else if (strcmp(end, "ms") == 0 || *end == '\0')
		mul = 1e6;
	else if (strcmp(end, "s") == 0)
		mul = 1e9;
	else
		return false;
	v *= mul;
	if (v > 60e9 || v < -60e9)
		return false;
	*ns = (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
	return true;
}

/* ---- analysis and the annotated pcapng ---- */

struct tally {
	struct sl_cli_analysis *res;
	struct sl_report *report;
	struct sl_annotate *annotate;
	void (*cb)(const struct sl_handshake *, void *);
	void *cbarg;
};

static void
on_handshake(const struct sl_handshake *hs, void *arg)
{
	struct tally *t = arg;

	t->res->handshakes++;
	if (hs->shape < SL_SHAPE__COUNT)
		t->res->shapes[hs->shape]++;
	for (unsigned i = 0; i < hs->nfind; i++)
		if (hs->find[i].sev == SL_SEV_VIOLATION)
			t->res->violations++;
	if (t->report)
		sl_report_handshake(hs, t->report);
	if (t->annotate)
		sl_annotate_handshake(hs, t->annotate);
	if (t->cb)
		t->cb(hs, t->cbarg);
}

static void
on_problem(const char *msg, void *arg)
{
	struct tally *t = arg;

	if (t->report)
		sl_report_problem(t->report, msg);
}

int
sl_cli_analyze_capture(const struct sl_recorder *rec,
		       const struct sl_events *ev, int report_fmt, bool ascii,
		       const char *out, const char *section_comment,
		       const char *json_key, const char *json_val,
		       void (*cb)(const struct sl_handshake *, void *),
		       void *cbarg, struct sl_cli_analysis *res, char *errbuf)
{
	struct tally t;
	struct sl_analyzer_cfg cfg;
	struct sl_analyzer *az;
	const char *labels[SL_RECORDER_MAXIF], *inputs[SL_RECORDER_MAXIF];
	char paths[SL_RECORDER_MAXIF][512];
	char dir[] = "/tmp/synlab-inject.XXXXXX";
	unsigned n = sl_recorder_count(rec);
	int rc = SL_OK;

	memset(res, 0, sizeof *res);
	memset(&t, 0, sizeof t);
	memset(paths, 0, sizeof paths);
	t.res = res;
	t.cb = cb;
	t.cbarg = cbarg;
	for (unsigned i = 0; i < n; i++)
		labels[i] = sl_recorder_capture(rec, i)->label;
	if (report_fmt >= 0)
		t.report = sl_report_new(stdout, (enum sl_report_fmt)report_fmt,
					 ascii, labels, (int)n);
	if (out != NULL) {
		t.annotate = sl_annotate_new();
		for (unsigned k = 0; k < n; k++)
			sl_annotate_set_input_name(t.annotate, (int)k,
						   labels[k]);
		/* Each event: a comment on the nearest packet of its host. */
		for (size_t i = 0; ev && i < sl_events_count(ev); i++) {
			const struct sl_event *e = sl_events_get(ev, i);
			char line[512];
			unsigned f = 0;
			uint64_t fr;

			for (unsigned k = 0; k < n; k++)
				if (sl_recorder_capture(rec, k)->host ==
				    e->host)
					f = k;
			fr = sl_capture_nearest_frame(
			    sl_recorder_capture(rec, f), e->ts_ns);
			if (fr == 0)
				continue;
			memcpy(line, "synlab event: ", 14);
			sl_event_text(e, NULL, 0, 0, line + 14,
				      sizeof line - 14);
			sl_annotate_add_comment(t.annotate, (int)f, fr, line);
		}
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.on_handshake = on_handshake;
	cfg.on_problem = on_problem;
	cfg.arg = &t;
	az = sl_analyzer_new(&cfg);
	for (unsigned i = 0; i < n; i++) {
		const struct sl_capture *c = sl_recorder_capture(rec, i);

		sl_analyzer_set_file(az, (int)i, c->label);
		for (size_t k = 0; k < c->npkts; k++)
			(void)sl_analyzer_feed(
			    az, (int)i, k + 1, c->pkts[k].ts_ns, c->dlt,
			    c->pkts[k].data, c->pkts[k].caplen,
			    c->pkts[k].wirelen);
	}
	sl_analyzer_finish(az);
	if (t.report) {
		if (json_key && json_val)
			sl_report_add_member(t.report, json_key, json_val);
		sl_report_finish(t.report, sl_analyzer_summary(az));
		fflush(stdout);
	}
	sl_analyzer_free(az);
	if (out != NULL) {
		if (mkdtemp(dir) == NULL) {
			sl_errbuf_set(errbuf, "%s: %s", dir, strerror(errno));
			rc = SL_EIO;
			goto done;
		}
		rc = sl_recorder_write_pcaps(rec, dir, paths, errbuf);
		for (unsigned i = 0; i < n; i++)
			inputs[i] = paths[i];
		if (rc == SL_OK)
			rc = sl_annotate_write(t.annotate, inputs, (int)n, out,
					       section_comment, errbuf);
		for (unsigned i = 0; i < n; i++)
			if (paths[i][0])
				unlink(paths[i]);
		rmdir(dir);
	}
done:
	sl_report_free(t.report);
	sl_annotate_free(t.annotate);
	return rc;
}

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
	    "  --at TIME       when: +10ms (from now) or an absolute "
	    "CLOCK_REALTIME\n"
	    "                  instant in seconds since the epoch "
	    "(1764254400.25);\n"
	    "                  sleep, then spin; default now\n"
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

/* "+10ms" from now, or seconds since the epoch with a fraction. */
static bool
parse_at(const char *s, int64_t *at)
{
	int64_t rel;
	char *end;
	double v;

	if (s[0] == '+') {
		if (!sl_cli_parse_time(s + 1, &rel) || rel < 0)
			return false;
		*at = sl_now_real_ns() + rel;
		return true;
	}
	v = strtod(s, &end);
	if (end == s || *end != '\0' || v < 1e9 || v > 1e10)
		return false;
	*at = (int64_t)(v * 1e9);
	return true;
}

int
sl_cmd_inject(int argc, char **argv)
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
	const char *ifname = NULL, *src = NULL, *dst = NULL, *flags = NULL;
	const char *opts = NULL;
	bool have_seq = false, have_ack = false, have_win = false;
	uint32_t seq = 0, ack = 0, win = 64240, mss = 1460, ws = 7, ttl = 64;
	int64_t at = 0;
	struct sl_seg seg;
	struct sl_seg_bytes b;
	struct sl_inject_stamp st;
	struct sl_injector *ij;
	char errbuf[SL_ERRBUF_SIZE] = "", ob[48];
	int c, fam2 = 0, rc;

	memset(&seg, 0, sizeof seg);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			ifname = optarg;
			break;
		case 's':
			src = optarg;
			break;
		case 'd':
			dst = optarg;
			break;
		case 'f':
			flags = optarg;
			break;
		case 'q':
			if (!parse_u32(optarg, &seq))
				goto bad;
			have_seq = true;
			break;
		case 'a':
			if (!parse_u32(optarg, &ack))
				goto bad;
			have_ack = true;
			break;
		case 'w':
			if (!parse_u32(optarg, &win) || win > 65535)
				goto bad;
			have_win = true;
			break;
		case 'm':
			if (!parse_u32(optarg, &mss) || mss > 65535)
				goto bad;
			break;
		case 'W':
			if (!parse_u32(optarg, &ws) || ws > 14)
				goto bad;
			break;
		case 'T':
			if (!parse_u32(optarg, &ttl) || ttl == 0 || ttl > 255)
				goto bad;
			break;
		case 'o':
			opts = optarg;
			break;
		case 't':
			if (!parse_at(optarg, &at))
				goto bad;
			break;
		case 'h':
			inject_usage(stdout);
			return SL_EXIT_OK;
		default:
			inject_usage(stderr);
			return SL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "synlab inject: unexpected argument '%s'\n",
			argv[optind]);
		return SL_EXIT_USAGE;
	}
	if (ifname == NULL) {
		fputs("synlab inject: refusing to send without --interface: "
		      "name the interface the segment must leave by (inside "
		      "a sandbox, use `synlab run inject`)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	if (src == NULL || dst == NULL || flags == NULL || !have_seq) {
		fputs("synlab inject: --src, --dst, --flags and --seq are "
		      "required\n",
		      stderr);
		inject_usage(stderr);
		return SL_EXIT_USAGE;
	}
	if (sl_inject_parse_endpoint(src, &seg.family, seg.src, &seg.sport) ||
	    sl_inject_parse_endpoint(dst, &fam2, seg.dst, &seg.dport) ||
	    fam2 != seg.family) {
		fprintf(stderr,
			"synlab inject: --src/--dst want ADDR:PORT of "
			"one family, not '%s' / '%s'\n",
			src, dst);
		return SL_EXIT_USAGE;
	}
	if (sl_inject_parse_flags(flags, &seg.flags) != SL_OK) {
		fprintf(stderr,
			"synlab inject: --flags wants letters of "
			"SAFRP, not '%s'\n",
			flags);
		return SL_EXIT_USAGE;
	}
	if (opts == NULL)
		seg.opts = seg.flags & SL_TH_SYN ? SL_OPT_ALL : 0;
	else if (sl_inject_parse_opts(opts, &seg.opts) != SL_OK) {
		fprintf(stderr,
			"synlab inject: --options wants "
			"mss,sack,ts,ws, all or none, not '%s'\n",
			opts);
		return SL_EXIT_USAGE;
	}
	if (have_ack && !(seg.flags & SL_TH_ACK))
		fputs("synlab inject: note: --ack given without the A flag; "
		      "the field is sent anyway\n",
		      stderr);
	seg.seq = seq;
	seg.ack = ack;
	seg.win = (uint16_t)(have_win ? win : seg.flags & SL_TH_RST ? 0 : win);
	seg.mss = (uint16_t)mss;
	seg.wscale = (uint8_t)ws;
	seg.ttl = (uint8_t)ttl;
	seg.tsval = (uint32_t)(sl_now_mono_ns() / 1000000);
	if (if_nametoindex(ifname) == 0) {
		fprintf(stderr, "synlab inject: %s: no such interface\n",
			ifname);
		return SL_EXIT_ENV;
	}
	ij = sl_injector_open(seg.family, ifname, errbuf);
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
	rc = sl_injector_send_at(ij, &b, at, &st, errbuf);
	sl_injector_close(ij);
	if (rc != SL_OK) {
		fprintf(stderr, "synlab inject: %s\n", errbuf);
		return SL_EXIT_ENV;
	}
	printf("sent %s %s > %s seq %u ack %u win %u options %s (%zu bytes) "
	       "on %s\n",
	       flags, src, dst, seg.seq, seg.ack, seg.win,
	       sl_inject_opts_str(seg.opts, ob, sizeof ob), b.len, ifname);
	if (at > 0)
		printf("scheduled %lld.%09lld, sent %lld.%09lld (%.1f us "
		       "late), send call %.1f us\n",
		       (long long)(at / 1000000000),
		       (long long)(at % 1000000000),
		       (long long)(st.before / 1000000000),
		       (long long)(st.before % 1000000000),
		       (double)(st.before - at) / 1e3,
		       (double)(st.after - st.before) / 1e3);
	else
		printf("sent %lld.%09lld, send call %.1f us\n",
		       (long long)(st.before / 1000000000),
		       (long long)(st.before % 1000000000),
		       (double)(st.after - st.before) / 1e3);
	return SL_EXIT_OK;
bad:
	fprintf(stderr, "synlab inject: bad value '%s'\n", optarg);
	return SL_EXIT_USAGE;
}

/* ---- synlab run inject ---- */

static void
run_inject_usage(FILE *f)
{
	fputs("usage: synlab run inject --state "
	      "bound|closed|syn-sent|established\n"
	      "                         [--offset T] [--options LIST] [--delay "
	      "D]\n"
	      "                         [-6] [--json] [-o OUT.pcapng] "
	      "[--ascii|--utf8]\n"
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
	      "synlab-inject-STATE.pcapng)\n"
	      "  --json          the analyze JSON plus \"inject\" and "
	      "\"events\"\n"
	      "\n"
	      "exit status: 0 the kernel answered as expected, no violation; 1 "
	      "a\n"
	      "             violation was found or the answer was not the "
	      "expected one;\n"
	      "             2 usage; 3 output not writable; 4 environment; 130 "
	      "interrupted\n",
	      f);
}

static const char *
tcp_state_name(unsigned s)
{
	static const char *const n[] = {
	    "?",	  "ESTABLISHED", "SYN-SENT",  "SYN-RECV",
	    "FIN-WAIT1",  "FIN-WAIT2",	 "TIME-WAIT", "CLOSE",
	    "CLOSE-WAIT", "LAST-ACK",	 "LISTEN",    "CLOSING"};

	return s < sizeof n / sizeof n[0] ? n[s] : "?";
}

/* Whether the target answered as docs/kernel-notes.md and RFC 9293 / 5961 say. */
static bool
expected_answer(const struct sl_inj_opts *o, const struct sl_inj_result *r,
		char *why, size_t len)
{
	uint32_t s = r->peer_isn;

	switch (o->state) {
	case SL_INJ_BOUND:
	case SL_INJ_CLOSED:
		snprintf(why, len, "RST seq %u ack %u (want seq 0 ack %u)",
			 r->rst_seq, r->rst_ack, s + 1);
		return r->rsts >= 1 && r->rst_seq == 0 && r->rst_ack == s + 1;
	case SL_INJ_SYN_SENT:
		snprintf(why, len,
			 "SYN-ACK seq %u ack %u (want seq %u = the "
			 "target's ISN, ack %u); connect() %s; "
			 "TCP_INFO state %s",
			 r->synack_seq, r->synack_ack, r->target_isn, s + 1,
			 r->connect_err == 0  ? "returned 0"
			 : r->connect_err > 0 ? strerror(r->connect_err)
					      : "did not complete",
			 r->have_info ? tcp_state_name(r->tcpi_state) : "-");
		return r->synacks >= 1 && r->synack_seq == r->target_isn &&
		       r->synack_ack == s + 1 && r->connect_err == 0 &&
		       r->have_info && r->tcpi_state == 1;
	case SL_INJ_ESTABLISHED:
		snprintf(why, len,
			 "answers to the three SYNs: %u, %u, %u "
			 "(want 1, 0, 1: a challenge ACK, none within "
			 "500 ms, one again after)",
			 r->answers[0], r->answers[1], r->answers[2]);
		return r->answers[0] == 1 && r->answers[1] == 0 &&
		       r->answers[2] == 1;
	}
	return false;
}

static char *
inject_json(const struct sl_inj_opts *o, const struct sl_inj_result *r,
	    const char *kernel, bool ok, const char *why, int64_t delay)
{
	char *buf = NULL, ob[48];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return sl_xstrdup("{}");
	fprintf(f,
		"{\"state\":\"%s\",\"kernel\":", sl_inj_state_name(o->state));
	sl_json_str(f, kernel);
	fprintf(f,
		",\"options\":\"%s\",\"offset_us\":%.3f,\"delay_us\":%.3f,"
		"\"peer_isn\":%u,\"target_isn\":%u,\"outcome\":\"%s\","
		"\"expected\":%s,\"check\":",
		sl_inject_opts_str(o->opts, ob, sizeof ob),
		(double)o->offset_ns / 1e3, (double)delay / 1e3, r->peer_isn,
		r->target_isn, r->outcome, ok ? "true" : "false");
	sl_json_str(f, why);
	fprintf(f, ",\"connect\":\"%s\"",
		r->connect_err == -2   ? "none"
		: r->connect_err == -1 ? "pending"
		: r->connect_err == 0  ? "0"
				       : sl_errno_name(r->connect_err));
	if (r->have_info)
		fprintf(f,
			",\"tcp_info\":{\"state\":\"%s\",\"wscale_option\":%s,"
			"\"snd_wscale\":%u,\"rcv_wscale\":%u,\"sack\":%s,"
			"\"timestamps\":%s}",
			tcp_state_name(r->tcpi_state),
			r->tcpi_options & 4 ? "true" : "false", r->snd_wscale,
			r->rcv_wscale, r->tcpi_options & 2 ? "true" : "false",
			r->tcpi_options & 1 ? "true" : "false");
	if (r->data_seen)
		fprintf(f, ",\"target_data_window\":%u", r->data_win);
	fputs(",\"sent\":[", f);
	for (unsigned i = 0; i < r->nsent; i++) {
		const struct sl_inj_sent *x = &r->sent[i];

		fprintf(f,
			"%s{\"segment\":\"%s\",\"seq\":%u,\"ack\":%u,"
			"\"sent_ns\":%lld",
			i ? "," : "", x->what, x->seq, x->ack,
			(long long)x->st.before);
		if (x->st.scheduled)
			fprintf(f, ",\"scheduled_ns\":%lld,\"late_us\":%.3f",
				(long long)x->st.scheduled,
				(double)(x->st.before - x->st.scheduled) / 1e3);
		fputc('}', f);
	}
	fprintf(f, "],\"answers\":[%u,%u,%u]}", r->answers[0], r->answers[1],
		r->answers[2]);
	fclose(f);
	return buf;
}

int
sl_cmd_run_inject(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"state", required_argument, NULL, 's'},
	    {"offset", required_argument, NULL, 't'},
	    {"options", required_argument, NULL, 'O'},
	    {"delay", required_argument, NULL, 'd'},
	    {"peer", no_argument, NULL, 'P'},
	    {"json", no_argument, NULL, 'j'},
	    {"ascii", no_argument, NULL, 'A'},
	    {"utf8", no_argument, NULL, 'U'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct sl_inj_opts o;
	struct sl_inj_result r;
	struct sl_cli_analysis an;
	struct sl_lab *lab = NULL;
	struct sl_inj_peer *peer = NULL;
	struct sigaction sa, old_int, old_term;
	struct utsname u;
	char errbuf[SL_ERRBUF_SIZE] = "", facts[2048] = "", why[256] = "";
	char outbuf[256], *shb = NULL, *ij = NULL, *ej, line[512];
	const char *out = NULL;
	bool json = false, have_offset = false, ok;
	int64_t delay = 0;
	int c, st = -1, ascii = -1, ret = SL_EXIT_OK, rc, family = 4;
	size_t shblen = 0;
	FILE *shbf;

	memset(&o, 0, sizeof o);
	o.opts = SL_OPT_ALL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:6", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if ((st = sl_inj_state_parse(optarg)) < 0) {
				fprintf(stderr,
					"synlab run inject: --state is "
					"bound, closed, syn-sent or "
					"established, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 't':
			if (!sl_cli_parse_time(optarg, &o.offset_ns)) {
				fprintf(stderr,
					"synlab run inject: --offset "
					"wants a time like 1ms, not "
					"'%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			have_offset = true;
			break;
		case 'O':
			if (sl_inject_parse_opts(optarg, &o.opts) != SL_OK) {
				fprintf(stderr,
					"synlab run inject: --options "
					"wants mss,sack,ts,ws, all or "
					"none, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 'd':
			if (!sl_cli_parse_time(optarg, &delay) || delay < 0) {
				fprintf(stderr,
					"synlab run inject: --delay "
					"wants a time >= 0, not '%s'\n",
					optarg);
				return SL_EXIT_USAGE;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case '6':
			family = 6;
			break;
		case 'P':
			o.peer_mode = true;
			break;
		case 'j':
			json = true;
			break;
		case 'A':
			ascii = 1;
			break;
		case 'U':
			ascii = 0;
			break;
		case 'h':
			run_inject_usage(stdout);
			return SL_EXIT_OK;
		default:
			run_inject_usage(stderr);
			return SL_EXIT_USAGE;
		}
	}
	if (optind != argc || st < 0) {
		fputs(st < 0 ? "synlab run inject: which --state?\n"
			     : "synlab run inject: unexpected argument\n",
		      stderr);
		run_inject_usage(stderr);
		return SL_EXIT_USAGE;
	}
	{
		o.state = (enum sl_inj_state)st;
		o.port = 1314;
		o.send_data = o.state == SL_INJ_SYN_SENT;
		if (!have_offset)
			o.offset_ns =
			    o.state == SL_INJ_ESTABLISHED ? 10000000 : 1000000;
		if (o.state == SL_INJ_ESTABLISHED) {
			o.nsyn = 3;
			o.syn_gap_ns[1] = 100000000;
			o.syn_gap_ns[2] = 700000000;
		} else {
			o.nsyn = 1;
		}
		if (out == NULL) {
			snprintf(outbuf, sizeof outbuf,
				 "synlab-inject-%s.pcapng",
				 sl_inj_state_name(o.state));
			out = outbuf;
		}
		if (ascii < 0)
			ascii = !isatty(STDOUT_FILENO);
		if ((rc = sl_sandbox_check(true, errbuf)) != SL_OK) {
			fprintf(stderr, "synlab run inject: %s\n", errbuf);
			return SL_EXIT_ENV;
		}
		/* Least privilege: give up every capability never used here,
		 * before any thread exists (common/priv.h). */
		if (sl_priv_drop_unused(errbuf) != SL_OK) {
			fprintf(stderr, "synlab run inject: %s\n", errbuf);
			return SL_EXIT_ENV;
		}
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		o.stop = (volatile const int *)&g_stop;

		/* Phase 1, privileged: sandbox, wire, capture, sockets. */
		lab = sl_lab_new(family, errbuf, &rc);
		if (lab == NULL) {
			fprintf(stderr, "synlab run inject: %s\n", errbuf);
			ret = SL_EXIT_ENV;
			goto done;
		}
		sl_lab_set_delay(lab, delay);
		peer = sl_inj_peer_open(lab, errbuf);
		if (peer == NULL) {
			fprintf(stderr, "synlab run inject: %s\n", errbuf);
			ret = SL_EXIT_ENV;
			goto done;
		}
		/* Phase 2: the experiment. */
		rc = sl_inj_run(peer, &o, &r, facts, sizeof facts, errbuf);
		sl_lab_finish(lab, 5000000 + delay, o.stop);
		if (rc == SL_EINTR || g_stop) {
			fputs("synlab run inject: interrupted; sandbox "
			      "removed\n",
			      stderr);
			ret = SL_EXIT_INTR;
			goto done;
		}
		if (rc != SL_OK) {
			fprintf(stderr, "synlab run inject: %s\n", errbuf);
			ret = SL_EXIT_ENV;
			goto done;
		}
	}
	/* Phase 3: report. */
	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	ok = expected_answer(&o, &r, why, sizeof why);
	if (r.have_info) {
		char x[256];

		snprintf(x, sizeof x,
			 "TCP_INFO after connect(): state %s, window scaling "
			 "%s (snd_wscale %u, rcv_wscale %u), SACK %s, "
			 "timestamps %s",
			 tcp_state_name(r.tcpi_state),
			 r.tcpi_options & 4 ? "on" : "off", r.snd_wscale,
			 r.rcv_wscale, r.tcpi_options & 2 ? "on" : "off",
			 r.tcpi_options & 1 ? "on" : "off");
		strncat(facts, x, sizeof facts - strlen(facts) - 2);
		strcat(facts, "\n");
	}
	if (r.data_seen && o.state == SL_INJ_SYN_SENT) {
		char x[320];

		if (!(o.opts & SL_OPT_WS) && r.data_win < 1024)
			snprintf(
			    x, sizeof x,
			    "the target's data segment advertises window "
			    "%u: still shifted by its offered scale 2^%u "
			    "although the crafted SYN had no window scale "
			    "option (RFC 7323 §2.2: scaling is off unless "
			    "both SYNs carry it) - the window-scale defect",
			    r.data_win, r.rcv_wscale ? r.rcv_wscale : 10);
		else
			snprintf(
			    x, sizeof x,
			    "the target's data segment advertises window %u",
			    r.data_win);
		strncat(facts, x, sizeof facts - strlen(facts) - 2);
		strcat(facts, "\n");
	}
	if (!json) {
		struct sl_events *ev = sl_lab_events(lab);

		printf("synlab run inject --state %s%s: Linux %s\n",
		       sl_inj_state_name(o.state),
		       sl_lab_family(lab) == 6 ? " -6" : "", u.release);
		fputs(facts, stdout);
		fputs("socket calls and injections (time from the first):\n",
		      stdout);
		for (size_t i = 0; i < sl_events_count(ev); i++) {
			sl_event_text(sl_events_get(ev, i), NULL, 0,
				      sl_events_get(ev, 0)->ts_ns, line,
				      sizeof line);
			printf("  %s\n", line);
		}
		printf("answer: %s: %s\n\n", ok ? "as expected" : "UNEXPECTED",
		       why);
		fflush(stdout);
	}
	shbf = open_memstream(&shb, &shblen);
	if (shbf != NULL) {
		fprintf(shbf,
			"synlab run inject --state %s | Linux %s | %s: %s\n%s",
			sl_inj_state_name(o.state), u.release,
			ok ? "as expected" : "unexpected", why, facts);
		fclose(shbf);
	}
	ij = inject_json(&o, &r, u.release, ok, why, delay);
	if (json) {
		/* Two members: "inject" and "events", in one add each. */
		char *both;
		size_t bl;

		ej = sl_events_json(sl_lab_events(lab), 0);
		bl = strlen(ij) + strlen(ej) + 32;
		both = sl_xcalloc(1, bl);
		snprintf(both, bl, "%s,\"events\":%s", ij, ej);
		free(ej);
		free(ij);
		ij = both;
	}
	rc = sl_cli_analyze_capture(sl_lab_recorder(lab), sl_lab_events(lab),
				    json ? SL_REPORT_JSON : SL_REPORT_TEXT,
				    ascii, out, shb, "inject", ij, NULL, NULL,
				    &an, errbuf);
	if (rc != SL_OK) {
		fprintf(stderr, "synlab run inject: %s\n", errbuf);
		ret = SL_EXIT_INPUT;
		goto done;
	}
	if (!json)
		printf("\nannotated capture: %s\n", out);
	if (an.violations > 0 || !ok)
		ret = SL_EXIT_VIOLATION;
done:
	free(shb);
	free(ij);
	sl_inj_peer_close(peer);
	sl_lab_free(lab);
	if (o.stop != NULL) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	return ret;
}
