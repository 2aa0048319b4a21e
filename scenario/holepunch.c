/* \summary: TCP hole punching through two kernel NATs: simultaneous open at an agreed instant (RFC 9293 §3.5 Figure 7), retried; what the public wire showed */
#include "holepunch.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "catalogue.h"
#include "conntrack.h"
#include "holepunch_sweep.h"
#include "json.h"
#include "lab.h"
#include "livefeed.h"
#include "netaddr.h"
#include "peek.h"
#include "priv.h"
#include "sandbox.h"
#include "timearg.h"

static const char *const outcome_names[SL_HP_OUTCOME__COUNT] = {
    "connected", "refused", "timed-out", "failed"};

const char *
sl_hp_outcome_name(enum sl_hp_outcome o)
{
	return (unsigned)o < SL_HP_OUTCOME__COUNT ? outcome_names[o] : "?";
}

void
sl_hp_opts_default(struct sl_hp_opts *o)
{
	memset(o, 0, sizeof *o);
	o->delay_ns = 20000000;
	o->attempts = 1;
	o->interval_ns = 1000000000;
	o->timeout_ns = 4000000000LL;
	o->port = 1314;
	o->syn_linear = -1;
}

bool
sl_holepunch_ok(const struct sl_hp_result *r)
{
	return r->host[0].outcome == SL_HP_CONNECTED &&
	       r->host[1].outcome == SL_HP_CONNECTED;
}

void
sl_hp_result_free(struct sl_hp_result *r)
{
	sl_recorder_free(r->rec);
	sl_events_free(r->ev);
	r->rec = NULL;
	r->ev = NULL;
}

/* The instant of host h's last "connect-done" event; 0: none. */
static int64_t
done_at(const struct sl_events *ev, char host)
{
	int64_t t = 0;

	for (size_t i = 0; i < sl_events_count(ev); i++) {
		const struct sl_event *e = sl_events_get(ev, i);

		if (e->host == host && strcmp(e->call, "connect-done") == 0)
			t = e->ts_ns;
	}
	return t;
}

static enum sl_hp_outcome
outcome_of(int err)
{
	switch (err) {
	case 0:
		return SL_HP_CONNECTED;
	case ECONNREFUSED:
	case ECONNRESET:
		return SL_HP_REFUSED;
	case -1:
	case ETIMEDOUT:
		return SL_HP_TIMED_OUT;
	default:
		return SL_HP_FAILED;
	}
}

/* One attempt at the instants t[2] (CLOCK_MONOTONIC). */
static int
attempt(struct sl_lab *lab, const struct sl_hp_opts *o, const int64_t t[2],
	struct sl_hp_result *r, char *errbuf)
{
	struct sockaddr_storage peer[2];
	struct sl_simopen_run sr;
	struct sl_events *ev = sl_lab_events(lab);
	int fd[2], rc;
	socklen_t alen;

	memset(&sr, 0, sizeof sr);
	sr.err[0] = sr.err[1] = -1;
	/* Each end binds port inside and calls the peer's NAT at port. */
	alen = sl_nat_pair_open(sl_lab_sandbox(lab), o->port, fd, peer, errbuf);
	if (alen == 0)
		return SL_ENV;
	sl_simopen_connect(fd, peer, alen, t, ev, &sr);
	r->t_attempt = sr.t_connect[0] < sr.t_connect[1] ? sr.t_connect[0]
							 : sr.t_connect[1];
	rc = sl_simopen_wait(fd, (t[0] > t[1] ? t[0] : t[1]) + o->timeout_ns,
			     ev, &sr, o->stop);
	for (unsigned h = 0; h < 2; h++) {
		int64_t done = done_at(ev, (char)('A' + h));

		r->host[h].err = sr.err[h] < 0 ? 0 : sr.err[h];
		r->host[h].outcome = outcome_of(sr.err[h]);
		if (sr.err[h] == -1) {
			done = sl_now_real_ns();
			sl_events_add(ev, (char)('A' + h), h ? "b" : "a",
				      "timeout", -1, 0,
				      "no outcome %.0f ms after connect()",
				      (double)(done - sr.t_connect[h]) / 1e6);
		}
		r->host[h].time_ns =
		    done > sr.t_connect[h] ? done - sr.t_connect[h] : 0;
	}
	sl_nat_pair_close(fd);
	return rc;
}

