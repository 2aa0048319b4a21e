/* \summary: a crafted SYN at a real socket in a chosen state: defaults, the run on a lab, the expected answer, its JSON */
#ifndef SL_INJECT_STATES_H
#define SL_INJECT_STATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inject_scenario.h"
#include "json.h"
#include "lab.h"
#include "pipeline.h"

/* One run of the entry: its options, what happened, the verdict. */
struct sl_injstate {
	struct sl_inj_opts o;
	int64_t delay_ns;
	struct sl_lab *lab;	  /* owned */
	struct sl_inj_peer *peer; /* owned */
	struct sl_inj_result r;
	char facts[2048];
	bool ok;       /* the answer the RFCs and the kernel notes expect */
	char why[256]; /* what was seen, and what was wanted */
};

/*
 * The state's defaults: one SYN (three for established, at T, T+100 ms,
 * T+700 ms), offset 1 ms (10 ms after ESTABLISHED) unless have_offset,
 * port 1314, data from the target at syn-sent.
 */
void sl_injstate_defaults(struct sl_inj_opts *o, enum sl_inj_state st,
			  bool have_offset);

/*
 * Builds the lab (family 4 or 6, x->delay_ns), runs x->o, stops the
 * capture, and judges.  0, SL_EINTR (x->o.stop) or SL_E* with errbuf.
 * The lab stays in x (its recorder and events) until sl_injstate_free.
 */
int sl_injstate_run(struct sl_injstate *x, int family, char *errbuf);
void sl_injstate_free(struct sl_injstate *x);

/*
 * The oracle: whether the target answered as RFC 9293 and RFC 5961 say
 * (docs/kernel-notes.md has what Linux does); why gets what was seen
 * against what was wanted.
 */
bool sl_injstate_expected(const struct sl_inj_opts *o,
			  const struct sl_inj_result *r, char *why, size_t len);

/* Lines about TCP_INFO and the target's window, appended to facts. */
void sl_injstate_facts(const struct sl_inj_opts *o,
		       const struct sl_inj_result *r, char *facts, size_t len);

/* Linux's tcpi_state number as a name ("ESTABLISHED"); "?" if unknown. */
const char *sl_tcp_state_name(unsigned s);

/* The JSON "inject" member into j. */
void sl_injstate_json(const struct sl_injstate *x, const char *kernel,
		      struct sl_json *j);

#endif /* SL_INJECT_STATES_H */
