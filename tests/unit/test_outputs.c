/* \summary: unit tests of the output options every command takes (analyze/outputs.c): by name, into the pipeline's configuration */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "outputs.h"

static void
test_take(void **state)
{
	struct sl_outputs o;
	char errbuf[SL_ERRBUF_SIZE];

	(void)state;
	sl_outputs_init(&o);
	assert_int_equal(o.ascii, -1);
	assert_int_equal(sl_outputs_take(&o, "json", NULL, errbuf), 1);
	assert_int_equal(sl_outputs_take(&o, "ladder", "l.svg", errbuf), 1);
	assert_int_equal(sl_outputs_take(&o, "annotate", "-", errbuf), 1);
	assert_int_equal(sl_outputs_take(&o, "utf8", NULL, errbuf), 1);
	assert_true(o.json);
	assert_string_equal(o.ladder, "l.svg");
	assert_string_equal(o.annotate, "-");
	assert_int_equal(o.ascii, 0);
	/* not an output option: the command's own */
	assert_int_equal(sl_outputs_take(&o, "delay", "10ms", errbuf), 0);
	assert_false(sl_outputs_selects(&o));
}

static void
test_selection(void **state)
{
	struct sl_outputs o;
	char errbuf[SL_ERRBUF_SIZE];

	(void)state;
	sl_outputs_init(&o);
	assert_int_equal(sl_outputs_take(&o, "shape", "self-connect", errbuf),
			 1);
	assert_int_equal(sl_outputs_take(&o, "shape", "three-way", errbuf), 1);
	assert_int_equal(o.sel.shapes,
			 (1u << SL_SHAPE_SELF) | (1u << SL_SHAPE_THREE_WAY));
	assert_true(sl_outputs_selects(&o));
	assert_int_equal(sl_outputs_take(&o, "shape", "thre-way", errbuf),
			 SL_EINVAL);
	assert_string_equal(errbuf, "unknown shape 'thre-way'; did you mean "
				    "'three-way'?");
	assert_int_equal(sl_outputs_take(&o, "shape", "xyzzy", errbuf),
			 SL_EINVAL);
	assert_string_equal(errbuf, "unknown shape 'xyzzy'");
	assert_int_equal(sl_outputs_take(&o, "id", "42", errbuf), 1);
	assert_int_equal(o.sel.id, 42);
	{
		static const char *const bad[] = {"0", "-1", "", "4294967296",
						  "7x"};

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			assert_int_equal(
			    sl_outputs_take(&o, "id", bad[i], errbuf),
			    SL_EINVAL);
			assert_non_null(strstr(errbuf, "--id wants"));
		}
	}
	assert_int_equal(o.sel.id, 42);
}

/* The pipeline's configuration: the format, the ladder characters by
 * terminal unless told, one annotated file per input unless --combined. */
static void
test_cfg(void **state)
{
	struct sl_outputs o;
	struct sl_pipeline_cfg c;

	(void)state;
	sl_outputs_init(&o);
	sl_outputs_cfg(&o, true, &c);
	assert_true(c.report);
	assert_int_equal(c.fmt, SL_REPORT_TEXT);
	assert_false(c.ascii);
	assert_true(c.annotate_per_input);
	sl_outputs_cfg(&o, false, &c);
	assert_true(c.ascii);
	o.brief = true;
	o.ascii = 0;
	o.combined = true;
	o.ladder = "x.svg";
	sl_outputs_cfg(&o, false, &c);
	assert_int_equal(c.fmt, SL_REPORT_BRIEF);
	assert_false(c.ascii);
	assert_false(c.annotate_per_input);
	assert_string_equal(c.ladder_path, "x.svg");
	o.json = true; /* --json wins over --brief */
	sl_outputs_cfg(&o, false, &c);
	assert_int_equal(c.fmt, SL_REPORT_JSON);
}

/* Input problems: the first 20 said, then one line, then none. */
static void
test_problem_log(void **state)
{
	struct sl_problem_log l = {tmpfile(), "synlab", 0};
	char line[256];
	unsigned n = 0;

	(void)state;
	assert_non_null(l.f);
	for (unsigned i = 0; i < SL_PROBLEMS_SHOWN + 5; i++)
		sl_problem_log("x.pcap: frame 3: truncated", &l);
	assert_int_equal(l.seen, SL_PROBLEMS_SHOWN + 5);
	rewind(l.f);
	while (fgets(line, sizeof line, l.f) != NULL) {
		if (n++ < SL_PROBLEMS_SHOWN)
			assert_string_equal(
			    line, "synlab: x.pcap: frame 3: truncated\n");
		else
			assert_non_null(strstr(line, "only counted"));
	}
	assert_int_equal(n, SL_PROBLEMS_SHOWN + 1);
	fclose(l.f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_take),
	    cmocka_unit_test(test_selection),
	    cmocka_unit_test(test_cfg),
	    cmocka_unit_test(test_problem_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
