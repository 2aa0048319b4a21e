/* \summary: helpers shared by synlab inject, run inject and sweep (cli-internal) */
#ifndef SL_CMD_INJECT_H
#define SL_CMD_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze.h"
#include "events.h"
#include "recorder.h"

/* "10ms", "-9.5ms", "500us", "2s", "10" (ms) -> ns; false if malformed. */
bool sl_cli_parse_time(const char *s, int64_t *ns);

struct sl_cli_analysis {
	unsigned violations;
	unsigned shapes[SL_SHAPE__COUNT];
	unsigned handshakes;
};

/*
 * Analyzes every capture of rec.  report_fmt: -1 no report, else an
 * enum sl_report_fmt written to stdout (json_key/json_val: an extra JSON
 * member, may be NULL).  out (may be NULL): the annotated pcapng, with ev
 * as packet comments and section_comment.  cb (may be NULL) sees every
 * handshake.  Returns 0 or SL_EIO with errbuf.
 */
int sl_cli_analyze_capture(const struct sl_recorder *rec,
			   const struct sl_events *ev, int report_fmt,
			   bool ascii, const char *out,
			   const char *section_comment, const char *json_key,
			   const char *json_val,
			   void (*cb)(const struct sl_handshake *, void *),
			   void *cbarg, struct sl_cli_analysis *res,
			   char *errbuf);

#endif /* SL_CMD_INJECT_H */
