/* \summary: other Linux kernels in small VMs: fetch Debian's cloud kernels, run synlab inside */
#ifndef SL_VM_H
#define SL_VM_H

/*
 * A kernel is fetched once from Debian's archive into the user's cache
 * (XDG_CACHE_HOME or ~/.cache, under synlab/kernels), booted under QEMU
 * (TCG) with an initramfs holding busybox, this synlab binary and its
 * libraries, and the kernel's tun module; inside, each job runs as
 * `synlab ARGS` and its stdout, stderr, exit status and written files come
 * back into a directory.  The work is done by vm/vm.sh, compiled into the
 * binary; it prints what it downloads (and how large) on stderr.
 * docs/kernels.md describes the kernels, the cache and the timings.
 */

#include <stddef.h>

struct sl_vm_kernel {
	char series[32];   /* what the user asked: "5.10", "6.12.95" */
	char dir[1024];	   /* the cache directory of the kernel */
	char release[128]; /* uname -r inside: "5.10.0-46-cloud-amd64" */
	char version[64];  /* Debian package version: "5.10.262-1" */
};

struct sl_vm_job {
	const char *id;		 /* [A-Za-z0-9_-]+: names the outputs */
	const char *const *argv; /* synlab's arguments, NULL-terminated */
};

/*
 * Every kernel series the archive serves, newest package each, as lines
 * "SERIES PACKAGE VERSION" into a malloc'd string (*out, caller frees).
 * Returns 0, SL_ENV (archive unreachable, tool missing; errbuf) or SL_EIO.
 */
int sl_vm_list(char **out, char *errbuf);

/*
 * Fetches (or finds in the cache) the newest cloud kernel of SERIES
 * ("6.1") or exactly VERSION ("6.12.95") and fills k.  Returns 0, SL_ENV
 * (archive unreachable: a clear message was printed), SL_EINVAL (no such
 * kernel) or SL_EIO.
 */
int sl_vm_fetch(const char *series, struct sl_vm_kernel *k, char *errbuf);

/*
 * Boots k with SYNLAB (a path to this program) inside and runs the jobs in
 * order; OUTDIR receives ID.out, ID.err, ID.rc, ID/ (files the job wrote
 * in its working directory), uname-r, uname-v and console.log.  Bounded by
 * a timeout (SYNLAB_VM_TIMEOUT seconds, default 90 + 60 per job).
 * Returns 0 when the VM ran every job (whatever their exit status), SL_ENV
 * (qemu or busybox-static missing, VM failed or timed out), SL_EINTR.
 */
int sl_vm_boot(const struct sl_vm_kernel *k, const char *synlab,
	       const struct sl_vm_job *jobs, size_t njobs, const char *outdir,
	       char *errbuf);

/* This program's own image (/proc/PID/exe), for sl_vm_boot and exec. */
int sl_vm_self(char *path, size_t len, char *errbuf);

/* The cache directory, "$XDG_CACHE_HOME/synlab" or "~/.cache/synlab". */
void sl_vm_cache_dir(char *path, size_t len);

#endif /* SL_VM_H */
