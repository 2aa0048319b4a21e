/* \summary: the scheduled two-host simultaneous open: parsing the peer, the outcome, its JSON */
#include "peer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "events.h"
#include "report.h"
#include "timearg.h"

bool
sl_peer_split(const char *s, char *hbuf, size_t hlen, long *port)
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

const char *
sl_peer_outcome(const struct sl_remote_result *res, const struct sl_tally *t)
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

void
sl_peer_clock_json(struct sl_json *j, const struct sl_clock_state *cs)
{
	if (!cs->ok) {
		sl_json_null(j);
		return;
	}
	sl_json_begin_obj(j);
	sl_json_kbool(j, "synchronized", cs->synced);
	sl_json_kbool(j, "sta_unsync", cs->status & 0x0040);
	sl_json_kint(j, "state", cs->state);
	sl_json_kint(j, "status", cs->status);
	sl_json_kint(j, "esterror_us", cs->esterror_us);
	sl_json_kint(j, "maxerror_us", cs->maxerror_us);
	sl_json_kfixed(j, "offset_us", (double)cs->offset_ns / 1e3, 3);
	sl_json_kint(j, "freq_ppb", cs->freq_ppb);
	sl_json_end(j);
}

/* The attempts made: when each was due, how late connect() was called. */
static void
attempts_json(struct sl_json *j, const struct sl_remote_result *res)
{
	sl_json_key(j, "attempts_made");
	sl_json_begin_arr(j);
	for (unsigned i = 0; i < res->nattempts; i++) {
		const struct sl_remote_attempt *a = &res->attempt[i];

		sl_json_begin_obj(j);
		sl_json_kint(j, "at_ns", a->at_ns);
		sl_json_kfixed(j, "called_late_us",
			       a->called_ns
				   ? (double)(a->called_ns - a->at_ns) / 1e3
				   : -1.0,
			       3);
		sl_json_kstring(j, "errno",
				a->err ? sl_errno_name(a->err) : NULL);
		sl_json_end(j);
	}
	sl_json_end(j);
}

void
sl_peer_json(const struct sl_remote_opts *o, const struct sl_remote_result *res,
	     const struct sl_tally *t, const char *kernel, struct sl_json *j)
{
	const struct sl_remote_attempt *last =
	    res->nattempts ? &res->attempt[res->nattempts - 1] : NULL;
	char when[40], label[40];

	sl_fmt_instant(o->at_ns, when, sizeof when);
	snprintf(label, sizeof label, "L:%s", res->ifname);
	sl_json_begin_obj(j);
	sl_json_kstring(j, "name", "simultaneous-open");
	sl_json_kstring(j, "mode", "scheduled");
	sl_json_kstring(j, "peer", o->peer);
	sl_json_kstring(j, "local", res->local);
	sl_json_kstring(j, "remote", res->remote);
	sl_json_kint(j, "family", res->family);
	sl_json_kstring(j, "interface", res->ifname);
	sl_json_kstring(j, "filter", res->filter);
	sl_json_kstring(j, "kernel", kernel);
	sl_json_kstring(j, "at", when);
	sl_json_kint(j, "at_ns", o->at_ns);
	sl_json_kuint(j, "attempts", o->attempts);
	sl_json_kfixed(j, "interval_ms", (double)o->interval_ns / 1e6, 3);
	attempts_json(j, res);
	sl_json_kbool(j, "connected", res->connected);
	sl_json_kuint(j, "attempt", res->connected);
	sl_json_kbool(j, "exchanged", res->exchanged);
	sl_json_kstring(j, "outcome", sl_peer_outcome(res, t));
	sl_json_kstring(j, "errno",
			last != NULL && last->err ? sl_errno_name(last->err)
						  : NULL);
	sl_json_kstring(j, "peer_message", res->peer_msg);
	sl_json_kint(j, "crossing_us", t->first_crossing_us);
	sl_json_key(j, "clock_after");
	sl_peer_clock_json(j, &res->clock_after);
	sl_xjson_facts(j, res->facts);
	sl_json_key(j, "captures");
	sl_json_begin_arr(j);
	sl_xjson_capture(j, label, res->npkts, res->ps_recv, res->ps_drop,
			 res->nsec);
	sl_json_end(j);
	sl_json_end(j);
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
		struct sl_json j;

		sl_json_init(&j, f);
		sl_peer_clock_json(&j, &res->clock_before);
		fclose(f);
	}
	ej = sl_events_json(res->events, 0);
	sl_pipeline_add_member(p, "clock", cj ? cj : "null");
	sl_pipeline_add_member(p, "events", ej);
	free(cj);
	free(ej);
}

