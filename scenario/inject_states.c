/* \summary: a crafted SYN at a real socket in a chosen state: defaults, the run on a lab, the expected answer, its JSON */
#include "inject_states.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "events.h"
#include "inject.h"
#include "livefeed.h"
#include "priv.h"
#include "report.h"
#include "sandbox.h"
#include "sweep.h"

void
sl_injstate_defaults(struct sl_inj_opts *o, enum sl_inj_state st,
		     bool have_offset)
{
	o->state = st;
	o->port = 1314;
	o->send_data = st == SL_INJ_SYN_SENT;
	if (!have_offset)
		o->offset_ns = st == SL_INJ_ESTABLISHED ? 10000000 : 1000000;
	if (st == SL_INJ_ESTABLISHED) {
		o->nsyn = 3;
		o->syn_gap_ns[1] = 100000000;
		o->syn_gap_ns[2] = 700000000;
	} else {
		o->nsyn = 1;
	}
}

int
sl_injstate_run(struct sl_injstate *x, int family, char *errbuf)
{
	int rc;

	/* Phase 1, privileged: sandbox, wire, capture, sockets. */
	x->lab = sl_lab_new(family, errbuf, &rc);
	if (x->lab == NULL)
		return rc;
	sl_lab_set_delay(x->lab, x->delay_ns);
	x->peer = sl_inj_peer_open(x->lab, errbuf);
	if (x->peer == NULL)
		return SL_ENV;
	/* Phase 2: the experiment. */
	rc = sl_inj_run(x->peer, &x->o, &x->r, x->facts, sizeof x->facts,
			errbuf);
	sl_lab_finish(x->lab, 5000000 + x->delay_ns, x->o.stop);
	if (rc == SL_OK && x->o.stop != NULL && *x->o.stop)
		rc = SL_EINTR;
	if (rc != SL_OK)
		return rc;
	x->ok = sl_injstate_expected(&x->o, &x->r, x->why, sizeof x->why);
	sl_injstate_facts(&x->o, &x->r, x->facts, sizeof x->facts);
	return SL_OK;
}

void
sl_injstate_free(struct sl_injstate *x)
{
	sl_inj_peer_close(x->peer);
	sl_lab_free(x->lab);
	x->peer = NULL;
	x->lab = NULL;
}

const char *
sl_tcp_state_name(unsigned s)
{
	static const char *const n[] = {
	    "?",	  "ESTABLISHED", "SYN-SENT",  "SYN-RECV",
	    "FIN-WAIT1",  "FIN-WAIT2",	 "TIME-WAIT", "CLOSE",
	    "CLOSE-WAIT", "LAST-ACK",	 "LISTEN",    "CLOSING"};

	return s < sizeof n / sizeof n[0] ? n[s] : "?";
}

bool
sl_injstate_expected(const struct sl_inj_opts *o, const struct sl_inj_result *r,
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
			 r->have_info ? sl_tcp_state_name(r->tcpi_state) : "-");
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

/* Appends one line to facts (bounded). */
static void
append(char *facts, size_t len, const char *line)
{
	size_t n = strlen(facts);

	snprintf(facts + n, len - n, "%s\n", line);
}

void
sl_injstate_facts(const struct sl_inj_opts *o, const struct sl_inj_result *r,
		  char *facts, size_t len)
{
	if (r->have_info) {
		char x[256];

		snprintf(x, sizeof x,
			 "TCP_INFO after connect(): state %s, window scaling "
			 "%s (snd_wscale %u, rcv_wscale %u), SACK %s, "
			 "timestamps %s",
			 sl_tcp_state_name(r->tcpi_state),
			 r->tcpi_options & 4 ? "on" : "off", r->snd_wscale,
			 r->rcv_wscale, r->tcpi_options & 2 ? "on" : "off",
			 r->tcpi_options & 1 ? "on" : "off");
		append(facts, len, x);
	}
	if (r->data_seen && o->state == SL_INJ_SYN_SENT) {
		char x[320];

		if (!(o->opts & SL_OPT_WS) && r->data_win < 1024)
			snprintf(
			    x, sizeof x,
			    "the target's data segment advertises window "
			    "%u: still shifted by its offered scale 2^%u "
			    "although the crafted SYN had no window scale "
			    "option (RFC 7323 §2.2: scaling is off unless "
			    "both SYNs carry it) - the window-scale defect",
			    r->data_win, r->rcv_wscale ? r->rcv_wscale : 10);
		else
			snprintf(
			    x, sizeof x,
			    "the target's data segment advertises window %u",
			    r->data_win);
		append(facts, len, x);
	}
}

