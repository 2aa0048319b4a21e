/* \summary: unit tests of connections from several views: matching, NAT, clock offsets, one timeline */
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

#define A "10.0.0.1"
#define B "10.0.0.2"

struct seg {
	int64_t t_us; /* departure on the sender's clock */
	int from_a;
	uint8_t flags;
	uint32_t seq, ack;
};

/*
 * RFC 9293 Figure 7 with a one-way delay of 10 ms: A's SYN leaves at 0,
 * B's at 4 ms; each answers the other's SYN at once.
 */
static const struct seg fig7[] = {
    {0, 1, SL_TH_SYN, 100, 0},
    {4000, 0, SL_TH_SYN, 300, 0},
    {10000, 0, SL_TH_SYN | SL_TH_ACK, 300, 101},
    {14000, 1, SL_TH_SYN | SL_TH_ACK, 100, 301},
    {20000, 1, SL_TH_ACK, 101, 301},
    {24000, 0, SL_TH_ACK, 301, 101},
};

/*
 * Feeds what a capture at A (at_a) or at B sees into file `file`, its
 * clock clock_us ahead; a_addr: A's address as this vantage sees it (a
 * NAT rewrites it); skip: index in fig7 of a segment this vantage did not
 * see (-1: none).
 */
static void
feed_view(struct sl_analyzer *az, int file, int at_a, int64_t delay_us,
	  int64_t clock_us, const char *a_addr, int skip)
{
	/* events at this vantage: own departures, peer's arrivals */
	struct {
		int64_t t;
		const struct seg *s;
	} ev[8], tmp;
	size_t n = sizeof(fig7) / sizeof(fig7[0]), i, j;
	uint8_t buf[128];

	for (i = 0; i < n; i++) {
		ev[i].s = (int)i == skip ? NULL : &fig7[i];
		ev[i].t = fig7[i].t_us +
			  (fig7[i].from_a == at_a ? 0 : delay_us) + clock_us;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (ev[j].t < ev[i].t) {
				tmp = ev[i];
				ev[i] = ev[j];
				ev[j] = tmp;
			}
	for (i = 0; i < n; i++) {
		const struct seg *s = ev[i].s;
		if (s == NULL)
			continue;
		struct tb_seg g = {s->from_a ? a_addr : B,
				   s->from_a ? B : a_addr,
				   1314,
				   1314,
				   s->seq,
				   s->ack,
				   s->flags,
				   64240,
				   0,
				   -1,
				   -1,
				   0,
				   0,
				   0,
				   0};
		size_t len = tb_build4(&g, buf);
		(void)sl_analyzer_feed(az, file, i + 1,
				       1700000000000000000LL + ev[i].t * 1000,
				       12, buf, len, len);
	}
}

/* What a test keeps of the connections passed on. */
struct got {
	unsigned n;
	unsigned nviews, nframes, nboth, ntimed, nonly;
	enum sl_shape shape;
	char a[SL_EP_STRLEN];
	bool swap[SL_CONN_MAXVIEWS];
	enum sl_vantage vantage[SL_CONN_MAXVIEWS];
	int64_t offset[SL_CONN_MAXVIEWS], unc[SL_CONN_MAXVIEWS];
	int64_t one_way_min, one_way_max;
};

static void
on_conn(const struct sl_conn *c, void *arg)
{
	struct got *g = arg;
	unsigned i, v, seen;

	g->n++;
	g->nviews = c->nviews;
	g->nframes = c->hs->nframes;
	g->shape = c->hs->shape;
	sl_endpoint_str(&c->hs->ep[0], g->a, sizeof(g->a));
	g->one_way_min = INT64_MAX;
	g->one_way_max = INT64_MIN;
	for (v = 0; v < c->nviews; v++) {
		g->swap[v] = c->views[v].swap;
		g->vantage[v] = c->views[v].vantage;
		g->offset[v] = c->views[v].offset_ns;
		g->unc[v] = c->views[v].unc_ns;
	}
	for (i = 0; i < c->hs->nframes; i++) {
		int64_t d = c->seg[i].arr_ns - c->seg[i].dep_ns;
		for (v = 0, seen = 0; v < c->nviews; v++)
			seen += c->seg[i].frame[v] != 0;
		g->nboth += seen == c->nviews;
		g->nonly += seen == 1;
		if (!c->seg[i].timed)
			continue;
		g->ntimed++;
		g->one_way_min = d < g->one_way_min ? d : g->one_way_min;
		g->one_way_max = d > g->one_way_max ? d : g->one_way_max;
	}
}

/* Runs the analyzer and a merge of several vantages over feed(). */
static void
run_a(struct got *g, void (*feed)(struct sl_analyzer *az), bool several,
      const char *host_a)
{
	struct sl_merge *m = sl_merge_new(several, on_conn, g);
	struct sl_analyzer_cfg cfg = {sl_merge_handshake, NULL, m, 0};
	struct sl_analyzer *az = sl_analyzer_new(&cfg);

	memset(g, 0, sizeof(*g));
	/* Names once: the analyzer frees a file's old name when renamed. */
	sl_analyzer_set_file(az, 0, "f0.pcap");
	sl_analyzer_set_file(az, 1, "f1.pcap");
	sl_analyzer_set_file(az, 2, "f2.pcap");
	if (host_a != NULL) {
		struct sl_addr a = {4, {0}};
		unsigned x[4];
		assert_int_equal(
		    sscanf(host_a, "%u.%u.%u.%u", &x[0], &x[1], &x[2], &x[3]),
		    4);
		for (int i = 0; i < 4; i++)
			a.b[i] = (uint8_t)x[i];
		sl_merge_set_host_a(m, &a);
	}
	feed(az);
	sl_analyzer_finish(az);
	sl_merge_finish(m);
	sl_analyzer_free(az);
	sl_merge_free(m);
}

static void
run(struct got *g, void (*feed)(struct sl_analyzer *az))
{
	run_a(g, feed, true, NULL);
}

static void
feed_two(struct sl_analyzer *az)
{
	feed_view(az, 0, 1, 10000, 0, A, -1);
	feed_view(az, 1, 0, 10000, 3000, A, -1); /* B's clock 3 ms ahead */
}

/* One connection, two views; A is the host whose SYN left first. */
static void
test_two_views(void **state)
{
	struct got g;

	(void)state;
	run(&g, feed_two);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.nviews, 2);
	assert_int_equal(g.shape, SL_SHAPE_SIMOPEN);
	assert_string_equal(g.a, A ":1314");
	/* the capture at B saw B's SYN first: its own A is the peer's B */
	assert_false(g.swap[0]);
	assert_true(g.swap[1]);
	assert_int_equal(g.offset[1], 3000000);
	assert_int_equal(g.unc[1], 10000000);
	assert_int_equal(g.nframes, 6);
	assert_int_equal(g.nboth, 6);
	assert_int_equal(g.ntimed, 6);
	assert_int_equal(g.one_way_min, 10000000);
	assert_int_equal(g.one_way_max, 10000000);
	/* measured: view 1 beside A, view 2 beside B */
	assert_int_equal(g.vantage[0], SL_VANT_A);
	assert_int_equal(g.vantage[1], SL_VANT_B);
}

