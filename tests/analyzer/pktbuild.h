/* \summary: build raw IPv4/IPv6 + TCP packets for analyzer unit tests */
#ifndef SL_TEST_PKTBUILD_H
#define SL_TEST_PKTBUILD_H

#include <stdint.h>
#include <string.h>

#include "decode.h"

struct tb_seg {
	const char *src, *dst; /* "a.b.c.d" or NULL for the defaults */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint16_t len; /* payload bytes (zeros) */
	int mss, ws;  /* -1: absent */
	int sackok, ts;
	uint32_t tsval, tsecr;
};

static inline void
tb_ip4(const char *s, uint8_t *b)
{
	unsigned x[4] = {0, 0, 0, 0};
	int i;

	for (i = 0; i < 4 && s != NULL; i++) {
		x[i] = 0;
		while (*s >= '0' && *s <= '9')
			x[i] = x[i] * 10 + (unsigned)(*s++ - '0');
		if (*s == '.')
			s++;
		b[i] = (uint8_t)x[i];
	}
}

/* Writes an IPv4 packet (DLT_RAW) into buf; returns its length. */
static inline size_t
tb_build4(const struct tb_seg *g, uint8_t *buf)
{
	uint8_t opt[40];
	size_t olen = 0, hl, tot, n;

	if (g->mss >= 0) {
		opt[olen++] = 2;
		opt[olen++] = 4;
		opt[olen++] = (uint8_t)(g->mss >> 8);
		opt[olen++] = (uint8_t)g->mss;
	}
	if (g->sackok) {
		opt[olen++] = 4;
		opt[olen++] = 2;
	}
	if (g->ts) {
		opt[olen++] = 8;
		opt[olen++] = 10;
		for (n = 0; n < 4; n++)
			opt[olen++] = (uint8_t)(g->tsval >> (24 - 8 * n));
		for (n = 0; n < 4; n++)
			opt[olen++] = (uint8_t)(g->tsecr >> (24 - 8 * n));
	}
	if (g->ws >= 0) {
		opt[olen++] = 1;
		opt[olen++] = 3;
		opt[olen++] = 3;
		opt[olen++] = (uint8_t)g->ws;
	}
	while (olen % 4)
		opt[olen++] = 0;
	hl = 20 + olen;
	tot = 20 + hl + g->len;
	memset(buf, 0, tot);
	buf[0] = 0x45;
	buf[2] = (uint8_t)(tot >> 8);
	buf[3] = (uint8_t)tot;
	buf[8] = 64;
	buf[9] = 6;
	tb_ip4(g->src ? g->src : "10.0.0.1", buf + 12);
	tb_ip4(g->dst ? g->dst : "10.0.0.2", buf + 16);
	buf[20] = (uint8_t)(g->sport >> 8);
	buf[21] = (uint8_t)g->sport;
	buf[22] = (uint8_t)(g->dport >> 8);
	buf[23] = (uint8_t)g->dport;
	for (n = 0; n < 4; n++) {
		buf[24 + n] = (uint8_t)(g->seq >> (24 - 8 * n));
		buf[28 + n] = (uint8_t)(g->ack >> (24 - 8 * n));
	}
	buf[32] = (uint8_t)((hl / 4) << 4);
	buf[33] = g->flags;
	buf[34] = (uint8_t)(g->win >> 8);
	buf[35] = (uint8_t)g->win;
	memcpy(buf + 40, opt, olen);
	return tot;
}

#endif /* SL_TEST_PKTBUILD_H */
