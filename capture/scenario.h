/* \summary: the scenario catalogue: real kernels performing the rare handshakes */
#ifndef SL_SCENARIO_H
#define SL_SCENARIO_H

/*
 * A scenario builds its sandbox (one host on loopback, or two hosts joined
 * by the TUN wire), starts the capture, makes the kernel's sockets perform
 * the experiment while recording every socket call as an event, waits for
 * the wire to fall quiet, drains the capture and tears the sandbox down.
 * What it leaves is in struct sl_scn_result: the captured packets per
 * interface, the event timeline and a few lines of scenario-specific facts.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "common.h"
#include "events.h"
#include "lab.h"
#include "recorder.h"
#include "wire.h"

struct sl_scn_opts {
	int family;		  /* 4 or 6 */
	int64_t delay_ns;	  /* one-way delay of the wire (two hosts) */
	bool has_offset;	  /* false: gate mode, SYNs released together */
	int64_t offset_ns;	  /* B's connect() this long after A's */
	unsigned max_attempts;	  /* self-connect-race; 0: 100000 */
	int64_t time_limit_ns;	  /* self-connect-race; 0: 10 s */
	volatile const int *stop; /* set by a signal handler: abandon the run */
};

struct sl_scn_result {
	struct sl_recorder *rec;  /* the captures; owned */
	struct sl_events *events; /* owned */
	char facts[1024];	  /* "attempts: 37 ...", one fact per line */
	struct sl_wire_stats wire;
	bool has_wire;
	bool interrupted;     /* *stop was seen */
	int64_t t_syn_ref[2]; /* CLOCK_REALTIME of each host's first SYN
				     (from the capture); 0 if none */
	unsigned synacks[2];  /* two hosts: SYN-ACKs A and B sent, as
				     seen from A's interface */
	/* a timed crossing (offset mode): crossing is measured */
	bool timed;
	struct sl_crossing crossing;
	int64_t setup_ns, run_ns, teardown_ns; /* CLOCK_MONOTONIC durations */
};

struct sl_scn_ctx;

struct sl_scenario {
	const char *name;
	const char *summary;
	unsigned nhosts;      /* 1: loopback in one host; 2: TUN wire */
	bool uses_timing;     /* accepts --delay/--offset */
	enum sl_shape expect; /* the shape a run must produce */
	/* other shapes that may appear beside it (bitmask of 1u << shape) */
	unsigned also_ok;
	/* true when the outcome is fixed by the setup (not an experiment) */
	bool deterministic;
	int (*run)(struct sl_scn_ctx *ctx, char *errbuf);
};

/* The catalogue, NULL-terminated; and lookup by name (NULL: unknown). */
const struct sl_scenario *sl_scenario_at(size_t i);
const struct sl_scenario *sl_scenario_find(const char *name);

/*
 * Whether a run with these options has a fixed outcome (gate mode, or an
 * offset well inside the window): used to decide if a missing expected
 * shape is a failure or an outcome of the experiment.
 */
bool sl_scenario_deterministic(const struct sl_scenario *s,
			       const struct sl_scn_opts *o);

/*
 * Runs s once.  Returns 0 (res filled; free it with sl_scn_result_free
 * even on failure), SL_EINTR when *o->stop was set (res still holds what
 * was captured), SL_EPERM/SL_ENV with errbuf when the sandbox could not
 * be built.
 */
int sl_scenario_run(const struct sl_scenario *s, const struct sl_scn_opts *o,
		    struct sl_scn_result *res, char *errbuf);

void sl_scn_result_free(struct sl_scn_result *res);

#endif /* SL_SCENARIO_H */
