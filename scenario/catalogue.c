/* \summary: the catalogue of experiments: every one synlab can run, its parameters with units, its run, verdict and JSON */
#include "catalogue.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common.h"
#include "events.h"
#include "inject.h"
#include "scenario.h"
#include "timearg.h"

/*
 * To add an experiment: its run on a lab (capture/scenario.c for a
 * sandbox scenario, or a file of its own in scenario/), one row here, and
 * its tests (docs/architecture.md).
 */

static const struct sl_xparam p_family[] = {
    {"-6", "flag", "IPv6 (fd00::1, fd00::2; ::1 on loopback)"},
    {"--count", "count", "runs; the verdict counts the expected outcome"},
    {NULL, NULL, NULL},
};

/* The two-host options (--peer HOST) of the scheduled run. */
#define PEER_PARAMS                                                            \
	{"--peer", "host[:port]",                                              \
	 "the other host; nothing is sent elsewhere"},                         \
	    {"--port", "port",                                                 \
	     "local port (the peer's too unless HOST:PORT)"},                  \
	    {"--at", "instant", "the agreed instant, CLOCK_REALTIME"},         \
	    {"--attempts", "count", "retry at TIME + k * interval"},           \
	    {"--interval", "duration", "between attempts (1s)"},               \
	    {"--interface", "interface",                                       \
	     "capture here (the route's by default)"},                         \
	{                                                                      \
		"--netns", "path", NULL                                        \
	}

static const struct sl_xparam p_simopen[] = {
    {"--delay", "duration", "one-way delay of the wire"},
    {"--offset", "duration",
     "B's connect() this long after A's; none: the SYN gate"},
    {"-6", "flag", "IPv6 (fd00::1, fd00::2)"},
    {"--count", "count", "runs; the verdict counts the expected outcome"},
    PEER_PARAMS, /* with --peer: the scheduled run on two real hosts */
    {NULL, NULL, NULL},
};

static const struct sl_xparam p_inject[] = {
    {"--offset", "duration",
     "when the crafted SYN leaves after the state's instant"},
    {"--options", "option list", "mss,sack,ts,ws | all | none"},
    {"--delay", "duration", "one-way delay of the wire"},
    {"--peer", "flag", "syn-sent: refuse a target SYN that arrives first"},
    {"-6", "flag", "IPv6 (fd00::2, the injector fd00::3)"},
    {NULL, NULL, NULL},
};

static const struct sl_xparam p_peer[] = {
    PEER_PARAMS,
    {NULL, NULL, NULL},
};

static const struct sl_xparam p_holepunch[] = {
    {"--nat", "mapping", "both NATs: keep-port, random, fully-random"},
    {"--nat-a", "mapping", "NAT A only"},
    {"--nat-b", "mapping", "NAT B only"},
    {"--unsolicited", "policy",
     "both NATs, a SYN with no mapping: rst (answered), drop"},
    {"--unsolicited-a", "policy", "NAT A only"},
    {"--unsolicited-b", "policy", "NAT B only"},
    {"--syn-sent-timeout-a", "duration",
     "NAT A's conntrack syn_sent, whole seconds (120s)"},
    {"--syn-sent-timeout-b", "duration", "NAT B's"},
    {"--delay", "duration", "one-way delay of the public wire (20ms)"},
    {"--offset", "duration", "B's connect() this long after A's"},
    {"--attempts", "count", "tries, each at the next instant (1)"},
    {"--interval", "duration", "between the attempts' instants (1s)"},
    {"--timeout", "duration", "a pending connect() timed out (4s)"},
    {"--syn-retries", "count", "the hosts' net.ipv4.tcp_syn_retries"},
    {"--syn-linear", "count",
     "the hosts' net.ipv4.tcp_syn_linear_timeouts (Linux 6.5+)"},
    {"--port", "port", "the port both hosts bind (1314)"},
    {NULL, NULL, NULL},
};

