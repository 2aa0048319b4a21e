/* \summary: IPv4, IPv6 and TCP decoding (tunnels, link types: decode_*.c) */
/*
 * Every byte is read through struct sl_rd.  Two kinds of trouble are kept
 * apart, as packetdrill's packet_parser.c does: "truncated" means the
 * capture's snaplen cut the bytes (the header itself may be fine), and
 * "malformed" means a header contradicts itself or the packet's length on
 * the wire (IHL < 5, a TCP data offset past the segment, an option length
 * of 0 or 1).
 */
#include "decode_int.h"

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

/*
 * Above this wire length an IP packet is an offload super-packet (TSO, GSO,
 * GRO, BIG TCP): only a capture before segmentation shows one.
 */
#define GSO_MIN_WIRE 1500

/* v (< 100000) in decimal at p; returns the end. */
static char *
put_dec(char *p, unsigned v)
{
	if (v >= 10000)
		*p++ = (char)('0' + v / 10000);
	if (v >= 1000)
		*p++ = (char)('0' + v / 1000 % 10);
	if (v >= 100)
		*p++ = (char)('0' + v / 100 % 10);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

char *
sl_endpoint_str(const struct sl_endpoint *ep, char *buf, size_t len)
{
	const uint8_t *b = ep->addr.b;

	if (ep->addr.family == 4) {
		/* By hand, not snprintf: a report formats two per handshake. */
		char t[24], *p = len >= sizeof(t) ? buf : t;
		size_t n;
		int i;

		for (i = 0; i < 4; i++) {
			p = put_dec(p, b[i]);
			*p++ = i < 3 ? '.' : ':';
		}
		p = put_dec(p, ep->port);
		*p = '\0';
		if (len < sizeof(t) && len > 0) {
			n = (size_t)(p - t) < len ? (size_t)(p - t) : len - 1;
			memcpy(buf, t, n);
			buf[n] = '\0';
		}
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

/*
 * Walk the TCP options (RFC 9293 §3.2: kind 0 ends the list, kind 1 is one
 * octet, every other kind has a length octet that counts kind and length).
 * b holds the cap option bytes that were captured; optlen is how many the
 * header says there are.  A length below 2 is the classic infinite loop:
 * malformed.  Direct loads, each after the check that the byte was
 * captured.  Not inlined: decode_tcp, which runs on every segment, then
 * saves fewer registers when the options are the usual NOP NOP TS.
 */
static __attribute__((noinline)) enum sl_dec_status
decode_options(const uint8_t *b, size_t cap, size_t optlen,
	       struct sl_tcpopts *o, char *errbuf)
{
	size_t off = 0;

	while (off < optlen) {
		uint8_t kind, len;
		const uint8_t *d, *ud;
		size_t ul;

		if (off >= cap) {
			o->trunc = true;
			return SL_DEC_TCP;
		}
		kind = b[off];
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
		if (off + 1 >= cap) {
			o->trunc = true;
			return SL_DEC_TCP;
		}
		len = b[off + 1];
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
		if (off + len > cap) {
			o->trunc = true;
			return SL_DEC_TCP;
		}
		d = ud = b + off + 2; /* the len - 2 data bytes */
		ul = (size_t)len - 2;
		off += len;

		switch (kind) {
		case 2: /* MSS, RFC 9293 §3.2 */
			if (len != 4)
				goto badlen;
			o->has_mss = true;
			o->mss = sl_load_be16(d);
			break;
		case 3: /* window scale, RFC 7323 §2.2 */
			if (len != 3)
				goto badlen;
			o->has_ws = true;
			o->ws = d[0];
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
			for (; ul >= 8 && o->nsack < SL_SACK_MAX;
			     ul -= 8, d += 8) {
				o->sack[o->nsack][0] = sl_load_be32(d);
				o->sack[o->nsack][1] = sl_load_be32(d + 4);
				o->nsack++;
			}
			break;
		case 8: /* timestamps, RFC 7323 §3 */
			if (len != 10)
				goto badlen;
			o->has_ts = true;
			o->ts_val = sl_load_be32(d);
			o->ts_ecr = sl_load_be32(d + 4);
			break;
		case 34: /* TCP Fast Open cookie, RFC 7413 §4.1.1 */
			if (len > 2 + SL_TFO_MAX)
				goto badlen;
			o->has_tfo = true;
			o->tfo_len = (uint8_t)(len - 2);
			memcpy(o->tfo_cookie, d, o->tfo_len);
			break;
		case 254: /* experimental; 0xF989 is pre-RFC Fast Open */
			if (len >= 4) {
				if (sl_load_be16(d) == 0xF989 &&
				    len - 4 <= SL_TFO_MAX) {
					o->has_tfo = true;
					o->tfo_len = (uint8_t)(len - 4);
					memcpy(o->tfo_cookie, d + 2,
					       o->tfo_len);
					break;
				}
				ud += 2; /* kept past the magic */
				ul -= 2;
			}
			goto unknown;
		default:
		unknown:
			if (o->nunknown < SL_UNKOPT_MAX) {
				o->unknown[o->nunknown].kind = kind;
				o->unknown[o->nunknown].len = len;
				memcpy(o->unknown[o->nunknown].data, ud,
				       ul < SL_UNKOPT_DATA ? ul
							   : SL_UNKOPT_DATA);
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
 * to the IP header (wire truth); rd holds the captured part of it.  Read
 * with direct loads once the bytes are known to be there: it runs on every
 * segment.
 */
static enum sl_dec_status
decode_tcp(struct sl_rd rd, size_t seglen, struct sl_pkt *pkt, char *errbuf)
{
	const uint8_t *t = rd.p;
	size_t hlen;

	if (rd.left < 4)
		return SL_DEC_TRUNC;
	pkt->src.port = sl_load_be16(t);
	pkt->dst.port = sl_load_be16(t + 2);
	if (seglen < 20) {
		sl_errbuf_set(errbuf,
			      "IP payload of %zu bytes is shorter than a TCP "
			      "header (20)",
			      seglen);
		return SL_DEC_MALFORMED;
	}
	if (rd.left < 14)
		return SL_DEC_TRUNC; /* no flags: nothing to go on */
	pkt->seq = sl_load_be32(t + 4);
	pkt->ack = sl_load_be32(t + 8);
	pkt->flags = t[13];
	pkt->ae = (t[12] & 0x01) != 0; /* AccECN AE (formerly NS) */
	hlen = (size_t)(t[12] >> 4) * 4;
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
	if (rd.left < 20) {
		/* Flags are there; snaplen cut the rest. */
		pkt->trunc = true;
		return SL_DEC_TCP;
	}
	pkt->win = sl_load_be16(t + 14);
	if (hlen == 32 && rd.left >= 32 && t[20] == 1 && t[21] == 1 &&
	    t[22] == 8 && t[23] == 10) {
		/* NOP NOP TS, what most segments carry: no walk */
		pkt->opts.has_ts = true;
		pkt->opts.ts_val = sl_load_be32(t + 24);
		pkt->opts.ts_ecr = sl_load_be32(t + 28);
	} else if (hlen > 20) {
		size_t cap = rd.left < hlen ? rd.left - 20 : hlen - 20;
		enum sl_dec_status st =
		    decode_options(t + 20, cap, hlen - 20, &pkt->opts, errbuf);
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
 * Eight bytes at a time (a multiply-xorshift mix).  Only a cooked capture
 * (sll_pkttype set) can show a packet twice (copies.c), so only its
 * frames are hashed.
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
	uint8_t vihl, ttl, proto;
	uint16_t totlen, id, frag;
	size_t ihl, seglen, len;
	struct sl_rd tcp;

	/* direct loads once the bytes are known to be there */
	if (avail < 1)
		return SL_DEC_TRUNC;
	vihl = ip[0];
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
	if (avail < 12) /* through the checksum */
		return SL_DEC_TRUNC;
	totlen = sl_load_be16(ip + 2);
	id = sl_load_be16(ip + 4);
	frag = sl_load_be16(ip + 6);
	ttl = ip[8];
	proto = ip[9];
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
	if (avail < ihl) /* the addresses and the options */
		return SL_DEC_TRUNC;
	rd = sl_rd_make(ip + ihl, avail - ihl);
	seglen = len - ihl;
	if (proto == IPPROTO_IPIP_ || proto == IPPROTO_IPV6_) {
		if ((frag & 0x3fff) != 0)
			return SL_DEC_FRAGMENT; /* a fragmented tunnel packet */
		if (enter(c, proto == IPPROTO_IPIP_ ? "ipip" : "6in4"))
			return SL_DEC_MALFORMED;
		return dec_ip(c, sl_rd_sub(&rd, seglen), seglen);
	}
	if (proto == IPPROTO_GRE_ || proto == IPPROTO_UDP_) {
		if ((frag & 0x3fff) != 0)
			return SL_DEC_NOT_TCP; /* tunnels are not reassembled */
		return proto == IPPROTO_GRE_
			   ? dec_gre(c, sl_rd_sub(&rd, seglen), seglen)
			   : dec_udp(c, sl_rd_sub(&rd, seglen), seglen);
	}
	if (proto != IPPROTO_TCP_)
		return SL_DEC_NOT_TCP;
	pkt->src.addr.family = pkt->dst.addr.family = 4;
	memcpy(pkt->src.addr.b, ip + 12, 4);
	memset(pkt->src.addr.b + 4, 0, sizeof(pkt->src.addr.b) - 4);
	memcpy(pkt->dst.addr.b, ip + 16, 4);
	memset(pkt->dst.addr.b + 4, 0, sizeof(pkt->dst.addr.b) - 4);
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
		if (st == SL_DEC_TCP && pkt->sll_pkttype >= 0)
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
			return dec_ip(c, sl_rd_sub(&rd, left), left);
		}
		if (nxt == IPPROTO_GRE_)
			return dec_gre(c, sl_rd_sub(&rd, left), left);
		if (nxt == IPPROTO_UDP_)
			return dec_udp(c, sl_rd_sub(&rd, left), left);
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
		if (st == SL_DEC_TCP && pkt->sll_pkttype >= 0)
			hash_headers(pkt, ip, avail,
				     hdrs + (left - pkt->paylen));
		return st;
	}
}

enum sl_dec_status
dec_ip(struct dctx *c, struct sl_rd rd, size_t wire)
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
enum sl_dec_status
dec_ip_as(struct dctx *c, int family, struct sl_rd rd, size_t wire)
{
	if (rd.left >= 1 && rd.p[0] >> 4 != family) {
		sl_errbuf_set(c->errbuf,
			      "IPv%d announced by the outer header, IP "
			      "version %u found",
			      family, rd.p[0] >> 4);
		return SL_DEC_MALFORMED;
	}
	return dec_ip(c, rd, wire);
}
