/* \summary: one run or one sweep of a catalogue entry, from its prepared run to the verdict, through one pipeline */
#ifndef SL_DRIVE_H
#define SL_DRIVE_H

/*
 * The loop every entry runs through (`synlab run NAME`, `synlab sweep
 * NAME`): the outputs checked before the work, the engine's run (or
 * sweep), the report through the pipeline, the verdict.  cli/ parses the
 * options, prepares the run (struct sl_xops' prepare: its usage errors)
 * and turns the code returned into an exit status.
 */

#include <stdbool.h>
#include <stdio.h>

#include "catalogue.h"
#include "outputs.h"

/* Where a run tells what it does, given by the command. */
struct sl_xdrive {
	const char *cmd; /* prefix of the messages: "synlab run" */
	FILE *out;	 /* the text: verdict lines, files written */
	FILE *err;	 /* the messages and the progress lines */
	bool out_tty;	 /* out is a terminal (ladder characters) */
	bool err_tty;	 /* err is a terminal (the sweep's progress line) */
	volatile const int *stop; /* the stop flag (common/stop.h) */
	void (*on_stop)(void);	  /* the stop was seen; the results come next */
};

/*
 * Runs r (made by its entry's prepare) and reports it through one
 * pipeline of the outputs o: a bad output path stops it before the work
 * (SL_EIO).  A run stopped by d->stop (SL_EINTR) or one that failed with
 * something to report is reported all the same.  Returns the run's code
 * (0, SL_EINTR, SL_EINVAL, SL_EPERM, SL_ENV, ...), or SL_EIO when an
 * output failed; each failure said on d->err.  *met: the verdict (the
 * expected outcome came and no violation), false when nothing was
 * reported.
 */
int sl_xrun_drive(struct sl_xrun *r, const struct sl_outputs *o,
		  const struct sl_xdrive *d, bool *met);

/*
 * Sweeps r (its engine has a sweep) over s, with the outputs o: the
 * sweep's table (or JSON document) is the report, --brief or a selection
 * adds the handshakes; one annotated capture of the whole sweep.  The
 * table goes to d->out, or to d->err when an output is '-'.  Returns as
 * sl_xrun_drive does.
 */
int sl_xrun_drive_sweep(struct sl_xrun *r, struct sl_xsweep *s,
			const struct sl_outputs *o, const struct sl_xdrive *d);

#endif /* SL_DRIVE_H */
