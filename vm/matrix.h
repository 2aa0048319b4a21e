/* \summary: the cross-kernel matrix: the standard scenarios per kernel, one behaviour per row */
#ifndef SL_MATRIX_H
#define SL_MATRIX_H

/*
 * `synlab kernels` runs one fixed set of jobs (sl_matrix_jobs) on every
 * kernel, each job a `synlab run ... --json` or `synlab sweep ... --json`
 * whose stdout, exit status and capture land in one directory per kernel
 * (ID.out, ID.rc, ID/ID.pcapng).  The matrix reads those directories back
 * and names, per kernel, what happened: rows are behaviours, columns
 * kernels, each cell a short text and the capture that shows it.
 */

#include <stddef.h>
#include <stdio.h>

#include "vm.h"

struct sl_matrix;

/* The standard set, in the order they run. */
const struct sl_vm_job *sl_matrix_jobs(size_t *n);

struct sl_matrix *sl_matrix_new(void);
void sl_matrix_free(struct sl_matrix *m);

/*
 * Adds one kernel column from DIR (the jobs' outputs).  LABEL heads the
 * column ("5.10", "host"); release/version describe it; LINKDIR is DIR as
 * the links should name it (relative to where the HTML is written);
 * SECONDS the wall time of its boot and runs.
 */
void sl_matrix_add(struct sl_matrix *m, const char *label, const char *release,
		   const char *version, const char *dir, const char *linkdir,
		   double seconds);

/* Writers; return 0 or SL_EIO when the stream failed. */
int sl_matrix_write_text(const struct sl_matrix *m, FILE *f);
int sl_matrix_write_json(const struct sl_matrix *m, FILE *f);
int sl_matrix_write_html(const struct sl_matrix *m, FILE *f);

#endif /* SL_MATRIX_H */
