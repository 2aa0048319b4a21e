/* \summary: fuzz harness: a sequence of frames through one analyzer (flow table, state machines) */
/*
 * The input is read as a series of records, each one frame fed to the same
 * analyzer with an increasing timestamp.  Most records are TCP segments
 * built from fuzz-chosen fields on valid IPv4/IPv6 headers, between four
 * endpoints (one pair of them the same endpoint: self-connect), with
 * sequence and acknowledgment numbers either literal or relative to what
 * each endpoint sent last, so the state machines go deep: SYN, crossing
 * SYNs, SYN-ACKs acking ISN+1 or not, RSTs, late SYNs, FINs, wrap-around.
 * Other records are raw frames of any link type.
 *
 * record = ctl dt [raw: dltsel len16 bytes]
 *              | [tcp: flags nums seq32 ack32 win16 optc [optbytes] pay]
 * ctl: bits 0-1 source endpoint, 2-3 destination, 4 IPv6, 5-7 0: raw.
 * nums: bits 0-1 seq mode, 2-3 ack mode, 4-5 link, 6 cut by snaplen,
 *       7 fed twice (a capture on "any").
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "fuzz.h"
#include "pkt.h"
#include "rd.h"
#include "report.h"
#include "svg.h"

#define MAXFRAME 1600

/* The input is read through the analyzer's own bounds-checked reader; a
 * field past the end reads as zero. */
static bool
take(struct sl_rd *c, void *dst, size_t n)
{
	return sl_rd_bytes(c, dst, n) == SL_OK;
}

static uint8_t
take8(struct sl_rd *c)
{
	uint8_t v = 0;

	(void)sl_rd_u8(c, &v);
	return v;
}

static uint32_t
take32(struct sl_rd *c)
{
	uint32_t v = 0;

	(void)sl_rd_be32(c, &v);
	return v;
}

/* E0 10.0.0.1:1314, E1 10.0.0.2:1314, E2 10.0.0.1:40000, E3 127.0.0.1:5000 */
static void
endpoint(int i, bool v6, uint8_t *addr, unsigned *port)
{
	static const uint8_t v4[4][4] = {
	    {10, 0, 0, 1}, {10, 0, 0, 2}, {10, 0, 0, 1}, {127, 0, 0, 1}};
	static const unsigned ports[4] = {1314, 1314, 40000, 5000};

	*port = ports[i];
	if (!v6) {
		memcpy(addr, v4[i], 4);
		return;
	}
	memset(addr, 0, 16);
	if (i == 3) {
		addr[15] = 1; /* ::1 */
	} else {
		addr[0] = 0xfd;
		addr[15] = v4[i][3];
	}
}

/* Linux's SYN options, in its order; bits of optc pick which. */
static void
template_opts(uint8_t optc, uint32_t tsval, struct sl_tp_opt *o)
{
	uint32_t sack[2] = {tsval, tsval + 100};

	if (optc & 0x01)
		sl_tp_opt_mss(o, (optc & 0x40) ? 536 : 1460);
	if (optc & 0x02)
		sl_tp_opt_sackok(o);
	if (optc & 0x04)
		sl_tp_opt_ts(o, tsval, tsval ^ 0x5a5a);
	if (optc & 0x08) {
		sl_tp_opt_nop(o);
		sl_tp_opt_ws(o,
			     (uint8_t)((optc & 0x10) ? 14 + (optc >> 5) : 7));
	}
	if (optc & 0x20) /* a SACK block */
		sl_tp_opt_sack(o, 1, sack);
}

