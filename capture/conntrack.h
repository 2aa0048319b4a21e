/* \summary: a network namespace's conntrack table (NAT mappings) as events on the timeline */
#ifndef SL_CONNTRACK_H
#define SL_CONNTRACK_H

/*
 * The kernel's connection tracking is per network namespace; a NAT
 * (nft masquerade) keeps its mappings there.  A watch opens the conntrack
 * event socket (NETLINK_NETFILTER, groups NEW, UPDATE and DESTROY) inside
 * one namespace and turns what the kernel reports into timeline events:
 *
 *   "ct-new"      an entry was created: the original tuple (inside
 *                 address:port -> peer) and the reply tuple, whose
 *                 destination is the public address:port the NAT mapped
 *                 the inside one to;
 *   "ct-update"   its TCP state or its ASSURED / SEEN_REPLY status changed
 *                 (SYN_SENT, SYN_RECV, ESTABLISHED, ..., TIME_WAIT);
 *   "ct-destroy"  it was removed (timed out, flushed, or the namespace
 *                 went away).
 *
 * An event's detail reads
 *   "tcp 10.1.0.2:4000 -> 203.0.113.2:4000 as 203.0.113.1:4000 SYN_SENT
 *    UNREPLIED"
 * ("as": the reply tuple's destination, the public side of the mapping;
 * "to X" follows when the reply comes from elsewhere than the original
 * destination, i.e. a destination NAT).
 *
 * Timestamps are CLOCK_REALTIME nanoseconds, the clock of the captured
 * packets (capture/events.h), taken by the watch's own thread when the
 * kernel's message arrives: the kernel sends the message from inside the
 * packet's path, so the stamp trails the packet by the thread's wake-up
 * latency (docs/kernel-notes.md has the measured figures).
 *
 * The kernel gives an entry its event record only if a listener exists
 * when the entry is created: start the watch before the traffic.  An entry
 * already in the table at start time reports no ct-new (sl_ct_dump shows
 * it).
 *
 * An entry whose timeout ran out is removed, and its ct-destroy sent, only
 * when the kernel looks at it again (a packet, its garbage collector, a
 * dump).  The watch dumps the table every 100 ms, so a ct-destroy of an
 * expired mapping comes at most ~100 ms after the expiry instead of up to
 * seconds later (docs/kernel-notes.md).  That is the only effect on the
 * watched namespace: what it removes no packet could match any more.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "events.h"

/* One direction of an entry: addresses in network order (IPv4 in the
   first 4 bytes), ports in host order (0 for protocols without ports). */