/* A named host is A in every view, whichever SYN left first. */
static void
test_host_a(void **state)
{
	struct got g;

	(void)state;
	run_a(&g, feed_two, true, B);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.a, B ":1314");
	assert_true(g.swap[0]);
	assert_false(g.swap[1]);
	assert_int_equal(g.vantage[0], SL_VANT_B);
	/* one view, streamed: swapped likewise */
	run_a(&g, feed_two, false, B);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.a, B ":1314");
}

static void
feed_nat(struct sl_analyzer *az)
{
	feed_view(az, 0, 1, 10000, 0, A, -1);
	/* B sees A behind a NAT: another address, the same ISNs */
	feed_view(az, 1, 0, 10000, 3000, "192.0.2.7", -1);
}

/* Across a NAT: matched on ISNs and SYN options, not on addresses. */
static void
test_nat(void **state)
{
	struct got g;

	(void)state;
	run(&g, feed_nat);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.nviews, 2);
	assert_int_equal(g.nboth, 6);
	assert_int_equal(g.offset[1], 3000000);
}

static void
feed_lost(struct sl_analyzer *az)
{
	feed_view(az, 0, 1, 10000, 0, A, -1);
	/* A's last ACK (fig7[4]) never reached B's vantage */
	feed_view(az, 1, 0, 10000, 3000, A, 4);
}

/* A segment one vantage missed is an attribute, not another handshake. */
static void
test_lost_on_path(void **state)
{
	struct got g;

	(void)state;
	run(&g, feed_lost);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.shape, SL_SHAPE_SIMOPEN);
	assert_int_equal(g.nframes, 6);
	assert_int_equal(g.nboth, 5);
	assert_int_equal(g.nonly, 1);
}

static void
feed_three(struct sl_analyzer *az)
{
	feed_view(az, 0, 1, 10000, 0, A, -1);
	feed_view(az, 1, 0, 10000, 3000, A, -1);
	/* a second capture beside A, its clock 1 ms behind */
	feed_view(az, 2, 1, 10000, -1000, A, -1);
}

/* Any number of views: three captures of one connection. */
static void
test_three_views(void **state)
{
	struct got g;

	(void)state;
	run(&g, feed_three);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.nviews, 3);
	assert_int_equal(g.nframes, 6);
	assert_int_equal(g.nboth, 6);
	assert_int_equal(g.offset[1], 3000000);
	assert_int_equal(g.offset[2], -1000000);
}

static void
feed_apart(struct sl_analyzer *az)
{
	feed_view(az, 0, 1, 10000, 0, A, -1);
	feed_view(az, 0, 1, 10000, 500000, "10.0.0.9", -1);
}

/* Two handshakes of one vantage with equal ISNs stay two connections. */
static void
test_one_vantage_apart(void **state)
{
	struct got g;

	(void)state;
	run(&g, feed_apart);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.nviews, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_views),
	    cmocka_unit_test(test_nat),
	    cmocka_unit_test(test_host_a),
	    cmocka_unit_test(test_lost_on_path),
	    cmocka_unit_test(test_three_views),
	    cmocka_unit_test(test_one_vantage_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
