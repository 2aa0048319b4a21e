/* \summary: IPv4/IPv6 + TCP header peek for the capture side (RFC 791, 8200, 9293) */
#include "peek.h"

#include <string.h>

#include <pcap/dlt.h>

#include "rd.h"

#define IPPROTO_TCP_NUM 6

/* RFC 9293 §3.1: ports, sequence, acknowledgment, data offset, flags. */
static int
peek_tcp(struct sl_rd *rd, size_t seglen, struct sl_peek *out)
{
	uint8_t off, flags;
	int rc;

	if ((rc = sl_rd_be16(rd, &out->sport)) != SL_OK ||
	    (rc = sl_rd_be16(rd, &out->dport)) != SL_OK ||
	    (rc = sl_rd_be32(rd, &out->seq)) != SL_OK ||
	    (rc = sl_rd_be32(rd, &out->ack)) != SL_OK ||
	    (rc = sl_rd_u8(rd, &off)) != SL_OK ||
	    (rc = sl_rd_u8(rd, &flags)) != SL_OK)
		return rc;
	off = (uint8_t)((off >> 4) * 4);
	if (off < 20 || off > seglen)
		return SL_EMALFORM;
	out->flags = flags;
	out->paylen = (uint32_t)(seglen - off);
	return SL_OK;
}

int
sl_peek_ip(const uint8_t *p, size_t len, struct sl_peek *out)
{
	struct sl_rd rd = sl_rd_make(p, len);
	uint8_t vhl, proto, hlim;
	uint16_t total, frag, plen;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = sl_rd_need(&rd, 1)) != SL_OK)
		return rc;
	vhl = rd.p[0];
	if (vhl >> 4 == 4) {
		size_t ihl = (size_t)(vhl & 0x0f) * 4;

		/* RFC 791 §3.1 */
		if ((rc = sl_rd_need(&rd, 20)) != SL_OK)
			return rc;
		if (ihl < 20)
			return SL_EMALFORM;
		if ((rc = sl_rd_skip(&rd, 2)) != SL_OK ||
		    (rc = sl_rd_be16(&rd, &total)) != SL_OK ||
		    (rc = sl_rd_skip(&rd, 2)) != SL_OK ||
		    (rc = sl_rd_be16(&rd, &frag)) != SL_OK ||
		    (rc = sl_rd_u8(&rd, &hlim)) != SL_OK ||
		    (rc = sl_rd_u8(&rd, &proto)) != SL_OK ||
		    (rc = sl_rd_skip(&rd, 2)) != SL_OK ||
		    (rc = sl_rd_bytes(&rd, out->src, 4)) != SL_OK ||
		    (rc = sl_rd_bytes(&rd, out->dst, 4)) != SL_OK)
			return rc;
		if (total < ihl)
			return SL_EMALFORM;
		if (proto != IPPROTO_TCP_NUM || (frag & 0x3fff) != 0)
			return SL_ENOTSUP; /* not TCP, or a fragment */
		if ((rc = sl_rd_skip(&rd, ihl - 20)) != SL_OK)
			return rc;
		out->family = 4;
		return peek_tcp(&rd, (size_t)total - ihl, out);
	}
	if (vhl >> 4 == 6) {
		/* RFC 8200 §3: no extension headers are walked. */
		if ((rc = sl_rd_skip(&rd, 4)) != SL_OK ||
		    (rc = sl_rd_be16(&rd, &plen)) != SL_OK ||
		    (rc = sl_rd_u8(&rd, &proto)) != SL_OK ||
		    (rc = sl_rd_u8(&rd, &hlim)) != SL_OK ||
		    (rc = sl_rd_bytes(&rd, out->src, 16)) != SL_OK ||
		    (rc = sl_rd_bytes(&rd, out->dst, 16)) != SL_OK)
			return rc;
		if (proto != IPPROTO_TCP_NUM)
			return SL_ENOTSUP;
		out->family = 6;
		return peek_tcp(&rd, plen, out);
	}
	return SL_ENOTSUP;
}

int
sl_peek_frame(int dlt, const uint8_t *p, size_t len, struct sl_peek *out)
{
	struct sl_rd rd = sl_rd_make(p, len);
	uint16_t type;
	uint32_t af;
	int rc;

	switch (dlt) {
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
		return sl_peek_ip(p, len, out);
	case DLT_EN10MB:
		if ((rc = sl_rd_skip(&rd, 12)) != SL_OK ||
		    (rc = sl_rd_be16(&rd, &type)) != SL_OK)
			return rc;
		break;
	case DLT_LINUX_SLL:
		if ((rc = sl_rd_skip(&rd, 14)) != SL_OK ||
		    (rc = sl_rd_be16(&rd, &type)) != SL_OK)
			return rc;
		break;
	case DLT_NULL:
		if ((rc = sl_rd_le32(&rd, &af)) != SL_OK)
			return rc;
		return sl_peek_ip(rd.p, rd.left, out);
	default:
		return SL_ENOTSUP;
	}
	if (type != 0x0800 && type != 0x86dd)
		return SL_ENOTSUP;
	return sl_peek_ip(rd.p, rd.left, out);
}