struct sl_ct_tuple {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

/* TCP states as the kernel's conntrack names them. */
enum sl_ct_tcp_state {
	SL_CT_TCP_NONE,
	SL_CT_TCP_SYN_SENT,
	SL_CT_TCP_SYN_RECV,
	SL_CT_TCP_ESTABLISHED,
	SL_CT_TCP_FIN_WAIT,
	SL_CT_TCP_CLOSE_WAIT,
	SL_CT_TCP_LAST_ACK,
	SL_CT_TCP_TIME_WAIT,
	SL_CT_TCP_CLOSE,
	SL_CT_TCP_SYN_SENT2, /* SYN_SENT then the peer's SYN: simultaneous open */
	SL_CT_TCP_UNKNOWN
};

struct sl_ct_entry {
	uint32_t id;		  /* the kernel's id of the entry */
	int family;		  /* 4 or 6 */
	uint8_t proto;		  /* IPPROTO_TCP, IPPROTO_UDP, ... */
	struct sl_ct_tuple orig;  /* as the first packet had it */
	struct sl_ct_tuple reply; /* as the answer is expected after NAT */
	enum sl_ct_tcp_state tcp_state; /* SL_CT_TCP_NONE when not TCP */
	bool assured;	    /* IPS_ASSURED: kept under table pressure */
	bool seen_reply;    /* IPS_SEEN_REPLY: traffic both ways */
	bool snat, dnat;    /* the kernel applied a source / destination NAT */
	uint32_t timeout_s; /* seconds left when read; 0 if unknown */
};

enum sl_ct_kind { SL_CT_NEW, SL_CT_UPDATE, SL_CT_DESTROY };

struct sl_ct_event {
	int64_t ts_ns; /* CLOCK_REALTIME when the kernel's message arrived */
	enum sl_ct_kind kind;
	struct sl_ct_entry e;
};

/* "SYN_SENT", "ESTABLISHED", ... (static). */
const char *sl_ct_tcp_state_name(enum sl_ct_tcp_state s);

/* "ct-new", "ct-update", "ct-destroy" (static): the events' call names. */
const char *sl_ct_kind_name(enum sl_ct_kind k);

/*
 * The detail form shown above, into buf (always terminated).  Returns the
 * length it wanted, as snprintf.
 */
int sl_ct_entry_str(const struct sl_ct_entry *e, char *buf, size_t len);

/*
 * The public side of the mapping: the reply tuple's destination (address
 * in addr[16], port in *port).  For an entry the NAT did not translate
 * it equals the original source.
 */
void sl_ct_entry_mapped(const struct sl_ct_entry *e, uint8_t addr[16],
			uint16_t *port);

struct sl_ct_watch;

/*
 * Starts watching the conntrack table of the namespace netns_fd refers to
 * (an fd of /proc/PID/ns/net or one a sandbox holds; -1: the calling
 * thread's own namespace).  The calling thread enters the namespace only
 * for the socket(2) call and returns at once (a socket stays bound to the
 * namespace it was opened in); the fd is not kept, so the caller may
 * close it, but the open event socket keeps the namespace alive until
 * sl_ct_watch_stop.
 *
 * A thread reads the events as they come.  ev (may be NULL) receives them
 * at sl_ct_watch_flush / sl_ct_watch_stop only, never from the thread
 * (struct sl_events is not thread-safe): each as an event with host
 * `host` (e.g. 'C', the router's sandbox letter) and socket label `label`
 * (e.g. "NAT A", at most SL_EV_SOCKLEN - 1 characters), the call
 * sl_ct_kind_name and the detail sl_ct_entry_str.  Updates that change
 * neither the TCP state nor ASSURED / SEEN_REPLY are not reported.  In an
 * annotated pcapng an event becomes a comment on the nearest packet of
 * the capture whose host is `host` (scenario/livefeed.c), so name the
 * router whose interface is captured.  The thread runs at SCHED_FIFO
 * priority 1 when allowed (it only blocks and stamps), and dumps the table
 * every 100 ms as said above.
 *
 * Returns NULL with errbuf when the kernel has no conntrack netlink
 * (errbuf says so), when setns or the socket fails (not root), or when
 * the thread cannot start.  Free with sl_ct_watch_stop.
 */
struct sl_ct_watch *sl_ct_watch_start(int netns_fd, char host,
				      const char *label, struct sl_events *ev,
				      char *errbuf);

/*
 * Appends the events received so far (not yet flushed) to the watch's
 * ev, then sorts ev by time (sl_events_sort) so they fall among the
 * socket calls.  Call from the thread that owns ev.  Returns how many
 * were added.
 */
size_t sl_ct_watch_flush(struct sl_ct_watch *w);

/*
 * A copy of every event received since the start (flushed or not), in
 * arrival order; *v is malloc'd, the caller frees it.  Thread-safe.
 * Returns the count.
 */
size_t sl_ct_watch_copy(struct sl_ct_watch *w, struct sl_ct_event **v);

/*
 * Waits wait_ns (0: not at all) for events still on their way, stops the
 * thread, looks at the table once more (so entries expired by now report
 * their ct-destroy), reads what the kernel queued, flushes into ev,
 * closes the sockets and frees w.  NULL is a no-op.  Returns how many
 * times the kernel dropped events because the socket's buffer was full
 * (a "note" event on the timeline says so too); 0 normally.
 */
unsigned sl_ct_watch_stop(struct sl_ct_watch *w, int64_t wait_ns);

/*
 * The current conntrack table of netns_fd's namespace (-1: the caller's):
 * *v malloc'd (caller frees; NULL when empty), *n entries.  Expired
 * entries are not listed (the dump removes them).  Returns 0 or SL_ENV
 * with errbuf.
 */
int sl_ct_dump(int netns_fd, struct sl_ct_entry **v, size_t *n, char *errbuf);

/*
 * What remains in netns_fd's namespace (-1: the caller's) that a lab
 * must not leave behind: conntrack entries and nftables tables.  what
 * (may be NULL) gets e.g. "2 conntrack entries; nft tables: ip nat".
 * Returns the number of entries plus tables (0: clean), or SL_ENV/SL_EPERM
 * with errbuf.
 */
int sl_ct_leftovers(int netns_fd, char *what, size_t len, char *errbuf);

#endif /* SL_CONNTRACK_H */
