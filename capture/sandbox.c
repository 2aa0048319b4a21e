/* \summary: network namespaces made with unshare(CLONE_NEWNET), held by fds only */
#define _GNU_SOURCE /* setns, unshare, CLONE_NEWNET */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

struct sl_sandbox {
	unsigned nhosts;
	int home_fd;			/* the namespace we came from */
	int ns_fd[SL_SANDBOX_MAXHOSTS]; /* the only references to the hosts */
};

char
sl_sandbox_host_name(unsigned host)
{
	return (char)('A' + host);
}

int
sl_sandbox_ns_fd(const struct sl_sandbox *sb, unsigned host)
{
	return host < sb->nhosts ? sb->ns_fd[host] : -1;
}

unsigned
sl_sandbox_nhosts(const struct sl_sandbox *sb)
{
	return sb->nhosts;
}

void
sl_sandbox_leave(struct sl_sandbox *sb)
{
	if (setns(sb->home_fd, CLONE_NEWNET) != 0) {
		/* Never run on inside a sandbox host believing we are home. */
		perror("synlab: setns back to the caller's namespace");
		abort();
	}
}

int
sl_sandbox_enter(struct sl_sandbox *sb, unsigned host)
{
	if (host >= sb->nhosts)
		return SL_EINVAL;
	if (setns(sb->ns_fd[host], CLONE_NEWNET) != 0)
		return SL_ENV;
	return SL_OK;
}

int
sl_sandbox_socket(struct sl_sandbox *sb, unsigned host, int domain, int type,
		  int protocol)
{
	int fd, saved;

	if (sl_sandbox_enter(sb, host) != SL_OK) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(domain, type, protocol);
	saved = errno;
	sl_sandbox_leave(sb);
	errno = saved;
	return fd;
}

/* Is the calling thread in the namespace that fd refers to? */
static bool
thread_in_ns(int fd)
{
	struct stat a, b;

	if (fstat(fd, &a) != 0 || stat("/proc/thread-self/ns/net", &b) != 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The write itself; the thread must already be inside host. */
static int
sysctl_write_here(struct sl_sandbox *sb, unsigned host, const char *key,
		  const char *value, char *errbuf)
{
	char path[256];
	size_t n = strlen(value);
	int fd;
	ssize_t w;

	if (strncmp(key, "net/", 4) != 0 || strstr(key, "..") != NULL) {
		sl_errbuf_set(errbuf, "sysctl %s: only net/ keys", key);
		return SL_EINVAL;
	}
	if (!thread_in_ns(sb->ns_fd[host])) {
		sl_errbuf_set(errbuf, "sysctl %s: thread is not in host %c",
			      key, sl_sandbox_host_name(host));
		return SL_ENV;
	}
	snprintf(path, sizeof path, "/proc/sys/%s", key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_ENV;
	}
	w = write(fd, value, n);
	if (w < 0 || (size_t)w != n) {
		sl_errbuf_set(errbuf, "%s: %s", path,
			      w < 0 ? strerror(errno) : "short write");
		close(fd);
		return SL_ENV;
	}
	close(fd);
	return SL_OK;
}

int
sl_sandbox_sysctl(struct sl_sandbox *sb, unsigned host, const char *key,
		  const char *value, char *errbuf)
{
	int rc;

	if (host >= sb->nhosts)
		return SL_EINVAL;
	if (sl_sandbox_enter(sb, host) != SL_OK) {
		sl_errbuf_set(errbuf, "setns host %c: %s",
			      sl_sandbox_host_name(host), strerror(errno));
		return SL_ENV;
	}
	rc = sysctl_write_here(sb, host, key, value, errbuf);
	sl_sandbox_leave(sb);
	return rc;
}

/* Sets IFF_UP on lo of the namespace the thread is in (ioctl, no `ip`). */
static int
lo_up_here(char *errbuf)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		sl_errbuf_set(errbuf, "socket: %s", strerror(errno));
		return SL_ENV;
	}
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		goto fail;
	ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		goto fail;
	close(fd);
	return SL_OK;
fail:
	sl_errbuf_set(errbuf, "lo up: %s", strerror(errno));
	close(fd);
	return SL_ENV;
}

/*
 * One new host: unshare a namespace for this thread only, keep an fd to it,
 * set it up, and go home.  The thread spends microseconds inside.
 */
