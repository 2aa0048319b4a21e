/* \summary: unit tests of the loop every catalogue entry runs through (scenario/drive.c) and the stop flag, on a stand-in engine, no root */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "drive.h"
#include "stop.h"

/* What the stand-in engine does, and what it saw. */
static struct {
	int run_rc;	  /* run's code */
	bool have_report; /* run leaves something to report */
	int report_rc;	  /* report's code */
	bool outcome;	  /* the verdict */
	unsigned runs, reports, verdicts, sweeps, stops;
	bool report_text; /* report was asked for text */
	FILE *sweep_out;  /* where the sweep's table went */
} fake;

static int
fake_prepare(const struct sl_experiment *x, const struct sl_xopts *o,
	     struct sl_xrun **r, char *errbuf)
{
	(void)errbuf;
	*r = sl_xrun_alloc(x, x->ops, o, sizeof **r);
	return SL_OK;
}

static int
fake_run(struct sl_xrun *r, char *errbuf)
{
	fake.runs++;
	r->have_report = fake.have_report;
	if (fake.run_rc != SL_OK)
		sl_errbuf_set(errbuf, "run failed (%d)", fake.run_rc);
	return fake.run_rc;
}

static int
fake_report(struct sl_xrun *r, struct sl_pipeline *p, bool text,
	    struct sl_tally *t, char *errbuf)
{
	(void)r;
	fake.reports++;
	fake.report_text = text;
	if (fake.report_rc != SL_OK) {
		sl_errbuf_set(errbuf, "report failed");
		return fake.report_rc;
	}
	return sl_pipeline_finish(p, t, errbuf);
}

static bool
fake_verdict(const struct sl_xrun *r, const struct sl_tally *t, FILE *text)
{
	(void)r;
	(void)t;
	fake.verdicts++;
	if (text)
		fputs("verdict: stand-in\n", text);
	return fake.outcome;
}

static void
fake_json(const struct sl_xrun *r, const struct sl_tally *t, struct sl_json *j)
{
	(void)r;
	(void)t;
	sl_json_null(j);
}

static void
fake_release(struct sl_xrun *r)
{
	(void)r;
}

static int
fake_sweep(struct sl_xrun *r, const struct sl_xsweep *s, struct sl_pipeline *p,
	   char *errbuf)
{
	struct sl_tally t;

	(void)r;
	fake.sweeps++;
	fake.sweep_out = s->out;
	if (fake.run_rc != SL_OK) {
		sl_errbuf_set(errbuf, "sweep stopped");
		return fake.run_rc;
	}
	return sl_pipeline_finish(p, &t, errbuf);
}

static const struct sl_xops fake_ops = SL_XOPS(fake, fake_sweep);
static const struct sl_xparam no_params[] = {{NULL, NULL, NULL}};
static const struct sl_experiment fake_entry = {
    .name = "stand-in",
    .summary = "a stand-in engine",
    .ops = &fake_ops,
    .params = no_params,
    .expect = "its verdict",
};

static void
on_stop(void)
{
	fake.stops++;
}

/* One test's run: the stand-in prepared, its outputs, its streams. */
struct fx {
	FILE *out, *err;
	struct sl_outputs o;
	struct sl_xdrive d;
	struct sl_xrun *r;
	bool met;
	char buf[512];
};

/* A prepared run of the stand-in, the engine reset to a clean run. */
static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct sl_xopts xo;
	char errbuf[SL_ERRBUF_SIZE];

	memset(&fake, 0, sizeof fake);
	fake.have_report = true;
	fake.outcome = true;
	assert_non_null(f);
	f->out = tmpfile();
	f->err = tmpfile();
	assert_non_null(f->out);
	assert_non_null(f->err);
	sl_outputs_init(&f->o);
	f->o.json = true; /* the report is a JSON document on stdout */
	f->d.cmd = "synlab test";
	f->d.out = f->out;
	f->d.err = f->err;
	f->d.on_stop = on_stop;
	sl_xopts_init(&xo);
	assert_int_equal(
	    fake_entry.ops->prepare(&fake_entry, &xo, &f->r, errbuf), SL_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	sl_xrun_free(f->r);
	fclose(f->out);
	fclose(f->err);
	free(f);
	return 0;
}

/* f's run driven with its outputs. */
static int
drive(struct fx *f)
{
	return sl_xrun_drive(f->r, &f->o, &f->d, &f->met);
}

/* The whole of f, rewound and emptied after. */
static const char *
text_of(FILE *f, char *buf, size_t len)
{
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	rewind(f);
	assert_int_equal(ftruncate(fileno(f), 0), 0);
	return buf;
}

static void
test_run_ok(void **state)
{
	struct fx *f = *state;

	assert_int_equal(drive(f), SL_OK);
	assert_true(f->met);
	assert_int_equal(fake.runs, 1);
	assert_int_equal(fake.reports, 1);
	assert_false(fake.report_text); /* --json: no text */
	assert_string_equal(text_of(f->err, f->buf, sizeof f->buf), "");
	/* a missed outcome is the verdict's, not an error */
	fake.outcome = false;
	assert_int_equal(drive(f), SL_OK);
	assert_false(f->met);
}

