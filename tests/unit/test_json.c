/* \summary: unit tests of common/json (escaper, comma-managing writer) and the event timeline's JSON */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "events.h"
#include "json.h"

/* Runs fn(f, arg) on a memory stream and returns what it wrote. */
static char *
capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, arg);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
put_str(FILE *f, const void *arg)
{
	sl_json_str(f, arg);
}

static void
test_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"", "\"\""},
	    {"plain", "\"plain\""},
	    {"say \"hi\"", "\"say \\\"hi\\\"\""},
	    {"a\\b", "\"a\\\\b\""},
	    {"l1\nl2\r\tx", "\"l1\\nl2\\r\\tx\""},
	    {"\x01\x1f", "\"\\u0001\\u001f\""},
	    {"caf\xc3\xa9 \xc2\xb5s", "\"caf\xc3\xa9 \xc2\xb5s\""}, /* UTF-8 */
	    {"\x7f", "\"\x7f\""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = capture(put_str, cases[i].in);

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void
put_doc(FILE *f, const void *arg)
{
	struct sl_json j;

	(void)arg;
	sl_json_init(&j, f);
	sl_json_begin_obj(&j);
	sl_json_key(&j, "files");
	sl_json_begin_arr(&j);
	sl_json_string(&j, "a.pcap");
	sl_json_string(&j, "b \"2\".pcap");
	sl_json_end(&j);
	sl_json_key(&j, "empty_arr");
	sl_json_begin_arr(&j);
	sl_json_end(&j);
	sl_json_key(&j, "empty_obj");
	sl_json_begin_obj(&j);
	sl_json_end(&j);
	sl_json_key(&j, "n");
	sl_json_int(&j, -5);
	sl_json_key(&j, "u");
	sl_json_uint(&j, UINT64_MAX);
	sl_json_key(&j, "ok");
	sl_json_bool(&j, true);
	sl_json_key(&j, "no");
	sl_json_bool(&j, false);
	sl_json_key(&j, "none");
	sl_json_string(&j, NULL);
	sl_json_key(&j, "nil");
	sl_json_null(&j);
	sl_json_key(&j, "ms");
	sl_json_printf(&j, "%.3f", 1.5);
	sl_json_key(&j, "rows");
	sl_json_begin_arr(&j);
	sl_json_begin_obj(&j);
	sl_json_key(&j, "k");
	sl_json_int(&j, 1);
	sl_json_end(&j);
	sl_json_begin_obj(&j);
	sl_json_key(&j, "k");
	sl_json_int(&j, 2);
	sl_json_key(&j, "l");
	sl_json_begin_arr(&j);
	sl_json_int(&j, 3);
	sl_json_int(&j, 4);
	sl_json_end(&j);
	sl_json_end(&j);
	sl_json_end(&j);
	sl_json_end(&j);
}

static void
test_writer_commas(void **state)
{
	char *got = capture(put_doc, NULL);

	(void)state;
	assert_string_equal(
	    got, "{\"files\":[\"a.pcap\",\"b \\\"2\\\".pcap\"],"
		 "\"empty_arr\":[],\"empty_obj\":{},\"n\":-5,"
		 "\"u\":18446744073709551615,\"ok\":true,\"no\":false,"
		 "\"none\":null,\"nil\":null,\"ms\":1.500,"
		 "\"rows\":[{\"k\":1},{\"k\":2,\"l\":[3,4]}]}");
	free(got);
}

static void
put_values(FILE *f, const void *arg)
{
	struct sl_json j;

	(void)arg;
	/* Top-level values in sequence are comma-separated, as in an array
	 * whose brackets the caller writes. */
	sl_json_init(&j, f);
	sl_json_int(&j, 1);
	sl_json_string(&j, "x");
	sl_json_begin_arr(&j);
	sl_json_end(&j);
}

static void
test_writer_top_level(void **state)
{
	char *got = capture(put_values, NULL);

	(void)state;
	assert_string_equal(got, "1,\"x\",[]");
	free(got);
}

/* The event timeline's JSON goes through the same writer and escaper. */
static void
test_events_json(void **state)
{
	struct sl_events *ev = sl_events_new();
	char *got;

	(void)state;
	sl_events_add_at(ev, 1000000000, 'A', "a", "connect", -1, ECONNREFUSED,
			 "to %s", "10.0.0.2:1314");
	sl_events_add_at(ev, 1002500000, 'B', "", "note", 0, 0, "q\"\n");
	got = sl_events_json(ev, 0);
	assert_string_equal(
	    got, "[{\"t_ns\":1000000000,\"t_rel_ms\":0.000000,\"host\":\"A\","
		 "\"socket\":\"a\",\"call\":\"connect\",\"ret\":-1,"
		 "\"errno\":\"ECONNREFUSED\",\"detail\":\"to 10.0.0.2:1314\"},"
		 "{\"t_ns\":1002500000,\"t_rel_ms\":2.500000,\"host\":\"B\","
		 "\"socket\":\"\",\"call\":\"note\",\"ret\":0,\"errno\":null,"
		 "\"detail\":\"q\\\"\\n\"}]");
	free(got);
	sl_events_free(ev);
	/* no events: an empty array */
	ev = sl_events_new();
	got = sl_events_json(ev, 0);
	assert_string_equal(got, "[]");
	free(got);
	sl_events_free(ev);
}

/* Numbers through a small output buffer, against printf. */
static const uint64_t nums_u[] = {
    0,		 9,	      10,	    99,
    100,	 12345,	      1000000,	    4294967295u,
    4294967296u, 9999999999u, 10000000000u, 10000000000000000000u,
    UINT64_MAX};
static const int64_t nums_s[] = {0, -1, -10, 42, INT64_MIN, INT64_MAX};

/* The numbers of put_numbers_printf through ob, flushed midway. */
static void
write_numbers(struct sl_ob *ob)
{
	size_t i;

	for (i = 0; i < sizeof(nums_u) / sizeof(nums_u[0]); i++) {
		sl_ob_u64(ob, nums_u[i]);
		sl_ob_putc(ob, ' ');
		sl_ob_u64w(ob, nums_u[i], 8);
		sl_ob_puts(ob, "|\n");
	}
	for (i = 0; i < sizeof(nums_s) / sizeof(nums_s[0]); i++) {
		sl_ob_i64(ob, nums_s[i]);
		sl_ob_putc(ob, '\n');
	}
	assert_int_equal(sl_ob_flush(ob), 0);
	for (uint64_t p = 1;; p *= 10) { /* every digit count's edges */
		sl_ob_u64(ob, p - 1);
		sl_ob_putc(ob, ' ');
		sl_ob_u64(ob, p);
		sl_ob_putc(ob, ' ');
		sl_ob_u64(ob, p + 1);
		sl_ob_putc(ob, '\n');
		if (p > UINT64_MAX / 10)
			break;
	}
	sl_ob_fill(ob, '.', 17);
	sl_ob_write(ob, "written whole, longer than the buffer", 37);
}

static void
put_numbers(FILE *f, const void *arg)
{
	char buf[7]; /* smaller than a number: the room checks flush */
	struct sl_ob ob;

	(void)arg;
	sl_ob_init(&ob, f, buf, sizeof(buf));
	write_numbers(&ob);
	assert_int_equal(sl_ob_flush(&ob), 0);
}

/* The same through a writer thread, a few bytes a buffer. */
static void
put_numbers_thread(FILE *f, const void *arg)
{
	struct sl_ob ob;

	(void)arg;
	sl_ob_open(&ob, f, 7, true);
	write_numbers(&ob);
	assert_int_equal(sl_ob_close(&ob), 0);
}

static void
put_numbers_printf(FILE *f, const void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof(nums_u) / sizeof(nums_u[0]); i++)
		fprintf(f, "%" PRIu64 " %8" PRIu64 "|\n", nums_u[i], nums_u[i]);
	for (i = 0; i < sizeof(nums_s) / sizeof(nums_s[0]); i++)
		fprintf(f, "%" PRId64 "\n", nums_s[i]);
	for (uint64_t p = 1;; p *= 10) {
		fprintf(f, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", p - 1, p,
			p + 1);
		if (p > UINT64_MAX / 10)
			break;
	}
	fputs(".................written whole, longer than the buffer", f);
}

