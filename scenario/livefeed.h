/* \summary: what a lab recorded, into a pipeline: one live input per capture, the socket events as comments */
#ifndef SL_LIVEFEED_H
#define SL_LIVEFEED_H

#include <stddef.h>

#include "events.h"
#include "pipeline.h"
#include "recorder.h"

/*
 * Declares one live input per capture of rec (named by its label,
 * "A:tunA"), puts every event of ev (may be NULL) as "synlab event: ..."
 * on the frame of its host's capture nearest in time (refs: reference
 * instants for the text, may be NULL), and feeds every packet.  Returns 0
 * or a negative SL_E* code with errbuf.
 */
int sl_feed_recorder(struct sl_pipeline *p, const struct sl_recorder *rec,
		     const struct sl_events *ev, const struct sl_evref *refs,
		     size_t nrefs, char *errbuf);

#endif /* SL_LIVEFEED_H */
