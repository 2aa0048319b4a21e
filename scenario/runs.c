/* \summary: the sandbox scenarios run N times: each run judged, the run to report kept, the verdict and its JSON */
#include "runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "lab.h"
#include "livefeed.h"
#include "priv.h"
#include "report.h"
#include "sandbox.h"
#include "sweep.h"

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

/* The wire's counters of a two-host run. */
static void
json_wire(struct sl_json *j, const struct sl_scn_result *res)
{
	static const char *const key[] = {"forwarded_ab", "forwarded_ba",
					  "syns_held_ab", "syns_held_ba"};
	const uint64_t v[] = {res->wire.forwarded[0], res->wire.forwarded[1],
			      res->wire.held[0], res->wire.held[1]};

	sl_json_key(j, "wire");
	sl_json_begin_obj(j);
	for (size_t i = 0; i < 4; i++) {
		sl_json_kuint(j, key[i], v[i]);
	}
	sl_json_kuint(j, "synacks_a", res->synacks[0]);
	sl_json_kuint(j, "synacks_b", res->synacks[1]);
	sl_json_end(j);
}

/*
 * A timed crossing as measured (sl_crossing_measure): when each SYN
 * reached the other host, from that host's connect() call (negative:
 * before it), against the plan.  null: the SYN never crossed.
 */
static void
json_crossing(struct sl_json *j, const struct sl_crossing *x)
{
	static const char *const key[2][2] = {
	    {"b_syn_at_a_ms", "planned_b_syn_at_a_ms"},
	    {"a_syn_at_b_ms", "planned_a_syn_at_b_ms"}};

	sl_json_key(j, "crossing");
	sl_json_begin_obj(j);
	for (int h = 1; h >= 0; h--) {
		sl_json_key(j, key[h][0]);
		if (x->margin[h] == INT64_MIN)
			sl_json_null(j);
		else
			sl_json_printf(j, "%.3f", (double)x->margin[h] / 1e6);
		sl_json_kfixed(j, key[h][1], (double)x->plan[h] / 1e6, 3);
	}
	sl_json_key(j, "slip_ms");
	if (x->slip < 0)
		sl_json_null(j);
	else
		sl_json_printf(j, "%.3f", (double)x->slip / 1e6);
	sl_json_end(j);
}

