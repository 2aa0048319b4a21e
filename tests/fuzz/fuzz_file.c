/* \summary: fuzz harness: a whole pcap/pcapng file through libpcap, the analyzer and the annotator */
/*
 * The input is the file.  It is read as `synlab analyze --annotate` reads
 * it: sl_analyze_file (libpcap) with sl_annotate_handshake keeping the
 * comments, then sl_annotate_write, whose own pcapng block parser reads the
 * same untrusted bytes again.  When both succeed, the annotated output is
 * read back (the pcapng writer's round trip): it must be a file libpcap
 * reads without error, and analyzing it must give the same counts and
 * the same handshakes (frames, timestamps, roles) as the input, since
 * every packet and timestamp is copied bit-exact.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "fuzz.h"

static unsigned last_id;
static uint64_t digest; /* of every handshake's frames and times */

static void
mix(uint64_t v)
{
	digest = (digest ^ v) * 0x100000001b3ULL;
}

static void
on_hs(const struct sl_handshake *hs, void *arg)
{
	unsigned i;

	sl_fuzz_check_hs(hs, &last_id);
	mix(hs->id);
	mix((uint64_t)hs->shape);
	mix(hs->nfind);
	for (i = 0; i < hs->nframes; i++) {
		mix(hs->frames[i].frame);
		mix((uint64_t)hs->frames[i].ts_ns);
		mix(hs->frames[i].role);
	}
	if (arg != NULL)
		sl_annotate_handshake(hs, arg);
}

static void
on_problem(const char *msg, void *arg)
{
	(void)arg;
	if (msg == NULL || msg[0] == '\0')
		sl_fuzz_fail("empty problem message");
}

/*
 * Analyzes path; returns sl_analyze_file's code, summary in *sum, digest of
 * the handshakes (frame numbers, timestamps, roles, shapes) in *dg.
 */
static int
analyze(const char *path, struct sl_annotate *ann, struct sl_summary *sum,
	uint64_t *dg, char *errbuf)
{
	struct sl_analyzer_cfg cfg = {0};
	struct sl_analyzer *az;
	int rc;

	last_id = 0;
	digest = 0xcbf29ce484222325ULL;
	cfg.on_handshake = on_hs;
	cfg.on_problem = on_problem;
	cfg.arg = ann;
	az = sl_analyzer_new(&cfg);
	errbuf[0] = '\0';
	rc = sl_analyze_file(az, 0, path, errbuf);
	if (rc != SL_OK &&
	    (errbuf[0] == '\0' || memchr(errbuf, '\0', SL_ERRBUF_SIZE) == NULL))
		sl_fuzz_fail("sl_analyze_file returned %d without a message",
			     rc);
	sl_analyzer_finish(az);
	*sum = *sl_analyzer_summary(az);
	*dg = digest;
	sl_analyzer_free(az);
	return rc;
}

static void
same(const char *what, unsigned long long in, unsigned long long out,
     const char *msg)
{
	if (in != out)
		sl_fuzz_fail("round trip: %s %llu in the input, %llu in the "
			     "annotated output (%s)",
			     what, in, out, msg);
}

/*
 * Known findings the long runs step over so they can find others (set
 * SYNLAB_FUZZ_IGNORE=pcap-ts); the regression tests never set it.
 * pcap-ts: a classic pcap record whose seconds are 2^31 or more, or whose
 * microsecond (nanosecond) field is 10^6 (10^9) or more, which libpcap
 * (signed) and annotate.c (unsigned) read as different instants
 * (tests/fuzz/regressions/file/pcap-ts-*).
 */
static bool
pcap_bad_ts(const uint8_t *p, size_t n)
{
	uint32_t magic, lim, sec, frac, incl;
	bool be;
	size_t at = 24;

	if (n < 24)
		return false;
	magic = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
	if (magic == 0xa1b2c3d4u || magic == 0xd4c3b2a1u)
		lim = 1000000;
	else if (magic == 0xa1b23c4du || magic == 0x4d3cb2a1u)
		lim = 1000000000;
	else
		return false;
	be = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
	while (at + 16 <= n) {
		const uint8_t *r = p + at;

		sec = be ? (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 |
			       (uint32_t)r[2] << 8 | r[3]
			 : (uint32_t)r[3] << 24 | (uint32_t)r[2] << 16 |
			       (uint32_t)r[1] << 8 | r[0];
		frac = be ? (uint32_t)r[4] << 24 | (uint32_t)r[5] << 16 |
				(uint32_t)r[6] << 8 | r[7]
			  : (uint32_t)r[7] << 24 | (uint32_t)r[6] << 16 |
				(uint32_t)r[5] << 8 | r[4];
		incl = be ? (uint32_t)r[8] << 24 | (uint32_t)r[9] << 16 |
				(uint32_t)r[10] << 8 | r[11]
			  : (uint32_t)r[11] << 24 | (uint32_t)r[10] << 16 |
				(uint32_t)r[9] << 8 | r[8];
		if (sec >= 0x80000000u || frac >= lim)
			return true;
		if (incl > n - at - 16)
			break;
		at += 16 + incl;
	}
	return false;
}

static bool
ignoring(const char *what)
{
	const char *e = getenv("SYNLAB_FUZZ_IGNORE");

	return e != NULL && strstr(e, what) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = sl_fuzz_tmpfile(0), *out = sl_fuzz_tmpfile(1);
	const char *inputs[1];
	struct sl_annotate *ann;
	struct sl_summary s1, s2;
	uint64_t d1, d2;
	char err1[SL_ERRBUF_SIZE], err2[SL_ERRBUF_SIZE];
	int r1, r2, r3, i;

	sl_fuzz_write_file(in, data, size);
	inputs[0] = in;
	ann = sl_annotate_new();
	r1 = analyze(in, ann, &s1, &d1, err1);
	err2[0] = '\0';
	r2 = sl_annotate_write(ann, inputs, 1, out, "fuzz", err2);
	if (r2 != SL_OK && err2[0] == '\0')
		sl_fuzz_fail("sl_annotate_write returned %d without a message",
			     r2);
	sl_annotate_free(ann);
	if (r1 != SL_OK || r2 != SL_OK)
		return 0;
	if (ignoring("pcap-ts") && pcap_bad_ts(data, size))
		return 0;

	/* Round trip: the output is valid and holds the same packets. */
	r3 = analyze(out, NULL, &s2, &d2, err2);
	if (r3 != SL_OK)
		sl_fuzz_fail("round trip: annotated output unreadable: %s",
			     err2);
	same("frames", s1.frames, s2.frames, "frames");
	same("tcp segments", s1.tcp, s2.tcp, "tcp");
	same("malformed", s1.malformed, s2.malformed, "malformed");
	same("truncated", s1.truncated, s2.truncated, "truncated");
	same("handshakes", s1.handshakes, s2.handshakes, "handshakes");
	for (i = 0; i < SL_SHAPE__COUNT; i++)
		same(sl_shape_name((enum sl_shape)i), s1.shapes[i],
		     s2.shapes[i], "shape count");
	for (i = 0; i < 3; i++)
		same(sl_severity_name((enum sl_severity)i), s1.findings[i],
		     s2.findings[i], "finding count");
	if (d1 != d2)
		sl_fuzz_fail(
		    "round trip: the handshakes of the annotated output "
		    "differ from the input's (frames, times, roles)");
	return 0;
}
