/* \summary: link types (link_types[]), tunnels, IPv4, IPv6 and TCP decoding */
/*
 * Every byte is read through struct sl_rd.  Two kinds of trouble are kept
 * apart, as packetdrill's packet_parser.c does: "truncated" means the
 * capture's snaplen cut the bytes (the header itself may be fine), and
 * "malformed" means a header contradicts itself or the packet's length on
 * the wire (IHL < 5, a TCP data offset past the segment, an option length
 * of 0 or 1).
 */
#include "decode.h"

#include <stdio.h>
#include <string.h>

#include "rd.h"

#define ETHERTYPE_IP	   0x0800
#define ETHERTYPE_IPV6	   0x86dd
#define ETHERTYPE_VLAN	   0x8100
#define ETHERTYPE_QINQ	   0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MPLS	   0x8847
#define ETHERTYPE_MPLS_MC  0x8848
#define ETHERTYPE_PPPOE	   0x8864
#define ETHERTYPE_PPP	   0x880b
#define ETHERTYPE_TEB	   0x6558 /* transparent Ethernet bridging */

#define IPPROTO_IPIP_ 4
#define IPPROTO_TCP_  6
#define IPPROTO_UDP_  17
#define IPPROTO_IPV6_ 41
#define IPPROTO_GRE_  47
#define IP6_HOPOPTS   0
#define IP6_ROUTING   43
#define IP6_FRAGMENT  44
#define IP6_ESP	      50
#define IP6_AH	      51
#define IP6_NONE      59
#define IP6_DSTOPTS   60
#define IP6_MOBILITY  135
#define IP6_MAX_EXT   16

/* UDP ports of the tunnels decoded (IANA; 8472 is Linux's old VXLAN). */
#define UDP_VXLAN	4789
#define UDP_VXLAN_LINUX 8472
#define UDP_VXLAN_GPE	4790
#define UDP_GENEVE	6081
#define UDP_GTPU	2152
#define UDP_MPLS	6635 /* RFC 7510 */
#define UDP_GRE		4754 /* RFC 8086 */
#define UDP_L2TP	1701

#define NFULA_PAYLOAD 9

#define MAX_VLAN_TAGS	4
#define MAX_MPLS_LABELS 16
/*
 * Above this wire length an IP packet is an offload super-packet (TSO, GSO,
 * GRO, BIG TCP): only a capture before segmentation shows one.
 */
#define GSO_MIN_WIRE 1500

char *
sl_endpoint_str(const struct sl_endpoint *ep, char *buf, size_t len)
{
	const uint8_t *b = ep->addr.b;

	if (ep->addr.family == 4) {
		snprintf(buf, len, "%u.%u.%u.%u:%u", b[0], b[1], b[2], b[3],
			 ep->port);
		return buf;
	}
	/* RFC 5952 text: lowercase hex, longest run of zero groups as "::". */
	{
		char a[48];
		size_t n = 0;
		int best = -1, bestlen = 0, i;

		for (i = 0; i < 8;) {
			int j = i;
			while (j < 8 && b[2 * j] == 0 && b[2 * j + 1] == 0)
				j++;
			if (j - i > bestlen && j - i > 1) {
				best = i;
				bestlen = j - i;
			}
			i = j > i ? j : i + 1;
		}
		for (i = 0; i < 8; i++) {
			if (i == best) {
				n += (size_t)snprintf(a + n, sizeof(a) - n,
						      "::");
				i += bestlen - 1;
				continue;
			}
			if (n > 0 && a[n - 1] != ':')
				a[n++] = ':';
			n += (size_t)snprintf(a + n, sizeof(a) - n, "%x",
					      (unsigned)b[2 * i] << 8 |
						  b[2 * i + 1]);
		}
		a[n < sizeof(a) ? n : sizeof(a) - 1] = '\0';
		snprintf(buf, len, "[%s]:%u", a, ep->port);
	}
	return buf;
}

