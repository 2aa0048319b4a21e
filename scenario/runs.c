/* \summary: the sandbox scenarios run N times: each run judged, the run to report kept, the verdict and its JSON */
#include "runs.h"

#include <stdio.h>
#include <sys/utsname.h>
#include <stdlib.h>
#include <string.h>

#include "livefeed.h"
#include "report.h"

bool
sl_runs_matched(const struct sl_scenario *s, const struct sl_tally *t)
{
	unsigned ok = (1u << s->expect) | s->also_ok;

	for (unsigned f = 0; f < t->ninputs && f < SL_PIPELINE_MAXIN; f++)
		if (t->input_shapes[f][s->expect] == 0)
			return false;
	for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
		if (t->shapes[sh] > 0 && !(ok & (1u << sh)))
			return false;
	return t->ninputs > 0;
}

int
sl_runs_tally(const struct sl_scn_result *res, struct sl_tally *t, char *errbuf)
{
	struct sl_pipeline_cfg cfg = {0};
	struct sl_pipeline *p = sl_pipeline_new(&cfg, errbuf);
	int rc;

	if (p == NULL)
		return SL_EIO;
	rc = sl_feed_recorder(p, res->rec, NULL, NULL, 0, errbuf);
	if (rc == SL_OK)
		rc = sl_pipeline_finish(p, t, errbuf);
	sl_pipeline_free(p);
	return rc;
}

bool
sl_runs_add(struct sl_runs *rs, struct sl_scn_result *res,
	    const struct sl_tally *t)
{
	bool m = sl_runs_matched(rs->s, t);

	rs->runs++;
	rs->ok += m;
	rs->any_violation |= t->violations > 0;
	for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
		if (t->shapes[sh])
			rs->shape_runs[sh]++;
	/* Report the first run that missed, else the last one. */
	if (rs->have_keep && !rs->keep_matched) {
		sl_scn_result_free(res);
		return m;
	}
	if (rs->have_keep)
		sl_scn_result_free(&rs->keep);
	rs->keep = *res;
	rs->keep_matched = m;
	rs->have_keep = true;
	return m;
}

void
sl_runs_keep_interrupted(struct sl_runs *rs, struct sl_scn_result *res)
{
	if (res->rec == NULL || sl_recorder_count(res->rec) == 0) {
		sl_scn_result_free(res);
		return;
	}
	if (rs->have_keep)
		sl_scn_result_free(&rs->keep);
	res->interrupted = true;
	rs->keep = *res;
	rs->have_keep = true;
}

bool
sl_runs_verdict_ok(const struct sl_runs *rs)
{
	return rs->runs > 0 && rs->ok == rs->runs;
}

size_t
sl_runs_refs(const struct sl_scn_result *res, struct sl_evref *refs)
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

void
sl_runs_free(struct sl_runs *rs)
{
	if (rs->have_keep)
		sl_scn_result_free(&rs->keep);
	rs->have_keep = false;
}

/* JSON "scenario" member: name, options, kernel, runs, facts, capture. */
char *
sl_runs_json(const struct sl_runs *rs, const char *kernel)
{
	const struct sl_scenario *s = rs->s;
	const struct sl_scn_opts *o = &rs->o;
	const struct sl_scn_result *res = &rs->keep;
	const unsigned *shape_runs = rs->shape_runs;
	unsigned runs = rs->runs, ok = rs->ok;
	bool verdict_ok = !res->interrupted && ok == runs;
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

/* The text heading: what ran, the facts, the socket calls. */
static void
heading(FILE *out, const struct sl_runs *rs, const char *kernel)
{
	const struct sl_scn_result *res = &rs->keep;
	struct sl_evref refs[2];
	size_t nrefs = sl_runs_refs(res, refs);

	fprintf(out, "synlab run %s%s: Linux %s%s\n", rs->s->name,
		rs->o.family == 6 ? " -6" : "", kernel,
		res->interrupted ? " (INTERRUPTED: what was captured until "
				   "Ctrl-C)"
				 : "");
	fputs(res->facts, out);
	fputs("socket calls (time from the first call; A, B: hosts):\n", out);
	sl_events_write(out, res->events, refs, nrefs, -1, "  ");
	fputc('\n', out);
}

/* Section comment: scenario, kernel, verdict and the timeline. */
static void
section(struct sl_pipeline *p, const struct sl_runs *rs, const char *kernel)
{
	const struct sl_scn_result *res = &rs->keep;
	struct sl_evref refs[2];
	size_t nrefs = sl_runs_refs(res, refs), len = 0;
	char *shb = NULL;
	FILE *f = open_memstream(&shb, &len);

	if (f == NULL)
		return;
	if (res->interrupted)
		fprintf(f,
			"synlab run %s%s | Linux %s | INTERRUPTED (Ctrl-C): "
			"the packets captured until then\n",
			rs->s->name, rs->o.family == 6 ? " -6" : "", kernel);
	else
		fprintf(f,
			"synlab run %s%s | Linux %s | expected %s: %s (%u of "
			"%u runs)\n",
			rs->s->name, rs->o.family == 6 ? " -6" : "", kernel,
			sl_shape_name(rs->s->expect),
			sl_runs_verdict_ok(rs) ? "ok" : "not produced", rs->ok,
			rs->runs);
	fputs(res->facts, f);
	sl_events_write(f, res->events, refs, nrefs, 0, "");
	fclose(f);
	sl_pipeline_set_section(p, shb);
	free(shb);
}

int
sl_runs_report(const struct sl_runs *rs, struct sl_pipeline *p, bool text,
	       char *errbuf)
{
	const struct sl_scn_result *res = &rs->keep;
	struct sl_evref refs[2];
	size_t nrefs = sl_runs_refs(res, refs);
	struct utsname u;
	char *sj, *ej;
	int rc;

	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	if (text)
		heading(sl_pipeline_stream(p), rs, u.release);
	sj = sl_runs_json(rs, u.release);
	ej = sl_events_json(res->events, 0);
	sl_pipeline_add_member(p, "scenario", sj);
	sl_pipeline_add_member(p, "events", ej);
	free(sj);
	free(ej);
	section(p, rs, u.release);
	if (res->has_wire) {
		/* A is the scenario's host A (10.0.0.1, fd00::1) everywhere. */
		struct sl_addr a = {.family = (uint8_t)rs->o.family};

		a.b[0] = rs->o.family == 6 ? 0xfd : 10;
		a.b[rs->o.family == 6 ? 15 : 3] = 1;
		sl_pipeline_set_host_a(p, &a);
	}
	rc = sl_feed_recorder(p, res->rec, res->events, refs, nrefs, errbuf);
	if (rc == SL_OK)
		rc = sl_pipeline_finish(p, NULL, errbuf);
	return rc;
}

void
sl_runs_summary(const struct sl_runs *rs, FILE *f)
{
	bool det = sl_scenario_deterministic(rs->s, &rs->o);

	fprintf(f, "%s: expected %s in %u of %u run%s%s\n", rs->s->name,
		sl_shape_name(rs->s->expect), rs->ok, rs->runs,
		rs->runs == 1 ? "" : "s",
		det ? "" : " (an experiment: other outcomes are results)");
	if (rs->ok < rs->runs) {
		fputs("shapes seen:", f);
		for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
			if (rs->shape_runs[sh])
				fprintf(f, " %s in %u", sl_shape_name(sh),
					rs->shape_runs[sh]);
		fputc('\n', f);
	}
}
