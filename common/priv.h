/* \summary: least privilege for the live subcommands: give up the capabilities they never use */
#ifndef SL_PRIV_H
#define SL_PRIV_H

/*
 * Keeps only the capabilities a live synlab command uses (namespaces and
 * setns: CAP_SYS_ADMIN; interfaces and sysctls in its own namespaces:
 * CAP_NET_ADMIN; capture and injection: CAP_NET_RAW; precise send times:
 * CAP_SYS_NICE; writing the output where the caller asks: CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH; locked capture rings and socket buffers:
 * CAP_IPC_LOCK, CAP_SYS_RESOURCE) and drops every other one from the
 * effective, permitted, inheritable and bounding sets, then sets
 * no_new_privs, so that nothing the process runs can regain them.  Call
 * before any thread is created: capabilities are per thread and new
 * threads inherit them.  Does nothing (returns 0) when the process is not
 * privileged to begin with.  Returns 0 or SL_EPERM with errbuf.
 */
int sl_priv_drop_unused(char *errbuf);

/* How many capabilities are in the effective set now (for reports). */
int sl_priv_count_effective(void);

#endif /* SL_PRIV_H */
