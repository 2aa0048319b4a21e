/* \summary: synlab-gen: writes the small captures the golden tests read */
/*
 * Every packet is crafted byte by byte: Ethernet (and 802.1Q, QinQ), Linux
 * cooked SLL/SLL2, raw IP, BSD loopback; IPv4 (with options, fragments) and
 * IPv6 (with extension headers); TCP with the options Linux puts in its
 * segments, in Linux's order (mss, sackOK, TS, nop, wscale).  The packet
 * sequences follow docs/kernel-notes.md, the sequences Linux was measured
 * to emit.  Checksums are correct unless a file is about a broken
 * header, and then only that header is wrong.
 *
 * Output is deterministic: fixed timestamps (from 2026-11-27 10:00:00 UTC),
 * ISNs and TS clocks from a PRNG seeded by the file name, so the files can
 * be committed and `regen-captures` checked byte for byte.
 *
 * Classic pcap goes through libpcap (pcap_open_dead + pcap_dump); pcapng
 * and the deliberately corrupt files are written by hand, since libpcap
 * cannot write those.
 *
 * usage: synlab-gen OUTDIR      write every capture into OUTDIR
 *        synlab-gen --list      print "name<TAB>description" lines
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <zlib.h>

#include "pkt.h"
#include "tcp.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

/* 2026-11-27 10:00:00 UTC, the day docs/kernel-notes.md was measured. */
#define T0_SEC 1795773600LL

#define US(x)  ((int64_t)(x)*1000)
#define MS(x)  ((int64_t)(x)*1000000)
#define SEC(x) ((int64_t)(x)*1000000000)

/* The TCP flags of common/tcp.h, under the short names the cases use. */
#define FIN SL_TH_FIN
#define SYN SL_TH_SYN
#define RST SL_TH_RST
#define PSH SL_TH_PSH
#define ACK SL_TH_ACK

#define MAXPKT 2048

/* ------------------------------------------------------------------ */
/* deterministic randomness */

struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	return sl_tp_splitmix64(&r->s);
}

static uint32_t
rng32(struct rng *r)
{
	return (uint32_t)(rng_next(r) >> 32);
}

static void
rng_seed(struct rng *r, const char *name)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ULL;
	r->s = h;
}

/* ------------------------------------------------------------------ */
/*
 * Bytes, checksums and TCP options come from tests/support/pkt.h, under the
 * short names the cases below use.
 */

#define put16	 sl_tp_put16
#define put32	 sl_tp_put32
#define le16	 sl_tp_le16
#define le32	 sl_tp_le32
#define sum16	 sl_tp_sum
#define fold	 sl_tp_fold
#define opt	 sl_tp_opt
#define o_nop	 sl_tp_opt_nop
#define o_mss	 sl_tp_opt_mss
#define o_ws	 sl_tp_opt_ws
#define o_sackok sl_tp_opt_sackok
#define o_ts	 sl_tp_opt_ts
#define o_sack	 sl_tp_opt_sack
#define o_raw	 sl_tp_opt_raw

/* ------------------------------------------------------------------ */
/* a connection: two endpoints and what each has sent */

enum profile { P_WAN, P_SANDBOX, P_LOOPBACK, P_WAN6 };

struct conn {
	bool v6;
	uint8_t ip[2][16];
	uint16_t port[2];
	uint8_t mac[2][6];
	uint16_t ipid[2];
	uint32_t flow; /* IPv6 flow label */
	uint32_t isn[2];
	uint32_t nxt[2];    /* snd_nxt of each side */
	uint32_t tsbase[2]; /* TS clock of each side at T0, ms */
	uint32_t tslast[2]; /* last TS val each side sent */
	bool ts;	    /* timestamps in use after the SYNs */
	bool self;	    /* both sides are one socket */
	uint16_t mss[2];
	uint8_t ws[2];
	uint16_t synwin[2];    /* window in SYN / SYN-ACK (never scaled) */
	uint16_t win[2];       /* window after the handshake (scaled) */
	int near;	       /* side next to the capture point; -1: both
				    (loopback, veth pair), -2: half way */
	int64_t rtt;	       /* round trip seen from `near` */
	const uint8_t *ip4opt; /* IPv4 options (multiple of 4 bytes) */
	size_t ip4optlen;
	const uint8_t *v6ext; /* IPv6 extension chain, last NH must be 6 */
	size_t v6extlen;
	uint8_t v6ext_nh;    /* next header of the fixed IPv6 header */
	uint8_t pkt[MAXPKT]; /* the packet being built (L3 up) */
};

static void
conn_init(struct conn *c, struct rng *r, enum profile p, const char *a,
	  uint16_t pa, const char *b, uint16_t pb)
{
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->v6 = p == P_WAN6;
	/* addresses are given as "a.b.c.d" or as the last 16 bits of
	 * 2001:db8::X (IPv6) */
	for (i = 0; i < 2; i++) {
		const char *s = i == 0 ? a : b;

		if (c->v6) {
			static const uint8_t pfx[] = {0x20, 0x01, 0x0d, 0xb8};
			unsigned long x = strtoul(s, NULL, 16);

			memcpy(c->ip[i], pfx, sizeof(pfx));
			put16(c->ip[i] + 14, (uint32_t)x);
		} else {
			unsigned q[4] = {0, 0, 0, 0};

			if (sscanf(s, "%u.%u.%u.%u", &q[0], &q[1], &q[2],
				   &q[3]) != 4)
				abort();
			c->ip[i][0] = (uint8_t)q[0];
			c->ip[i][1] = (uint8_t)q[1];
			c->ip[i][2] = (uint8_t)q[2];
			c->ip[i][3] = (uint8_t)q[3];
		}
		if (p != P_LOOPBACK) {
			static const uint8_t oui[] = {0x02, 0x5e, 0x00};

			memcpy(c->mac[i], oui, 3);
			c->mac[i][3] = 0x0a;
			c->mac[i][4] = 0x00;
			c->mac[i][5] = (uint8_t)(i + 1);
		}
		c->isn[i] = rng32(r);
		c->tsbase[i] = rng32(r);
		c->ipid[i] = (uint16_t)rng32(r);
	}
	c->flow = rng32(r) & 0xfffff;
	c->port[0] = pa;
	c->port[1] = pb;
	c->ts = true;
	c->near = 0;
	switch (p) {
	case P_WAN:
		c->rtt = MS(23);
		c->mss[0] = c->mss[1] = 1460;
		c->ws[0] = c->ws[1] = 7;
		c->synwin[0] = 64240;
		c->synwin[1] = 65160;
		c->win[0] = 502;
		c->win[1] = 509;
		break;
	case P_WAN6:
		c->rtt = MS(31);
		c->mss[0] = c->mss[1] = 1440;
		c->ws[0] = c->ws[1] = 7;
		c->synwin[0] = 64800;
		c->synwin[1] = 64800;
		c->win[0] = 507;
		c->win[1] = 507;
		break;
	case P_SANDBOX:
		c->rtt = MS(20);
		c->mss[0] = c->mss[1] = 1460;
		c->ws[0] = c->ws[1] = 10;
		c->synwin[0] = 64240;
		c->synwin[1] = 65160;
		c->win[0] = 63;
		c->win[1] = 63;
		break;
	case P_LOOPBACK:
		c->rtt = US(40);
		c->mss[0] = c->mss[1] = 65495;
		c->ws[0] = c->ws[1] = 10;
		c->synwin[0] = 65495;
		c->synwin[1] = 65483;
		c->win[0] = 64;
		c->win[1] = 64;
		break;
	}
}

/* Time between a segment and the answer from `responder`, as the capture
 * point sees it: a local answer comes at once, a remote one after a RTT. */
static int64_t
rgap(const struct conn *c, int responder)
{
	if (c->near == -2) /* capture half way */
		return c->rtt / 2;
	if (c->near < 0 || responder == c->near)
		return US(38);
	return c->rtt;
}

/* The TS clock of side s at capture time t (1 kHz, as Linux). */
static uint32_t
tsv(struct conn *c, int s, int64_t t)
{
	uint32_t v = c->tsbase[s] + (uint32_t)(t / MS(1));

	c->tslast[s] = v;
	return v;
}

/* SYN options as Linux sends them: mss, sackOK, TS, nop, wscale. */
static struct opt
lx_syn(struct conn *c, int s, int64_t t, bool synack)
{
	struct opt o = {.n = 0};
	uint32_t ecr = synack ? c->tslast[!s] : 0;

	sl_tp_opt_linux_syn(&o, c->mss[s], tsv(c, s, t), ecr, c->ws[s]);
	return o;
}

/* Options of a segment after the handshake: nop, nop, TS (or none). */
static struct opt
lx_ts(struct conn *c, int s, int64_t t)
{
	struct opt o = {.n = 0};

	if (c->ts) {
		uint32_t ecr = c->tslast[!s];

		o_nop(&o);
		o_nop(&o);
		o_ts(&o, tsv(c, s, t), ecr);
	}
	return o;
}

/* ------------------------------------------------------------------ */
/* building the IP packet */

/* Deliberate damage to one packet; zero fields mean "leave alone". */
struct mut {
	int ihl;    /* IPv4 header length in words */
	int totlen; /* IPv4 total length */
	int doff;   /* TCP data offset in words */
};

/* Payload: readable, deterministic, different per side and offset. */
static void
fill_payload(uint8_t *p, size_t len, int side, uint32_t seq)
{
	static const char a[] =
	    "GET /synlab/golden HTTP/1.1\r\nHost: test\r\n\r\n";
	static const char b[] = "HTTP/1.1 200 OK\r\nServer: synlab-gen\r\n\r\n";
	const char *s = side == 0 ? a : b;
	size_t n = side == 0 ? sizeof(a) - 1 : sizeof(b) - 1;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)s[(seq + i) % n];
	if (len >= 2) { /* whole lines, so printers do not call it cut */
		p[len - 2] = '\r';
		p[len - 1] = '\n';
	}
}

/*
 * Build one TCP segment from side `from` into c->pkt, IP header first.
 * Returns the length of the IP packet.
 */
static size_t
build(struct conn *c, int from, uint8_t flags, uint32_t seq, uint32_t ack,
      uint16_t win, const struct opt *op, size_t len, const struct mut *m)
{
	uint8_t pay[MAXPKT];
	struct sl_tp_seg g = {
	    .v6 = c->v6,
	    .src = c->ip[from],
	    .dst = c->ip[!from],
	    .sport = c->port[from],
	    .dport = c->port[!from],
	    .seq = seq,
	    .ack = ack,
	    .flags = flags,
	    .win = win,
	    .tcpopt = op != NULL ? op->b : NULL,
	    .tcpoptlen = op != NULL ? op->n : 0,
	    .payload = pay,
	    .len = len,
	    /* one socket has one IP ID counter, even playing both ends */
	    .ipid = c->v6 ? 0 : c->ipid[c->self ? 0 : from]++,
	    .ipfrag = SL_TP_DF,
	    .ip4opt = c->ip4opt,
	    .ip4optlen = c->ip4optlen,
	    .flow = c->flow,
	    .v6ext = c->v6ext,
	    .v6extlen = c->v6extlen,
	    .v6ext_nh = c->v6ext_nh,
	};

	if (len > sizeof(pay))
		abort();
	fill_payload(pay, len, from, seq);
	if (m != NULL) {
		g.ihl = m->ihl;
		g.totlen = m->totlen;
		g.doff = m->doff;
	}
	return sl_tp_build(&g, c->pkt, sizeof(c->pkt));
}

/* ------------------------------------------------------------------ */
/* output: classic pcap (libpcap), pcapng and hand-made pcap */

enum fmt {
	F_PCAP,
	F_PCAP_NS,
	F_PCAPNG,
	F_PCAPNG_NS,
	F_HAND,
	F_PCAPNG_MIXED, /* µs; interface 1 is raw IP with snaplen 128 */
};

enum link {
	L_ETH,	 /* Ethernet */
	L_VLAN,	 /* Ethernet + 802.1Q */
	L_QINQ,	 /* Ethernet + 802.1ad + 802.1Q */
	L_SLL,	 /* Linux cooked v1 */
	L_SLL2,	 /* Linux cooked v2 */
	L_RAW,	 /* raw IP, DLT_RAW (file: LINKTYPE_RAW 101) */
	L_RAW12, /* raw IP with 12 in the file header (hand-made) */
	L_IPV4,	 /* DLT_IPV4 228 */
	L_IPV6,	 /* DLT_IPV6 229 */
	L_NULL,	 /* BSD loopback, AF in host byte order */
	L_LOOP,	 /* OpenBSD loopback, AF in network byte order */
	L_PPP,	 /* PPP in HDLC-like framing, DLT_PPP 9 */
	L_CHDLC, /* Cisco HDLC, DLT_C_HDLC 104 */
	L_NFLOG, /* Linux NFLOG, DLT_NFLOG 239 */
	L_FDDI,	 /* FDDI + LLC/SNAP, DLT_FDDI 10 */
};

/* A tunnel around every IP packet (the encapsulations the analyzer decodes). */
enum encap {
	E_NONE,
	E_VXLAN,
	E_GENEVE,
	E_GTPU,
	E_GRE,
	E_ERSPAN2,
	E_ERSPAN3,
	E_IPIP,
	E_6IN4,
	E_4IN6,
	E_MPLS,
	E_PPPOE,
};

struct out {
	enum fmt fmt;
	enum link link;
	unsigned snaplen;
	bool any_dup;	     /* capture on "any": every packet twice */
	enum encap encap;    /* tunnel around each IP packet */
	uint32_t ng_if;	     /* pcapng interface of the next packets */
	uint32_t af6;	     /* AF_INET6 value for NULL/LOOP */
	const char *comment; /* opt_comment for the next pcapng packet */
	const char *name;    /* the case being written */
	pcap_t *pd;
	pcap_dumper_t *dump;
	FILE *f;
	long rec_off[256]; /* file offset of each record / EPB */
	unsigned skip;	   /* records not written at the start */
	unsigned limit;	   /* stop after this many records (0: all) */
	unsigned long npkt;
	char path[1024];
};

static int
link_dlt(enum link l)
{
	switch (l) {
	case L_ETH:
	case L_VLAN:
	case L_QINQ:
		return DLT_EN10MB;
	case L_SLL:
		return DLT_LINUX_SLL;
	case L_SLL2:
		return DLT_LINUX_SLL2;
	case L_RAW:
	case L_RAW12:
		return DLT_RAW;
	case L_IPV4:
		return DLT_IPV4;
	case L_IPV6:
		return DLT_IPV6;
	case L_NULL:
		return DLT_NULL;
	case L_LOOP:
		return DLT_LOOP;
	case L_PPP:
		return 9;
	case L_CHDLC:
		return 104;
	case L_NFLOG:
		return 239;
	case L_FDDI:
		return 10;
	}
	return DLT_EN10MB;
}

/* LINKTYPE_ value written in a hand-made file or pcapng IDB. */
static int
link_linktype(enum link l)
{
	switch (l) {
	case L_RAW:
		return 101;
	case L_RAW12:
		return 12;
	default:
		return link_dlt(l);
	}
}

static void
fwrite_all(struct out *o, const void *p, size_t n)
{
	if (fwrite(p, 1, n, o->f) != n) {
		fprintf(stderr, "synlab-gen: %s: %s\n", o->path,
			strerror(errno));
		exit(1);
	}
}

/* pcapng option: code, length, value, padding to 32 bits. */
static size_t
ng_opt(uint8_t *p, unsigned code, const void *v, size_t n)
{
	size_t pad = (4 - n % 4) % 4;

	le16(p, code);
	le16(p + 2, (uint32_t)n);
	memcpy(p + 4, v, n);
	memset(p + 4 + n, 0, pad);
	return 4 + n + pad;
}

static void
ng_block(struct out *o, uint32_t type, const uint8_t *body, size_t n)
{
	uint8_t h[8], t[4];

	le32(h, type);
	le32(h + 4, (uint32_t)(n + 12));
	le32(t, (uint32_t)(n + 12));
	fwrite_all(o, h, 8);
	fwrite_all(o, body, n);
	fwrite_all(o, t, 4);
}

