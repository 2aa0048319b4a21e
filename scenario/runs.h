/* \summary: the sandbox scenarios run N times: each run judged, the run to report kept, the verdict and its JSON */
#ifndef SL_RUNS_H
#define SL_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "events.h"
#include "json.h"
#include "pipeline.h"
#include "scenario.h"

struct sl_runs {
	const struct sl_scenario *s; /* borrowed (the catalogue) */
	struct sl_scn_opts o;
	unsigned runs, ok;
	unsigned shape_runs[SL_SHAPE__COUNT]; /* runs that showed the shape */
	bool any_violation;
	struct sl_scn_result keep; /* the run to report; owned */
	bool have_keep, keep_matched;
};

/*
 * The expected shape: every capture shows at least one handshake of the
 * scenario's shape, and no handshake of a shape it does not allow.
 */
bool sl_runs_matched(const struct sl_scenario *s, const struct sl_tally *t);

/* Analyzes one run's captures into t (no output).  0 or SL_E* + errbuf. */
int sl_runs_tally(const struct sl_scn_result *res, struct sl_tally *t,
		  char *errbuf);

/*
 * Counts one run judged by t and keeps it (res is taken) when it is the
 * first that missed, else the last.  Returns whether it matched.
 */
bool sl_runs_add(struct sl_runs *rs, struct sl_scn_result *res,
		 const struct sl_tally *t);

/* Keeps an interrupted run's captures to report (res is taken). */
void sl_runs_keep_interrupted(struct sl_runs *rs, struct sl_scn_result *res);

/* The verdict: every run matched, or the scenario is an experiment. */
bool sl_runs_verdict_ok(const struct sl_runs *rs);

/* References for the event text: when each host's first SYN left. */
size_t sl_runs_refs(const struct sl_scn_result *res, struct sl_evref *refs);

/* The JSON "scenario" member of the kept run into j. */
void sl_runs_json(const struct sl_runs *rs, const char *kernel,
		  struct sl_json *j);

/* The last lines of the text report: how many runs matched, to f. */
void sl_runs_summary(const struct sl_runs *rs, FILE *f);

void sl_runs_free(struct sl_runs *rs);

#endif /* SL_RUNS_H */
