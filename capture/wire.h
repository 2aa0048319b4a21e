/* \summary: the user-space TUN wire: two hosts, programmable delay, a SYN gate */
#ifndef SL_WIRE_H
#define SL_WIRE_H

/*
 * One TUN device (IFF_TUN | IFF_NO_PI) in each of two sandbox hosts, and a
 * forwarding thread in this process that reads every IP packet one host's
 * kernel sends and writes it into the other host's TUN device, after a
 * programmable one-way delay per direction (a time-ordered queue).  A SYN
 * gate per direction holds that side's bare SYNs until a chosen instant, so
 * two SYNs can be made to cross deterministically (docs/kernel-notes.md: 20/20,
 * with no netem and no netfilter).  Each TUN device is its host's NIC, the
 * vantage point for capture.
 *
 * Addresses: host A 10.0.0.1/24 (fd00::1/64), host B 10.0.0.2/24
 * (fd00::2/64); they exist only inside the sandbox.  A TUN device has
 * IFF_NOARP, so IPv6 addresses skip DAD and are usable at once.
 *
 * Directions: SL_WIRE_AB carries what A sends to B, SL_WIRE_BA the reverse.
 */

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "sandbox.h"

#define SL_WIRE_AB 0
#define SL_WIRE_BA 1

struct sl_wire;

struct sl_wire_stats {
	uint64_t forwarded[2];	   /* packets written to the far side */
	uint64_t syns[2];	   /* bare SYNs seen */
	uint64_t held[2];	   /* bare SYNs held by the gate */
	uint64_t dropped[2];	   /* failed writes */
	int64_t first_syn_mono[2]; /* when the first bare SYN was read; 0 */
	int64_t last_mono;	   /* last packet read or written; 0 */
	/* CLOCK_REALTIME when the watched port's first bare SYN was written
	   to the far side (sl_wire_watch_syn); 0: not yet */
	int64_t syn_out_real[2];
};

/*
 * Creates the TUN devices in hosts a and b of sb (names "tunA"/"tunB"),
 * addresses as above (IPv6 too when ipv6), both up, and starts the
 * forwarding thread with no delay and the gate open.  Returns NULL and
 * fills errbuf on failure.  The TUN fds hold the namespaces too: they
 * close with the process, whatever kills it.
 */
struct sl_wire *sl_wire_new(struct sl_sandbox *sb, unsigned a, unsigned b,
			    bool ipv6, char *errbuf);

/*
 * The same on another subnet: 10.0.NET.1/24 in host a, 10.0.NET.2/24 in
 * host b (fd00:0:0:NET::1/64 and ::2), interfaces named ifname[0] and
 * ifname[1] (NULL: "tun" and the host's letter).  net NULL: sl_wire_new.
 * Several wires of one sandbox (a router between two of them) need
 * distinct subnets.
 */
struct sl_wire_net {
	uint8_t net;
	const char *ifname[2];
};

struct sl_wire *sl_wire_new_net(struct sl_sandbox *sb, unsigned a, unsigned b,
				bool ipv6, const struct sl_wire_net *net,
				char *errbuf);

/* Interface name in host side (0: a, 1: b). */
const char *sl_wire_ifname(const struct sl_wire *w, int side);

/* One-way delay of a direction, for packets read from now on. */
void sl_wire_set_delay(struct sl_wire *w, int dir, int64_t delay_ns);

/* Close (hold == true) or open the SYN gate of a direction. */
void sl_wire_gate(struct sl_wire *w, int dir, bool hold);

/*
 * Waits until the gates hold at least n_ab and n_ba SYNs, or until the
 * CLOCK_MONOTONIC deadline.  Returns 0, or SL_EINTR on timeout or when
 * *stop became non-zero (polled every millisecond).
 */
int sl_wire_wait_held(struct sl_wire *w, unsigned n_ab, unsigned n_ba,
		      int64_t deadline_mono, volatile const int *stop);

/*
 * Releases the SYNs held in dir at CLOCK_MONOTONIC instant at_mono (they
 * enter the wire then, and reach the far side after the direction's
 * delay) and opens that gate, so retransmissions pass.
 */
void sl_wire_release(struct sl_wire *w, int dir, int64_t at_mono);

/*
 * From now on, notes when the first bare SYN from source port `port` in
 * each direction reaches the far side (stats' syn_out_real): the instant
 * a timed run's SYN arrived, measured rather than planned.
 */
void sl_wire_watch_syn(struct sl_wire *w, uint16_t port);

/* arrive[0]: when A's watched SYN reached B, arrive[1]: B's at A; 0: not. */
void sl_wire_arrivals(struct sl_wire *w, int64_t arrive[2]);

/* Snapshot of the counters. */
void sl_wire_get_stats(struct sl_wire *w, struct sl_wire_stats *st);

/*
 * Waits until nothing has been read or written for idle_ns and the queue
 * is empty, or until deadline_mono.  Returns 0 or SL_EINTR (timeout, stop).
 */
int sl_wire_wait_idle(struct sl_wire *w, int64_t idle_ns, int64_t deadline_mono,
		      volatile const int *stop);

/* Stops the thread, frees queued packets, closes the TUN fds. */
void sl_wire_free(struct sl_wire *w);

#endif /* SL_WIRE_H */
