/* \summary: unit tests of vm/: the JSON reader and the cross-kernel matrix built from run outputs */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common.h"
#include "json.h"
#include "jsonq.h"
#include "kernelrun.h"
#include "matrix.h"

static struct sl_jv *
parse(const char *s, char *errbuf)
{
	return sl_jv_parse(s, strlen(s), errbuf);
}

static void
test_values(void **state)
{
	char eb[SL_ERRBUF_SIZE];
	struct sl_jv *v = parse(
	    " {\"a\": {\"b\": [1, -2.5e1, true, false, null, \"x\\u00e9\\n\"]},"
	    " \"k\": \"v\", \"k\": \"last\"} ",
	    eb);
	const struct sl_jv *arr;

	(void)state;
	assert_non_null(v);
	arr = sl_jv_get(v, "a.b");
	assert_int_equal(sl_jv_len(arr), 6);
	assert_true(sl_jv_num(sl_jv_at(arr, 0), 0) == 1);
	assert_true(sl_jv_num(sl_jv_at(arr, 1), 0) == -25);
	assert_true(sl_jv_true(sl_jv_at(arr, 2)));
	assert_false(sl_jv_true(sl_jv_at(arr, 3)));
	assert_int_equal(sl_jv_type(sl_jv_at(arr, 4)), SL_JV_NULL);
	assert_string_equal(sl_jv_str(sl_jv_at(arr, 5)), "x\xc3\xa9\n");
	/* a repeated key: the last one counts, as in most readers */
	assert_string_equal(sl_jv_str(sl_jv_get(v, "k")), "last");
	assert_string_equal(sl_jv_key(v, 0), "a");
	/* wrong types and missing members give NULL / the default */
	assert_null(sl_jv_get(v, "a.b.c"));
	assert_null(sl_jv_str(sl_jv_get(v, "a")));
	assert_true(sl_jv_num(sl_jv_get(v, "nope"), 7) == 7);
	assert_null(sl_jv_at(arr, 6));
	sl_jv_free(v);
}

static void
test_errors(void **state)
{
	static const char *const bad[] = {
	    "",		"{",   "[1,]",	   "{\"a\" 1}", "\"abc",
	    "[1] x",	"tru", "{1:2}",	   "\"\\q\"",	"\"\\u12\"",
	    "\"a\nb\"", "[-]", "{\"a\":}",
	};
	char eb[SL_ERRBUF_SIZE], deep[200];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		eb[0] = '\0';
		assert_null(parse(bad[i], eb));
		assert_non_null(strstr(eb, "byte "));
	}
	/* nesting deeper than the reader allows is an error, not a crash */
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	assert_null(parse(deep, eb));
	assert_non_null(strstr(eb, "nested too deeply"));
	assert_null(sl_jv_load("/nonexistent/x.json", eb));
	assert_non_null(strstr(eb, "/nonexistent/x.json"));
}