static const struct sl_experiment catalogue[] = {
    {
	.name = "self-connect",
	.ops = &sl_xops_sandbox,
	.params = p_family,
	.scenario = "self-connect",
    },
    {
	.name = "simultaneous-open",
	.ops = &sl_xops_sandbox,
	.params = p_simopen,
	.sweep_param = "--offset",
	.sweep_kind = SL_SWEEP_SIMOPEN,
	.scenario = "simultaneous-open",
    },
    {
	.name = "reuseport",
	.ops = &sl_xops_sandbox,
	.params = p_family,
	.scenario = "reuseport",
    },
    {
	.name = "self-connect-race",
	.ops = &sl_xops_sandbox,
	.params = p_family,
	.scenario = "self-connect-race",
    },
    {
	.name = "inject-bound",
	.summary = "a crafted SYN at a bound, not listening socket",
	.ops = &sl_xops_inject,
	.params = p_inject,
	.expect = "[R.] seq 0 ack s+1 (RFC 9293 §3.10.7.1)",
	.state = "bound",
    },
    {
	.name = "inject-closed",
	.summary = "a crafted SYN at a closed port",
	.ops = &sl_xops_inject,
	.params = p_inject,
	.expect = "[R.] seq 0 ack s+1 (RFC 9293 §3.10.7.1)",
	.state = "closed",
    },
    {
	.name = "inject-syn-sent",
	.summary = "a crafted SYN at a socket whose connect() is pending",
	.ops = &sl_xops_inject,
	.params = p_inject,
	.expect = "the simultaneous-open SYN-ACK, connect() returns 0",
	.sweep_param = "--offset",
	.sweep_kind = SL_SWEEP_INJECT,
	.state = "syn-sent",
    },
    {
	.name = "inject-established",
	.summary = "three crafted SYNs at an established connection",
	.ops = &sl_xops_inject,
	.params = p_inject,
	.expect = "challenge ACKs 1, 0, 1 (RFC 5961 §4, one per 500 ms)",
	.state = "established",
    },
    {
	.name = "simultaneous-open-peer",
	.summary = "the simultaneous open between two real hosts at an "
		   "agreed instant",
	.ops = &sl_xops_peer,
	.params = p_peer,
	.expect = "connected; the shape the wire showed is the result",
	.scenario = "simultaneous-open",
    },
    {
	.name = "holepunch",
	.summary = "TCP hole punching: two hosts behind kernel NATs connect "
		   "to each other's public address at an agreed instant",
	.ops = &sl_xops_holepunch,
	.sweep_param = "--offset",
	.params = p_holepunch,
	.expect = "connected through keep-port NATs (the SYNs cross); the "
		  "outcome per host and its reason otherwise",
    },
};

const struct sl_experiment *
sl_experiment_at(size_t i)
{
	return i < sizeof catalogue / sizeof catalogue[0] ? &catalogue[i]
							  : NULL;
}

const struct sl_experiment *
sl_experiment_find(const char *name)
{
	const struct sl_experiment *x;

	for (size_t i = 0; (x = sl_experiment_at(i)) != NULL; i++)
		if (strcmp(x->name, name) == 0)
			return x;
	return NULL;
}

bool
sl_experiment_sweeps(const struct sl_experiment *x)
{
	return x->sweep_param != NULL && x->ops->sweep != NULL;
}

size_t
sl_experiment_names(const char **names, size_t max, bool sweeps)
{
	const struct sl_experiment *x;
	size_t n = 0;

	for (size_t i = 0; n < max && (x = sl_experiment_at(i)) != NULL; i++)
		if (!sweeps || sl_experiment_sweeps(x))
			names[n++] = x->name;
	return n;
}

const struct sl_experiment *
sl_experiment_of_state(const char *state, const char **states, size_t max,
		       size_t *n)
{
	const struct sl_experiment *x, *found = NULL;

	*n = 0;
	for (size_t i = 0; (x = sl_experiment_at(i)) != NULL; i++) {
		if (x->state == NULL)
			continue;
		if (*n < max)
			states[(*n)++] = x->state;
		if (strcmp(x->state, state) == 0)
			found = x;
	}
	return found;
}

const struct sl_experiment *
sl_experiment_lookup(const char *name, bool sweeps, char *errbuf)
{
	const char *names[32];
	const struct sl_experiment *x = sl_experiment_find(
	    sweeps && strcmp(name, "inject") == 0 ? "inject-syn-sent" : name);
	size_t n = sl_experiment_names(names, 31, sweeps), len;

	if (x != NULL && (!sweeps || sl_experiment_sweeps(x)))
		return x;
	if (sweeps)
		names[n++] = "inject";
	if (!sweeps || (x == NULL && sl_closest(name, names, n) != NULL)) {
		sl_unknown_word("experiment", name, names, n, errbuf);
		return NULL;
	}
	sl_errbuf_set(errbuf,
		      "'%s' has no timing parameter to sweep (the experiment "
		      "goes first); these have:",
		      name);
	for (size_t i = 0; i + 1 < n; i++)
		if ((len = strlen(errbuf)) + strlen(names[i]) + 4 <
		    SL_ERRBUF_SIZE)
			snprintf(errbuf + len, SL_ERRBUF_SIZE - len, "\n  %s",
				 names[i]);
	return NULL;
}

