/* \summary: libpcap live capture on sandbox interfaces, kept in memory */
#ifndef SL_RECORDER_H
#define SL_RECORDER_H

/*
 * A recorder captures on one or more interfaces, each inside its sandbox
 * host: pcap_create() runs on a thread that has entered that host's
 * namespace, so the packet socket is bound to the host's device and to
 * nothing of the caller's.  Immediate mode, nanosecond timestamps when the
 * kernel gives them (CLOCK_REALTIME, the clock of the event timeline), and
 * a capture thread that reads as packets arrive.  sl_recorder_stop drains
 * every handle until it is empty before closing it, so the last packet of a
 * run is not lost (docs/kernel-notes.md: a tcpdump stopped right after the traffic
 * lost 2 of 7), and reads pcap_stats drops.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "common.h"
#include "sandbox.h"

#define SL_RECORDER_MAXIF 4

struct sl_cap_pkt {
	int64_t ts_ns; /* CLOCK_REALTIME ns since the epoch */
	uint32_t caplen, wirelen;
	uint8_t *data;
};

/* What one interface captured; owned by the recorder. */
struct sl_capture {
	char host; /* 'A', 'B', ... */
	char ifname[16];
	char label[32]; /* "A:tunA" */
	int dlt;
	uint32_t snaplen;
	bool nsec; /* timestamps had nanosecond precision */
	size_t npkts;
	struct sl_cap_pkt *pkts;
	unsigned ps_recv, ps_drop, ps_ifdrop; /* pcap_stats at the end */
	bool truncated_store; /* memory cap reached, later packets not kept */
};

struct sl_recorder;

struct sl_recorder *sl_recorder_new(void);

/*
 * Registers a live capture on ifname inside host; sl_recorder_start opens
 * it.  Returns the capture index (>= 0) or a negative SL_E* code.
 */
int sl_recorder_add(struct sl_recorder *r, struct sl_sandbox *sb, unsigned host,
		    const char *ifname, char *errbuf);

/*
 * Opens every registered handle, each on its own thread inside its host
 * (arming a capture ring waits for an RCU grace period; side by side they
 * share it), then starts the capture thread.  Returns 0 or SL_ENV with
 * errbuf naming the interface.
 */
int sl_recorder_start(struct sl_recorder *r, char *errbuf);

/*
 * Stops: ends the capture thread, reads every handle until empty (and once
 * more after a 2 ms quiet poll), and reads pcap_stats.  The handles stay
 * open (the namespaces with them) until sl_recorder_close.
 */
void sl_recorder_stop(struct sl_recorder *r);

/*
 * Stops if needed and closes the handles side by side.  The captures stay
 * readable until sl_recorder_free (which closes too).
 */
void sl_recorder_close(struct sl_recorder *r);

unsigned sl_recorder_count(const struct sl_recorder *r);
const struct sl_capture *sl_recorder_capture(const struct sl_recorder *r,
					     unsigned i);

void sl_recorder_free(struct sl_recorder *r);

/*
 * The one libpcap live opener (the recorder's and the two-host run's):
 * immediate mode, not promiscuous, nanosecond timestamps when the kernel
 * gives them (*nsec says), non-blocking.  Opens on ifname of the calling
 * thread's network namespace.  NULL with errbuf; *rc (may be NULL) gets
 * SL_EPERM (no CAP_NET_RAW) or SL_ENV.
 */
pcap_t *sl_capture_open_live(const char *ifname, int snaplen, int bufsize,
			     bool *nsec, int *rc, char *errbuf);

/*
 * The link type to write capture c with: LINKTYPE_IPV4 or _IPV6 for a TUN
 * capture of one family (libpcap 1.10 reads a pcapng of several RAW
 * interfaces only up to the second), else its own.
 */
int sl_capture_file_dlt(const struct sl_capture *c);

#endif /* SL_RECORDER_H */
