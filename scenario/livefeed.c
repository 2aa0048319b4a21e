/* \summary: what a lab recorded, into a pipeline: one live input per capture, the socket events as comments */
#include "livefeed.h"

#include <string.h>

int
sl_feed_recorder(struct sl_pipeline *p, const struct sl_recorder *rec,
		 const struct sl_events *ev, const struct sl_evref *refs,
		 size_t nrefs, char *errbuf)
{
	unsigned n = sl_recorder_count(rec);
	int first = -1;
	char line[512];

	for (unsigned i = 0; i < n; i++) {
		const struct sl_capture *c = sl_recorder_capture(rec, i);
		int in =
		    sl_pipeline_add_live(p, c->label, sl_capture_file_dlt(c),
					 c->snaplen, c->nsec, errbuf);

		if (in < 0)
			return in;
		if (first < 0)
			first = in;
	}
	/* Each event: a comment on the nearest packet of its host. */
	for (size_t i = 0; ev != NULL && i < sl_events_count(ev); i++) {
		const struct sl_event *e = sl_events_get(ev, i);
		unsigned f = 0;

		for (unsigned k = 0; k < n; k++)
			if (sl_recorder_capture(rec, k)->host == e->host)
				f = k;
		memcpy(line, "synlab event: ", 14);
		sl_event_text(e, refs, nrefs, 0, line + 14, sizeof line - 14);
		if (n > 0)
			sl_pipeline_comment_at(p, first + (int)f, e->ts_ns,
					       line);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct sl_capture *c = sl_recorder_capture(rec, i);

		for (size_t k = 0; k < c->npkts; k++)
			sl_pipeline_feed(p, first + (int)i, c->pkts[k].ts_ns,
					 c->pkts[k].data, c->pkts[k].caplen,
					 c->pkts[k].wirelen);
	}
	return SL_OK;
}
