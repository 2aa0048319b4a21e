/* \summary: the catalogue of experiments: every one synlab can run, its parameters with units, its expected outcome, whether it sweeps */
#include "catalogue.h"

#include <string.h>

#include "scenario.h"

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

static const struct sl_xparam p_simopen[] = {
    {"--delay", "duration", "one-way delay of the wire"},
    {"--offset", "duration",
     "B's connect() this long after A's; none: the SYN gate"},
    {"-6", "flag", "IPv6 (fd00::1, fd00::2)"},
    {"--count", "count", "runs; the verdict counts the expected outcome"},
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
    {"--peer", "host[:port]", "the other host; nothing is sent elsewhere"},
    {"--port", "port", "local port (the peer's too unless HOST:PORT)"},
    {"--at", "instant", "the agreed instant, CLOCK_REALTIME"},
    {"--attempts", "count", "retry at TIME + k * interval"},
    {"--interval", "duration", "between attempts (1s)"},
    {"--interface", "interface", "capture here (the route's by default)"},
    {NULL, NULL, NULL},
};

static const struct sl_xparam p_holepunch[] = {
    {"--nat-a", "mapping", "NAT A: keep-port, random, fully-random"},
    {"--nat-b", "mapping", "NAT B: the same"},
    {"--unsolicited-a", "policy", "NAT A, a SYN with no mapping: rst, drop"},
    {"--unsolicited-b", "policy", "NAT B: the same"},
    {"--syn-sent-timeout-a", "duration", "NAT A's conntrack syn_sent"},
    {"--syn-sent-timeout-b", "duration", "NAT B's conntrack syn_sent"},
    {"--delay", "duration", "one-way delay of the public wire (20ms)"},
    {"--offset", "duration", "B's connect() this long after A's"},
    {"--attempts", "count", "retry at the next instant (1)"},
    {"--interval", "duration", "between attempts (1s)"},
    {"--timeout", "duration", "a pending connect() timed out (4s)"},
    {NULL, NULL, NULL},
};

static const struct sl_experiment catalogue[] = {
    {
	.name = "self-connect",
	.engine = SL_X_SANDBOX,
	.params = p_family,
	.scenario = "self-connect",
    },
    {
	.name = "simultaneous-open",
	.engine = SL_X_SANDBOX,
	.params = p_simopen,
	.sweep_param = "--offset",
	.sweep_kind = SL_SWEEP_SIMOPEN,
	.scenario = "simultaneous-open",
    },
    {
	.name = "reuseport",
	.engine = SL_X_SANDBOX,
	.params = p_family,
	.scenario = "reuseport",
    },
    {
	.name = "self-connect-race",
	.engine = SL_X_SANDBOX,
	.params = p_family,
	.scenario = "self-connect-race",
    },
    {
	.name = "inject-bound",
	.summary = "a crafted SYN at a bound, not listening socket",
	.engine = SL_X_INJECT,
	.params = p_inject,
	.expect = "[R.] seq 0 ack s+1 (RFC 9293 §3.10.7.1)",
	.state = "bound",
    },
    {
	.name = "inject-closed",
	.summary = "a crafted SYN at a closed port",
	.engine = SL_X_INJECT,
	.params = p_inject,
	.expect = "[R.] seq 0 ack s+1 (RFC 9293 §3.10.7.1)",
	.state = "closed",
    },
    {
	.name = "inject-syn-sent",
	.summary = "a crafted SYN at a socket whose connect() is pending",
	.engine = SL_X_INJECT,
	.params = p_inject,
	.expect = "the simultaneous-open SYN-ACK, connect() returns 0",
	.sweep_param = "--offset",
	.sweep_kind = SL_SWEEP_INJECT,
	.state = "syn-sent",
    },
    {
	.name = "inject-established",
	.summary = "three crafted SYNs at an established connection",
	.engine = SL_X_INJECT,
	.params = p_inject,
	.expect = "challenge ACKs 1, 0, 1 (RFC 5961 §4, one per 500 ms)",
	.state = "established",
    },
    {
	.name = "simultaneous-open-peer",
	.summary = "the simultaneous open between two real hosts at an "
		   "agreed instant",
	.engine = SL_X_PEER,
	.params = p_peer,
	.expect = "connected; the shape the wire showed is the result",
	.scenario = "simultaneous-open",
    },
    {
	.name = "holepunch",
	.summary = "TCP hole punching: two hosts behind kernel NATs connect "
		   "to each other's public address at an agreed instant",
	.engine = SL_X_NAT,
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
