/* \summary: kernel NAT routers in sandbox hosts: nftables masquerade, the unsolicited-SYN policy, conntrack timeouts */
#ifndef SL_NAT_H
#define SL_NAT_H

/*
 * The hole-punching topology (docs/kernel-notes.md, "NAT in a namespace"):
 *
 *   host A 10.0.1.2 (tunA) -- lanA 10.0.1.1  NAT A  wanA 10.0.0.1
 *                                                       |  the public wire
 *   host B 10.0.2.2 (tunB) -- lanB 10.0.2.1  NAT B  wanB 10.0.0.2
 *
 * Sandbox hosts 0 (A) and 1 (B) are the hosts, 2 and 3 the routers NAT A
 * and NAT B; each link is a TUN wire (capture/wire.h), the public one with
 * the lab's delay.  A router forwards, and masquerades what leaves its
 * public side with the kernel's own NAT (nft `masquerade`, conntrack of its
 * own namespace); its rules live in its namespace and go with it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common.h"
#include "sandbox.h"

#define SL_NAT_HOST_A	 0u
#define SL_NAT_HOST_B	 1u
#define SL_NAT_ROUTER(h) (2u + (h)) /* h: 0 (NAT A) or 1 (NAT B) */

/* How a NAT maps an inside port to a public one. */
enum sl_nat_type {
	SL_NAT_KEEP_PORT,    /* masquerade: the inside port when free */
	SL_NAT_RANDOM,	     /* masquerade random: a hashed random port */
	SL_NAT_FULLY_RANDOM, /* masquerade fully-random: a random port */
	SL_NAT_MAP__COUNT
};

/* What a NAT does with a SYN from outside that no mapping expects. */
enum sl_nat_unsol {
	SL_NAT_RST,  /* nothing: the router's own stack answers [R.] */
	SL_NAT_DROP, /* an nft rule drops it */
	SL_NAT_UNSOL__COUNT
};

struct sl_nat_cfg {
	enum sl_nat_type map;
	enum sl_nat_unsol unsol;
	unsigned
	    syn_sent_s; /* nf_conntrack_tcp_timeout_syn_sent; 0: kernel's */
};

/* "keep-port", "random", "fully-random"; "rst", "drop".  Static. */
const char *sl_nat_map_name(enum sl_nat_type m);
const char *sl_nat_unsol_name(enum sl_nat_unsol u);

/* By name; false when unknown. */
bool sl_nat_map_parse(const char *s, enum sl_nat_type *m);
bool sl_nat_unsol_parse(const char *s, enum sl_nat_unsol *u);

/*
 * Address of host h (0: A, 1: B) inside its NAT, and of NAT h's public
 * side, IPv4 in network order.
 */
void sl_nat_inside_addr(unsigned h, uint8_t addr[4]);
void sl_nat_public_addr(unsigned h, uint8_t addr[4]);

/*
 * The two ends of a hole punch: fd[h] a non-blocking TCP socket of host h,
 * SO_REUSEADDR, bound to its inside address and port; peer[h] the other
 * NAT's public address at port.  The address length, or 0 and errbuf
 * (nothing left open).  sl_nat_pair_close closes what is open.
 */
socklen_t sl_nat_pair_open(struct sl_sandbox *sb, uint16_t port, int fd[2],
			   struct sockaddr_storage peer[2], char *errbuf);
void sl_nat_pair_close(int fd[2]);

/* Interface names: the host's ("tunA"), the router's public ("wanA"). */
const char *sl_nat_host_ifname(unsigned h);
const char *sl_nat_public_ifname(unsigned h);
const char *sl_nat_inside_ifname(unsigned h);

/*
 * Configures the routed topology in sb once its wires exist: each host's
 * default route into its NAT, forwarding on in both routers, NAT h's nft
 * table from cfg[h] and its conntrack timeout.  The nft rules are made
 * with libnftables on this thread while it is inside the router's
 * namespace (sl_sandbox_enter), so they exist nowhere else.  0 or SL_ENV
 * with errbuf.
 */
int sl_nat_setup(struct sl_sandbox *sb, const struct sl_nat_cfg cfg[2],
		 char *errbuf);

/*
 * The nft ruleset of a NAT (h 0 or 1) as text, for the report (static
 * buffer of the caller, len bytes).
 */
void sl_nat_ruleset(unsigned h, const struct sl_nat_cfg *cfg, char *buf,
		    size_t len);

#endif /* SL_NAT_H */
