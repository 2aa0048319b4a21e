/* \summary: hosts as network namespaces held only by this process's fds */
#ifndef SL_SANDBOX_H
#define SL_SANDBOX_H

/*
 * A sandbox is a set of hosts, each a network namespace made by this process
 * with unshare(CLONE_NEWNET) and held only by an open file descriptor (never
 * a name in /run/netns).  When the process exits, whatever killed it (even
 * kill -9), the descriptors close, the namespaces lose their last reference
 * and the kernel removes them with every device, address, route and socket
 * inside.  The caller's own namespace, interfaces and firewall are never
 * touched: every change is made by a thread that has entered a host with
 * setns() and leaves it again before returning.
 */

#include <stdbool.h>

#include "common.h"

#define SL_SANDBOX_MAXHOSTS 4

struct sl_sandbox;

/*
 * Makes nhosts (1..SL_SANDBOX_MAXHOSTS) fresh namespaces, each with lo up
 * (127.0.0.1 and ::1).  ipv6: leave IPv6 on; when false, IPv6 is disabled
 * in the hosts so that no router solicitation or MLD report appears on a
 * wire.  Returns NULL and fills errbuf on failure (SL_EPERM-like causes say
 * "not permitted").  Free with sl_sandbox_free.
 */
struct sl_sandbox *sl_sandbox_new(unsigned nhosts, bool ipv6, char *errbuf);

unsigned sl_sandbox_nhosts(const struct sl_sandbox *sb);

/*
 * The fd that holds host's namespace (for setns(2) or an API that takes
 * a namespace fd), -1 for no such host; owned by the sandbox.
 */
int sl_sandbox_ns_fd(const struct sl_sandbox *sb, unsigned host);

/* 'A', 'B', ... */
char sl_sandbox_host_name(unsigned host);

/*
 * Moves the calling thread into host's namespace.  Pair with
 * sl_sandbox_leave on the same thread.  Returns 0 or SL_ENV.
 */
int sl_sandbox_enter(struct sl_sandbox *sb, unsigned host);

/*
 * Returns the calling thread to the namespace it was in when the sandbox
 * was made.  A failure here would leave the thread inside a sandbox host,
 * so it aborts the process instead of returning.
 */
void sl_sandbox_leave(struct sl_sandbox *sb);

/*
 * socket(2) inside host's namespace (the socket stays bound to it).
 * Returns the fd or -1 with errno set.
 */
int sl_sandbox_socket(struct sl_sandbox *sb, unsigned host, int domain,
		      int type, int protocol);

/*
 * Writes value to /proc/sys/<key> (e.g. "net/ipv4/ip_local_port_range")
 * inside host's namespace, after checking that the thread really is in
 * that namespace, so a mistake can never change the caller's settings.
 * Only net/ keys are accepted.  Returns 0 or SL_EINVAL/SL_ENV with errbuf.
 */
int sl_sandbox_sysctl(struct sl_sandbox *sb, unsigned host, const char *key,
		      const char *value, char *errbuf);

/* Closes every namespace fd; the kernel then removes the hosts. */
void sl_sandbox_free(struct sl_sandbox *sb);

/*
 * Whether this process can build a sandbox: 0 when it has CAP_SYS_ADMIN
 * and CAP_NET_ADMIN and CAP_NET_RAW, SL_EPERM otherwise (errbuf names the
 * missing capability), SL_ENV when namespaces or /dev/net/tun are missing.
 */
int sl_sandbox_check(bool need_tun, char *errbuf);

/* sl_sockaddr_str, for the callers of the sandbox. */
#include "netaddr.h"

#endif /* SL_SANDBOX_H */