int
sl_peer_opts(struct sl_remote_opts *o, const char *peer, const char *port,
	     const char *at, unsigned attempts, int64_t interval_ns,
	     const char *ifname, int64_t now, char *host, size_t hlen,
	     char *errbuf)
{
	char when[40], msg[SL_ERRBUF_SIZE], *end;
	long p, pp;

	memset(o, 0, sizeof *o);
	if (port == NULL || at == NULL) {
		sl_errbuf_set(errbuf,
			      "--peer needs --port P and --at TIME (the "
			      "same on both hosts)");
		return SL_EINVAL;
	}
	p = strtol(port, &end, 10);
	if (*end != '\0' || p <= 0 || p > 65535) {
		sl_errbuf_set(errbuf, "--port wants 1..65535, not '%s'", port);
		return SL_EINVAL;
	}
	if (!sl_peer_split(peer, host, hlen, &pp)) {
		sl_errbuf_set(errbuf,
			      "--peer wants HOST[:PORT] or [IPV6]:PORT, not "
			      "'%s'",
			      peer);
		return SL_EINVAL;
	}
	o->peer = host;
	o->port = (uint16_t)p;
	o->peer_port = (uint16_t)(pp > 0 ? pp : p);
	o->attempts = attempts ? attempts : 1;
	o->interval_ns = interval_ns ? interval_ns : 1000000000;
	o->ifname = ifname;
	if (o->attempts > SL_REMOTE_MAXATTEMPTS || o->interval_ns < 50000000) {
		sl_errbuf_set(errbuf,
			      "--attempts 1..%d, --interval at least 50ms",
			      SL_REMOTE_MAXATTEMPTS);
		return SL_EINVAL;
	}
	if (sl_parse_instant(at, now, &o->at_ns, msg) != SL_OK) {
		sl_errbuf_set(errbuf, "--at %s", msg);
		return SL_EINVAL;
	}
	if (o->at_ns + (int64_t)(o->attempts - 1) * o->interval_ns <= now) {
		sl_fmt_instant(o->at_ns, when, sizeof when);
		sl_errbuf_set(errbuf,
			      "--at %s is in the past (now is %.3f s later); "
			      "pick an instant both hosts will reach, e.g. "
			      "--at +10s",
			      when, (double)(now - o->at_ns) / 1e9);
		return SL_EINVAL;
	}
	if (o->at_ns - now > 86400LL * 1000000000) {
		sl_errbuf_set(errbuf, "--at is more than a day away");
		return SL_EINVAL;
	}
	return SL_OK;
}

/* ---- the engine of the scheduled two-host run (struct sl_xops) ---- */

struct xpeer {
	struct sl_xrun base;
	struct sl_remote_opts ro;
	struct sl_remote_result res;
	char host[256];
	FILE *tf;     /* the raw capture, unlinked */
	char raw[64]; /* "/proc/self/fd/N" */
};

static int
peer_prepare(const struct sl_experiment *x, const struct sl_xopts *o,
	     struct sl_xrun **r, char *errbuf)
{
	struct xpeer *xp;
	int rc;

	if (o->peer == NULL) {
		sl_errbuf_set(errbuf, "%s needs --peer HOST", x->name);
		return SL_EINVAL;
	}
	xp = (struct xpeer *)sl_xrun_alloc(x, &sl_xops_peer, o, sizeof *xp);
	rc = sl_peer_opts(&xp->ro, o->peer, o->port, o->at, o->attempts,
			  o->interval_ns, o->ifname, sl_now_real_ns(), xp->host,
			  sizeof xp->host, errbuf);
	if (rc != SL_OK) {
		sl_xrun_free(&xp->base);
		return rc;
	}
	*r = &xp->base;
	return SL_OK;
}

