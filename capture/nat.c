/* \summary: kernel NAT routers in sandbox hosts: routes, forwarding, nft masquerade through libnftables, conntrack timeouts */
#include "nat.h"
#include "netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nftables/libnftables.h>

static const char *const map_names[SL_NAT_MAP__COUNT] = {"keep-port", "random",
							 "fully-random"};
static const char *const unsol_names[SL_NAT_UNSOL__COUNT] = {"rst", "drop"};

/* nft's masquerade flag of each mapping. */
static const char *const map_flag[SL_NAT_MAP__COUNT] = {"", " random",
							" fully-random"};

/* names[i] (n of them) for i, "?" past the end. */
static const char *
name_of(const char *const *names, unsigned n, unsigned i)
{
	return i < n ? names[i] : "?";
}

/* The index of s among names (n of them) into *i; false if none. */
static bool
index_of(const char *const *names, unsigned n, const char *s, unsigned *i)
{
	for (*i = 0; *i < n; (*i)++)
		if (strcmp(s, names[*i]) == 0)
			return true;
	return false;
}

const char *
sl_nat_map_name(enum sl_nat_type m)
{
	return name_of(map_names, SL_NAT_MAP__COUNT, m);
}

const char *
sl_nat_unsol_name(enum sl_nat_unsol u)
{
	return name_of(unsol_names, SL_NAT_UNSOL__COUNT, u);
}

bool
sl_nat_map_parse(const char *s, enum sl_nat_type *m)
{
	unsigned i;

	if (!index_of(map_names, SL_NAT_MAP__COUNT, s, &i))
		return false;
	*m = (enum sl_nat_type)i;
	return true;
}

bool
sl_nat_unsol_parse(const char *s, enum sl_nat_unsol *u)
{
	unsigned i;

	if (!index_of(unsol_names, SL_NAT_UNSOL__COUNT, s, &i))
		return false;
	*u = (enum sl_nat_unsol)i;
	return true;
}

void
sl_nat_inside_addr(unsigned h, uint8_t addr[4])
{
	addr[0] = 10;
	addr[1] = 0;
	addr[2] = (uint8_t)(h + 1);
	addr[3] = 2;
}

void
sl_nat_public_addr(unsigned h, uint8_t addr[4])
{
	addr[0] = 10;
	addr[1] = 0;
	addr[2] = 0;
	addr[3] = (uint8_t)(h + 1);
}

