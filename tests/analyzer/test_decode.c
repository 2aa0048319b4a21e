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

/* ---- tunnels: each case wraps one inner SYN, outermost header last ---- */

struct wrap {
	uint8_t b[512];
	size_t off, len; /* the frame is b[off .. off+len) */
};

static void
w_init(struct wrap *w, const uint8_t *inner, size_t n)
{
	w->off = sizeof(w->b) - n;
	w->len = n;
	memcpy(w->b + w->off, inner, n);
}

/* Prepend n header bytes (then patched by the caller through the return). */
static uint8_t *
w_push(struct wrap *w, const uint8_t *hdr, size_t n)
{
	w->off -= n;
	w->len += n;
	memcpy(w->b + w->off, hdr, n);
	return w->b + w->off;
}

static void
w_ipv4(struct wrap *w, uint8_t proto)
{
	uint8_t h[20] = {0x45, 0, 0,   0, 0, 0, 0x40, 0, 64, 0,
			 0,    0, 192, 0, 2, 1, 192,  0, 2,  2};
	uint8_t *p;

	h[9] = proto;
	p = w_push(w, h, 20);
	p[2] = (uint8_t)(w->len >> 8);
	p[3] = (uint8_t)w->len;
}

static void
w_ipv6(struct wrap *w, uint8_t nxt)
{
	uint8_t h[40] = {0x60};
	uint8_t *p;

	h[6] = nxt;
	h[7] = 64;
	h[8] = 0x20, h[9] = 0x01, h[10] = 0x0d, h[11] = 0xb8, h[23] = 1;
	h[24] = 0x20, h[25] = 0x01, h[26] = 0x0d, h[27] = 0xb8, h[39] = 2;
	p = w_push(w, h, 40);
	p[4] = (uint8_t)((w->len - 40) >> 8);
	p[5] = (uint8_t)(w->len - 40);
}

static void
w_udp(struct wrap *w, uint16_t dport)
{
	uint8_t h[8] = {0xc0, 0x00};
	uint8_t *p;

	h[2] = (uint8_t)(dport >> 8), h[3] = (uint8_t)dport;
	p = w_push(w, h, 8);
	p[4] = (uint8_t)(w->len >> 8);
	p[5] = (uint8_t)w->len;
}

static void
w_ether(struct wrap *w, uint16_t type)
{
	uint8_t h[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};

	h[12] = (uint8_t)(type >> 8), h[13] = (uint8_t)type;
	(void)w_push(w, h, 14);
}

static enum sl_dec_status
w_decode(const struct wrap *w, int dlt, struct sl_pkt *p, char *err)
{
	size_t k;
	struct sl_pkt q;
	char e2[SL_ERRBUF_SIZE];

	/* every prefix decodes without reading past it, and never
	 * "malformed": a cut is truncation */
	for (k = 0; k < w->len; k++)
		assert_int_not_equal(
		    sl_decode(dlt, w->b + w->off, k, w->len, &q, e2),
		    SL_DEC_MALFORMED);
	return sl_decode(dlt, w->b + w->off, w->len, w->len, p, err);
}

#define ASSERT_INNER_SYN(w, dlt, enc)                                          \
	do {                                                                   \
		struct sl_pkt p_;                                              \
		char e_[SL_ERRBUF_SIZE] = "";                                  \
		assert_int_equal(w_decode((w), (dlt), &p_, e_), SL_DEC_TCP);   \
		assert_int_equal(p_.dst.port, 443);                            \
		assert_int_equal(p_.flags, SL_TH_SYN);                         \
		assert_string_equal(p_.encap, (enc));                          \
	} while (0)

static size_t
inner_syn(uint8_t *ip)
{
	struct tb_seg g = {NULL, NULL, 40000, 443, 7, 0, SL_TH_SYN, 512,
			   0,	 1460, 7,     1,   0, 0, 0};
	return tb_build4_n(&g, ip, 128); /* ip: 128 bytes */
}

