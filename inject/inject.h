/* \summary: libnet segment builders and the send scheduler (inject/), RFC 9293 §3.1, RFC 7323 */
#ifndef SL_INJECT_H
#define SL_INJECT_H

/*
 * Crafted TCP segments for synlab: a struct sl_seg says what to send (any
 * flags, SEQ/ACK, window, options, payload; IPv4 or IPv6), libnet builds it
 * into wire bytes ahead of time (checksums included), and an injector sends
 * those bytes on a raw socket (LIBNET_RAW4 / LIBNET_RAW6: the kernel
 * routes them, no link header) at an absolute CLOCK_REALTIME
 * instant: it sleeps until a little before, spins on the clock for the rest
 * and records when the send call started and returned.  CLOCK_REALTIME is
 * the clock libpcap stamps captured packets with, so a schedule can be
 * compared with the wire.
 *
 * Everything here is built on <libnet.h>; no other module includes it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "tcp.h"

/* The libnet version string this build links, e.g. "libnet version 1.1.6". */
const char *sl_inject_libnet_version(void);

/* TCP flags: SL_TH_* of common/tcp.h. */

/* Options a segment carries (bits of sl_seg.opts), in Linux's SYN order. */
#define SL_OPT_MSS  0x01 /* RFC 9293 §3.7.1 */
#define SL_OPT_SACK 0x02 /* SACK-permitted, RFC 2018 */
#define SL_OPT_TS   0x04 /* timestamps, RFC 7323 §3 */
#define SL_OPT_WS   0x08 /* window scale, RFC 7323 §2 */
#define SL_OPT_ALL  (SL_OPT_MSS | SL_OPT_SACK | SL_OPT_TS | SL_OPT_WS)

#define SL_SEG_MAXLEN 1500

/* What to send. */
struct sl_seg {
	int family;		  /* 4 or 6 */
	uint8_t src[16], dst[16]; /* network order; IPv4 in the first 4 */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* SL_TH_* */
	uint16_t win;
	unsigned opts; /* SL_OPT_* */
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval, tsecr;
	const uint8_t *payload; /* borrowed for the build call */
	uint32_t paylen;
	uint8_t ttl; /* 0: 64 */
};

/* A built segment: the IP packet exactly as it will leave. */
struct sl_seg_bytes {
	int family;
	uint8_t dst[16];
	size_t len;
	uint8_t data[SL_SEG_MAXLEN];
};

/* When one segment was scheduled and really sent (CLOCK_REALTIME ns). */
struct sl_inject_stamp {
	int64_t scheduled; /* 0: "now" */
	int64_t before;	   /* just before the send call */
	int64_t after;	   /* when it returned */
};

struct sl_injector;

/*
 * Opens a raw-socket injector for family 4 or 6 in the network namespace
 * of the calling thread (enter a sandbox host first to inject there).
 * ifname (may be NULL): bind the socket to that interface
 * (SO_BINDTODEVICE), so segments leave by it whatever the routes say.
 * Returns NULL and fills errbuf (needs CAP_NET_RAW).  Free with
 * sl_injector_close.
 */
struct sl_injector *sl_injector_open(int family, const char *ifname,
				     char *errbuf);

/*
 * Builds seg with libnet into out (IP header, TCP header with options,
 * payload; every checksum filled).  Returns 0, or SL_EINVAL with errbuf
 * (family mismatch, too long, a libnet error).
 */
int sl_injector_build(struct sl_injector *ij, const struct sl_seg *seg,
		      struct sl_seg_bytes *out, char *errbuf);

/*
 * Sends a built segment at CLOCK_REALTIME instant at_ns (0 or in the
 * past: at once): clock_nanosleep until spin_ns before it, then a spin on
 * the clock.  st (may be NULL) gets the times.  Returns 0 or SL_EIO with
 * errbuf.  Sets the thread's timer slack to 1 ns, and runs the sleep and
 * the spin as SCHED_FIFO priority 1 when permitted (root), back to
 * SCHED_OTHER after the send.
 */