/* Builds link header + IP + TCP into f; returns the length. */
static size_t
build_tcp(struct sl_rd *c, uint8_t ctl, uint32_t *nxt, uint8_t *f, int *dlt,
	  bool *cut, bool *twice, size_t *wirelen)
{
	uint8_t flags = take8(c), nums = take8(c), optc, src[16], dst[16];
	uint32_t seq = take32(c), ack = take32(c);
	uint16_t win;
	unsigned sport, dport, pay, link = (nums >> 4) & 3;
	int s = ctl & 3, d = (ctl >> 2) & 3;
	bool v6 = ctl & 0x10;
	size_t ll, iplen;
	uint8_t b2[2] = {0, 0};
	struct sl_tp_opt o = {.n = 0};
	struct sl_tp_seg g = {.v6 = v6, .src = src, .dst = dst, .nocsum = 1};

	take(c, b2, 2);
	win = (uint16_t)(b2[0] << 8 | b2[1]);
	switch (nums & 3) {
	case 1:
		seq = nxt[s] + (seq & 0xff);
		break;
	case 2:
		seq = nxt[s] - (seq & 0xff);
		break;
	case 3:
		seq = nxt[s];
		break;
	default:
		break;
	}
	switch ((nums >> 2) & 3) {
	case 1:
		ack = nxt[d];
		break;
	case 2:
		ack = nxt[d] + (uint32_t)(int8_t)(ack & 0xff);
		break;
	case 3:
		ack = 0;
		break;
	default:
		break;
	}
	optc = take8(c);
	if (optc & 0x80) {
		template_opts(optc, seq ^ ack, &o);
	} else {
		o.n = optc % 41;
		if (!take(c, o.b, o.n))
			o.n = 0;
	}
	pay = take8(c);
	if (pay > 200)
		pay = (pay - 200) * 20; /* up to 1100 bytes */

	/* link */
	switch (link) {
	case 1: /* Ethernet */
		*dlt = 1;
		memset(f, 0, 12);
		f[0] = 2, f[6] = 4;
		sl_tp_put16(f + 12, v6 ? 0x86dd : 0x0800);
		ll = 14;
		break;
	case 2: /* Linux cooked */
		*dlt = 113;
		memset(f, 0, 16);
		sl_tp_put16(f, (nums & 0x80) ? 4 : 0);
		sl_tp_put16(f + 2, 1);
		sl_tp_put16(f + 4, 6);
		sl_tp_put16(f + 14, v6 ? 0x86dd : 0x0800);
		ll = 16;
		break;
	case 3: /* BSD loopback, host order AF */
		*dlt = 0;
		f[0] = v6 ? 10 : 2, f[1] = f[2] = f[3] = 0;
		ll = 4;
		break;
	default:
		*dlt = 12;
		ll = 0;
		break;
	}
	/* IP + TCP, no checksums (the analyzer does not check them) */
	endpoint(s, v6, src, &sport);
	endpoint(d, v6, dst, &dport);
	g.sport = (uint16_t)sport;
	g.dport = (uint16_t)dport;
	g.seq = seq;
	g.ack = ack;
	g.flags = flags;
	g.win = win;
	g.tcpopt = o.b;
	g.tcpoptlen = o.n;
	g.len = pay;
	g.ipid = (uint16_t)(seq ^ (seq >> 16));
	g.ipfrag = SL_TP_DF;
	iplen = sl_tp_build(&g, f + ll, MAXFRAME - ll);

	nxt[s] = seq + pay + !!(flags & 0x02) + !!(flags & 0x01);
	*wirelen = ll + iplen;
	*cut = nums & 0x40;
	*twice = nums & 0x80;
	return ll + iplen;
}

static unsigned last_id;

/* Each connection, checked, to the reporters watching. */
static void
on_conn(const struct sl_conn *c, void *arg)
{
	void **sinks = arg;
	unsigned i, v, seen;

	if (c->nviews < 1 || c->nviews > SL_CONN_MAXVIEWS ||
	    c->hs->nfind > SL_HS_MAXFINDINGS)
		sl_fuzz_fail("connection #%u: %u views, %u findings", c->hs->id,
			     c->nviews, c->hs->nfind);
	for (i = 0; i < c->hs->nframes; i++) {
		for (v = 0, seen = 0; v < c->nviews; v++)
			seen += c->seg[i].frame[v] != 0;
		if (seen == 0)
			sl_fuzz_fail("connection #%u: segment %u in no view",
				     c->hs->id, i);
		if (c->seg[i].timed && seen < 2)
			sl_fuzz_fail("connection #%u: segment %u timed from "
				     "one view",
				     c->hs->id, i);
	}
	if (sinks[0])
		sl_report_conn(c, sinks[0]);
	if (sinks[1])
		sl_svg_conn(c, sinks[1]);
	if (sinks[2])
		sl_annotate_conn(c, sinks[2]);
}

static void
on_hs(const struct sl_handshake *hs, void *arg)
{
	void **sinks = arg;

	sl_fuzz_check_hs(hs, &last_id);
	if (sinks[3]) {
		sl_merge_handshake(hs, sinks[3]);
		return;
	}
	if (sinks[0])
		sl_report_handshake(hs, sinks[0]);
	if (sinks[1])
		sl_svg_handshake(hs, sinks[1]);
}