static void
test_tunnels(void **state)
{
	uint8_t ip[128];
	size_t n = inner_syn(ip);
	struct wrap w;

	(void)state;
	/* VXLAN: Ethernet/IPv4/UDP 4789/VXLAN/Ethernet/IPv4/TCP */
	w_init(&w, ip, n);
	w_ether(&w, 0x0800);
	(void)w_push(&w, (const uint8_t[]){0x08, 0, 0, 0, 0, 0, 42, 0}, 8);
	w_udp(&w, 4789);
	w_ipv4(&w, 17);
	w_ether(&w, 0x0800);
	ASSERT_INNER_SYN(&w, 1, "vxlan");
	/* Geneve with one 4-byte option, over IPv6 */
	w_init(&w, ip, n);
	w_ether(&w, 0x0800);
	(void)w_push(
	    &w, (const uint8_t[]){0x01, 0, 0x65, 0x58, 0, 0, 7, 0, 1, 2, 3, 0},
	    12);
	w_udp(&w, 6081);
	w_ipv6(&w, 17);
	w_ether(&w, 0x86dd);
	ASSERT_INNER_SYN(&w, 1, "geneve");
	/* GTP-U with a sequence number and one extension header */
	w_init(&w, ip, n);
	(void)w_push(&w, (const uint8_t[]){1, 0x09, 0, 0}, 4); /* PDU session */
	(void)w_push(
	    &w, (const uint8_t[]){0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0x85},
	    12);
	w_udp(&w, 2152);
	w_ipv4(&w, 17);
	ASSERT_INNER_SYN(&w, 12, "gtp-u");
	/* GRE with key and sequence, MPLS two labels */
	w_init(&w, ip, n);
	(void)w_push(&w, (const uint8_t[]){0, 0, 0x10, 0x40, 0, 0, 0x21, 0x40},
		     8);
	(void)w_push(
	    &w, (const uint8_t[]){0x30, 0, 0x88, 0x47, 0, 0, 0, 9, 0, 0, 0, 1},
	    12);
	w_ipv4(&w, 47);
	w_ether(&w, 0x0800);
	ASSERT_INNER_SYN(&w, 1, "gre/mpls");
	/* ERSPAN type II (sequence bit) and type III with a subheader */
	w_init(&w, ip, n);
	w_ether(&w, 0x0800);
	(void)w_push(&w, (const uint8_t[]){0x10, 0x00, 0, 1, 0, 0, 0, 0}, 8);
	(void)w_push(&w, (const uint8_t[]){0x10, 0, 0x88, 0xbe, 0, 0, 0, 1}, 8);
	w_ipv4(&w, 47);
	ASSERT_INNER_SYN(&w, 12, "erspan2");
	w_init(&w, ip, n);
	w_ether(&w, 0x0800);
	(void)w_push(&w, (const uint8_t[]){0, 0, 0, 0, 0, 0, 0, 0}, 8);
	(void)w_push(
	    &w, (const uint8_t[]){0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x01},
	    12);
	(void)w_push(&w, (const uint8_t[]){0, 0, 0x22, 0xeb}, 4);
	w_ipv4(&w, 47);
	ASSERT_INNER_SYN(&w, 12, "erspan3");
	/* IP in IP, the four combinations (inner IPv4 here: 4in4, 4in6) */
	w_init(&w, ip, n);
	w_ipv4(&w, 4);
	ASSERT_INNER_SYN(&w, 12, "ipip");
	w_init(&w, ip, n);
	w_ipv6(&w, 4);
	ASSERT_INNER_SYN(&w, 12, "4in6");
	/* PPPoE session over Ethernet, PPP, Cisco HDLC */
	w_init(&w, ip, n);
	(void)w_push(&w, (const uint8_t[]){0x11, 0, 0, 1, 0, 0, 0, 0x21}, 8);
	w.b[w.off + 4] = (uint8_t)((w.len - 6) >> 8);
	w.b[w.off + 5] = (uint8_t)(w.len - 6);
	w_ether(&w, 0x8864);
	ASSERT_INNER_SYN(&w, 1, "pppoe");
	w_init(&w, ip, n);
	(void)w_push(&w, (const uint8_t[]){0xff, 0x03, 0x00, 0x21}, 4);
	ASSERT_INNER_SYN(&w, 9, "");
	w_init(&w, ip, n);
	(void)w_push(&w, (const uint8_t[]){0x0f, 0x00, 0x08, 0x00}, 4);
	ASSERT_INNER_SYN(&w, 104, "");
	ASSERT_INNER_SYN(&w, 50, ""); /* PPP_SERIAL holding Cisco HDLC */
	/* NFLOG: a prefix TLV, then the payload TLV (little-endian TLVs) */
	w_init(&w, ip, n);
	(void)w_push(&w, (const uint8_t[]){0, 0, 9, 0}, 4);
	w.b[w.off] = (uint8_t)(n + 4);
	(void)w_push(&w, (const uint8_t[]){8, 0, 10, 0, 'a', 'b', 'c', 0}, 8);
	(void)w_push(&w, (const uint8_t[]){2, 0, 0, 0}, 4);
	ASSERT_INNER_SYN(&w, 239, "");
	/* FDDI + LLC/SNAP */
	w_init(&w, ip, n);
	(void)w_push(&w, (const uint8_t[]){0xaa, 0xaa, 3, 0, 0, 0, 8, 0}, 8);
	(void)w_push(
	    &w, (const uint8_t[]){0x50, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6},
	    13);
	ASSERT_INNER_SYN(&w, 10, "");
}

