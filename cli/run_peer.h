/* \summary: synlab run simultaneous-open --peer: the scheduled run on a real host */
#ifndef SL_RUN_PEER_H
#define SL_RUN_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "args.h"

/* The options of the scheduled mode, as the user typed them. */
struct sl_run_peer_args {
	const char *peer;    /* HOST[:PORT], [V6]:PORT */
	const char *port;    /* P */
	const char *at;	     /* TIME */
	const char *ifname;  /* NULL: the route's interface */
	const char *netns;   /* hidden (tests): enter this namespace */
	unsigned attempts;   /* 0: 1 */
	int64_t interval_ns; /* 0: 1 s */
	struct sl_outopts oo;
};

/* Runs one host's half, reports, returns the exit status. */
int sl_run_peer(const struct sl_run_peer_args *a);

/*
 * Hidden (tests): holds two lab hosts joined by the TUN wire with one-way
 * delay_ns until SIGTERM/SIGINT or hold_ns; prints where they are.
 */
int sl_run_lab_hold(int64_t delay_ns, int64_t hold_ns);

#endif /* SL_RUN_PEER_H */
