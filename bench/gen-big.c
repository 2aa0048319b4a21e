/* \summary: synlab-bench-gen: a large interleaved capture for benchmarks */
/*
 * Writes N connections (default 200,000) of every shape, overlapping in
 * time (a new one every 20 µs of capture time, each lasting tens of ms to
 * seconds: thousands open at once), with distinct tuples and ISNs, on
 * Ethernet, each complete one with data and a FIN close: ~1.45 million
 * packets, ~230 MB at the default size.  Mix per 16 connections: 9
 * three-way, 2 simultaneous open, 2 refused, 1 unanswered (SYN + 2
 * retransmissions), 1 reset, 1 self-connect.  Deterministic.
 *
 * usage: synlab-bench-gen [-n CONNECTIONS] [-x FACTOR] OUT.pcap
 *        (-x 10: ten times as many connections)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "pkt.h"
#include "tcp.h"

#define T0_SEC 1795773600LL
#define US(x)  ((int64_t)(x)*1000)
#define MS(x)  ((int64_t)(x)*1000000)

/* One packet waiting to be written, everything needed to build it. */
struct pend {
	int64_t t;     /* ns after T0 */
	uint32_t conn; /* connection index */
	uint32_t seq, ack;
	uint16_t win, len;
	uint8_t from, flags;
	uint8_t opts; /* OPT_* */
	uint8_t self;
};

enum { OPT_NONE, OPT_SYN, OPT_TS };

/* min-heap of pending packets by (t, insertion order) */
static struct pend *heap;
static size_t nheap, capheap;

static bool
before(const struct pend *a, const struct pend *b)
{
	return a->t < b->t;
}

static void
push(const struct pend *p)
{
	size_t i;

	if (nheap == capheap) {
		capheap = capheap ? capheap * 2 : 4096;
		heap = realloc(heap, capheap * sizeof(*heap));
		if (heap == NULL)
			abort();
	}
	i = nheap++;
	while (i > 0 && before(p, &heap[(i - 1) / 2])) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = *p;
}

