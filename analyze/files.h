/* \summary: synlab analyze's work: capture files through one pipeline, each failure said */
#ifndef SL_FILES_H
#define SL_FILES_H

#include <stdio.h>

#include "pipeline.h"

/*
 * Feeds the files (an input each, named by its path) through p and
 * finishes it, t getting the tally; each file that cannot be read to its
 * end and each output that fails is said on err ("PREFIX: why").
 * Returns 0, or SL_EIO when a file or an output failed.
 */
int sl_pipeline_files(struct sl_pipeline *p, char *const *files, int n,
		      FILE *err, const char *prefix, struct sl_tally *t);

#endif /* SL_FILES_H */
