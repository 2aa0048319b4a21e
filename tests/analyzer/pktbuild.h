/* \summary: build raw IPv4/IPv6 + TCP packets for analyzer unit tests */
#ifndef SL_TEST_PKTBUILD_H
#define SL_TEST_PKTBUILD_H

#include <stdint.h>
#include <string.h>

#include "decode.h"
#include "pkt.h"

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

/*
 * Writes an IPv4 packet (DLT_RAW) into the array buf; returns its length.
 * Options in Linux's order; no checksums (the analyzer does not check
 * them).  Aborts if the packet does not fit.
 */
#define tb_build4(g, buf) tb_build4_n((g), (buf), sizeof(buf))

static inline size_t
tb_build4_n(const struct tb_seg *g, uint8_t *buf, size_t cap)
{
	uint8_t src[4], dst[4];
	struct sl_tp_opt o = {.n = 0};
	struct sl_tp_seg s = {
	    .src = src,
	    .dst = dst,
	    .sport = g->sport,
	    .dport = g->dport,
	    .seq = g->seq,
	    .ack = g->ack,
	    .flags = g->flags,
	    .win = g->win,
	    .len = g->len,
	    .nocsum = 1,
	};

	if (g->mss >= 0)
		sl_tp_opt_mss(&o, (uint16_t)g->mss);
	if (g->sackok)
		sl_tp_opt_sackok(&o);
	if (g->ts)
		sl_tp_opt_ts(&o, g->tsval, g->tsecr);
	if (g->ws >= 0) {
		sl_tp_opt_nop(&o);
		sl_tp_opt_ws(&o, (uint8_t)g->ws);
	}
	s.tcpopt = o.b;
	s.tcpoptlen = o.n;
	tb_ip4(g->src ? g->src : "10.0.0.1", src);
	tb_ip4(g->dst ? g->dst : "10.0.0.2", dst);
	return sl_tp_build(&s, buf, cap);
}

#endif /* SL_TEST_PKTBUILD_H */
