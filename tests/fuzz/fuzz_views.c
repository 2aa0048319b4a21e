/* \summary: fuzz harness: a whole capture through the pipeline, whose merge groups the views of a pcapng of several interfaces */
/*
 * The input is the file.  It is read as `synlab analyze --annotate
 * --ladder` reads it: one sl_pipeline with every sink on (report, SVG
 * ladder, annotated pcapng).  A pcapng of several interfaces is several
 * vantages: the merge groups the views of each connection, also across a
 * NAT (merge_nat.c: mappings, punched SYNs, a NAT's RST), before the
 * sinks see it.  The seeds are the captures of pcaps/ (real-nat-*: one
 * connection through one or two NATs, 2 or 3 interfaces).  The last byte
 * of the input picks the report format (text or JSON), so a mutation
 * reaches both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pipeline.h"

static unsigned last_id;

static void
on_hs(const struct sl_handshake *hs, void *arg)
{
	(void)arg;
	sl_fuzz_check_hs(hs, &last_id);
	if (hs->file != 0)
		sl_fuzz_fail("handshake %u of input %d: there is one input",
			     hs->id, hs->file);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	const char *in = sl_fuzz_tmpfile(0);
	struct sl_pipeline_cfg cfg = {0};
	struct sl_pipeline *p;
	struct sl_tally t;
	char err[SL_ERRBUF_SIZE];
	int rc;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL) {
		perror("synlab fuzz: /dev/null");
		abort();
	}
	sl_fuzz_write_file(in, data, size);
	last_id = 0;
	cfg.report = true;
	cfg.fmt =
	    size > 0 && (data[size - 1] & 1) ? SL_REPORT_JSON : SL_REPORT_TEXT;
	cfg.out = sink;
	cfg.ladder_path = sl_fuzz_tmpfile(1);
	cfg.annotate_path = sl_fuzz_tmpfile(2);
	cfg.on_problem = sl_fuzz_on_problem;
	cfg.on_handshake = on_hs;
	err[0] = '\0';
	p = sl_pipeline_new(&cfg, err);
	if (p == NULL)
		sl_fuzz_fail("sl_pipeline_new: %s", err);
	if (sl_pipeline_add_file(p, in, "fuzz") != 0)
		sl_fuzz_fail("sl_pipeline_add_file failed");
	err[0] = '\0';
	rc = sl_pipeline_feed_file(p, 0, err);
	if (rc != 0 &&
	    (err[0] == '\0' || memchr(err, '\0', SL_ERRBUF_SIZE) == NULL))
		sl_fuzz_fail("sl_pipeline_feed_file returned %d without a "
			     "message",
			     rc);
	memset(&t, 0, sizeof(t));
	err[0] = '\0';
	rc = sl_pipeline_finish(p, &t, err);
	if (rc != 0 && err[0] == '\0')
		sl_fuzz_fail("sl_pipeline_finish returned %d without a message",
			     rc);
	if (t.conns > t.handshakes)
		sl_fuzz_fail("%u connections from %u handshakes", t.conns,
			     t.handshakes);
	if (t.handshakes != t.sum.handshakes)
		sl_fuzz_fail("tally: %u handshakes, the analyzer %llu",
			     t.handshakes,
			     (unsigned long long)t.sum.handshakes);
	sl_pipeline_free(p);
	return 0;
}