static int
inside_socket(struct sl_sandbox *sb, unsigned h, uint16_t port, char *errbuf)
{
	struct sockaddr_storage self;
	uint8_t a[4];
	socklen_t alen;
	int one = 1, fd;

	sl_nat_inside_addr(h, a);
	alen = sl_sockaddr_make(4, a, port, &self);
	fd = sl_sandbox_socket(sb, h, AF_INET,
			       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&self, alen) != 0) {
		sl_errbuf_set(errbuf, "host %c port %u: socket/bind: %s",
			      'A' + h, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

const char *
sl_nat_host_ifname(unsigned h)
{
	return h ? "tunB" : "tunA";
}

const char *
sl_nat_public_ifname(unsigned h)
{
	return h ? "wanB" : "wanA";
}

const char *
sl_nat_inside_ifname(unsigned h)
{
	return h ? "lanB" : "lanA";
}

void
sl_nat_ruleset(unsigned h, const struct sl_nat_cfg *cfg, char *buf, size_t len)
{
	const char *wan = sl_nat_public_ifname(h);
	int n;

	/*
	 * What leaves the public side is masqueraded (conntrack keeps the
	 * mapping; what comes back in a mapping's reply direction is
	 * translated back and forwarded).  A SYN from outside that matches
	 * no mapping is addressed to the router itself: its own stack
	 * answers [R.] unless the input rule drops it first.
	 */
	n = snprintf(buf, len,
		     "table ip synlab_nat {\n"
		     "\tchain postrouting {\n"
		     "\t\ttype nat hook postrouting priority srcnat; policy "
		     "accept;\n"
		     "\t\toifname \"%s\" masquerade%s\n"
		     "\t}\n",
		     wan, map_flag[cfg->map]);
	if (n < 0 || (size_t)n >= len)
		return;
	if (cfg->unsol == SL_NAT_DROP)
		n += snprintf(buf + n, len - (size_t)n,
			      "\tchain input {\n"
			      "\t\ttype filter hook input priority filter; "
			      "policy accept;\n"
			      "\t\tiifname \"%s\" tcp flags & (fin | syn | "
			      "rst | ack) == syn ct state new drop\n"
			      "\t}\n",
			      wan);
	if (n < 0 || (size_t)n >= len)
		return;
	snprintf(buf + n, len - (size_t)n, "}\n");
}

/* Loads the ruleset into the namespace the thread is in. */
static int
nft_here(const char *rules, char *errbuf)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc = SL_OK;

	if (ctx == NULL) {
		sl_errbuf_set(errbuf, "libnftables: no context");
		return SL_ENV;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	if (nft_run_cmd_from_buffer(ctx, rules) != 0) {
		const char *e = nft_ctx_get_error_buffer(ctx);
		size_t n = e ? strcspn(e, "\n") : 0;

		sl_errbuf_set(errbuf, "nft: %.*s", (int)n, e ? e : "failed");
		rc = SL_ENV;
	}
	nft_ctx_free(ctx);
	return rc;
}

/* Default route out of dev in the namespace the thread is in. */
static int
default_route_here(const char *dev, char *errbuf)
{
	struct rtentry rt;
	struct sockaddr_in *sin;
	char name[16];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = SL_OK;

	if (fd < 0) {
		sl_errbuf_set(errbuf, "socket: %s", strerror(errno));
		return SL_ENV;
	}
	memset(&rt, 0, sizeof rt);
	snprintf(name, sizeof name, "%s", dev);
	sin = (struct sockaddr_in *)(void *)&rt.rt_dst;
	sin->sin_family = AF_INET;
	sin = (struct sockaddr_in *)(void *)&rt.rt_genmask;
	sin->sin_family = AF_INET;
	rt.rt_flags = RTF_UP;
	rt.rt_dev = name;
	if (ioctl(fd, SIOCADDRT, &rt) != 0) {
		sl_errbuf_set(errbuf, "default route via %s: %s", dev,
			      strerror(errno));
		rc = SL_ENV;
	}
	close(fd);
	return rc;
}

static int
setup_router(struct sl_sandbox *sb, unsigned h, const struct sl_nat_cfg *cfg,
	     char *errbuf)
{
	unsigned host = SL_NAT_ROUTER(h);
	char rules[1024], v[16];
	int rc;

	rc = sl_sandbox_sysctl(sb, host, "net/ipv4/ip_forward", "1", errbuf);
	if (rc != SL_OK)
		return rc;
	sl_nat_ruleset(h, cfg, rules, sizeof rules);
	if (sl_sandbox_enter(sb, host) != SL_OK) {
		sl_errbuf_set(errbuf, "setns NAT %c: %s", 'A' + h,
			      strerror(errno));
		return SL_ENV;
	}
	rc = nft_here(rules, errbuf);
	sl_sandbox_leave(sb);
	if (rc != SL_OK || cfg->syn_sent_s == 0)
		return rc;
	/* The table made conntrack live here: its sysctls exist now. */
	snprintf(v, sizeof v, "%u", cfg->syn_sent_s);
	return sl_sandbox_sysctl(
	    sb, host, "net/netfilter/nf_conntrack_tcp_timeout_syn_sent", v,
	    errbuf);
}

int
sl_nat_setup(struct sl_sandbox *sb, const struct sl_nat_cfg cfg[2],
	     char *errbuf)
{
	int rc;

	for (unsigned h = 0; h < 2; h++) {
		if (sl_sandbox_enter(sb, h) != SL_OK) {
			sl_errbuf_set(errbuf, "setns host %c: %s", 'A' + h,
				      strerror(errno));
			return SL_ENV;
		}
		rc = default_route_here(sl_nat_host_ifname(h), errbuf);
		sl_sandbox_leave(sb);
		if (rc != SL_OK)
			return rc;
		if ((rc = setup_router(sb, h, &cfg[h], errbuf)) != SL_OK)
			return rc;
	}
	return SL_OK;
}

socklen_t
sl_nat_pair_open(struct sl_sandbox *sb, uint16_t port, int fd[2],
		 struct sockaddr_storage peer[2], char *errbuf)
{
	socklen_t alen = 0;
	uint8_t a[4];

	fd[0] = fd[1] = -1;
	for (unsigned h = 0; h < 2; h++) {
		sl_nat_public_addr(!h, a);
		alen = sl_sockaddr_make(4, a, port, &peer[h]);
		if ((fd[h] = inside_socket(sb, h, port, errbuf)) < 0) {
			sl_nat_pair_close(fd);
			return 0;
		}
	}
	return alen;
}

void
sl_nat_pair_close(int fd[2])
{
	for (unsigned h = 0; h < 2; h++) {
		if (fd[h] >= 0)
			close(fd[h]);
		fd[h] = -1;
	}
}
