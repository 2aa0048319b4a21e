/* \summary: unit tests of the SVG ladder: well-formed XML, escaping, the handshake cap */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "svg.h"

#ifndef SL_TEST_TMPDIR
#define SL_TEST_TMPDIR "."
#endif

/*
 * Stand-ins for the analyzer's name helpers (analyze/names.c, decode.c),
 * used only when those are not linked: this test compiles svg.c alone so
 * it neither waits for nor depends on the analyzer.
 */
__attribute__((weak)) char *
sl_endpoint_str(const struct sl_endpoint *ep, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u:%u", ep->addr.b[0], ep->addr.b[1],
		 ep->addr.b[2], ep->addr.b[3], ep->port);
	return buf;
}

__attribute__((weak)) const char *
sl_state_name(enum sl_state s)
{
	static const char *const n[SL_ST__COUNT] = {
	    "?",	  "CLOSED",	  "LISTEN",
	    "SYN-SENT",	  "SYN-RECEIVED", "ESTABLISHED",
	    "FIN-WAIT-1", "FIN-WAIT-2",	  "CLOSE-WAIT",
	    "CLOSING",	  "LAST-ACK",	  "TIME-WAIT",
	};
	return (unsigned)s < SL_ST__COUNT ? n[s] : "?";
}

__attribute__((weak)) const char *
sl_shape_name(enum sl_shape s)
{
	static const char *const n[SL_SHAPE__COUNT] = {
	    "three-way",  "simultaneous-open", "self-connect",
	    "refused",	  "unanswered",	       "reset",
	    "incomplete",
	};
	return (unsigned)s < SL_SHAPE__COUNT ? n[s] : "?";
}

__attribute__((weak)) const char *
sl_role_name(enum sl_role r)
{
	switch (r) {
	case SL_ROLE_SYN_RETX:
		return "SYN retransmission";
	case SL_ROLE_SYNACK_RETX:
		return "SYN-ACK retransmission";
	case SL_ROLE_DUP_ACK:
		return "second ACK";
	default:
		return "segment";
	}
}

__attribute__((weak)) const char *
sl_severity_name(enum sl_severity s)
{
	return s == SL_SEV_VIOLATION ? "violation"
	       : s == SL_SEV_WARNING ? "warning"
				     : "note";
}

__attribute__((weak)) const char *
sl_vantage_name(enum sl_vantage v)
{
	static const char *const n[] = {"unknown", "a", "b", "local", "path"};

	return (unsigned)v < 5 ? n[v] : "unknown";
}

#define MS INT64_C(1000000)
#define T0 INT64_C(1700000000000000000)

static void
ep(struct sl_endpoint *e, uint8_t last, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	e->addr.family = 4;
	e->addr.b[0] = 10;
	e->addr.b[3] = last;
	e->port = port;
}

static void
frame(struct sl_hs_frame *f, uint64_t no, int64_t ts, int from, uint8_t flags,
      int role, uint32_t seq, uint32_t ack, int sa, int sb, const char *note)
{
	memset(f, 0, sizeof(*f));
	f->frame = no;
	f->ts_ns = ts;
	f->from = (uint8_t)from;
	f->flags = flags;
	f->role = (uint8_t)role;
	f->seq = seq;
	f->ack = ack;
	f->st[0][1] = (uint8_t)sa;
	f->st[1][1] = (uint8_t)sb;
	snprintf(f->note, sizeof(f->note), "%s", note);
}

static struct sl_hs_frame fr[8];
static struct sl_finding fi[2];

static void
base(struct sl_handshake *hs, unsigned id, enum sl_shape shape)
{
	memset(hs, 0, sizeof(*hs));
	hs->id = id;
	hs->shape = shape;
	hs->file_name = "run.pcapng";
	ep(&hs->ep[0], 1, 1314);
	ep(&hs->ep[1], 2, 1314);
	hs->has_isn[0] = hs->has_isn[1] = 1;
	hs->isn[0] = 1000;
	hs->isn[1] = 4000000000u;
	hs->frames = fr;
	hs->find = fi;
	hs->crossing_us = -1;
	hs->rtt_us = -1;
}