int
sl_experiment_unalias(int *argc, char **argv, char *errbuf)
{
	const struct sl_experiment *x;
	const char *states[8];
	size_t n, len;

	for (int i = 2; i < *argc; i++) {
		const char *v = NULL;
		int drop = 1;

		if (strncmp(argv[i], "--state=", 8) == 0)
			v = argv[i] + 8;
		else if (strcmp(argv[i], "--state") == 0 && i + 1 < *argc) {
			v = argv[i + 1];
			drop = 2;
		}
		if (v == NULL)
			continue;
		if ((x = sl_experiment_of_state(v, states, 8, &n)) == NULL) {
			sl_unknown_word("state", v, states, n, errbuf);
			return -1;
		}
		memmove(&argv[i], &argv[i + drop],
			(size_t)(*argc - i - drop + 1) * sizeof *argv);
		*argc -= drop;
		argv[1] = (char *)(uintptr_t)x->name; /* read, never written */
		return 1;
	}
	sl_experiment_of_state("", states, 8, &n);
	sl_errbuf_set(errbuf, "which --state?");
	for (size_t i = 0; i < n; i++)
		if ((len = strlen(errbuf)) + strlen(states[i]) + 6 <
		    SL_ERRBUF_SIZE)
			snprintf(errbuf + len, SL_ERRBUF_SIZE - len, "%s%s",
				 i == 0	     ? " "
				 : i + 1 < n ? ", "
					     : " or ",
				 states[i]);
	len = strlen(errbuf);
	snprintf(errbuf + len, SL_ERRBUF_SIZE - len,
		 " (or the experiment inject-STATE)");
	return 0;
}

void
sl_experiment_describe(const struct sl_experiment *x, FILE *f)
{
	const struct sl_scenario *s =
	    x->scenario ? sl_scenario_find(x->scenario) : NULL;

	/* A sandbox scenario's summary and shape are the engine's. */
	fprintf(f, "  %-23s %s\n", x->name,
		x->summary ? x->summary
		: s	   ? s->summary
			   : "");
	for (const struct sl_xparam *p = x->params; p && p->option; p++)
		if (p->help != NULL)
			fprintf(f, "      %-12s %-12s %s\n", p->option, p->unit,
				p->help);
	if (x->expect)
		fprintf(f, "      expected: %s\n", x->expect);
	else if (s != NULL)
		fprintf(f, "      expected: shape %s in every capture%s\n",
			sl_shape_name(s->expect),
			s->also_ok ? " (others allowed beside it)" : "");
	if (x->sweep_param)
		fprintf(f, "      sweep: synlab sweep %s varies %s\n", x->name,
			x->sweep_param);
}

void
sl_xopts_init(struct sl_xopts *o)
{
	memset(o, 0, sizeof *o);
	o->family = 4;
	o->count = 1;
	o->inj_opts = SL_OPT_ALL;
}