static void
out_open(struct out *o, const char *dir, const char *name, enum fmt fmt,
	 enum link link, unsigned snaplen)
{
	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
	o->link = link;
	o->snaplen = snaplen;
	o->af6 = 24;
	snprintf(o->path, sizeof(o->path), "%s/%s", dir, name);
	if (fmt == F_PCAP || fmt == F_PCAP_NS) {
		o->pd = pcap_open_dead_with_tstamp_precision(
		    link_dlt(link), (int)snaplen,
		    fmt == F_PCAP_NS ? PCAP_TSTAMP_PRECISION_NANO
				     : PCAP_TSTAMP_PRECISION_MICRO);
		if (o->pd == NULL)
			abort();
		o->dump = pcap_dump_open(o->pd, o->path);
		if (o->dump == NULL) {
			fprintf(stderr, "synlab-gen: %s\n", pcap_geterr(o->pd));
			exit(1);
		}
		return;
	}
	o->f = fopen(o->path, "wb");
	if (o->f == NULL) {
		fprintf(stderr, "synlab-gen: %s: %s\n", o->path,
			strerror(errno));
		exit(1);
	}
	if (fmt == F_HAND) {
		uint8_t h[24];

		/* little-endian classic pcap header, µs */
		le32(h, 0xa1b2c3d4);
		le16(h + 4, 2);
		le16(h + 6, 4);
		le32(h + 8, 0);
		le32(h + 12, 0);
		le32(h + 16, snaplen);
		le32(h + 20, (uint32_t)link_linktype(link));
		fwrite_all(o, h, sizeof(h));
	} else {
		uint8_t b[256];
		size_t n = 0;
		static const char app[] = "synlab-gen (golden test input)";
		static const char ifn[] = "veth-a";
		uint8_t res = fmt == F_PCAPNG_NS ? 9 : 6;

		/* Section Header Block */
		le32(b, 0x1a2b3c4d);
		le16(b + 4, 1);
		le16(b + 6, 0);
		memset(b + 8, 0xff, 8); /* section length unknown */
		n = 16;
		n += ng_opt(b + n, 4, app, sizeof(app) - 1); /* shb_userappl */
		n += ng_opt(b + n, 0, "", 0);
		ng_block(o, 0x0a0d0d0a, b, n);
		/* Interface Description Block */
		le16(b, (uint32_t)link_linktype(link));
		le16(b + 2, 0);
		le32(b + 4, snaplen);
		n = 8;
		n += ng_opt(b + n, 2, ifn, sizeof(ifn) - 1); /* if_name */
		n += ng_opt(b + n, 9, &res, 1);		     /* if_tsresol */
		n += ng_opt(b + n, 0, "", 0);
		ng_block(o, 1, b, n);
		if (fmt == F_PCAPNG_MIXED) {
			/* a second interface: raw IP, snaplen 128 */
			le16(b, 101);
			le16(b + 2, 0);
			le32(b + 4, 128);
			n = 8;
			n += ng_opt(b + n, 2, "tun0", 4);
			n += ng_opt(b + n, 0, "", 0);
			ng_block(o, 1, b, n);
		}
	}
}

/* Write one record: capture time t (ns after T0), bytes, wire length. */
static void
out_rec(struct out *o, int64_t t, const uint8_t *p, size_t len)
{
	size_t cap = len < o->snaplen ? len : o->snaplen;
	int64_t abs_ns = T0_SEC * 1000000000LL + t;

	if (o->skip > 0) {
		o->skip--;
		return;
	}
	if (o->limit > 0 && o->npkt >= o->limit)
		return;
	if (o->f != NULL && o->npkt < sizeof(o->rec_off) / sizeof(long))
		o->rec_off[o->npkt] = ftell(o->f);
	o->npkt++;
	if (o->dump != NULL) {
		struct pcap_pkthdr h;

		h.ts.tv_sec = (time_t)(abs_ns / 1000000000LL);
		h.ts.tv_usec = (suseconds_t)(abs_ns % 1000000000LL);
		if (o->fmt == F_PCAP)
			h.ts.tv_usec /= 1000;
		h.caplen = (bpf_u_int32)cap;
		h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)o->dump, &h, p);
		return;
	}
	if (o->fmt == F_HAND) {
		uint8_t h[16];

		le32(h, (uint32_t)(abs_ns / 1000000000LL));
		le32(h + 4, (uint32_t)(abs_ns % 1000000000LL / 1000));
		le32(h + 8, (uint32_t)cap);
		le32(h + 12, (uint32_t)len);
		fwrite_all(o, h, sizeof(h));
		fwrite_all(o, p, cap);
		return;
	} else {
		static uint8_t b[MAXPKT + 512];
		uint64_t ts = (uint64_t)abs_ns;
		size_t n;

		if (o->fmt == F_PCAPNG || o->fmt == F_PCAPNG_MIXED)
			ts /= 1000;
		le32(b, o->ng_if);
		le32(b + 4, (uint32_t)(ts >> 32));
		le32(b + 8, (uint32_t)ts);
		le32(b + 12, (uint32_t)cap);
		le32(b + 16, (uint32_t)len);
		memcpy(b + 20, p, cap);
		n = 20 + cap;
		while (n % 4)
			b[n++] = 0;
		if (o->comment != NULL) {
			n += ng_opt(b + n, 1, o->comment, strlen(o->comment));
			n += ng_opt(b + n, 0, "", 0);
			o->comment = NULL;
		}
		ng_block(o, 6, b, n);
	}
}

static void
out_close(struct out *o)
{
	if (o->dump != NULL) {
		pcap_dump_close(o->dump);
		pcap_close(o->pd);
	} else if (fclose(o->f) != 0) {
		fprintf(stderr, "synlab-gen: %s: %s\n", o->path,
			strerror(errno));
		exit(1);
	}
}

/* Linux packet types of cooked captures. */
#define PKT_HOST     0
#define PKT_OUTGOING 4

static size_t
sll_hdr(uint8_t *f, const struct out *o, const struct conn *c, int from,
	int pkttype, uint32_t ifindex, uint16_t proto)
{
	if (o->link == L_SLL) {
		put16(f, (uint32_t)pkttype);
		put16(f + 2, 1); /* ARPHRD_ETHER */
		put16(f + 4, 6);
		memcpy(f + 6, c->mac[from], 6);
		put16(f + 12, 0);
		put16(f + 14, proto);
		return 16;
	}
	put16(f, proto);
	put16(f + 2, 0);
	put32(f + 4, ifindex);
	put16(f + 8, 1);
	f[10] = (uint8_t)pkttype;
	f[11] = 6;
	memcpy(f + 12, c->mac[from], 6);
	put16(f + 18, 0);
	return 20;
}

/* Headers prepended in front of a packet, innermost first. */
struct pre {
	uint8_t *b;
	size_t off, len;
};

static uint8_t *
pre_push(struct pre *p, size_t n)
{
	p->off -= n;
	p->len += n;
	memset(p->b + p->off, 0, n);
	return p->b + p->off;
}

static void
pre_eth(struct pre *p, const struct conn *c, int from, uint16_t type)
{
	uint8_t *h = pre_push(p, 14);

	memcpy(h, c->mac[!from], 6);
	memcpy(h + 6, c->mac[from], 6);
	put16(h + 12, type);
}

/* Outer IPv4 between the tunnel ends 203.0.113.1 and 203.0.113.2. */
static void
pre_ip4(struct pre *p, int from, uint8_t proto)
{
	uint8_t *h = pre_push(p, 20);

	h[0] = 0x45;
	put16(h + 2, (uint32_t)p->len);
	put16(h + 6, 0x4000);
	h[8] = 64;
	h[9] = proto;
	put32(h + 12, 0xcb007101u + (uint32_t)from);
	put32(h + 16, 0xcb007101u + (uint32_t)!from);
	put16(h + 10, fold(sum16(h, 20, 0)));
}

/* Outer IPv6 between 2001:db8:ffff::1 and ::2. */
static void
pre_ip6(struct pre *p, int from, uint8_t nxt)
{
	uint8_t *h = pre_push(p, 40);

	h[0] = 0x60;
	put16(h + 4, (uint32_t)(p->len - 40));
	h[6] = nxt;
	h[7] = 64;
	put32(h + 8, 0x20010db8u);
	put16(h + 12, 0xffff);
	h[23] = (uint8_t)(1 + from);
	put32(h + 24, 0x20010db8u);
	put16(h + 28, 0xffff);
	h[39] = (uint8_t)(1 + !from);
}

/* UDP with checksum 0 (allowed over IPv4, RFC 768). */
static void
pre_udp(struct pre *p, uint16_t sport, uint16_t dport)
{
	uint8_t *h = pre_push(p, 8);

	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, (uint32_t)p->len);
}

/* GRE with a sequence number (ERSPAN needs it) or bare. */
static void
pre_gre(struct pre *p, uint16_t proto, bool seq, uint32_t n)
{
	uint8_t *h = pre_push(p, seq ? 8 : 4);

	put16(h, seq ? 0x1000 : 0);
	put16(h + 2, proto);
	if (seq)
		put32(h + 4, n);
}

/*
 * Wrap IP packet ip[0..n) into o->encap's tunnel in buf; returns the new
 * length, *proto the ethertype the link must announce.
 */
static size_t
encap_wrap(const struct out *o, const struct conn *c, int from,
	   const uint8_t *ip, size_t n, uint8_t *buf, size_t cap,
	   uint16_t *proto)
{
	struct pre p = {buf, cap - n, n};
	uint16_t inner = *proto;
	uint8_t *h;

	memcpy(buf + p.off, ip, n);
	*proto = 0x0800;
	switch (o->encap) {
	case E_NONE:
		*proto = inner;
		break;
	case E_VXLAN:
		pre_eth(&p, c, from, inner);
		h = pre_push(&p, 8);
		h[0] = 0x08;
		h[6] = 42; /* VNI 42 */
		pre_udp(&p, 49152, 4789);
		pre_ip4(&p, from, 17);
		break;
	case E_GENEVE:
		pre_eth(&p, c, from, inner);
		h = pre_push(&p, 8);
		put16(h + 2, 0x6558);
		h[6] = 42;
		pre_udp(&p, 49152, 6081);
		pre_ip4(&p, from, 17);
		break;
	case E_GTPU:
		h = pre_push(&p, 8);
		h[0] = 0x30; /* version 1, PT 1 */
		h[1] = 0xff; /* G-PDU */
		put16(h + 2, (uint32_t)n);
		put32(h + 4, 0x1234u + (uint32_t)from);
		pre_udp(&p, 2152, 2152);
		pre_ip4(&p, from, 17);
		break;
	case E_GRE:
		pre_gre(&p, inner, false, 0);
		pre_ip4(&p, from, 47);
		break;
	case E_ERSPAN2:
		pre_eth(&p, c, from, inner);
		h = pre_push(&p, 8);
		put16(h, 0x1000); /* version 1: type II */
		put16(h + 2, 100);
		pre_gre(&p, 0x88be, true, (uint32_t)o->npkt);
		pre_ip4(&p, from, 47);
		break;
	case E_ERSPAN3:
		pre_eth(&p, c, from, inner);
		h = pre_push(&p, 12);
		put16(h, 0x2000); /* version 2: type III */
		put16(h + 2, 100);
		put32(h + 4, (uint32_t)o->npkt * 1000);
		pre_gre(&p, 0x22eb, true, (uint32_t)o->npkt);
		pre_ip4(&p, from, 47);
		break;
	case E_IPIP:
	case E_6IN4:
		pre_ip4(&p, from, inner == 0x86dd ? 41 : 4);
		break;
	case E_4IN6:
		pre_ip6(&p, from, inner == 0x86dd ? 41 : 4);
		*proto = 0x86dd;
		break;
	case E_MPLS:
		h = pre_push(&p, 4);
		put32(h, 17u << 12 | 0x100 | 64); /* bottom of stack */
		h = pre_push(&p, 4);
		put32(h, 16u << 12 | 64);
		*proto = 0x8847;
		break;
	case E_PPPOE:
		h = pre_push(&p, 2);
		put16(h, inner == 0x86dd ? 0x0057 : 0x0021);
		h = pre_push(&p, 6);
		h[0] = 0x11;
		put16(h + 2, 0x42);
		put16(h + 4, (uint32_t)(p.len - 6));
		*proto = 0x8864;
		break;
	}
	memmove(buf, buf + p.off, p.len);
	return p.len;
}

/*
 * Frame an IP packet for the output's link type and write it.  On a
 * capture on "any" the packet is written twice, identical IP bytes: as it
 * leaves the sender's veth end (OUTGOING) and 4 µs later as it arrives on
 * the peer's end (HOST), the way Linux shows a veth pair.
 */
static void
out_l3(struct out *o, const struct conn *c, int from, int64_t t,
       const uint8_t *ip, size_t n)
{
	static uint8_t f[MAXPKT + 256], w[MAXPKT + 256];
	uint16_t proto = (ip[0] >> 4) == 6 ? 0x86dd : 0x0800;
	size_t h = 0;
	uint32_t af;

	if (o->encap != E_NONE) {
		n = encap_wrap(o, c, from, ip, n, w, sizeof(w), &proto);
		ip = w;
	}

	switch (o->link) {
	case L_ETH:
	case L_VLAN:
	case L_QINQ:
		memcpy(f, c->mac[!from], 6);
		memcpy(f + 6, c->mac[from], 6);
		h = 12;
		if (o->link == L_QINQ) {
			put16(f + h, 0x88a8);
			put16(f + h + 2, 200); /* S-VLAN 200 */
			h += 4;
		}
		if (o->link != L_ETH) {
			put16(f + h, 0x8100);
			put16(f + h + 2, 100); /* VLAN 100, PCP 0 */
			h += 4;
		}
		put16(f + h, proto);
		h += 2;
		break;
	case L_SLL:
	case L_SLL2:
		if (o->any_dup) {
			h = sll_hdr(f, o, c, from, PKT_OUTGOING,
				    (uint32_t)(5 + from), proto);
			memcpy(f + h, ip, n);
			out_rec(o, t, f, h + n);
			h = sll_hdr(f, o, c, from, PKT_HOST,
				    (uint32_t)(5 + !from), proto);
			memcpy(f + h, ip, n);
			out_rec(o, t + US(4), f, h + n);
			return;
		}
		h = sll_hdr(f, o, c, from,
			    from == c->near ? PKT_OUTGOING : PKT_HOST, 2,
			    proto);
		break;
	case L_RAW:
	case L_RAW12:
	case L_IPV4:
	case L_IPV6:
		break;
	case L_NULL:
		af = proto == 0x0800 ? 2 : o->af6;
		memcpy(f, &af, 4); /* host byte order, as BSD writes it */
		h = 4;
		break;
	case L_LOOP:
		put32(f, proto == 0x0800 ? 2 : o->af6);
		h = 4;
		break;
	case L_PPP:
		f[0] = 0xff, f[1] = 0x03;
		put16(f + 2, proto == 0x86dd ? 0x0057 : 0x0021);
		h = 4;
		break;
	case L_CHDLC:
		f[0] = 0x0f, f[1] = 0;
		put16(f + 2, proto);
		h = 4;
		break;
	case L_FDDI:
		f[0] = 0x50; /* LLC frame, asynchronous */
		memcpy(f + 1, c->mac[!from], 6);
		memcpy(f + 7, c->mac[from], 6);
		f[13] = 0xaa, f[14] = 0xaa, f[15] = 0x03;
		f[16] = f[17] = f[18] = 0;
		put16(f + 19, proto);
		h = 21;
		break;
	case L_NFLOG:
		/* family, version 0, group 5; a prefix TLV; the payload TLV
		 * (TLV length and type little-endian: the host's order) */
		f[0] = proto == 0x86dd ? 10 : 2;
		f[1] = 0;
		put16(f + 2, 5);
		le16(f + 4, 4 + 7);
		le16(f + 6, 10); /* NFULA_PREFIX */
		memcpy(f + 8, "synlab\0\0", 8);
		le16(f + 16, (uint32_t)(4 + n));
		le16(f + 18, 9); /* NFULA_PAYLOAD */
		h = 20;
		break;
	}
	memcpy(f + h, ip, n);
	out_rec(o, t, f, h + n);
}

/* Build and write one segment. */
static void
tx(struct out *o, struct conn *c, int from, int64_t t, uint8_t fl, uint32_t seq,
   uint32_t ack, uint16_t win, const struct opt *op, size_t len)
{
	size_t n = build(c, from, fl, seq, ack, win, op, len, NULL);

	out_l3(o, c, from, t, c->pkt, n);
}

/* ------------------------------------------------------------------ */
/* common sequences */

