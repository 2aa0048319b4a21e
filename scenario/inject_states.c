/* \summary: a crafted SYN at a real socket in a chosen state: defaults, the run on a lab, the expected answer, its JSON */
#include "inject_states.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "events.h"
#include "inject.h"
#include "livefeed.h"
#include "report.h"

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

char *
sl_injstate_json(const struct sl_injstate *st, const char *kernel)
{
	const struct sl_inj_opts *o = &st->o;
	const struct sl_inj_result *r = &st->r;
	bool ok = st->ok;
	const char *why = st->why;
	int64_t delay = st->delay_ns;
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
			sl_tcp_state_name(r->tcpi_state),
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
sl_injstate_report(struct sl_injstate *x, struct sl_pipeline *p, bool text,
		   struct sl_tally *t, char *errbuf)
{
	struct sl_events *ev = sl_lab_events(x->lab);
	FILE *out = sl_pipeline_stream(p);
	char *shb = NULL, *ij, *ej;
	struct utsname u;
	size_t shblen = 0;
	FILE *shbf;
	int rc;

	if (uname(&u) != 0)
		snprintf(u.release, sizeof u.release, "unknown");
	if (text) {
		fprintf(out, "synlab run inject --state %s%s: Linux %s\n",
			sl_inj_state_name(x->o.state),
			sl_lab_family(x->lab) == 6 ? " -6" : "", u.release);
		fputs(x->facts, out);
		fputs("socket calls and injections (time from the first):\n",
		      out);
		sl_events_write(out, ev, NULL, 0, -1, "  ");
		fprintf(out, "answer: %s: %s\n\n",
			x->ok ? "as expected" : "UNEXPECTED", x->why);
	}
	if ((shbf = open_memstream(&shb, &shblen)) != NULL) {
		fprintf(shbf,
			"synlab run inject --state %s | Linux %s | %s: %s\n%s",
			sl_inj_state_name(x->o.state), u.release,
			x->ok ? "as expected" : "unexpected", x->why, x->facts);
		fclose(shbf);
		sl_pipeline_set_section(p, shb);
		free(shb);
	}
	ij = sl_injstate_json(x, u.release);
	ej = sl_events_json(ev, 0);
	sl_pipeline_add_member(p, "inject", ij);
	sl_pipeline_add_member(p, "events", ej);
	free(ij);
	free(ej);
	{
		/* A is the lab's host A (the injector's side) everywhere. */
		struct sl_addr a = {.family = (uint8_t)sl_lab_family(x->lab)};

		sl_lab_addr(x->lab, 0, a.b);
		sl_pipeline_set_host_a(p, &a);
	}
	rc = sl_feed_recorder(p, sl_lab_recorder(x->lab), ev, NULL, 0, errbuf);
	if (rc == SL_OK)
		rc = sl_pipeline_finish(p, t, errbuf);
	return rc;
}