/* RFC 9293 Figure 7 as a capture at A: the SYNs cross. */
static void
simopen(struct sl_handshake *hs)
{
	const uint8_t S = SL_TH_SYN, SA = SL_TH_SYN | SL_TH_ACK;

	base(hs, 1, SL_SHAPE_SIMOPEN);
	hs->vantage = SL_VANT_A;
	hs->rtt_us = 8200;
	hs->crossing_us = 4100;
	frame(&fr[0], 1, T0, 0, S, SL_ROLE_SYN, 1000, 0, SL_ST_SYN_SENT, 0, "");
	frame(&fr[1], 2, T0 + 4100000, 1, S, SL_ROLE_SYN, 4000000000u, 0,
	      SL_ST_SYN_RECEIVED, SL_ST_SYN_SENT,
	      "crossing SYN, in flight 4.1 ms");
	frame(&fr[2], 3, T0 + 4200000, 0, SA, SL_ROLE_SYNACK, 1000, 4000000001u,
	      0, SL_ST_SYN_RECEIVED, "");
	frame(&fr[3], 4, T0 + 8300000, 1, SA, SL_ROLE_SYNACK, 4000000000u, 1001,
	      SL_ST_ESTABLISHED, SL_ST_ESTABLISHED, "");
	/* B reached ESTABLISHED when A's SYN-ACK arrived: shown there. */
	fr[2].st[1][1] = SL_ST_ESTABLISHED;
	fr[3].st[1][1] = 0;
	hs->nframes = 4;
	hs->nfind = 1;
	fi[0].sev = SL_SEV_NOTE;
	fi[0].rule = "simultaneous-open";
	fi[0].rfc = "RFC 9293 \xc2\xa7"
		    "3.5";
	fi[0].frames[0] = 2;
	fi[0].nframes = 1;
	snprintf(fi[0].message, sizeof(fi[0].message),
		 "both sides sent SYN <before> the other's arrived & crossed");
}

static void
refused(struct sl_handshake *hs)
{
	base(hs, 2, SL_SHAPE_REFUSED);
	hs->vantage = SL_VANT_A;
	hs->rtt_us = 120;
	hs->has_isn[1] = 0;
	frame(&fr[0], 5, T0, 0, SL_TH_SYN, SL_ROLE_SYN, 1000, 0, SL_ST_SYN_SENT,
	      0, "");
	frame(&fr[1], 6, T0 + 120000, 1, SL_TH_RST | SL_TH_ACK, SL_ROLE_RST, 0,
	      1001, SL_ST_CLOSED, 0, "connection refused");
	hs->nframes = 2;
	hs->nfind = 0;
}

static void
self_connect(struct sl_handshake *hs)
{
	base(hs, 3, SL_SHAPE_SELF);
	hs->self = 1;
	hs->vantage = SL_VANT_LOCAL;
	hs->ep[1] = hs->ep[0];
	hs->isn[1] = hs->isn[0];
	frame(&fr[0], 1, T0, 0, SL_TH_SYN, SL_ROLE_SYN, 1000, 0, SL_ST_SYN_SENT,
	      SL_ST_SYN_RECEIVED, "its own SYN");
	frame(&fr[1], 2, T0 + 30000, 0, SL_TH_SYN | SL_TH_ACK, SL_ROLE_SYNACK,
	      1000, 1001, SL_ST_SYN_RECEIVED, SL_ST_ESTABLISHED, "");
	hs->nframes = 2;
	hs->nfind = 0;
}