int
sl_endpoint_cmp(const struct sl_endpoint *a, const struct sl_endpoint *b)
{
	int c;

	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	c = memcmp(a->addr.b, b->addr.b, a->addr.family == 4 ? 4 : 16);
	if (c != 0)
		return c < 0 ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

/*
 * Walk the TCP options (RFC 9293 §3.2: kind 0 ends the list, kind 1 is one
 * octet, every other kind has a length octet that counts kind and length).
 * rd covers the option bytes that were captured; optlen is how many the
 * header says there are.  A length below 2 is the classic infinite loop:
 * malformed.
 */
static enum sl_dec_status
decode_options(struct sl_rd rd, size_t optlen, struct sl_tcpopts *o,
	       char *errbuf)
{
	size_t off = 0;

	while (off < optlen) {
		uint8_t kind, len;
		struct sl_rd od;

		if (sl_rd_u8(&rd, &kind) != SL_OK) {
			o->trunc = true;
			return SL_DEC_TCP;
		}
		if (kind == 0)
			break;
		if (kind == 1) {
			off++;
			continue;
		}
		if (off + 1 >= optlen) {
			sl_errbuf_set(errbuf,
				      "TCP option kind %u at offset %zu has no "
				      "length octet before the header ends",
				      kind, off);
			return SL_DEC_MALFORMED;
		}
		if (sl_rd_u8(&rd, &len) != SL_OK) {
			o->trunc = true;
			return SL_DEC_TCP;
		}
		if (len < 2) {
			sl_errbuf_set(errbuf,
				      "TCP option kind %u has length %u (< 2)",
				      kind, len);
			return SL_DEC_MALFORMED;
		}
		if (off + len > optlen) {
			sl_errbuf_set(errbuf,
				      "TCP option kind %u length %u runs past "
				      "the TCP header (%zu option bytes left)",
				      kind, len, optlen - off);
			return SL_DEC_MALFORMED;
		}
		if (sl_rd_need(&rd, (size_t)len - 2) != SL_OK) {
			o->trunc = true;
			return SL_DEC_TCP;
		}
		od = sl_rd_sub(&rd, (size_t)len - 2);
		(void)sl_rd_skip(&rd, (size_t)len - 2);
		off += len;

		switch (kind) {
		case 2: /* MSS, RFC 9293 §3.2 */
			if (len != 4)
				goto badlen;
			o->has_mss = true;
			(void)sl_rd_be16(&od, &o->mss);
			break;
		case 3: /* window scale, RFC 7323 §2.2 */
			if (len != 3)
				goto badlen;
			o->has_ws = true;
			(void)sl_rd_u8(&od, &o->ws);
			break;
		case 4: /* SACK permitted, RFC 2018 */
			if (len != 2)
				goto badlen;
			o->sack_ok = true;
			break;
		case 5: /* SACK blocks, RFC 2018 §3 */
			if ((len - 2) % 8 != 0)
				goto badlen;
			o->has_sack = true;
			while (od.left >= 8 && o->nsack < SL_SACK_MAX) {
				(void)sl_rd_be32(&od, &o->sack[o->nsack][0]);
				(void)sl_rd_be32(&od, &o->sack[o->nsack][1]);
				o->nsack++;
			}
			break;
		case 8: /* timestamps, RFC 7323 §3 */
			if (len != 10)
				goto badlen;
			o->has_ts = true;
			(void)sl_rd_be32(&od, &o->ts_val);
			(void)sl_rd_be32(&od, &o->ts_ecr);
			break;
		case 34: /* TCP Fast Open cookie, RFC 7413 §4.1.1 */
			if (len > 2 + SL_TFO_MAX)
				goto badlen;
			o->has_tfo = true;
			o->tfo_len = (uint8_t)(len - 2);
			(void)sl_rd_bytes(&od, o->tfo_cookie, o->tfo_len);
			break;
		case 254: { /* experimental; 0xF989 is pre-RFC Fast Open */
			uint16_t magic = 0;
			if (len >= 4 && sl_rd_be16(&od, &magic) == SL_OK &&
			    magic == 0xF989 && len - 4 <= SL_TFO_MAX) {
				o->has_tfo = true;
				o->tfo_len = (uint8_t)(len - 4);
				(void)sl_rd_bytes(&od, o->tfo_cookie,
						  o->tfo_len);
				break;
			}
			goto unknown;
		}
		default:
		unknown:
			if (o->nunknown < SL_UNKOPT_MAX) {
				size_t n = (size_t)len - 2;
				o->unknown[o->nunknown].kind = kind;
				o->unknown[o->nunknown].len = len;
				if (n > SL_UNKOPT_DATA)
					n = SL_UNKOPT_DATA;
				memcpy(o->unknown[o->nunknown].data, od.p,
				       n < od.left ? n : od.left);
				o->nunknown++;
			}
			break;
		}
		continue;
	badlen:
		sl_errbuf_set(errbuf,
			      "TCP option kind %u has length %u, "
			      "not allowed for that kind",
			      kind, len);
		return SL_DEC_MALFORMED;
	}
	return SL_DEC_TCP;
}

/*
 * TCP header (RFC 9293 §3.1).  seglen is the TCP segment's length according
 * to the IP header (wire truth); rd holds the captured part of it.
 */
static enum sl_dec_status
decode_tcp(struct sl_rd rd, size_t seglen, struct sl_pkt *pkt, char *errbuf)
{
	uint16_t sport, dport, win, csum, urp;
	uint8_t offx, flags;
	size_t hlen;

	if (sl_rd_be16(&rd, &sport) || sl_rd_be16(&rd, &dport))
		return SL_DEC_TRUNC;
	pkt->src.port = sport;
	pkt->dst.port = dport;
	if (seglen < 20) {
		sl_errbuf_set(errbuf,
			      "IP payload of %zu bytes is shorter than a TCP "
			      "header (20)",
			      seglen);
		return SL_DEC_MALFORMED;
	}
	if (sl_rd_be32(&rd, &pkt->seq) || sl_rd_be32(&rd, &pkt->ack) ||
	    sl_rd_u8(&rd, &offx) || sl_rd_u8(&rd, &flags))
		return SL_DEC_TRUNC; /* no flags: nothing to go on */
	pkt->flags = flags;
	pkt->ae = (offx & 0x01) != 0; /* AccECN AE (formerly NS) */
	hlen = (size_t)(offx >> 4) * 4;
	if (hlen < 20) {
		sl_errbuf_set(errbuf, "TCP data offset %zu < 5 words",
			      hlen / 4);
		return SL_DEC_MALFORMED;
	}
	if (hlen > seglen) {
		sl_errbuf_set(
		    errbuf,
		    "TCP data offset %zu bytes runs past the %zu-byte "
		    "segment",
		    hlen, seglen);
		return SL_DEC_MALFORMED;
	}
	pkt->paylen = (uint32_t)(seglen - hlen);
	if (sl_rd_be16(&rd, &win) || sl_rd_be16(&rd, &csum) ||
	    sl_rd_be16(&rd, &urp)) {
		/* Flags are there; snaplen cut the rest. */
		pkt->trunc = true;
		return SL_DEC_TCP;
	}
	pkt->win = win;
	if (hlen > 20) {
		enum sl_dec_status st = decode_options(
		    sl_rd_sub(&rd, hlen - 20), hlen - 20, &pkt->opts, errbuf);
		if (st == SL_DEC_MALFORMED)
			pkt->opts_malformed = true;
		if (pkt->opts.trunc)
			pkt->trunc = true;
	}
	return SL_DEC_TCP;
}

/*
 * Hash of the network and transport headers, for duplicate detection.  The
 * fields a router changes (IPv4 TTL and header checksum, IPv6 hop limit)
 * are left out, so one packet seen on two interfaces hashes the same.
 * Eight bytes at a time (a multiply-xorshift mix): it runs on every packet.
 */
static void
hash_headers(struct sl_pkt *pkt, const uint8_t *ip, size_t avail, size_t want)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ pkt->paylen, w;
	size_t n = want < avail ? want : avail, i;
	uint8_t head[16];

	if (n > 128)
		n = 128;
	/* The first 16 bytes hold the fields to leave out. */
	memset(head, 0, sizeof(head));
	memcpy(head, ip, n < 16 ? n : 16);
	if (pkt->src.addr.family == 4) {
		head[8] = 0;
		head[10] = head[11] = 0;
	} else {
		head[7] = 0;
	}
	for (i = 0; i < 16; i += 8) {
		memcpy(&w, head + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (i = 16; i + 8 <= n; i += 8) {
		memcpy(&w, ip + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (; i < n; i++) {
		h = (h ^ ip[i]) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	pkt->hash = h ^ n;
}

/*
 * Tunnels and nesting.  Every layer below the link goes through struct
 * dctx: depth counts the headers entered (an encapsulation loop in hostile
 * input stops at MAX_DEPTH), encap names the tunnels crossed, outermost
 * first ("gre/mpls"), and ends up in the decoded segment.
 */
struct dctx {
	struct sl_pkt *pkt;
	char *errbuf;
	int depth;  /* tunnels entered */
	int layers; /* headers entered, tunnels or not */
};

#define MAX_DEPTH  8
#define MAX_LAYERS (4 * MAX_DEPTH)

struct dctx;
static enum sl_dec_status decode_gre(struct dctx *c, struct sl_rd rd,
				     size_t wire);
static enum sl_dec_status decode_udp(struct dctx *c, struct sl_rd rd,
				     size_t wire);
static enum sl_dec_status link_chdlc(struct dctx *c, struct sl_rd rd,
				     size_t wire);

static enum sl_dec_status decode_ip(struct dctx *c, struct sl_rd rd,
				    size_t wire);
static enum sl_dec_status decode_ethertype(struct dctx *c, uint16_t type,
					   struct sl_rd rd, size_t wire);
static enum sl_dec_status decode_ether(struct dctx *c, struct sl_rd rd,
				       size_t wire);

/* Enter one more header; malformed past MAX_DEPTH. */
static int
enter(struct dctx *c, const char *encap)
{
	struct sl_pkt *pkt = c->pkt;

	if ((encap != NULL && ++c->depth > MAX_DEPTH) ||
	    ++c->layers > MAX_LAYERS) {
		sl_errbuf_set(c->errbuf,
			      "more than %d nested encapsulations (last %s)",
			      encap ? MAX_DEPTH : MAX_LAYERS,
			      encap ? encap : "a link header");
		return -1;
	}
	if (encap != NULL) {
		size_t n = strlen(pkt->encap);
		snprintf(pkt->encap + n, sizeof(pkt->encap) - n, "%s%s",
			 n ? "/" : "", encap);
	}
	return 0;
}

/* Bytes of a layer on the wire after skipping hdr of them. */
static size_t
wire_after(size_t wire, size_t hdr)
{
	return wire > hdr ? wire - hdr : 0;
}

/*
 * IPv4 (RFC 791): options skipped, fragments noted, padding trimmed.  wire
 * is the length of this IP packet on the wire (what the link or the outer
 * header says).  A total length of 0 is a TSO/BIG TCP super-packet (Linux
 * writes 0 above 64 KiB); a total length above the wire length in a frame
 * already larger than 1500 bytes is a GSO packet whose header still holds
 * the first segment's length: both use the captured length.
 */
static enum sl_dec_status
decode_ipv4(struct dctx *c, struct sl_rd rd, size_t wire)
{
	struct sl_pkt *pkt = c->pkt;
	char *errbuf = c->errbuf;
	const uint8_t *ip = rd.p;
	size_t avail = rd.left;
	uint8_t vihl, tos, ttl, proto;
	uint16_t totlen, id, frag, csum;
	size_t ihl, seglen, len;
	struct sl_rd tcp;
	struct sl_addr src, dst;

	if (sl_rd_u8(&rd, &vihl) != SL_OK)
		return SL_DEC_TRUNC;
	if (vihl >> 4 != 4) {
		sl_errbuf_set(errbuf, "IP version %u where 4 was announced",
			      vihl >> 4);
		return SL_DEC_MALFORMED;
	}
	ihl = (size_t)(vihl & 0x0f) * 4;
	if (ihl < 20) {
		sl_errbuf_set(errbuf, "IPv4 IHL %zu < 5 words", ihl / 4);
		return SL_DEC_MALFORMED;
	}
	if (sl_rd_u8(&rd, &tos) || sl_rd_be16(&rd, &totlen) ||
	    sl_rd_be16(&rd, &id) || sl_rd_be16(&rd, &frag) ||
	    sl_rd_u8(&rd, &ttl) || sl_rd_u8(&rd, &proto) ||
	    sl_rd_be16(&rd, &csum))
		return SL_DEC_TRUNC;
	len = totlen;
	if (totlen == 0 && proto == IPPROTO_TCP_ && wire >= ihl + 20) {
		len = wire;
		pkt->gso = true;
	} else if (totlen < ihl) {
		sl_errbuf_set(errbuf,
			      "IPv4 total length %u is less than its header "
			      "length %zu",
			      totlen, ihl);
		return SL_DEC_MALFORMED;
	} else if (totlen > wire && wire > GSO_MIN_WIRE &&
		   proto == IPPROTO_TCP_) {
		len = wire;
		pkt->gso = true;
	} else if (totlen > wire) {
		sl_errbuf_set(errbuf,
			      "IPv4 total length %u exceeds the %zu bytes on "
			      "the wire",
			      totlen, wire);
		return SL_DEC_MALFORMED;
	}
	src.family = dst.family = 4;
	memset(src.b, 0, sizeof(src.b));
	memset(dst.b, 0, sizeof(dst.b));
	if (sl_rd_bytes(&rd, src.b, 4) || sl_rd_bytes(&rd, dst.b, 4))
		return SL_DEC_TRUNC;
	if (sl_rd_skip(&rd, ihl - 20) != SL_OK)
		return SL_DEC_TRUNC;
	seglen = len - ihl;
	if (proto == IPPROTO_IPIP_ || proto == IPPROTO_IPV6_) {
		if ((frag & 0x3fff) != 0)
			return SL_DEC_FRAGMENT; /* a fragmented tunnel packet */
		if (enter(c, proto == IPPROTO_IPIP_ ? "ipip" : "6in4"))
			return SL_DEC_MALFORMED;
		return decode_ip(c, sl_rd_sub(&rd, seglen), seglen);
	}
	if (proto == IPPROTO_GRE_ || proto == IPPROTO_UDP_) {
		if ((frag & 0x3fff) != 0)
			return SL_DEC_NOT_TCP; /* tunnels are not reassembled */
		return proto == IPPROTO_GRE_
			   ? decode_gre(c, sl_rd_sub(&rd, seglen), seglen)
			   : decode_udp(c, sl_rd_sub(&rd, seglen), seglen);
	}
	if (proto != IPPROTO_TCP_)
		return SL_DEC_NOT_TCP;
	pkt->src.addr = src;
	pkt->dst.addr = dst;
	pkt->ttl = ttl;
	pkt->ipid = id;
	if ((frag & 0x1fff) != 0)
		return SL_DEC_FRAGMENT; /* not the first fragment */
	if (frag & 0x2000)
		pkt->ip_fragment = true;
	tcp = sl_rd_sub(&rd, seglen);
	{
		enum sl_dec_status st = decode_tcp(tcp, seglen, pkt, errbuf);
		/* A first fragment may legitimately end inside TCP. */
		if (pkt->ip_fragment && st == SL_DEC_MALFORMED)
			return SL_DEC_FRAGMENT;
		if (st == SL_DEC_TCP)
			hash_headers(pkt, ip, avail,
				     ihl + (seglen - pkt->paylen));
		return st;
	}
}

/*
 * RFC 2675 Jumbo Payload option in a hop-by-hop header (rd at its
 * options, n option bytes): the 32-bit length, or 0 when absent.
 */
static uint32_t
jumbo_len(struct sl_rd rd, size_t n)
{
	rd = sl_rd_sub(&rd, n);
	while (rd.left >= 1) {
		uint8_t type, len;
		uint32_t v;

		if (sl_rd_u8(&rd, &type) != SL_OK || type == 0)
			continue; /* Pad1 */
		if (sl_rd_u8(&rd, &len) != SL_OK)
			return 0;
		if (type == 0xC2 && len == 4 && sl_rd_be32(&rd, &v) == SL_OK)
			return v;
		if (sl_rd_skip(&rd, len) != SL_OK)
			return 0;
	}
	return 0;
}

/*
 * IPv6 (RFC 8200): extension headers skipped, at most IP6_MAX_EXT of them.
 * A payload length of 0 is a jumbogram (RFC 2675: the length is in a
 * hop-by-hop option) or a Linux BIG TCP packet (no option): the length is
 * then the option's, bounded by what the wire carried.
 */
static enum sl_dec_status
decode_ipv6(struct dctx *c, struct sl_rd rd, size_t wire)
{
	struct sl_pkt *pkt = c->pkt;
	char *errbuf = c->errbuf;
	const uint8_t *ip = rd.p;
	size_t avail = rd.left;
	uint32_t vtcfl;
	uint16_t plen;
	uint8_t nxt, hlim;
	size_t left, hdrs = 40;
	struct sl_addr src, dst;
	int n;

	if (sl_rd_be32(&rd, &vtcfl) != SL_OK)
		return SL_DEC_TRUNC;
	if (vtcfl >> 28 != 6) {
		sl_errbuf_set(errbuf, "IP version %u where 6 was announced",
			      vtcfl >> 28);
		return SL_DEC_MALFORMED;
	}
	if (sl_rd_be16(&rd, &plen) || sl_rd_u8(&rd, &nxt) ||
	    sl_rd_u8(&rd, &hlim))
		return SL_DEC_TRUNC;
	left = plen;
	if (plen == 0 && wire > 40) {
		left = wire - 40; /* jumbogram or BIG TCP, refined below */
		pkt->gso = true;
	} else if ((size_t)plen + 40 > wire && wire > GSO_MIN_WIRE) {
		left = wire - 40;
		pkt->gso = true;
	} else if ((size_t)plen + 40 > wire) {
		sl_errbuf_set(errbuf,
			      "IPv6 payload length %u exceeds the %zu bytes "
			      "on the wire",
			      plen, wire);
		return SL_DEC_MALFORMED;
	}
	src.family = dst.family = 6;
	if (sl_rd_bytes(&rd, src.b, 16) || sl_rd_bytes(&rd, dst.b, 16))
		return SL_DEC_TRUNC;
	for (n = 0; nxt != IPPROTO_TCP_; n++) {
		uint8_t next, hl;
		size_t len;

		if (nxt == IPPROTO_IPIP_ || nxt == IPPROTO_IPV6_) {
			if (enter(c, nxt == IPPROTO_IPIP_ ? "4in6" : "6in6"))
				return SL_DEC_MALFORMED;
			return decode_ip(c, sl_rd_sub(&rd, left), left);
		}
		if (nxt == IPPROTO_GRE_)
			return decode_gre(c, sl_rd_sub(&rd, left), left);
		if (nxt == IPPROTO_UDP_)
			return decode_udp(c, sl_rd_sub(&rd, left), left);
		if (nxt == IP6_ESP || nxt == IP6_NONE)
			return SL_DEC_NOT_TCP;
		if (nxt != IP6_HOPOPTS && nxt != IP6_ROUTING &&
		    nxt != IP6_FRAGMENT && nxt != IP6_DSTOPTS &&
		    nxt != IP6_AH && nxt != IP6_MOBILITY)
			return SL_DEC_NOT_TCP; /* ICMPv6, SCTP, ... */
		if (n >= IP6_MAX_EXT) {
			sl_errbuf_set(errbuf,
				      "more than %d IPv6 extension headers",
				      IP6_MAX_EXT);
			return SL_DEC_MALFORMED;
		}
		if (left < 8) {
			sl_errbuf_set(errbuf,
				      "IPv6 extension header %u runs past the "
				      "payload",
				      nxt);
			return SL_DEC_MALFORMED;
		}
		if (sl_rd_u8(&rd, &next) || sl_rd_u8(&rd, &hl))
			return SL_DEC_TRUNC;
		if (nxt == IP6_FRAGMENT) {
			uint16_t off;
			len = 8;
			if (sl_rd_be16(&rd, &off) != SL_OK)
				return SL_DEC_TRUNC;
			if ((off & 0xfff8) != 0)
				return SL_DEC_FRAGMENT;
			if (off & 1)
				pkt->ip_fragment = true;
			if (sl_rd_skip(&rd, 4) != SL_OK)
				return SL_DEC_TRUNC;
		} else {
			len = nxt == IP6_AH ? ((size_t)hl + 2) * 4
					    : ((size_t)hl + 1) * 8;
			if (len > left) {
				sl_errbuf_set(errbuf,
					      "IPv6 extension header %u of %zu "
					      "bytes runs past the payload "
					      "(%zu left)",
					      nxt, len, left);
				return SL_DEC_MALFORMED;
			}
			if (n == 0 && nxt == IP6_HOPOPTS && plen == 0) {
				uint32_t j = jumbo_len(rd, len - 2);
				if (j >= len && j < left)
					left = j;
			}
			if (sl_rd_skip(&rd, len - 2) != SL_OK)
				return SL_DEC_TRUNC;
		}
		left -= len;
		hdrs += len;
		nxt = next;
	}
	pkt->src.addr = src;
	pkt->dst.addr = dst;
	pkt->ttl = hlim;
	{
		enum sl_dec_status st =
		    decode_tcp(sl_rd_sub(&rd, left), left, pkt, errbuf);
		if (pkt->ip_fragment && st == SL_DEC_MALFORMED)
			return SL_DEC_FRAGMENT;
		if (st == SL_DEC_TCP)
			hash_headers(pkt, ip, avail,
				     hdrs + (left - pkt->paylen));
		return st;
	}
}

static enum sl_dec_status
decode_ip(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint8_t v;

	if (rd.left < 1)
		return SL_DEC_TRUNC;
	if (enter(c, NULL))
		return SL_DEC_MALFORMED;
	v = rd.p[0] >> 4;
	if (v == 4)
		return decode_ipv4(c, rd, wire);
	if (v == 6)
		return decode_ipv6(c, rd, wire);
	return SL_DEC_NOT_TCP;
}

/* IP with the version the outer header announced (ethertype, PPP, ...). */
static enum sl_dec_status
decode_ip_as(struct dctx *c, int family, struct sl_rd rd, size_t wire)
{
	if (rd.left >= 1 && rd.p[0] >> 4 != family) {
		sl_errbuf_set(c->errbuf,
			      "IPv%d announced by the outer header, IP "
			      "version %u found",
			      family, rd.p[0] >> 4);
		return SL_DEC_MALFORMED;
	}
	return decode_ip(c, rd, wire);
}

/*
 * MPLS label stack (RFC 3032): 4-byte entries up to the bottom-of-stack
 * bit, then IPv4 or IPv6 by the first nibble, or a pseudowire control
 * word (first nibble 0, RFC 4385) followed by Ethernet, as tshark guesses.
 */
static enum sl_dec_status
decode_mpls(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint32_t e;
	size_t hdr = 0;
	uint8_t v;

	if (enter(c, "mpls"))
		return SL_DEC_MALFORMED;
	do {
		if (hdr >= 4 * MAX_MPLS_LABELS) {
			sl_errbuf_set(c->errbuf,
				      "MPLS label stack of more than %d "
				      "labels",
				      MAX_MPLS_LABELS);
			return SL_DEC_MALFORMED;
		}
		if (sl_rd_be32(&rd, &e) != SL_OK)
			return SL_DEC_TRUNC;
		hdr += 4;
	} while (!(e & 0x100));
	if (rd.left < 1)
		return SL_DEC_TRUNC;
	v = rd.p[0] >> 4;
	if (v == 4 || v == 6)
		return decode_ip(c, rd, wire_after(wire, hdr));
	if (v == 0) {
		if (sl_rd_skip(&rd, 4) != SL_OK)
			return SL_DEC_TRUNC;
		return decode_ether(c, rd, wire_after(wire, hdr + 4));
	}
	return SL_DEC_NOT_TCP;
}

/* A PPP protocol number (RFC 1661, 1332, 5072, 3032). */
static enum sl_dec_status
decode_ppp_proto(struct dctx *c, uint16_t proto, struct sl_rd rd, size_t wire)
{
	switch (proto) {
	case 0x0021:
		return decode_ip_as(c, 4, rd, wire);
	case 0x0057:
		return decode_ip_as(c, 6, rd, wire);
	case 0x0281:
	case 0x0283:
		return decode_mpls(c, rd, wire);
	default:
		return SL_DEC_NOT_TCP; /* LCP, IPCP, compressed TCP, ... */
	}
}

/*
 * PPP frame (RFC 1661 §2, RFC 1662 §3.1): an optional ff 03
 * address/control pair, then a protocol of 1 byte (odd) or 2 bytes.
 */
static enum sl_dec_status
decode_ppp(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint8_t b;
	uint16_t proto;
	size_t hdr = 0;

	if (rd.left >= 2 && rd.p[0] == 0xff && rd.p[1] == 0x03) {
		(void)sl_rd_skip(&rd, 2);
		hdr = 2;
	}
	if (sl_rd_u8(&rd, &b) != SL_OK)
		return SL_DEC_TRUNC;
	proto = b;
	hdr++;
	if (!(b & 1)) {
		if (sl_rd_u8(&rd, &b) != SL_OK)
			return SL_DEC_TRUNC;
		proto = (uint16_t)(proto << 8 | b);
		hdr++;
	}
	return decode_ppp_proto(c, proto, rd, wire_after(wire, hdr));
}

/* PPPoE session stage (RFC 2516 §4): 6-byte header, then PPP protocol. */
static enum sl_dec_status
decode_pppoe(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint8_t vt, code;
	uint16_t sid, len, proto;

	if (sl_rd_u8(&rd, &vt) || sl_rd_u8(&rd, &code) ||
	    sl_rd_be16(&rd, &sid) || sl_rd_be16(&rd, &len) ||
	    sl_rd_be16(&rd, &proto))
		return SL_DEC_TRUNC;
	if (vt != 0x11 || code != 0)
		return SL_DEC_NOT_TCP;
	if (enter(c, "pppoe"))
		return SL_DEC_MALFORMED;
	if (len < 2) {
		sl_errbuf_set(c->errbuf, "PPPoE length %u < 2", len);
		return SL_DEC_MALFORMED;
	}
	if ((size_t)len - 2 < wire_after(wire, 8))
		wire = (size_t)len + 6; /* Ethernet padding */
	return decode_ppp_proto(c, proto, sl_rd_sub(&rd, len - 2u),
				wire_after(wire, 8));
}

/*
 * GRE (RFC 2784, RFC 2890 key and sequence; version 1 is PPTP's enhanced
 * GRE, RFC 2637 §4.1, with key, optional sequence and acknowledgment).  The
 * protocol is an ethertype; 0x88be is ERSPAN type I (no S bit) or II,
 * 0x22eb ERSPAN type III, 0x6558 bridged Ethernet (gretap, NVGRE).
 */
static enum sl_dec_status
decode_gre(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t fl, proto;
	size_t hdr = 4;
	unsigned ver;

	if (sl_rd_be16(&rd, &fl) || sl_rd_be16(&rd, &proto))
		return SL_DEC_TRUNC;
	ver = fl & 7;
	if (ver > 1 || (fl & 0x4000) != 0)
		return SL_DEC_NOT_TCP; /* unknown version, RFC 1701 routing */
	if (fl & 0x8000)
		hdr += 4; /* checksum, reserved */
	if (fl & 0x2000 || ver == 1)
		hdr += 4; /* key (v1: payload length, call id) */
	if (fl & 0x1000)
		hdr += 4; /* sequence number */
	if (ver == 1 && (fl & 0x0080))
		hdr += 4; /* acknowledgment number */
	if (sl_rd_skip(&rd, hdr - 4) != SL_OK)
		return SL_DEC_TRUNC;
	wire = wire_after(wire, hdr);
	if (proto == 0x88be) {
		if (fl & 0x1000) {
			if (enter(c, "erspan2"))
				return SL_DEC_MALFORMED;
			if (sl_rd_skip(&rd, 8) != SL_OK)
				return SL_DEC_TRUNC;
			return decode_ether(c, rd, wire_after(wire, 8));
		}
		if (enter(c, "erspan1"))
			return SL_DEC_MALFORMED;
		return decode_ether(c, rd, wire);
	}
	if (proto == 0x22eb) {
		uint32_t w0, ts, w2;
		size_t eh = 12;
		if (sl_rd_be32(&rd, &w0) || sl_rd_be32(&rd, &ts) ||
		    sl_rd_be32(&rd, &w2))
			return SL_DEC_TRUNC;
		if (enter(c, "erspan3"))
			return SL_DEC_MALFORMED;
		if (w2 & 1) {
			if (sl_rd_skip(&rd, 8) != SL_OK)
				return SL_DEC_TRUNC;
			eh += 8; /* platform-specific subheader */
		}
		/* frame type: 0 Ethernet, 2 IP */
		if (((w2 >> 10) & 0x1f) == 2)
			return decode_ip(c, rd, wire_after(wire, eh));
		return decode_ether(c, rd, wire_after(wire, eh));
	}
	if (enter(c, "gre"))
		return SL_DEC_MALFORMED;
	if (proto == 0x880b)
		return decode_ppp(c, rd, wire);
	return decode_ethertype(c, proto, rd, wire);
}

/*
 * VXLAN (RFC 7348: I flag, 24-bit VNI, then Ethernet) and VXLAN-GPE
 * (next protocol 1 IPv4, 2 IPv6, 3 Ethernet, 5 MPLS).
 */
static enum sl_dec_status
decode_vxlan(struct dctx *c, struct sl_rd rd, size_t wire, bool gpe)
{
	uint8_t fl, np;

	if (sl_rd_need(&rd, 8) != SL_OK)
		return SL_DEC_TRUNC;
	fl = rd.p[0];
	np = rd.p[3];
	if (!(fl & 0x08))
		return SL_DEC_NOT_TCP;
	(void)sl_rd_skip(&rd, 8);
	wire = wire_after(wire, 8);
	if (enter(c, gpe ? "vxlan-gpe" : "vxlan"))
		return SL_DEC_MALFORMED;
	if (!gpe || !(fl & 0x04) || np == 3)
		return decode_ether(c, rd, wire);
	if (np == 1 || np == 2)
		return decode_ip_as(c, np == 1 ? 4 : 6, rd, wire);
	if (np == 5)
		return decode_mpls(c, rd, wire);
	return SL_DEC_NOT_TCP;
}

/* Geneve (RFC 8926 §3.4): options, then an ethertype-typed payload. */
static enum sl_dec_status
decode_geneve(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint8_t vo, fl;
	uint16_t proto;
	size_t hdr;

	if (sl_rd_u8(&rd, &vo) || sl_rd_u8(&rd, &fl) ||
	    sl_rd_be16(&rd, &proto) || sl_rd_skip(&rd, 4))
		return SL_DEC_TRUNC;
	if (vo >> 6 != 0)
		return SL_DEC_NOT_TCP;
	hdr = 8 + (size_t)(vo & 0x3f) * 4;
	if (sl_rd_skip(&rd, hdr - 8) != SL_OK)
		return SL_DEC_TRUNC;
	if (enter(c, "geneve"))
		return SL_DEC_MALFORMED;
	if (proto == ETHERTYPE_TEB)
		return decode_ether(c, rd, wire_after(wire, hdr));
	return decode_ethertype(c, proto, rd, wire_after(wire, hdr));
}

/*
 * GTP-U (3GPP TS 29.281 §5): version 1, PT 1, G-PDU (type 255); the
 * optional sequence/N-PDU/next-extension word, extension headers of
 * 4-byte units chained by their last byte; then an IP packet.
 */
static enum sl_dec_status
decode_gtpu(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint8_t fl, type, next = 0;
	uint16_t len;
	uint32_t teid;
	size_t hdr = 8;
	int n;

	if (sl_rd_u8(&rd, &fl) || sl_rd_u8(&rd, &type) ||
	    sl_rd_be16(&rd, &len) || sl_rd_be32(&rd, &teid))
		return SL_DEC_TRUNC;
	if (fl >> 5 != 1 || !(fl & 0x10) || type != 0xff)
		return SL_DEC_NOT_TCP; /* GTP' or signalling (echo, ...) */
	if (enter(c, "gtp-u"))
		return SL_DEC_MALFORMED;
	if (fl & 0x07) {
		if (sl_rd_skip(&rd, 3) || sl_rd_u8(&rd, &next))
			return SL_DEC_TRUNC;
		hdr += 4;
	}
	for (n = 0; next != 0; n++) {
		uint8_t units;
		if (n >= MAX_DEPTH) {
			sl_errbuf_set(c->errbuf,
				      "more than %d GTP-U extension headers",
				      MAX_DEPTH);
			return SL_DEC_MALFORMED;
		}
		if (sl_rd_u8(&rd, &units) != SL_OK)
			return SL_DEC_TRUNC;
		if (units == 0) {
			sl_errbuf_set(c->errbuf,
				      "GTP-U extension header of length 0");
			return SL_DEC_MALFORMED;
		}
		if (sl_rd_skip(&rd, (size_t)units * 4 - 2) ||
		    sl_rd_u8(&rd, &next))
			return SL_DEC_TRUNC;
		hdr += (size_t)units * 4;
	}
	return decode_ip(c, rd, wire_after(wire, hdr));
}

/*
 * L2TPv2 data messages (RFC 2661 §3.1): flags, optional length,
 * tunnel and session ids, optional Ns/Nr and offset; then PPP.
 */
static enum sl_dec_status
decode_l2tp(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t fl, v;
	size_t hdr = 6;

	if (sl_rd_be16(&rd, &fl) != SL_OK)
		return SL_DEC_TRUNC;
	if ((fl & 0x8000) || (fl & 0x000f) != 2)
		return SL_DEC_NOT_TCP; /* control message or not v2 */
	if (fl & 0x4000) {
		if (sl_rd_skip(&rd, 2) != SL_OK)
			return SL_DEC_TRUNC;
		hdr += 2;
	}
	if (sl_rd_skip(&rd, 4) != SL_OK)
		return SL_DEC_TRUNC;
	if (fl & 0x0800) {
		if (sl_rd_skip(&rd, 4) != SL_OK)
			return SL_DEC_TRUNC;
		hdr += 4;
	}
	if (fl & 0x0200) {
		if (sl_rd_be16(&rd, &v) || sl_rd_skip(&rd, v))
			return SL_DEC_TRUNC;
		hdr += 2 + (size_t)v;
	}
	if (enter(c, "l2tp"))
		return SL_DEC_MALFORMED;
	return decode_ppp(c, rd, wire_after(wire, hdr));
}

/* UDP (RFC 768) only as a tunnel carrier, by IANA destination port. */
static enum sl_dec_status
decode_udp(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t sport, dport, len, csum;
	struct sl_rd pl;
	size_t plen;

	if (sl_rd_be16(&rd, &sport) || sl_rd_be16(&rd, &dport) ||
	    sl_rd_be16(&rd, &len) || sl_rd_be16(&rd, &csum))
		return SL_DEC_TRUNC;
	plen = wire_after(wire, 8);
	if (len >= 8 && (size_t)len - 8 < plen)
		plen = (size_t)len - 8;
	pl = sl_rd_sub(&rd, plen);
	switch (dport) {
	case UDP_VXLAN:
	case UDP_VXLAN_LINUX:
		return decode_vxlan(c, pl, plen, false);
	case UDP_VXLAN_GPE:
		return decode_vxlan(c, pl, plen, true);
	case UDP_GENEVE:
		return decode_geneve(c, pl, plen);
	case UDP_GTPU:
		return decode_gtpu(c, pl, plen);
	case UDP_MPLS:
		if (enter(c, "udp"))
			return SL_DEC_MALFORMED;
		return decode_mpls(c, pl, plen);
	case UDP_GRE:
		if (enter(c, "udp"))
			return SL_DEC_MALFORMED;
		return decode_gre(c, pl, plen);
	case UDP_L2TP:
		return decode_l2tp(c, pl, plen);
	default:
		if (sport == UDP_L2TP)
			return decode_l2tp(c, pl, plen);
		if (sport == UDP_GTPU)
			return decode_gtpu(c, pl, plen);
		return SL_DEC_NOT_TCP;
	}
}

/* IEEE 802.2 LLC with a SNAP header carrying an ethertype. */
static enum sl_dec_status
decode_llc(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t type;

	if (sl_rd_need(&rd, 3) != SL_OK)
		return SL_DEC_TRUNC;
	if (rd.p[0] != 0xaa || rd.p[1] != 0xaa || rd.p[2] != 0x03)
		return SL_DEC_NOT_TCP; /* STP, NetBIOS, ... */
	if (sl_rd_skip(&rd, 6) || sl_rd_be16(&rd, &type))
		return SL_DEC_TRUNC;
	return decode_ethertype(c, type, rd, wire_after(wire, 8));
}

static enum sl_dec_status
decode_ethertype(struct dctx *c, uint16_t type, struct sl_rd rd, size_t wire)
{
	switch (type) {
	case ETHERTYPE_IP:
		return decode_ip_as(c, 4, rd, wire);
	case ETHERTYPE_IPV6:
		return decode_ip_as(c, 6, rd, wire);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return decode_mpls(c, rd, wire);
	case ETHERTYPE_PPPOE:
		return decode_pppoe(c, rd, wire);
	case ETHERTYPE_TEB:
		return decode_ether(c, rd, wire);
	case ETHERTYPE_PPP:
		return decode_ppp(c, rd, wire);
	default:
		return SL_DEC_NOT_TCP;
	}
}

/* Ethernet II or 802.3 + LLC/SNAP, with up to MAX_VLAN_TAGS tags. */
static enum sl_dec_status
decode_ether(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t type;
	size_t hdr = 14;
	int i;

	if (enter(c, NULL))
		return SL_DEC_MALFORMED;
	if (sl_rd_skip(&rd, 12) || sl_rd_be16(&rd, &type))
		return SL_DEC_TRUNC;
	for (i = 0; (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
		     type == ETHERTYPE_QINQ_OLD);
	     i++) {
		if (i == MAX_VLAN_TAGS)
			return SL_DEC_NOT_TCP;
		if (sl_rd_skip(&rd, 2) || sl_rd_be16(&rd, &type))
			return SL_DEC_TRUNC;
		hdr += 4;
	}
	if (type <= 1500)
		return decode_llc(c, sl_rd_sub(&rd, type),
				  type < wire_after(wire, hdr)
				      ? type
				      : wire_after(wire, hdr));
	return decode_ethertype(c, type, rd, wire_after(wire, hdr));
}

/* ---- link types: one decoder each, found through link_types[] -------- */

static enum sl_dec_status
link_ether(struct dctx *c, struct sl_rd rd, size_t wire)
{
	return decode_ether(c, rd, wire);
}

/* Linux cooked v1: pkttype, hatype, halen, 8 address bytes, protocol. */
static enum sl_dec_status
link_sll(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t pt, type;
	enum sl_dec_status st;

	if (sl_rd_be16(&rd, &pt) || sl_rd_skip(&rd, 12) ||
	    sl_rd_be16(&rd, &type))
		return SL_DEC_TRUNC;
	st = decode_ethertype(c, type, rd, wire_after(wire, 16));
	c->pkt->sll_pkttype = pt;
	return st;
}

/* Linux cooked v2: protocol, reserved, ifindex, hatype, pkttype, halen, addr. */
static enum sl_dec_status
link_sll2(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t type;
	uint32_t ifindex;
	uint8_t pt;
	enum sl_dec_status st;

	if (sl_rd_be16(&rd, &type) || sl_rd_skip(&rd, 2) ||
	    sl_rd_be32(&rd, &ifindex) || sl_rd_skip(&rd, 2) ||
	    sl_rd_u8(&rd, &pt) || sl_rd_skip(&rd, 9))
		return SL_DEC_TRUNC;
	st = decode_ethertype(c, type, rd, wire_after(wire, 20));
	c->pkt->sll_pkttype = pt;
	c->pkt->ifindex = (int64_t)ifindex;
	return st;
}

static enum sl_dec_status
link_raw(struct dctx *c, struct sl_rd rd, size_t wire)
{
	return decode_ip(c, rd, wire);
}

static enum sl_dec_status
link_ipv4(struct dctx *c, struct sl_rd rd, size_t wire)
{
	if (rd.left > 0 && rd.p[0] >> 4 != 4) {
		sl_errbuf_set(c->errbuf, "IP version %u on an IPv4 link",
			      rd.p[0] >> 4);
		return SL_DEC_MALFORMED;
	}
	return decode_ip(c, rd, wire);
}

static enum sl_dec_status
link_ipv6(struct dctx *c, struct sl_rd rd, size_t wire)
{
	if (rd.left > 0 && rd.p[0] >> 4 != 6) {
		sl_errbuf_set(c->errbuf, "IP version %u on an IPv6 link",
			      rd.p[0] >> 4);
		return SL_DEC_MALFORMED;
	}
	return decode_ip(c, rd, wire);
}

/* AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30. */
static enum sl_dec_status
af_ip(struct dctx *c, uint32_t af, struct sl_rd rd, size_t wire)
{
	if (af == 2 || af == 10 || af == 24 || af == 28 || af == 30)
		return decode_ip(c, rd, wire);
	return SL_DEC_NOT_TCP;
}

/* BSD loopback: address family in the capturing host's byte order. */
static enum sl_dec_status
link_null(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint32_t af;

	if (sl_rd_le32(&rd, &af) != SL_OK)
		return SL_DEC_TRUNC;
	if (af > 0xffff)
		af = (af >> 24) | ((af >> 8) & 0xff00);
	return af_ip(c, af, rd, wire_after(wire, 4));
}

static enum sl_dec_status
link_loop(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint32_t af;

	if (sl_rd_be32(&rd, &af) != SL_OK)
		return SL_DEC_TRUNC;
	return af_ip(c, af, rd, wire_after(wire, 4));
}

/* PPP with or without HDLC framing; 0x0f/0x8f first means Cisco HDLC. */
static enum sl_dec_status
link_ppp(struct dctx *c, struct sl_rd rd, size_t wire)
{
	if (rd.left >= 1 && (rd.p[0] == 0x0f || rd.p[0] == 0x8f))
		return link_chdlc(c, rd, wire);
	return decode_ppp(c, rd, wire);
}

/* PPPoE without its Ethernet header (DLT_PPP_ETHER). */
static enum sl_dec_status
link_ppp_ether(struct dctx *c, struct sl_rd rd, size_t wire)
{
	return decode_pppoe(c, rd, wire);
}

/* Cisco HDLC: address, control, then an ethertype. */
static enum sl_dec_status
link_chdlc(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t type;

	if (sl_rd_skip(&rd, 2) || sl_rd_be16(&rd, &type))
		return SL_DEC_TRUNC;
	return decode_ethertype(c, type, rd, wire_after(wire, 4));
}

/*
 * Linux NFLOG (LINKTYPE 239): family, version, resource id, then TLVs
 * whose length and type are in the capturing host's byte order
 * (little-endian on every host that writes them in practice); the
 * length counts the 4-byte TLV header, the value is padded to 4 bytes.
 * NFULA_PAYLOAD (9) holds the IP packet.
 */
static enum sl_dec_status
link_nflog(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint8_t fam, ver;
	int n;

	(void)wire;
	if (sl_rd_u8(&rd, &fam) || sl_rd_u8(&rd, &ver) || sl_rd_skip(&rd, 2))
		return SL_DEC_TRUNC;
	if (ver != 0) {
		sl_errbuf_set(c->errbuf, "NFLOG version %u (not 0)", ver);
		return SL_DEC_MALFORMED;
	}
	for (n = 0; rd.left > 0; n++) {
		uint16_t len, type;
		size_t padded;

		if (sl_rd_le16(&rd, &len) || sl_rd_le16(&rd, &type))
			return SL_DEC_TRUNC;
		if (len < 4) {
			sl_errbuf_set(c->errbuf,
				      "NFLOG TLV %d of length %u (< 4)", n,
				      len);
			return SL_DEC_MALFORMED;
		}
		if ((type & 0x7fff) == NFULA_PAYLOAD) {
			size_t plen = (size_t)len - 4;
			/* The TLV holds what was captured; its length is
			 * the whole value, so it is the wire length. */
			return af_ip(c,
				     fam == 2	 ? 2
				     : fam == 10 ? 10
						 : fam,
				     sl_rd_sub(&rd, plen), plen);
		}
		padded = ((size_t)len + 3) & ~(size_t)3;
		if (sl_rd_skip(&rd, padded - 4) != SL_OK)
			return SL_DEC_TRUNC;
	}
	return SL_DEC_NOT_TCP; /* no payload TLV */
}

/* FDDI: frame control, two 6-byte addresses, then LLC/SNAP. */
static enum sl_dec_status
link_fddi(struct dctx *c, struct sl_rd rd, size_t wire)
{
	if (sl_rd_skip(&rd, 13) != SL_OK)
		return SL_DEC_TRUNC;
	return decode_llc(c, rd, wire_after(wire, 13));
}

/* RFC 1483/2684 LLC-encapsulated ATM: LLC/SNAP directly. */
static enum sl_dec_status
link_atm_rfc1483(struct dctx *c, struct sl_rd rd, size_t wire)
{
	return decode_llc(c, rd, wire);
}

/* OpenBSD pflog: header length in its first byte, family in the second. */
static enum sl_dec_status
link_pflog(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint8_t hl, af;
	size_t len;

	if (sl_rd_u8(&rd, &hl) || sl_rd_u8(&rd, &af))
		return SL_DEC_TRUNC;
	len = ((size_t)hl + 3) & ~(size_t)3;
	if (len < 2) {
		sl_errbuf_set(c->errbuf, "pflog header length %u", hl);
		return SL_DEC_MALFORMED;
	}
	if (sl_rd_skip(&rd, len - 2) != SL_OK)
		return SL_DEC_TRUNC;
	return af_ip(c, af, rd, wire_after(wire, len));
}

/* Hilscher netANALYZER: a 4-byte status header, then Ethernet with FCS. */
static enum sl_dec_status
link_netanalyzer(struct dctx *c, struct sl_rd rd, size_t wire)
{
	if (sl_rd_skip(&rd, 4) != SL_OK)
		return SL_DEC_TRUNC;
	return decode_ether(c, rd, wire_after(wire, 4));
}

/*
 * The link-type dispatch table, in the manner of tcpdump's printers[]:
 * DLT values as pcap_datalink() returns them, plus the LINKTYPE_ values
 * that differ from them (a pcapng file holds LINKTYPE_ values).
 */
typedef enum sl_dec_status (*link_fn)(struct dctx *, struct sl_rd, size_t);
static const struct {
	int dlt;
	const char *name;
	link_fn fn;
} link_types[] = {
    {0, "NULL", link_null},
    {1, "EN10MB", link_ether},
    {9, "PPP", link_ppp},
    {10, "FDDI", link_fddi},
    {11, "ATM_RFC1483", link_atm_rfc1483},
    {12, "RAW", link_raw},
    {14, "RAW", link_raw},
    {50, "PPP_SERIAL", link_ppp},
    {51, "PPP_ETHER", link_ppp_ether},
    {100, "ATM_RFC1483", link_atm_rfc1483},
    {101, "RAW", link_raw},
    {104, "C_HDLC", link_chdlc},
    {108, "LOOP", link_loop},
    {113, "LINUX_SLL", link_sll},
    {117, "PFLOG", link_pflog},
    {166, "PPP_PPPD", link_ppp},
    {228, "IPV4", link_ipv4},
    {229, "IPV6", link_ipv6},
    {239, "NFLOG", link_nflog},
    {240, "NETANALYZER", link_netanalyzer},
    {276, "LINUX_SLL2", link_sll2},
};

static link_fn
link_lookup(int dlt)
{
	size_t i;

	for (i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++)
		if (link_types[i].dlt == dlt)
			return link_types[i].fn;
	return NULL;
}

bool
sl_decode_dlt_supported(int dlt)
{
	return link_lookup(dlt) != NULL;
}

size_t
sl_decode_link_names(char *buf, size_t len)
{
	size_t i, n = 0;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++) {
		if (i > 0 &&
		    strcmp(link_types[i].name, link_types[i - 1].name) == 0)
			continue;
		if (strstr(buf, link_types[i].name) != NULL)
			continue;
		if (n < len)
			n +=
			    (size_t)snprintf(buf + n, len - n, "%s%s",
					     n ? ", " : "", link_types[i].name);
	}
	return n;
}

enum sl_dec_status
sl_decode(int dlt, const uint8_t *data, size_t caplen, size_t wirelen,
	  struct sl_pkt *pkt, char *errbuf)
{
	struct dctx c = {pkt, errbuf, 0, 0};
	link_fn fn = link_lookup(dlt);

	memset(pkt, 0, sizeof(*pkt));
	pkt->sll_pkttype = -1;
	pkt->ifindex = -1;
	if (wirelen < caplen)
		wirelen = caplen; /* a lying len: trust the bytes we have */
	if (fn == NULL) {
		sl_errbuf_set(errbuf, "link type %d is not supported", dlt);
		return SL_DEC_LINKTYPE;
	}
	return fn(&c, sl_rd_make(data, caplen), wirelen);
}