int sl_injector_send_at(struct sl_injector *ij, const struct sl_seg_bytes *b,
			int64_t at_ns, struct sl_inject_stamp *st,
			char *errbuf);

/* Default spin before each scheduled send; settable for experiments. */
#define SL_INJECT_SPIN_NS 100000
void sl_injector_set_spin(struct sl_injector *ij, int64_t spin_ns);

void sl_injector_close(struct sl_injector *ij);

/*
 * "S", "SA", "A", "R", "RA", "PA", "F": flags by letter (S SYN, A ACK,
 * R RST, F FIN, P PSH); case-insensitive; "S." (tcpdump's dot for ACK)
 * too.  Returns 0 or SL_EINVAL.
 */
int sl_inject_parse_flags(const char *s, uint8_t *flags);

/*
 * "mss,ws,sack,ts" (any subset, any order; "all"; "none" or "") into
 * SL_OPT_* bits.  Returns 0 or SL_EINVAL.
 */
int sl_inject_parse_opts(const char *s, unsigned *opts);

/* "mss,sack,ts,ws" or "none", into buf; returns buf. */
const char *sl_inject_opts_str(unsigned opts, char *buf, size_t len);

/*
 * "10.0.0.2:1314", "[fd00::2]:1314": address and port.  family gets 4 or
 * 6.  Returns 0 or SL_EINVAL.
 */
int sl_inject_parse_endpoint(const char *s, int *family, uint8_t addr[16],
			     uint16_t *port);

/* ---- one segment as `synlab inject` is told it (segspec.c) ---- */

struct sl_seg_spec {
	const char *src, *dst; /* "10.0.0.3:1314", "[fd00::3]:1314" */
	const char *flags;     /* "SA" */
	const char *opts;      /* NULL: all for a SYN, else none */
	bool have_ack, have_win;
	uint32_t seq, ack, win, mss, ws, ttl;
	int64_t at; /* CLOCK_REALTIME ns to send at; 0: now */
	bool have_seq;
};

/* The defaults `synlab inject` starts from: window 64240, MSS 1460,
 * window scale 7, TTL 64, now. */
void sl_seg_spec_init(struct sl_seg_spec *sp);

/*
 * Option name (without its dashes: "src", "seq", "win", "at", ...) with
 * its value arg into sp.  Returns 1 when taken, 0 when name is no option
 * of the segment, SL_EINVAL for a bad value with errbuf naming the
 * option ("--win wants a number 0..65535, not 'x'").  arg is borrowed.
 */
int sl_seg_spec_take(struct sl_seg_spec *sp, const char *name, const char *arg,
		     char *errbuf);

/* A number (0x.. and 0.. too) up to max into v: 0 or SL_EINVAL. */
int sl_seg_spec_u32(const char *s, uint32_t max, uint32_t *v);

/*
 * The segment sp describes, checked: 0, or SL_EINVAL with errbuf naming
 * the option.  note (nlen bytes; may be NULL) gets a warning, or "".
 */
int sl_seg_from_spec(const struct sl_seg_spec *sp, struct sl_seg *seg,
		     char *note, size_t nlen, char *errbuf);

/* "sent FLAGS SRC > DST seq ... on IF", then when it was scheduled and
 * sent, to f. */
void sl_seg_spec_print_sent(FILE *f, const struct sl_seg_spec *sp,
			    const char *ifname, const struct sl_seg *seg,
			    const struct sl_seg_bytes *b,
			    const struct sl_inject_stamp *st);

/*
 * Sends the segment sp describes on interface ifname (at sp->at) and
 * says on out what was sent.  note (nlen bytes) gets a warning about sp,
 * or "".  Returns 0; SL_EINVAL when sp does not make a segment; SL_ENV
 * when the interface, the raw socket (root) or the send fails; errbuf
 * says which.
 */
int sl_seg_spec_send(const struct sl_seg_spec *sp, const char *ifname,
		     FILE *out, char *note, size_t nlen, char *errbuf);

#endif /* SL_INJECT_H */
