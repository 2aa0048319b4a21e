/* \summary: unit tests of the experiments' oracles, no root: the inject answers, the run verdict, the peer address */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalogue.h"
#include "inject_states.h"
#include "holepunch_sweep.h"
#include "nat.h"
#include "peer.h"
#include "runs.h"

/* One injection judged: its options, what was seen, the oracle's why. */
struct inj {
	struct sl_inj_opts o;
	struct sl_inj_result r;
	char why[256];
};

/* A fresh run of state st: its defaults, nothing answered yet. */
static void
inject_setup(struct sl_inj_opts *o, struct sl_inj_result *r,
	     enum sl_inj_state st)
{
	memset(o, 0, sizeof *o);
	memset(r, 0, sizeof *r);
	sl_injstate_defaults(o, st, false);
}

/* t's options and result judged by the oracle. */
static bool
judged(struct inj *t)
{
	return sl_injstate_expected(&t->o, &t->r, t->why, sizeof t->why);
}

static void
test_inject_bound_rst(void **state)
{
	struct inj t;

	(void)state;
	inject_setup(&t.o, &t.r, SL_INJ_BOUND);
	assert_int_equal(t.o.nsyn, 1);
	assert_int_equal(t.o.offset_ns, 1000000);
	t.r.peer_isn = 1000;
	t.r.rsts = 1;
	t.r.rst_seq = 0;
	/* RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN> */
	t.r.rst_ack = 1001;
	assert_true(judged(&t));
	t.r.rst_ack = 1000;
	assert_false(judged(&t));
	assert_non_null(strstr(t.why, "want seq 0 ack 1001"));
	t.r.rsts = 0;
	t.r.rst_ack = 1001;
	assert_false(judged(&t));
}

static void
test_inject_syn_sent(void **state)
{
	struct inj t;

	(void)state;
	inject_setup(&t.o, &t.r, SL_INJ_SYN_SENT);
	assert_true(t.o.send_data);
	t.r.peer_isn = 7;
	t.r.target_isn = 4000000000u;
	t.r.synacks = 1;
	t.r.synack_seq = 4000000000u; /* the target's own ISN again */
	t.r.synack_ack = 8;
	t.r.connect_err = 0;
	t.r.have_info = true;
	t.r.tcpi_state = 1; /* ESTABLISHED */
	assert_true(judged(&t));
	assert_string_equal(sl_tcp_state_name(t.r.tcpi_state), "ESTABLISHED");
	t.r.synack_seq = 4000000001u;
	assert_false(judged(&t));
	t.r.synack_seq = 4000000000u;
	t.r.connect_err = -1; /* connect() never returned */
	assert_false(judged(&t));
	assert_non_null(strstr(t.why, "did not complete"));
}

static void
test_inject_established(void **state)
{
	struct inj t;

	(void)state;
	inject_setup(&t.o, &t.r, SL_INJ_ESTABLISHED);
	assert_int_equal(t.o.nsyn, 3);
	assert_int_equal(t.o.offset_ns, 10000000);
	/* RFC 5961 §4: a challenge ACK, then rate-limited (Linux: 500 ms) */
	t.r.answers[0] = 1;
	t.r.answers[1] = 0;
	t.r.answers[2] = 1;
	assert_true(judged(&t));
	t.r.answers[1] = 1;
	assert_false(judged(&t));
}

static void
test_wscale_defect_fact(void **state)
{
	struct sl_inj_opts o;
	struct sl_inj_result r;
	char facts[512] = "";

	(void)state;
	inject_setup(&o, &r, SL_INJ_SYN_SENT);
	o.opts = 0; /* no window scale option in the crafted SYN */
	r.data_seen = true;
	r.data_win = 502;
	r.rcv_wscale = 7;
	sl_injstate_facts(&o, &r, facts, sizeof facts);
	assert_non_null(strstr(facts, "the window-scale defect"));
	facts[0] = '\0';
	r.data_win = 64240;
	sl_injstate_facts(&o, &r, facts, sizeof facts);
	assert_null(strstr(facts, "defect"));
}

