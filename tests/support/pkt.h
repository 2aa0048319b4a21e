/* \summary: test support: bytes, the internet checksum, IPv4/IPv6 + TCP segments (RFC 791, 8200, 9293, 1071) */
#ifndef SL_TESTPKT_H
#define SL_TESTPKT_H

/*
 * One packet builder for the test and benchmark tools (tests/gen,
 * tests/fuzz, tests/analyzer, bench), which used to carry a copy each.
 * It is deliberately independent of the product's decoder and pcapng
 * writer, so the tests built on it are an outside oracle.  Everything
 * aborts on a caller's mistake (an option list or a packet that does not
 * fit): these are tools, and a wrong test input must not pass silently.
 */

#include <stddef.h>
#include <stdint.h>

/* Big-endian (network order) and little-endian stores; v is truncated. */
void sl_tp_put16(uint8_t *p, uint32_t v);
void sl_tp_put32(uint8_t *p, uint32_t v);
void sl_tp_le16(uint8_t *p, uint32_t v);
void sl_tp_le32(uint8_t *p, uint32_t v);

/*
 * The internet checksum (RFC 1071): sl_tp_sum adds the n bytes at p as
 * big-endian 16-bit words (an odd last byte padded with zero) to the
 * partial sum s; sl_tp_fold folds the carries and complements.
 */
uint32_t sl_tp_sum(const uint8_t *p, size_t n, uint32_t s);
uint16_t sl_tp_fold(uint32_t s);

/* splitmix64: the next number of the sequence whose state is *s. */
uint64_t sl_tp_splitmix64(uint64_t *s);

/* TCP options under construction: at most 40 bytes (RFC 9293 §3.1). */
#define SL_TP_OPTMAX 40
struct sl_tp_opt {
	uint8_t b[SL_TP_OPTMAX];
	size_t n;
};

void sl_tp_opt_nop(struct sl_tp_opt *o);
void sl_tp_opt_mss(struct sl_tp_opt *o, uint16_t mss);
void sl_tp_opt_ws(struct sl_tp_opt *o, uint8_t shift);
void sl_tp_opt_sackok(struct sl_tp_opt *o);
void sl_tp_opt_ts(struct sl_tp_opt *o, uint32_t val, uint32_t ecr);
/* SACK blocks as Linux sends them: nop, nop, kind 5; 2*nblk edges. */
void sl_tp_opt_sack(struct sl_tp_opt *o, unsigned nblk, const uint32_t *edges);
void sl_tp_opt_raw(struct sl_tp_opt *o, const void *b, size_t n);
/* Linux's SYN template, in its order: mss, sackOK, TS, nop, wscale. */
void sl_tp_opt_linux_syn(struct sl_tp_opt *o, uint16_t mss, uint32_t tsval,
			 uint32_t tsecr, uint8_t ws);

#define SL_TP_DF 0x4000 /* IPv4 flags and fragment offset: don't fragment */

/*
 * One TCP segment in an IPv4 or IPv6 packet, every field as written on
 * the wire.  The damage fields (ihl, totlen, doff) let a test write a
 * header that lies; zero there means the correct value.
 */
struct sl_tp_seg {
	int v6;
	const uint8_t *src, *dst; /* 4 or 16 bytes */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *tcpopt;	/* padded to 4 bytes with EOL (zero) */
	size_t tcpoptlen;	/* at most SL_TP_OPTMAX */
	const uint8_t *payload; /* NULL: len zero bytes */
	size_t len;
	/* IPv4: identification, flags and fragment offset (SL_TP_DF), and
	 * options (a multiple of 4 bytes) */
	uint16_t ipid, ipfrag;
	const uint8_t *ip4opt;
	size_t ip4optlen;
	/* IPv6: flow label, and an extension chain whose last next-header is
	 * TCP, with v6ext_nh the fixed header's next header */
	uint32_t flow;
	const uint8_t *v6ext;
	size_t v6extlen;
	uint8_t v6ext_nh;
	/* damage: IPv4 header length in words (the header checksum covers
	 * that many bytes), IPv4 total length, TCP data offset in words */
	int ihl, totlen, doff;
	int nocsum; /* leave both checksums zero */
};

/*
 * Writes the IP packet (IP header first) into buf of cap bytes and
 * returns its length.  TTL / hop limit 64.  Aborts if it does not fit.
 */
size_t sl_tp_build(const struct sl_tp_seg *g, uint8_t *buf, size_t cap);

#endif /* SL_TESTPKT_H */
