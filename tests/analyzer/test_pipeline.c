/* \summary: unit tests of the pipeline: tally per input, comments at an instant, every output error reported */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "files.h"
#include "pipeline.h"
#include "pktbuild.h"

#ifndef SL_TEST_TMPDIR
#define SL_TEST_TMPDIR "."
#endif

#define MS INT64_C(1000000)
#define T0 INT64_C(1700000000000000000)

/* RFC 9293 §3.5 Figure 6: packet i of A's three-way handshake into buf[128]. */
static size_t
three_way_pkt(int i, uint8_t *buf)
{
	struct tb_seg g;

	memset(&g, 0, sizeof g);
	g.mss = g.ws = -1;
	g.win = 64240;
	g.sport = i == 1 ? 80 : 40000;
	g.dport = i == 1 ? 40000 : 80;
	g.src = i == 1 ? "10.0.0.2" : "10.0.0.1";
	g.dst = i == 1 ? "10.0.0.1" : "10.0.0.2";
	g.flags = i == 0   ? SL_TH_SYN
		  : i == 1 ? SL_TH_SYN | SL_TH_ACK
			   : SL_TH_ACK;
	g.seq = i == 0 ? 100 : i == 1 ? 300 : 101;
	g.ack = i == 0 ? 0 : i == 1 ? 101 : 301;
	return tb_build4_n(&g, buf, 128);
}

/* The handshake, 10 ms apart. */
static void
feed_three_way(struct sl_pipeline *p, int in, int64_t t0)
{
	uint8_t buf[128];

	for (int i = 0; i < 3; i++) {
		size_t n = three_way_pkt(i, buf);

		sl_pipeline_feed(p, in, t0 + i * 10 * MS, buf, (uint32_t)n,
				 (uint32_t)n);
	}
}

static struct sl_pipeline *
make(FILE *out, const char *annotate, char *errbuf)
{
	struct sl_pipeline_cfg cfg = {0};

	cfg.report = out != NULL;
	cfg.fmt = SL_REPORT_JSON;
	cfg.out = out;
	cfg.ascii = true;
	cfg.annotate_path = annotate;
	return sl_pipeline_new(&cfg, errbuf);
}

/* Two vantages of one handshake: tallied per input, one connection in the JSON. */
static void
test_tally_two_inputs(void **state)
{
	char errbuf[SL_ERRBUF_SIZE], *doc = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&doc, &len);
	struct sl_pipeline *p = make(out, NULL, errbuf);
	struct sl_tally t;

	(void)state;
	assert_non_null(p);
	assert_int_equal(
	    sl_pipeline_add_live(p, "A:tunA", DLT_RAW, 65535, true, errbuf), 0);
	assert_int_equal(
	    sl_pipeline_add_live(p, "B:tunB", DLT_RAW, 65535, true, errbuf), 1);
	feed_three_way(p, 0, T0);
	feed_three_way(p, 1, T0 + 2 * MS);
	sl_pipeline_add_member(p, "scenario", "{\"name\":\"x\"}");
	assert_int_equal(sl_pipeline_finish(p, &t, errbuf), SL_OK);
	assert_int_equal(t.ninputs, 2);
	assert_int_equal(t.handshakes, 2); /* two views */
	assert_int_equal(t.conns, 1);	   /* of one connection */
	assert_int_equal(t.shapes[SL_SHAPE_THREE_WAY], 2);
	assert_int_equal(t.input_shapes[0][SL_SHAPE_THREE_WAY], 1);
	assert_int_equal(t.input_shapes[1][SL_SHAPE_THREE_WAY], 1);
	assert_int_equal(t.violations, 0);
	assert_int_equal(t.first_crossing_us, -1);
	sl_pipeline_free(p);
	fclose(out);
	assert_non_null(strstr(doc, "\"scenario\":{\"name\":\"x\"}"));
	assert_non_null(strstr(doc, "\"views\":2"));
	assert_non_null(strstr(doc, "\"A:tunA\""));
	free(doc);
}

static bool
contains(const uint8_t *b, size_t n, const char *text)
{
	size_t k = strlen(text);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(b + i, text, k) == 0)
			return true;
	return false;
}

/* The EPB (from 1) whose bytes hold text, 0 if none: a bounded walk. */
static unsigned
epb_with(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	uint8_t hdr[8], *body;
	unsigned n = 0, found = 0;

	assert_non_null(f);
	while (fread(hdr, 1, 8, f) == 8) {
		uint32_t type, blen;

		memcpy(&type, hdr, 4);
		memcpy(&blen, hdr + 4, 4);
		assert_true(blen >= 12 && blen < 1 << 20);
		body = malloc(blen - 8);
		assert_int_equal(fread(body, 1, blen - 8, f), blen - 8);
		if (type == 6) {
			n++;
			if (contains(body, blen - 8, text))
				found = n;
		}
		free(body);
	}
	fclose(f);
	return found;
}