/* TCP_INFO's state and options: as text (line) or as a JSON object. */
static void
tcp_info_json(struct sl_json *j, const struct sl_inj_result *r)
{
	sl_json_key(j, "tcp_info");
	sl_json_begin_obj(j);
	sl_json_kstring(j, "state", sl_tcp_state_name(r->tcpi_state));
	sl_json_kbool(j, "wscale_option", r->tcpi_options & 4);
	sl_json_kuint(j, "snd_wscale", r->snd_wscale);
	sl_json_kuint(j, "rcv_wscale", r->rcv_wscale);
	sl_json_kbool(j, "sack", r->tcpi_options & 2);
	sl_json_kbool(j, "timestamps", r->tcpi_options & 1);
	sl_json_end(j);
}

/* What was sent: each segment, when, and how late. */
static void
sent_json(struct sl_json *j, const struct sl_inj_result *r)
{
	sl_json_key(j, "sent");
	sl_json_begin_arr(j);
	for (unsigned i = 0; i < r->nsent; i++) {
		const struct sl_inj_sent *x = &r->sent[i];

		sl_json_begin_obj(j);
		sl_json_kstring(j, "segment", x->what);
		sl_json_kuint(j, "seq", x->seq);
		sl_json_kuint(j, "ack", x->ack);
		sl_json_kint(j, "sent_ns", x->st.before);
		if (x->st.scheduled) {
			sl_json_kint(j, "scheduled_ns", x->st.scheduled);
			sl_json_kfixed(
			    j, "late_us",
			    (double)(x->st.before - x->st.scheduled) / 1e3, 3);
		}
		sl_json_end(j);
	}
	sl_json_end(j);
}

void
sl_injstate_json(const struct sl_injstate *st, const char *kernel,
		 struct sl_json *j)
{
	const struct sl_inj_opts *o = &st->o;
	const struct sl_inj_result *r = &st->r;
	char ob[48];

	sl_json_begin_obj(j);
	sl_json_kstring(j, "state", sl_inj_state_name(o->state));
	sl_json_kstring(j, "kernel", kernel);
	sl_json_kstring(j, "options",
			sl_inject_opts_str(o->opts, ob, sizeof ob));
	sl_json_kfixed(j, "offset_us", (double)o->offset_ns / 1e3, 3);
	sl_json_kfixed(j, "delay_us", (double)st->delay_ns / 1e3, 3);
	sl_json_kuint(j, "peer_isn", r->peer_isn);
	sl_json_kuint(j, "target_isn", r->target_isn);
	sl_json_kstring(j, "outcome", r->outcome);
	sl_json_kbool(j, "expected", st->ok);
	sl_json_kstring(j, "check", st->why);
	sl_json_kstring(j, "connect",
			r->connect_err == -2   ? "none"
			: r->connect_err == -1 ? "pending"
			: r->connect_err == 0  ? "0"
					       : sl_errno_name(r->connect_err));
	if (r->have_info)
		tcp_info_json(j, r);
	if (r->data_seen) {
		sl_json_kuint(j, "target_data_window", r->data_win);
	}
	sent_json(j, r);
	sl_json_key(j, "answers");
	sl_json_begin_arr(j);
	for (int i = 0; i < 3; i++)
		sl_json_uint(j, r->answers[i]);
	sl_json_end(j);
	sl_json_end(j);
}

/* ---- the engine of the inject entries (struct sl_xops) ---- */

struct xinject {
	struct sl_xrun base;
	struct sl_injstate st;
};

static int
inject_prepare(const struct sl_experiment *x, const struct sl_xopts *o,
	       struct sl_xrun **r, char *errbuf)
{
	int state = sl_inj_state_parse(x->state);
	struct xinject *xi;

