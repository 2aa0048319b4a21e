/* \summary: the catalogue of experiments: every one synlab can run, its parameters with units, its expected outcome, whether it sweeps */
#ifndef SL_CATALOGUE_H
#define SL_CATALOGUE_H

#include <stddef.h>
#include <stdio.h>

#include "sweep.h"

/* One parameter of an experiment, as an option, with its unit. */
struct sl_xparam {
	const char *option; /* "--delay" */
	const char *unit; /* "duration", "count", ... (docs/time-grammar.md) */
	const char *help;
};

/* How an experiment runs (the engine under it). */
enum sl_xengine {
	SL_X_SANDBOX, /* capture/scenario.c: a fresh sandbox per run */
	SL_X_INJECT,  /* scenario/inject_states.c: a lab and a crafted SYN */
	SL_X_PEER,    /* scenario/peer.c, capture/remote.c: two real hosts */
	SL_X_NAT,     /* scenario/holepunch.c: two hosts behind kernel NATs */
};

struct sl_experiment {
	const char *name;
	const char *summary; /* NULL: the sandbox scenario's */
	enum sl_xengine engine;
	const struct sl_xparam *params; /* ends with {NULL} */
	const char
	    *expect; /* its verdict's outcome; NULL: the scenario's shape */
	/* The timing parameter `synlab sweep` varies; NULL: none. */
	const char *sweep_param;
	enum sl_sweep_kind sweep_kind;
	const char *scenario; /* SL_X_SANDBOX: capture/scenario.c's name */
	const char *state;    /* SL_X_INJECT: the target socket's state */
};

/* The catalogue, NULL past the end; lookup by name (NULL: unknown). */
const struct sl_experiment *sl_experiment_at(size_t i);
const struct sl_experiment *sl_experiment_find(const char *name);

/*
 * Writes one entry: name and summary on a line, then its parameters with
 * units, the expected outcome and the swept parameter, indented.
 */
void sl_experiment_describe(const struct sl_experiment *x, FILE *f);

#endif /* SL_CATALOGUE_H */
