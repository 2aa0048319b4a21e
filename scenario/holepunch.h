/* \summary: TCP hole punching through two kernel NATs: the run, what the public wire showed, the outcome per host, its JSON and report */
#ifndef SL_HOLEPUNCH_H
#define SL_HOLEPUNCH_H

/*
 * Host A behind NAT A, host B behind NAT B (capture/nat.h), the public
 * wire between the NATs.  Each host binds a fixed port P and connects to
 * the other NAT's public address at port P (the prediction a DCUtR peer
 * makes from the address it was told), A at the agreed instant, B offset
 * later; a failed attempt is retried at the next agreed instant, up to
 * the number of attempts.  The result is what each connect() returned
 * and what the public wire showed (docs/kernel-notes.md, "NAT in a
 * namespace").
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "events.h"
#include "json.h"
#include "nat.h"
#include "pipeline.h"
#include "recorder.h"

struct sl_hp_opts {
	struct sl_nat_cfg nat[2];
	int64_t delay_ns;     /* one-way delay of the public wire */
	int64_t offset_ns;    /* B's connect() after A's (negative: before) */
	unsigned attempts;    /* 0: 1 */
	int64_t interval_ns;  /* between attempts' instants; 0: 1 s */
	int64_t timeout_ns;   /* a connect() pending this long: timed out */
	unsigned syn_retries; /* the hosts' tcp_syn_retries; 0: kernel's */
	int syn_linear;	      /* the hosts' tcp_syn_linear_timeouts (Linux
				 6.5+: that many SYN retransmissions 1 s
				 apart before the backoff); -1: kernel's */
	uint16_t port;	      /* 0: 1314 */
	volatile const int *stop;
};

/* Defaults: keep-port and rst on both, 20 ms, 4 s, one attempt, the
 * kernel's SYN retransmissions. */
void sl_hp_opts_default(struct sl_hp_opts *o);

enum sl_hp_outcome {
	SL_HP_CONNECTED,
	SL_HP_REFUSED,	 /* a RST answered its SYN: ECONNREFUSED */
	SL_HP_TIMED_OUT, /* pending at the timeout, or ETIMEDOUT */
	SL_HP_FAILED,	 /* another errno */
	SL_HP_OUTCOME__COUNT
};

/* "connected", "refused", "timed-out", "failed".  Static. */
const char *sl_hp_outcome_name(enum sl_hp_outcome o);

struct sl_hp_host {
	enum sl_hp_outcome outcome;
	int err;	 /* errno of the last attempt; 0 */
	int64_t time_ns; /* from its last connect() to the outcome */
};

/* What the capture at NAT A's public side (both directions) showed. */
struct sl_hp_wire {
	unsigned syns[2];     /* bare SYNs from NAT A's (0) and NAT B's (1)
				public address */
	unsigned synacks[2];  /* SYN-ACKs from each */
	unsigned rsts[2];     /* RSTs from each public address */
	unsigned nat_rsts[2]; /* of those, sent by the NAT itself (its host
				 sent none on its inside link) */
	uint16_t port[2];     /* public source port of each side's first SYN;
				 0: none */
	bool crossed; /* the first SYNs of both sides (of the last attempt),
			 each to the port the other left from, were on
			 the wire at once */
};

struct sl_hp_result {
	struct sl_hp_host host[2];
	struct sl_hp_wire wire;
	unsigned attempts;	 /* made */
	int64_t t_attempt;	 /* CLOCK_REALTIME of the last attempt's first
			      connect() */
	char reason[640];	 /* why, in a sentence */
	struct sl_recorder *rec; /* A:tunA, C:wanA (NAT A public), B:tunB */
	struct sl_events *ev;
	int64_t setup_ns, run_ns;
	bool interrupted;
};

/*
 * Builds the lab, runs the attempts, captures, removes the lab; r owns
 * the capture and the timeline (sl_hp_result_free).  0, SL_EINTR (r holds
 * what was captured), SL_EPERM or SL_ENV with errbuf.
 */
int sl_holepunch_run(const struct sl_hp_opts *o, struct sl_hp_result *r,
		     char *errbuf);

/* Both hosts connected. */
bool sl_holepunch_ok(const struct sl_hp_result *r);

/*
 * Fills r->wire from the capture and r->reason from it and the outcomes
 * (sl_holepunch_run does; exposed for the unit tests).
 */
void sl_holepunch_judge(const struct sl_hp_opts *o, struct sl_hp_result *r);

/* The JSON "scenario" member into j. */
void sl_holepunch_json(const struct sl_hp_opts *o, const struct sl_hp_result *r,
		       const char *kernel, struct sl_json *j);

/*
 * One of holepunch's own options into o: --nat, --nat-a, --nat-b,
 * --unsolicited[-a|-b], --syn-sent-timeout-a|-b, --timeout,
 * --syn-retries, --syn-linear, --port; others are left alone (--delay,
 * --offset, --attempts and --interval are struct sl_xopts' values, taken
 * by its prepare).  0 or SL_EINVAL + errbuf.
 */
int sl_hp_take(struct sl_hp_opts *o, const char *opt, const char *arg,
	       char *errbuf);

void sl_hp_result_free(struct sl_hp_result *r);

#endif /* SL_HOLEPUNCH_H */
