/* \summary: the output options every command takes, by name, and the pipeline configuration they make */
#ifndef SL_OUTPUTS_H
#define SL_OUTPUTS_H

/*
 * Every command (analyze, run, sweep) takes the same output options; cli/
 * maps its getopt codes to their names and gives them here, so what an
 * option means is said once, next to the pipeline it configures.
 */

#include <stdbool.h>
#include <stdio.h>

#include "pipeline.h"

struct sl_outputs {
	bool json, brief, combined;
	int ascii;	      /* -1: ASCII unless the report is a terminal */
	const char *annotate; /* --annotate (-o) OUT.pcapng; "-": stdout */
	const char *ladder;   /* --ladder OUT.svg; "-": stdout */
	struct sl_report_sel sel; /* --shape, --findings, --id, --all */
};

/* The defaults: text report, ASCII unless a terminal, no file. */
void sl_outputs_init(struct sl_outputs *o);

/*
 * Output option name (without its dashes: "json", "shape", "annotate")
 * with its value arg (NULL for a flag) into o.  Returns 1 when taken, 0
 * when name is no output option, SL_EINVAL for a bad value with errbuf
 * saying why ("unknown shape 'x'; did you mean 'y'?").
 */
int sl_outputs_take(struct sl_outputs *o, const char *name, const char *arg,
		    char *errbuf);

/* Whether o narrows the report to some handshakes (--shape, --findings,
 * --id). */
bool sl_outputs_selects(const struct sl_outputs *o);

/*
 * The pipeline configuration o makes (report on, one annotated pcapng per
 * input unless --combined, progress on stderr); tty: the report's stream
 * is a terminal (then, unless told, ladders use UTF-8).
 */
void sl_outputs_cfg(const struct sl_outputs *o, bool tty,
		    struct sl_pipeline_cfg *cfg);

/* "annotated capture: PATH" on f for each file p wrote (not '-'). */
void sl_outputs_say_written(const struct sl_pipeline *p, FILE *f);

/*
 * The input problems a command shows as they come (the report counts them
 * all): the first 20 on f, each "PREFIX: problem", then one line saying
 * the rest are only counted.  An on_problem of struct sl_pipeline_cfg,
 * its arg a struct sl_problem_log.
 */
#define SL_PROBLEMS_SHOWN 20
struct sl_problem_log {
	FILE *f;
	const char *prefix; /* "synlab" */
	unsigned seen;
};
void sl_problem_log(const char *msg, void *arg);

#endif /* SL_OUTPUTS_H */