/* A comment at an instant lands on the nearest frame of its input. */
static void
test_comment_at_nearest_frame(void **state)
{
	const char *path = SL_TEST_TMPDIR "/pipeline-annotated.pcapng";
	char errbuf[SL_ERRBUF_SIZE];
	struct sl_pipeline *p;
	struct sl_tally t;

	(void)state;
	unlink(path);
	p = make(NULL, path, errbuf);
	assert_non_null(p);
	assert_int_equal(
	    sl_pipeline_add_live(p, "A:tunA", DLT_RAW, 65535, true, errbuf), 0);
	/* frames at T0, T0+10ms, T0+20ms: +12 ms is frame 2, +19 frame 3 */
	sl_pipeline_comment_at(p, 0, T0 + 12 * MS, "synlab event: twelve");
	sl_pipeline_comment_at(p, 0, T0 + 19 * MS, "synlab event: nineteen");
	sl_pipeline_set_section(p, "synlab test section");
	feed_three_way(p, 0, T0);
	assert_int_equal(sl_pipeline_finish(p, &t, errbuf), SL_OK);
	sl_pipeline_free(p);
	assert_int_equal(epb_with(path, "twelve"), 2);
	assert_int_equal(epb_with(path, "nineteen"), 3);
	unlink(path);
}

/* An output that cannot be written is refused before any work. */
static void
test_unwritable_output_refused(void **state)
{
	char errbuf[SL_ERRBUF_SIZE] = "";

	(void)state;
	assert_null(make(NULL, "/nonexistent-dir/x.pcapng", errbuf));
	assert_non_null(strstr(errbuf, "/nonexistent-dir/x.pcapng"));
	assert_null(make(NULL, SL_TEST_TMPDIR, errbuf));
	assert_non_null(strstr(errbuf, "directory"));
}

/* A report stream that fails is an error of finish, named. */
static void
test_report_write_error(void **state)
{
	char errbuf[SL_ERRBUF_SIZE] = "";
	FILE *ro = fopen("/dev/null", "r");
	struct sl_pipeline *p = make(ro, NULL, errbuf);

	(void)state;
	assert_non_null(p);
	assert_int_equal(
	    sl_pipeline_add_live(p, "A", DLT_RAW, 65535, true, errbuf), 0);
	feed_three_way(p, 0, T0);
	assert_int_equal(sl_pipeline_finish(p, NULL, errbuf), SL_EIO);
	assert_non_null(strstr(errbuf, "write error"));
	sl_pipeline_free(p);
	fclose(ro);
}

/* A file that cannot be read: input error in the tally, the path named. */
static void
test_missing_file(void **state)
{
	char errbuf[SL_ERRBUF_SIZE] = "";
	struct sl_pipeline *p = make(NULL, NULL, errbuf);
	struct sl_tally t;

	(void)state;
	assert_int_equal(sl_pipeline_add_file(p, "/nonexistent.pcap", NULL), 0);
	assert_int_not_equal(sl_pipeline_feed_file(p, 0, errbuf), SL_OK);
	assert_non_null(strstr(errbuf, "/nonexistent.pcap"));
	assert_int_equal(sl_pipeline_finish(p, &t, errbuf), SL_OK);
	assert_true(t.input_error);
	assert_int_equal(t.handshakes, 0);
	sl_pipeline_free(p);
}

struct frames_seen {
	bool want;
	unsigned asked, calls, nframes;
	bool frames_null;
};

static bool
want_frames(const struct sl_handshake *hs, void *arg)
{
	struct frames_seen *s = arg;

	assert_null(hs->frames); /* asked before they are made */
	assert_int_equal(hs->nframes, 3);
	s->asked++;
	return s->want;
}

static void
got_handshake(const struct sl_handshake *hs, void *arg)
{
	struct frames_seen *s = arg;

	s->calls++;
	s->nframes = hs->nframes;
	s->frames_null = hs->frames == NULL;
}