static int
host_sysctls(struct sl_lab *lab, const struct sl_hp_opts *o, char *errbuf)
{
	char v[16];
	int rc = SL_OK;

	snprintf(v, sizeof v, "%u", o->syn_retries);
	for (unsigned h = 0; h < 2 && rc == SL_OK && o->syn_retries; h++)
		rc = sl_sandbox_sysctl(sl_lab_sandbox(lab), h,
				       "net/ipv4/tcp_syn_retries", v, errbuf);
	snprintf(v, sizeof v, "%d", o->syn_linear);
	for (unsigned h = 0; h < 2 && rc == SL_OK && o->syn_linear >= 0; h++)
		rc = sl_sandbox_sysctl(sl_lab_sandbox(lab), h,
				       "net/ipv4/tcp_syn_linear_timeouts", v,
				       errbuf);
	return rc;
}

/*
 * Each NAT's conntrack table as events on the timeline ("ct-new", ...,
 * hosts C and D), watched before any traffic; a kernel without conntrack
 * netlink leaves a note instead and the run goes on.
 */
static void
watch_nats(struct sl_lab *lab, struct sl_ct_watch *ct[2])
{
	struct sl_events *ev = sl_lab_events(lab);
	char eb[SL_ERRBUF_SIZE];

	for (unsigned h = 0; h < 2; h++) {
		ct[h] = sl_ct_watch_start(
		    sl_sandbox_ns_fd(sl_lab_sandbox(lab), SL_NAT_ROUTER(h)),
		    (char)('C' + h), h ? "NAT B" : "NAT A", ev, eb);
		if (ct[h] == NULL)
			sl_events_add(ev, (char)('C' + h), "", "note", -1, 0,
				      "no conntrack events: %s", eb);
	}
}

int
sl_holepunch_run(const struct sl_hp_opts *o, struct sl_hp_result *r,
		 char *errbuf)
{
	struct sl_lab *lab;
	struct sl_ct_watch *ct[2] = {NULL, NULL};
	unsigned n = o->attempts ? o->attempts : 1;
	int64_t iv = o->interval_ns ? o->interval_ns : 1000000000, t0, t[2];
	int rc = SL_ENV;

	memset(r, 0, sizeof *r);
	if ((lab = sl_lab_open_nat(o->nat, errbuf, &rc)) == NULL)
		return rc;
	watch_nats(lab, ct);
	r->setup_ns = sl_lab_setup_ns(lab);
	sl_lab_set_delay(lab, o->delay_ns);
	if ((rc = host_sysctls(lab, o, errbuf)) != SL_OK)
		goto out;
	/* The agreed instant: 1 ms ahead, so no call waits on setup. */
	t0 =
	    sl_now_mono_ns() + 1000000 + (o->offset_ns < 0 ? -o->offset_ns : 0);
	for (unsigned k = 0; k < n; k++) {
		t[0] = t0 + (int64_t)k * iv;
		t[1] = t[0] + o->offset_ns;
		if (k > 0)
			sl_events_add(sl_lab_events(lab), 'A', "", "note", 0, 0,
				      "attempt %u of %u", k + 1, n);
		rc = attempt(lab, o, t, r, errbuf);
		r->attempts = k + 1;
		if (rc != SL_OK || sl_holepunch_ok(r))
			break;
	}
	r->run_ns = sl_now_mono_ns() - t0;
	if (rc == SL_EINTR)
		r->interrupted = true;
	/* The FIN exchange of a connected pair, then the capture ends. */
	sl_lab_finish(lab, 200000000 + 2 * o->delay_ns, o->stop);
out:
	for (unsigned h = 0; h < 2; h++)
		(void)sl_ct_watch_stop(ct[h], 20000000);
	sl_lab_free_keep(lab, &r->rec, &r->ev);
	if (rc == SL_OK || rc == SL_EINTR)
		sl_holepunch_judge(o, r);
	return rc;
}