/* SYN (with `extra` options after Linux's), SYN-ACK, ACK; returns the
 * time of the ACK. */
static int64_t
hs3x(struct out *o, struct conn *c, int64_t t, const struct opt *extra)
{
	struct opt op;

	op = lx_syn(c, 0, t, false);
	if (extra != NULL)
		o_raw(&op, extra->b, extra->n);
	tx(o, c, 0, t, SYN, c->isn[0], 0, c->synwin[0], &op, 0);
	t += rgap(c, 1);
	op = lx_syn(c, 1, t, true);
	tx(o, c, 1, t, SYN | ACK, c->isn[1], c->isn[0] + 1, c->synwin[1], &op,
	   0);
	t += rgap(c, 0);
	op = lx_ts(c, 0, t);
	tx(o, c, 0, t, ACK, c->isn[0] + 1, c->isn[1] + 1, c->win[0], &op, 0);
	c->nxt[0] = c->isn[0] + 1;
	c->nxt[1] = c->isn[1] + 1;
	return t;
}

static int64_t
hs3(struct out *o, struct conn *c, int64_t t)
{
	return hs3x(o, c, t, NULL);
}

/* `from` sends len bytes at t, the peer acknowledges; returns ACK time. */
static int64_t
xfer(struct out *o, struct conn *c, int from, int64_t t, size_t len)
{
	int to = !from;
	struct opt op = lx_ts(c, from, t);

	tx(o, c, from, t, PSH | ACK, c->nxt[from], c->nxt[to], c->win[from],
	   &op, len);
	c->nxt[from] += (uint32_t)len;
	t += rgap(c, to);
	op = lx_ts(c, to, t);
	tx(o, c, to, t, ACK, c->nxt[to], c->nxt[from], c->win[to], &op, 0);
	return t;
}

/* FIN from `first`, FIN-ACK from the other, last ACK. */
static int64_t
fin_close(struct out *o, struct conn *c, int first, int64_t t)
{
	int other = !first;
	struct opt op = lx_ts(c, first, t);

	tx(o, c, first, t, FIN | ACK, c->nxt[first], c->nxt[other],
	   c->win[first], &op, 0);
	c->nxt[first]++;
	t += rgap(c, other);
	op = lx_ts(c, other, t);
	tx(o, c, other, t, FIN | ACK, c->nxt[other], c->nxt[first],
	   c->win[other], &op, 0);
	c->nxt[other]++;
	t += rgap(c, first);
	op = lx_ts(c, first, t);
	tx(o, c, first, t, ACK, c->nxt[first], c->nxt[other], c->win[first],
	   &op, 0);
	return t;
}

/* A whole short conversation: handshake, request, response, close. */
static int64_t
conversation(struct out *o, struct conn *c, int64_t t)
{
	t = hs3(o, c, t);
	t = xfer(o, c, 0, t + US(120), 77);
	t = xfer(o, c, 1, t + MS(2), 412);
	return fin_close(o, c, 0, t + MS(5));
}

/* The usual client/server pair over a WAN path, captured at the client. */
static void
wan_pair(struct conn *c, struct rng *r)
{
	conn_init(c, r, P_WAN, "192.168.1.10", 40312, "198.51.100.20", 80);
}

static void
wan6_pair(struct conn *c, struct rng *r)
{
	conn_init(c, r, P_WAN6, "1", 40312, "2", 80);
}

/*
 * A simultaneous open and its close, as events at their send times on
 * one clock: A's SYN, B's SYN, A's SYN-ACK, B's SYN-ACK, A's ACK, B's ACK
 * (RFC 9293 §3.5 Figure 7, and docs/kernel-notes.md: each side keeps its
 * ISN; the ACK after the crossed SYN-ACK carries a D-SACK of the peer's
 * SYN), then A's FIN, B's FIN, A's last ACK (0: none).  Side 0 is A.
 */
enum { E_SA, E_SB, E_SAA, E_SAB, E_AA, E_AB, E_FA, E_FB, E_LA, E__N };

static int
ev_side(int e)
{
	return e == E_SB || e == E_SAB || e == E_AB || e == E_FB;
}

/*
 * Write the events as the capture point sees them: vantage 0 or 1 is next
 * to that side (the other side's packets arrive `lat`, the one-way
 * latency, after they were sent), -2 is half way (every packet lat/2
 * late), -1 sees every packet as it is sent.  TS values come from the send times, so the files of
 * one connection from several vantages carry the same packets.
 */
static void
simopen_ev(struct out *o, struct conn *c, const int64_t sent[E__N], int vantage,
	   int64_t lat)
{
	int64_t t[E__N], best;
	int ord[E__N], n = 0, i, j;
	uint32_t a = c->isn[0], b = c->isn[1];

	for (i = 0; i < E__N; i++) {
		int s = ev_side(i);

		if (sent[i] == 0)
			continue;
		t[i] = sent[i];
		if (vantage == -2)
			t[i] += lat / 2;
		else if (vantage >= 0 && s != vantage)
			t[i] += lat;
		ord[n++] = i;
	}
	for (i = 1; i < n; i++) /* insertion sort by capture time */
		for (j = i; j > 0 && t[ord[j]] < t[ord[j - 1]]; j--) {
			int x = ord[j];

			ord[j] = ord[j - 1];
			ord[j - 1] = x;
		}
	/* TS echoes follow the send order: replay it for tslast */
	for (i = 0; i < n; i++) {
		int e = ord[i], s = ev_side(e);
		int64_t st = sent[e];
		uint32_t my = s ? b : a, peer = s ? a : b;
		uint32_t sk[2] = {peer, peer + 1};
		struct opt op = {.n = 0};

		/* the echo is ts_recent: the TS of the peer's latest
		 * segment that has arrived by now */
		c->tslast[!s] = 0;
		for (j = 0, best = -1; j < E__N; j++)
			if (sent[j] != 0 && ev_side(j) != s &&
			    sent[j] + lat <= st && sent[j] > best)
				best = sent[j];
		if (best >= 0)
			c->tslast[!s] =
			    c->tsbase[!s] + (uint32_t)(best / MS(1));
		switch (e) {
		case E_SA:
		case E_SB:
			op = lx_syn(c, s, st, false);
			tx(o, c, s, t[e], SYN, my, 0, c->synwin[0], &op, 0);
			break;
		case E_SAA:
		case E_SAB:
			op = lx_syn(c, s, st, true);
			tx(o, c, s, t[e], SYN | ACK, my, peer + 1, c->synwin[0],
			   &op, 0);
			break;
		case E_AA:
		case E_AB:
			op = lx_ts(c, s, st);
			o_sack(&op, 1, sk);
			tx(o, c, s, t[e], ACK, my + 1, peer + 1, c->win[s], &op,
			   0);
			break;
		case E_FA:
			op = lx_ts(c, s, st);
			tx(o, c, s, t[e], FIN | ACK, a + 1, b + 1, c->win[s],
			   &op, 0);
			break;
		case E_FB:
			op = lx_ts(c, s, st);
			tx(o, c, s, t[e], FIN | ACK, b + 1, a + 2, c->win[s],
			   &op, 0);
			break;
		default:
			op = lx_ts(c, s, st);
			tx(o, c, s, t[e], ACK, a + 2, b + 2, c->win[s], &op, 0);
			break;
		}
	}
	c->nxt[0] = a + 1;
	c->nxt[1] = b + 1;
}

static void
sandbox_simopen_pair(struct conn *c, struct rng *r)
{
	conn_init(c, r, P_SANDBOX, "10.0.0.1", 1314, "10.0.0.2", 1314);
}

/* ------------------------------------------------------------------ */
/* shapes */

static void
g_three_way(struct out *o, struct rng *r)
{
	struct conn c;

	wan_pair(&c, r);
	conversation(o, &c, US(1234));
}

/*
 * TUN wire, one-way latency 10.05 ms, B's SYN leaves 0.2 ms after A's;
 * each side answers ~37 µs after a segment arrives.  Send times:
 */
static const int64_t simopen_10ms[E__N] = {
    [E_SA] = US(1000),	 [E_SB] = US(1200),   [E_SAA] = US(11287),
    [E_SAB] = US(11070), [E_AA] = US(21158),  [E_AB] = US(21367),
    [E_FA] = US(200000), [E_FB] = US(210088), [E_LA] = US(220176)};
#define SIMOPEN_LAT US(10050)

static void
g_simopen_a(struct out *o, struct rng *r)
{
	struct conn c;

	sandbox_simopen_pair(&c, r);
	simopen_ev(o, &c, simopen_10ms, 0, SIMOPEN_LAT);
}

static void
g_simopen_b(struct out *o, struct rng *r)
{
	struct conn c;

	sandbox_simopen_pair(&c, r);
	simopen_ev(o, &c, simopen_10ms, 1, SIMOPEN_LAT);
}

/* Half way along the wire: the SYN-ACKs pass in the other order. */
static void
g_simopen_path(struct out *o, struct rng *r)
{
	struct conn c;

	sandbox_simopen_pair(&c, r);
	simopen_ev(o, &c, simopen_10ms, -2, SIMOPEN_LAT);
}

/*
 * Self-connect on 127.0.0.1 (docs/kernel-notes.md, 20/20): SYN, the socket's own
 * SYN-ACK (seq x, ack x+1), an ACK with a D-SACK of x:x+1; then it writes
 * 5 bytes to itself and closes: each segment is answered by itself.
 * Returns the socket's snd_nxt after the close.
 */
static uint32_t
self_connect(struct out *o, struct conn *c, int64_t t, uint32_t x,
	     uint32_t syn_ecr)
{
	struct opt op = {.n = 0};
	uint32_t sk[2] = {x, x + 1};

	o_mss(&op, 65495);
	o_sackok(&op);
	o_ts(&op, tsv(c, 0, t), syn_ecr);
	o_nop(&op);
	o_ws(&op, 10);
	tx(o, c, 0, t, SYN, x, 0, 65495, &op, 0);
	t += US(14);
	op = lx_syn(c, 1, t, true);
	tx(o, c, 1, t, SYN | ACK, x, x + 1, 65483, &op, 0);
	t += US(11);
	op = lx_ts(c, 0, t);
	o_sack(&op, 1, sk);
	tx(o, c, 0, t, ACK, x + 1, x + 1, 64, &op, 0);
	t += US(180);
	op = lx_ts(c, 0, t);
	tx(o, c, 0, t, PSH | ACK, x + 1, x + 1, 64, &op, 5);
	t += US(9);
	op = lx_ts(c, 1, t);
	tx(o, c, 1, t, ACK, x + 6, x + 6, 64, &op, 0);
	t += US(150);
	op = lx_ts(c, 0, t);
	tx(o, c, 0, t, FIN | ACK, x + 6, x + 6, 64, &op, 0);
	t += US(10);
	op = lx_ts(c, 1, t);
	tx(o, c, 1, t, ACK, x + 7, x + 7, 64, &op, 0);
	return x + 7;
}

static void
self_pair(struct conn *c, struct rng *r)
{
	conn_init(c, r, P_LOOPBACK, "127.0.0.1", 46123, "127.0.0.1", 46123);
	c->tsbase[1] = c->tsbase[0];
	c->isn[1] = c->isn[0];
	c->self = true;
	c->near = -1;
}

static void
g_self_connect(struct out *o, struct rng *r)
{
	struct conn c;

	self_pair(&c, r);
	self_connect(o, &c, US(2000), c.isn[0], 0);
}

/* Reconnect within 60 s: TIME_WAIT reuse (tcp_tw_reuse=2 on loopback),
 * new ISN = old snd_nxt + 65537, the SYN echoes the old TS. */
static void
g_self_connect_twice(struct out *o, struct rng *r)
{
	struct conn c;
	uint32_t nxt, ecr;

	self_pair(&c, r);
	nxt = self_connect(o, &c, US(2000), c.isn[0], 0);
	ecr = c.tslast[0];
	self_connect(o, &c, MS(3517), nxt + 65537, ecr);
}

/* SYN to a closed port: RST, ACK, seq 0, ack s+1, win 0. */
static void
g_refused(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;

	conn_init(&c, r, P_WAN, "192.168.1.10", 40312, "198.51.100.20", 81);
	op = lx_syn(&c, 0, US(1500), false);
	tx(o, &c, 0, US(1500), SYN, c.isn[0], 0, 64240, &op, 0);
	tx(o, &c, 1, US(1500) + c.rtt, RST | ACK, 0, c.isn[0] + 1, 0, NULL, 0);
}

/*
 * Late crossing seen from A (docs/kernel-notes.md): B's SYN leaves after A's SYN was
 * refused at B, and reaches A after A's connect() failed.
 */
static void
g_crossing_refused(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;

	sandbox_simopen_pair(&c, r);
	op = lx_syn(&c, 0, US(1000), false);
	tx(o, &c, 0, US(1000), SYN, c.isn[0], 0, 64240, &op, 0);
	tx(o, &c, 1, US(21100), RST | ACK, 0, c.isn[0] + 1, 0, NULL, 0);
	op = lx_syn(&c, 1, US(23000), false);
	tx(o, &c, 1, US(23000), SYN, c.isn[1], 0, 64240, &op, 0);
	tx(o, &c, 0, US(23041), RST | ACK, 0, c.isn[1] + 1, 0, NULL, 0);
}

/* SYN and its retransmissions, RTO 1 s doubling (HZ=250 jitter). */
static void
g_unanswered(struct out *o, struct rng *r)
{
	struct conn c;
	static const int64_t t[] = {US(1000), US(1009000), US(3025000),
				    US(7057000)};
	unsigned i;

	conn_init(&c, r, P_WAN, "192.168.1.10", 40312, "203.0.113.9", 443);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct opt op = lx_syn(&c, 0, t[i], false);

		tx(o, &c, 0, t[i], SYN, c.isn[0], 0, 64240, &op, 0);
	}
}

/* A's socket was closed while in SYN-SENT; the SYN-ACK meets no socket:
 * RST with seq = the SYN-ACK's ack, no ACK bit (RFC 9293 §3.10.7.1). */
static void
g_reset(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t = US(1000);

	wan_pair(&c, r);
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 0);
	t += c.rtt;
	op = lx_syn(&c, 1, t, true);
	tx(o, &c, 1, t, SYN | ACK, c.isn[1], c.isn[0] + 1, 65160, &op, 0);
	t += US(41);
	tx(o, &c, 0, t, RST, c.isn[0] + 1, 0, 0, NULL, 0);
}

static void
g_incomplete_start(struct out *o, struct rng *r)
{
	struct conn c;

	wan_pair(&c, r);
	o->skip = 1; /* the capture started just after the SYN left */
	conversation(o, &c, US(1000));
}

static void
g_incomplete_end(struct out *o, struct rng *r)
{
	struct conn c;

	wan_pair(&c, r);
	o->limit = 2; /* the capture stopped after the SYN-ACK */
	conversation(o, &c, US(1000));
}

/*
 * Gate mode, both sockets in SYN-SENT, B's SYN released 25 ms after A's
 * over a 10 ms wire (|δ| > d): S, S., ., stale S, challenge ACK.
 */
static void
g_simopen_gate_degraded(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t;

	sandbox_simopen_pair(&c, r);
	c.near = 0;
	op = lx_syn(&c, 0, US(1000), false);
	tx(o, &c, 0, US(1000), SYN, c.isn[0], 0, 64240, &op, 0);
	/* A's SYN reached B in SYN-SENT: B answers with its own ISN */
	op = lx_syn(&c, 1, US(21120), true);
	tx(o, &c, 1, US(21120), SYN | ACK, c.isn[1], c.isn[0] + 1, 64240, &op,
	   0);
	op = lx_ts(&c, 0, US(21161));
	tx(o, &c, 0, US(21161), ACK, c.isn[0] + 1, c.isn[1] + 1, 63, &op, 0);
	/* B's SYN, held by the gate, arrives at the established A */
	op = lx_syn(&c, 1, US(36208), false);
	tx(o, &c, 1, US(36208), SYN, c.isn[1], 0, 64240, &op, 0);
	op = lx_ts(&c, 0, US(36247));
	tx(o, &c, 0, US(36247), ACK, c.isn[0] + 1, c.isn[1] + 1, 63, &op, 0);
	c.nxt[0] = c.isn[0] + 1;
	c.nxt[1] = c.isn[1] + 1;
	t = xfer(o, &c, 0, MS(100), 64);
	fin_close(o, &c, 0, t + MS(100));
}

