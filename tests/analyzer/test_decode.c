/* \summary: unit tests of the bounds-checked reader and the link/IP/TCP decoder */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "pktbuild.h"
#include "rd.h"

#define DLT_RAW_ 12

static void
test_reader_bounds(void **state)
{
	static const uint8_t b[] = {0x12, 0x34, 0x56, 0x78, 0x9a};
	struct sl_rd rd = sl_rd_make(b, sizeof(b));
	uint16_t v16;
	uint32_t v32;
	uint8_t v8;
	struct sl_rd sub;

	(void)state;
	assert_int_equal(sl_rd_be32(&rd, &v32), SL_OK);
	assert_int_equal(v32, 0x12345678);
	assert_int_equal(sl_rd_be16(&rd, &v16), SL_ETRUNC);
	assert_int_equal(rd.left, 1); /* a failed read consumes nothing */
	assert_int_equal(sl_rd_u8(&rd, &v8), SL_OK);
	assert_int_equal(v8, 0x9a);
	assert_int_equal(sl_rd_u8(&rd, &v8), SL_ETRUNC);
	rd = sl_rd_make(b, sizeof(b));
	sub = sl_rd_sub(&rd, 100);
	assert_int_equal(sub.left, sizeof(b));
	assert_int_equal(sl_rd_skip(&rd, 6), SL_ETRUNC);
	assert_int_equal(sl_rd_le16(&rd, &v16), SL_OK);
	assert_int_equal(v16, 0x3412);
}

static void
test_syn_options(void **state)
{
	struct tb_seg g = {NULL, NULL, 1314, 80, 1000, 0,  SL_TH_SYN, 64240,
			   0,	 1460, 7,    1,	 1,    11, 0};
	uint8_t buf[128];
	size_t n = tb_build4(&g, buf);
	struct sl_pkt p;
	char err[SL_ERRBUF_SIZE];

	(void)state;
	assert_int_equal(sl_decode(DLT_RAW_, buf, n, n, &p, err), SL_DEC_TCP);
	assert_int_equal(p.src.addr.family, 4);
	assert_int_equal(p.src.port, 1314);
	assert_int_equal(p.dst.port, 80);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.flags, SL_TH_SYN);
	assert_int_equal(p.win, 64240);
	assert_true(p.opts.has_mss);
	assert_int_equal(p.opts.mss, 1460);
	assert_true(p.opts.has_ws);
	assert_int_equal(p.opts.ws, 7);
	assert_true(p.opts.sack_ok);
	assert_true(p.opts.has_ts);
	assert_int_equal(p.opts.ts_val, 11);
	assert_false(p.trunc);
	assert_int_equal(p.paylen, 0);
}

static void
test_truncated_vs_malformed(void **state)
{
	struct tb_seg g = {NULL, NULL, 1, 2, 5, 0,  SL_TH_SYN, 100,
			   0,	 1460, 7, 1, 1, 11, 0};
	uint8_t buf[128];
	size_t n = tb_build4(&g, buf);
	struct sl_pkt p;
	char err[SL_ERRBUF_SIZE];

	(void)state;
	/* snaplen cut inside the options: usable, marked truncated */
	assert_int_equal(sl_decode(DLT_RAW_, buf, 46, n, &p, err), SL_DEC_TCP);
	assert_true(p.trunc);
	assert_true(p.opts.has_mss);
	/* cut before the TCP flags: nothing to go on */
	assert_int_equal(sl_decode(DLT_RAW_, buf, 30, n, &p, err),
			 SL_DEC_TRUNC);
	/* IHL 4 */
	buf[0] = 0x44;
	assert_int_equal(sl_decode(DLT_RAW_, buf, n, n, &p, err),
			 SL_DEC_MALFORMED);
	assert_non_null(strstr(err, "IHL"));
	buf[0] = 0x45;
	/* TCP data offset 4 */
	buf[32] = 0x40;
	assert_int_equal(sl_decode(DLT_RAW_, buf, n, n, &p, err),
			 SL_DEC_MALFORMED);
	assert_non_null(strstr(err, "data offset"));
	/* option length 0: the classic infinite loop */
	n = tb_build4(&g, buf);
	buf[41] = 0;
	assert_int_equal(sl_decode(DLT_RAW_, buf, n, n, &p, err), SL_DEC_TCP);
	assert_true(p.opts_malformed);
	assert_non_null(strstr(err, "length 0"));
	/* total length larger than the wire */
	n = tb_build4(&g, buf);
	buf[2] = 0x05;
	assert_int_equal(sl_decode(DLT_RAW_, buf, n, n, &p, err),
			 SL_DEC_MALFORMED);
}

