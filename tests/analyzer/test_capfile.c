/* \summary: unit tests of the capture file reader: mixed pcapng, gzip, pcap seconds past 2038, clock jumps */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "analyze.h"
#include "pcapng.h"
#include "pktbuild.h"

struct seen {
	unsigned n, problems;
	int iface[4];
	char iname[4][16];
	enum sl_shape shape[4];
	int64_t t_first[4], t_last[4];
	char last_problem[256];
};

static void
on_hs(const struct sl_handshake *hs, void *arg)
{
	struct seen *s = arg;

	if (s->n < 4) {
		s->iface[s->n] = hs->iface;
		snprintf(s->iname[s->n], sizeof(s->iname[0]), "%s",
			 hs->iface_name ? hs->iface_name : "");
		s->shape[s->n] = hs->shape;
		s->t_first[s->n] = hs->t_first_ns;
		s->t_last[s->n] = hs->t_last_ns;
	}
	s->n++;
}

static void
on_problem(const char *msg, void *arg)
{
	struct seen *s = arg;

	s->problems++;
	snprintf(s->last_problem, sizeof(s->last_problem), "%s", msg);
}

static int
analyze(const char *path, struct seen *s, char *err)
{
	struct sl_analyzer_cfg cfg = {on_hs, on_problem, s, 0};
	struct sl_analyzer *az = sl_analyzer_new(&cfg);
	int rc;

	memset(s, 0, sizeof(*s));
	err[0] = '\0';
	rc = sl_analyze_file(az, 0, path, err);
	sl_analyzer_finish(az);
	sl_analyzer_free(az);
	return rc;
}

/* SYN, SYN-ACK, ACK of one connection as raw IPv4 packets. */
static size_t
hs_pkt(int i, uint16_t sport, uint8_t *b)
{
	struct tb_seg g = {NULL, NULL, sport, 80, 1000, 0, SL_TH_SYN, 512,
			   0,	 1460, 7,     1,  0,	0, 0};

	if (i == 1) {
		g.src = "10.0.0.2", g.dst = "10.0.0.1";
		g.sport = 80, g.dport = sport;
		g.seq = 5000, g.ack = 1001, g.flags = SL_TH_SYN | SL_TH_ACK;
	} else if (i == 2) {
		g.seq = 1001, g.ack = 5001, g.flags = SL_TH_ACK;
		g.mss = g.ws = -1, g.sackok = 0;
	}
	return tb_build4_n(&g, b, 200); /* b: 200 bytes */
}

/*
 * One pcapng, two interfaces: Ethernet with snaplen 262144 and raw IP
 * with snaplen 96 (libpcap 1.10 refuses this file).
 */
static void
write_mixed(const char *path)
{
	char err[SL_ERRBUF_SIZE];
	struct sl_pcapng_writer *w = sl_pcapng_open(path, NULL, err);
	uint8_t b[200];
	int i;

	assert_non_null(w);
	assert_int_equal(sl_pcapng_add_interface(w, 1, 262144, 1, "eth0", NULL),
			 0);
	assert_int_equal(sl_pcapng_add_interface(w, 12, 96, 0, "tun0", NULL),
			 1);
	for (i = 0; i < 3; i++) {
		size_t n = hs_pkt(i, 40000, b + 14);
		memset(b, 0, 12);
		b[12] = 0x08, b[13] = 0x00;
		assert_int_equal(sl_pcapng_write_packet(
				     w, 0, 1000000000LL + i * 1000000, b,
				     (uint32_t)n + 14, (uint32_t)n + 14, NULL),
				 0);
		n = hs_pkt(i, 40001, b);
		assert_int_equal(
		    sl_pcapng_write_packet(w, 1, 1000500000LL + i * 1000000, b,
					   (uint32_t)n, (uint32_t)n, NULL),
		    0);
	}
	assert_int_equal(sl_pcapng_close(w, err), 0);
}

