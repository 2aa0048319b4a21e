/* \summary: unit test of merging two vantages: clock offset, one-way delay, SYNs in flight */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

static void
feed_view(struct sl_analyzer *az, int file, int at_a, int64_t delay_us,
	  int64_t clock_us)
{
	/* events at this vantage: own departures, peer's arrivals */
	struct {
		int64_t t;
		const struct seg *s;
	} ev[8], tmp;
	size_t n = sizeof(fig7) / sizeof(fig7[0]), i, j;
	uint8_t buf[128];

	for (i = 0; i < n; i++) {
		ev[i].s = &fig7[i];
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
	sl_analyzer_set_file(az, file, at_a ? "a.pcap" : "b.pcap");
	for (i = 0; i < n; i++) {
		const struct seg *s = ev[i].s;
		struct tb_seg g = {s->from_a ? A : B,
				   s->from_a ? B : A,
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

static void
test_two_views(void **state)
{
	struct sl_merge *m = sl_merge_new();
	struct sl_analyzer_cfg cfg = {sl_merge_handshake, NULL, m, 0};
	struct sl_analyzer *az = sl_analyzer_new(&cfg);
	char *v, *mg, *p;

	(void)state;
	feed_view(az, 0, 1, 10000, 0);
	feed_view(az, 1, 0, 10000, 3000); /* B's clock is 3 ms ahead */
	sl_analyzer_finish(az);
	sl_merge_finish(m);
	assert_int_equal(sl_merge_count(m), 1);
	v = sl_merge_json_vantages(m);
	mg = sl_merge_json_merged(m);
	p = strstr(v, "\"clock_offset_us\":3000,");
	assert_non_null(p);
	assert_non_null(strstr(v, "\"uncertainty_us\":10000"));
	/* A's SYN in flight 0..10 ms, B's 4..14 ms: together 4..10 ms */
	assert_non_null(strstr(mg, "\"syns_in_flight_us\":6000"));
	assert_non_null(strstr(mg, "\"one_way_us\":10000"));
	free(v);
	free(mg);
	sl_analyzer_free(az);
	sl_merge_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_views),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
