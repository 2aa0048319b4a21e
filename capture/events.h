/* \summary: the event timeline: every socket call a scenario makes, on the packets' clock */
#ifndef SL_EVENTS_H
#define SL_EVENTS_H

/*
 * Each socket call (socket, bind, setsockopt, listen, connect called,
 * connect returned, accept, send, recv, close) is one event, time-stamped
 * with CLOCK_REALTIME in nanoseconds: the clock the kernel stamps captured
 * packets with, so events and packets share one timeline.  An event names
 * its host ('A') and socket label ("a", "s1"), the call, its result and
 * errno, and a short detail ("10.0.0.1:1314 -> 10.0.0.2:1314").
 * A NAT's conntrack entries come as calls "ct-new", "ct-update" and
 * "ct-destroy" whose detail is the entry (capture/conntrack.h).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"

#define SL_EV_CALLLEN	16
#define SL_EV_SOCKLEN	12
#define SL_EV_DETAILLEN 128

struct sl_event {
	int64_t ts_ns;
	char host;		  /* 'A', 'B', ... */
	char sock[SL_EV_SOCKLEN]; /* socket label, "" for a note */
	char call[SL_EV_CALLLEN]; /* "connect", "connect-done", "note" */
	int ret;		  /* return value */
	int err;		  /* errno, 0 if none */
	char detail[SL_EV_DETAILLEN];
};

struct sl_events;

struct sl_events *sl_events_new(void);
void sl_events_free(struct sl_events *ev);

/*
 * Records a call that just returned ret with errno err (0: none), stamped
 * now.  The detail is printf-formatted.  Returns the stored event (valid
 * until the next add).
 */
const struct sl_event *sl_events_add(struct sl_events *ev, char host,
				     const char *sock, const char *call,
				     int ret, int err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* The same with an explicit timestamp (e.g. taken before the call). */
const struct sl_event *sl_events_add_at(struct sl_events *ev, int64_t ts_ns,
					char host, const char *sock,
					const char *call, int ret, int err,
					const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

size_t sl_events_count(const struct sl_events *ev);

/*
 * Orders the events by time, keeping the order of equal stamps: for
 * events that arrive later than they happened (a namespace's conntrack
 * events, capture/conntrack.h).
 */
void sl_events_sort(struct sl_events *ev);
const struct sl_event *sl_events_get(const struct sl_events *ev, size_t i);

/*
 * A reference instant on the packet timeline, e.g. {"A's SYN left", ts}:
 * the text form says how long after (or before) the nearest earlier
 * reference an event happened.
 */
struct sl_evref {
	const char *what; /* borrowed */
	int64_t ts_ns;
};

/*
 * One line for an event, like
 * "B connect() called 12.0 ms after A's SYN left: ECONNREFUSED".
 * refs (may be NULL) are reference instants in any order.  t0_ns: the
 * origin of the "+12.345 ms" column (0: none).  Returns the length.
 */
size_t sl_event_text(const struct sl_event *e, const struct sl_evref *refs,
		     size_t nrefs, int64_t t0_ns, char *buf, size_t len);

/*
 * Every event as a line of sl_event_text after prefix (e.g. "  ") to f;
 * t0_ns: the origin of the time column (0: none, -1: the first event).
 */
void sl_events_write(FILE *f, const struct sl_events *ev,
		     const struct sl_evref *refs, size_t nrefs, int64_t t0_ns,
		     const char *prefix);

/*
 * The timeline as a JSON array (malloc'd, caller frees):
 * [{"t_ns":..., "t_rel_ms":..., "host":"A", "socket":"a",
 *   "call":"connect", "ret":-1, "errno":"EINPROGRESS", "detail":"..."}]
 * t_rel_ms is relative to t0_ns (0: first event).
 */
char *sl_events_json(const struct sl_events *ev, int64_t t0_ns);

/* "ECONNREFUSED" for 111; "0" for 0; a number if unknown.  Static. */
const char *sl_errno_name(int err);

#endif /* SL_EVENTS_H */