/* SYN lost twice: 1 s and 2 s retransmission gaps around a fast exchange. */
static void
retx(struct sl_handshake *hs, unsigned id)
{
	base(hs, id, SL_SHAPE_THREE_WAY);
	hs->vantage = SL_VANT_B;
	hs->rtt_us = 300;
	hs->file_name = "bad\xff\xfe name <&>.pcap";
	frame(&fr[0], 1, T0, 0, SL_TH_SYN, SL_ROLE_SYN, 1000, 0, SL_ST_SYN_SENT,
	      0, "");
	frame(&fr[1], 2, T0 + 1000 * MS, 0, SL_TH_SYN, SL_ROLE_SYN_RETX, 1000,
	      0, 0, SL_ST_SYN_RECEIVED, "");
	frame(&fr[2], 3, T0 + 1000 * MS + 40000, 1, SL_TH_SYN | SL_TH_ACK,
	      SL_ROLE_SYNACK, 4000000000u, 1001, SL_ST_ESTABLISHED, 0, "");
	frame(&fr[3], 4, T0 + 3000 * MS + 40000, 0, SL_TH_SYN, SL_ROLE_SYN_RETX,
	      1000, 0, 0, 0, "late copy\x01");
	frame(&fr[4], 5, T0 + 3000 * MS + 80000, 1, SL_TH_ACK,
	      SL_ROLE_CHALLENGE_ACK, 4000000001u, 1001, 0, 0, "");
	frame(&fr[5], 6, T0 + 3000 * MS + 90000, 0, SL_TH_ACK, SL_ROLE_ACK,
	      1001, 4000000001u, 0, SL_ST_ESTABLISHED, "");
	hs->nframes = 6;
	hs->frames_omitted = 3;
	hs->nfind = 2;
	fi[0].sev = SL_SEV_VIOLATION;
	fi[0].rule = "synack-bad-ack";
	fi[0].rfc = "RFC 9293";
	fi[0].frames[0] = 3;
	fi[0].nframes = 1;
	snprintf(fi[0].message, sizeof(fi[0].message), "made-up violation");
	fi[1].sev = SL_SEV_WARNING;
	fi[1].rule = "syn-retx";
	fi[1].rfc = "RFC 6298";
	fi[1].nframes = 0;
	snprintf(fi[1].message, sizeof(fi[1].message), "2 retransmissions");
}

