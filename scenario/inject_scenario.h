/* \summary: a crafted SYN at a kernel socket in a chosen state: RST, simultaneous open, challenge ACK (RFC 9293 §3.5, §3.10.7; RFC 5961 §4) */
#ifndef SL_INJECT_SCENARIO_H
#define SL_INJECT_SCENARIO_H

/*
 * The target is a real kernel socket in host B of a lab (capture/lab.h).
 * The injector plays its peer from host A at the spoofed address
 * SL_LAB_SPOOF (10.0.0.3 / fd00::3), which no stack owns, so A's kernel
 * never answers the target: it drops what arrives for that address
 * (forwarding off).  The injector sends libnet-built segments on a raw
 * socket in A (they cross the wire with its delay) and reads what the
 * target sends from a packet socket on tunA, stamped by the kernel on the
 * capture's clock, and answers it:
 *
 *   state          target socket                     the crafted SYN draws
 *   bound, closed  bound only / no socket            [R.] seq 0 ack s+1 win 0
 *   syn-sent       connect()ed to the peer           [S.] seq a ack s+1; the
 *                                                    injector's ACK completes
 *                                                    it and connect() returns 0
 *   established    connected (the injector answered  [.] seq snd_nxt ack rcv_nxt
 *                  its SYN with a SYN-ACK)           (challenge ACK), at most one
 *                                                    per 500 ms per socket
 *
 * In peer mode (the sweep) the injector behaves like a kernel whose own
 * connect() is the crafted SYN: a target SYN that reaches it before that
 * SYN left is refused with [R.] seq 0 ack a+1, as a closed port would.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "inject.h"
#include "lab.h"

enum sl_inj_state {
	SL_INJ_BOUND,
	SL_INJ_CLOSED,
	SL_INJ_SYN_SENT,
	SL_INJ_ESTABLISHED,
};

/* "bound", "closed", "syn-sent", "established"; parse returns -1 if unknown */
const char *sl_inj_state_name(enum sl_inj_state s);
int sl_inj_state_parse(const char *s);

#define SL_INJ_MAXSYN  3
#define SL_INJ_MAXSENT 16

struct sl_inj_opts {
	enum sl_inj_state state;
	/*
	 * When the first crafted SYN leaves, after the reference instant:
	 * the target's connect() call (syn-sent), the moment it was
	 * established (established), its bind() (bound, closed).
	 */
	int64_t offset_ns;
	unsigned nsyn; /* crafted SYNs (established: 3) */
	int64_t
	    syn_gap_ns[SL_INJ_MAXSYN]; /* SYN k leaves gap[k] after the first */
	unsigned opts;	/* SL_OPT_* of the crafted SYN (and SYN-ACK) */
	bool peer_mode; /* refuse a target SYN that arrives first */
	bool send_data; /* connected: the target sends 7 bytes */
	uint16_t port;	/* target's and peer's port */
	volatile const int *stop;
};

/* One segment the injector sent. */
struct sl_inj_sent {
	char what[16]; /* "SYN", "ACK", "RST", "SYN-ACK", ... */
	uint8_t flags;
	uint32_t seq, ack;
	struct sl_inject_stamp st;
};

struct sl_inj_result {
	int64_t t_ref;	   /* the reference instant (CLOCK_REALTIME) */
	int64_t t_connect; /* target's connect() call; 0: none */
	int connect_err; /* 0, an errno; -1: did not complete; -2: no connect */
	bool established; /* the target reached ESTABLISHED */
	bool have_info;	  /* TCP_INFO read after connect() completed */
	uint8_t tcpi_state, tcpi_options, snd_wscale, rcv_wscale;
	bool has_target_isn;
	uint32_t target_isn, peer_isn;
	int64_t target_syn_at; /* target's SYN reached the peer; 0: never */
	int64_t syn_left;      /* the (first) crafted SYN left; 0: never */
	unsigned nsent;
	struct sl_inj_sent sent[SL_INJ_MAXSENT];
	/* answers of the target */
	unsigned rsts, synacks;
	uint32_t rst_seq, rst_ack, synack_seq, synack_ack;
	unsigned answers[SL_INJ_MAXSYN]; /* target segments after SYN k,
					     before SYN k+1 */
	uint16_t data_win; /* window of the target's first data segment */
	bool data_seen;
	const char *outcome; /* "refused", "connected", "other" (static) */
};

struct sl_inj_peer;

/*
 * Opens the injector (raw socket) and its packet socket on tunA inside
 * host A of lab.  Returns NULL with errbuf.  One peer serves many runs.
 */
struct sl_inj_peer *sl_inj_peer_open(struct sl_lab *lab, char *errbuf);
void sl_inj_peer_close(struct sl_inj_peer *p);

/*
 * One run: puts the target in o->state, sends the crafted SYN(s) at their
 * instants, answers the target as above, and fills r.  facts (may be
 * NULL): one line per fact, appended.  Socket calls and injections go to
 * the lab's event timeline.  Returns 0, SL_EINTR (stop), or SL_ENV with
 * errbuf.
 */
int sl_inj_run(struct sl_inj_peer *p, const struct sl_inj_opts *o,
	       struct sl_inj_result *r, char *facts, size_t factslen,
	       char *errbuf);

/*
 * Send-time precision: n bare SYNs from the spoofed peer to B at
 * start_ns + k * interval_ns (CLOCK_REALTIME), each to its own port from
 * port0 upwards; stamps[k] gets the schedule and the send times.  Returns
 * 0 or SL_EIO with errbuf.
 */
int sl_inj_precision(struct sl_inj_peer *p, unsigned n, int64_t start_ns,
		     int64_t interval_ns, uint16_t port0,
		     struct sl_inject_stamp *stamps, char *errbuf);

#endif /* SL_INJECT_SCENARIO_H */
