/* \summary: a two-host lab kept for many runs: sandbox, TUN wire, one capture (RFC 9293 §3.5 Figure 7) */
#ifndef SL_LAB_H
#define SL_LAB_H

/*
 * sl_scenario_run builds and removes its sandbox for every run (~150 ms of
 * devices and grace periods).  A lab keeps one sandbox, one TUN wire and
 * one running capture on both TUN devices for as many runs as a sweep
 * needs; each run uses its own port, so its segments are told apart in the
 * capture by port and no TIME-WAIT of an earlier run meets a later one.
 * The namespaces are held by fds only: they go with the process, whatever
 * ends it.
 *
 * Host A (0) is 10.0.0.1 / fd00::1 behind tunA, host B (1) 10.0.0.2 /
 * fd00::2 behind tunB (capture/wire.h).  SL_LAB_SPOOF (10.0.0.3 /
 * fd00::3) is an address on A's side of the wire that no stack owns: what
 * B sends there reaches tunA and A's kernel drops it without an answer
 * (forwarding is off in a new namespace), so an injector in A can play a
 * peer at that address without A's own stack resetting the target.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common.h"
#include "events.h"
#include "nat.h"
#include "recorder.h"
#include "sandbox.h"
#include "wire.h"

#define SL_LAB_SPOOF 3 /* last byte of the address nobody owns */

struct sl_lab;

/*
 * Builds the lab for family 4 or 6 and starts the capture on tunA and
 * tunB.  Returns NULL with errbuf; *rc (may be NULL) gets SL_EPERM or
 * SL_ENV then.
 */
struct sl_lab *sl_lab_new(int family, char *errbuf, int *rc);

/*
 * The one sandbox builder: nhosts 1 (loopback only) or 2 (A and B joined
 * by the TUN wire), capture: record every host's interface ("lo", or the
 * wire's ends).  sl_lab_new is sl_lab_open(2, family, true, ...).
 */
struct sl_lab *sl_lab_open(unsigned nhosts, int family, bool capture,
			   char *errbuf, int *rc);

/*
 * The hole-punching lab (capture/nat.h): hosts A and B each behind its
 * NAT router, the public wire between the routers (sl_lab_set_delay and
 * sl_lab_wire act on it), NAT h configured from cfg[h].  IPv4.  The
 * capture records host A's tunA, the public wire at NAT A's wanA and host
 * B's tunB, in that order.  NULL with errbuf, *rc as sl_lab_new.
 */
struct sl_lab *sl_lab_open_nat(const struct sl_nat_cfg cfg[2], char *errbuf,
			       int *rc);

/*
 * Removes the lab like sl_lab_free but hands the (closed) recorder and the
 * event timeline to the caller, who frees them: a one-run lab whose
 * results outlive it.
 */
void sl_lab_free_keep(struct sl_lab *lab, struct sl_recorder **rec,
		      struct sl_events **ev);

int sl_lab_family(const struct sl_lab *lab);
struct sl_sandbox *sl_lab_sandbox(struct sl_lab *lab);
struct sl_wire *sl_lab_wire(struct sl_lab *lab);
struct sl_events *sl_lab_events(struct sl_lab *lab);

/* The same one-way delay both ways. */
void sl_lab_set_delay(struct sl_lab *lab, int64_t delay_ns);
int64_t sl_lab_delay(const struct sl_lab *lab);

/*
 * Address of host 0 (A), 1 (B) or SL_LAB_SPOOF - 1 (the spoofed peer),
 * network order, in addr[16] (IPv4 in the first 4 bytes).
 */
void sl_lab_addr(const struct sl_lab *lab, int host, uint8_t addr[16]);

/*
 * Waits until the wire has been quiet for idle_ns (and at most
 * 2 s + 4 delays), then stops the capture and drains it.  The capture can
 * then be read with sl_lab_recorder; the lab can no longer run.
 */
void sl_lab_finish(struct sl_lab *lab, int64_t idle_ns,
		   volatile const int *stop);

/* The capture (owned by the lab; readable after sl_lab_finish). */
struct sl_recorder *sl_lab_recorder(struct sl_lab *lab);

/* Setup cost of the lab (sandbox, wire, capture), ns. */
int64_t sl_lab_setup_ns(const struct sl_lab *lab);

/* Removes everything (capture, wire, namespaces). */
void sl_lab_free(struct sl_lab *lab);

/* ---- one simultaneous open between the two kernels ---- */

struct sl_simopen_run {
	int err[2];	      /* connect() result of A and B: 0 or errno;
				  -1: never completed */
	int64_t t_connect[2]; /* CLOCK_REALTIME of each connect() call */
	int64_t arrive[2];    /* CLOCK_REALTIME each host's SYN reached the
				 other (the wire's syn_out_real); 0: never */
	int64_t duration_ns;
};

/* A run that slipped more than this measured another offset. */
#define SL_CROSSING_SLIP_NS 500000

/* A timed crossing, measured against its plan (sl_crossing_measure). */
struct sl_crossing {
	int64_t margin[2]; /* for host h; INT64_MIN: a time is missing */
	int64_t plan[2];   /* what the plan gives for it */
	int64_t slip;	   /* the larger |margin - plan| known; -1: none */
};

/*
 * How a timed crossing went.  t_connect[h]: when host h called connect()
 * (or sent its SYN); arrive[h]: when h's SYN reached the other host.
 * margin[h] = arrive[!h] - t_connect[h]: how long after its own connect()
 * h received the other's SYN (negative: before it, so h, not yet in
 * SYN-SENT, answers RST).  The plan, B's connect() offset_ns after A's
 * over a one-way delay delay_ns, gives delay + offset for A and delay -
 * offset for B.  The slip counts only the margins known: a SYN may still
 * be in flight when its run was refused.
 */
void sl_crossing_measure(const int64_t t_connect[2], const int64_t arrive[2],
			 int64_t delay_ns, int64_t offset_ns,
			 struct sl_crossing *x);

/*
 * The one simultaneous open's timed core, shared by `synlab run
 * simultaneous-open` (capture/scenario.c) and the sweep: connect() fd[h]
 * (h 0: A, 1: B) to peer[h] at CLOCK_MONOTONIC instant t[h], in time
 * order (0: at once), under SCHED_FIFO when allowed so that a busy CPU
 * cannot shift a call by a scheduler slice.  r gets each call's
 * CLOCK_REALTIME instant and result (-1: pending).  ev (may be NULL): a
 * "connect" event per call, sockets "a" and "b".
 */
void sl_simopen_connect(const int fd[2], const struct sockaddr_storage peer[2],
			socklen_t alen, const int64_t t[2],
			struct sl_events *ev, struct sl_simopen_run *r);

/*
 * Waits until both connect() calls completed (or failed) or until the
 * CLOCK_MONOTONIC deadline; ev (may be NULL): a "connect-done" event
 * each.  0, or SL_EINTR when *stop (may be NULL) was set.
 */
int sl_simopen_wait(const int fd[2], int64_t deadline, struct sl_events *ev,
		    struct sl_simopen_run *r, volatile const int *stop);

/*
 * A and B each bind port and connect to the other; B's connect() is
 * called offset_ns after A's (negative: before), over the lab's wire
 * delay.  Waits for both connect()s to complete (or fail), then closes
 * both sockets (the FIN exchange overlaps the next run).  Returns 0,
 * SL_EINTR when *stop was set, SL_ENV with errbuf.
 */
int sl_lab_simopen(struct sl_lab *lab, uint16_t port, int64_t offset_ns,
		   struct sl_simopen_run *r, volatile const int *stop,
		   char *errbuf);

#endif /* SL_LAB_H */