static void
test_mixed_pcapng_and_gzip(void **state)
{
	char path[] = "/tmp/synlab-capfile-XXXXXX", gzpath[64], err[512];
	struct seen s;
	int fd = mkstemp(path);
	FILE *f;
	gzFile gz;
	uint8_t buf[4096];
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_mixed(path);
	assert_int_equal(analyze(path, &s, err), SL_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.problems, 0);
	assert_int_equal(s.shape[0], SL_SHAPE_THREE_WAY);
	assert_int_equal(s.shape[1], SL_SHAPE_THREE_WAY);
	assert_string_equal(s.iname[0], "eth0");
	assert_string_equal(s.iname[1], "tun0");
	assert_int_equal(s.iface[1], 1);
	assert_int_equal(s.t_first[0], 1000000000LL);
	assert_int_equal(s.t_first[1], 1000500000LL);
	/* the same file gzip-compressed */
	snprintf(gzpath, sizeof(gzpath), "%s.gz", path);
	f = fopen(path, "rb");
	gz = gzopen(gzpath, "wb");
	assert_non_null(f);
	assert_non_null(gz);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(gzwrite(gz, buf, (unsigned)n), (int)n);
	fclose(f);
	assert_int_equal(gzclose(gz), Z_OK);
	assert_int_equal(analyze(gzpath, &s, err), SL_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.iname[1], "tun0");
	/* a truncated gzip stream stops with a message naming the file */
	assert_int_equal(truncate(gzpath, 60), 0);
	assert_int_not_equal(analyze(gzpath, &s, err), SL_OK);
	assert_non_null(strstr(err, gzpath));
	unlink(path);
	unlink(gzpath);
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* A classic pcap (raw IP) with the given seconds per packet. */
static void
write_pcap(const char *path, const uint32_t *sec, int npk)
{
	uint8_t h[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0};
	uint8_t rec[16], b[200];
	FILE *f = fopen(path, "wb");
	int i;

	assert_non_null(f);
	put32le(h + 16, 65535);
	put32le(h + 20, 101);
	assert_int_equal(fwrite(h, 1, 24, f), 24);
	for (i = 0; i < npk; i++) {
		size_t n = hs_pkt(i % 3, 40000, b);
		put32le(rec, sec[i]);
		put32le(rec + 4, (uint32_t)(i % 3) * 1000);
		put32le(rec + 8, (uint32_t)n);
		put32le(rec + 12, (uint32_t)n);
		assert_int_equal(fwrite(rec, 1, 16, f), 16);
		assert_int_equal(fwrite(b, 1, n, f), n);
	}
	fclose(f);
}

/* Writes a 3-packet pcap with these seconds and analyzes it. */
static void
pcap_run(const uint32_t *sec, struct seen *s)
{
	char path[] = "/tmp/synlab-capfile-XXXXXX", err[512];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	write_pcap(path, sec, 3);
	assert_int_equal(analyze(path, s, err), SL_OK);
	unlink(path);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->shape[0], SL_SHAPE_THREE_WAY);
}

static void
test_pcap_seconds_past_2038(void **state)
{
	const uint32_t sec[3] = {3000000000u, 3000000000u, 3000000000u};
	struct seen s;

	(void)state;
	pcap_run(sec, &s);
	assert_true(s.t_first[0] == 3000000000LL * 1000000000LL);
	assert_int_equal(s.problems, 0);
}

/* One bogus future timestamp: reported, nothing expires, no negative time. */
static void
test_clock_jump(void **state)
{
	const uint32_t sec[3] = {1700000000u, 2100000000u, 1700000000u};
	struct seen s;

	(void)state;
	pcap_run(sec, &s);
	assert_int_equal(s.problems, 2); /* the jump ahead, the jump back */
	assert_non_null(strstr(s.last_problem, "capture clock jumps"));
	assert_true(s.t_last[0] >= s.t_first[0]);
	assert_true(s.t_last[0] - s.t_first[0] < 1000000000LL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mixed_pcapng_and_gzip),
	    cmocka_unit_test(test_pcap_seconds_past_2038),
	    cmocka_unit_test(test_clock_jump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
