/* \summary: one run or one sweep of a catalogue entry, from its prepared run to the verdict, through one pipeline */
#include "drive.h"

#include <string.h>

#include "common.h"

/* The pipeline of cfg, or NULL with the output that fails said. */
static struct sl_pipeline *
pipeline(const struct sl_pipeline_cfg *cfg, const char *plot,
	 const struct sl_xdrive *d)
{
	char errbuf[SL_ERRBUF_SIZE] = "";
	struct sl_pipeline *p = sl_pipeline_new(cfg, errbuf);

	if (p != NULL && plot != NULL &&
	    sl_pipeline_check_output(plot, errbuf) != SL_OK) {
		sl_pipeline_free(p);
		p = NULL;
	}
	if (p == NULL)
		fprintf(d->err, "%s: %s\n", d->cmd, errbuf);
	return p;
}

int
sl_xrun_drive(struct sl_xrun *r, const struct sl_outputs *o,
	      const struct sl_xdrive *d, bool *met)
{
	struct sl_pipeline_cfg pc;
	struct sl_pipeline *p;
	struct sl_tally t;
	char errbuf[SL_ERRBUF_SIZE] = "";
	FILE *text = o->json ? NULL : d->out;
	int rc;

	*met = false;
	/* Outputs before the work: a bad path costs nothing. */
	sl_outputs_cfg(o, d->out_tty, &pc);
	if ((p = pipeline(&pc, NULL, d)) == NULL)
		return SL_EIO;
	r->o.stop = d->stop;
	r->o.progress = o->json ? NULL : d->err;
	if ((rc = r->ops->run(r, errbuf)) == SL_EINTR && d->on_stop)
		d->on_stop();
	if (rc != SL_OK)
		fprintf(d->err, "%s: %s\n", d->cmd, errbuf);
	if ((rc == SL_OK || rc == SL_EINTR) && r->have_report) {
		if (r->ops->report(r, p, text != NULL, &t, errbuf) != SL_OK) {
			fprintf(d->err, "%s: %s\n", d->cmd, errbuf);
			rc = rc == SL_EINTR ? SL_EINTR : SL_EIO;
		} else {
			if (text)
				fputc('\n', text);
			*met = r->ops->verdict(r, &t, text);
			if (text)
				sl_outputs_say_written(p, text);
		}
	}
	sl_pipeline_free(p);
	return rc;
}

/* '-' as the path of an output: it writes on standard output. */
static bool
is_stdout(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0;
}

int
sl_xrun_drive_sweep(struct sl_xrun *r, struct sl_xsweep *s,
		    const struct sl_outputs *o, const struct sl_xdrive *d)
{
	struct sl_pipeline_cfg pc;
	struct sl_pipeline *p;
	char errbuf[SL_ERRBUF_SIZE] = "";
	int rc;

	/* Outputs first: a sweep takes minutes, a bad path should not. */
	sl_outputs_cfg(o, d->out_tty, &pc);
	pc.report = o->brief || sl_outputs_selects(o);
	pc.annotate_per_input = false;
	if ((p = pipeline(&pc, s->plot, d)) == NULL)
		return SL_EIO;
	s->json = o->json;
	s->out = is_stdout(o->annotate) || is_stdout(s->plot) ? d->err : d->out;
	s->progress = d->err_tty ? d->err : NULL;
	s->on_stop = d->on_stop;
	r->o.stop = d->stop;
	if ((rc = r->ops->sweep(r, s, p, errbuf)) != SL_OK)
		fprintf(d->err, "%s: %s\n", d->cmd, errbuf);
	else if (!o->json)
		sl_outputs_say_written(p, s->out);
	sl_pipeline_free(p);
	return rc;
}
