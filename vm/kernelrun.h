/* \summary: synlab on other kernels: one run in a VM, and the matrix run over kernels */
#ifndef SL_KERNELRUN_H
#define SL_KERNELRUN_H

/*
 * The experiments behind `synlab run --kernel` and `synlab kernels`; the
 * command line (options, usage, exit status) stays in cli/.  Both print
 * their progress on stderr, as sl_vm_boot does.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "matrix.h"
#include "vm.h"

#define SL_VM_RUN_MAXARGS 128
#define SL_VM_RUN_MAXOUT  8

/*
 * One `synlab run ARGS` inside a VM.  Every output file (-o, --ladder,
 * --plot, --annotate) is written in the VM's working directory under its
 * base name and copied to the path asked for; files written under a
 * default name land in the current directory.
 */
struct sl_vm_run {
	const char *version;		   /* --kernel's value */
	char *args[SL_VM_RUN_MAXARGS + 1]; /* ARGS as run inside */
	const char *dst[SL_VM_RUN_MAXOUT]; /* output paths asked for */
	char names[SL_VM_RUN_MAXOUT][256]; /* their names inside */
	size_t nargs, nmap;
	bool added_delay; /* simultaneous-open got --delay 20ms */
	struct sl_vm_kernel k;
	char dir[32];	/* the VM's outputs, a temporary directory */
	double seconds; /* boot and run */
};

/*
 * Fills r from `synlab run` ARGV with --kernel (or --kernel=V) at
 * argv[at].  Returns 0 or SL_EINVAL (a use --kernel does not support; the
 * message in errbuf).
 */
int sl_vm_run_args(struct sl_vm_run *r, int argc, char **argv, int at,
		   char *errbuf);

/*
 * Fetches r's kernel, boots it and runs r->args inside.  Returns 0,
 * SL_EINVAL (no such kernel), SL_EINTR or another error; errbuf then says
 * what failed ("--kernel 5.10: ..." or the directory).  After a failed
 * boot r->dir stays: it holds the VM's console log.
 */
int sl_vm_run_boot(struct sl_vm_run *r, char *errbuf);

/*
 * After sl_vm_run_boot: prints the run's stdout and stderr (the report
 * naming each output by the path asked for), copies the files it wrote
 * out and removes r->dir.  *status: the run's exit status, -1 if it left
 * none.  Returns 0, or SL_EIO when a file could not be copied (the first
 * such in errbuf).
 */
int sl_vm_run_collect(struct sl_vm_run *r, int *status, char *errbuf);

/*
 * The whole `synlab run ARGS --kernel V` once sl_vm_run_args made r:
 * boot, run, collect, saying on log what it adds (simultaneous-open's
 * --delay) and the kernel it booted.  Returns sl_vm_run_boot's error
 * (*status -1: nothing ran), or sl_vm_run_collect's code with *status
 * the run's exit status (SL_EXIT_ENV when it left none).
 */
int sl_vm_run_in_vm(struct sl_vm_run *r, FILE *log, int *status, char *errbuf);

/*
 * The series the archive serves (sl_vm_list's lines "SERIES PACKAGE
 * VERSION", cut up in place) as a table on f; lines of another shape
 * are skipped.
 */
void sl_vm_list_write(char *list, FILE *f);

/* The kernels `synlab kernels` runs by default: the LTS series Debian
 * ships and the newest.  Returns 0 or sl_vm_list's error. */
int sl_vm_default_versions(char vers[][32], size_t max, size_t *n,
			   char *errbuf);

/*
 * The results directory: DIR, or the cache's synlab/results when DIR is
 * NULL, created if missing.  Returns 0 or -1.
 */
int sl_vm_results_dir(const char *dir, char *base, size_t len);

/*
 * Runs sl_matrix_jobs on each kernel of VERS (and on this machine's kernel
 * when HOST and root), each into BASE/RELEASE, and returns the matrix in
 * *out (caller frees).  Returns 0, or an error with errbuf naming the
 * kernel (empty when interrupted); *out is then NULL.
 */
int sl_vm_matrix_run(char vers[][32], size_t nv, bool host, const char *base,
		     struct sl_matrix **out, char *errbuf);

/* Writes BASE/matrix.json, .txt and .html, and HTML if not NULL.  Returns
 * 0 or SL_EIO. */
int sl_vm_matrix_save(const struct sl_matrix *m, const char *base,
		      const char *html);

/* What `synlab kernels` is told. */
struct sl_vm_kernels {
	char vers[24][32]; /* the kernels; none: sl_vm_default_versions */
	size_t nv;
	bool host;	  /* also this machine's kernel (as root) */
	bool json;	  /* the matrix as JSON, not text */
	const char *dir;  /* results; NULL: the cache's */
	const char *html; /* also the matrix as HTML here; NULL: none */
};

/*
 * The matrix over k's kernels (sl_vm_matrix_run), written on out, saved
 * into the results directory (sl_vm_matrix_save), then on log the time
 * it took and where the results are.  Returns 0; SL_EIO when the results
 * directory or a matrix file cannot be written (the matrix is on out if
 * it was made); else SL_EINVAL (no such kernel), SL_EINTR (errbuf
 * empty) or SL_ENV (the archive, qemu, ...), errbuf saying which.
 */
int sl_vm_kernels_run(const struct sl_vm_kernels *k, FILE *out, FILE *log,
		      char *errbuf);

/* Seconds on the monotonic clock, for the timings printed. */
double sl_vm_now_s(void);

#endif /* SL_KERNELRUN_H */
