/* \summary: the catalogue of experiments: every one synlab can run, its parameters with units, its run, verdict and JSON */
#ifndef SL_CATALOGUE_H
#define SL_CATALOGUE_H

/*
 * One entry type for every experiment.  An entry names its parameters
 * (the options `synlab run NAME` takes, with their units), its expected
 * outcome, and its engine: the functions that run it on a lab, report
 * it, give the verdict and write the JSON of its own results.  cli/
 * parses the options an entry declares into struct sl_xopts and calls
 * those functions; it knows no entry by name (docs/architecture.md).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "pipeline.h"
#include "sweep.h"

/* One parameter of an experiment, as an option, with its unit. */
struct sl_xparam {
	const char *option; /* "--delay", "-6" */
	const char
	    *unit; /* "duration", "count", "flag" (takes no value), ... */
	const char *help; /* NULL: hidden (for the tests), not listed */
};

#define SL_XGIVEN_MAX 64

/* The values of every parameter any entry takes (sl_xopts_init's
 * defaults); an entry reads those it declares. */
struct sl_xopts {
	int family;		  /* -6: 6, else 4 */
	unsigned long count;	  /* --count: runs */
	int64_t delay_ns;	  /* --delay: one-way delay of the wire */
	bool has_offset;	  /* --offset given */
	int64_t offset_ns;	  /* --offset */
	unsigned inj_opts;	  /* --options: the crafted SYN's (SL_OPT_*) */
	bool inj_peer;		  /* --peer (a flag): the injector refuses */
	const char *peer;	  /* --peer HOST[:PORT]: the other host */
	const char *port;	  /* --port */
	const char *at;		  /* --at INSTANT */
	const char *ifname;	  /* --interface */
	const char *netns;	  /* --netns (hidden): enter this namespace */
	unsigned attempts;	  /* --attempts; 0: 1 */
	int64_t interval_ns;	  /* --interval; 0: 1 s */
	volatile const int *stop; /* set by a signal: abandon the run */
	FILE *progress;		  /* one line per run when several; NULL */
	/* Every option as given, in order (an entry's own parameters are
	 * read from here by its engine's prepare). */
	struct sl_xgiven {
		const struct sl_xparam *p;
		const char *arg; /* NULL: a flag */
	} given[SL_XGIVEN_MAX];
	size_t ngiven;
};

struct sl_experiment;

/* `synlab sweep NAME`: the entry's timing parameter across a range. */
struct sl_xsweep {
	bool has_range;		/* --offset FROM:TO:STEP given */
	int64_t from, to, step; /* the range (else the entry's default) */
	unsigned count;		/* runs a point; 0: 1 */
	bool refine;		/* bisect the window's edges after the grid */
	bool json;		/* the sweep's JSON document, not the table */
	const char *plot;	/* an SVG of the outcomes; NULL: none */
	FILE *out;		/* the table or the JSON */
	FILE *progress;		/* a progress line after every run; NULL */
	void (*on_stop)(void);	/* the stop was seen, the report is next */
};

/* One run of an entry (all its repetitions); each engine extends it. */
struct sl_xrun {
	const struct sl_experiment *x;
	const struct sl_xops *ops; /* its engine: x's, or the mode o chose */
	struct sl_xopts o;
	bool have_report; /* something to report, also after an interrupt */
	char kernel[65];  /* uname's release, for the reports */
};

/* An engine: what every entry it runs does.  Each returns 0 or SL_E*
 * with errbuf unless it says otherwise. */
struct sl_xops {
	/*
	 * Checks o against the entry (what goes together, what is required)
	 * and makes the run (never NULL on 0); SL_EINVAL is a usage error.
	 */
	int (*prepare)(const struct sl_experiment *x, const struct sl_xopts *o,
		       struct sl_xrun **r, char *errbuf);
	/*
	 * Runs it on a lab: privileges first (SL_EPERM, SL_ENV: nothing
	 * built), then the work.  SL_EINTR when o.stop was seen (errbuf
	 * says how far it got; r->have_report if there is something to
	 * report), SL_EINVAL a usage error, SL_EIO an output.
	 */
	int (*run)(struct sl_xrun *r, char *errbuf);
	/*
	 * The report through p: the heading on p's stream when text, the
	 * JSON members (the entry's own: json), the section comment, the
	 * captures with the socket events as frame comments; finishes p, t
	 * gets the tally.  SL_EIO: an output failed.
	 */
	int (*report)(struct sl_xrun *r, struct sl_pipeline *p, bool text,
		      struct sl_tally *t, char *errbuf);
	/*
	 * The verdict on what was reported (t): true when the expected
	 * outcome came (an experiment whose outcome is a result: true) and
	 * no run saw a violation; its lines to text (may be NULL).
	 */
	bool (*verdict)(const struct sl_xrun *r, const struct sl_tally *t,
			FILE *text);
	/* The JSON of its own results, one value, into j. */
	void (*json)(const struct sl_xrun *r, const struct sl_tally *t,
		     struct sl_json *j);
	/* Frees what the run owns (not r itself: sl_xrun_free); may be
	 * NULL. */
	void (*release)(struct sl_xrun *r);
	/*
	 * The sweep of the entry's sweep_param (NULL: it has none), in place
	 * of run and report: privileges first, then every point; the
	 * captures through p (which it finishes, if it captures), the table
	 * or JSON to s->out, the plot.  SL_EINTR: stopped, what was done is
	 * reported; SL_EIO: an output failed.
	 */
	int (*sweep)(struct sl_xrun *r, const struct sl_xsweep *s,
		     struct sl_pipeline *p, char *errbuf);
};