	if (state < 0) {
		sl_errbuf_set(errbuf, "%s: no such state '%s'", x->name,
			      x->state);
		return SL_EINVAL;
	}
	xi = (struct xinject *)sl_xrun_alloc(x, &sl_xops_inject, o, sizeof *xi);
	xi->st.o.opts = o->inj_opts;
	xi->st.o.offset_ns = o->offset_ns;
	xi->st.o.peer_mode = o->inj_peer;
	xi->st.delay_ns = o->delay_ns;
	sl_injstate_defaults(&xi->st.o, (enum sl_inj_state)state,
			     o->has_offset);
	*r = &xi->base;
	return SL_OK;
}

static int
inject_run(struct sl_xrun *r, char *errbuf)
{
	struct sl_injstate *x = &((struct xinject *)r)->st;
	int rc;

	/* Least privilege: give up every capability never used here,
	 * before any thread exists (common/priv.h). */
	if ((rc = sl_sandbox_check(true, errbuf)) != SL_OK ||
	    (rc = sl_priv_drop_unused(errbuf)) != SL_OK)
		return rc;
	x->o.stop = r->o.stop;
	rc = sl_injstate_run(x, r->o.family, errbuf);
	if (rc == SL_EINTR)
		sl_errbuf_set(errbuf, "interrupted; sandbox removed");
	r->have_report = rc == SL_OK;
	return rc;
}

/* The text heading: what ran, the facts, the socket calls, the answer. */
static void
heading(FILE *out, const struct sl_injstate *x, const char *kernel)
{
	fprintf(out, "synlab run inject --state %s%s: Linux %s\n",
		sl_inj_state_name(x->o.state),
		sl_lab_family(x->lab) == 6 ? " -6" : "", kernel);
	fputs(x->facts, out);
	fputs("socket calls and injections (time from the first):\n", out);
	sl_events_write(out, sl_lab_events(x->lab), NULL, 0, -1, "  ");
	fprintf(out, "answer: %s: %s\n\n", x->ok ? "as expected" : "UNEXPECTED",
		x->why);
}

static int
inject_report(struct sl_xrun *r, struct sl_pipeline *p, bool text,
	      struct sl_tally *t, char *errbuf)
{
	struct sl_injstate *x = &((struct xinject *)r)->st;
	struct sl_events *ev = sl_lab_events(x->lab);
	struct sl_addr a = {.family = (uint8_t)sl_lab_family(x->lab)};
	char *shb = NULL;
	size_t shblen = 0;
	FILE *shbf;
	int rc;

	if (text)
		heading(sl_pipeline_stream(p), x, r->kernel);
	if ((shbf = open_memstream(&shb, &shblen)) != NULL) {
		fprintf(shbf,
			"synlab run inject --state %s | Linux %s | %s: %s\n%s",
			sl_inj_state_name(x->o.state), r->kernel,
			x->ok ? "as expected" : "unexpected", x->why, x->facts);
		fclose(shbf);
		sl_pipeline_set_section(p, shb);
		free(shb);
	}
	sl_xrun_add_members(r, p, "inject", NULL, ev);
	/* A is the lab's host A (the injector's side) everywhere. */
	sl_lab_addr(x->lab, 0, a.b);
	sl_pipeline_set_host_a(p, &a);
	rc = sl_feed_recorder(p, sl_lab_recorder(x->lab), ev, NULL, 0, errbuf);
	if (rc == SL_OK)
		rc = sl_pipeline_finish(p, t, errbuf);
	return rc;
}

static bool
inject_verdict(const struct sl_xrun *r, const struct sl_tally *t, FILE *text)
{
	(void)text; /* the answer is in the heading */
	return t->violations == 0 && ((const struct xinject *)r)->st.ok;
}

static void
inject_json(const struct sl_xrun *r, const struct sl_tally *t,
	    struct sl_json *j)
{
	(void)t;
	sl_injstate_json(&((const struct xinject *)r)->st, r->kernel, j);
}

static void
inject_release(struct sl_xrun *r)
{
	sl_injstate_free(&((struct xinject *)r)->st);
}

const struct sl_xops sl_xops_inject = SL_XOPS(inject, sl_sweep_xrun);