static void
test_peer_split(void **state)
{
	char h[64];
	long port;

	(void)state;
	assert_true(sl_peer_split("example.org", h, sizeof h, &port));
	assert_string_equal(h, "example.org");
	assert_int_equal(port, -1);
	assert_true(sl_peer_split("192.0.2.7:1314", h, sizeof h, &port));
	assert_string_equal(h, "192.0.2.7");
	assert_int_equal(port, 1314);
	assert_true(sl_peer_split("[2001:db8::7]:80", h, sizeof h, &port));
	assert_string_equal(h, "2001:db8::7");
	assert_int_equal(port, 80);
	assert_true(sl_peer_split("2001:db8::7", h, sizeof h, &port));
	assert_string_equal(h, "2001:db8::7");
	assert_int_equal(port, -1);
	assert_false(sl_peer_split("host:0", h, sizeof h, &port));
	assert_false(sl_peer_split("host:70000", h, sizeof h, &port));
	assert_false(sl_peer_split("[::1", h, sizeof h, &port));
	assert_false(sl_peer_split(":1314", h, sizeof h, &port));
}

static void
test_peer_opts(void **state)
{
	const int64_t now = INT64_C(1764254400000000000);
	struct sl_remote_opts o;
	char host[64], errbuf[SL_ERRBUF_SIZE];

	(void)state;
	assert_int_equal(sl_peer_opts(&o, "[fd00::2]:1400", "1314", "+10s", 3,
				      0, NULL, now, host, sizeof host, errbuf),
			 SL_OK);
	assert_string_equal(o.peer, "fd00::2");
	assert_int_equal(o.port, 1314);
	assert_int_equal(o.peer_port, 1400);
	assert_int_equal(o.at_ns, now + INT64_C(10000000000));
	assert_int_equal(o.interval_ns, 1000000000);
	/* the last attempt is what must lie ahead */
	assert_int_equal(sl_peer_opts(&o, "h", "1314", "@1764254399", 3, 0,
				      NULL, now, host, sizeof host, errbuf),
			 SL_OK);
	assert_int_equal(sl_peer_opts(&o, "h", "1314", "@1764254399", 2, 0,
				      NULL, now, host, sizeof host, errbuf),
			 SL_EINVAL);
	assert_non_null(strstr(errbuf, "in the past"));
	assert_int_equal(sl_peer_opts(&o, "h", "1314", "+10", 1, 0, NULL, now,
				      host, sizeof host, errbuf),
			 SL_EINVAL);
	assert_non_null(strstr(errbuf, "--at"));
	assert_int_equal(sl_peer_opts(&o, "h", "0", "+1s", 1, 0, NULL, now,
				      host, sizeof host, errbuf),
			 SL_EINVAL);
	assert_int_equal(sl_peer_opts(&o, "h", "1314", "+2d", 1, 0, NULL, now,
				      host, sizeof host, errbuf),
			 SL_EINVAL);
	assert_int_equal(sl_peer_opts(&o, "h", "1314", "+1s", 1, 10000000, NULL,
				      now, host, sizeof host, errbuf),
			 SL_EINVAL); /* interval under 50 ms */
}

/* Two captures (A, B) must each show the expected shape, nothing else. */
static void
test_run_verdict(void **state)
{
	struct sl_scenario s;
	struct sl_tally t;

	(void)state;
	memset(&s, 0, sizeof s);
	memset(&t, 0, sizeof t);
	s.expect = SL_SHAPE_SIMOPEN;
	assert_false(sl_runs_matched(&s, &t)); /* no capture at all */
	t.ninputs = 2;
	t.input_shapes[0][SL_SHAPE_SIMOPEN] = 1;
	t.shapes[SL_SHAPE_SIMOPEN] = 1;
	assert_false(sl_runs_matched(&s, &t)); /* B saw none */
	t.input_shapes[1][SL_SHAPE_SIMOPEN] = 1;
	t.shapes[SL_SHAPE_SIMOPEN] = 2;
	assert_true(sl_runs_matched(&s, &t));
	t.shapes[SL_SHAPE_REFUSED] = 1;
	assert_false(sl_runs_matched(&s, &t));
	s.also_ok = 1u << SL_SHAPE_REFUSED;
	assert_true(sl_runs_matched(&s, &t));
}

