/* \summary: unit tests of what the merge says about NATs: mappings, punched SYNs, a NAT's RST, port prediction */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze.h"
#include "merge.h"
#include "pktbuild.h"

/*
 * Host A (192.168.1.2:1000) behind NAT A (203.0.113.1), host B
 * (192.168.2.2:2000) behind NAT B (203.0.113.2); captures at A's inside
 * (file 0), the public wire (file 1) and B's inside (file 2).
 */
#define AIN  "192.168.1.2"
#define APUB "203.0.113.1"
#define BIN  "192.168.2.2"
#define BPUB "203.0.113.2"

#define S  SL_TH_SYN
#define SA (SL_TH_SYN | SL_TH_ACK)
#define AK SL_TH_ACK
#define RA (SL_TH_RST | SL_TH_ACK)

struct ev {
	int file;
	int64_t t_us;
	const char *src;
	uint16_t sport;
	const char *dst;
	uint16_t dport;
	uint8_t flags;
	uint32_t seq, ack;
};

/* What a test keeps of each connection passed on. */
struct got {
	unsigned n;
	unsigned nviews[4], nnat[4], nkept[4];
	char rules[4][160]; /* "nat-rst@B nat-mismatch@A" */
};

static void
on_conn(const struct sl_conn *c, void *arg)
{
	struct got *g = arg;
	unsigned i, k = g->n++;

	if (k >= 4)
		return;
	g->nviews[k] = c->nviews;
	g->nnat[k] = c->nnat;
	for (i = 0; i < c->nnat; i++)
		if (c->nat[i].in.port == c->nat[i].pub.port)
			g->nkept[k]++;
	for (i = 0; i < c->hs->nfind; i++) {
		/* the host the message starts with: "A's ..." or "B's ..." */
		size_t l = strlen(g->rules[k]);
		snprintf(g->rules[k] + l, sizeof(g->rules[k]) - l, "%s%s@%c",
			 l ? " " : "", c->hs->find[i].rule,
			 c->hs->find[i].message[0]);
	}
}

/* Feeds ev; ev[late] and after happen late_us later. */
static void
run_late(struct got *g, const struct ev *ev, size_t n, size_t late,
	 int64_t late_us)
{
	struct sl_merge *m = sl_merge_new(true, on_conn, g);
	struct sl_analyzer_cfg cfg = {.on_handshake = sl_merge_handshake,
				      .arg = m};
	struct sl_analyzer *az = sl_analyzer_new(&cfg);
	uint64_t frame[3] = {0, 0, 0};
	uint8_t buf[128];
	int f;

	memset(g, 0, sizeof(*g));
	sl_analyzer_set_file(az, 0, "a-inside.pcap");
	sl_analyzer_set_file(az, 1, "public.pcap");
	sl_analyzer_set_file(az, 2, "b-inside.pcap");
	for (f = 0; f < 3; f++)
		for (size_t i = 0; i < n; i++) {
			const struct ev *e = &ev[i];
			struct tb_seg s = {e->src, e->dst, e->sport, e->dport,
					   e->seq, e->ack, e->flags, 64240,
					   0,	   -1,	   -1,	     0,
					   0,	   0,	   0};
			size_t len;
			if (e->file != f)
				continue;
			len = tb_build4(&s, buf);
			(void)sl_analyzer_feed(
			    az, f, ++frame[f],
			    1700000000000000000LL +
				(e->t_us + (i >= late ? late_us : 0)) * 1000,
			    12, buf, len, len);
		}
	sl_analyzer_finish(az);
	sl_merge_finish(m);
	sl_analyzer_free(az);
	sl_merge_free(m);
}

static void
run(struct got *g, const struct ev *ev, size_t n)
{
	run_late(g, ev, n, n, 0);
}

/*
 * Both NATs keep the port; NAT B drops A's early SYN; B's SYN passes NAT
 * A through the mapping A's SYN opened and meets A in SYN-SENT.
 */