/* ---- what the wire showed ---- */

static const struct sl_capture *
capture_named(const struct sl_recorder *rec, const char *ifname)
{
	for (unsigned i = 0; rec != NULL && i < sl_recorder_count(rec); i++)
		if (strcmp(sl_recorder_capture(rec, i)->ifname, ifname) == 0)
			return sl_recorder_capture(rec, i);
	return NULL;
}

/* Which side's address src is (0 or 1), -1 for neither. */
static int
side_of(const uint8_t *src, void (*addr)(unsigned, uint8_t *))
{
	uint8_t a[4];

	for (unsigned h = 0; h < 2; h++) {
		addr(h, a);
		if (memcmp(src, a, 4) == 0)
			return (int)h;
	}
	return -1;
}

/* RSTs host h sent on its inside link. */
static unsigned
host_rsts(const struct sl_recorder *rec, unsigned h)
{
	const struct sl_capture *c = capture_named(rec, sl_nat_host_ifname(h));
	struct sl_peek pk;
	unsigned n = 0;

	for (size_t i = 0; c != NULL && i < c->npkts; i++)
		if (sl_peek_frame(c->dlt, c->pkts[i].data, c->pkts[i].caplen,
				  &pk) == SL_OK &&
		    pk.family == 4 && (pk.flags & SL_TH_RST) &&
		    side_of(pk.src, sl_nat_inside_addr) == (int)h)
			n++;
	return n;
}

static void
scan_wire(const struct sl_hp_opts *o, struct sl_hp_result *r)
{
	const struct sl_capture *c = capture_named(r->rec, "wanA");
	struct sl_hp_wire *w = &r->wire;
	int64_t tsyn[2] = {0, 0};
	uint16_t sp[2] = {0, 0}, dp[2] = {0, 0};
	struct sl_peek pk;

	memset(w, 0, sizeof *w);
	for (size_t i = 0; c != NULL && i < c->npkts; i++) {
		int s;

		if (sl_peek_frame(c->dlt, c->pkts[i].data, c->pkts[i].caplen,
				  &pk) != SL_OK ||
		    pk.family != 4 ||
		    (s = side_of(pk.src, sl_nat_public_addr)) < 0)
			continue;
		if (sl_peek_is_bare_syn(&pk)) {
			w->syns[s]++;
			if (w->port[s] == 0)
				w->port[s] = pk.sport;
			/* The first SYN of the last attempt. */
			if (tsyn[s] == 0 && c->pkts[i].ts_ns >= r->t_attempt) {
				tsyn[s] = c->pkts[i].ts_ns;
				sp[s] = pk.sport;
				dp[s] = pk.dport;
			}
		} else if ((pk.flags & (SL_TH_SYN | SL_TH_ACK)) ==
			   (SL_TH_SYN | SL_TH_ACK))
			w->synacks[s]++;
		if (pk.flags & SL_TH_RST)
			w->rsts[s]++;
	}
	/*
	 * Seen from NAT A's public side, A's SYN is on the wire from the
	 * instant it leaves until one delay later, B's SYN from one delay
	 * before it arrives until it arrives: both were in flight at once
	 * when B's arrives no earlier than A's leaves and within two delays
	 * after (a millisecond of slack for the forwarding thread).  They
	 * cross as one connection only when each is addressed to the port
	 * the other left from.
	 */
	w->crossed = tsyn[0] && tsyn[1] && sp[0] == dp[1] && sp[1] == dp[0] &&
		     tsyn[1] >= tsyn[0] &&
		     tsyn[1] - tsyn[0] <= 2 * o->delay_ns + 1000000;
	for (unsigned h = 0; h < 2; h++) {
		unsigned hr = host_rsts(r->rec, h);

		w->nat_rsts[h] = w->rsts[h] > hr ? w->rsts[h] - hr : 0;
	}
}