/* Every entry runs on an engine that knows it; a swept option exists. */
/* The NAT names round-trip, and each configuration gives its nft rules. */
static void
test_nat_ruleset(void **state)
{
	struct sl_nat_cfg c = {SL_NAT_FULLY_RANDOM, SL_NAT_DROP, 0};
	enum sl_nat_type m;
	enum sl_nat_unsol u;
	char buf[1024];

	(void)state;
	for (unsigned i = 0; i < SL_NAT_MAP__COUNT; i++) {
		assert_true(sl_nat_map_parse(sl_nat_map_name(i), &m));
		assert_int_equal(m, i);
	}
	for (unsigned i = 0; i < SL_NAT_UNSOL__COUNT; i++) {
		assert_true(sl_nat_unsol_parse(sl_nat_unsol_name(i), &u));
		assert_int_equal(u, i);
	}
	assert_false(sl_nat_map_parse("symmetric", &m));
	assert_false(sl_nat_unsol_parse("reject", &u));
	sl_nat_ruleset(1, &c, buf, sizeof buf);
	assert_non_null(
	    strstr(buf, "oifname \"wanB\" masquerade fully-random\n"));
	assert_non_null(strstr(buf, "iifname \"wanB\" tcp flags & (fin | syn | "
				    "rst | ack) == syn ct state new drop"));
	c = (struct sl_nat_cfg){SL_NAT_KEEP_PORT, SL_NAT_RST, 0};
	sl_nat_ruleset(0, &c, buf, sizeof buf);
	assert_non_null(strstr(buf, "oifname \"wanA\" masquerade\n"));
	assert_null(strstr(buf, "drop"));
}