/*
 * Established connection, captured at the server B; an injected SYN with
 * a new ISN draws an RFC 5961 §4 challenge ACK (seq snd_nxt, ack
 * rcv_nxt); a second SYN 200 ms later is not answered (500 ms
 * tcp_invalid_ratelimit).  The connection then closes normally.
 */
static void
g_late_syn_challenge(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	uint32_t z;
	int64_t t;

	wan_pair(&c, r);
	c.near = 1;
	t = hs3(o, &c, US(1000));
	t = xfer(o, &c, 0, t + US(150), 77);
	t = xfer(o, &c, 1, t + US(300), 412);
	z = rng32(r);
	t += MS(2000);
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, z, 0, 64240, &op, 0);
	t += US(35);
	op = lx_ts(&c, 1, t);
	tx(o, &c, 1, t, ACK, c.nxt[1], c.nxt[0], c.win[1], &op, 0);
	t += MS(200);
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, z, 0, 64240, &op, 0);
	fin_close(o, &c, 0, t + MS(3000));
}

/* Close with FIN both ways, then a new SYN with a new ISN, same tuple. */
static void
g_tuple_reuse(struct out *o, struct rng *r)
{
	struct conn c;
	int64_t t;

	wan_pair(&c, r);
	t = conversation(o, &c, US(1000));
	c.isn[0] = rng32(r);
	c.isn[1] = rng32(r);
	conversation(o, &c, t + MS(1500));
}

/* The first SYN is lost beyond the capture point; the 2nd is answered
 * (its TS val is echoed in the SYN-ACK). */
static void
g_syn_retx_answered(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t = US(1000);

	wan_pair(&c, r);
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 0);
	t += US(1008000);
	t = hs3(o, &c, t);
	t = xfer(o, &c, 0, t + US(120), 77);
	t = xfer(o, &c, 1, t + MS(2), 412);
	fin_close(o, &c, 0, t + MS(5));
}

/* ------------------------------------------------------------------ */
/* violations */

/* SYN-ACK acks ISN+2; A answers RST seq=SEG.ACK (RFC 9293 §3.10.7.3). */
static void
g_viol_synack_bad_ack(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t = US(1000);

	wan_pair(&c, r);
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 0);
	t += c.rtt;
	op = lx_syn(&c, 1, t, true);
	tx(o, &c, 1, t, SYN | ACK, c.isn[1], c.isn[0] + 2, 65160, &op, 0);
	t += US(40);
	tx(o, &c, 0, t, RST, c.isn[0] + 2, 0, 0, NULL, 0);
}

/* Simultaneous open where B's SYN-ACK carries a new ISN; A, in
 * SYN-RECEIVED, answers the unacceptable segment with an ACK. */
static void
g_viol_simopen_isn_changed(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;

	sandbox_simopen_pair(&c, r);
	op = lx_syn(&c, 0, US(1000), false);
	tx(o, &c, 0, US(1000), SYN, c.isn[0], 0, 64240, &op, 0);
	op = lx_syn(&c, 1, US(11215), false);
	tx(o, &c, 1, US(11215), SYN, c.isn[1], 0, 64240, &op, 0);
	op = lx_syn(&c, 0, US(11252), true);
	tx(o, &c, 0, US(11252), SYN | ACK, c.isn[0], c.isn[1] + 1, 64240, &op,
	   0);
	op = lx_syn(&c, 1, US(21120), true);
	tx(o, &c, 1, US(21120), SYN | ACK, c.isn[1] + 0x01000000, c.isn[0] + 1,
	   64240, &op, 0);
	op = lx_ts(&c, 0, US(21158));
	tx(o, &c, 0, US(21158), ACK, c.isn[0] + 1, c.isn[1] + 1, 63, &op, 0);
}

static void
g_viol_rst_nonzero_seq(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;

	conn_init(&c, r, P_WAN, "192.168.1.10", 40312, "198.51.100.20", 81);
	op = lx_syn(&c, 0, US(1500), false);
	tx(o, &c, 0, US(1500), SYN, c.isn[0], 0, 64240, &op, 0);
	tx(o, &c, 1, US(1500) + c.rtt, RST | ACK, rng32(r), c.isn[0] + 1, 0,
	   NULL, 0);
}

/* An RST whose ack is not s+1 is not acceptable in SYN-SENT: A ignores
 * it, retransmits the SYN and the second RST is correct. */
static void
g_viol_rst_bad_ack(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t = US(1500);

	conn_init(&c, r, P_WAN, "192.168.1.10", 40312, "198.51.100.20", 81);
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 0);
	tx(o, &c, 1, t + c.rtt, RST | ACK, 0, c.isn[0] + 5, 0, NULL, 0);
	t += US(1008000);
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 0);
	tx(o, &c, 1, t + c.rtt, RST | ACK, 0, c.isn[0] + 1, 0, NULL, 0);
}

/*
 * The window-scale defect of docs/kernel-notes.md, captured at the kernel
 * socket K (side 0, in SYN-SENT).  The injector (side 1) sends a SYN with only an MSS
 * option; K answers with a SYN-ACK that still offers wscale 10, and later
 * advertises win 63: still scaled by 2^10 although scaling was never
 * agreed (RFC 7323 §2.2).
 */
static void
g_viol_wscale_defect(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t = US(1000);

	sandbox_simopen_pair(&c, r);
	c.port[1] = 7000;
	c.ts = false;
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 0);
	t += MS(2);
	op.n = 0;
	o_mss(&op, 1460);
	tx(o, &c, 1, t, SYN, c.isn[1], 0, 64240, &op, 0);
	t += US(42);
	op = lx_syn(&c, 0, t, false); /* TS ecr 0: the peer sent no TS */
	tx(o, &c, 0, t, SYN | ACK, c.isn[0], c.isn[1] + 1, 64240, &op, 0);
	t += MS(1);
	tx(o, &c, 1, t, ACK, c.isn[1] + 1, c.isn[0] + 1, 64240, NULL, 0);
	t += MS(1);
	tx(o, &c, 1, t, PSH | ACK, c.isn[1] + 1, c.isn[0] + 1, 64240, NULL, 10);
	t += US(45);
	tx(o, &c, 0, t, ACK, c.isn[0] + 1, c.isn[1] + 11, 63, NULL, 0);
}

/* B acknowledges 5000 bytes more than A ever sent; A answers with an ACK
 * (RFC 9293 §3.10.7.4: SEG.ACK > SND.NXT). */
static void
g_viol_ack_unsent(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t;

	wan_pair(&c, r);
	t = hs3(o, &c, US(1000));
	t += US(120);
	op = lx_ts(&c, 0, t);
	tx(o, &c, 0, t, PSH | ACK, c.nxt[0], c.nxt[1], c.win[0], &op, 77);
	c.nxt[0] += 77;
	t += c.rtt;
	op = lx_ts(&c, 1, t);
	tx(o, &c, 1, t, ACK, c.nxt[1], c.nxt[0] + 5000, c.win[1], &op, 0);
	t += US(40);
	op = lx_ts(&c, 0, t);
	tx(o, &c, 0, t, ACK, c.nxt[0], c.nxt[1], c.win[0], &op, 0);
	t = xfer(o, &c, 1, t + MS(1), 412);
	fin_close(o, &c, 0, t + MS(5));
}

/* ------------------------------------------------------------------ */
/* link types and network layers */

static void
g_conv_wan(struct out *o, struct rng *r)
{
	struct conn c;

	wan_pair(&c, r);
	conversation(o, &c, US(1000));
}

static void
g_conv_wan6(struct out *o, struct rng *r)
{
	struct conn c;

	wan6_pair(&c, r);
	conversation(o, &c, US(1000));
}

/* On "any" over a veth pair: the SYN is retransmitted once (a real
 * retransmission, new TS val), and every packet appears twice. */
static void
g_any_dup_threeway(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t;

	conn_init(&c, r, P_SANDBOX, "10.0.0.1", 40000, "10.0.0.2", 8080);
	c.near = -1;
	o->any_dup = true;
	op = lx_syn(&c, 0, US(1000), false);
	tx(o, &c, 0, US(1000), SYN, c.isn[0], 0, 64240, &op, 0);
	t = hs3(o, &c, US(1009000));
	t = xfer(o, &c, 0, t + US(120), 77);
	t = xfer(o, &c, 1, t + US(300), 412);
	fin_close(o, &c, 0, t + MS(1));
}

/* Simultaneous open of two local sockets through a gate that released
 * both SYNs 6 µs apart, captured on "any": every packet twice. */
static void
g_any_dup_simopen(struct out *o, struct rng *r)
{
	struct conn c;
	static const int64_t t[E__N] = {
	    [E_SA] = US(1000),	[E_SB] = US(1006),  [E_SAA] = US(1018),
	    [E_SAB] = US(1012), [E_AA] = US(1026),  [E_AB] = US(1033),
	    [E_FA] = US(50000), [E_FB] = US(50034), [E_LA] = US(50063)};

	sandbox_simopen_pair(&c, r);
	o->any_dup = true;
	simopen_ev(o, &c, t, -1, US(4));
}

/* DLT_NULL / DLT_LOOP: a utun-style tunnel carrying IPv4 and IPv6. */
static void
g_bsd_loop(struct out *o, struct rng *r, uint32_t af6)
{
	struct conn c;
	int64_t t;

	o->af6 = af6;
	wan_pair(&c, r);
	t = conversation(o, &c, US(1000));
	wan6_pair(&c, r);
	c.port[0] = 40314;
	conversation(o, &c, t + MS(300));
}

static void
g_null(struct out *o, struct rng *r)
{
	g_bsd_loop(o, r, 30); /* macOS AF_INET6 */
}

static void
g_loop(struct out *o, struct rng *r)
{
	g_bsd_loop(o, r, 24); /* OpenBSD AF_INET6 */
}

/* Hop-by-hop (router alert + PadN) then destination options (PadN). */
static const uint8_t v6ext_hbh_dst[] = {
    60, 0, 5, 2, 0, 0, 1, 0, /* HBH: NH=DstOpt, RA, PadN(0) */
    6,	0, 1, 4, 0, 0, 0, 0, /* DstOpt: NH=TCP, PadN(4) */
};

static void
g_ipv6_ext(struct out *o, struct rng *r)
{
	struct conn c;

	wan6_pair(&c, r);
	c.v6ext = v6ext_hbh_dst;
	c.v6extlen = sizeof(v6ext_hbh_dst);
	c.v6ext_nh = 0;
	conversation(o, &c, US(1000));
}

/* IHL 6 (router alert), then IHL 15 (record route, 9 slots, + EOL). */
static const uint8_t ip4_ra[] = {0x94, 0x04, 0x00, 0x00};
static const uint8_t ip4_rr[40] = {7, 39,  12, 192, 168, 1,
				   1, 203, 0,  113, 1 /* two hops recorded */};

static void
g_ipv4_options(struct out *o, struct rng *r)
{
	struct conn c;
	int64_t t;

	wan_pair(&c, r);
	c.ip4opt = ip4_ra;
	c.ip4optlen = sizeof(ip4_ra);
	t = conversation(o, &c, US(1000));
	wan_pair(&c, r);
	c.port[0] = 40316;
	c.ip4opt = ip4_rr;
	c.ip4optlen = sizeof(ip4_rr);
	conversation(o, &c, t + MS(300));
}

/*
 * Split the IPv4 packet p (n bytes, 20-byte header) after `first` bytes of
 * IP payload (a multiple of 8) and write both fragments, `gap` apart.
 */
static void
frag4(struct out *o, struct conn *c, int from, int64_t t, int64_t gap,
      const uint8_t *p, size_t n, size_t first)
{
	uint8_t f[MAXPKT];
	size_t rest = n - 20 - first;

	memcpy(f, p, 20 + first);
	put16(f + 2, (uint32_t)(20 + first));
	put16(f + 6, 0x2000); /* MF, offset 0 */
	put16(f + 10, 0);
	put16(f + 10, fold(sum16(f, 20, 0)));
	out_l3(o, c, from, t, f, 20 + first);
	memcpy(f, p, 20);
	memcpy(f + 20, p + 20 + first, rest);
	put16(f + 2, (uint32_t)(20 + rest));
	put16(f + 6, (uint32_t)(first / 8));
	put16(f + 10, 0);
	put16(f + 10, fold(sum16(f, 20, 0)));
	out_l3(o, c, from, t + gap, f, 20 + rest);
}

/* Clear DF in c->pkt (a 20-byte-header IPv4 packet) and refresh the
 * header checksum. */
static void
clear_df(struct conn *c)
{
	put16(c->pkt + 6, 0);
	put16(c->pkt + 10, 0);
	put16(c->pkt + 10, fold(sum16(c->pkt, 20, 0)));
}

/* A 1200-byte segment fragmented on the way (976 + 256 bytes of IP
 * payload); the first fragment holds the whole TCP header. */
static void
g_ipv4_fragments(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	size_t n;
	int64_t t;

	wan_pair(&c, r);
	t = hs3(o, &c, US(1000));
	t += US(150);
	op = lx_ts(&c, 0, t);
	n = build(&c, 0, PSH | ACK, c.nxt[0], c.nxt[1], c.win[0], &op, 1200,
		  NULL);
	clear_df(&c);
	c.nxt[0] += 1200;
	frag4(o, &c, 0, t, US(3), c.pkt, n, 976);
	t += c.rtt;
	op = lx_ts(&c, 1, t);
	tx(o, &c, 1, t, ACK, c.nxt[1], c.nxt[0], c.win[1], &op, 0);
	t = xfer(o, &c, 1, t + MS(1), 412);
	fin_close(o, &c, 0, t + MS(5));
}

/* The SYN itself in two fragments, the first with only 16 bytes of the
 * TCP header (ports, seq, ack, offset and flags; no window/checksum). */
static void
g_ipv4_frag_tiny_syn(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	size_t n;
	int64_t t = US(1000);

	wan_pair(&c, r);
	op = lx_syn(&c, 0, t, false);
	n = build(&c, 0, SYN, c.isn[0], 0, 64240, &op, 0, NULL);
	clear_df(&c);
	frag4(o, &c, 0, t, US(2), c.pkt, n, 16);
	t += c.rtt;
	op = lx_syn(&c, 1, t, true);
	tx(o, &c, 1, t, SYN | ACK, c.isn[1], c.isn[0] + 1, 65160, &op, 0);
	t += US(40);
	op = lx_ts(&c, 0, t);
	tx(o, &c, 0, t, ACK, c.isn[0] + 1, c.isn[1] + 1, c.win[0], &op, 0);
	c.nxt[0] = c.isn[0] + 1;
	c.nxt[1] = c.isn[1] + 1;
	t = xfer(o, &c, 0, t + US(120), 77);
	fin_close(o, &c, 0, t + MS(5));
}

/* ------------------------------------------------------------------ */
/* pcapng and nanoseconds */

static void
g_pcapng_comment(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t = US(1000);

	wan_pair(&c, r);
	op = lx_syn(&c, 0, t, false);
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 0);
	t += c.rtt + 317; /* ns resolution shows */
	op = lx_syn(&c, 1, t, true);
	o->comment = "analyst: slow SYN-ACK, check the server's backlog";
	tx(o, &c, 1, t, SYN | ACK, c.isn[1], c.isn[0] + 1, 65160, &op, 0);
	t += US(40) + 11;
	op = lx_ts(&c, 0, t);
	tx(o, &c, 0, t, ACK, c.isn[0] + 1, c.isn[1] + 1, c.win[0], &op, 0);
	c.nxt[0] = c.isn[0] + 1;
	c.nxt[1] = c.isn[1] + 1;
	t = xfer(o, &c, 0, t + US(120), 77);
	fin_close(o, &c, 0, t + MS(5));
}

/* Simultaneous open timed to the nanosecond, seen from A (one-way
 * latency 10.050123 ms). */
static void
g_ns_simopen(struct out *o, struct rng *r)
{
	struct conn c;
	static const int64_t t[E__N] = {
	    [E_SA] = 1000123,	[E_SB] = 1200456,   [E_SAA] = 11287602,
	    [E_SAB] = 11070311, [E_AA] = 21158017,  [E_AB] = 21367908,
	    [E_FA] = 200004321, [E_FB] = 210092555, [E_LA] = 220180789};

	sandbox_simopen_pair(&c, r);
	simopen_ev(o, &c, t, 0, 10050123);
}

/* ------------------------------------------------------------------ */
/* TCP options */

