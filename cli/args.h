/* \summary: what every synlab command parses alike: output options, counts, durations, an entry's options, usage errors, exit status */
#ifndef SL_ARGS_H
#define SL_ARGS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "outputs.h"
#include "pipeline.h"
#include "stop.h"

/* getopt_long codes of the shared long options (above any char). */
enum {
	SL_OPT_JSON = 256,
	SL_OPT_BRIEF,
	SL_OPT_LADDER,
	SL_OPT_ASCII,
	SL_OPT_UTF8,
	SL_OPT_ANNOTATE,
	SL_OPT_COMBINED,
	SL_OPT_SEL_SHAPE,
	SL_OPT_SEL_FINDINGS,
	SL_OPT_SEL_ID,
	SL_OPT_SEL_ALL,
};

/* The output options every command takes, the report's selection among
 * them, as longopts entries. */
#define SL_ARGS_OUTPUT_LONGOPTS                                                \
	{"json", no_argument, NULL, SL_OPT_JSON},                              \
	    {"brief", no_argument, NULL, SL_OPT_BRIEF},                        \
	    {"ladder", required_argument, NULL, SL_OPT_LADDER},                \
	    {"ascii", no_argument, NULL, SL_OPT_ASCII},                        \
	    {"utf8", no_argument, NULL, SL_OPT_UTF8},                          \
	    {"annotate", required_argument, NULL, SL_OPT_ANNOTATE},            \
	    {"shape", required_argument, NULL, SL_OPT_SEL_SHAPE},              \
	    {"findings", no_argument, NULL, SL_OPT_SEL_FINDINGS},              \
	    {"id", required_argument, NULL, SL_OPT_SEL_ID},                    \
	    {"all", no_argument, NULL, SL_OPT_SEL_ALL},                        \
	{                                                                      \
		"combined", no_argument, NULL, SL_OPT_COMBINED                 \
	}

/* Their usage lines. */
extern const char sl_args_output_usage[];

struct sl_outopts {
	struct sl_outputs v; /* the values (analyze/outputs.h) */
	const char *cmd;     /* message prefix: "synlab run" */
	bool bad;	     /* a bad value (said on stderr): exit 2 */
};

/* Takes option c (with optarg) if it is an output option: true.  A bad
 * value (--shape nothing) is said on stderr and sets o->bad. */
bool sl_args_output(int c, const char *arg, struct sl_outopts *o);

/* A whole number in [min, max]; false (with a message) if not. */
bool sl_args_count(const char *cmd, const char *opt, const char *arg,
		   unsigned long min, unsigned long max, unsigned long *v);

/* A duration (common/timearg.h grammar); false (with a message) if not. */
bool sl_args_duration(const char *cmd, const char *opt, const char *arg,
		      bool allow_negative, int64_t *ns);

/* The exit status of a module's code: 0, 130 stopped, 2 usage, 3 an
 * output or input, 4 the environment. */
int sl_args_exit(int rc);

/* A run's streams (stdout, stderr), the stop flag caught (sl_stop_catch;
 * the caller releases it), a further Ctrl-C held off for the results. */
struct sl_xdrive;
void sl_args_drive(struct sl_xdrive *d, const char *cmd);

/*
 * A value that names nothing: "CMD: unknown WHAT 'word'; did you mean
 * 'x'?" (x the nearest of cands, if one is near) and "see 'SEE'".
 * Returns SL_EXIT_USAGE.
 */
int sl_args_unknown(const char *cmd, const char *what, const char *word,
		    const char *const *cands, size_t n, const char *see);

/*
 * After the line saying what is wrong with a value: the line saying where
 * to look ("see 'CMD --help'").  Returns SL_EXIT_USAGE.
 */
int sl_args_see(const char *cmd);

/*
 * After getopt_long returned '?' (with opterr 0): one line saying what is
 * wrong with the option it stopped at (with "did you mean" for a
 * misspelt long option) and one saying where to look.  Returns
 * SL_EXIT_USAGE.
 */
int sl_args_usage_error(const char *cmd, char *const *argv,
			const struct option *longopts);

/* Parsing the options of a catalogue entry (scenario/catalogue.h). */
#define SL_ARGS_ENTRY_MAXOPTS 64
struct sl_xparam;
struct sl_xopts;

struct sl_args_entry {
	struct option lo[SL_ARGS_ENTRY_MAXOPTS]; /* for getopt_long */
	char shorts[16];
	const struct sl_xparam *params;
	struct sl_outopts *oo;
	struct sl_xopts *xo;
};

/*
 * e's getopt_long table: own (the command's options, first, so they win
 * over a parameter of the same name; ends with a NULL name), the
 * parameters (long ones coded 1000 + their index; "-6" a short option),
 * the output options.  optind is reset.
 */
void sl_args_entry_init(struct sl_args_entry *e, const struct sl_xparam *params,
			const struct option *own, struct sl_outopts *oo,
			struct sl_xopts *xo);

/*
 * The next option that is the command's own (its getopt code), taking
 * the output options (into oo) and the parameters (into xo: common
 * values, sl_xopts_take) on the way; -1 at the end; SL_EXIT_USAGE as a
 * negative (-SL_EXIT_USAGE) after a bad value (said on stderr, cmd as
 * prefix); '?' for an unknown option (sl_args_usage_error).
 */
int sl_args_entry_next(struct sl_args_entry *e, const char *cmd, int argc,
		       char **argv);

#endif /* SL_ARGS_H */