/* What common/json writes, vm/jsonq reads back. */
static void
test_round_trip(void **state)
{
	char *buf = NULL, eb[SL_ERRBUF_SIZE];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sl_json j;
	struct sl_jv *v;

	(void)state;
	sl_json_init(&j, f);
	sl_json_begin_obj(&j);
	sl_json_key(&j, "s");
	sl_json_string(&j, "tab\there \"q\" \\ \x01");
	sl_json_key(&j, "n");
	sl_json_int(&j, -42);
	sl_json_end(&j);
	fclose(f);
	v = sl_jv_parse(buf, len, eb);
	assert_non_null(v);
	assert_string_equal(sl_jv_str(sl_jv_get(v, "s")),
			    "tab\there \"q\" \\ \x01");
	assert_true(sl_jv_num(sl_jv_get(v, "n"), 0) == -42);
	sl_jv_free(v);
	free(buf);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/*
 * A kernel's outputs as the VM returns them: the self-connect's crossed
 * SYN-ACK answered by a challenge ACK, a simultaneous open whose two
 * answers carry D-SACKs, and a job that failed.  The matrix must name
 * each, and mark the failure.
 */
static void
test_matrix(void **state)
{
	char dir[] = "/tmp/synlab-test-vm.XXXXXX", *buf = NULL;
	size_t len = 0;
	struct sl_matrix *m;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "self-connect.out",
	    "{\"handshakes\":[{\"shape\":\"self-connect\",\"segments\":["
	    "{\"flags\":\"S\",\"role\":\"SYN\"},"
	    "{\"flags\":\"S.\",\"role\":\"SYN-ACK\"},"
	    "{\"flags\":\".\",\"role\":\"challenge ACK\"}]}],"
	    "\"scenario\":{\"verdict\":\"ok\"}}");
	put(dir, "self-connect.rc", "0\n");
	put(dir, "simultaneous-open.out",
	    "{\"scenario\":{\"runs\":5,\"matched\":4},\"handshakes\":[{"
	    "\"shape\":\"simultaneous-open\",\"segments\":["
	    "{\"role\":\"duplicate ACK with D-SACK of the SYN\"},"
	    "{\"role\":\"duplicate ACK with D-SACK of the SYN\"}]}]}");
	put(dir, "reuseport.out", "{not json");
	put(dir, "reuseport.rc", "4\n");
	put(dir, "reuseport.err", "synlab run: not root\n");
	m = sl_matrix_new();
	sl_matrix_add(m, "5.10", "5.10.0-46-cloud-amd64", "5.10.262-1", dir,
		      "k", 12.5);
	f = open_memstream(&buf, &len);
	assert_int_equal(sl_matrix_write_text(m, f), SL_OK);
	fclose(f);
	assert_non_null(strstr(buf, "| challenge ACK (no D-SACK)"));
	assert_non_null(strstr(buf, "| ACK with D-SACK of the SYN"));
	assert_non_null(strstr(buf, "| ! 4/5 crossed"));
	assert_non_null(
	    strstr(buf, "| ! failed (exit 4): synlab run: not root"));
	assert_non_null(strstr(
	    buf, "5.10: Linux 5.10.0-46-cloud-amd64, Debian 5.10.262-1"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(sl_matrix_write_json(m, f), SL_OK);
	fclose(f);
	{
		char eb[SL_ERRBUF_SIZE];
		struct sl_jv *v = sl_jv_parse(buf, len, eb);
		const struct sl_jv *c;

		assert_non_null(v);
		c = sl_jv_at(
		    sl_jv_get(sl_jv_at(sl_jv_get(v, "rows"), 0), "cells"), 0);
		assert_string_equal(sl_jv_str(sl_jv_get(c, "capture")),
				    "k/simultaneous-open/"
				    "simultaneous-open.pcapng");
		assert_false(sl_jv_true(sl_jv_get(c, "ok")));
		sl_jv_free(v);
	}
	free(buf);
	sl_matrix_free(m);
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

/* `synlab kernels --list`: the archive's lines as a table, others
 * skipped. */
static void
test_list_write(void **state)
{
	char list[] = "6.1 linux-image-6.1.0-40-cloud-amd64 6.1.153-1\n"
		      "garbage\n"
		      "6.12 linux-image-6.12.57+deb13-cloud-amd64 6.12.57-1\n";
	char buf[512] = "";
	FILE *f = tmpfile();
	size_t n;

	(void)state;
	assert_non_null(f);
	sl_vm_list_write(list, f);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(
	    buf, "series  newest package (Debian version)\n"
		 "6.1     linux-image-6.1.0-40-cloud-amd64 (6.1.153-1)\n"
		 "6.12    linux-image-6.12.57+deb13-cloud-amd64 (6.12.57-1)\n");
}

/* synlab kernels: a results directory that cannot be made stops it
 * before any kernel is fetched. */
static void
test_kernels_dir(void **state)
{
	struct sl_vm_kernels k = {.nv = 1, .dir = "/proc/self/synlab-x"};
	char errbuf[SL_ERRBUF_SIZE] = "";

	(void)state;
	snprintf(k.vers[0], sizeof k.vers[0], "%s", "6.1");
	assert_int_equal(sl_vm_kernels_run(&k, stdout, stderr, errbuf), SL_EIO);
	assert_string_equal(errbuf, "cannot create /proc/self/synlab-x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_matrix),
	    cmocka_unit_test(test_list_write),
	    cmocka_unit_test(test_kernels_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