static struct opt
raw_opt(const uint8_t *b, size_t n)
{
	struct opt o = {.n = 0};

	o_raw(&o, b, n);
	return o;
}

/* conversation() whose SYN carries `extra` after Linux's options. */
static void
conv_synopt(struct out *o, struct rng *r, const uint8_t *b, size_t n)
{
	struct conn c;
	struct opt extra = raw_opt(b, n);
	int64_t t;

	wan_pair(&c, r);
	t = hs3x(o, &c, US(1000), &extra);
	t = xfer(o, &c, 0, t + US(120), 77);
	t = xfer(o, &c, 1, t + MS(2), 412);
	fin_close(o, &c, 0, t + MS(5));
}

static void
g_opt_len0(struct out *o, struct rng *r)
{
	static const uint8_t b[] = {76, 0};

	conv_synopt(o, r, b, sizeof(b));
}

static void
g_opt_len1(struct out *o, struct rng *r)
{
	static const uint8_t b[] = {76, 1};

	conv_synopt(o, r, b, sizeof(b));
}

/* Kind 76 claims 10 bytes; the header ends 4 bytes after it starts. */
static void
g_opt_past_header(struct out *o, struct rng *r)
{
	static const uint8_t b[] = {76, 10, 0xaa, 0xbb};

	conv_synopt(o, r, b, sizeof(b));
}

/* User Timeout (28), an RFC 6994 experiment (253, ExID 0x4a54) and the
 * unassigned kind 76: kept raw, not an error. */
static void
g_opt_unknown(struct out *o, struct rng *r)
{
	static const uint8_t b[] = {28,	  4,	0x02, 0x58, 253, 6, 0x4a, 0x54,
				    0x01, 0x02, 76,   6,    1,	 2, 3,	  4};

	conv_synopt(o, r, b, sizeof(b));
}

/*
 * TCP Fast Open (RFC 7413): a cookie request and the server's cookie;
 * 2 s later a SYN with the cookie and 77 bytes of data, which the server
 * accepts: its SYN-ACK acknowledges ISN+1+77.
 */
static void
g_opt_tfo(struct out *o, struct rng *r)
{
	static const uint8_t req[] = {34, 2, 1, 1};
	static const uint8_t ck[] = {34,   10,	 0x3f, 0x81, 0x0c, 0x77,
				     0xd2, 0x19, 0x5e, 0xa4, 1,	   1};
	struct conn c;
	struct opt op;
	int64_t t = US(1000);

	wan_pair(&c, r);
	op = lx_syn(&c, 0, t, false);
	o_raw(&op, req, sizeof(req));
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 0);
	t += c.rtt;
	op = lx_syn(&c, 1, t, true);
	o_raw(&op, ck, sizeof(ck));
	tx(o, &c, 1, t, SYN | ACK, c.isn[1], c.isn[0] + 1, 65160, &op, 0);
	t += US(40);
	op = lx_ts(&c, 0, t);
	tx(o, &c, 0, t, ACK, c.isn[0] + 1, c.isn[1] + 1, c.win[0], &op, 0);
	c.nxt[0] = c.isn[0] + 1;
	c.nxt[1] = c.isn[1] + 1;
	t = xfer(o, &c, 0, t + US(120), 77);
	t = xfer(o, &c, 1, t + MS(2), 412);
	t = fin_close(o, &c, 0, t + MS(5));

	c.port[0] = 40314;
	c.isn[0] = rng32(r);
	c.isn[1] = rng32(r);
	t += SEC(2);
	op = lx_syn(&c, 0, t, false);
	o_raw(&op, ck, sizeof(ck));
	tx(o, &c, 0, t, SYN, c.isn[0], 0, 64240, &op, 77);
	t += c.rtt;
	op = lx_syn(&c, 1, t, true);
	tx(o, &c, 1, t, SYN | ACK, c.isn[1], c.isn[0] + 78, 65160, &op, 0);
	t += US(40);
	c.nxt[0] = c.isn[0] + 78;
	c.nxt[1] = c.isn[1] + 1;
	op = lx_ts(&c, 0, t);
	tx(o, &c, 0, t, ACK, c.nxt[0], c.nxt[1], c.win[0], &op, 0);
	t = xfer(o, &c, 1, t + MS(1), 412);
	fin_close(o, &c, 0, t + MS(5));
}

/*
 * B sends seven 1448-byte segments; the 2nd, 4th and 6th are lost before
 * the capture point (A).  A's duplicate ACKs carry 1, 2, then 3 SACK
 * blocks, newest first (RFC 2018 §4); B's retransmissions fill the holes.
 */
static void
g_opt_sack(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	uint32_t b0, e[6];
	int64_t t;
	int i, k;

	wan_pair(&c, r);
	t = hs3(o, &c, US(1000));
	t = xfer(o, &c, 0, t + US(120), 77);
	b0 = c.nxt[1];
	t += MS(1);
	for (i = 0; i < 7; i++) {
		if (i % 2 == 1)
			continue; /* lost */
		op = lx_ts(&c, 1, t + US(110) * i);
		tx(o, &c, 1, t + US(110) * i, ACK, b0 + 1448u * (uint32_t)i,
		   c.nxt[0], c.win[1], &op, 1448);
		/* A's ACK: cumulative b0+1448, SACK the newest blocks */
		op = lx_ts(&c, 0, t + US(110) * i + US(35));
		for (k = 0; k < i / 2; k++) {
			int blk = i - 2 * k;

			e[2 * k] = b0 + 1448u * (uint32_t)blk;
			e[2 * k + 1] = b0 + 1448u * (uint32_t)(blk + 1);
		}
		if (i > 0)
			o_sack(&op, (unsigned)(i / 2), e);
		tx(o, &c, 0, t + US(110) * i + US(35), ACK, c.nxt[0], b0 + 1448,
		   c.win[0], &op, 0);
	}
	t += c.rtt;
	for (i = 1; i < 7; i += 2) { /* retransmissions of 1, 3, 5 */
		int nb = (7 - i) / 2 - 1;

		op = lx_ts(&c, 1, t);
		tx(o, &c, 1, t, ACK, b0 + 1448u * (uint32_t)i, c.nxt[0],
		   c.win[1], &op, 1448);
		t += US(35);
		op = lx_ts(&c, 0, t);
		for (k = 0; k < nb; k++) {
			int blk = 6 - 2 * k;

			e[2 * k] = b0 + 1448u * (uint32_t)blk;
			e[2 * k + 1] = b0 + 1448u * (uint32_t)(blk + 1);
		}
		if (nb > 0)
			o_sack(&op, (unsigned)nb, e);
		tx(o, &c, 0, t, ACK, c.nxt[0],
		   b0 + 1448u * (uint32_t)(nb > 0 ? i + 2 : 7), c.win[0], &op,
		   0);
		t += US(300);
	}
	c.nxt[1] = b0 + 7 * 1448;
	fin_close(o, &c, 0, t + MS(5));
}

/* A's ISN is 0xffffffff (its SYN-ACK's ack is 0); B's data crosses 2^32. */
static void
g_seq_wrap(struct out *o, struct rng *r)
{
	struct conn c;
	int64_t t;
	int i;

	wan_pair(&c, r);
	c.isn[0] = 0xffffffffu;
	c.isn[1] = 0xffffee00u;
	t = hs3(o, &c, US(1000));
	t = xfer(o, &c, 0, t + US(120), 77);
	for (i = 0; i < 4; i++)
		t = xfer(o, &c, 1, t + US(200), i < 3 ? 1448 : 656);
	fin_close(o, &c, 0, t + MS(5));
}

/* ------------------------------------------------------------------ */
/* truncated and malformed */

/* A clean conversation plus, after the handshake, one damaged copy of
 * A's handshake ACK (so the conversation is whole without it). */
static void
conv_bad(struct out *o, struct conn *c, const struct mut *m,
	 void (*damage)(struct conn *c))
{
	struct opt op;
	size_t n;
	int64_t t;

	t = hs3(o, c, US(1000));
	op = lx_ts(c, 0, t + US(60));
	n = build(c, 0, ACK, c->nxt[0], c->nxt[1], c->win[0], &op, 0, m);
	if (damage != NULL)
		damage(c);
	out_l3(o, c, 0, t + US(60), c->pkt, n);
	t = xfer(o, c, 0, t + US(120), 77);
	t = xfer(o, c, 1, t + MS(2), 412);
	fin_close(o, c, 0, t + MS(5));
}

/* The malformed-header cases: one extra frame damaged so. */
static const struct {
	const char *name;
	struct mut m;
} bad_cases[] = {
    {"malformed-ipv4-ihl-lt5.pcap", {.ihl = 4}},
    {"malformed-ipv4-totlen.pcap", {.totlen = 1500}},
    {"malformed-tcp-doff-lt5.pcap", {.doff = 4}},
    {"malformed-tcp-doff-past-end.pcap", {.doff = 15}},
};

static void
g_bad(struct out *o, struct rng *r)
{
	struct conn c;
	size_t i = 0;

	while (strcmp(bad_cases[i].name, o->name) != 0)
		i++; /* every case that names g_bad is in the table */
	wan_pair(&c, r);
	conv_bad(o, &c, &bad_cases[i].m, NULL);
}

static const uint8_t v6ext_hbh[] = {6, 0, 5, 2, 0, 0, 1, 0};

/* The hop-by-hop header claims (30+1)*8 = 248 bytes. */
static void
hbh_too_long(struct conn *c)
{
	c->pkt[41] = 30;
}

static void
g_bad_v6ext(struct out *o, struct rng *r)
{
	struct conn c;

	wan6_pair(&c, r);
	c.v6ext = v6ext_hbh;
	c.v6extlen = sizeof(v6ext_hbh);
	c.v6ext_nh = 0;
	conv_bad(o, &c, NULL, hbh_too_long);
}

/* ------------------------------------------------------------------ */
/* corrupt files (post-processing of a hand-written file) */

static void
patch(const struct out *o, long off, const uint8_t *b, size_t n)
{
	FILE *f = fopen(o->path, "r+b");

	if (f == NULL || fseek(f, off, SEEK_SET) != 0 ||
	    fwrite(b, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "synlab-gen: %s: cannot patch\n", o->path);
		exit(1);
	}
}