/* Hostile nesting stops at the depth limit: malformed, not a loop. */
static void
test_tunnel_depth(void **state)
{
	uint8_t ip[128];
	size_t n = inner_syn(ip);
	struct wrap w;
	struct sl_pkt p;
	char err[SL_ERRBUF_SIZE];
	int i;

	(void)state;
	w_init(&w, ip, n);
	for (i = 0; i < 7; i++)
		w_ipv4(&w, 4);
	ASSERT_INNER_SYN(&w, 12, "ipip/ipip/ipip/ipip/ipip/ipip/ipip");
	w_ipv4(&w, 4);
	ASSERT_INNER_SYN(&w, 12, "ipip/ipip/ipip/ipip/ipip/ipip/ipip/ipip");
	w_ipv4(&w, 4);
	assert_int_equal(sl_decode(12, w.b + w.off, w.len, w.len, &p, err),
			 SL_DEC_MALFORMED);
	assert_non_null(strstr(err, "nested encapsulations"));
}

/* Offload super-packets and jumbograms use the captured length. */
static void
test_gso_lengths(void **state)
{
	struct tb_seg g = {NULL, NULL, 40000, 443, 7, 9, SL_TH_ACK, 512,
			   3000, -1,   -1,    0,   0, 0, 0};
	static uint8_t b[4096];
	uint8_t j[40 + 8 + 20];
	size_t n = tb_build4(&g, b);
	struct sl_pkt p;
	char err[SL_ERRBUF_SIZE];

	(void)state;
	/* IPv4 total length 0 (BIG TCP / Windows TSO) */
	b[2] = b[3] = 0;
	assert_int_equal(sl_decode(12, b, n, n, &p, err), SL_DEC_TCP);
	assert_int_equal(p.paylen, 3000);
	assert_true(p.gso);
	/* a total length above the 3040 bytes of a super-packet */
	b[2] = 4000 >> 8, b[3] = 4000 & 0xff;
	assert_int_equal(sl_decode(12, b, n, n, &p, err), SL_DEC_TCP);
	assert_int_equal(p.paylen, 3000);
	/* ... but in a small frame a long total length is a lie */
	assert_int_equal(sl_decode(12, b, 60, 60, &p, err), SL_DEC_MALFORMED);
	/* IPv6 jumbogram: payload length 0, Jumbo Payload option */
	memset(j, 0, sizeof(j));
	j[0] = 0x60, j[6] = 0, j[7] = 64, j[23] = 1, j[39] = 2;
	j[40] = 6, j[42] = 0xc2, j[43] = 4;
	j[47] = 28; /* hop-by-hop (8) + TCP (20) */
	j[60] = 0x50, j[61] = SL_TH_SYN;
	assert_int_equal(sl_decode(12, j, sizeof(j), sizeof(j), &p, err),
			 SL_DEC_TCP);
	assert_int_equal(p.paylen, 0);
	assert_true(p.gso);
}

static void
test_accecn_ae(void **state)
{
	uint8_t ip[128];
	size_t n = inner_syn(ip);
	struct sl_pkt p;
	char err[SL_ERRBUF_SIZE];

	(void)state;
	assert_int_equal(sl_decode(12, ip, n, n, &p, err), SL_DEC_TCP);
	assert_false(p.ae);
	ip[32] |= 0x01; /* AE: the bit before CWR */
	ip[33] |= SL_TH_ECE | SL_TH_CWR;
	assert_int_equal(sl_decode(12, ip, n, n, &p, err), SL_DEC_TCP);
	assert_true(p.ae);
	assert_int_equal(p.flags, SL_TH_SYN | SL_TH_ECE | SL_TH_CWR);
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
	    cmocka_unit_test(test_tunnels),
	    cmocka_unit_test(test_tunnel_depth),
	    cmocka_unit_test(test_gso_lengths),
	    cmocka_unit_test(test_accecn_ae),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