static int
peer_run(struct sl_xrun *r, char *errbuf)
{
	struct xpeer *xp = (struct xpeer *)r;
	char msg[SL_ERRBUF_SIZE];
	int rc;

	if (r->o.netns != NULL &&
	    sl_remote_enter_netns(r->o.netns, msg) != SL_OK) {
		sl_errbuf_set(errbuf, "--netns: %s", msg);
		return SL_ENV;
	}
	/* Privileges first: a clear message, nothing sent. */
	if ((rc = sl_remote_check(errbuf)) != SL_OK)
		return rc;
	/*
	 * The raw capture goes to an unlinked temporary file (tmpfile), so
	 * nothing is left in /tmp whatever ends the process; the analyzer
	 * and the annotator read it again through /proc/self/fd/N.
	 */
	if ((xp->tf = tmpfile()) == NULL) {
		sl_errbuf_set(errbuf, "temporary file: %s", strerror(errno));
		return SL_EIO;
	}
	xp->ro.pcap_fd = fileno(xp->tf);
	snprintf(xp->raw, sizeof xp->raw, "/proc/self/fd/%d", xp->ro.pcap_fd);
	xp->ro.stop = r->o.stop;
	rc = sl_remote_run(&xp->ro, &xp->res, errbuf);
	if (rc == SL_EINTR)
		sl_errbuf_set(errbuf, "interrupted; nothing left behind");
	if (rc == SL_OK && xp->res.ps_drop && r->o.progress)
		fprintf(r->o.progress, "%s dropped %u packets (pcap_stats)\n",
			xp->res.ifname, xp->res.ps_drop);
	r->have_report = rc == SL_OK;
	return rc;
}

static int
peer_report(struct sl_xrun *r, struct sl_pipeline *p, bool text,
	    struct sl_tally *t, char *errbuf)
{
	struct xpeer *xp = (struct xpeer *)r;
	char label[40];
	int rc;

	snprintf(label, sizeof label, "L:%s", xp->res.ifname);
	if (text)
		heading(sl_pipeline_stream(p), &xp->ro, &xp->res, r->kernel);
	(void)sl_pipeline_add_file(p, xp->raw, label);
	annotations(p, &xp->ro, &xp->res, r->kernel);
	rc = sl_pipeline_feed_file(p, 0, errbuf);
	/* The "scenario" member is made from the tally: end the input first. */
	(void)sl_pipeline_end_input(p, t);
	sl_xrun_add_members(r, p, "scenario", t, NULL);
	if (sl_pipeline_finish(p, t, errbuf) != SL_OK)
		return SL_EIO;
	return rc;
}

static bool
peer_verdict(const struct sl_xrun *r, const struct sl_tally *t, FILE *text)
{
	const struct xpeer *xp = (const struct xpeer *)r;

	/* The outcome is the result; only a violation fails. */
	if (text) {
		fprintf(text, "outcome: %s", sl_peer_outcome(&xp->res, t));
		if (xp->res.connected)
			fprintf(text, " (attempt %u of %u)", xp->res.connected,
				xp->ro.attempts);
		if (t->first_crossing_us >= 0)
			fprintf(text, ", both SYNs in flight for %.3f ms here",
				(double)t->first_crossing_us / 1e3);
		fputc('\n', text);
	}
	return t->violations == 0;
}

static void
peer_json(const struct sl_xrun *r, const struct sl_tally *t, struct sl_json *j)
{
	const struct xpeer *xp = (const struct xpeer *)r;

	sl_peer_json(&xp->ro, &xp->res, t, r->kernel, j);
}

static void
peer_release(struct sl_xrun *r)
{
	struct xpeer *xp = (struct xpeer *)r;

	sl_remote_result_free(&xp->res);
	if (xp->tf != NULL)
		fclose(xp->tf);
}

const struct sl_xops sl_xops_peer = SL_XOPS(peer, NULL);
