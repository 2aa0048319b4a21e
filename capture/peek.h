/* \summary: bounds-checked look at the IP and TCP headers of a captured frame */
#ifndef SL_PEEK_H
#define SL_PEEK_H

/*
 * Just enough decoding for the capture side: the wire's SYN gate and the
 * event timeline's "A's SYN left at ..." need the addresses, ports, flags
 * and sequence numbers of a segment, read through struct sl_rd (the
 * analyzer does the full decoding).  Fragments and IPv6 extension headers
 * are not TCP segments here.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "tcp.h"

/* TCP flags: SL_TH_* of common/tcp.h. */

struct sl_peek {
	int family; /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint32_t paylen;
};

/*
 * Reads the IP packet at p[0..len) (no link header).  Returns 0 and fills
 * out for a TCP segment, SL_ENOTSUP for anything else, SL_ETRUNC or
 * SL_EMALFORM for short or lying headers.
 */
int sl_peek_ip(const uint8_t *p, size_t len, struct sl_peek *out);

/*
 * Same for a frame of link type dlt: DLT_RAW (TUN), DLT_EN10MB (lo),
 * DLT_LINUX_SLL, DLT_NULL.  Other link types: SL_ENOTSUP.
 */
int sl_peek_frame(int dlt, const uint8_t *p, size_t len, struct sl_peek *out);

/* A SYN without ACK, RST or FIN: what the SYN gate holds. */
static inline bool
sl_peek_is_bare_syn(const struct sl_peek *pk)
{
	return (pk->flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST | SL_TH_FIN)) ==
	       SL_TH_SYN;
}

#endif /* SL_PEEK_H */