static void
test_link_types(void **state)
{
	struct tb_seg g = {NULL, NULL, 40000, 443, 7, 9, SL_TH_SYN | SL_TH_ACK,
			   512,	 0,    -1,    -1,  0, 0, 0,
			   0};
	uint8_t ip[128], frame[192];
	size_t n = tb_build4(&g, ip);
	struct sl_pkt p;
	char err[SL_ERRBUF_SIZE];

	(void)state;
	/* Ethernet with two VLAN tags (QinQ) */
	memset(frame, 0, 22);
	frame[12] = 0x88, frame[13] = 0xa8;
	frame[16] = 0x81, frame[17] = 0x00;
	frame[20] = 0x08, frame[21] = 0x00;
	memcpy(frame + 22, ip, n);
	assert_int_equal(sl_decode(1, frame, n + 22, n + 22, &p, err),
			 SL_DEC_TCP);
	assert_int_equal(p.dst.port, 443);
	/* Linux cooked SLL: packet type 4 (outgoing) */
	memset(frame, 0, 16);
	frame[1] = 4;
	frame[14] = 0x08;
	memcpy(frame + 16, ip, n);
	assert_int_equal(sl_decode(113, frame, n + 16, n + 16, &p, err),
			 SL_DEC_TCP);
	assert_int_equal(p.sll_pkttype, 4);
	/* SLL2 */
	memset(frame, 0, 20);
	frame[0] = 0x08;
	frame[10] = 0;
	memcpy(frame + 20, ip, n);
	assert_int_equal(sl_decode(276, frame, n + 20, n + 20, &p, err),
			 SL_DEC_TCP);
	/* BSD NULL, little- and big-endian AF_INET */
	memset(frame, 0, 4);
	frame[0] = 2;
	memcpy(frame + 4, ip, n);
	assert_int_equal(sl_decode(0, frame, n + 4, n + 4, &p, err),
			 SL_DEC_TCP);
	frame[0] = 0;
	frame[3] = 2;
	assert_int_equal(sl_decode(0, frame, n + 4, n + 4, &p, err),
			 SL_DEC_TCP);
	assert_int_equal(sl_decode(108, frame, n + 4, n + 4, &p, err),
			 SL_DEC_TCP);
	/* an unknown link type */
	assert_int_equal(sl_decode(147, frame, n, n, &p, err), SL_DEC_LINKTYPE);
	/* every prefix of the frame decodes without reading past it */
	{
		size_t k;
		for (k = 0; k <= n + 4; k++)
			(void)sl_decode(0, frame, k, n + 4, &p, err);
	}
}

static void
test_ipv6_ext(void **state)
{
	uint8_t b[40 + 8 + 8 + 20];
	struct sl_pkt p;
	char err[SL_ERRBUF_SIZE];
	char s[SL_EP_STRLEN];

	(void)state;
	memset(b, 0, sizeof(b));
	b[0] = 0x60;
	b[5] = 36; /* payload length */
	b[6] = 0;  /* hop-by-hop */
	b[7] = 64;
	b[23] = 1;    /* src ::1 */
	b[24] = 0xfd; /* dst fd00::2 */
	b[39] = 2;
	b[40] = 60; /* hop-by-hop: next dest opts, len 0 (8 bytes) */
	b[48] = 6;  /* dest opts: next TCP */
	b[56] = 0x04, b[57] = 0xd2;
	b[58] = 0x00, b[59] = 0x50;
	b[68] = 0x50;
	b[69] = SL_TH_SYN;
	assert_int_equal(sl_decode(12, b, sizeof(b), sizeof(b), &p, err),
			 SL_DEC_TCP);
	assert_int_equal(p.src.addr.family, 6);
	assert_string_equal(sl_endpoint_str(&p.src, s, sizeof(s)),
			    "[::1]:1234");
	assert_string_equal(sl_endpoint_str(&p.dst, s, sizeof(s)),
			    "[fd00::2]:80");
	/* an extension header whose length runs past the payload */
	b[41] = 30;
	assert_int_equal(sl_decode(12, b, sizeof(b), sizeof(b), &p, err),
			 SL_DEC_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reader_bounds),
	    cmocka_unit_test(test_syn_options),
	    cmocka_unit_test(test_truncated_vs_malformed),
	    cmocka_unit_test(test_link_types),
	    cmocka_unit_test(test_ipv6_ext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