static const struct ev punched[] = {
    {0, 0, AIN, 1000, BPUB, 2000, S, 100, 0},
    {1, 1, APUB, 1000, BPUB, 2000, S, 100, 0},
    {2, 180000, BIN, 2000, APUB, 1000, S, 300, 0},
    {1, 199000, BPUB, 2000, APUB, 1000, S, 300, 0},
    {0, 200000, BPUB, 2000, AIN, 1000, S, 300, 0},
    {0, 200001, AIN, 1000, BPUB, 2000, SA, 100, 301},
    {1, 200002, APUB, 1000, BPUB, 2000, SA, 100, 301},
    {2, 220000, APUB, 1000, BIN, 2000, SA, 100, 301},
    {2, 220001, BIN, 2000, APUB, 1000, AK, 301, 101},
    {1, 239000, BPUB, 2000, APUB, 1000, AK, 301, 101},
    {0, 240000, BPUB, 2000, AIN, 1000, AK, 301, 101},
};

static void
test_punched(void **state)
{
	struct got g;

	(void)state;
	run(&g, punched, sizeof(punched) / sizeof(punched[0]));
	assert_int_equal(g.n, 1);
	assert_int_equal(g.nviews[0], 3);
	/* A 192.168.1.2:1000 -> 203.0.113.1:1000, B likewise: ports kept */
	assert_int_equal(g.nnat[0], 2);
	assert_int_equal(g.nkept[0], 2);
	assert_string_equal(g.rules[0], "nat-punched@A");
}

/*
 * NAT A maps A's port 1000 to 5555; B aims at the predicted 1000.  Each
 * NAT resets the SYN it has no mapping for: two connections.
 */
static const struct ev random_port[] = {
    {0, 0, AIN, 1000, BPUB, 2000, S, 100, 0},
    {1, 1, APUB, 5555, BPUB, 2000, S, 100, 0},
    {1, 41000, BPUB, 2000, APUB, 5555, RA, 0, 101},
    {0, 41001, BPUB, 2000, AIN, 1000, RA, 0, 101},
    {2, 0, BIN, 2000, APUB, 1000, S, 300, 0},
    {1, 20000, BPUB, 2000, APUB, 1000, S, 300, 0},
    {1, 20001, APUB, 1000, BPUB, 2000, RA, 0, 301},
    {2, 40000, APUB, 1000, BIN, 2000, RA, 0, 301},
};

static void
test_random_port(void **state)
{
	struct got g;

	(void)state;
	run(&g, random_port, sizeof(random_port) / sizeof(random_port[0]));
	assert_int_equal(g.n, 2);
	/* A's SYN: its port changed, B's NAT reset it */
	assert_int_equal(g.nviews[0], 2);
	assert_int_equal(g.nnat[0], 1);
	assert_int_equal(g.nkept[0], 0);
	assert_string_equal(g.rules[0], "nat-port-changed@A nat-rst@B");
	/* B's SYN (its A): A's NAT reset it; it aimed at A's inside port */
	assert_int_equal(g.nnat[1], 1);
	assert_int_equal(g.nkept[1], 1);
	assert_string_equal(g.rules[1], "nat-rst@B nat-mismatch@A");
}

/*
 * The same two attempts 100 s apart: B's inside capture has nothing of
 * A's attempt, but it was not capturing then, so nothing says the RST was
 * not B's; likewise for B's attempt at A's inside.
 */
static void
test_random_apart(void **state)
{
	struct got g;

	(void)state;
	/* random_port[4] on: B's attempt */
	run_late(&g, random_port, sizeof(random_port) / sizeof(random_port[0]),
		 4, 100000000);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.rules[0], "nat-port-changed@A");
	assert_string_equal(g.rules[1], "nat-mismatch@A");
}

/* Without a NAT nothing is said: the same addresses in every view. */
static const struct ev no_nat[] = {
    {0, 0, AIN, 1000, BIN, 2000, S, 100, 0},
    {2, 10000, AIN, 1000, BIN, 2000, S, 100, 0},
    {2, 10001, BIN, 2000, AIN, 1000, RA, 0, 101},
    {0, 20001, BIN, 2000, AIN, 1000, RA, 0, 101},
};

static void
test_no_nat(void **state)
{
	struct got g;

	(void)state;
	run(&g, no_nat, sizeof(no_nat) / sizeof(no_nat[0]));
	assert_int_equal(g.n, 1);
	assert_int_equal(g.nviews[0], 2);
	assert_int_equal(g.nnat[0], 0);
	assert_string_equal(g.rules[0], "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_punched),
	    cmocka_unit_test(test_random_port),
	    cmocka_unit_test(test_random_apart),
	    cmocka_unit_test(test_no_nat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