int
sl_xopts_take(struct sl_xopts *o, const struct sl_xparam *p, const char *arg,
	      char *errbuf)
{
	const char *opt = p->option;
	unsigned long n;
	int rc = SL_OK;

	if (o->ngiven == SL_XGIVEN_MAX) {
		sl_errbuf_set(errbuf, "%s: too many options", opt);
		return SL_EINVAL;
	}
	o->given[o->ngiven].p = p;
	o->given[o->ngiven++].arg = arg;
	if (strcmp(opt, "-6") == 0)
		o->family = 6;
	else if (strcmp(opt, "--count") == 0)
		rc = sl_parse_count(opt, arg, 1, 1000000, &o->count, errbuf);
	else if (strcmp(opt, "--delay") == 0)
		rc = sl_parse_duration_opt(opt, arg, false, &o->delay_ns,
					   errbuf);
	else if (strcmp(opt, "--offset") == 0) {
		rc = sl_parse_duration_opt(opt, arg, true, &o->offset_ns,
					   errbuf);
		o->has_offset = true;
	} else if (strcmp(opt, "--options") == 0) {
		if (sl_inject_parse_opts(arg, &o->inj_opts) != SL_OK) {
			sl_errbuf_set(errbuf,
				      "--options wants mss,sack,ts,ws, all or "
				      "none, not '%s'",
				      arg);
			rc = SL_EINVAL;
		}
	} else if (strcmp(opt, "--peer") == 0 && strcmp(p->unit, "flag") == 0)
		o->inj_peer = true;
	else if (strcmp(opt, "--peer") == 0)
		o->peer = arg;
	else if (strcmp(opt, "--port") == 0)
		o->port = arg;
	else if (strcmp(opt, "--at") == 0)
		o->at = arg;
	else if (strcmp(opt, "--interface") == 0)
		o->ifname = arg;
	else if (strcmp(opt, "--netns") == 0)
		o->netns = arg;
	else if (strcmp(opt, "--attempts") == 0) {
		rc = sl_parse_count(opt, arg, 1, 1000, &n, errbuf);
		o->attempts = (unsigned)n;
	} else if (strcmp(opt, "--interval") == 0)
		rc = sl_parse_duration_opt(opt, arg, false, &o->interval_ns,
					   errbuf);
	/* any other: the entry's own, read by its engine's prepare */
	return rc;
}

bool
sl_xopts_has(const struct sl_xopts *o, const char *opt)
{
	for (size_t i = 0; i < o->ngiven; i++)
		if (strcmp(o->given[i].p->option, opt) == 0)
			return true;
	return false;
}

struct sl_xrun *
sl_xrun_alloc(const struct sl_experiment *x, const struct sl_xops *ops,
	      const struct sl_xopts *o, size_t size)
{
	struct sl_xrun *r = sl_xcalloc(1, size);
	struct utsname u;

	r->x = x;
	r->ops = ops;
	r->o = *o;
	snprintf(r->kernel, sizeof r->kernel, "%s",
		 uname(&u) == 0 ? u.release : "unknown");
	return r;
}

int
sl_experiment_prepare(const struct sl_experiment *x, const struct sl_xopts *o,
		      bool sweep, struct sl_xrun **r, char *errbuf)
{
	int rc;

	*r = NULL;
	if ((rc = x->ops->prepare(x, o, r, errbuf)) == SL_OK && sweep &&
	    (*r)->ops->sweep == NULL) {
		sl_errbuf_set(errbuf, "%s sweeps in a lab, not with --peer",
			      x->name);
		rc = SL_EINVAL;
	}
	if (rc != SL_OK) {
		sl_xrun_free(*r);
		*r = NULL;
	}
	return rc;
}

void
sl_xrun_free(struct sl_xrun *r)
{
	if (r == NULL)
		return;
	if (r->ops->release != NULL)
		r->ops->release(r);
	free(r);
}

char *
sl_xrun_json(const struct sl_xrun *r, const struct sl_tally *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sl_json j;

	if (f == NULL)
		return sl_xstrdup("{}");
	sl_json_init(&j, f);
	r->ops->json(r, t, &j);
	if (fclose(f) != 0) {
		free(buf);
		return sl_xstrdup("{}");
	}
	return buf;
}

void
sl_xjson_capture(struct sl_json *j, const char *label, size_t npkts,
		 unsigned recv, unsigned drop, bool nsec)
{
	sl_json_begin_obj(j);
	sl_json_kstring(j, "interface", label);
	sl_json_kuint(j, "packets", npkts);
	sl_json_kuint(j, "pcap_recv", recv);
	sl_json_kuint(j, "pcap_drop", drop);
	sl_json_kbool(j, "nanosecond", nsec);
	sl_json_end(j);
}

void
sl_xrun_add_members(const struct sl_xrun *r, struct sl_pipeline *p,
		    const char *key, const struct sl_tally *t,
		    const struct sl_events *ev)
{
	char *js = sl_xrun_json(r, t);

	sl_pipeline_add_member(p, key, js);
	free(js);
	if (ev != NULL) {
		js = sl_events_json(ev, 0);
		sl_pipeline_add_member(p, "events", js);
		free(js);
	}
}

void
sl_xjson_facts(struct sl_json *j, const char *facts)
{
	sl_json_key(j, "facts");
	sl_json_begin_arr(j);
	sl_json_lines(j, facts);
	sl_json_end(j);
}