static struct pend
pop(void)
{
	struct pend top = heap[0], last = heap[--nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= nheap)
			break;
		if (c + 1 < nheap && before(&heap[c + 1], &heap[c]))
			c++;
		if (!before(&heap[c], &last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = last;
	return top;
}

static uint64_t
mix(uint64_t z)
{
	return sl_tp_splitmix64(&z);
}

/* Endpoint addresses of connection i: a distinct client per connection
 * (10.1.0.0 and up), servers in 10.200.0.0/16; self-connects on
 * 127.x.y.z. */
static void
endpoints(uint32_t i, bool self, uint8_t ip[2][4], uint16_t port[2])
{
	uint32_t c = 0x0a010000u + i; /* 10.1.0.0 + i */

	if (self) {
		c = 0x7f000000u | (i & 0xffffff);
		sl_tp_put32(ip[0], c);
		sl_tp_put32(ip[1], c);
		port[0] = port[1] = (uint16_t)(32768 + i % 28000);
		return;
	}
	sl_tp_put32(ip[0], c);
	sl_tp_put32(ip[1], 0x0ac80000u | (uint32_t)(mix(i) & 0xffff));
	port[0] = (uint16_t)(32768 + i % 28000);
	port[1] = (i & 1) ? 443 : 80;
}

static uint8_t frame[2048];

static void
write_pend(pcap_dumper_t *d, const struct pend *p)
{
	uint8_t ip[2][4], pay[2048];
	uint16_t port[2];
	int from = p->from, to = !from;
	uint32_t tsv = (uint32_t)(mix(p->conn * 2u + (uint32_t)from) >> 40) +
		       (uint32_t)(p->t / MS(1));
	struct sl_tp_opt o = {.n = 0};
	struct sl_tp_seg g = {
	    .src = ip[from],
	    .dst = ip[to],
	    .seq = p->seq,
	    .ack = p->ack,
	    .flags = p->flags,
	    .win = p->win,
	    .payload = pay,
	    .len = p->len,
	    .ipid = (uint16_t)(p->conn * 7u + p->seq),
	    .ipfrag = SL_TP_DF,
	};
	struct pcap_pkthdr ph;
	size_t n, i;

	endpoints(p->conn, p->self, ip, port);
	g.sport = port[from];
	g.dport = port[to];
	memset(frame, 0, 14);
	frame[0] = 0x02;
	frame[5] = (uint8_t)(to + 1);
	frame[6] = 0x02;
	frame[11] = (uint8_t)(from + 1);
	sl_tp_put16(frame + 12, 0x0800);
	if (p->opts == OPT_SYN) {
		sl_tp_opt_linux_syn(&o, 1460, tsv,
				    (p->flags & SL_TH_ACK) ? tsv - 20 : 0, 7);
	} else if (p->opts == OPT_TS) {
		sl_tp_opt_nop(&o);
		sl_tp_opt_nop(&o);
		sl_tp_opt_ts(&o, tsv, tsv - 20);
	}
	g.tcpopt = o.b;
	g.tcpoptlen = o.n;
	for (i = 0; i < p->len && i < sizeof(pay); i++)
		pay[i] = (uint8_t)('a' + (p->seq + i) % 26);
	n = sl_tp_build(&g, frame + 14, sizeof(frame) - 14);
	ph.ts.tv_sec = (time_t)(T0_SEC + p->t / 1000000000LL);
	ph.ts.tv_usec = (suseconds_t)(p->t % 1000000000LL / 1000);
	ph.caplen = ph.len = (bpf_u_int32)(14 + n);
	pcap_dump((u_char *)d, &ph, frame);
}

static void
q(uint32_t conn, int64_t t, int from, uint8_t flags, uint32_t seq, uint32_t ack,
  uint16_t win, uint8_t opts, uint16_t len, bool self)
{
	struct pend p = {.t = t,
			 .conn = conn,
			 .seq = seq,
			 .ack = ack,
			 .win = win,
			 .len = len,
			 .from = (uint8_t)from,
			 .flags = flags,
			 .opts = opts,
			 .self = self};

	push(&p);
}

/* Queue every packet of connection i, which starts at t. */
static unsigned long
connection(uint32_t i, int64_t t)
{
	uint64_t r = mix(i);
	uint32_t a = (uint32_t)r, b = (uint32_t)(r >> 32);
	int64_t rtt = US(200) + (int64_t)(r % 40000) * 1000; /* 0.2-40 ms */
	uint16_t req = (uint16_t)(40 + r % 200),
		 resp = (uint16_t)(200 + r % 1200);
	unsigned shape = i % 16;

	if (shape < 9) { /* three-way, request, response, close */
		q(i, t, 0, SL_TH_SYN, a, 0, 64240, OPT_SYN, 0, false);
		q(i, t + rtt, 1, SL_TH_SYN | SL_TH_ACK, b, a + 1, 65160,
		  OPT_SYN, 0, false);
		q(i, t + rtt + US(30), 0, SL_TH_ACK, a + 1, b + 1, 502, OPT_TS,
		  0, false);
		q(i, t + rtt + US(60), 0, SL_TH_PSH | SL_TH_ACK, a + 1, b + 1,
		  502, OPT_TS, req, false);
		q(i, t + 2 * rtt + US(60), 1, SL_TH_PSH | SL_TH_ACK, b + 1,
		  a + 1 + req, 509, OPT_TS, resp, false);
		q(i, t + 2 * rtt + US(90), 0, SL_TH_ACK, a + 1 + req,
		  b + 1 + resp, 502, OPT_TS, 0, false);
		q(i, t + 2 * rtt + MS(5), 0, SL_TH_FIN | SL_TH_ACK, a + 1 + req,
		  b + 1 + resp, 502, OPT_TS, 0, false);
		q(i, t + 3 * rtt + MS(5), 1, SL_TH_FIN | SL_TH_ACK,
		  b + 1 + resp, a + 2 + req, 509, OPT_TS, 0, false);
		q(i, t + 3 * rtt + MS(5) + US(30), 0, SL_TH_ACK, a + 2 + req,
		  b + 2 + resp, 502, OPT_TS, 0, false);
		return 9;
	}
	if (shape < 11) { /* simultaneous open seen from A, then close */
		int64_t d = rtt / 2;

		q(i, t, 0, SL_TH_SYN, a, 0, 64240, OPT_SYN, 0, false);
		q(i, t + d / 2, 1, SL_TH_SYN, b, 0, 64240, OPT_SYN, 0, false);
		q(i, t + d / 2 + US(30), 0, SL_TH_SYN | SL_TH_ACK, a, b + 1,
		  64240, OPT_SYN, 0, false);
		q(i, t + d + US(20), 1, SL_TH_SYN | SL_TH_ACK, b, a + 1, 64240,
		  OPT_SYN, 0, false);
		q(i, t + d + US(50), 0, SL_TH_ACK, a + 1, b + 1, 63, OPT_TS, 0,
		  false);
		q(i, t + 2 * d, 1, SL_TH_ACK, b + 1, a + 1, 63, OPT_TS, 0,
		  false);
		q(i, t + 2 * d + MS(3), 0, SL_TH_FIN | SL_TH_ACK, a + 1, b + 1,
		  63, OPT_TS, 0, false);
		q(i, t + 3 * d + MS(3), 1, SL_TH_FIN | SL_TH_ACK, b + 1, a + 2,
		  63, OPT_TS, 0, false);
		q(i, t + 3 * d + MS(3) + US(30), 0, SL_TH_ACK, a + 2, b + 2, 63,
		  OPT_TS, 0, false);
		return 9;
	}
	if (shape < 13) { /* refused */
		q(i, t, 0, SL_TH_SYN, a, 0, 64240, OPT_SYN, 0, false);
		q(i, t + rtt, 1, SL_TH_RST | SL_TH_ACK, 0, a + 1, 0, OPT_NONE,
		  0, false);
		return 2;
	}
	if (shape ==
	    13) { /* unanswered: SL_TH_SYN, retransmissions at 1, 3 s */
		q(i, t, 0, SL_TH_SYN, a, 0, 64240, OPT_SYN, 0, false);
		q(i, t + MS(1008), 0, SL_TH_SYN, a, 0, 64240, OPT_SYN, 0,
		  false);
		q(i, t + MS(3024), 0, SL_TH_SYN, a, 0, 64240, OPT_SYN, 0,
		  false);
		return 3;
	}
	if (shape == 14) { /* reset by A after the SYN-ACK */
		q(i, t, 0, SL_TH_SYN, a, 0, 64240, OPT_SYN, 0, false);
		q(i, t + rtt, 1, SL_TH_SYN | SL_TH_ACK, b, a + 1, 65160,
		  OPT_SYN, 0, false);
		q(i, t + rtt + US(40), 0, SL_TH_RST, a + 1, 0, 0, OPT_NONE, 0,
		  false);
		return 3;
	}
	/* self-connect: SL_TH_SYN, own SYN-SL_TH_ACK, SL_TH_ACK, data, SL_TH_ACK, SL_TH_FIN, ACK */
	q(i, t, 0, SL_TH_SYN, a, 0, 65495, OPT_SYN, 0, true);
	q(i, t + US(14), 1, SL_TH_SYN | SL_TH_ACK, a, a + 1, 65483, OPT_SYN, 0,
	  true);
	q(i, t + US(25), 0, SL_TH_ACK, a + 1, a + 1, 64, OPT_TS, 0, true);
	q(i, t + US(200), 0, SL_TH_PSH | SL_TH_ACK, a + 1, a + 1, 64, OPT_TS, 5,
	  true);
	q(i, t + US(210), 1, SL_TH_ACK, a + 6, a + 6, 64, OPT_TS, 0, true);
	q(i, t + US(400), 0, SL_TH_FIN | SL_TH_ACK, a + 6, a + 6, 64, OPT_TS, 0,
	  true);
	q(i, t + US(410), 1, SL_TH_ACK, a + 7, a + 7, 64, OPT_TS, 0, true);
	return 7;
}

int
main(int argc, char **argv)
{
	unsigned long n = 200000, factor = 1, npkt = 0, i;
	size_t peak = 0;
	pcap_dumper_t *d;
	pcap_t *pd;
	int c;

	while ((c = getopt(argc, argv, "n:x:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'x':
			factor = strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || n == 0 || factor == 0)
		goto usage;
	n *= factor;
	if (n > 0x00ffffffUL) {
		fprintf(stderr,
			"synlab-bench-gen: at most 16777215 connections\n");
		return 2;
	}
	pd = pcap_open_dead(DLT_EN10MB, 262144);
	d = pcap_dump_open(pd, argv[optind]);
	if (d == NULL) {
		fprintf(stderr, "synlab-bench-gen: %s\n", pcap_geterr(pd));
		return 1;
	}
	for (i = 0; i < n; i++) {
		int64_t start = US(20) * (int64_t)i;

		while (nheap > 0 && heap[0].t < start) {
			struct pend p = pop();

			write_pend(d, &p);
		}
		npkt += connection((uint32_t)i, start);
		if (nheap > peak)
			peak = nheap;
	}
	while (nheap > 0) {
		struct pend p = pop();

		write_pend(d, &p);
	}
	pcap_dump_close(d);
	pcap_close(pd);
	free(heap);
	fprintf(stderr,
		"synlab-bench-gen: %lu connections, %lu packets, up to %zu "
		"packets pending at once\n",
		n, npkt, peak);
	return 0;
usage:
	fprintf(stderr, "usage: synlab-bench-gen [-n CONNECTIONS] [-x FACTOR] "
			"OUT.pcap\n");
	return 2;
}