/* Without and with a writer thread. */
static void
test_ob_numbers(void **state)
{
	void (*put[])(FILE *, const void *) = {put_numbers, put_numbers_thread};
	char *want = capture(put_numbers_printf, NULL);

	(void)state;
	for (size_t i = 0; i < sizeof(put) / sizeof(put[0]); i++) {
		char *got = capture(put[i], NULL);

		assert_string_equal(got, want);
		free(got);
	}
	free(want);
}

/*
 * A write error of a buffer the thread wrote is the flush's and the
 * close's, and the FILE's, as without a thread.
 */
static void
test_ob_thread_error(void **state)
{
	FILE *f = fopen("/dev/full", "w");
	struct sl_ob ob;

	(void)state;
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	sl_ob_open(&ob, f, 16, true);
	for (int i = 0; i < 100; i++)
		sl_ob_puts(&ob, "more than a buffer");
	assert_int_equal(sl_ob_flush(&ob), -1);
	sl_ob_puts(&ob, "after the error");
	assert_int_equal(sl_ob_close(&ob), -1);
	assert_true(ferror(f));
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_writer_commas),
	    cmocka_unit_test(test_writer_top_level),
	    cmocka_unit_test(test_events_json),
	    cmocka_unit_test(test_ob_numbers),
	    cmocka_unit_test(test_ob_thread_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
