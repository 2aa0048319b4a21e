/* \summary: the decoder's internal context, shared by its three files */
/*
 * decode.c (IPv4, IPv6, TCP and its options), decode_tunnel.c (MPLS, PPP,
 * PPPoE, GRE and the UDP tunnels) and decode_link.c (link_types[] and the
 * link decoders) include it; nothing outside them does.  The public
 * interface is decode.h.
 */
#ifndef SL_DECODE_INT_H
#define SL_DECODE_INT_H

#include <stdio.h>
#include <string.h>

#include "decode.h"
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

/* Enter one more header; malformed past MAX_DEPTH. */
static inline int
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
static inline size_t
wire_after(size_t wire, size_t hdr)
{
	return wire > hdr ? wire - hdr : 0;
}

/* decode.c */
enum sl_dec_status dec_ip(struct dctx *c, struct sl_rd rd, size_t wire);
enum sl_dec_status dec_ip_as(struct dctx *c, int family, struct sl_rd rd,
			     size_t wire);

/* decode_tunnel.c */
enum sl_dec_status dec_gre(struct dctx *c, struct sl_rd rd, size_t wire);
enum sl_dec_status dec_udp(struct dctx *c, struct sl_rd rd, size_t wire);
enum sl_dec_status dec_mpls(struct dctx *c, struct sl_rd rd, size_t wire);
enum sl_dec_status dec_ppp(struct dctx *c, struct sl_rd rd, size_t wire);
enum sl_dec_status dec_pppoe(struct dctx *c, struct sl_rd rd, size_t wire);

/* decode_link.c */
enum sl_dec_status dec_ethertype(struct dctx *c, uint16_t type, struct sl_rd rd,
				 size_t wire);
enum sl_dec_status dec_ether(struct dctx *c, struct sl_rd rd, size_t wire);

#endif