/* Text: the verdict's lines on the command's stream, after a blank. */
static void
test_run_text(void **state)
{
	struct fx *f = *state;

	f->o.json = false;
	f->o.brief = true;
	assert_int_equal(drive(f), SL_OK);
	assert_true(fake.report_text);
	assert_string_equal(text_of(f->out, f->buf, sizeof f->buf),
			    "\nverdict: stand-in\n");
}

/* Stopped: said, the stop hook called, what was done still reported. */
static void
test_run_stopped(void **state)
{
	struct fx *f = *state;

	fake.run_rc = SL_EINTR;
	assert_int_equal(drive(f), SL_EINTR);
	assert_int_equal(fake.stops, 1);
	assert_int_equal(fake.reports, 1);
	assert_int_equal(fake.verdicts, 1);
	assert_string_equal(text_of(f->err, f->buf, sizeof f->buf),
			    "synlab test: run failed (-9)\n");
	/* a report that fails after a stop stays a stop */
	fake.report_rc = SL_EIO;
	assert_int_equal(drive(f), SL_EINTR);
	assert_false(f->met);
}

/* A failed run (not root) reports nothing; a failed report is SL_EIO. */
static void
test_run_fails(void **state)
{
	struct fx *f = *state;

	fake.run_rc = SL_EPERM;
	assert_int_equal(drive(f), SL_EPERM);
	assert_int_equal(fake.reports, 0);
	assert_false(f->met);
	assert_string_equal(text_of(f->err, f->buf, sizeof f->buf),
			    "synlab test: run failed (-7)\n");
	fake.run_rc = SL_OK;
	fake.report_rc = SL_EIO;
	assert_int_equal(drive(f), SL_EIO);
	assert_int_equal(fake.verdicts, 0);
	assert_string_equal(text_of(f->err, f->buf, sizeof f->buf),
			    "synlab test: report failed\n");
}

/* An output that cannot be written stops the run before the work. */
static void
test_run_bad_output(void **state)
{
	struct fx *f = *state;
	struct sl_xsweep s = {.count = 1};

	f->o.annotate = "/nonexistent-synlab-dir/x.pcapng";
	assert_int_equal(drive(f), SL_EIO);
	assert_int_equal(fake.runs, 0);
	assert_non_null(strstr(text_of(f->err, f->buf, sizeof f->buf),
			       "/nonexistent-synlab-dir/x.pcapng"));
	f->o.annotate = NULL;
	s.plot = "/nonexistent-synlab-dir/p.svg";
	assert_int_equal(sl_xrun_drive_sweep(f->r, &s, &f->o, &f->d), SL_EIO);
	assert_int_equal(fake.sweeps, 0);
}

/* The sweep: its table on the command's stream, unless an output is
 * '-'; the handshakes reported only with --brief or a selection. */
static void
test_sweep(void **state)
{
	struct fx *f = *state;
	struct sl_xsweep s = {.count = 1};

	f->o.json = false;
	assert_int_equal(sl_xrun_drive_sweep(f->r, &s, &f->o, &f->d), SL_OK);
	assert_int_equal(fake.sweeps, 1);
	assert_ptr_equal(fake.sweep_out, f->out);
	assert_false(s.json);
	assert_null(s.progress); /* err is no terminal */
	s.plot = "-";
	assert_int_equal(sl_xrun_drive_sweep(f->r, &s, &f->o, &f->d), SL_OK);
	assert_ptr_equal(fake.sweep_out, f->err);
	fake.run_rc = SL_EINTR;
	assert_int_equal(sl_xrun_drive_sweep(f->r, &s, &f->o, &f->d), SL_EINTR);
}

/* SIGINT and SIGTERM set the flag; release restores what was there. */
static void
test_stop(void **state)
{
	struct sigaction old;
	volatile const int *stop;

	(void)state;
	signal(SIGTERM, SIG_DFL);
	stop = sl_stop_catch();
	assert_int_equal(*stop, 0);
	raise(SIGTERM);
	assert_int_equal(*stop, 1);
	sl_stop_release();
	sigaction(SIGTERM, NULL, &old);
	assert_ptr_equal(old.sa_handler, SIG_DFL);
	sl_stop_release(); /* twice: nothing to restore */
	signal(SIGINT, SIG_DFL);
	(void)sl_stop_catch();
	raise(SIGINT);
	sl_stop_hold_on();
	sigaction(SIGINT, NULL, &old);
	assert_ptr_equal(old.sa_handler, SIG_IGN);
	sl_stop_release();
	sigaction(SIGINT, NULL, &old);
	assert_ptr_equal(old.sa_handler, SIG_DFL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_run_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_stopped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_run_bad_output, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
	    cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