static int
make_host(struct sl_sandbox *sb, unsigned host, bool ipv6, char *errbuf)
{
	static const char *const v6off[] = {
	    "net/ipv6/conf/all/disable_ipv6",
	    "net/ipv6/conf/default/disable_ipv6",
	};
	int rc = SL_ENV;

	if (unshare(CLONE_NEWNET) != 0) {
		sl_errbuf_set(errbuf, "unshare(CLONE_NEWNET): %s%s",
			      strerror(errno),
			      errno == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		/* unshare failed: we never left home. */
		return errno == EPERM ? SL_EPERM : SL_ENV;
	}
	sb->ns_fd[host] =
	    open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (sb->ns_fd[host] < 0) {
		sl_errbuf_set(errbuf, "/proc/thread-self/ns/net: %s",
			      strerror(errno));
		goto out;
	}
	if ((rc = lo_up_here(errbuf)) != SL_OK)
		goto out;
	if (!ipv6) {
		/* Best effort: a kernel without IPv6 has nothing to silence. */
		for (size_t i = 0; i < sizeof v6off / sizeof v6off[0]; i++)
			if (access("/proc/sys/net/ipv6", F_OK) == 0)
				(void)sysctl_write_here(sb, host, v6off[i], "1",
							NULL);
	}
	rc = SL_OK;
out:
	sl_sandbox_leave(sb);
	return rc;
}

struct sl_sandbox *
sl_sandbox_new(unsigned nhosts, bool ipv6, char *errbuf)
{
	struct sl_sandbox *sb;

	if (nhosts == 0 || nhosts > SL_SANDBOX_MAXHOSTS) {
		sl_errbuf_set(errbuf, "sandbox: %u hosts", nhosts);
		return NULL;
	}
	sb = sl_xcalloc(1, sizeof *sb);
	for (unsigned i = 0; i < SL_SANDBOX_MAXHOSTS; i++)
		sb->ns_fd[i] = -1;
	sb->home_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (sb->home_fd < 0) {
		sl_errbuf_set(errbuf, "/proc/thread-self/ns/net: %s",
			      strerror(errno));
		goto fail;
	}
	for (unsigned i = 0; i < nhosts; i++) {
		sb->nhosts = i + 1;
		if (make_host(sb, i, ipv6, errbuf) != SL_OK)
			goto fail;
	}
	return sb;
fail:
	sl_sandbox_free(sb);
	return NULL;
}

void
sl_sandbox_free(struct sl_sandbox *sb)
{
	if (sb == NULL)
		return;
	for (unsigned i = 0; i < SL_SANDBOX_MAXHOSTS; i++)
		if (sb->ns_fd[i] >= 0)
			close(sb->ns_fd[i]);
	if (sb->home_fd >= 0)
		close(sb->home_fd);
	free(sb);
}

int
sl_sandbox_check(bool need_tun, char *errbuf)
{
	static const struct {
		int cap;
		const char *name;
	} caps[] = {
	    {CAP_SYS_ADMIN, "CAP_SYS_ADMIN (network namespaces)"},
	    {CAP_NET_ADMIN, "CAP_NET_ADMIN (interfaces)"},
	    {CAP_NET_RAW, "CAP_NET_RAW (packet capture)"},
	};
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof data);
	if (syscall(SYS_capget, &hdr, data) != 0) {
		sl_errbuf_set(errbuf, "capget: %s", strerror(errno));
		return SL_ENV;
	}
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		int c = caps[i].cap;

		if (!(data[c / 32].effective & (1u << (c % 32)))) {
			sl_errbuf_set(errbuf,
				      "needs root: missing %s; run as root "
				      "(sudo synlab run ...)",
				      caps[i].name);
			return SL_EPERM;
		}
	}
	if (access("/proc/self/ns/net", F_OK) != 0) {
		sl_errbuf_set(errbuf, "kernel without network namespaces "
				      "(/proc/self/ns/net missing)");
		return SL_ENV;
	}
	if (need_tun && access("/dev/net/tun", R_OK | W_OK) != 0) {
		sl_errbuf_set(errbuf, "/dev/net/tun: %s (TUN driver missing?)",
			      strerror(errno));
		return SL_ENV;
	}
	return SL_OK;
}
