/* \summary: the output options every command takes, by name, and the pipeline configuration they make */
#include "outputs.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

void
sl_outputs_init(struct sl_outputs *o)
{
	memset(o, 0, sizeof *o);
	o->ascii = -1;
}

/* --shape NAME: one more shape selected; 0 or SL_EINVAL with errbuf. */
static int
take_shape(struct sl_report_sel *sel, const char *arg, char *errbuf)
{
	const char *names[SL_SHAPE__COUNT];

	for (int k = 0; k < SL_SHAPE__COUNT; k++) {
		names[k] = sl_shape_name((enum sl_shape)k);
		if (strcmp(arg, names[k]) == 0) {
			sel->shapes |= 1u << k;
			return SL_OK;
		}
	}
	sl_unknown_word("shape", arg, names, SL_SHAPE__COUNT, errbuf);
	return SL_EINVAL;
}

/* --id N: a handshake number, 1 .. 2^32-1; 0 or SL_EINVAL with errbuf. */
static int
take_id(struct sl_report_sel *sel, const char *arg, char *errbuf)
{
	unsigned long ul;
	char *end;

	ul = strtoul(arg, &end, 10);
	if (*end != '\0' || ul == 0 || ul > 0xffffffffUL || arg[0] == '-' ||
	    arg[0] == '\0') {
		sl_errbuf_set(errbuf,
			      "--id wants a handshake number (1, 2, ...), not "
			      "'%s'",
			      arg);
		return SL_EINVAL;
	}
	sel->id = (unsigned)ul;
	return SL_OK;
}

int
sl_outputs_take(struct sl_outputs *o, const char *name, const char *arg,
		char *errbuf)
{
	int rc = SL_OK;

	if (strcmp(name, "shape") == 0)
		rc = take_shape(&o->sel, arg, errbuf);
	else if (strcmp(name, "id") == 0)
		rc = take_id(&o->sel, arg, errbuf);
	else if (strcmp(name, "findings") == 0)
		o->sel.findings = true;
	else if (strcmp(name, "all") == 0)
		o->sel.all = true;
	else if (strcmp(name, "json") == 0)
		o->json = true;
	else if (strcmp(name, "brief") == 0)
		o->brief = true;
	else if (strcmp(name, "ladder") == 0)
		o->ladder = arg;
	else if (strcmp(name, "ascii") == 0)
		o->ascii = 1;
	else if (strcmp(name, "utf8") == 0)
		o->ascii = 0;
	else if (strcmp(name, "combined") == 0)
		o->combined = true;
	else if (strcmp(name, "annotate") == 0)
		o->annotate = arg;
	else
		return 0;
	return rc == SL_OK ? 1 : rc;
}

bool
sl_outputs_selects(const struct sl_outputs *o)
{
	return o->sel.shapes || o->sel.findings || o->sel.id;
}

void
sl_outputs_cfg(const struct sl_outputs *o, bool tty,
	       struct sl_pipeline_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->report = true;
	cfg->fmt = o->json    ? SL_REPORT_JSON
		   : o->brief ? SL_REPORT_BRIEF
			      : SL_REPORT_TEXT;
	cfg->ascii = o->ascii < 0 ? !tty : o->ascii;
	cfg->annotate_path = o->annotate;
	cfg->annotate_per_input = !o->combined;
	cfg->ladder_path = o->ladder;
	cfg->sel = o->sel;
	cfg->progress = stderr; /* shown only if a terminal */
}

void
sl_outputs_say_written(const struct sl_pipeline *p, FILE *f)
{
	const char *w;

	for (size_t k = 0; (w = sl_pipeline_written(p, k)) != NULL; k++)
		if (strcmp(w, "-") != 0)
			fprintf(f, "annotated capture: %s\n", w);
}

void
sl_problem_log(const char *msg, void *arg)
{
	struct sl_problem_log *l = arg;

	if (l->seen < SL_PROBLEMS_SHOWN)
		fprintf(l->f, "%s: %s\n", l->prefix, msg);
	else if (l->seen == SL_PROBLEMS_SHOWN)
		fprintf(l->f,
			"%s: (further input problems are only counted "
			"in the report)\n",
			l->prefix);
	l->seen++;
}
