/* \summary: unit tests of the segment `synlab inject` is told (inject/segspec.c): its options by name, their bounds, the segment they make, no root */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "inject.h"

/* sp with the options taken, each must be. */
static void
take_all(struct sl_seg_spec *sp, const char *const *kv)
{
	char errbuf[SL_ERRBUF_SIZE];

	sl_seg_spec_init(sp);
	for (; kv[0] != NULL; kv += 2)
		assert_int_equal(sl_seg_spec_take(sp, kv[0], kv[1], errbuf), 1);
}

static void
test_take(void **state)
{
	static const char *const kv[] = {
	    "src",    "10.0.0.3:1314",
	    "dst",    "10.0.0.4:80",
	    "flags",  "SA",
	    "seq",    "0x10",
	    "ack",    "7",
	    "win",    "0",
	    "ttl",    "1",
	    "wscale", "14",
	    NULL,
	};
	struct sl_seg_spec sp;
	struct sl_seg seg;
	char errbuf[SL_ERRBUF_SIZE], note[128];

	(void)state;
	take_all(&sp, kv);
	assert_true(sp.have_seq && sp.have_ack && sp.have_win);
	assert_int_equal(sp.seq, 16);
	assert_int_equal(sp.mss, 1460); /* the default */
	assert_int_equal(sl_seg_from_spec(&sp, &seg, note, sizeof note, errbuf),
			 SL_OK);
	assert_string_equal(note, "");
	assert_int_equal(seg.family, 4);
	assert_int_equal(seg.sport, 1314);
	assert_int_equal(seg.win, 0); /* told, so kept */
	assert_int_equal(seg.wscale, 14);
	/* not a segment option: the command's own */
	assert_int_equal(sl_seg_spec_take(&sp, "interface", "eth0", errbuf), 0);
}

/* Each bad value names its option and its bounds. */
static void
test_bad(void **state)
{
	static const struct {
		const char *name, *arg, *want;
	} bad[] = {
	    {"win", "65536", "--win wants a number 0..65535, not '65536'"},
	    {"wscale", "15", "--wscale wants a number 0..14, not '15'"},
	    {"ttl", "0", "--ttl wants a number 1..255, not '0'"},
	    {"seq", "-1", "--seq wants a number 0..4294967295, not '-1'"},
	    {"mss", "", "--mss wants a number 0..65535, not ''"},
	};
	struct sl_seg_spec sp;
	char errbuf[SL_ERRBUF_SIZE];

	(void)state;
	sl_seg_spec_init(&sp);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(
		    sl_seg_spec_take(&sp, bad[i].name, bad[i].arg, errbuf),
		    SL_EINVAL);
		assert_string_equal(errbuf, bad[i].want);
	}
	assert_false(sp.have_seq || sp.have_win);
	assert_int_equal(sl_seg_spec_take(&sp, "at", "soon", errbuf),
			 SL_EINVAL);
	assert_non_null(strstr(errbuf, "--at "));
	assert_int_equal(sl_seg_spec_take(&sp, "at", "+10ms", errbuf), 1);
	assert_true(sp.at > sl_now_real_ns());
}

/* A reset's window is 0 unless told; --ack without A is a note. */
static void
test_rst_note(void **state)
{
	static const char *const kv[] = {
	    "src", "[fd00::3]:1", "dst", "[fd00::4]:2", "flags", "R",
	    "seq", "5",		  "ack", "9",		NULL,
	};
	struct sl_seg_spec sp;
	struct sl_seg seg;
	char errbuf[SL_ERRBUF_SIZE], note[128];

	(void)state;
	take_all(&sp, kv);
	assert_int_equal(sl_seg_from_spec(&sp, &seg, note, sizeof note, errbuf),
			 SL_OK);
	assert_int_equal(seg.family, 6);
	assert_int_equal(seg.win, 0);
	assert_non_null(strstr(note, "--ack given without the A flag"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_take),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_rst_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
