/* \summary: unit tests of the sweep's logic: the offset range, point outcomes, the window and its edges */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lab.h"
#include "sweep.h"

#define MS INT64_C(1000000)

static void
test_parse_range(void **state)
{
	char errbuf[SL_ERRBUF_SIZE];
	int64_t from, to, step;

	(void)state;
	assert_int_equal(
	    sl_sweep_parse_range("-14ms:14ms:1ms", &from, &to, &step, errbuf),
	    SL_OK);
	assert_int_equal(from, -14 * MS);
	assert_int_equal(to, 14 * MS);
	assert_int_equal(step, MS);
	assert_int_equal(sl_sweep_parse_range("5ms", &from, &to, &step, errbuf),
			 SL_OK);
	assert_int_equal(from, 5 * MS);
	assert_int_equal(to, 5 * MS);
	/* bare numbers, backwards, no step, zero step, too many points */
	assert_int_equal(
	    sl_sweep_parse_range("1:2:3", &from, &to, &step, errbuf),
	    SL_EINVAL);
	assert_int_equal(
	    sl_sweep_parse_range("2ms:1ms:1ms", &from, &to, &step, errbuf),
	    SL_EINVAL);
	assert_int_equal(
	    sl_sweep_parse_range("1ms:2ms", &from, &to, &step, errbuf),
	    SL_EINVAL);
	assert_int_equal(
	    sl_sweep_parse_range("1ms:2ms:0", &from, &to, &step, errbuf),
	    SL_EINVAL);
	assert_int_equal(
	    sl_sweep_parse_range("0:10s:1us", &from, &to, &step, errbuf),
	    SL_EINVAL);
	assert_non_null(strstr(errbuf, "FROM:TO:STEP"));
}

/* Points at -3..+3 ms; conn[i]: runs that connected out of 2. */
static void
points(struct sl_sweep_point *p, const unsigned *conn, size_t n)
{
	memset(p, 0, n * sizeof *p);
	for (size_t i = 0; i < n; i++) {
		p[i].offset_ns = ((int64_t)i - (int64_t)n / 2) * MS;
		p[i].runs = 2;
		p[i].oc[SL_OC_CONNECTED] = conn[i];
		p[i].oc[SL_OC_REFUSED] = 2 - conn[i];
	}
}

static void
test_point_outcome(void **state)
{
	struct sl_sweep_point p[3];
	const unsigned conn[3] = {0, 1, 2};

	(void)state;
	points(p, conn, 3);
	assert_int_equal(sl_sweep_point_oc(&p[0]), SL_OC_REFUSED);
	assert_int_equal(sl_sweep_point_oc(&p[1]), SL_OC_OTHER); /* mixed */
	assert_int_equal(sl_sweep_point_oc(&p[2]), SL_OC_CONNECTED);
}

static void
test_window(void **state)
{
	struct sl_sweep_point p[7];
	/* an isolated late connect at +3 ms must not widen the window */
	const unsigned conn[7] = {0, 0, 2, 2, 2, 0, 2};
	const unsigned none[7] = {0};
	const unsigned edge[7] = {2, 2, 0, 0, 0, 0, 0};
	size_t lo = 99, hi = 99;

	(void)state;
	points(p, conn, 7);
	assert_true(sl_sweep_window_find(p, 7, &lo, &hi));
	assert_int_equal(lo, 2);
	assert_int_equal(hi, 4);
	points(p, none, 7);
	assert_false(sl_sweep_window_find(p, 7, &lo, &hi));
	/* the window need not hold 0: the connected point nearest it */
	points(p, edge, 7);
	assert_true(sl_sweep_window_find(p, 7, &lo, &hi));
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 1);
}

/*
 * A measured crossing against its plan: B's connect() 5 ms after A's over
 * a 10 ms wire plans A's SYN at B 5 ms after B's connect() and B's at A 15
 * ms after A's; the slip is the larger miss, and a SYN that never crossed
 * leaves its margin unknown.
 */
static void
test_crossing_slip(void **state)
{
	const int64_t t0 = 1000 * MS;
	int64_t tc[2] = {t0, t0 + 5 * MS}, arrive[2];
	struct sl_crossing x;

	(void)state;
	/* A's SYN reached B 0.1 ms late, B's reached A 0.3 ms late */
	arrive[0] = t0 + 10 * MS + MS / 10;
	arrive[1] = t0 + 5 * MS + 10 * MS + 3 * MS / 10;
	sl_crossing_measure(tc, arrive, 10 * MS, 5 * MS, &x);
	assert_int_equal(x.slip, 3 * MS / 10);
	assert_true(x.plan[0] == 15 * MS && x.plan[1] == 5 * MS);
	assert_int_equal(x.margin[0], 15 * MS + 3 * MS / 10); /* at A */
	assert_int_equal(x.margin[1], 5 * MS + MS / 10);      /* at B */
	/* B's connect() 3 ms late: both margins miss by 3 ms */
	tc[1] += 3 * MS;
	arrive[1] += 3 * MS;
	sl_crossing_measure(tc, arrive, 10 * MS, 5 * MS, &x);
	assert_int_equal(x.slip, 3 * MS + 3 * MS / 10);
	assert_true(x.margin[1] < 5 * MS);
	/* late (offset 13 ms): A's SYN reaches B before B's connect() */
	tc[1] = t0 + 13 * MS;
	arrive[0] = t0 + 10 * MS;
	arrive[1] = tc[1] + 10 * MS;
	sl_crossing_measure(tc, arrive, 10 * MS, 13 * MS, &x);
	assert_int_equal(x.slip, 0);
	assert_true(x.margin[1] == -3 * MS && x.margin[0] == 23 * MS);
	assert_true(x.plan[0] == 23 * MS && x.plan[1] == -3 * MS);
	/* B's SYN never reached A: only B's margin counts */
	arrive[1] = 0;
	sl_crossing_measure(tc, arrive, 10 * MS, 13 * MS, &x);
	assert_int_equal(x.slip, 0);
	assert_true(x.margin[0] == INT64_MIN && x.margin[1] == -3 * MS);
	/* nothing crossed */
	arrive[0] = 0;
	sl_crossing_measure(tc, arrive, 10 * MS, 13 * MS, &x);
	assert_int_equal(x.slip, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_range),
	    cmocka_unit_test(test_point_outcome),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_crossing_slip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