struct sl_experiment {
	const char *name;
	const char *summary; /* NULL: the sandbox scenario's */
	const struct sl_xops *ops;
	const struct sl_xparam *params; /* ends with {NULL} */
	const char
	    *expect; /* its verdict's outcome; NULL: the scenario's shape */
	/* The timing parameter `synlab sweep` varies; NULL: none. */
	const char *sweep_param;
	enum sl_sweep_kind sweep_kind;
	const char *scenario; /* capture/scenario.c's name, if it has one */
	const char *state;    /* inject entries: the target socket's state */
};

/* The engine of prefix P: its functions are P_prepare, P_run, P_report,
 * P_verdict, P_json and P_release; SWEEP its sweep (may be NULL). */
#define SL_XOPS(P, SWEEP)                                                      \
	{                                                                      \
		.prepare = P##_prepare, .run = P##_run, .report = P##_report,  \
		.verdict = P##_verdict, .json = P##_json,                      \
		.release = P##_release, .sweep = SWEEP                         \
	}

/* The engines (scenario/runs.c, inject_states.c, peer.c, holepunch.c). */
extern const struct sl_xops sl_xops_sandbox, sl_xops_inject, sl_xops_peer,
    sl_xops_holepunch;

/* The catalogue, NULL past the end; lookup by name (NULL: unknown). */
const struct sl_experiment *sl_experiment_at(size_t i);
const struct sl_experiment *sl_experiment_find(const char *name);

/* Whether `synlab sweep` can run x: a timing parameter and a sweep. */
bool sl_experiment_sweeps(const struct sl_experiment *x);

/* The names of the entries (only those that sweep, if sweeps), in
 * catalogue order, at most max; returns how many. */
size_t sl_experiment_names(const char **names, size_t max, bool sweeps);

/*
 * The entry that injects into a socket in state ("syn-sent": the entry
 * inject-syn-sent), NULL if none; every state an entry has goes into
 * states (at most max, *n of them), for "did you mean".
 */
const struct sl_experiment *sl_experiment_of_state(const char *state,
						   const char **states,
						   size_t max, size_t *n);

/*
 * The entry called name; NULL if none, errbuf then saying "unknown
 * experiment 'x'" with the nearest name ("; did you mean 'y'?").  With
 * sweeps, only an entry `synlab sweep` can run ("inject" names
 * inject-syn-sent): for another entry, or a name near none of those,
 * errbuf says "'x' has no timing parameter to sweep" and lists those that
 * have, an indented line each.
 */
const struct sl_experiment *sl_experiment_lookup(const char *name, bool sweeps,
						 char *errbuf);

/*
 * The alias `inject --state S ...` (argv[1] "inject") of `inject-S ...`:
 * argv rewritten in place, --state S (or --state=S) taken out, *argc
 * less, argv[1] the entry's name; returns 1.  0 when argv has no --state
 * (errbuf: "which --state? bound, ... or established ..."), -1 when no
 * entry injects in state S (errbuf: "unknown state 'x'; did you mean
 * 'y'?"); argv is then unchanged.
 */
int sl_experiment_unalias(int *argc, char **argv, char *errbuf);

/*
 * Writes one entry: name and summary on a line, then its parameters with
 * units, the expected outcome and the swept parameter, indented.
 */
void sl_experiment_describe(const struct sl_experiment *x, FILE *f);

/* The defaults: IPv4, one run, every option in a crafted SYN. */
void sl_xopts_init(struct sl_xopts *o);

/*
 * Takes parameter p of an entry with its value (arg; NULL for a flag)
 * into o: into o->given, and into its field when it is one every engine
 * knows (--count, --delay, ...; by option and unit).  0 or SL_EINVAL with
 * errbuf naming the option ("--count wants a whole number 1..1000000,
 * not 'x'").
 */
int sl_xopts_take(struct sl_xopts *o, const struct sl_xparam *p,
		  const char *arg, char *errbuf);

/* Whether option opt ("--delay") was given. */
bool sl_xopts_has(const struct sl_xopts *o, const char *opt);

/* The base of a new run of x on engine ops (the engine's struct is size
 * bytes, the base first): o copied, the kernel's release read. */
struct sl_xrun *sl_xrun_alloc(const struct sl_experiment *x,
			      const struct sl_xops *ops,
			      const struct sl_xopts *o, size_t size);

/*
 * x's run made by its engine's prepare from o (the usage errors: SL_EINVAL
 * with errbuf); for a sweep (sweep true) the engine o chose must sweep
 * (--peer does not).  *r is NULL unless 0 is returned.
 */
int sl_experiment_prepare(const struct sl_experiment *x,
			  const struct sl_xopts *o, bool sweep,
			  struct sl_xrun **r, char *errbuf);

/* Frees r (its engine's release first); r may be NULL. */
void sl_xrun_free(struct sl_xrun *r);

/* The run's own JSON (r->ops->json) as text (malloc'd). */
char *sl_xrun_json(const struct sl_xrun *r, const struct sl_tally *t);

/*
 * The JSON members of a run's report: its own (ops->json, given t) under
 * key, and the socket events under "events" (ev may be NULL: none).
 */
struct sl_events;
void sl_xrun_add_members(const struct sl_xrun *r, struct sl_pipeline *p,
			 const char *key, const struct sl_tally *t,
			 const struct sl_events *ev);

/* A member "facts": each line of facts as a string. */
void sl_xjson_facts(struct sl_json *j, const char *facts);

/* One capture's counters as a JSON object: interface, packets,
 * pcap_stats, nanosecond resolution. */
void sl_xjson_capture(struct sl_json *j, const char *label, size_t npkts,
		      unsigned recv, unsigned drop, bool nsec);

#endif /* SL_CATALOGUE_H */