static void
on_problem(const char *msg, void *arg)
{
	void **sinks = arg;

	if (sinks[0])
		sl_report_problem(sinks[0], msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static const char *names[] = {"fuzz"};
	struct sl_analyzer_cfg cfg = {0};
	struct sl_analyzer *az;
	struct sl_rd c = sl_rd_make(data, size);
	uint32_t nxt[4] = {1000, 2000, 0xfffffff0u, 4000};
	/* report, svg, annotate, merge */
	void *sinks[4] = {NULL, NULL, NULL, NULL};
	int64_t ts = 1795773600LL * 1000000000;
	uint64_t frame = 0;
	uint8_t mode;
	char errbuf[SL_ERRBUF_SIZE];

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size < 1)
		return 0;
	/* Byte 0: which reporters watch, and the idle timeout. */
	mode = take8(&c);
	if (mode & 1)
		sinks[0] = sl_report_new(
		    devnull, (mode & 2) ? SL_REPORT_JSON : SL_REPORT_TEXT,
		    mode & 4, names, 1);
	if (mode & 8)
		sinks[1] = sl_svg_new(1 + (mode >> 6));
	/*
	 * Bit 5: the frames come from two vantages (interfaces, switched by
	 * bit 4 of a frame's control byte), merged into connections.
	 */
	if (mode & 0x20) {
		sinks[2] = sl_annotate_new();
		sinks[3] = sl_merge_new(true, on_conn, sinks);
	}
	last_id = 0;
	cfg.on_handshake = on_hs;
	cfg.on_problem = on_problem;
	cfg.arg = sinks;
	cfg.idle_ns = (mode & 0x10) ? 2000000000LL : 0;
	az = sl_analyzer_new(&cfg);
	sl_analyzer_set_file(az, 0, "fuzz");

	while (c.left > 0 && frame < 4096) {
		uint8_t ctl = take8(&c), dt = take8(&c);
		uint8_t raw[MAXFRAME], *copy;
		size_t len, wirelen;
		bool cut = false, twice = false;
		int dlt, k;

		if (dt == 255)
			ts += 400LL * 1000000000; /* past the idle timeout */
		else if (dt == 254)
			ts -= 5000000; /* time goes backwards */
		else if (dt < 128)
			ts += (int64_t)dt * 10000;
		else
			ts += (int64_t)(dt - 128) * 50000000;
		if ((ctl >> 5) == 0) {
			uint8_t sel = take8(&c), l2[2] = {0, 0};

			dlt = sl_fuzz_dlts[sel % sl_fuzz_ndlts];
			take(&c, l2, 2);
			len = (size_t)(l2[0] << 8 | l2[1]) % MAXFRAME;
			if (len > c.left)
				len = c.left;
			take(&c, raw, len);
			wirelen = len + ((sel & 0x80) ? sel : 0);
		} else {
			len = build_tcp(&c, ctl, nxt, raw, &dlt, &cut, &twice,
					&wirelen);
			if (cut) {
				uint8_t cutby = take8(&c);
				len = len > cutby ? len - cutby : 0;
			}
		}
		/* An exact-size copy: a read past it is an ASan report. */
		copy = malloc(len ? len : 1);
		if (copy == NULL)
			break;
		memcpy(copy, raw, len);
		if (sinks[3])
			sl_analyzer_set_iface(az, (ctl >> 4) & 1,
					      (ctl & 0x10) ? "b" : "a");
		for (k = 0; k < (twice ? 2 : 1); k++) {
			frame++;
			(void)sl_analyzer_feed(az, 0, frame, ts, dlt, copy, len,
					       wirelen);
		}
		free(copy);
	}
	sl_analyzer_finish(az);
	if (sinks[3]) {
		sl_merge_finish(sinks[3]);
		sl_merge_free(sinks[3]);
		sl_annotate_free(sinks[2]);
	}
	if (sl_analyzer_summary(az)->frames != frame)
		sl_fuzz_fail(
		    "summary counts %llu frames, fed %llu",
		    (unsigned long long)sl_analyzer_summary(az)->frames,
		    (unsigned long long)frame);
	if (sinks[0]) {
		sl_report_finish(sinks[0], sl_analyzer_summary(az));
		sl_report_free(sinks[0]);
	}
	if (sinks[1]) {
		if (sl_svg_write(sinks[1], "/dev/null", errbuf) != 0)
			sl_fuzz_fail("svg to /dev/null: %s", errbuf);
		sl_svg_free(sinks[1]);
	}
	sl_analyzer_free(az);
	return 0;
}