static uint32_t
read_le32(const struct out *o, long off)
{
	uint8_t b[4] = {0, 0, 0, 0};
	FILE *f = fopen(o->path, "rb");

	if (f == NULL || fseek(f, off, SEEK_SET) != 0 ||
	    fread(b, 1, 4, f) != 4) {
		fprintf(stderr, "synlab-gen: %s: cannot read\n", o->path);
		exit(1);
	}
	fclose(f);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static void
cut(const struct out *o, long len)
{
	if (truncate(o->path, len) != 0) {
		fprintf(stderr, "synlab-gen: %s: %s\n", o->path,
			strerror(errno));
		exit(1);
	}
}

static void
post_bad_magic(struct out *o)
{
	static const uint8_t b[] = {0xef, 0xbe, 0xad, 0xde};

	patch(o, 0, b, sizeof(b));
}

static void
post_short_header(struct out *o)
{
	cut(o, 10);
}

/* The last record says 66 bytes; only 46 are in the file. */
static void
post_trunc_record(struct out *o)
{
	struct stat st;

	if (stat(o->path, &st) != 0)
		abort();
	cut(o, (long)st.st_size - 20);
}

/* The header says snaplen 128; records of up to 478 bytes follow. */
static void
post_caplen_gt_snaplen(struct out *o)
{
	uint8_t b[4];

	le32(b, 128);
	patch(o, 16, b, sizeof(b));
}

/* The 8th record claims 16 MiB (libpcap's maximum is 256 KiB). */
static void
post_caplen_huge(struct out *o)
{
	uint8_t b[4];

	le32(b, 0x01000000);
	patch(o, o->rec_off[7] + 8, b, sizeof(b));
	patch(o, o->rec_off[7] + 12, b, sizeof(b));
}

/* The 8th EPB's trailing length is 4 more than its leading one. */
static void
post_ng_trailer(struct out *o)
{
	long off = o->rec_off[7];
	uint32_t len = read_le32(o, off + 4);
	uint8_t b[4];

	le32(b, len + 4);
	patch(o, off + (long)len - 4, b, sizeof(b));
}

/* The last EPB claims 1024 bytes more than the file holds. */
static void
post_ng_block_len(struct out *o)
{
	long off = o->rec_off[o->npkt - 1];
	uint32_t len = read_le32(o, off + 4);
	uint8_t b[4];

	le32(b, len + 1024);
	patch(o, off + 4, b, sizeof(b));
}

/* A zero-length record (caplen 0, len 0) after the handshake. */
static void
g_zero_length(struct out *o, struct rng *r)
{
	static const uint8_t none[1] = {0};
	struct conn c;
	int64_t t;

	wan_pair(&c, r);
	t = hs3(o, &c, US(1000));
	out_rec(o, t + US(60), none, 0);
	t = xfer(o, &c, 0, t + US(120), 77);
	t = xfer(o, &c, 1, t + MS(2), 412);
	fin_close(o, &c, 0, t + MS(5));
}

/* ------------------------------------------------------------------ */
/* the catalogue */

/* ------------------------------------------------------------------ */
/* tunnels, link types, offload lengths, AccECN, `any` copies, clocks */

/* The conversation with every packet inside one tunnel. */
#define G_TUN(fn, e, pair)                                                     \
	static void fn(struct out *o, struct rng *r)                           \
	{                                                                      \
		struct conn c;                                                 \
		o->encap = e;                                                  \
		pair(&c, r);                                                   \
		conversation(o, &c, US(1234));                                 \
	}
G_TUN(g_tun_vxlan, E_VXLAN, wan_pair)
G_TUN(g_tun_geneve, E_GENEVE, wan_pair)
G_TUN(g_tun_gtpu, E_GTPU, wan_pair)
G_TUN(g_tun_gre, E_GRE, wan_pair)
G_TUN(g_tun_erspan2, E_ERSPAN2, wan_pair)
G_TUN(g_tun_erspan3, E_ERSPAN3, wan_pair)
G_TUN(g_tun_ipip, E_IPIP, wan_pair)
G_TUN(g_tun_6in4, E_6IN4, wan6_pair)
G_TUN(g_tun_4in6, E_4IN6, wan_pair)
G_TUN(g_tun_mpls, E_MPLS, wan_pair)
G_TUN(g_tun_pppoe, E_PPPOE, wan_pair)

/*
 * B's 1900-byte response as one TSO/GRO super-packet whose IPv4 total
 * length is 0 (as Linux writes above 64 KiB and Windows TSO captures
 * show); A acknowledges all of it.
 */
static void
g_gso_totlen0(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	size_t n;
	int64_t t;

	wan_pair(&c, r);
	t = hs3(o, &c, US(1000));
	t = xfer(o, &c, 0, t + US(120), 77);
	t += MS(2);
	op = lx_ts(&c, 1, t);
	n = build(&c, 1, PSH | ACK, c.nxt[1], c.nxt[0], c.win[1], &op, 1900,
		  NULL);
	put16(c.pkt + 2, 0);
	put16(c.pkt + 10, 0);
	put16(c.pkt + 10, fold(sum16(c.pkt, 20, 0)));
	out_l3(o, &c, 1, t, c.pkt, n);
	c.nxt[1] += 1900;
	t += rgap(&c, 0);
	op = lx_ts(&c, 0, t);
	tx(o, &c, 0, t, ACK, c.nxt[0], c.nxt[1], c.win[0], &op, 0);
	fin_close(o, &c, 0, t + MS(5));
}

/* One segment with the AccECN AE bit (the bit before CWR) set or not. */
static void
tx_ae(struct out *o, struct conn *c, int from, int64_t t, uint8_t fl,
      uint32_t seq, uint32_t ack, uint16_t win, const struct opt *op)
{
	size_t n = build(c, from, fl, seq, ack, win, op, 0, NULL);
	uint8_t *th = c->pkt + 20;
	uint32_t sum;

	th[12] |= 0x01;
	put16(th + 16, 0);
	sum = sum16(c->ip[from], 4, 0);
	sum = sum16(c->ip[!from], 4, sum);
	sum += (uint32_t)(n - 20) + 6;
	put16(th + 16, fold(sum16(th, n - 20, sum)));
	out_l3(o, c, from, t, c->pkt, n);
}

/*
 * AccECN negotiation (draft-ietf-tcpm-accurate-ecn): the SYN sets AE, CWR
 * and ECE; the SYN-ACK answers with AE and ECE (ACE 0b101); then the
 * conversation.
 */
static void
g_accecn(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	int64_t t = US(1000);

	wan_pair(&c, r);
	op = lx_syn(&c, 0, t, false);
	tx_ae(o, &c, 0, t, SYN | 0x40 | 0x80, c.isn[0], 0, c.synwin[0], &op);
	t += rgap(&c, 1);
	op = lx_syn(&c, 1, t, true);
	tx_ae(o, &c, 1, t, SYN | ACK | 0x40, c.isn[1], c.isn[0] + 1,
	      c.synwin[1], &op);
	t += rgap(&c, 0);
	op = lx_ts(&c, 0, t);
	tx(o, &c, 0, t, ACK, c.isn[0] + 1, c.isn[1] + 1, c.win[0], &op, 0);
	c.nxt[0] = c.isn[0] + 1;
	c.nxt[1] = c.isn[1] + 1;
	t = xfer(o, &c, 0, t + US(120), 77);
	fin_close(o, &c, 0, t + MS(5));
}

/* One record on a cooked v2 `any` capture: interface and direction. */
static void
rec_any(struct out *o, const struct conn *c, int from, int64_t t, int pkttype,
	uint32_t ifindex, size_t n)
{
	static uint8_t f[MAXPKT + 64];
	size_t h = sll_hdr(f, o, c, from, pkttype, ifindex, 0x0800);

	memcpy(f + h, c->pkt, n);
	out_rec(o, t, f, h + n);
}

/*
 * A router captured on `any`: each packet arrives on one interface (HOST)
 * and leaves on the other (OUTGOING).  A's SYN waits 151 ms in the
 * outgoing queue, so its copy comes after nothing else but long after
 * the 5 ms a copy used to be allowed; the rest is forwarded in 9 µs.
 */
static void
g_any_router_queue(struct out *o, struct rng *r)
{
	struct conn c;
	struct opt op;
	size_t n;
	int64_t t = US(1000);

	wan_pair(&c, r);
	op = lx_syn(&c, 0, t, false);
	n = build(&c, 0, SYN, c.isn[0], 0, c.synwin[0], &op, 0, NULL);
	rec_any(o, &c, 0, t, PKT_HOST, 2, n);
	rec_any(o, &c, 0, t + MS(151), PKT_OUTGOING, 3, n);
	t += MS(162);
	op = lx_syn(&c, 1, t, true);
	n = build(&c, 1, SYN | ACK, c.isn[1], c.isn[0] + 1, c.synwin[1], &op, 0,
		  NULL);
	rec_any(o, &c, 1, t, PKT_HOST, 3, n);
	rec_any(o, &c, 1, t + US(9), PKT_OUTGOING, 2, n);
	t += MS(12);
	op = lx_ts(&c, 0, t);
	n = build(&c, 0, ACK, c.isn[0] + 1, c.isn[1] + 1, c.win[0], &op, 0,
		  NULL);
	rec_any(o, &c, 0, t, PKT_HOST, 2, n);
	rec_any(o, &c, 0, t + US(9), PKT_OUTGOING, 3, n);
	t += MS(3);
	op = lx_ts(&c, 0, t);
	n = build(&c, 0, FIN | ACK, c.isn[0] + 1, c.isn[1] + 1, c.win[0], &op,
		  0, NULL);
	rec_any(o, &c, 0, t, PKT_HOST, 2, n);
	rec_any(o, &c, 0, t + US(9), PKT_OUTGOING, 3, n);
	t += MS(11);
	op = lx_ts(&c, 1, t);
	n = build(&c, 1, FIN | ACK, c.isn[1] + 1, c.isn[0] + 2, c.win[1], &op,
		  0, NULL);
	rec_any(o, &c, 1, t, PKT_HOST, 3, n);
	rec_any(o, &c, 1, t + US(9), PKT_OUTGOING, 2, n);
	t += MS(12);
	op = lx_ts(&c, 0, t);
	n = build(&c, 0, ACK, c.isn[0] + 2, c.isn[1] + 2, c.win[0], &op, 0,
		  NULL);
	rec_any(o, &c, 0, t, PKT_HOST, 2, n);
	rec_any(o, &c, 0, t + US(9), PKT_OUTGOING, 3, n);
}

/*
 * A pcapng libpcap 1.10 refuses: the conversation on Ethernet interface 0,
 * then another on raw-IP interface 1 (snaplen 128, so its 412-byte
 * response is cut).
 */
static void
g_ng_mixed(struct out *o, struct rng *r)
{
	struct conn c, d;
	int64_t t;

	wan_pair(&c, r);
	t = conversation(o, &c, US(1234));
	o->link = L_RAW;
	o->ng_if = 1;
	o->snaplen = 128;
	conn_init(&d, r, P_WAN, "10.8.0.2", 50000, "10.8.0.1", 443);
	conversation(o, &d, t + MS(10));
}

/* The file gzip-compressed in place (zlib's header has no time stamp). */
static void
post_gzip(struct out *o)
{
	static uint8_t b[1 << 20];
	FILE *f = fopen(o->path, "rb");
	size_t n;
	gzFile gz;

	if (f == NULL)
		abort();
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	gz = gzopen(o->path, "wb9");
	if (gz == NULL || gzwrite(gz, b, (unsigned)n) != (int)n ||
	    gzclose(gz) != Z_OK) {
		fprintf(stderr, "synlab-gen: %s: gzip failed\n", o->path);
		exit(1);
	}
}

/* Seconds of hand-made record i (F_HAND, little-endian) += add. */
static void
post_add_seconds(struct out *o, unsigned i, uint32_t add)
{
	uint8_t b[4];

	le32(b, read_le32(o, o->rec_off[i]) + add);
	patch(o, o->rec_off[i], b, sizeof(b));
}

/* Every record 2^31 s later: 2093, past the signed 32-bit range. */
static void
post_ts_2093(struct out *o)
{
	unsigned long i;

	for (i = 0; i < o->npkt; i++)
		post_add_seconds(o, (unsigned)i, 0x80000000u);
}

/* The 5th record (A's request) 10 years ahead: one bogus timestamp. */
static void
post_ts_jump(struct out *o)
{
	post_add_seconds(o, 4, 315360000u);
}

struct cap {
	const char *name;
	enum fmt fmt;
	enum link link;
	unsigned snaplen;
	void (*gen)(struct out *o, struct rng *r);
	void (*post)(struct out *o);
	const char *desc;
};

/* ------------------------------------------------------------------ */
/*
 * Endpoint-model cases: RFC 9293 Figures 6-12, RFC 5961's cases and the
 * recovery cases of the analyzer's endpoint model, each written once as
 * the segments both ends send (send time, flags, SEQ and ACK as in the
 * RFC's figures) and rendered from three vantages: next to A, next to B
 * and half way.  A segment reaches the other end D = 10 ms after it left
 * (plus its own extra delay); `unseen` hides it from vantages that did
 * not see it (lost on the way, or sent before the capture began).
 */
#define M_D	MS(10)
#define U_A	1 /* not seen next to A */
#define U_B	2 /* not seen next to B */
#define U_P	4 /* not seen half way */
#define M_TS	1 /* timestamps option */
#define M_NOMSS 2 /* no MSS option on a SYN */
#define M_ID0	4 /* IP ID 0 (Linux's SYN-ACK with DF) */

struct mev {
	char from;	/* 'A' or 'B' */
	int t_us;	/* sent at (µs) */
	const char *fl; /* S F R P . as tcpdump prints them */
	uint32_t seq, ack;
	uint16_t len;
	uint8_t unseen; /* U_* */
	uint8_t opt;	/* M_* */
	int dly_us;	/* extra one-way delay of this segment */
};

static uint8_t
m_flags(const char *s)
{
	uint8_t f = 0;

	for (; *s != '\0'; s++)
		f |= *s == 'S'	 ? SYN
		     : *s == 'F' ? FIN
		     : *s == 'R' ? RST
		     : *s == 'P' ? PSH
		     : *s == '.' ? ACK
				 : 0;
	return f;
}

/* Capture time of e at vantage v (0: A, 1: B, 2: half way). */
static int64_t
m_seen(const struct mev *e, int v)
{
	int s = e->from == 'B';
	int64_t t = US(e->t_us), d = M_D + US(e->dly_us);

	if (v == 2)
		return t + d / 2;
	return v == s ? t : t + d;
}

/* TS clocks: A's at 1000, B's at 5000, 1 kHz from the send time. */
static uint32_t
m_tsval(const struct mev *e)
{
	return (e->from == 'B' ? 5000u : 1000u) + (uint32_t)(e->t_us / 1000);
}

static void
m_render(struct out *o, struct rng *r, const struct mev *ev, size_t n, int v)
{
	struct conn c;
	size_t ord[64], i, j, k = 0;

	conn_init(&c, r, P_WAN, "192.0.2.10", 40000, "198.51.100.20", 80);
	c.ts = false;
	for (i = 0; i < n && k < 64; i++)
		if (!(ev[i].unseen & (1u << v)))
			ord[k++] = i;
	for (i = 1; i < k; i++) /* insertion sort by capture time */
		for (j = i; j > 0 &&
			    m_seen(&ev[ord[j]], v) < m_seen(&ev[ord[j - 1]], v);
		     j--) {
			size_t x = ord[j];
			ord[j] = ord[j - 1];
			ord[j - 1] = x;
		}
	for (i = 0; i < k; i++) {
		const struct mev *e = &ev[ord[i]];
		int s = e->from == 'B';
		uint8_t fl = m_flags(e->fl);
		struct opt op = {.n = 0};
		uint32_t ecr = 0;
		int64_t tsat = -1;
		size_t x;

		/* TS echo: the latest peer TS val that had arrived */
		for (x = 0; x < n; x++)
			if ((ev[x].from == 'B') != s && (ev[x].opt & M_TS) &&
			    m_seen(&ev[x], s) <= US(e->t_us) &&
			    m_seen(&ev[x], s) > tsat) {
				tsat = m_seen(&ev[x], s);
				ecr = m_tsval(&ev[x]);
			}
		if ((fl & SYN) && !(e->opt & M_NOMSS))
			o_mss(&op, 1460);
		if (e->opt & M_TS) {
			o_nop(&op);
			o_nop(&op);
			o_ts(&op, m_tsval(e),
			     (fl & (SYN | ACK)) == SYN ? 0 : ecr);
		}
		if (e->opt & M_ID0)
			c.ipid[s] = 0;
		tx(o, &c, s, m_seen(e, v), fl, e->seq, e->ack,
		   (fl & RST)	? 0
		   : (fl & SYN) ? 64240
				: 502,
		   &op, e->len);
	}
}

#define M_CASE(name)                                                           \
	static void g_m_##name##_a(struct out *o, struct rng *r)               \
	{                                                                      \
		m_render(o, r, m_##name,                                       \
			 sizeof(m_##name) / sizeof(m_##name[0]), 0);           \
	}                                                                      \
	static void g_m_##name##_b(struct out *o, struct rng *r)               \
	{                                                                      \
		m_render(o, r, m_##name,                                       \
			 sizeof(m_##name) / sizeof(m_##name[0]), 1);           \
	}                                                                      \
	static void g_m_##name##_path(struct out *o, struct rng *r)            \
	{                                                                      \
		m_render(o, r, m_##name,                                       \
			 sizeof(m_##name) / sizeof(m_##name[0]), 2);           \
	}

/* RFC 9293 Figure 6: basic three-way handshake, then data. */
static const struct mev m_fig6[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
    {'A', 21200, "P.", 101, 301, 10, 0, 0, 0},
    {'B', 31250, ".", 301, 111, 0, 0, 0, 0},
};
M_CASE(fig6)

/* Figure 7: simultaneous initiation (B's SYN leaves 0.5 ms after A's). */
static const struct mev m_fig7[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 1500, "S", 300, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 11550, "S.", 100, 301, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
    {'B', 21600, ".", 301, 101, 0, 0, 0, 0},
};
M_CASE(fig7)

/* Figure 8: recovery from an old duplicate SYN (SEQ 90, sent by an old
 * incarnation before the capture began); A's SYN 100 is delayed 30 ms. */
static const struct mev m_fig8[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 30000},
    {'A', 1000, "S", 90, 0, 0, U_A, 0, 0},
    {'B', 11050, "S.", 300, 91, 0, 0, 0, 0},
    {'A', 21100, "R", 91, 0, 0, 0, 0, 0},
    {'B', 41050, "S.", 400, 101, 0, 0, 0, 0},
    {'A', 51100, ".", 101, 401, 0, 0, 0, 0},
};
M_CASE(fig8)

/* Figure 8 as pcaps/real-old-dup-syn shows it, with A's SYN again at its
 * timeout: A's S 100 is lost past half way; an old S 90 from A's tuple is
 * seen everywhere, B answers it (S. 300 ack 91), A in SYN-SENT resets it
 * (R 91), and A's own SYN comes again 0.8 s later and connects. */
static const struct mev m_fig8_seen[] = {
    {'A', 1000, "S", 100, 0, 0, U_B, 0, 0},
    {'A', 200000, "S", 90, 0, 0, 0, 0, 0},
    {'B', 210050, "S.", 300, 91, 0, 0, 0, 0},
    {'A', 220100, "R", 91, 0, 0, 0, 0, 0},
    {'A', 1001000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 1011050, "S.", 400, 101, 0, 0, 0, 0},
    {'A', 1021100, ".", 101, 401, 0, 0, 0, 0},
};
M_CASE(fig8_seen)

/* Figure 9: half-open connection discovery.  A crashed; B is still
 * ESTABLISHED (SEQ 300, ACK 100) and answers A's new SYN with an ACK; A
 * in SYN-SENT resets it (SEQ=SEG.ACK) and its SYN is retransmitted. */
static const struct mev m_fig9[] = {
    {'A', 1000, "S", 400, 0, 0, 0, 0, 0},
    {'B', 11050, ".", 300, 100, 0, 0, 0, 0},
    {'A', 21100, "R", 100, 0, 0, 0, 0, 0},
    {'A', 1001000, "S", 400, 0, 0, 0, 0, 0},
    {'B', 1011050, "S.", 800, 401, 0, 0, 0, 0},
    {'A', 1021100, ".", 401, 801, 0, 0, 0, 0},
};
M_CASE(fig9)

/* Figure 10: the active side causes half-open discovery (no SYN). */
static const struct mev m_fig10[] = {
    {'B', 1000, "P.", 300, 100, 10, 0, 0, 0},
    {'A', 11050, "R", 100, 0, 0, 0, 0, 0},
};
M_CASE(fig10)

/* Figure 11: an old duplicate SYN resets two passive sockets. */
static const struct mev m_fig11[] = {
    {'A', 1000, "S", 200, 0, 0, U_A, 0, 0},
    {'B', 11050, "S.", 300, 201, 0, 0, 0, 0},
    {'A', 21100, "R", 201, 0, 0, 0, 0, 0},
};
M_CASE(fig11)

/* Figure 12: normal close, after a three-way handshake. */
static const struct mev m_fig12[] = {
    {'A', 1000, "S", 99, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 299, 100, 0, 0, 0, 0},
    {'A', 21100, ".", 100, 300, 0, 0, 0, 0},
    {'A', 31100, "F.", 100, 300, 0, 0, 0, 0},
    {'B', 41150, ".", 300, 101, 0, 0, 0, 0},
    {'B', 51150, "F.", 300, 101, 0, 0, 0, 0},
    {'A', 61200, ".", 101, 301, 0, 0, 0, 0},
};
M_CASE(fig12)

/* RFC 5961 §3: a blind RST outside the window reaches B in SYN-RECEIVED
 * (sent by a third host, never seen next to A); B drops it. */
static const struct mev m_rst_synrcvd_oow[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 15000, "R", 70000, 0, 0, U_A, 0, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
    {'A', 21200, "P.", 101, 301, 10, 0, 0, 0},
    {'B', 31250, ".", 301, 111, 0, 0, 0, 0},
};
M_CASE(rst_synrcvd_oow)

/* RFC 5961 §3.2: a RST inside the window but not at RCV.NXT draws a
 * challenge ACK; the connection goes on. */
static const struct mev m_rst_inwin[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
    {'A', 25000, "R", 105, 0, 0, U_A, 0, 0},
    {'B', 35050, ".", 301, 101, 0, 0, 0, 0},
    {'A', 45100, "P.", 101, 301, 10, 0, 0, 0},
    {'B', 55150, ".", 301, 111, 0, 0, 0, 0},
};
M_CASE(rst_inwin)

/* RFC 5961 §4: A restarted and connects again from the same port with a
 * new ISN; B, still ESTABLISHED, answers the SYN with a challenge ACK,
 * A's RST (SEQ=SEG.ACK) ends B's old connection and A's SYN, repeated a
 * second later, opens the new one. */
static const struct mev m_syn_challenge[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
    {'A', 3000000, "S", 9000, 0, 0, 0, 0, 0},
    {'B', 3010050, ".", 301, 101, 0, 0, 0, 0},
    {'A', 3020100, "R", 101, 0, 0, 0, 0, 0},
    {'A', 4000000, "S", 9000, 0, 0, 0, 0, 0},
    {'B', 4010050, "S.", 700, 9001, 0, 0, 0, 0},
    {'A', 4020100, ".", 9001, 701, 0, 0, 0, 0},
};
M_CASE(syn_challenge)

/* A lost SYN-ACK (lost past half way): A retransmits its SYN. */
static const struct mev m_lost_synack[] = {
    {'A', 1000, "S", 100, 0, 0, 0, M_TS, 0},
    {'B', 11050, "S.", 300, 101, 0, U_A, M_TS, 0},
    {'A', 1001000, "S", 100, 0, 0, 0, M_TS, 0},
    {'B', 1011050, "S.", 300, 101, 0, 0, M_TS, 0},
    {'A', 1021100, ".", 101, 301, 0, 0, M_TS, 0},
    {'A', 1021200, "P.", 101, 301, 10, 0, M_TS, 0},
    {'B', 1031250, ".", 301, 111, 0, 0, M_TS, 0},
};
M_CASE(lost_synack)

/* A lost third ACK (lost past half way); B speaks first, after its
 * SYN-ACK retransmission drew a second ACK. */
static const struct mev m_lost_ack[] = {
    {'A', 1000, "S", 100, 0, 0, 0, M_TS, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, M_TS, 0},
    {'A', 21100, ".", 101, 301, 0, U_B, M_TS, 0},
    {'B', 1011050, "S.", 300, 101, 0, 0, M_TS, 0},
    {'A', 1021100, ".", 101, 301, 0, 0, M_TS, 0},
    {'B', 1031150, "P.", 301, 101, 10, 0, M_TS, 0},
    {'A', 1041200, ".", 101, 311, 0, 0, M_TS, 0},
};
M_CASE(lost_ack)

/* A's new SYN (new ISN, below B's window) reaches B in SYN-RECEIVED: B
 * drops it with an ACK, A (SYN-SENT) resets that ACK, B returns to
 * LISTEN and A's retransmitted SYN opens the connection. */
static const struct mev m_dup_syn_synrcvd[] = {
    {'A', 1000, "S", 1000, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 1001, 0, U_A | U_P, 0, 0},
    {'A', 15000, "S", 500, 0, 0, 0, 0, 0},
    {'B', 25050, ".", 301, 1001, 0, 0, 0, 0},
    {'A', 35100, "R", 1001, 0, 0, 0, 0, 0},
    {'A', 1015000, "S", 500, 0, 0, 0, 0, 0},
    {'B', 1025050, "S.", 800, 501, 0, 0, 0, 0},
    {'A', 1035100, ".", 501, 801, 0, 0, 0, 0},
};
M_CASE(dup_syn_synrcvd)

/* A refused connect() retried with the same ISN (Windows does this). */
static const struct mev m_refused_retry[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "R.", 0, 101, 0, 0, 0, 0},
    {'A', 521100, "S", 100, 0, 0, 0, 0, 0},
    {'B', 531150, "R.", 0, 101, 0, 0, 0, 0},
    {'A', 1041200, "S", 100, 0, 0, 0, 0, 0},
    {'B', 1051250, "R.", 0, 101, 0, 0, 0, 0},
};
M_CASE(refused_retry)

/* The 7th SYN retransmission comes 33.5 s after the 6th (RTO doubling
 * with jitter) and is answered. */
static const struct mev m_syn_retx7[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'A', 1001000, "S", 100, 0, 0, 0, 0, 0},
    {'A', 3001000, "S", 100, 0, 0, 0, 0, 0},
    {'A', 7001000, "S", 100, 0, 0, 0, 0, 0},
    {'A', 15001000, "S", 100, 0, 0, 0, 0, 0},
    {'A', 31201000, "S", 100, 0, 0, 0, 0, 0},
    {'A', 64701000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 64711050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 64721100, ".", 101, 301, 0, 0, 0, 0},
};
M_CASE(syn_retx7)

/* A RST with a bad ACK that SYN-SENT drops; the handshake then
 * completes: three-way, not refused. */
static const struct mev m_rst_dropped[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 6000, "R.", 0, 777, 0, U_B, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
};
M_CASE(rst_dropped)

/* SYN+FIN to a closed port: RST acknowledging SYN and FIN (ISN+2). */
static const struct mev m_synfin_rst[] = {
    {'A', 1000, "SF", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "R.", 0, 102, 0, 0, 0, 0},
};
M_CASE(synfin_rst)

/* SYN+FIN to a listener: its SYN-ACK acknowledges SYN and FIN. */
static const struct mev m_synfin_synack[] = {
    {'A', 1000, "SF", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 102, 0, 0, 0, 0},
    {'A', 21100, ".", 102, 301, 0, 0, 0, 0},
};
M_CASE(synfin_synack)

/* The listener's request expired; the next SYN retransmission gets a new
 * embryonic connection with a fresh ISN. */
static const struct mev m_synack_new_isn[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, U_A | U_P, 0, 0},
    {'A', 1001000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 1011050, "S.", 5000, 101, 0, 0, 0, 0},
    {'A', 1021100, ".", 101, 5001, 0, 0, 0, 0},
};
M_CASE(synack_new_isn)

/* The final ACK acknowledges more than B sent: B resets it and stays
 * in SYN-RECEIVED; then A's data finds no connection. */
static const struct mev m_synrcvd_bad_ack[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 9301, 0, 0, 0, 0},
    {'B', 31150, "R", 9301, 0, 0, 0, 0, 0},
};
M_CASE(synrcvd_bad_ack)

/* The final ACK lies outside B's window: B drops it with an ACK; A's
 * next ACK completes the handshake. */
static const struct mev m_synrcvd_bad_seq[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 90101, 301, 0, 0, 0, 0},
    {'B', 31150, ".", 301, 101, 0, 0, 0, 0},
    {'A', 41200, ".", 101, 301, 0, 0, 0, 0},
};
M_CASE(synrcvd_bad_seq)

/* Timestamps: B's SYN-ACK carries TS although A's SYN had none. */
static const struct mev m_ts_unsolicited[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, M_TS, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
};
M_CASE(ts_unsolicited)

/* Timestamps negotiated, then A's data goes without them. */
static const struct mev m_ts_missing[] = {
    {'A', 1000, "S", 100, 0, 0, 0, M_TS, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, M_TS, 0},
    {'A', 21100, ".", 101, 301, 0, 0, M_TS, 0},
    {'A', 21200, "P.", 101, 301, 10, 0, 0, 0},
    {'B', 31250, ".", 301, 111, 0, 0, M_TS, 0},
};
M_CASE(ts_missing)

/* Only B's direction was captured (an asymmetric route). */
static const struct mev m_one_way[] = {
    {'A', 1000, "S", 100, 0, 0, U_B, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 301, 0, U_B, 0, 0},
    {'A', 21200, "P.", 101, 301, 100, U_B, 0, 0},
    {'B', 31250, ".", 301, 201, 0, 0, 0, 0},
    {'B', 31350, "P.", 301, 201, 50, 0, 0, 0},
    {'A', 41400, ".", 201, 351, 0, U_B, 0, 0},
};
M_CASE(one_way)

/* A's data reaches the capture point after B's ACK of it (a reordering
 * capture: the data took 20 ms longer to the tap than the ACK). */
static const struct mev m_ack_reordered[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
    {'A', 21200, "P.", 101, 301, 100, U_B, 0, 0},
    {'A', 21200, "P.", 101, 301, 100, U_A | U_P, 0, 30000},
    {'B', 31250, ".", 301, 201, 0, 0, 0, 0},
};
M_CASE(ack_reordered)

/* A lost SYN-ACK; the SYN's retransmission draws two SYN-ACKs, byte for
 * byte the same (IP ID 0, same TSval), 30 us apart, A's ACK between
 * them next to A: the second is a transmission, not a packet copy. */
static const struct mev m_synack_twice[] = {
    {'A', 1000, "S", 100, 0, 0, 0, M_TS, 0},
    {'B', 11050, "S.", 300, 101, 0, U_A | U_P, M_TS | M_ID0, 0},
    {'A', 1001000, "S", 100, 0, 0, 0, M_TS, 0},
    {'B', 1011050, "S.", 300, 101, 0, 0, M_TS | M_ID0, 0},
    {'A', 1021060, ".", 101, 301, 0, 0, M_TS, 0},
    {'B', 1011080, "S.", 300, 101, 0, 0, M_TS | M_ID0, 0},
    {'A', 1021090, ".", 101, 301, 0, 0, M_TS, 0},
};
M_CASE(synack_twice)

/* B closed first and holds TIME-WAIT; A connects again at once with an
 * ISN below the old one (no timestamps, so no RFC 6191 reuse): B's
 * TIME-WAIT ACK, A's RST from SYN-SENT, A's SYN again, a new handshake. */
static const struct mev m_timewait_oldisn[] = {
    {'A', 1000, "S", 100, 0, 0, 0, 0, 0},
    {'B', 11050, "S.", 300, 101, 0, 0, 0, 0},
    {'A', 21100, ".", 101, 301, 0, 0, 0, 0},
    {'B', 32000, "F.", 301, 101, 0, 0, 0, 0},
    {'A', 42050, "F.", 101, 302, 0, 0, 0, 0},
    {'B', 52100, ".", 302, 102, 0, 0, 0, 0},
    {'A', 62200, "S", 50, 0, 0, 0, 0, 0},
    {'B', 72250, ".", 302, 102, 0, 0, 0, 0},
    {'A', 82300, "R", 102, 0, 0, 0, 0, 0},
    {'A', 91300, "S", 50, 0, 0, 0, 0, 0},
    {'B', 101350, "S.", 900, 51, 0, 0, 0, 0},
    {'A', 111400, ".", 51, 901, 0, 0, 0, 0},
};
M_CASE(timewait_oldisn)

#define M_CAP(name, file, desc)                                                 \
	{file "-a.pcap",	 F_PCAP, L_ETH, SNAP, g_m_##name##_a, NULL,     \
	 desc ", seen next to A"},                                              \
	    {file "-b.pcap",	     F_PCAP, L_ETH, SNAP, g_m_##name##_b, NULL, \
	     desc ", seen next to B"},                                          \
	    {file "-path.pcap",                                                 \
	     F_PCAP,                                                            \
	     L_ETH,                                                             \
	     SNAP,                                                              \
	     g_m_##name##_path,                                                 \
	     NULL,                                                              \
	     desc ", seen half way"},

#define MODEL_CAPS                                                             \
	M_CAP(fig6, "rfc-fig6", "RFC 9293 Figure 6: three-way handshake")      \
	M_CAP(fig7, "rfc-fig7", "Figure 7: simultaneous initiation")           \
	M_CAP(fig8, "rfc-fig8",                                                \
	      "Figure 8: recovery from an old duplicate SYN")                  \
	M_CAP(fig8_seen, "rfc-fig8-seen",                                      \
	      "Figure 8, the old duplicate captured")                          \
	M_CAP(fig9, "rfc-fig9", "Figure 9: half-open connection discovery")    \
	M_CAP(fig10, "rfc-fig10", "Figure 10: active side finds a half-open")  \
	M_CAP(fig11, "rfc-fig11", "Figure 11: old duplicate SYN, two passive") \
	M_CAP(fig12, "rfc-fig12", "Figure 12: normal close")                   \
	M_CAP(rst_synrcvd_oow, "rfc5961-rst-synrcvd-oow",                      \
	      "RFC 5961 §3: out-of-window RST in SYN-RECEIVED")                \
	M_CAP(rst_inwin, "rfc5961-rst-in-window",                              \
	      "RFC 5961 §3.2: in-window RST, challenge ACK")                   \
	M_CAP(syn_challenge, "rfc5961-syn-challenge",                          \
	      "RFC 5961 §4: SYN on an established connection")                 \
	M_CAP(lost_synack, "model-lost-synack", "lost SYN-ACK, SYN retx")      \
	M_CAP(lost_ack, "model-lost-ack", "lost third ACK, SYN-ACK retx")      \
	M_CAP(dup_syn_synrcvd, "model-dup-syn-synrcvd",                        \
	      "new-ISN SYN while the listener is in SYN-RECEIVED")             \
	M_CAP(refused_retry, "model-refused-retry",                            \
	      "refused SYN retried with the same ISN")                         \
	M_CAP(syn_retx7, "model-syn-retx7", "7th SYN retx 33.5 s later")       \
	M_CAP(rst_dropped, "model-rst-dropped",                                \
	      "RST dropped by SYN-SENT, then a three-way")                     \
	M_CAP(synfin_rst, "model-synfin-rst", "SYN+FIN refused, ack ISN+2")    \
	M_CAP(synfin_synack, "model-synfin-synack",                            \
	      "SYN+FIN answered, ack ISN+2")                                   \
	M_CAP(synack_new_isn, "model-synack-new-isn",                          \
	      "expired request: second SYN-ACK with a new ISN")                \
	M_CAP(synrcvd_bad_ack, "model-synrcvd-bad-ack",                        \
	      "final ACK beyond SND.NXT")                                      \
	M_CAP(synrcvd_bad_seq, "model-synrcvd-bad-seq",                        \
	      "final ACK outside the window")                                  \
	M_CAP(ts_unsolicited, "model-ts-unsolicited",                          \
	      "TS in a SYN-ACK to a SYN without")                              \
	M_CAP(ts_missing, "model-ts-missing", "TS negotiated, then missing")   \
	M_CAP(one_way, "model-one-way", "only B's direction captured")         \
	M_CAP(synack_twice, "model-synack-twice",                              \
	      "two identical SYN-ACKs, an ACK between")                        \
	M_CAP(timewait_oldisn, "model-timewait-oldisn",                        \
	      "old-ISN SYN to a TIME-WAIT peer, RST, SYN again")               \
	M_CAP(ack_reordered, "model-ack-reordered",                            \
	      "data captured after its ACK")

/* The PRNG seed of a file: its name, except for files that show one
 * connection from several places, which must share ISNs and clocks. */
static const char *
seed_of(const char *name)
{
	if (strncmp(name, "simopen-vantage-", 16) == 0 ||
	    strcmp(name, "simopen-path.pcap") == 0)
		return "simopen-10ms";
	if (strcmp(name, "gzip-three-way.pcap.gz") == 0)
		return "three-way.pcap"; /* the same bytes, compressed */
	if (strcmp(name, "gzip-mixed-links.pcapng.gz") == 0)
		return "pcapng-mixed-links.pcapng";
	return name;
}

#define SNAP 262144

static const struct cap caps[] = {
    /* shapes */
    {"three-way.pcap", F_PCAP, L_ETH, SNAP, g_three_way, NULL,
     "three-way handshake, request, response, FIN close (client side)"},
    {"simopen-vantage-a.pcap", F_PCAP, L_ETH, SNAP, g_simopen_a, NULL,
     "simultaneous open over a 10 ms wire, captured at A"},
    {"simopen-vantage-b.pcap", F_PCAP, L_ETH, SNAP, g_simopen_b, NULL,
     "the same simultaneous open captured at B"},
    {"simopen-path.pcap", F_PCAP, L_ETH, SNAP, g_simopen_path, NULL,
     "the same simultaneous open captured half way: SYN-ACKs in the "
     "other order"},
    {"self-connect.pcap", F_PCAP, L_ETH, SNAP, g_self_connect, NULL,
     "self-connect on 127.0.0.1 (lo): SYN, own SYN-ACK, ACK with D-SACK"},
    {"self-connect-twice.pcap", F_PCAP, L_ETH, SNAP, g_self_connect_twice, NULL,
     "two self-connects on one tuple, TIME_WAIT reuse "
     "(ISN = old snd_nxt + 65537)"},
    {"refused.pcap", F_PCAP, L_ETH, SNAP, g_refused, NULL,
     "SYN to a closed port, RST seq 0 ack s+1 win 0"},
    {"crossing-refused.pcap", F_PCAP, L_ETH, SNAP, g_crossing_refused, NULL,
     "late crossing: S; R.; S; R. (two refused)"},
    {"unanswered.pcap", F_PCAP, L_ETH, SNAP, g_unanswered, NULL,
     "SYN and 3 retransmissions 1, 2, 4 s apart, no answer"},
    {"reset.pcap", F_PCAP, L_ETH, SNAP, g_reset, NULL,
     "SYN, SYN-ACK, RST from A"},
    {"incomplete-start.pcap", F_PCAP, L_ETH, SNAP, g_incomplete_start, NULL,
     "capture starts at the SYN-ACK"},
    {"incomplete-end.pcap", F_PCAP, L_ETH, SNAP, g_incomplete_end, NULL,
     "capture ends after the SYN-ACK"},
    {"simopen-gate-degraded.pcap", F_PCAP, L_ETH, SNAP, g_simopen_gate_degraded,
     NULL,
     "gate mode, SYNs 25 ms apart on a 10 ms wire: S, S., ., stale S, "
     "challenge ACK"},
    {"late-syn-challenge.pcap", F_PCAP, L_ETH, SNAP, g_late_syn_challenge, NULL,
     "SYN on an established connection, RFC 5961 challenge ACK, "
     "a 2nd SYN rate-limited"},
    {"tuple-reuse.pcap", F_PCAP, L_ETH, SNAP, g_tuple_reuse, NULL,
     "FIN close both ways, then a new SYN with a new ISN on the same tuple"},
    {"syn-retx-answered.pcap", F_PCAP, L_ETH, SNAP, g_syn_retx_answered, NULL,
     "SYN retransmitted after 1 s, the 2nd copy answered"},
    /* violations */
    {"viol-synack-bad-ack.pcap", F_PCAP, L_ETH, SNAP, g_viol_synack_bad_ack,
     NULL, "SYN-ACK acknowledges ISN+2; A resets"},
    {"viol-simopen-isn-changed.pcap", F_PCAP, L_ETH, SNAP,
     g_viol_simopen_isn_changed, NULL,
     "simultaneous open, B's SYN-ACK carries a new ISN"},
    {"viol-rst-nonzero-seq.pcap", F_PCAP, L_ETH, SNAP, g_viol_rst_nonzero_seq,
     NULL, "RST answering a SYN with seq != 0"},
    {"viol-rst-bad-ack.pcap", F_PCAP, L_ETH, SNAP, g_viol_rst_bad_ack, NULL,
     "RST answering a SYN with ack s+5, then a correct RST"},
    {"viol-wscale-defect.pcap", F_PCAP, L_ETH, SNAP, g_viol_wscale_defect, NULL,
     "SYN without wscale at a SYN-SENT socket; its SYN-ACK offers "
     "wscale 10, then win 63"},
    {"viol-ack-unsent-data.pcap", F_PCAP, L_ETH, SNAP, g_viol_ack_unsent, NULL,
     "an ACK of 5000 bytes never sent"},
    /* link types, network layers */
    {"link-ether-vlan.pcap", F_PCAP, L_VLAN, SNAP, g_conv_wan, NULL,
     "Ethernet + 802.1Q VLAN 100"},
    {"link-ether-qinq.pcap", F_PCAP, L_QINQ, SNAP, g_conv_wan, NULL,
     "Ethernet + 802.1ad S-VLAN 200 + 802.1Q VLAN 100"},
    {"link-sll.pcap", F_PCAP, L_SLL, SNAP, g_conv_wan, NULL,
     "Linux cooked v1 (113), one interface"},
    {"link-sll-any-dup.pcap", F_PCAP, L_SLL, SNAP, g_any_dup_threeway, NULL,
     "cooked v1 on any over a veth pair: every packet twice; one real SYN "
     "retransmission"},
    {"link-sll2.pcap", F_PCAP, L_SLL2, SNAP, g_conv_wan, NULL,
     "Linux cooked v2 (276), one interface"},
    {"link-sll2-any-dup.pcap", F_PCAP, L_SLL2, SNAP, g_any_dup_simopen, NULL,
     "cooked v2 on any: a gated simultaneous open, every packet twice"},
    {"link-raw-101.pcap", F_PCAP, L_RAW, SNAP, g_conv_wan, NULL,
     "raw IP, LINKTYPE_RAW 101 in the file (DLT_RAW 12 when read)"},
    {"link-raw-12.pcap", F_HAND, L_RAW12, SNAP, g_conv_wan, NULL,
     "raw IP with 12 in the file header"},
    {"link-ipv4-228.pcap", F_PCAP, L_IPV4, SNAP, g_conv_wan, NULL,
     "DLT_IPV4 228"},
    {"link-ipv6-229.pcap", F_PCAP, L_IPV6, SNAP, g_conv_wan6, NULL,
     "DLT_IPV6 229"},
    {"link-null.pcap", F_PCAP, L_NULL, SNAP, g_null, NULL,
     "BSD loopback DLT_NULL 0, host-order AF: IPv4 (2) and IPv6 (30)"},
    {"link-loop.pcap", F_PCAP, L_LOOP, SNAP, g_loop, NULL,
     "OpenBSD loopback DLT_LOOP 108, network-order AF: IPv4 (2), IPv6 (24)"},
    {"ipv6-three-way.pcap", F_PCAP, L_ETH, SNAP, g_conv_wan6, NULL,
     "IPv6 conversation"},
    {"ipv6-ext-headers.pcap", F_PCAP, L_ETH, SNAP, g_ipv6_ext, NULL,
     "IPv6, hop-by-hop and destination options before TCP"},
    {"ipv4-options.pcap", F_PCAP, L_ETH, SNAP, g_ipv4_options, NULL,
     "IPv4 IHL 6 (router alert), then IHL 15 (record route)"},
    {"ipv4-fragments.pcap", F_PCAP, L_ETH, SNAP, g_ipv4_fragments, NULL,
     "a 1200-byte data segment in two IPv4 fragments"},
    {"ipv4-frag-tiny-syn.pcap", F_PCAP, L_ETH, SNAP, g_ipv4_frag_tiny_syn, NULL,
     "the SYN in two fragments, the first with 16 TCP bytes"},
    /* file formats */
    {"pcapng-basic.pcapng", F_PCAPNG, L_ETH, SNAP, g_three_way, NULL,
     "pcapng (SHB, IDB, EPB), µs"},
    {"pcapng-comment.pcapng", F_PCAPNG_NS, L_ETH, SNAP, g_pcapng_comment, NULL,
     "pcapng, ns resolution, the SYN-ACK has an opt_comment"},
    {"ns-resolution.pcap", F_PCAP_NS, L_ETH, SNAP, g_ns_simopen, NULL,
     "classic pcap with ns timestamps: simultaneous open"},
    /* options */
    {"tcpopt-unknown-kinds.pcap", F_PCAP, L_ETH, SNAP, g_opt_unknown, NULL,
     "SYN with UTO (28), experimental (253) and unassigned (76) options"},
    {"tcpopt-tfo.pcap", F_PCAP, L_ETH, SNAP, g_opt_tfo, NULL,
     "TFO cookie request, then a SYN with cookie and data"},
    {"tcpopt-sack-blocks.pcap", F_PCAP, L_ETH, SNAP, g_opt_sack, NULL,
     "losses, SACK with 1, 2 and 3 blocks, retransmissions"},
    {"seq-wrap.pcap", F_PCAP, L_ETH, SNAP, g_seq_wrap, NULL,
     "ISN 0xffffffff (ack 0), data crossing 2^32"},
    /* truncated */
    {"trunc-snaplen-tcpopts.pcap", F_PCAP, L_ETH, 64, g_conv_wan, NULL,
     "snaplen 64: cut inside the TCP options"},
    {"trunc-snaplen-tcphdr.pcap", F_PCAP, L_ETH, 48, g_conv_wan, NULL,
     "snaplen 48: cut inside the TCP header (after the flags)"},
    {"trunc-snaplen-iphdr.pcap", F_PCAP, L_ETH, 30, g_conv_wan, NULL,
     "snaplen 30: cut inside the IPv4 header"},
    /* malformed */
    {"malformed-ipv4-ihl-lt5.pcap", F_PCAP, L_ETH, SNAP, g_bad, NULL,
     "one extra frame with IPv4 IHL 4"},
    {"malformed-ipv4-totlen.pcap", F_PCAP, L_ETH, SNAP, g_bad, NULL,
     "one extra frame whose IPv4 total length says 1500 (66 on the wire)"},
    {"malformed-ipv6-ext-past-end.pcap", F_PCAP, L_ETH, SNAP, g_bad_v6ext, NULL,
     "one extra frame whose hop-by-hop header runs past the packet"},
    {"malformed-tcp-doff-lt5.pcap", F_PCAP, L_ETH, SNAP, g_bad, NULL,
     "one extra frame with TCP data offset 4"},
    {"malformed-tcp-doff-past-end.pcap", F_PCAP, L_ETH, SNAP, g_bad, NULL,
     "one extra frame with data offset 15 in a 32-byte segment"},
    {"malformed-tcpopt-len0.pcap", F_PCAP, L_ETH, SNAP, g_opt_len0, NULL,
     "SYN ends with an option of length 0"},
    {"malformed-tcpopt-len1.pcap", F_PCAP, L_ETH, SNAP, g_opt_len1, NULL,
     "SYN ends with an option of length 1"},
    {"malformed-tcpopt-past-header.pcap", F_PCAP, L_ETH, SNAP,
     g_opt_past_header, NULL,
     "SYN ends with an option running past the "
     "header"},
    /* tunnels, link types, offload lengths, AccECN, `any`, clocks */
    {"tun-vxlan.pcap", F_PCAP, L_ETH, SNAP, g_tun_vxlan, NULL,
     "the conversation inside VXLAN (UDP 4789, VNI 42) over IPv4"},
    {"tun-geneve.pcap", F_PCAP, L_ETH, SNAP, g_tun_geneve, NULL,
     "the conversation inside Geneve (UDP 6081, bridged Ethernet)"},
    {"tun-gtpu.pcap", F_PCAP, L_RAW, SNAP, g_tun_gtpu, NULL,
     "the conversation inside GTP-U (UDP 2152, G-PDU), raw IP link"},
    {"tun-gre.pcap", F_PCAP, L_ETH, SNAP, g_tun_gre, NULL,
     "the conversation inside GRE (protocol 0x0800)"},
    {"tun-erspan2.pcap", F_PCAP, L_ETH, SNAP, g_tun_erspan2, NULL,
     "mirrored Ethernet frames in ERSPAN type II (GRE 0x88be, S bit)"},
    {"tun-erspan3.pcap", F_PCAP, L_ETH, SNAP, g_tun_erspan3, NULL,
     "mirrored Ethernet frames in ERSPAN type III (GRE 0x22eb)"},
    {"tun-ipip.pcap", F_PCAP, L_ETH, SNAP, g_tun_ipip, NULL,
     "the conversation in IPv4-in-IPv4 (protocol 4)"},
    {"tun-6in4.pcap", F_PCAP, L_ETH, SNAP, g_tun_6in4, NULL,
     "the IPv6 conversation in IPv4 (protocol 41, sit)"},
    {"tun-4in6.pcap", F_PCAP, L_ETH, SNAP, g_tun_4in6, NULL,
     "the conversation in IPv6 (next header 4)"},
    {"tun-mpls.pcap", F_PCAP, L_ETH, SNAP, g_tun_mpls, NULL,
     "the conversation under two MPLS labels (16, 17)"},
    {"tun-pppoe.pcap", F_PCAP, L_ETH, SNAP, g_tun_pppoe, NULL,
     "the conversation in a PPPoE session (0x8864, PPP 0x0021)"},
    {"link-ppp.pcap", F_PCAP, L_PPP, SNAP, g_three_way, NULL,
     "DLT_PPP 9: ff 03, protocol 0x0021"},
    {"link-chdlc.pcap", F_PCAP, L_CHDLC, SNAP, g_three_way, NULL,
     "DLT_C_HDLC 104: 0f 00, ethertype"},
    {"link-nflog.pcap", F_PCAP, L_NFLOG, SNAP, g_three_way, NULL,
     "DLT_NFLOG 239: prefix TLV, payload TLV"},
    {"link-fddi.pcap", F_PCAP, L_FDDI, SNAP, g_three_way, NULL,
     "DLT_FDDI 10: LLC/SNAP"},
    {"gso-totlen0.pcap", F_PCAP, L_ETH, SNAP, g_gso_totlen0, NULL,
     "B's 1900 bytes in one super-packet with IPv4 total length 0"},
    {"accecn-ae.pcap", F_PCAP, L_ETH, SNAP, g_accecn, NULL,
     "AccECN SYN with AE, CWR, ECE; SYN-ACK with AE and ECE"},
    {"any-router-queue.pcap", F_PCAP, L_SLL2, SNAP, g_any_router_queue, NULL,
     "a router on any: each packet in and out; the SYN's copy 151 ms late"},
    {"ts-2093.pcap", F_HAND, L_ETH, SNAP, g_three_way, post_ts_2093,
     "the conversation with seconds past 2^31 (year 2093)"},
    {"ts-jump.pcap", F_HAND, L_ETH, SNAP, g_three_way, post_ts_jump,
     "the conversation with the 5th record 10 years ahead"},
    {"pcapng-mixed-links.pcapng", F_PCAPNG_MIXED, L_ETH, SNAP, g_ng_mixed, NULL,
     "interface 0 Ethernet, interface 1 raw IP with snaplen 128"},
    {"gzip-three-way.pcap.gz", F_PCAP, L_ETH, SNAP, g_three_way, post_gzip,
     "three-way.pcap gzip-compressed"},
    {"gzip-mixed-links.pcapng.gz", F_PCAPNG_MIXED, L_ETH, SNAP, g_ng_mixed,
     post_gzip, "pcapng-mixed-links.pcapng gzip-compressed"},
    /* corrupt files */
    {"corrupt-bad-magic.pcap", F_HAND, L_ETH, SNAP, g_three_way, post_bad_magic,
     "wrong magic number"},
    {"corrupt-short-header.pcap", F_HAND, L_ETH, SNAP, g_three_way,
     post_short_header, "file ends inside the 24-byte file header"},
    {"corrupt-truncated-record.pcap", F_HAND, L_ETH, SNAP, g_three_way,
     post_trunc_record, "last record says 66 bytes, the file holds 46"},
    {"corrupt-caplen-gt-snaplen.pcap", F_HAND, L_ETH, SNAP, g_three_way,
     post_caplen_gt_snaplen, "header snaplen 128, records up to 478 bytes"},
    {"corrupt-caplen-huge.pcap", F_HAND, L_ETH, SNAP, g_three_way,
     post_caplen_huge, "the 8th record claims 16 MiB"},
    {"corrupt-zero-length.pcap", F_HAND, L_ETH, SNAP, g_zero_length, NULL,
     "a record with caplen 0 and len 0 after the handshake"},
    {"corrupt-pcapng-trailer.pcapng", F_PCAPNG, L_ETH, SNAP, g_three_way,
     post_ng_trailer, "8th EPB: trailing block length != leading"},
    {"corrupt-pcapng-block-len.pcapng", F_PCAPNG, L_ETH, SNAP, g_three_way,
     post_ng_block_len, "last EPB claims 1024 bytes past the end of file"},
    /* endpoint model: RFC figures and recovery, three vantages each */
    MODEL_CAPS};

int
main(int argc, char **argv)
{
	size_t i;

	if (argc != 2 || argv[1][0] == '-') {
		if (argc == 2 && strcmp(argv[1], "--list") == 0) {
			for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
				printf("%s\t%s\n", caps[i].name, caps[i].desc);
			return 0;
		}
		fprintf(stderr, "usage: synlab-gen OUTDIR | --list\n");
		return 2;
	}
	if (mkdir(argv[1], 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "synlab-gen: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		const struct cap *cp = &caps[i];
		struct out o;
		struct rng r;

		rng_seed(&r, seed_of(cp->name));
		out_open(&o, argv[1], cp->name, cp->fmt, cp->link, cp->snaplen);
		o.name = cp->name;
		cp->gen(&o, &r);
		out_close(&o);
		if (cp->post != NULL)
			cp->post(&o);
	}
	return 0;
}