/* printf to the reason, after what is there. */
static void said(struct sl_hp_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
said(struct sl_hp_result *r, const char *fmt, ...)
{
	size_t n = strlen(r->reason);
	va_list ap;

	if (n + 1 >= sizeof r->reason)
		return;
	va_start(ap, fmt);
	vsnprintf(r->reason + n, sizeof r->reason - n, fmt, ap);
	va_end(ap);
}

/*
 * How often NAT h's conntrack removed the mapping of its host's SYN while
 * it was still SYN_SENT and unanswered: the entry timed out (the
 * conntrack events, capture/conntrack.h).
 */
static unsigned
expired(const struct sl_events *ev, unsigned h)
{
	char head[40];
	uint8_t a[4];
	unsigned n = 0;

	sl_nat_inside_addr(h, a);
	snprintf(head, sizeof head, "tcp %u.%u.%u.%u:", a[0], a[1], a[2], a[3]);
	for (size_t i = 0; ev != NULL && i < sl_events_count(ev); i++) {
		const struct sl_event *e = sl_events_get(ev, i);

		if (e->host == (char)('C' + h) &&
		    strcmp(e->call, "ct-destroy") == 0 &&
		    strncmp(e->detail, head, strlen(head)) == 0 &&
		    strstr(e->detail, "SYN_SENT UNREPLIED") != NULL)
			n++;
	}
	return n;
}

void
sl_holepunch_judge(const struct sl_hp_opts *o, struct sl_hp_result *r)
{
	const struct sl_hp_wire *w = &r->wire;

	r->reason[0] = '\0';
	scan_wire(o, r);
	if (sl_holepunch_ok(r)) {
		if (w->crossed)
			said(r, "connected: the two SYNs crossed on the public "
				"wire (a simultaneous open through both NATs)");
		else
			said(r, "connected: the first SYN opened its own "
				"NAT's mapping and died at the far NAT "
				"(punched); the other SYN came in through "
				"that mapping");
		return;
	}
	for (unsigned h = 0; h < 2; h++)
		if (r->host[h].outcome != SL_HP_CONNECTED)
			said(r, "%s%c %s (%s) after %.1f ms",
			     *r->reason ? "; " : "", 'A' + h,
			     sl_hp_outcome_name(r->host[h].outcome),
			     r->host[h].outcome == SL_HP_TIMED_OUT &&
				     r->host[h].err == 0
				 ? "no answer"
				 : sl_errno_name(r->host[h].err),
			     (double)r->host[h].time_ns / 1e6);
	said(r, ":");
	for (unsigned h = 0; h < 2; h++)
		if (w->port[h] != 0 && w->port[h] != o->port)
			said(r,
			     " NAT %c mapped port %u to public port %u "
			     "(%s), so the SYN to the predicted port %u met no "
			     "mapping;",
			     'A' + h, o->port, w->port[h],
			     sl_nat_map_name(o->nat[h].map), o->port);
	for (unsigned h = 0; h < 2; h++)
		if (w->nat_rsts[h] && o->nat[h].syn_sent_s)
			said(r,
			     " NAT %c answered %u SYN%s from outside with its "
			     "own [R.] (no mapping: not made yet, or expired "
			     "after its %u s syn_sent timeout);",
			     'A' + h, w->nat_rsts[h],
			     w->nat_rsts[h] == 1 ? "" : "s",
			     o->nat[h].syn_sent_s);
		else if (w->nat_rsts[h])
			said(r,
			     " NAT %c answered %u SYN%s from outside with its "
			     "own [R.] (no mapping for it yet);",
			     'A' + h, w->nat_rsts[h],
			     w->nat_rsts[h] == 1 ? "" : "s");
	for (unsigned h = 0; h < 2; h++) {
		unsigned n = expired(r->ev, h);

		if (n)
			said(r,
			     " NAT %c's mapping of %c's SYN expired unanswered "
			     "%u time%s (conntrack SYN_SENT timeout);",
			     'A' + h, 'A' + h, n, n == 1 ? "" : "s");
	}
	for (unsigned h = 0; h < 2; h++)
		if (r->host[h].outcome == SL_HP_TIMED_OUT && w->syns[h] &&
		    o->nat[!h].unsol == SL_NAT_DROP)
			said(r,
			     " NAT %c dropped %c's SYNs that found no mapping;",
			     'A' + !h, 'A' + h);
	if (r->reason[strlen(r->reason) - 1] == ':')
		said(r, " nothing on the public wire explains it");
	else
		r->reason[strlen(r->reason) - 1] = '\0';
}

/* ---- JSON and the report ---- */

static void
json_nat(struct sl_json *j, const struct sl_nat_cfg *c)
{
	sl_json_begin_obj(j);
	sl_json_kstring(j, "mapping", sl_nat_map_name(c->map));
	sl_json_kstring(j, "unsolicited_syn", sl_nat_unsol_name(c->unsol));
	sl_json_key(j, "syn_sent_timeout_s");
	if (c->syn_sent_s)
		sl_json_uint(j, c->syn_sent_s);
	else
		sl_json_null(j);
	sl_json_end(j);
}

void
sl_holepunch_json(const struct sl_hp_opts *o, const struct sl_hp_result *r,
		  const char *kernel, struct sl_json *j)
{
	sl_json_begin_obj(j);
	sl_json_kstring(j, "name", "holepunch");
	sl_json_kstring(j, "kernel", kernel);
	sl_json_key(j, "nat_a");
	json_nat(j, &o->nat[0]);
	sl_json_key(j, "nat_b");
	json_nat(j, &o->nat[1]);
	sl_json_kfixed(j, "delay_ms", (double)o->delay_ns / 1e6, 3);
	sl_json_kfixed(j, "offset_ms", (double)o->offset_ns / 1e6, 3);
	sl_json_kuint(j, "port", o->port);
	sl_json_kuint(j, "attempts", r->attempts);
	sl_json_kbool(j, "interrupted", r->interrupted);
	sl_json_kbool(j, "connected", sl_holepunch_ok(r));
	sl_json_key(j, "hosts");
	sl_json_begin_arr(j);
	for (unsigned h = 0; h < 2; h++) {
		sl_json_begin_obj(j);
		sl_json_kstring(j, "host", h ? "B" : "A");
		sl_json_kstring(j, "outcome",
				sl_hp_outcome_name(r->host[h].outcome));
		sl_json_kstring(j, "errno", sl_errno_name(r->host[h].err));
		sl_json_kfixed(j, "time_ms", (double)r->host[h].time_ns / 1e6,
			       3);
		sl_json_end(j);
	}
	sl_json_end(j);
	sl_json_key(j, "public_wire");
	sl_json_begin_obj(j);
	sl_json_kbool(j, "syns_crossed", r->wire.crossed);
	for (unsigned h = 0; h < 2; h++) {
		sl_json_key(j, h ? "from_nat_b" : "from_nat_a");
		sl_json_begin_obj(j);
		sl_json_kuint(j, "syns", r->wire.syns[h]);
		sl_json_kuint(j, "synacks", r->wire.synacks[h]);
		sl_json_kuint(j, "rsts", r->wire.rsts[h]);
		sl_json_kuint(j, "nat_rsts", r->wire.nat_rsts[h]);
		sl_json_kuint(j, "syn_port", r->wire.port[h]);
		sl_json_end(j);
	}
	sl_json_end(j);
	sl_json_kstring(j, "reason", r->reason);
	sl_json_key(j, "timing_ms");
	sl_json_begin_obj(j);
	sl_json_kfixed(j, "setup", (double)r->setup_ns / 1e6, 3);
	sl_json_kfixed(j, "run", (double)r->run_ns / 1e6, 3);
	sl_json_end(j);
	sl_json_end(j);
}

/* What ran and what came of it, for the heading and the section. */
static void
facts(FILE *f, const struct sl_hp_opts *o, const struct sl_hp_result *r,
      const char *kernel)
{
	uint8_t a[4];
	char s[2][32];

	fprintf(f, "synlab run holepunch: Linux %s%s\n", kernel,
		r->interrupted ? " (INTERRUPTED)" : "");
	for (unsigned h = 0; h < 2; h++) {
		sl_nat_inside_addr(h, a);
		snprintf(s[0], sizeof s[0], "%u.%u.%u.%u", a[0], a[1], a[2],
			 a[3]);
		sl_nat_public_addr(h, a);
		snprintf(s[1], sizeof s[1], "%u.%u.%u.%u", a[0], a[1], a[2],
			 a[3]);
		fprintf(f,
			"  host %c %s:%u behind NAT %c (public %s): mapping "
			"%s, unsolicited SYN %s",
			'A' + h, s[0], o->port, 'A' + h, s[1],
			sl_nat_map_name(o->nat[h].map),
			sl_nat_unsol_name(o->nat[h].unsol));
		if (o->nat[h].syn_sent_s)
			fprintf(f, ", conntrack syn_sent %u s",
				o->nat[h].syn_sent_s);
		fputc('\n', f);
	}
	fprintf(f,
		"  public wire: %.1f ms one way; B's connect() %+.1f ms after "
		"A's; %u attempt%s\n",
		(double)o->delay_ns / 1e6, (double)o->offset_ns / 1e6,
		r->attempts, r->attempts == 1 ? "" : "s");
	fprintf(f,
		"  public wire (at NAT A): SYNs %u from NAT A, %u from NAT B; "
		"SYN-ACKs %u, %u; RSTs %u, %u (%u, %u by the NAT itself)%s\n",
		r->wire.syns[0], r->wire.syns[1], r->wire.synacks[0],
		r->wire.synacks[1], r->wire.rsts[0], r->wire.rsts[1],
		r->wire.nat_rsts[0], r->wire.nat_rsts[1],
		r->wire.crossed ? "; the first SYNs crossed" : "");
	for (unsigned h = 0; h < 2; h++)
		fprintf(f, "  %c: %s%s%s after %.1f ms\n", 'A' + h,
			sl_hp_outcome_name(r->host[h].outcome),
			r->host[h].err ? " " : "",
			r->host[h].err ? sl_errno_name(r->host[h].err) : "",
			(double)r->host[h].time_ns / 1e6);
	fprintf(f, "  verdict: %s\n", r->reason);
}

/* ---- its options and its engine (struct sl_xops) ---- */

/* A NAT option (--nat[-a|-b], --unsolicited[-a|-b],
 * --syn-sent-timeout-a|-b) into o->nat; 0 or SL_EINVAL + errbuf. */
static int
nat_opt(struct sl_hp_opts *o, const char *opt, const char *arg, char *errbuf)
{
	size_t n = strlen(opt);
	unsigned from = n > 2 && strcmp(opt + n - 2, "-b") == 0,
		 to = n > 2 && strcmp(opt + n - 2, "-a") == 0 ? 0 : 1;
	enum sl_nat_type m = SL_NAT_KEEP_PORT;
	enum sl_nat_unsol u = SL_NAT_RST;
	int64_t ns = 0;

	if (strncmp(opt, "--nat", 5) == 0 && !sl_nat_map_parse(arg, &m)) {
		sl_errbuf_set(errbuf,
			      "%s '%s': mapping is keep-port, random or "
			      "fully-random",
			      opt, arg);
		return SL_EINVAL;
	}
	if (strncmp(opt, "--unsol", 7) == 0 && !sl_nat_unsol_parse(arg, &u)) {
		sl_errbuf_set(errbuf,
			      "%s '%s': unsolicited-SYN policy is rst or drop",
			      opt, arg);
		return SL_EINVAL;
	}
	if (strncmp(opt, "--syn-sent", 10) == 0 &&
	    (sl_parse_duration_opt(opt, arg, false, &ns, errbuf) != SL_OK ||
	     ns < 1000000000LL || ns % 1000000000LL ||
	     ns > 86400 * 1000000000LL)) {
		sl_errbuf_set(errbuf,
			      "%s wants whole seconds, 1s to 86400s (a "
			      "conntrack sysctl)",
			      opt);
		return SL_EINVAL;
	}
	for (unsigned h = from; h <= to; h++)
		if (strncmp(opt, "--nat", 5) == 0)
			o->nat[h].map = m;
		else if (strncmp(opt, "--unsol", 7) == 0)
			o->nat[h].unsol = u;
		else
			o->nat[h].syn_sent_s = (unsigned)(ns / 1000000000LL);
	return SL_OK;
}

int
sl_hp_take(struct sl_hp_opts *o, const char *opt, const char *arg, char *errbuf)
{
	unsigned long n = 0;
	int rc = SL_OK;

	if (strncmp(opt, "--nat", 5) == 0 || strncmp(opt, "--unsol", 7) == 0 ||
	    strncmp(opt, "--syn-sent", 10) == 0)
		return nat_opt(o, opt, arg, errbuf);
	if (strcmp(opt, "--timeout") == 0)
		rc = sl_parse_duration_opt(opt, arg, false, &o->timeout_ns,
					   errbuf);
	else if (strcmp(opt, "--syn-retries") == 0) {
		rc = sl_parse_count(opt, arg, 1, 20, &n, errbuf);
		o->syn_retries = (unsigned)n;
	} else if (strcmp(opt, "--syn-linear") == 0) {
		rc = sl_parse_count(opt, arg, 0, 20, &n, errbuf);
		o->syn_linear = (int)n;
	} else if (strcmp(opt, "--port") == 0) {
		rc = sl_parse_count(opt, arg, 1, 65535, &n, errbuf);
		o->port = (uint16_t)n;
	}
	return rc;
}

struct xhp {
	struct sl_xrun base;
	struct sl_hp_opts o;
	struct sl_hp_result r;
	bool ran;
};

static int
hp_prepare(const struct sl_experiment *x, const struct sl_xopts *o,
	   struct sl_xrun **r, char *errbuf)
{
	struct xhp *h =
	    (struct xhp *)sl_xrun_alloc(x, &sl_xops_holepunch, o, sizeof *h);

	sl_hp_opts_default(&h->o);
	/* The values every engine knows, parsed and bounded once
	 * (sl_xopts_take); the entry's own below. */
	if (sl_xopts_has(o, "--delay"))
		h->o.delay_ns = o->delay_ns;
	if (o->has_offset)
		h->o.offset_ns = o->offset_ns;
	if (o->attempts)
		h->o.attempts = o->attempts;
	if (o->interval_ns)
		h->o.interval_ns = o->interval_ns;
	for (size_t i = 0; i < o->ngiven; i++)
		if (sl_hp_take(&h->o, o->given[i].p->option, o->given[i].arg,
			       errbuf) != SL_OK) {
			sl_xrun_free(&h->base);
			return SL_EINVAL;
		}
	*r = &h->base;
	return SL_OK;
}

static int
hp_run(struct sl_xrun *r, char *errbuf)
{
	struct xhp *h = (struct xhp *)r;
	int rc;

	if ((rc = sl_sandbox_check(true, errbuf)) != SL_OK ||
	    (rc = sl_priv_drop_unused(errbuf)) != SL_OK)
		return rc;
	h->o.stop = r->o.stop;
	rc = sl_holepunch_run(&h->o, &h->r, errbuf);
	h->ran = true;
	r->have_report = rc == SL_OK || rc == SL_EINTR;
	if (rc == SL_EINTR)
		sl_errbuf_set(errbuf, "interrupted; lab removed");
	return rc;
}

static int
hp_report(struct sl_xrun *x, struct sl_pipeline *p, bool text,
	  struct sl_tally *t, char *errbuf)
{
	const struct sl_hp_opts *o = &((struct xhp *)x)->o;
	const struct sl_hp_result *r = &((struct xhp *)x)->r;
	struct sl_addr a = {.family = 4};
	char *sec = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (text) {
		FILE *out = sl_pipeline_stream(p);

		facts(out, o, r, x->kernel);
		fputs("socket calls (time from the first call):\n", out);
		sl_events_write(out, r->ev, NULL, 0, -1, "  ");
		fputc('\n', out);
	}
	sl_xrun_add_members(x, p, "scenario", NULL, r->ev);
	if ((f = open_memstream(&sec, &len)) != NULL) {
		facts(f, o, r, x->kernel);
		sl_events_write(f, r->ev, NULL, 0, 0, "");
		fclose(f);
		sl_pipeline_set_section(p, sec);
		free(sec);
	}
	/* A is host A wherever a view has it: inside, 10.0.1.2. */
	sl_nat_inside_addr(0, a.b);
	sl_pipeline_set_host_a(p, &a);
	rc = sl_feed_recorder(p, r->rec, r->ev, NULL, 0, errbuf);
	if (rc == SL_OK)
		rc = sl_pipeline_finish(p, t, errbuf);
	return rc;
}

static bool
hp_verdict(const struct sl_xrun *r, const struct sl_tally *t, FILE *text)
{
	/* The outcome is the result; only a violation fails. */
	if (text)
		fprintf(text, "holepunch: %s\n",
			((const struct xhp *)r)->r.reason);
	return t->violations == 0;
}

static void
hp_json(const struct sl_xrun *r, const struct sl_tally *t, struct sl_json *j)
{
	const struct xhp *h = (const struct xhp *)r;

	(void)t;
	sl_holepunch_json(&h->o, &h->r, r->kernel, j);
}

static void
hp_release(struct sl_xrun *r)
{
	struct xhp *h = (struct xhp *)r;

	if (h->ran)
		sl_hp_result_free(&h->r);
}

static void
hp_progress(size_t done, size_t planned, void *arg)
{
	fprintf(arg, "\rsynlab sweep holepunch: run %zu of %zu", done, planned);
	if (done == planned)
		fputc('\n', arg);
}

/* The success matrix: every pair of mappings across B's offsets
 * (default 0:300ms:100ms), a fresh lab each run. */
static int
hp_sweep(struct sl_xrun *r, const struct sl_xsweep *s, struct sl_pipeline *p,
	 char *errbuf)
{
	struct sl_hp_sweep_cfg cfg = {.base = ((struct xhp *)r)->o,
				      .from = 0,
				      .to = 300000000,
				      .step = 100000000,
				      .count = s->count};
	struct sl_hp_sweep *sw;
	int rc;

	(void)p; /* each run is judged by its own outcome, not captured */
	if (!sl_xopts_has(&r->o, "--timeout"))
		cfg.base.timeout_ns = 2000000000;
	if (s->has_range) {
		cfg.from = s->from;
		cfg.to = s->to;
		cfg.step = s->step;
	}
	if (s->progress) {
		cfg.progress = hp_progress;
		cfg.arg = s->progress;
	}
	if ((rc = sl_sandbox_check(true, errbuf)) != SL_OK ||
	    (rc = sl_priv_drop_unused(errbuf)) != SL_OK)
		return rc;
	cfg.base.stop = r->o.stop;
	sw = sl_hp_sweep_new(&cfg);
	rc = sl_hp_sweep_run(sw, errbuf);
	if (rc == SL_OK || rc == SL_EINTR) {
		if (s->json)
			sl_hp_sweep_write_json(sw, s->out, r->kernel);
		else
			sl_hp_sweep_write_table(sw, s->out);
		if (s->plot &&
		    sl_hp_sweep_write_plot(sw, s->plot, errbuf) != SL_OK)
			rc = rc == SL_EINTR ? rc : SL_EIO;
		else if (rc == SL_EINTR)
			sl_errbuf_set(errbuf, "interrupted; lab removed");
	}
	sl_hp_sweep_free(sw);
	if (rc == SL_OK && (fflush(s->out) != 0 || ferror(s->out))) {
		sl_errbuf_set(errbuf, "stdout: write failed");
		rc = SL_EIO;
	}
	return rc;
}

const struct sl_xops sl_xops_holepunch = SL_XOPS(hp, hp_sweep);