/* The matrix's grid, and its text and JSON before any run. */
static void
test_hp_sweep_grid(void **state)
{
	struct sl_hp_sweep_cfg cfg;
	struct sl_hp_sweep *sw;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	sl_hp_opts_default(&cfg.base);
	cfg.from = -100000000;
	cfg.to = 200000000;
	cfg.step = 100000000;
	sw = sl_hp_sweep_new(&cfg);
	assert_int_equal(sl_hp_sweep_noffsets(sw), 4);
	assert_true(sl_hp_sweep_offset(sw, 0) == -100000000);
	assert_true(sl_hp_sweep_offset(sw, 3) == 200000000);
	assert_int_equal(sl_hp_sweep_cell(sw, 2, 2, 3)->runs, 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	sl_hp_sweep_write_table(sw, f);
	sl_hp_sweep_write_json(sw, f, "test");
	fclose(f);
	assert_non_null(strstr(buf, "fully-random / fully-random"));
	assert_non_null(strstr(buf, "     -100ms"));
	assert_non_null(strstr(buf,
			       "{\"nat_a\":\"random\",\"nat_b\":\"keep-port\","
			       "\"offset_ms\":200.000,\"runs\":0,"));
	free(buf);
	sl_hp_sweep_free(sw);
}

static void
test_catalogue(void **state)
{
	const struct sl_experiment *x, *y;
	size_t n = 0, sweeps = 0;

	(void)state;
	for (size_t i = 0; (x = sl_experiment_at(i)) != NULL; i++, n++) {
		bool found = x->sweep_param == NULL;

		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(sl_experiment_at(k)->name,
						x->name);
		assert_ptr_equal(sl_experiment_find(x->name), x);
		assert_non_null(x->ops);
		if (x->ops == &sl_xops_inject)
			assert_true(sl_inj_state_parse(x->state) >= 0);
		else if (x->ops != &sl_xops_holepunch)
			assert_non_null(sl_scenario_find(x->scenario));
		assert_true(x->summary != NULL ||
			    sl_scenario_find(x->scenario) != NULL);
		for (const struct sl_xparam *p = x->params; p->option; p++) {
			assert_non_null(p->unit);
			if (x->sweep_param &&
			    strcmp(p->option, x->sweep_param) == 0) {
				assert_string_equal(p->unit, "duration");
				found = true;
			}
		}
		assert_true(found);
		/* an entry that sweeps has the engine function for it */
		assert_true(x->sweep_param == NULL || x->ops->sweep != NULL);
		sweeps += x->sweep_param != NULL;
	}
	/* every state of the injector is an entry, and the three sweeps */
	assert_int_equal(n, 10);
	assert_ptr_equal(sl_experiment_find("holepunch")->ops,
			 &sl_xops_holepunch);
	assert_int_equal(sweeps, 3);
	y = sl_experiment_find("inject-syn-sent");
	assert_non_null(y);
	assert_int_equal(y->sweep_kind, SL_SWEEP_INJECT);
	assert_null(sl_experiment_find("inject"));
}

/* The names `synlab run` and `synlab sweep` offer, and the inject entry
 * of a state (`run inject --state S`). */
static void
test_catalogue_names(void **state)
{
	const char *names[32], *states[8];
	size_t n, ns;

	(void)state;
	assert_int_equal(sl_experiment_names(names, 32, false), 10);
	n = sl_experiment_names(names, 32, true);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_true(sl_experiment_sweeps(sl_experiment_find(names[i])));
	assert_false(sl_experiment_sweeps(sl_experiment_find("self-connect")));
	assert_int_equal(sl_experiment_names(names, 2, false), 2);
	assert_ptr_equal(sl_experiment_of_state("syn-sent", states, 8, &ns),
			 sl_experiment_find("inject-syn-sent"));
	assert_int_equal(ns, 4);
	assert_null(sl_experiment_of_state("listen", states, 8, &ns));
	for (size_t i = 0; i < ns; i++)
		assert_non_null(
		    sl_experiment_of_state(states[i], states, 8, &n));
}

/* The names `run` and `sweep` are given: an entry, or what is wrong. */
static void
test_catalogue_lookup(void **state)
{
	char errbuf[SL_ERRBUF_SIZE];

	(void)state;
	assert_ptr_equal(sl_experiment_lookup("self-connect", false, errbuf),
			 sl_experiment_find("self-connect"));
	assert_null(sl_experiment_lookup("self-conect", false, errbuf));
	assert_string_equal(errbuf, "unknown experiment 'self-conect'; did "
				    "you mean 'self-connect'?");
	assert_null(sl_experiment_lookup("inject", false, errbuf));
	/* sweep: "inject" is inject-syn-sent; only entries that sweep */
	assert_ptr_equal(sl_experiment_lookup("inject", true, errbuf),
			 sl_experiment_find("inject-syn-sent"));
	assert_ptr_equal(sl_experiment_lookup("holepunch", true, errbuf),
			 sl_experiment_find("holepunch"));
	assert_null(sl_experiment_lookup("holepnch", true, errbuf));
	assert_string_equal(errbuf, "unknown experiment 'holepnch'; did you "
				    "mean 'holepunch'?");
	assert_null(sl_experiment_lookup("self-connect", true, errbuf));
	assert_string_equal(errbuf,
			    "'self-connect' has no timing parameter to sweep "
			    "(the experiment goes first); these have:\n"
			    "  simultaneous-open\n  inject-syn-sent\n"
			    "  holepunch");
}

/* `inject --state S ...` rewritten as `inject-S ...`, or why not. */
static void
test_catalogue_unalias(void **state)
{
	char a0[] = "run", a1[] = "inject", a2[] = "--state", a3[] = "bound",
	     a4[] = "-6", a5[] = "--state=syn-snt";
	char *argv[] = {a0, a1, a2, a3, a4, NULL}, *bad[] = {a0, a1, a5, NULL};
	char errbuf[SL_ERRBUF_SIZE];
	int argc = 5, nbad = 3;

	(void)state;
	assert_int_equal(sl_experiment_unalias(&argc, argv, errbuf), 1);
	assert_int_equal(argc, 3);
	assert_string_equal(argv[1], "inject-bound");
	assert_ptr_equal(argv[2], a4);
	assert_null(argv[3]);
	/* no --state left: which one, every state named */
	assert_int_equal(sl_experiment_unalias(&argc, argv, errbuf), 0);
	assert_int_equal(argc, 3);
	assert_string_equal(errbuf, "which --state? bound, closed, syn-sent or "
				    "established (or the experiment "
				    "inject-STATE)");
	assert_int_equal(sl_experiment_unalias(&nbad, bad, errbuf), -1);
	assert_int_equal(nbad, 3);
	assert_string_equal(bad[1], "inject");
	assert_string_equal(errbuf, "unknown state 'syn-snt'; did you mean "
				    "'syn-sent'?");
}

/* Options by their unit into struct sl_xopts; bad values name the option. */
static void
test_xopts(void **state)
{
	const struct sl_experiment *x = sl_experiment_find("simultaneous-open");
	const struct sl_experiment *inj = sl_experiment_find("inject-syn-sent");
	struct sl_xopts o;
	char errbuf[SL_ERRBUF_SIZE];
	const struct sl_xparam *p;

	(void)state;
	sl_xopts_init(&o);
	assert_int_equal(o.family, 4);
	assert_int_equal(o.count, 1);
	for (p = x->params; p->option; p++) {
		const char *v = strcmp(p->unit, "duration") == 0 ? "-2.5ms"
				: strcmp(p->unit, "count") == 0	 ? "7"
								 : "h";

		if (strcmp(p->option, "--offset") == 0)
			assert_int_equal(sl_xopts_take(&o, p, v, errbuf),
					 SL_OK);
		else if (strcmp(p->option, "--delay") == 0) {
			/* a delay is never negative */
			assert_int_equal(sl_xopts_take(&o, p, v, errbuf),
					 SL_EINVAL);
			assert_string_equal(errbuf, "--delay wants a duration "
						    ">= 0, not '-2.5ms'");
		} else if (strcmp(p->option, "--count") == 0) {
			assert_int_equal(sl_xopts_take(&o, p, "x", errbuf),
					 SL_EINVAL);
			assert_non_null(
			    strstr(errbuf, "--count wants a whole"));
			assert_int_equal(sl_xopts_take(&o, p, v, errbuf),
					 SL_OK);
		}
	}
	assert_true(o.has_offset);
	assert_int_equal(o.offset_ns, -2500000);
	assert_int_equal(o.count, 7);
	/* inject's --peer is a flag, the two-host --peer names a host */
	for (p = inj->params; strcmp(p->option, "--peer") != 0; p++)
		;
	assert_int_equal(sl_xopts_take(&o, p, NULL, errbuf), SL_OK);
	assert_true(o.inj_peer);
	assert_null(o.peer);
	for (p = inj->params; strcmp(p->option, "--options") != 0; p++)
		;
	assert_int_equal(sl_xopts_take(&o, p, "bogus", errbuf), SL_EINVAL);
}

/* What goes together is the entry's to check, before any work. */
static void
test_prepare(void **state)
{
	const struct sl_experiment *so =
	    sl_experiment_find("simultaneous-open");
	const struct sl_experiment *self = sl_experiment_find("self-connect");
	const struct sl_experiment *peer =
	    sl_experiment_find("simultaneous-open-peer");
	const struct sl_experiment *inj =
	    sl_experiment_find("inject-established");
	struct sl_xrun *r = NULL;
	struct sl_xopts o;
	char errbuf[SL_ERRBUF_SIZE];

	(void)state;
	sl_xopts_init(&o);
	assert_int_equal(self->ops->prepare(self, &o, &r, errbuf), SL_OK);
	assert_ptr_equal(r->ops, &sl_xops_sandbox);
	assert_false(r->have_report);
	sl_xrun_free(r);
	/* two-host options without --peer, or with --offset */
	o.port = "1314";
	assert_int_equal(so->ops->prepare(so, &o, &r, errbuf), SL_EINVAL);
	assert_non_null(strstr(errbuf, "--peer HOST"));
	o.peer = "192.0.2.7";
	o.at = "+10s";
	o.has_offset = true;
	assert_int_equal(so->ops->prepare(so, &o, &r, errbuf), SL_EINVAL);
	/* --peer: the scheduled run's engine, whichever entry named it */
	o.has_offset = false;
	assert_int_equal(so->ops->prepare(so, &o, &r, errbuf), SL_OK);
	assert_ptr_equal(r->ops, &sl_xops_peer);
	sl_xrun_free(r);
	/* ... which cannot sweep: a sweep's prepare refuses it */
	assert_int_equal(sl_experiment_prepare(so, &o, true, &r, errbuf),
			 SL_EINVAL);
	assert_null(r);
	assert_string_equal(
	    errbuf, "simultaneous-open sweeps in a lab, not with --peer");
	assert_int_equal(sl_experiment_prepare(so, &o, false, &r, errbuf),
			 SL_OK);
	assert_ptr_equal(r->ops, &sl_xops_peer);
	sl_xrun_free(r);
	sl_xopts_init(&o);
	assert_int_equal(sl_experiment_prepare(so, &o, true, &r, errbuf),
			 SL_OK);
	assert_ptr_equal(r->ops, &sl_xops_sandbox);
	sl_xrun_free(r);
	assert_int_equal(peer->ops->prepare(peer, &o, &r, errbuf), SL_EINVAL);
	assert_string_equal(errbuf, "simultaneous-open-peer needs --peer HOST");
	assert_int_equal(inj->ops->prepare(inj, &o, &r, errbuf), SL_OK);
	assert_ptr_equal(r->ops, &sl_xops_inject);
	sl_xrun_free(r);
}

/* An entry's own options (holepunch's) reach its engine as given. */
static void
test_prepare_own(void **state)
{
	const struct sl_experiment *hp = sl_experiment_find("holepunch");
	const struct sl_xparam *nat = NULL, *to = NULL;
	struct sl_xrun *r = NULL;
	struct sl_xopts o;
	char errbuf[SL_ERRBUF_SIZE];

	(void)state;
	for (const struct sl_xparam *p = hp->params; p->option; p++)
		if (strcmp(p->option, "--nat-b") == 0)
			nat = p;
		else if (strcmp(p->option, "--syn-sent-timeout-a") == 0)
			to = p;
	assert_non_null(nat);
	assert_non_null(to);
	sl_xopts_init(&o);
	assert_int_equal(sl_xopts_take(&o, nat, "random", errbuf), SL_OK);
	assert_true(sl_xopts_has(&o, "--nat-b"));
	assert_false(sl_xopts_has(&o, "--nat-a"));
	assert_int_equal(hp->ops->prepare(hp, &o, &r, errbuf), SL_OK);
	sl_xrun_free(r);
	/* a conntrack timeout is whole seconds */
	assert_int_equal(sl_xopts_take(&o, to, "1500ms", errbuf), SL_OK);
	assert_int_equal(hp->ops->prepare(hp, &o, &r, errbuf), SL_EINVAL);
	assert_non_null(strstr(errbuf, "whole seconds"));
	sl_xopts_init(&o);
	assert_int_equal(sl_xopts_take(&o, nat, "symmetric", errbuf), SL_OK);
	assert_int_equal(hp->ops->prepare(hp, &o, &r, errbuf), SL_EINVAL);
	assert_non_null(strstr(errbuf, "keep-port, random or fully-random"));
	/* --attempts is bounded once, by the catalogue, for every entry */
	sl_xopts_init(&o);
	for (const struct sl_xparam *p = hp->params; p->option; p++)
		if (strcmp(p->option, "--attempts") == 0) {
			assert_int_equal(sl_xopts_take(&o, p, "1001", errbuf),
					 SL_EINVAL);
			assert_non_null(strstr(errbuf, "1..1000"));
			assert_int_equal(sl_xopts_take(&o, p, "500", errbuf),
					 SL_OK);
		}
	assert_int_equal(o.attempts, 500);
	assert_int_equal(hp->ops->prepare(hp, &o, &r, errbuf), SL_OK);
	sl_xrun_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inject_bound_rst),
	    cmocka_unit_test(test_inject_syn_sent),
	    cmocka_unit_test(test_inject_established),
	    cmocka_unit_test(test_wscale_defect_fact),
	    cmocka_unit_test(test_peer_split),
	    cmocka_unit_test(test_run_verdict),
	    cmocka_unit_test(test_catalogue),
	    cmocka_unit_test(test_catalogue_names),
	    cmocka_unit_test(test_nat_ruleset),
	    cmocka_unit_test(test_hp_sweep_grid),
	    cmocka_unit_test(test_peer_opts),
	    cmocka_unit_test(test_catalogue_lookup),
	    cmocka_unit_test(test_catalogue_unalias),
	    cmocka_unit_test(test_xopts),
	    cmocka_unit_test(test_prepare),
	    cmocka_unit_test(test_prepare_own),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
