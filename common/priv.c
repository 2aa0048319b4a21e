/* \summary: drop the capabilities a live command never uses (OpenBSD-style privsep, in spirit) */
#include "priv.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

static const int keep[] = {
    CAP_SYS_ADMIN,    CAP_NET_ADMIN,	   CAP_NET_RAW,	 CAP_SYS_NICE,
    CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_IPC_LOCK, CAP_SYS_RESOURCE,
};

static int
kept(int c)
{
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (keep[i] == c)
			return 1;
	return 0;
}

static int
last_cap(void)
{
	int c;

	/* PR_CAPBSET_READ fails (EINVAL) past the kernel's last capability. */
	for (c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) < 0)
			return c - 1;
	return 63;
}

int
sl_priv_drop_unused(char *errbuf)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int c, last = last_cap();
	uint32_t mask[2] = {0, 0};

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0) {
		sl_errbuf_set(errbuf, "capget: %s", strerror(errno));
		return SL_EPERM;
	}
	if (data[0].effective == 0 && data[1].effective == 0)
		return SL_OK; /* nothing to give up */
	/* The bounding set first: that needs CAP_SETPCAP, dropped after. */
	for (c = 0; c <= last; c++)
		if (!kept(c) && prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 &&
		    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0) {
			sl_errbuf_set(errbuf, "dropping capability %d: %s", c,
				      strerror(errno));
			return SL_EPERM;
		}
	for (c = 0; c <= last && c < 64; c++)
		if (kept(c))
			mask[c / 32] |= 1u << (c % 32);
	for (c = 0; c < 2; c++) {
		data[c].effective &= mask[c];
		data[c].permitted &= mask[c];
		data[c].inheritable = 0;
	}
	if (syscall(SYS_capset, &hdr, data) != 0) {
		sl_errbuf_set(errbuf, "capset: %s", strerror(errno));
		return SL_EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		sl_errbuf_set(errbuf, "no_new_privs: %s", strerror(errno));
		return SL_EPERM;
	}
	return SL_OK;
}

int
sl_priv_count_effective(void)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int n = 0, c;

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return -1;
	for (c = 0; c < 64; c++)
		if (data[c / 32].effective & (1u << (c % 32)))
			n++;
	return n;
}