/* Frames nobody wants are not made: on_handshake gets none. */
static void
test_frames_not_wanted(void **state)
{
	(void)state;
	for (int want = 0; want < 2; want++) {
		struct frames_seen s = {.want = want};
		struct sl_analyzer_cfg cfg = {0};
		struct sl_analyzer *az;
		uint8_t buf[128];

		cfg.on_handshake = got_handshake;
		cfg.wants_frames = want_frames;
		cfg.arg = &s;
		az = sl_analyzer_new(&cfg);
		for (int i = 0; i < 3; i++) {
			size_t n = three_way_pkt(i, buf);

			sl_analyzer_feed(az, 0, (uint64_t)i + 1,
					 T0 + i * 10 * MS, DLT_RAW, buf, n, n);
		}
		sl_analyzer_finish(az);
		assert_int_equal(s.asked, 1);
		assert_int_equal(s.calls, 1);
		assert_int_equal(s.nframes, want ? 3 : 0);
		assert_int_equal(s.frames_null, !want);
		sl_analyzer_free(az);
	}
}

/*
 * What a report wants: JSON every selected handshake's frames, text
 * those it shows in full (asking counts nothing), brief none.
 */
static void
test_report_wants_frames(void **state)
{
	static const char *files[] = {"x.pcap"};
	struct sl_report_sel sel = {0};
	struct sl_handshake hs;
	struct sl_report *r;
	FILE *out = fopen("/dev/null", "w");
	unsigned i;

	(void)state;
	assert_non_null(out);
	memset(&hs, 0, sizeof hs);
	hs.shape = SL_SHAPE_THREE_WAY;
	r = sl_report_new(out, SL_REPORT_TEXT, true, files, 1);
	for (i = 0; i < SL_REPORT_SAMPLE + 2; i++) {
		bool want = sl_report_wants_frames(r, &hs);

		assert_int_equal(sl_report_wants_frames(r, &hs), want);
		assert_int_equal(want, i < SL_REPORT_SAMPLE);
		hs.id = i + 1;
		sl_report_handshake(&hs, r);
	}
	hs.shape = SL_SHAPE_SIMOPEN; /* a rare shape's quota is its own */
	assert_true(sl_report_wants_frames(r, &hs));
	sl_report_free(r);

	r = sl_report_new(out, SL_REPORT_BRIEF, true, files, 1);
	assert_false(sl_report_wants_frames(r, &hs));
	sl_report_free(r);

	r = sl_report_new(out, SL_REPORT_JSON, true, files, 1);
	assert_true(sl_report_wants_frames(r, &hs));
	sel.shapes = 1u << SL_SHAPE_THREE_WAY;
	sl_report_select(r, &sel);
	assert_false(sl_report_wants_frames(r, &hs)); /* not selected */
	sl_report_free(r);
	fclose(out);
}

/* synlab analyze's work: every file fed, each failure said, the tally. */
static void
test_files(void **state)
{
	char errbuf[SL_ERRBUF_SIZE] = "", path[512], said[1024] = "";
	struct sl_pipeline *p = make(NULL, NULL, errbuf);
	char *files[2] = {path, (char *)(uintptr_t) "/nonexistent.pcap"};
	struct sl_tally t;
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *d;
	FILE *err = tmpfile();
	uint8_t buf[128];
	struct tb_seg g = {.flags = SL_TH_SYN,
			   .seq = 100,
			   .win = 64240,
			   .mss = -1,
			   .ws = -1,
			   .sport = 40000,
			   .dport = 80,
			   .src = "10.0.0.1",
			   .dst = "10.0.0.2"};
	struct pcap_pkthdr h = {.ts = {1700000000, 0}};

	(void)state;
	snprintf(path, sizeof path, "%s/files.pcap", SL_TEST_TMPDIR);
	assert_non_null(d = pcap_dump_open(dead, path));
	h.caplen = h.len = (bpf_u_int32)tb_build4(&g, buf);
	pcap_dump((u_char *)d, &h, buf);
	pcap_dump_close(d);
	pcap_close(dead);
	assert_int_equal(sl_pipeline_files(p, files, 2, err, "synlab", &t),
			 SL_EIO);
	assert_int_equal(t.ninputs, 2);
	assert_int_equal(t.handshakes, 1); /* the good file's SYN */
	assert_true(t.input_error);
	rewind(err);
	assert_true(fread(said, 1, sizeof said - 1, err) > 0);
	assert_non_null(strstr(said, "synlab: "));
	assert_non_null(strstr(said, "/nonexistent.pcap"));
	assert_null(strstr(said, "files.pcap"));
	fclose(err);
	sl_pipeline_free(p);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tally_two_inputs),
	    cmocka_unit_test(test_comment_at_nearest_frame),
	    cmocka_unit_test(test_unwritable_output_refused),
	    cmocka_unit_test(test_report_write_error),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_frames_not_wanted),
	    cmocka_unit_test(test_report_wants_frames),
	    cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
