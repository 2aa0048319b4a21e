/* \summary: unit tests of the one time grammar, the address builder and formatter */
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "netaddr.h"
#include "timearg.h"

static int64_t
dur(const char *s)
{
	int64_t ns = 12345;

	assert_int_equal(sl_parse_duration(s, &ns, NULL), SL_OK);
	return ns;
}

static void
test_durations(void **state)
{
	(void)state;
	assert_int_equal(dur("10ms"), 10000000);
	assert_int_equal(dur("-2.5ms"), -2500000);
	assert_int_equal(dur("+500us"), 500000);
	assert_int_equal(dur("2s"), 2000000000);
	assert_int_equal(dur("1.5s"), 1500000000);
	assert_int_equal(dur("7ns"), 7);
	assert_int_equal(dur("0"), 0);
	assert_int_equal(dur("0.0001ms"), 100);
}

static void
test_durations_refused(void **state)
{
	static const char *const bad[] = {
	    "10", "+10", "ms", "", "10m", "1.ms", "10 ms", "-", "2d", "90000s"};
	char errbuf[SL_ERRBUF_SIZE];
	int64_t ns;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errbuf[0] = '\0';
		assert_int_equal(sl_parse_duration(bad[i], &ns, errbuf),
				 SL_EINVAL);
		assert_non_null(strstr(errbuf, "unit"));
	}
}

static void
test_instants(void **state)
{
	const int64_t now = INT64_C(1764254400000000000);
	char errbuf[SL_ERRBUF_SIZE], buf[64];
	int64_t at;

	(void)state;
	assert_int_equal(sl_parse_instant("+10s", now, &at, errbuf), SL_OK);
	assert_int_equal(at, now + INT64_C(10000000000));
	assert_int_equal(sl_parse_instant("+10ms", now, &at, errbuf), SL_OK);
	assert_int_equal(at, now + 10000000);
	assert_int_equal(sl_parse_instant("@1764254400.25", now, &at, errbuf),
			 SL_OK);
	assert_int_equal(at, INT64_C(1764254400250000000));
	assert_int_equal(
	    sl_parse_instant("2025-11-27T14:40:00.250Z", now, &at, errbuf),
	    SL_OK);
	assert_int_equal(at, INT64_C(1764254400250000000));
	assert_int_equal(
	    sl_parse_instant("2025-11-27T15:40:00.25+01:00", now, &at, errbuf),
	    SL_OK);
	assert_int_equal(at, INT64_C(1764254400250000000));
	sl_fmt_instant(at, buf, sizeof buf);
	assert_string_equal(buf, "2025-11-27T14:40:00.250000000Z");
	/* one grammar: a bare +10 is refused, not guessed */
	assert_int_equal(sl_parse_instant("+10", now, &at, errbuf), SL_EINVAL);
	assert_int_equal(sl_parse_instant("-10s", now, &at, errbuf), SL_EINVAL);
	assert_int_equal(
	    sl_parse_instant("2030-01-01T00:00:00", now, &at, errbuf),
	    SL_EINVAL);
	assert_non_null(strstr(errbuf, "zone"));
}

static void
test_sockaddr(void **state)
{
	const uint8_t a4[4] = {10, 0, 0, 1};
	uint8_t a6[16] = {0xfd};
	struct sockaddr_storage ss;
	char buf[64];

	(void)state;
	a6[15] = 2;
	assert_int_equal(sl_sockaddr_make(4, a4, 1314, &ss), 16);
	assert_string_equal(
	    sl_sockaddr_str((struct sockaddr *)&ss, buf, sizeof buf),
	    "10.0.0.1:1314");
	assert_int_equal(sl_sockaddr_make(6, a6, 80, &ss), 28);
	assert_string_equal(
	    sl_sockaddr_str((struct sockaddr *)&ss, buf, sizeof buf),
	    "[fd00::2]:80");
}

/* An option's duration and count name the option; the nearest word. */
static void
test_option_values(void **state)
{
	static const char *const words[] = {"analyze", "run", NULL, "sweep"};
	char errbuf[SL_ERRBUF_SIZE];
	unsigned long n;
	int64_t ns;

	(void)state;
	assert_int_equal(
	    sl_parse_duration_opt("--delay", "10ms", false, &ns, errbuf),
	    SL_OK);
	assert_int_equal(ns, 10000000);
	assert_int_equal(
	    sl_parse_duration_opt("--delay", "-1ms", false, &ns, errbuf),
	    SL_EINVAL);
	assert_string_equal(errbuf,
			    "--delay wants a duration >= 0, not '-1ms'");
	assert_int_equal(
	    sl_parse_duration_opt("--offset", "-1ms", true, &ns, errbuf),
	    SL_OK);
	assert_int_equal(
	    sl_parse_duration_opt("--offset", "10", true, &ns, errbuf),
	    SL_EINVAL);
	assert_non_null(strstr(errbuf, "--offset '10': want a duration"));
	assert_int_equal(sl_parse_count("--count", "3", 1, 5, &n, errbuf),
			 SL_OK);
	assert_int_equal(n, 3);
	assert_int_equal(sl_parse_count("--count", "6", 1, 5, &n, errbuf),
			 SL_EINVAL);
	assert_string_equal(errbuf,
			    "--count wants a whole number 1..5, not '6'");
	assert_int_equal(sl_parse_count("--count", "-1", 0, 5, &n, errbuf),
			 SL_EINVAL);
	assert_string_equal(sl_closest("analyse", words, 4), "analyze");
	assert_string_equal(sl_closest("swep", words, 4), "sweep");
	assert_null(sl_closest("frobnicate", words, 4));
}

/* The usage errors' words: "did you mean" and what getopt stopped at. */
static void
test_usage_words(void **state)
{
	static const char *const shapes[] = {"three-way", "self-connect"};
	static const struct option lo[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"ladder", required_argument, NULL, 'l'},
	    {NULL, 0, NULL, 0},
	};
	char errbuf[SL_ERRBUF_SIZE];

	(void)state;
	sl_unknown_word("shape", "thre-way", shapes, 2, errbuf);
	assert_string_equal(
	    errbuf, "unknown shape 'thre-way'; did you mean 'three-way'?");
	sl_unknown_word("shape", "zzz", shapes, 2, errbuf);
	assert_string_equal(errbuf, "unknown shape 'zzz'");
	sl_option_error("--jsn", 0, lo, errbuf);
	assert_string_equal(errbuf,
			    "unknown option '--jsn'; did you mean '--json'?");
	sl_option_error("--json=1", 0, lo, errbuf);
	assert_string_equal(errbuf, "--json takes no value");
	sl_option_error("--ladder", 0, lo, errbuf);
	assert_string_equal(errbuf, "--ladder needs a value");
	sl_option_error("--frobnicate", 0, lo, errbuf);
	assert_string_equal(errbuf, "unknown option '--frobnicate'");
	sl_option_error("-Z", 'Z', lo, errbuf);
	assert_string_equal(errbuf, "option '-Z' is unknown or needs a value");
	sl_option_error("x", 0, lo, errbuf);
	assert_string_equal(errbuf, "bad option 'x'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_durations_refused),
	    cmocka_unit_test(test_instants),
	    cmocka_unit_test(test_sockaddr),
	    cmocka_unit_test(test_option_values),
	    cmocka_unit_test(test_usage_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
