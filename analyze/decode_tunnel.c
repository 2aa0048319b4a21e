/* \summary: tunnels: MPLS, PPP, PPPoE, GRE, VXLAN, Geneve, GTP-U, L2TP */
#include "decode_int.h"

/* UDP ports of the tunnels decoded (IANA; 8472 is Linux's old VXLAN). */
#define UDP_VXLAN	4789
#define UDP_VXLAN_LINUX 8472
#define UDP_VXLAN_GPE	4790
#define UDP_GENEVE	6081
#define UDP_GTPU	2152
#define UDP_MPLS	6635 /* RFC 7510 */
#define UDP_GRE		4754 /* RFC 8086 */
#define UDP_L2TP	1701

#define MAX_MPLS_LABELS 16

/*
 * MPLS label stack (RFC 3032): 4-byte entries up to the bottom-of-stack
 * bit, then IPv4 or IPv6 by the first nibble, or a pseudowire control
 * word (first nibble 0, RFC 4385) followed by Ethernet, as tshark guesses.
 */
enum sl_dec_status
dec_mpls(struct dctx *c, struct sl_rd rd, size_t wire)
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
		return dec_ip(c, rd, wire_after(wire, hdr));
	if (v == 0) {
		if (sl_rd_skip(&rd, 4) != SL_OK)
			return SL_DEC_TRUNC;
		return dec_ether(c, rd, wire_after(wire, hdr + 4));
	}
	return SL_DEC_NOT_TCP;
}

/* A PPP protocol number (RFC 1661, 1332, 5072, 3032). */
static enum sl_dec_status
decode_ppp_proto(struct dctx *c, uint16_t proto, struct sl_rd rd, size_t wire)
{
	switch (proto) {
	case 0x0021:
		return dec_ip_as(c, 4, rd, wire);
	case 0x0057:
		return dec_ip_as(c, 6, rd, wire);
	case 0x0281:
	case 0x0283:
		return dec_mpls(c, rd, wire);
	default:
		return SL_DEC_NOT_TCP; /* LCP, IPCP, compressed TCP, ... */
	}
}

/*
 * PPP frame (RFC 1661 §2, RFC 1662 §3.1): an optional ff 03
 * address/control pair, then a protocol of 1 byte (odd) or 2 bytes.
 */
enum sl_dec_status
dec_ppp(struct dctx *c, struct sl_rd rd, size_t wire)
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
enum sl_dec_status
dec_pppoe(struct dctx *c, struct sl_rd rd, size_t wire)
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
enum sl_dec_status
dec_gre(struct dctx *c, struct sl_rd rd, size_t wire)
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
			return dec_ether(c, rd, wire_after(wire, 8));
		}
		if (enter(c, "erspan1"))
			return SL_DEC_MALFORMED;
		return dec_ether(c, rd, wire);
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
			return dec_ip(c, rd, wire_after(wire, eh));
		return dec_ether(c, rd, wire_after(wire, eh));
	}
	if (enter(c, "gre"))
		return SL_DEC_MALFORMED;
	if (proto == 0x880b)
		return dec_ppp(c, rd, wire);
	return dec_ethertype(c, proto, rd, wire);
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
		return dec_ether(c, rd, wire);
	if (np == 1 || np == 2)
		return dec_ip_as(c, np == 1 ? 4 : 6, rd, wire);
	if (np == 5)
		return dec_mpls(c, rd, wire);
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
		return dec_ether(c, rd, wire_after(wire, hdr));
	return dec_ethertype(c, proto, rd, wire_after(wire, hdr));
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
	return dec_ip(c, rd, wire_after(wire, hdr));
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
	return dec_ppp(c, rd, wire_after(wire, hdr));
}

/* UDP (RFC 768) only as a tunnel carrier, by IANA destination port. */
enum sl_dec_status
dec_udp(struct dctx *c, struct sl_rd rd, size_t wire)
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
		return dec_mpls(c, pl, plen);
	case UDP_GRE:
		if (enter(c, "udp"))
			return SL_DEC_MALFORMED;
		return dec_gre(c, pl, plen);
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