/* Feeds the sample handshakes through the callback, as the analyzer would. */
static int
write_sample(const char *path, unsigned max_hs, unsigned extra)
{
	char errbuf[SL_ERRBUF_SIZE];
	struct sl_svg *s = sl_svg_new(max_hs);
	struct sl_handshake hs;
	unsigned i;
	int rc;

	simopen(&hs);
	sl_svg_handshake(&hs, s);
	/* The callback must copy: scribble over the borrowed arrays. */
	memset(fr, 0xa5, sizeof(fr));
	memset(fi, 0, sizeof(fi));
	refused(&hs);
	sl_svg_handshake(&hs, s);
	self_connect(&hs);
	sl_svg_handshake(&hs, s);
	for (i = 0; i < 1 + extra; i++) {
		retx(&hs, 4 + i);
		sl_svg_handshake(&hs, s);
	}
	rc = sl_svg_write(s, path, errbuf);
	if (rc != 0)
		fprintf(stderr, "%s\n", errbuf);
	sl_svg_free(s);
	return rc;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = calloc(1, (size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return b;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* Well-formed per xmllint when it is installed; the basics either way. */
static void
test_well_formed(void **state)
{
	char path[512], cmd[1100];
	char *svg;

	(void)state;
	snprintf(path, sizeof(path), "%s/ladder.svg", SL_TEST_TMPDIR);
	assert_int_equal(write_sample(path, 8, 0), 0);
	svg = slurp(path);
	assert_non_null(
	    strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(svg, "</svg>\n"));
	assert_int_equal(count(svg, "<text"), count(svg, "</text>"));
	/* Escaped text, no raw markup from the message or the file name. */
	assert_non_null(strstr(svg, "SYN &lt;before&gt; the other&#39;s "
				    "arrived &amp; crossed"));
	assert_null(strstr(svg, "<before>"));
	assert_non_null(strstr(svg, "bad?? name &lt;&amp;&gt;.pcap"));
	assert_null(strstr(svg, "\xff"));
	assert_null(strstr(svg, "\x01"));
	/* The content the diagram is for. */
	assert_non_null(strstr(svg, "#1 simultaneous-open"));
	assert_non_null(strstr(svg, "SYN seq=0"));
	assert_non_null(strstr(svg, "SYN-ACK seq=0 ack=1"));
	assert_non_null(strstr(svg, "RST-ACK seq=0 ack=1"));
	assert_non_null(strstr(svg, "SYN-RECEIVED"));
	assert_non_null(strstr(svg, "crossing SYN, in flight 4.1 ms"));
	assert_non_null(strstr(svg, "SYN retransmission"));
	assert_non_null(strstr(svg, "later")); /* axis break */
	assert_non_null(strstr(svg, "3 later frames not drawn"));
	assert_non_null(strstr(svg, "violation synack-bad-ack"));
	assert_non_null(strstr(svg, "connected to itself"));
	assert_null(strstr(svg, "more handshake"));
	free(svg);

	if (system("command -v xmllint >/dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
		assert_int_equal(system(cmd), 0);
	}
}

/* Crossing SYNs cross: with the capture at A, B's SYN left before A's arrived. */
static void
test_crossing_geometry(void **state)
{
	char path[512];
	char *svg, *p;
	double y[2][4];
	int i = 0, got;

	(void)state;
	snprintf(path, sizeof(path), "%s/cross.svg", SL_TEST_TMPDIR);
	assert_int_equal(write_sample(path, 1, 0), 0);
	svg = slurp(path);
	/* The first two blue (SYN) arrows: A->B, then B->A. */
	p = svg;
	while (i < 2 && (p = strstr(p, "<line x1=\"")) != NULL) {
		char color[16] = "";

		got = sscanf(p,
			     "<line x1=\"%lf\" y1=\"%lf\" x2=\"%lf\" "
			     "y2=\"%lf\" stroke=\"%15[^\"]\"",
			     &y[i][0], &y[i][1], &y[i][2], &y[i][3], color);
		if (got == 5 && strcmp(color, "#1f5fbf") == 0)
			i++;
		p++;
	}
	assert_int_equal(i, 2);
	/* A's SYN goes right and down; B's goes left and down. */
	assert_true(y[0][2] > y[0][0] && y[0][3] > y[0][1]);
	assert_true(y[1][2] < y[1][0] && y[1][3] > y[1][1]);
	/* They cross: B's departs before A's arrives, arrives after A's left. */
	assert_true(y[1][1] < y[0][3]);
	assert_true(y[1][3] > y[0][1]);
	/* Capped at 1: the other handshakes are counted, not drawn. */
	assert_non_null(strstr(svg, "3 more handshakes not drawn"));
	free(svg);
}

static void
test_empty_and_errors(void **state)
{
	char path[512], errbuf[SL_ERRBUF_SIZE];
	struct sl_svg *s = sl_svg_new(4);
	char *svg;

	(void)state;
	snprintf(path, sizeof(path), "%s/empty.svg", SL_TEST_TMPDIR);
	assert_int_equal(sl_svg_write(s, path, errbuf), 0);
	svg = slurp(path);
	assert_non_null(strstr(svg, "no handshakes to draw"));
	free(svg);
	assert_int_equal(sl_svg_write(s, "/nonexistent-dir/x.svg", errbuf),
			 SL_EIO);
	assert_non_null(strstr(errbuf, "/nonexistent-dir/x.svg"));
	assert_int_equal(sl_svg_write(s, "/dev/full", errbuf), SL_EIO);
	sl_svg_free(s);
	sl_svg_free(NULL);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_well_formed),
	    cmocka_unit_test(test_crossing_geometry),
	    cmocka_unit_test(test_empty_and_errors),
	};

	/* "test_svg write OUT": the sample diagram, to look at. */
	if (argc == 3 && strcmp(argv[1], "write") == 0)
		return write_sample(argv[2], 8, 0) != 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
