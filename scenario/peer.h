/* \summary: the scheduled two-host simultaneous open: parsing the peer, the outcome, its JSON */
#ifndef SL_PEER_H
#define SL_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "json.h"
#include "pipeline.h"
#include "remote.h"

/*
 * HOST[:PORT]: "example.org", "example.org:1314", "192.0.2.7:1314",
 * "[2001:db8::7]:1314", or a bare IPv6 address (more than one ':').
 * host is written to hbuf; *port is -1 when not given.  Returns false if
 * the host is empty or PORT is malformed.
 */
bool sl_peer_split(const char *s, char *hbuf, size_t hlen, long *port);

/*
 * The scheduled run's options from what the user typed (peer HOST[:PORT],
 * port, at: an INSTANT of docs/time-grammar.md, attempts 0: 1,
 * interval_ns 0: 1 s, ifname may be NULL), checked against now: the last
 * attempt must be ahead, the first within a day.  host (hlen bytes) holds
 * the peer's name, which o->peer borrows.  0 or SL_EINVAL with errbuf.
 */
int sl_peer_opts(struct sl_remote_opts *o, const char *peer, const char *port,
		 const char *at, unsigned attempts, int64_t interval_ns,
		 const char *ifname, int64_t now, char *host, size_t hlen,
		 char *errbuf);

/*
 * What the wire showed when connect() succeeded, by shape name
 * ("simultaneous-open", "three-way", "self-connect"), else "connected" or
 * "not-connected".  Static.
 */
const char *sl_peer_outcome(const struct sl_remote_result *res,
			    const struct sl_tally *t);

/* The clock state as a JSON value (null when unread). */
void sl_peer_clock_json(struct sl_json *j, const struct sl_clock_state *cs);

/* The JSON "scenario" member of the scheduled mode into j. */
void sl_peer_json(const struct sl_remote_opts *o,
		  const struct sl_remote_result *res, const struct sl_tally *t,
		  const char *kernel, struct sl_json *j);

#endif /* SL_PEER_H */
