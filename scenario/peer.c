/* \summary: the scheduled two-host simultaneous open: parsing the peer, the outcome, its JSON */
#include "peer.h"

#include <stdlib.h>
#include <sys/utsname.h>
#include <string.h>

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
sl_peer_clock_json(FILE *f, const struct sl_clock_state *cs)
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
char *
sl_peer_json(const struct sl_remote_opts *o, const struct sl_remote_result *res,
	     const struct sl_tally *t, const char *kernel)
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
		res->exchanged ? "true" : "false", sl_peer_outcome(res, t));
	if (last != NULL && last->err)
		sl_json_str(f, sl_errno_name(last->err));
	else
		fputs("null", f);
	fputs(",\"peer_message\":", f);
	sl_json_str(f, res->peer_msg);
	fprintf(f, ",\"crossing_us\":%lld", (long long)t->first_crossing_us);
	fputs(",\"clock_after\":", f);
	sl_peer_clock_json(f, &res->clock_after);
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

int
sl_peer_report(struct sl_pipeline *p, const struct sl_remote_opts *o,
	       const struct sl_remote_result *res, const char *raw, bool text,
	       struct sl_tally *t, char *errbuf)
{
	struct utsname u;
	char label[40], *sj;
	int rc;

	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	snprintf(label, sizeof label, "L:%s", res->ifname);
	if (text)
		heading(sl_pipeline_stream(p), o, res, u.release);
	(void)sl_pipeline_add_file(p, raw, label);
	annotations(p, o, res, u.release);
	rc = sl_pipeline_feed_file(p, 0, errbuf);
	/* The "scenario" member is made from the tally: end the input first. */
	(void)sl_pipeline_end_input(p, t);
	sj = sl_peer_json(o, res, t, u.release);
	sl_pipeline_add_member(p, "scenario", sj);
	free(sj);
	if (sl_pipeline_finish(p, t, errbuf) != SL_OK)
		return SL_EIO;
	return rc;
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
