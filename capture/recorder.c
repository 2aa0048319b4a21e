/* \summary: libpcap live capture inside sandbox hosts, immediate mode, drained at stop */
#define _GNU_SOURCE /* pipe2 */
#include "recorder.h"

#include "par.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

/*
 * 64 KiB, not 256 KiB: with a 256 KiB snaplen the 2 MiB TPACKET_V3 ring
 * had so few blocks that the last segments of a run (the crossing FINs and
 * their ACKs, a few microseconds apart) sometimes found none free: libpcap
 * counted the final ACK as dropped on about one run in five.  With 64 KiB
 * (still far above the TUN MTU): no drop in 200 runs.
 */
#define REC_SNAPLEN 65535
#define REC_BUFSIZE (2 << 20)
/*
 * libpcap sizes ring frames from min(snaplen, MTU): lo's 64 KiB MTU left a
 * 2 MiB ring with 32 frames, and the self-connect race (tens of thousands
 * of segments a second) overran it.  Segments on lo in our scenarios are
 * headers and a few bytes of data, so a short snaplen keeps every one.
 */
#define REC_LO_SNAPLEN 4096
#define REC_LO_BUFSIZE (8 << 20)
#define REC_MAXPKTS    (1u << 20) /* per interface, a memory bound */
#define REC_DRAIN_NS   2000000	  /* a quiet poll this long ends the drain */

struct rec_open {
	struct sl_recorder *r;
	struct sl_sandbox *sb;
	unsigned i, host;
	int rc;
	char errbuf[SL_ERRBUF_SIZE];
};

struct sl_recorder {
	unsigned n;
	struct rec_open req[SL_RECORDER_MAXIF];
	pcap_t *pc[SL_RECORDER_MAXIF];
	int selfd[SL_RECORDER_MAXIF];
	struct sl_capture cap[SL_RECORDER_MAXIF];
	size_t capacity[SL_RECORDER_MAXIF];
	int ctl[2];
	pthread_t thread;
	bool running;
	bool stopped; /* handles drained and closed */
};

struct sl_recorder *
sl_recorder_new(void)
{
	struct sl_recorder *r = sl_xcalloc(1, sizeof *r);

	r->ctl[0] = r->ctl[1] = -1;
	return r;
}

