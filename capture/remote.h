/* \summary: the scheduled simultaneous open between two real hosts (RFC 9293 §3.5 Figure 7) */
#ifndef SL_REMOTE_H
#define SL_REMOTE_H

/*
 * The classic experiment: two machines with synchronized clocks each bind
 * the same port and connect() to the other at an agreed instant.  When the
 * two SYNs meet in the air (each leaves before the other arrives, a window
 * as wide as the one-way delay), both sockets pass through SYN-RECEIVED and
 * both connect() calls succeed: RFC 9293 §3.5 Figure 7.
 *
 * sl_remote_run is one host's half.  It talks only to the peer the user
 * named: one TCP socket bound to the local address the route to the peer
 * uses, connect() to the peer and nothing else.  It captures on the real
 * interface with a BPF filter for that one tuple (libpcap, immediate mode,
 * nanosecond timestamps on CLOCK_REALTIME) and writes the raw capture to a
 * classic pcap file for the analyzer.
 *
 * The lab half (sl_remote_lab_*) is the proof without internet: two
 * namespaces joined by the TUN wire with a chosen one-way delay, held by a
 * process that prints where they are (/proc/PID/fd/N) so that two synlab
 * processes can run the scheduled mode inside them.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "common.h"
#include "events.h"

/* The kernel clock's own view of its synchronization, from adjtimex(2). */
struct sl_clock_state {
	bool ok;	   /* adjtimex answered */
	bool synced;	   /* STA_UNSYNC clear and state != TIME_ERROR */
	int state;	   /* TIME_OK, TIME_INS, ..., TIME_ERROR */
	int status;	   /* STA_* bits */
	long esterror_us;  /* estimated error */
	long maxerror_us;  /* maximum error */
	int64_t offset_ns; /* current PLL offset, ns */
	long freq_ppb;	   /* frequency correction in parts per 10^9 */
};

/* Reads the clock state; never fails (ok == false when adjtimex did). */
void sl_clock_state_read(struct sl_clock_state *cs);

/* "synchronized, estimated error 12 us, maximum error 1500 us, offset -3 us" */
void sl_clock_state_text(const struct sl_clock_state *cs, char *buf,
			 size_t len);

#define SL_REMOTE_MAXATTEMPTS 1000

struct sl_remote_opts {
	const char *peer;	  /* host name or address, as the user gave */
	uint16_t peer_port;	  /* the peer's port (usually == port) */
	uint16_t port;		  /* local port */
	int64_t at_ns;		  /* CLOCK_REALTIME instant of attempt 1 */
	unsigned attempts;	  /* 1..SL_REMOTE_MAXATTEMPTS */
	int64_t interval_ns;	  /* between attempts (> 0) */
	const char *ifname;	  /* capture interface; NULL: the route's */
	int pcap_fd;		  /* raw capture written here (classic pcap,
				     from offset 0); borrowed, a dup is used */
	volatile const int *stop; /* set by a signal handler */
};

struct sl_remote_attempt {
	int64_t at_ns;	   /* the scheduled instant */
	int64_t called_ns; /* when connect() was called */
	int64_t done_ns;   /* when it completed or was abandoned */
	int err;	   /* 0: connected; errno otherwise */
};

struct sl_remote_result {
	struct sl_events *events;   /* owned; free with sl_remote_result_free */
	char facts[1024];	    /* one fact per line */
	char local[64], remote[64]; /* "10.0.0.1:1314" */
	char ifname[IF_NAMESIZE];
	char filter[512]; /* the BPF filter */
	int family;	  /* 4 or 6 */
	struct sl_clock_state clock_before, clock_after;
	unsigned nattempts; /* attempts made */
	struct sl_remote_attempt attempt[SL_REMOTE_MAXATTEMPTS];
	unsigned connected;   /* 1-based attempt that connected; 0 */
	bool exchanged;	      /* both messages went through */
	char peer_msg[96];    /* what the peer sent, printable */
	int64_t spin_late_ns; /* worst lateness of connect() vs. TIME */
	/* the capture */
	int dlt;
	bool nsec;
	unsigned npkts;
	int64_t *pkt_ts; /* npkts timestamps (ns), owned */
	unsigned ps_recv, ps_drop, ps_ifdrop;
	int64_t t_our_syn, t_peer_syn; /* first bare SYN each way; 0 */
	bool interrupted;
};

/*
 * Whether this process may capture: 0 with CAP_NET_RAW, SL_EPERM (errbuf
 * says what to do) otherwise.
 */
int sl_remote_check(char *errbuf);

/*
 * Runs the scheduled attempts and captures them.  Returns 0 (res filled,
 * whatever the outcome), SL_EINTR when *o->stop was set (res holds what was
 * captured), SL_EPERM/SL_ENV/SL_EINVAL/SL_EIO with errbuf when the run
 * could not start (peer not resolvable, no route, capture refused).  Free
 * res with sl_remote_result_free in every case.
 */
int sl_remote_run(const struct sl_remote_opts *o, struct sl_remote_result *res,
		  char *errbuf);

void sl_remote_result_free(struct sl_remote_result *res);

/*
 * The lab: builds two sandbox hosts (A 10.0.0.1 on tunA, B 10.0.0.2 on
 * tunB) joined by the TUN wire with one-way delay_ns each way, writes one
 * line per host to out ("A /proc/PID/fd/N 10.0.0.1 tunA"), then "ready",
 * and serves the wire until *stop is set or hold_ns passes (a safety net:
 * nothing outlives it).  The namespaces are held only by this process's
 * fds: they vanish when it exits, whatever kills it.  Returns 0, SL_EINTR
 * (stopped), SL_EINVAL (hold_ns not in (0, SL_REMOTE_HOLD_MAX_NS]) or
 * SL_EPERM/SL_ENV with errbuf.
 */
#define SL_REMOTE_HOLD_MAX_NS (3600 * 1000000000LL)
int sl_remote_lab_hold(int64_t delay_ns, int64_t hold_ns, FILE *out,
		       volatile const int *stop, char *errbuf);

/*
 * Moves the whole process into the network namespace at path (a
 * /proc/PID/fd/N or /proc/PID/ns/net of a lab holder).  Call before any
 * thread starts.  Returns 0 or SL_ENV/SL_EPERM with errbuf.
 */
int sl_remote_enter_netns(const char *path, char *errbuf);

#endif /* SL_REMOTE_H */
