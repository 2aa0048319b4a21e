/* \summary: link types: the link_types[] table and one decoder for each */
#include "decode_int.h"

#define NFULA_PAYLOAD 9
#define MAX_VLAN_TAGS 4

static enum sl_dec_status link_chdlc(struct dctx *c, struct sl_rd rd,
				     size_t wire);

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
	return dec_ethertype(c, type, rd, wire_after(wire, 8));
}

enum sl_dec_status
dec_ethertype(struct dctx *c, uint16_t type, struct sl_rd rd, size_t wire)
{
	switch (type) {
	case ETHERTYPE_IP:
		return dec_ip_as(c, 4, rd, wire);
	case ETHERTYPE_IPV6:
		return dec_ip_as(c, 6, rd, wire);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return dec_mpls(c, rd, wire);
	case ETHERTYPE_PPPOE:
		return dec_pppoe(c, rd, wire);
	case ETHERTYPE_TEB:
		return dec_ether(c, rd, wire);
	case ETHERTYPE_PPP:
		return dec_ppp(c, rd, wire);
	default:
		return SL_DEC_NOT_TCP;
	}
}

/* Ethernet II or 802.3 + LLC/SNAP, with up to MAX_VLAN_TAGS tags. */
enum sl_dec_status
dec_ether(struct dctx *c, struct sl_rd rd, size_t wire)
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
	return dec_ethertype(c, type, rd, wire_after(wire, hdr));
}

/* ---- link types: one decoder each, found through link_types[] -------- */

/* Linux cooked v1: pkttype, hatype, halen, 8 address bytes, protocol. */
static enum sl_dec_status
link_sll(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t pt, type;

	if (sl_rd_be16(&rd, &pt) || sl_rd_skip(&rd, 12) ||
	    sl_rd_be16(&rd, &type))
		return SL_DEC_TRUNC;
	/* before the IP layer: it hashes the headers of a cooked frame */
	c->pkt->sll_pkttype = pt;
	return dec_ethertype(c, type, rd, wire_after(wire, 16));
}

/* Linux cooked v2: protocol, reserved, ifindex, hatype, pkttype, halen, addr. */
static enum sl_dec_status
link_sll2(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t type;
	uint32_t ifindex;
	uint8_t pt;

	if (sl_rd_be16(&rd, &type) || sl_rd_skip(&rd, 2) ||
	    sl_rd_be32(&rd, &ifindex) || sl_rd_skip(&rd, 2) ||
	    sl_rd_u8(&rd, &pt) || sl_rd_skip(&rd, 9))
		return SL_DEC_TRUNC;
	c->pkt->sll_pkttype = pt;
	c->pkt->ifindex = (int64_t)ifindex;
	return dec_ethertype(c, type, rd, wire_after(wire, 20));
}

static enum sl_dec_status
link_raw(struct dctx *c, struct sl_rd rd, size_t wire)
{
	return dec_ip(c, rd, wire);
}

/* DLT_IPV4, DLT_IPV6: raw IP of one version (v), checked. */
static enum sl_dec_status
link_ip_version(struct dctx *c, struct sl_rd rd, size_t wire, unsigned v)
{
	if (rd.left > 0 && rd.p[0] >> 4 != v) {
		sl_errbuf_set(c->errbuf, "IP version %u on an IPv%u link",
			      rd.p[0] >> 4, v);
		return SL_DEC_MALFORMED;
	}
	return dec_ip(c, rd, wire);
}

static enum sl_dec_status
link_ipv4(struct dctx *c, struct sl_rd rd, size_t wire)
{
	return link_ip_version(c, rd, wire, 4);
}

static enum sl_dec_status
link_ipv6(struct dctx *c, struct sl_rd rd, size_t wire)
{
	return link_ip_version(c, rd, wire, 6);
}

/* AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30. */
static enum sl_dec_status
af_ip(struct dctx *c, uint32_t af, struct sl_rd rd, size_t wire)
{
	if (af == 2 || af == 10 || af == 24 || af == 28 || af == 30)
		return dec_ip(c, rd, wire);
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
	return dec_ppp(c, rd, wire);
}

/* PPPoE without its Ethernet header (DLT_PPP_ETHER). */
static enum sl_dec_status
link_ppp_ether(struct dctx *c, struct sl_rd rd, size_t wire)
{
	return dec_pppoe(c, rd, wire);
}

/* Cisco HDLC: address, control, then an ethertype. */
static enum sl_dec_status
link_chdlc(struct dctx *c, struct sl_rd rd, size_t wire)
{
	uint16_t type;

	if (sl_rd_skip(&rd, 2) || sl_rd_be16(&rd, &type))
		return SL_DEC_TRUNC;
	return dec_ethertype(c, type, rd, wire_after(wire, 4));
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
	return dec_ether(c, rd, wire_after(wire, 4));
}

/*
 * The link-type dispatch table, in the manner of tcpdump's printers[]:
 * DLT values as pcap_datalink() returns them, plus the LINKTYPE_ values
 * that differ from them (a pcapng file holds LINKTYPE_ values).  Where a
 * link type is a bare header the decoders above already read (Ethernet;
 * RFC 1483/2684 LLC-encapsulated ATM: LLC/SNAP directly), that decoder is
 * the entry.
 */
typedef enum sl_dec_status (*link_fn)(struct dctx *, struct sl_rd, size_t);
static const struct {
	int dlt;
	const char *name;
	link_fn fn;
} link_types[] = {
    {0, "NULL", link_null},
    {1, "EN10MB", dec_ether},
    {9, "PPP", link_ppp},
    {10, "FDDI", link_fddi},
    {11, "ATM_RFC1483", decode_llc},
    {12, "RAW", link_raw},
    {14, "RAW", link_raw},
    {50, "PPP_SERIAL", link_ppp},
    {51, "PPP_ETHER", link_ppp_ether},
    {100, "ATM_RFC1483", decode_llc},
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

	/* the scalars and the options' counts; the arrays are kept by count */
	memset(pkt, 0, offsetof(struct sl_pkt, opts.sack));
	pkt->encap[0] = '\0';
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