pcap_t *
sl_capture_open_live(const char *ifname, int snaplen, int bufsize, bool *nsec,
		     int *rcp, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_create(ifname, perr);
	int rc;

	if (rcp != NULL)
		*rcp = SL_ENV;
	if (pc == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", ifname, perr);
		return NULL;
	}
	pcap_set_snaplen(pc, snaplen);
	pcap_set_promisc(pc, 0);
	pcap_set_immediate_mode(pc, 1);
	pcap_set_buffer_size(pc, bufsize);
	(void)pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(pc);
	if (rc < 0) {
		sl_errbuf_set(errbuf, "capture on %s: %s", ifname,
			      rc == PCAP_ERROR ? pcap_geterr(pc)
					       : pcap_statustostr(rc));
		if (rcp != NULL && rc == PCAP_ERROR_PERM_DENIED)
			*rcp = SL_EPERM;
		pcap_close(pc);
		return NULL;
	}
	/* Activation may refuse nanoseconds; ask what we got. */
	*nsec = pcap_get_tstamp_precision(pc) == PCAP_TSTAMP_PRECISION_NANO;
	if (pcap_setnonblock(pc, 1, perr) != 0) {
		sl_errbuf_set(errbuf, "%s: %s", ifname, perr);
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

/* Opens the handle; the thread must be inside the host already. */
static pcap_t *
open_here(const char *ifname, bool *nsec, char *errbuf)
{
	bool lo = strcmp(ifname, "lo") == 0;

	return sl_capture_open_live(ifname, lo ? REC_LO_SNAPLEN : REC_SNAPLEN,
				    lo ? REC_LO_BUFSIZE : REC_BUFSIZE, nsec,
				    NULL, errbuf);
}

int
sl_recorder_add(struct sl_recorder *r, struct sl_sandbox *sb, unsigned host,
		const char *ifname, char *errbuf)
{
	struct sl_capture *c;

	if (r->n >= SL_RECORDER_MAXIF || r->running || r->stopped) {
		sl_errbuf_set(errbuf, "recorder: too many interfaces");
		return SL_EINVAL;
	}
	c = &r->cap[r->n];
	c->host = sl_sandbox_host_name(host);
	snprintf(c->ifname, sizeof c->ifname, "%s", ifname);
	snprintf(c->label, sizeof c->label, "%c:%s", c->host, ifname);
	r->req[r->n].r = r;
	r->req[r->n].sb = sb;
	r->req[r->n].i = r->n;
	r->req[r->n].host = host;
	r->selfd[r->n] = -1;
	return (int)r->n++;
}

/* One handle, opened on its own thread inside its host (sl_par_run). */
static void
open_one(void *arg)
{
	struct rec_open *q = arg;
	struct sl_capture *c = &q->r->cap[q->i];
	bool nsec = false;
	pcap_t *pc;

	q->rc = SL_ENV;
	if (sl_sandbox_enter(q->sb, q->host) != SL_OK) {
		sl_errbuf_set(q->errbuf, "setns host %c: %s", c->host,
			      strerror(errno));
		return;
	}
	pc = open_here(c->ifname, &nsec, q->errbuf);
	sl_sandbox_leave(q->sb);
	if (pc == NULL)
		return;
	c->dlt = pcap_datalink(pc);
	c->snaplen = (uint32_t)pcap_snapshot(pc);
	c->nsec = nsec;
	q->r->pc[q->i] = pc;
	q->r->selfd[q->i] = pcap_get_selectable_fd(pc);
	q->rc = SL_OK;
}

struct cb_ctx {
	struct sl_recorder *r;
	unsigned i;
};

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cb_ctx *x = (struct cb_ctx *)(void *)user;
	struct sl_capture *c = &x->r->cap[x->i];
	size_t *cap = &x->r->capacity[x->i];
	struct sl_cap_pkt *p;
	int64_t frac = h->ts.tv_usec;

	if (c->npkts >= REC_MAXPKTS) {
		c->truncated_store = true;
		return;
	}
	if (c->npkts == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		c->pkts = sl_xrealloc(c->pkts, *cap, sizeof *c->pkts);
	}
	p = &c->pkts[c->npkts++];
	/* With nanosecond precision libpcap puts ns in tv_usec. */
	p->ts_ns =
	    (int64_t)h->ts.tv_sec * 1000000000 + (c->nsec ? frac : frac * 1000);
	p->caplen = h->caplen;
	p->wirelen = h->len;
	p->data = sl_xcalloc(1, h->caplen);
	memcpy(p->data, bytes, h->caplen);
}

/* Reads everything handle i has now; returns the number of packets. */
static int
read_all(struct sl_recorder *r, unsigned i)
{
	struct cb_ctx x = {r, i};
	int total = 0, n;

	while ((n = pcap_dispatch(r->pc[i], -1, on_packet,
				  (u_char *)(void *)&x)) > 0)
		total += n;
	return total;
}

static void *
rec_main(void *arg)
{
	struct sl_recorder *r = arg;
	struct pollfd pfd[SL_RECORDER_MAXIF + 1];

	for (unsigned i = 0; i < r->n; i++) {
		pfd[i].fd = r->selfd[i];
		pfd[i].events = POLLIN;
	}
	pfd[r->n].fd = r->ctl[0];
	pfd[r->n].events = POLLIN;
	/* A byte on the control pipe means stop; the drain is the caller's. */
	for (;;) {
		if (poll(pfd, r->n + 1, -1) < 0 && errno != EINTR)
			break;
		for (unsigned i = 0; i < r->n; i++)
			if (pfd[i].revents)
				read_all(r, i);
		if (pfd[r->n].revents)
			break;
	}
	return NULL;
}

int
sl_recorder_start(struct sl_recorder *r, char *errbuf)
{
	void *args[SL_RECORDER_MAXIF];

	if (r->running || r->stopped)
		return SL_EINVAL;
	/* Arming a capture ring waits for a grace period: all at once. */
	for (unsigned i = 0; i < r->n; i++)
		args[i] = &r->req[i];
	sl_par_run(open_one, args, r->n);
	for (unsigned i = 0; i < r->n; i++)
		if (r->req[i].rc != SL_OK) {
			sl_errbuf_set(errbuf, "%s", r->req[i].errbuf);
			return SL_ENV;
		}
	if (pipe2(r->ctl, O_CLOEXEC | O_NONBLOCK) != 0) {
		sl_errbuf_set(errbuf, "pipe: %s", strerror(errno));
		return SL_ENV;
	}
	if (sl_par_thread(&r->thread, rec_main, r) != 0) {
		sl_errbuf_set(errbuf, "capture thread: cannot start");
		return SL_ENV;
	}
	r->running = true;
	return SL_OK;
}

/* Polls the open handles for REC_DRAIN_NS; true if one became readable
 * and then gave packets. */
static bool
quiet_round_pending(struct sl_recorder *r, struct pollfd *pfd)
{
	int got = 0;

	if (poll(pfd, r->n, REC_DRAIN_NS / 1000000) <= 0)
		return false;
	for (unsigned i = 0; i < r->n; i++)
		if (r->pc[i] != NULL && pfd[i].revents)
			got += read_all(r, i);
	return got > 0;
}

void
sl_recorder_stop(struct sl_recorder *r)
{
	struct pollfd pfd[SL_RECORDER_MAXIF];
	char c = 1;

	if (r->stopped)
		return;
	r->stopped = true;
	if (r->running) {
		if (write(r->ctl[1], &c, 1) < 0) {
			/* cannot fail on an empty pipe */
		}
		pthread_join(r->thread, NULL);
		r->running = false;
	}
	/*
	 * Drain: read every handle until empty, then give the kernel a short
	 * quiet period; only a round that brings nothing ends it.
	 */
	for (unsigned i = 0; i < r->n; i++) {
		/* A closed handle (second stop) is skipped by poll. */
		pfd[i].fd = r->pc[i] != NULL ? r->selfd[i] : -1;
		pfd[i].events = POLLIN;
	}
	for (unsigned round = 0; round < 10000; round++) {
		int got = 0;

		for (unsigned i = 0; i < r->n; i++)
			if (r->pc[i] != NULL)
				got += read_all(r, i);
		if (got > 0)
			continue;
		/* Nothing now: one quiet poll; a wake-up that brings nothing
		 * (an error condition) ends the drain too. */
		if (!quiet_round_pending(r, pfd))
			break;
	}
	for (unsigned i = 0; i < r->n; i++) {
		struct pcap_stat ps;

		if (r->pc[i] == NULL)
			continue;
		if (pcap_stats(r->pc[i], &ps) == 0) {
			r->cap[i].ps_recv = ps.ps_recv;
			r->cap[i].ps_drop = ps.ps_drop;
			r->cap[i].ps_ifdrop = ps.ps_ifdrop;
		}
	}
}

static void
close_one(void *arg)
{
	pcap_close(arg);
}

void
sl_recorder_close(struct sl_recorder *r)
{
	void *args[SL_RECORDER_MAXIF];
	unsigned n = 0;

	sl_recorder_stop(r);
	/* Each close waits for a grace period: all at once. */
	for (unsigned i = 0; i < r->n; i++) {
		if (r->pc[i] != NULL)
			args[n++] = r->pc[i];
		r->pc[i] = NULL;
		r->selfd[i] = -1;
	}
	sl_par_run(close_one, args, n);
}

unsigned
sl_recorder_count(const struct sl_recorder *r)
{
	return r->n;
}

const struct sl_capture *
sl_recorder_capture(const struct sl_recorder *r, unsigned i)
{
	return i < r->n ? &r->cap[i] : NULL;
}

void
sl_recorder_free(struct sl_recorder *r)
{
	if (r == NULL)
		return;
	sl_recorder_close(r);
	for (unsigned i = 0; i < r->n; i++) {
		for (size_t k = 0; k < r->cap[i].npkts; k++)
			free(r->cap[i].pkts[k].data);
		free(r->cap[i].pkts);
	}
	for (int i = 0; i < 2; i++)
		if (r->ctl[i] >= 0)
			close(r->ctl[i]);
	free(r);
}

/*
 * libpcap 1.10 reads a pcapng whose interfaces are all LINKTYPE_RAW (101)
 * only up to the second interface ("an interface has a type 101 different
 * from the type of the first interface": it compares the first one's DLT,
 * 12, with the second one's link type).  A TUN capture that holds only
 * IPv4 (or only IPv6) is exactly LINKTYPE_IPV4 (228) or LINKTYPE_IPV6
 * (229), which map one to one, so the annotated pcapng stays readable by
 * libpcap as well as by Wireshark.
 */
int
sl_capture_file_dlt(const struct sl_capture *c)
{
	unsigned v = 0;

	if (c->dlt != DLT_RAW)
		return c->dlt;
	for (size_t k = 0; k < c->npkts; k++) {
		unsigned pv =
		    c->pkts[k].caplen > 0 ? c->pkts[k].data[0] >> 4 : 0;
		if (pv != 4 && pv != 6)
			return c->dlt;
		if (v != 0 && pv != v)
			return c->dlt;
		v = pv;
	}
	return v == 4 ? DLT_IPV4 : v == 6 ? DLT_IPV6 : c->dlt;
}