void
sl_runs_json(const struct sl_runs *rs, const char *kernel, struct sl_json *j)
{
	const struct sl_scn_opts *o = &rs->o;
	const struct sl_scn_result *res = &rs->keep;

	sl_json_begin_obj(j);
	sl_json_kstring(j, "name", rs->s->name);
	sl_json_kint(j, "family", o->family);
	sl_json_kstring(j, "kernel", kernel);
	if (rs->s->uses_timing) {
		sl_json_kstring(j, "mode", o->has_offset ? "offset" : "gate");
		sl_json_kfixed(j, "delay_ms", (double)o->delay_ns / 1e6, 6);
		if (o->has_offset)
			sl_json_kfixed(j, "offset_ms",
				       (double)o->offset_ns / 1e6, 6);
	}
	sl_json_kstring(j, "expected", sl_shape_name(rs->s->expect));
	sl_json_kuint(j, "runs", rs->runs);
	sl_json_kuint(j, "matched", rs->ok);
	sl_json_key(j, "verdict");
	sl_json_string(
	    j, !res->interrupted && rs->ok == rs->runs ? "ok" : "unexpected");
	sl_json_key(j, "run_shapes");
	sl_json_begin_obj(j);
	for (unsigned sh = 0; sh < SL_SHAPE__COUNT; sh++)
		if (rs->shape_runs[sh]) {
			sl_json_kuint(j, sl_shape_name((enum sl_shape)sh),
				      rs->shape_runs[sh]);
		}
	sl_json_end(j);
	sl_xjson_facts(j, res->facts);
	sl_json_key(j, "captures");
	sl_json_begin_arr(j);
	for (unsigned i = 0; i < sl_recorder_count(res->rec); i++) {
		const struct sl_capture *c = sl_recorder_capture(res->rec, i);

		sl_xjson_capture(j, c->label, c->npkts, c->ps_recv, c->ps_drop,
				 c->nsec);
	}
	sl_json_end(j);
	if (res->has_wire)
		json_wire(j, res);
	if (res->timed)
		json_crossing(j, &res->crossing);
	sl_json_key(j, "timing_ms");
	sl_json_begin_obj(j);
	sl_json_kfixed(j, "setup", (double)res->setup_ns / 1e6, 3);
	sl_json_kfixed(j, "run", (double)res->run_ns / 1e6, 3);
	sl_json_kfixed(j, "teardown", (double)res->teardown_ns / 1e6, 3);
	sl_json_end(j);
	sl_json_end(j);
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

/* ---- the engine of the sandbox entries (struct sl_xops) ---- */

struct xsandbox {
	struct sl_xrun base;
	struct sl_runs rs;
};

static int
sandbox_prepare(const struct sl_experiment *x, const struct sl_xopts *o,
		struct sl_xrun **r, char *errbuf)
{
	const struct sl_scenario *s = sl_scenario_find(x->scenario);
	struct xsandbox *sb;

	if (o->peer || o->port || o->at || o->ifname || o->netns ||
	    o->attempts || o->interval_ns) {
		/* The scheduled run on two real hosts: the peer engine. */
		if (o->peer != NULL && !o->has_offset && o->delay_ns == 0 &&
		    o->family == 4 && o->count == 1)
			return sl_xops_peer.prepare(x, o, r, errbuf);
		sl_errbuf_set(errbuf,
			      "--port/--at/--attempts/--interval/--interface "
			      "go with\n  synlab run %s --peer HOST (and not "
			      "with --delay, --offset,\n  -6, --count: the "
			      "peer's address decides the family)",
			      x->name);
		return SL_EINVAL;
	}
	if (s == NULL) {
		sl_errbuf_set(errbuf, "%s: no sandbox scenario", x->name);
		return SL_EINVAL;
	}
	sb = (struct xsandbox *)sl_xrun_alloc(x, &sl_xops_sandbox, o,
					      sizeof *sb);
	sb->rs.s = s;
	sb->rs.o.family = o->family;
	sb->rs.o.delay_ns = o->delay_ns;
	sb->rs.o.has_offset = o->has_offset;
	sb->rs.o.offset_ns = o->offset_ns;
	*r = &sb->base;
	return SL_OK;
}

/* One line per run when there are several, and capture drops. */
static void
run_line(const struct sl_runs *rs, const struct sl_scn_result *res, bool m,
	 unsigned long count, FILE *f)
{
	for (unsigned i = 0; i < sl_recorder_count(res->rec); i++)
		if (sl_recorder_capture(res->rec, i)->ps_drop)
			fprintf(f,
				"run %u: %s dropped %u packets (pcap_stats)\n",
				rs->runs + 1,
				sl_recorder_capture(res->rec, i)->label,
				sl_recorder_capture(res->rec, i)->ps_drop);
	char slip[96] = "";

	if (count <= 1)
		return;
	if (res->timed && res->crossing.slip >= 0)
		snprintf(slip, sizeof slip, "; crossing %.3f ms off the plan%s",
			 (double)res->crossing.slip / 1e6,
			 res->crossing.slip > SL_CROSSING_SLIP_NS
			     ? ": another offset"
			     : "");
	fprintf(f,
		"run %u/%lu: %s  (setup %.1f ms, run %.1f ms, teardown "
		"%.1f ms%s)\n",
		rs->runs + 1, count,
		m ? sl_shape_name(rs->s->expect) : "unexpected shape",
		(double)res->setup_ns / 1e6, (double)res->run_ns / 1e6,
		(double)res->teardown_ns / 1e6, slip);
}

/* o.count runs, or until stop; SL_OK, SL_EINTR or SL_E* with errbuf. */
static int
run_loop(struct sl_runs *rs, const struct sl_xopts *o, char *errbuf)
{
	struct sl_scn_result res;
	struct sl_tally t;
	int rc;

	while (rs->runs < o->count) {
		rc = sl_scenario_run(rs->s, &rs->o, &res, errbuf);
		if (rc == SL_EINTR || *rs->o.stop) {
			/* Interrupted: keep what this run captured. */
			sl_runs_keep_interrupted(rs, &res);
			return SL_EINTR;
		}
		if (rc == SL_OK)
			rc = sl_runs_tally(&res, &t, errbuf);
		if (rc != SL_OK) {
			sl_scn_result_free(&res);
			return rc;
		}
		/* res is taken by sl_runs_add: read it before */
		if (o->progress)
			run_line(rs, &res, sl_runs_matched(rs->s, &t), o->count,
				 o->progress);
		(void)sl_runs_add(rs, &res, &t);
	}
	return SL_OK;
}

static int
sandbox_run(struct sl_xrun *r, char *errbuf)
{
	struct sl_runs *rs = &((struct xsandbox *)r)->rs;
	int rc;

	/* Privileges first: a clear message rather than a half-built sandbox;
	 * then give up every capability never used here, before any thread
	 * exists (common/priv.h). */
	if ((rc = sl_sandbox_check(rs->s->nhosts > 1, errbuf)) != SL_OK ||
	    (rc = sl_priv_drop_unused(errbuf)) != SL_OK)
		return rc;
	rs->o.stop = r->o.stop;
	rc = run_loop(rs, &r->o, errbuf);
	r->have_report = (rc == SL_OK || rc == SL_EINTR) && rs->have_keep;
	if (rc == SL_EINTR)
		sl_errbuf_set(errbuf,
			      "interrupted after %u run%s; sandbox removed",
			      rs->runs, rs->runs == 1 ? "" : "s");
	return rc;
}

static int
sandbox_report(struct sl_xrun *r, struct sl_pipeline *p, bool text,
	       struct sl_tally *t, char *errbuf)
{
	const struct sl_runs *rs = &((struct xsandbox *)r)->rs;
	const struct sl_scn_result *res = &rs->keep;
	struct sl_evref refs[2];
	size_t nrefs = sl_runs_refs(res, refs);
	int rc;

	if (text)
		heading(sl_pipeline_stream(p), rs, r->kernel);
	sl_xrun_add_members(r, p, "scenario", NULL, res->events);
	section(p, rs, r->kernel);
	if (res->has_wire) {
		/* A is the scenario's host A (10.0.0.1, fd00::1) everywhere. */
		struct sl_addr a = {.family = (uint8_t)rs->o.family};

		a.b[0] = rs->o.family == 6 ? 0xfd : 10;
		a.b[rs->o.family == 6 ? 15 : 3] = 1;
		sl_pipeline_set_host_a(p, &a);
	}
	rc = sl_feed_recorder(p, res->rec, res->events, refs, nrefs, errbuf);
	if (rc == SL_OK)
		rc = sl_pipeline_finish(p, t, errbuf);
	return rc;
}

static bool
sandbox_verdict(const struct sl_xrun *r, const struct sl_tally *t, FILE *text)
{
	const struct sl_runs *rs = &((const struct xsandbox *)r)->rs;

	(void)t; /* every run was judged as it ran (sl_runs_add) */
	if (text)
		sl_runs_summary(rs, text);
	return !rs->any_violation &&
	       (!sl_scenario_deterministic(rs->s, &rs->o) ||
		rs->ok == rs->runs);
}

static void
sandbox_json(const struct sl_xrun *r, const struct sl_tally *t,
	     struct sl_json *j)
{
	(void)t;
	sl_runs_json(&((const struct xsandbox *)r)->rs, r->kernel, j);
}

static void
sandbox_release(struct sl_xrun *r)
{
	sl_runs_free(&((struct xsandbox *)r)->rs);
}

const struct sl_xops sl_xops_sandbox = SL_XOPS(sandbox, sl_sweep_xrun);
