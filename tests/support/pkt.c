/* \summary: test support: bytes, the internet checksum, IPv4/IPv6 + TCP segments (RFC 791, 8200, 9293, 1071) */
#include "pkt.h"

#include <stdlib.h>
#include <string.h>

void
sl_tp_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
sl_tp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void
sl_tp_le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void
sl_tp_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

uint32_t
sl_tp_sum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

uint16_t
sl_tp_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

uint64_t
sl_tp_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint8_t *
opt_room(struct sl_tp_opt *o, size_t n)
{
	uint8_t *p;

	if (o->n + n > SL_TP_OPTMAX)
		abort(); /* a test asked for more than TCP can carry */
	p = o->b + o->n;
	o->n += n;
	return p;
}

void
sl_tp_opt_nop(struct sl_tp_opt *o)
{
	opt_room(o, 1)[0] = 1;
}

void
sl_tp_opt_mss(struct sl_tp_opt *o, uint16_t mss)
{
	uint8_t *p = opt_room(o, 4);

	p[0] = 2;
	p[1] = 4;
	sl_tp_put16(p + 2, mss);
}

void
sl_tp_opt_ws(struct sl_tp_opt *o, uint8_t shift)
{
	uint8_t *p = opt_room(o, 3);

	p[0] = 3;
	p[1] = 3;
	p[2] = shift;
}

void
sl_tp_opt_sackok(struct sl_tp_opt *o)
{
	uint8_t *p = opt_room(o, 2);

	p[0] = 4;
	p[1] = 2;
}

void
sl_tp_opt_ts(struct sl_tp_opt *o, uint32_t val, uint32_t ecr)
{
	uint8_t *p = opt_room(o, 10);

	p[0] = 8;
	p[1] = 10;
	sl_tp_put32(p + 2, val);
	sl_tp_put32(p + 6, ecr);
}

void
sl_tp_opt_sack(struct sl_tp_opt *o, unsigned nblk, const uint32_t *edges)
{
	uint8_t *p;
	unsigned i;

	sl_tp_opt_nop(o);
	sl_tp_opt_nop(o);
	p = opt_room(o, 2 + 8 * (size_t)nblk);
	p[0] = 5;
	p[1] = (uint8_t)(2 + 8 * nblk);
	for (i = 0; i < 2 * nblk; i++)
		sl_tp_put32(p + 2 + 4 * i, edges[i]);
}

void
sl_tp_opt_raw(struct sl_tp_opt *o, const void *b, size_t n)
{
	memcpy(opt_room(o, n), b, n);
}

void
sl_tp_opt_linux_syn(struct sl_tp_opt *o, uint16_t mss, uint32_t tsval,
		    uint32_t tsecr, uint8_t ws)
{
	sl_tp_opt_mss(o, mss);
	sl_tp_opt_sackok(o);
	sl_tp_opt_ts(o, tsval, tsecr);
	sl_tp_opt_nop(o);
	sl_tp_opt_ws(o, ws);
}

size_t
sl_tp_build(const struct sl_tp_seg *g, uint8_t *buf, size_t cap)
{
	size_t alen = g->v6 ? 16 : 4;
	size_t iph = g->v6 ? 40 + g->v6extlen : 20 + g->ip4optlen;
	size_t thl = 20 + ((g->tcpoptlen + 3) & ~(size_t)3);
	size_t tot = iph + thl + g->len;
	uint8_t *th = buf + iph;
	uint32_t s;

	if (g->tcpoptlen > SL_TP_OPTMAX || tot > cap)
		abort();
	memset(buf, 0, tot);

	sl_tp_put16(th, g->sport);
	sl_tp_put16(th + 2, g->dport);
	sl_tp_put32(th + 4, g->seq);
	sl_tp_put32(th + 8, g->ack);
	th[12] = (uint8_t)((g->doff ? g->doff : (int)(thl / 4)) << 4);
	th[13] = g->flags;
	sl_tp_put16(th + 14, g->win);
	if (g->tcpoptlen > 0)
		memcpy(th + 20, g->tcpopt, g->tcpoptlen);
	if (g->payload != NULL && g->len > 0)
		memcpy(th + thl, g->payload, g->len);

	if (g->v6) {
		sl_tp_put32(buf, 0x60000000u | (g->flow & 0xfffff));
		sl_tp_put16(buf + 4, (uint32_t)(g->v6extlen + thl + g->len));
		buf[6] = g->v6extlen ? g->v6ext_nh : 6;
		buf[7] = 64;
		memcpy(buf + 8, g->src, 16);
		memcpy(buf + 24, g->dst, 16);
		if (g->v6extlen)
			memcpy(buf + 40, g->v6ext, g->v6extlen);
	} else {
		size_t ihl = g->ihl ? (size_t)g->ihl * 4 : iph;

		buf[0] = (uint8_t)(0x40 | ihl / 4);
		sl_tp_put16(buf + 2,
			    g->totlen ? (uint32_t)g->totlen : (uint32_t)tot);
		sl_tp_put16(buf + 4, g->ipid);
		sl_tp_put16(buf + 6, g->ipfrag);
		buf[8] = 64;
		buf[9] = 6;
		memcpy(buf + 12, g->src, 4);
		memcpy(buf + 16, g->dst, 4);
		if (g->ip4optlen)
			memcpy(buf + 20, g->ip4opt, g->ip4optlen);
		if (!g->nocsum)
			sl_tp_put16(buf + 10,
				    sl_tp_fold(sl_tp_sum(buf, ihl, 0)));
	}
	if (!g->nocsum) {
		/* the pseudo-header: addresses, protocol, TCP length */
		s = sl_tp_sum(g->src, alen, 0);
		s = sl_tp_sum(g->dst, alen, s);
		s += (uint32_t)(thl + g->len) + 6;
		sl_tp_put16(th + 16,
			    sl_tp_fold(sl_tp_sum(th, thl + g->len, s)));
	}
	return tot;
}
