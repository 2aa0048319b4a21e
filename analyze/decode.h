/* \summary: link, tunnel, IPv4/IPv6 and TCP decoding of one captured frame */
#ifndef SL_DECODE_H
#define SL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "tcp.h"

/* An IPv4 or IPv6 address; family is 4 or 6, IPv4 uses b[0..3]. */
struct sl_addr {
	uint8_t family;
	uint8_t b[16];
};

/* An address and a TCP port. */
struct sl_endpoint {
	struct sl_addr addr;
	uint16_t port;
};

#define SL_EP_STRLEN 64 /* "[ffff:...:ffff]:65535" fits */

/* Formats "10.0.0.1:1314" or "[::1]:1314" into buf; returns buf. */
char *sl_endpoint_str(const struct sl_endpoint *ep, char *buf, size_t len);
/*
 * -1, 0, 1 ordering of endpoints (address family, bytes, port).  Inline:
 * every segment's flow key orders its two endpoints.
 */
static inline int
sl_endpoint_cmp(const struct sl_endpoint *a, const struct sl_endpoint *b)
{
	int c;

	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	if (a->addr.family == 4) {
		/* one big-endian word, not a memcmp call */
		uint32_t x = (uint32_t)a->addr.b[0] << 24 |
			     (uint32_t)a->addr.b[1] << 16 |
			     (uint32_t)a->addr.b[2] << 8 | a->addr.b[3];
		uint32_t y = (uint32_t)b->addr.b[0] << 24 |
			     (uint32_t)b->addr.b[1] << 16 |
			     (uint32_t)b->addr.b[2] << 8 | b->addr.b[3];
		if (x != y)
			return x < y ? -1 : 1;
	} else if ((c = memcmp(a->addr.b, b->addr.b, 16)) != 0) {
		return c < 0 ? -1 : 1;
	}
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

/* Whether a and b are one endpoint: sl_endpoint_cmp == 0, inline. */
static inline bool
sl_endpoint_eq(const struct sl_endpoint *a, const struct sl_endpoint *b)
{
	if (a->port != b->port || a->addr.family != b->addr.family)
		return false;
	return a->addr.family == 4 ? memcmp(a->addr.b, b->addr.b, 4) == 0
				   : memcmp(a->addr.b, b->addr.b, 16) == 0;
}

/* TCP flag bits: SL_TH_* of common/tcp.h. */

#define SL_ENCAP_LEN   48 /* "gre/erspan2/mpls" ...; longer is cut */
#define SL_SACK_MAX    4
#define SL_TFO_MAX     16
#define SL_UNKOPT_MAX  2  /* unknown kinds kept per segment */
#define SL_UNKOPT_DATA 12 /* bytes kept of each */

/*
 * TCP options, every kind decoded (RFC 9293 §3.2, RFC 7323, RFC 2018,
 * RFC 7413).  The arrays come last and hold only what their counts say:
 * entries past nsack, tfo_len and nunknown are not set.
 */
struct sl_tcpopts {
	bool has_mss, has_ws, sack_ok, has_ts, has_tfo, has_sack;
	bool trunc;		 /* options ran past the captured bytes */
	uint8_t ws;		 /* kind 3, shift count as sent */
	uint16_t mss;		 /* kind 2 */
	uint8_t nsack;		 /* kind 5 */
	uint8_t tfo_len;	 /* kind 34 (or 254 with magic 0xF989) */
	uint32_t ts_val, ts_ecr; /* kind 8 */
	uint8_t nunknown;	 /* other kinds, kept as raw bytes */
	uint32_t sack[SL_SACK_MAX][2];
	uint8_t tfo_cookie[SL_TFO_MAX];
	struct {
		uint8_t kind, len; /* len = total option length */
		uint8_t data[SL_UNKOPT_DATA];
	} unknown[SL_UNKOPT_MAX];
};

/* Result of decoding one frame. */
enum sl_dec_status {
	SL_DEC_TCP = 0,	  /* a TCP segment: pkt is filled */
	SL_DEC_NOT_TCP,	  /* something else (ARP, UDP, ...): skip quietly */
	SL_DEC_FRAGMENT,  /* a non-first IP fragment or a first fragment
			       without a full TCP header: noted, not reassembled */
	SL_DEC_TRUNC,	  /* snaplen cut the packet before the TCP ports */
	SL_DEC_MALFORMED, /* a header lies; errbuf says which */
	SL_DEC_LINKTYPE,  /* link type not supported */
};

/*
 * A decoded TCP segment; all numbers host order.  The scalars come first,
 * the options' arrays and encap last: sl_decode clears only what it does
 * not always write (it runs on every frame).
 */
struct sl_pkt {
	struct sl_endpoint src, dst;
	uint32_t seq, ack;
	uint8_t flags;
	uint8_t ttl; /* IPv4 TTL or IPv6 hop limit */
	uint16_t win;
	uint32_t paylen;     /* TCP payload length per the IP header */
	uint16_t ipid;	     /* IPv4 identification, 0 for IPv6 */
	bool trunc;	     /* captured bytes end inside the TCP header or
				 options; fields past the cut are zero */
	bool ip_fragment;    /* first fragment of a fragmented datagram */
	bool opts_malformed; /* an option lied; the rest of the segment is
				 usable and errbuf says what was wrong */
	bool ae;	     /* AccECN AE flag (the bit before CWR) */
	bool gso;	     /* an offload super-packet: the IP length was 0
				 or above the wire length, the captured length
				 was used */
	int sll_pkttype;     /* Linux cooked capture packet type, -1 if none */
	int64_t ifindex;     /* SLL2 interface index, -1 if none */
	/*
	 * Of the IP+TCP headers, to tell copies on a cooked (`any`) capture
	 * from retransmissions; 0 on other link types: they show each
	 * packet once.
	 */
	uint64_t hash;
	struct sl_tcpopts opts;
	char encap[SL_ENCAP_LEN]; /* tunnels crossed, outermost first:
				     "vxlan", "gre/mpls"; "" if none */
};

/*
 * Decode one frame of link type dlt (a DLT_ value as pcap_datalink()
 * returns).  Returns an sl_dec_status; on SL_DEC_MALFORMED or
 * SL_DEC_LINKTYPE, writes a one-line reason into errbuf (without file and
 * frame, which the caller adds).
 */
enum sl_dec_status sl_decode(int dlt, const uint8_t *data, size_t caplen,
			     size_t wirelen, struct sl_pkt *pkt, char *errbuf);

/* Whether sl_decode knows this link type. */
bool sl_decode_dlt_supported(int dlt);

/* The names of the link types sl_decode knows, ", "-separated. */
size_t sl_decode_link_names(char *buf, size_t len);

#endif /* SL_DECODE_H */
