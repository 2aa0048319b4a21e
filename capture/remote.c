/* \summary: one host's half of the scheduled simultaneous open (RFC 9293 §3.5 Figure 7), captured */
#define _GNU_SOURCE /* setns, CLONE_NEWNET, timegm */
#include "remote.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <pcap/pcap.h>

#include "lab.h"
#include "peek.h"
#include "recorder.h"
#include "sandbox.h"
#include "wire.h"
#include "timearg.h"

#define REM_SNAPLEN	65535
#define REM_BUFSIZE	(2 << 20)
#define REM_SPIN_NS	200000	     /* spin the last 200 us before TIME */
#define REM_LAST_WAIT	3000000000LL /* last attempt: wait this long */
#define REM_NEXT_MARGIN 20000000     /* give up 20 ms before the next one */
#define REM_IO_WAIT	3000000000LL /* message exchange and close */
#define REM_QUIET_NS	500000000 /* the capture ends after this much quiet */
#define REM_LINGER_MAX	3000000000LL

/* ---- the clock ---- */

void
sl_clock_state_read(struct sl_clock_state *cs)
{
	struct timex tx;
	int st;

	memset(cs, 0, sizeof *cs);
	memset(&tx, 0, sizeof tx); /* modes 0: read only, no privilege */
	st = adjtimex(&tx);
	if (st < 0)
		return;
	cs->ok = true;
	cs->state = st;
	cs->status = tx.status;
	cs->synced = st != TIME_ERROR && !(tx.status & STA_UNSYNC);
	cs->esterror_us = tx.esterror;
	cs->maxerror_us = tx.maxerror;
	cs->offset_ns =
	    (int64_t)tx.offset * ((tx.status & STA_NANO) ? 1 : 1000);
	/* freq is ppm with a 16-bit fraction. */
	cs->freq_ppb = (long)((double)tx.freq * 1000.0 / 65536.0);
}

void
sl_clock_state_text(const struct sl_clock_state *cs, char *buf, size_t len)
{
	if (!cs->ok) {
		snprintf(buf, len, "unknown (adjtimex failed)");
		return;
	}
	snprintf(buf, len,
		 "%s, estimated error %ld us, maximum error %ld us, "
		 "offset %+.3f us%s",
		 cs->synced ? "synchronized" : "NOT synchronized (STA_UNSYNC)",
		 cs->esterror_us, cs->maxerror_us, (double)cs->offset_ns / 1e3,
		 cs->state == TIME_ERROR ? ", state TIME_ERROR" : "");
}

/* ---- privileges ---- */

static bool
have_cap(int c)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof data);
	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return (data[c / 32].effective & (1u << (c % 32))) != 0;
}

int
sl_remote_check(char *errbuf)
{
	if (!have_cap(CAP_NET_RAW)) {
		sl_errbuf_set(errbuf,
			      "needs CAP_NET_RAW to capture on the real "
			      "interface: run as root (sudo synlab run ...)");
		return SL_EPERM;
	}
	return SL_OK;
}

/* ---- the run ---- */

union rem_sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

struct rem_ctx {
	const struct sl_remote_opts *o;
	struct sl_remote_result *res;
	pcap_t *pc;
	pcap_dumper_t *dump;
	int pcfd;
	size_t tscap;
	union rem_sa local, peer;
	socklen_t alen;
	int64_t last_pkt_mono;
};

static void fact(struct sl_remote_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fact(struct sl_remote_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sl_facts_vadd(res->facts, sizeof res->facts, fmt, ap);
	va_end(ap);
}

static bool
stopped(const struct rem_ctx *c)
{
	return c->o->stop != NULL && *c->o->stop;
}

static const char *
sa_ip(const union rem_sa *a, char *buf, size_t len)
{
	if (a->sa.sa_family == AF_INET6)
		inet_ntop(AF_INET6, &a->in6.sin6_addr, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET, &a->in.sin_addr, buf, (socklen_t)len);
	return buf;
}

/* The IP bytes of an address (4 or 16), for matching captured packets. */
static const uint8_t *
sa_bytes(const union rem_sa *a)
{
	return a->sa.sa_family == AF_INET6 ? (const uint8_t *)&a->in6.sin6_addr
					   : (const uint8_t *)&a->in.sin_addr;
}

/*
 * Resolves the peer (the only host this run talks to) and the local
 * address the route to it uses: connect() on a UDP socket picks the route
 * and source address without sending anything.
 */
static int
resolve(struct rem_ctx *c, char *errbuf)
{
	struct addrinfo hints, *ai = NULL;
	int rc, fd;
	socklen_t sl;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	rc = getaddrinfo(c->o->peer, NULL, &hints, &ai);
	if (rc != 0 || ai == NULL) {
		sl_errbuf_set(errbuf, "peer '%s': %s", c->o->peer,
			      rc ? gai_strerror(rc) : "no address");
		return SL_EINVAL;
	}
	memset(&c->peer, 0, sizeof c->peer);
	memcpy(&c->peer.ss, ai->ai_addr, ai->ai_addrlen);
	c->alen = (socklen_t)ai->ai_addrlen;
	freeaddrinfo(ai);
	if (c->peer.sa.sa_family == AF_INET6)
		c->peer.in6.sin6_port = htons(c->o->peer_port);
	else
		c->peer.in.sin_port = htons(c->o->peer_port);
	c->res->family = c->peer.sa.sa_family == AF_INET6 ? 6 : 4;

	fd = socket(c->peer.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, &c->peer.sa, c->alen) != 0) {
		sl_errbuf_set(errbuf, "no route to %s: %s", c->o->peer,
			      strerror(errno));
		if (fd >= 0)
			close(fd);
		return SL_ENV;
	}
	sl = sizeof c->local;
	rc = getsockname(fd, &c->local.sa, &sl);
	close(fd);
	if (rc != 0) {
		sl_errbuf_set(errbuf, "getsockname: %s", strerror(errno));
		return SL_ENV;
	}
	if (c->local.sa.sa_family == AF_INET6)
		c->local.in6.sin6_port = htons(c->o->port);
	else
		c->local.in.sin_port = htons(c->o->port);
	sl_sockaddr_str(&c->local.sa, c->res->local, sizeof c->res->local);
	sl_sockaddr_str(&c->peer.sa, c->res->remote, sizeof c->res->remote);
	return SL_OK;
}

/* The interface that holds the local address: the route's interface. */
static int
route_ifname(struct rem_ctx *c, char *errbuf)
{
	struct ifaddrs *ifa = NULL, *i;
	size_t n = c->res->family == 6 ? 16 : 4;
	int fam = c->res->family == 6 ? AF_INET6 : AF_INET;

	if (getifaddrs(&ifa) != 0) {
		sl_errbuf_set(errbuf, "getifaddrs: %s", strerror(errno));
		return SL_ENV;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		const union rem_sa *a =
		    (const union rem_sa *)(void *)i->ifa_addr;

		if (a == NULL || a->sa.sa_family != fam)
			continue;
		if (memcmp(sa_bytes(a), sa_bytes(&c->local), n) == 0) {
			snprintf(c->res->ifname, sizeof c->res->ifname, "%s",
				 i->ifa_name);
			break;
		}
	}
	freeifaddrs(ifa);
	if (c->res->ifname[0] == '\0') {
		sl_errbuf_set(errbuf,
			      "no interface holds %s (the route's "
			      "source address); name one with "
			      "--interface",
			      c->res->local);
		return SL_ENV;
	}
	return SL_OK;
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct rem_ctx *c = (struct rem_ctx *)(void *)user;
	struct sl_remote_result *res = c->res;
	size_t n = res->family == 6 ? 16 : 4;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 +
		     (int64_t)h->ts.tv_usec * (res->nsec ? 1 : 1000);
	struct sl_peek pk;

	pcap_dump((u_char *)c->dump, h, bytes);
	if (res->npkts == c->tscap) {
		c->tscap = c->tscap ? c->tscap * 2 : 64;
		res->pkt_ts =
		    sl_xrealloc(res->pkt_ts, c->tscap, sizeof *res->pkt_ts);
	}
	res->pkt_ts[res->npkts++] = ts;
	c->last_pkt_mono = sl_now_mono_ns();
	if (sl_peek_frame(res->dlt, bytes, h->caplen, &pk) != SL_OK ||
	    !sl_peek_is_bare_syn(&pk))
		return;
	if (memcmp(pk.src, sa_bytes(&c->local), n) == 0) {
		if (res->t_our_syn == 0)
			res->t_our_syn = ts;
	} else if (res->t_peer_syn == 0) {
		res->t_peer_syn = ts;
	}
}

/* Reads what the capture has now. */
static void
cap_read(struct rem_ctx *c)
{
	while (pcap_dispatch(c->pc, -1, on_packet, (u_char *)(void *)c) > 0)
		;
}

/*
 * Opens the capture before anything is sent (the privileged phase: the
 * packet socket needs CAP_NET_RAW), with a BPF filter for this one tuple.
 */
static int
cap_open(struct rem_ctx *c, char *errbuf)
{
	struct sl_remote_result *res = c->res;
	char lip[INET6_ADDRSTRLEN], rip[INET6_ADDRSTRLEN];
	struct bpf_program prog;
	unsigned lp = c->o->port, rp = c->o->peer_port;
	int rc, fd;
	FILE *f;

	sa_ip(&c->local, lip, sizeof lip);
	sa_ip(&c->peer, rip, sizeof rip);
	snprintf(res->filter, sizeof res->filter,
		 "tcp and ((src host %s and src port %u and dst host %s and "
		 "dst port %u) or (src host %s and src port %u and dst host "
		 "%s and dst port %u))",
		 lip, lp, rip, rp, rip, rp, lip, lp);
	c->pc = sl_capture_open_live(res->ifname, REM_SNAPLEN, REM_BUFSIZE,
				     &res->nsec, &rc, errbuf);
	if (c->pc == NULL)
		return rc;
	res->dlt = pcap_datalink(c->pc);
	if (pcap_compile(c->pc, &prog, res->filter, 1, PCAP_NETMASK_UNKNOWN) !=
	    0) {
		sl_errbuf_set(errbuf, "filter '%s': %s", res->filter,
			      pcap_geterr(c->pc));
		return SL_ENV;
	}
	rc = pcap_setfilter(c->pc, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		sl_errbuf_set(errbuf, "%s: %s", res->ifname,
			      pcap_geterr(c->pc));
		return SL_ENV;
	}
	c->pcfd = pcap_get_selectable_fd(c->pc);
	/* The dumper owns (and closes) a FILE on a dup of the caller's fd. */
	fd = dup(c->o->pcap_fd);
	f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (f == NULL) {
		sl_errbuf_set(errbuf, "capture file: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return SL_EIO;
	}
	c->dump = pcap_dump_fopen(c->pc, f);
	if (c->dump == NULL) {
		sl_errbuf_set(errbuf, "capture file: %s", pcap_geterr(c->pc));
		fclose(f);
		return SL_EIO;
	}
	return SL_OK;
}

/*
 * Waits for events on fd (may be -1) while reading the capture, until
 * deadline (CLOCK_MONOTONIC).  Returns the revents of fd, 0 on timeout or
 * stop.
 */
static short
wait_fd(struct rem_ctx *c, int fd, short events, int64_t deadline)
{
	while (!stopped(c)) {
		struct pollfd p[2] = {{fd, events, 0}, {c->pcfd, POLLIN, 0}};
		int64_t left = deadline - sl_now_mono_ns();
		int ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);

		if (ms > 50)
			ms = 50; /* pcap fds may not wake for every packet */
		(void)poll(p, 2, ms);
		cap_read(c);
		if (fd >= 0 && p[0].revents)
			return p[0].revents;
		if (left <= 0)
			return 0;
	}
	return 0;
}

/*
 * Sleeps until the CLOCK_REALTIME instant at_ns, then spins the last
 * REM_SPIN_NS: a sleeping thread wakes tens of microseconds late, a
 * spinning one within a clock read.  Returns how late it was (ns).
 */
static int64_t
wait_real(struct rem_ctx *c, int64_t at_ns)
{
	int64_t now;

	/* The default 50 us timer slack would eat a quarter of the spin. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL);
	for (;;) {
		int64_t wake = at_ns - REM_SPIN_NS;
		struct timespec ts;

		now = sl_now_real_ns();
		if (now >= wake || stopped(c))
			break;
		/* Wake every 50 ms to read the capture and see a stop. */
		if (wake - now > 50000000) {
			(void)wait_fd(c, -1, 0, sl_now_mono_ns() + 50000000);
			continue;
		}
		ts.tv_sec = (time_t)(wake / 1000000000);
		ts.tv_nsec = (long)(wake % 1000000000);
		(void)clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
	}
	while ((now = sl_now_real_ns()) < at_ns && !stopped(c))
		;
	return now - at_ns;
}

static void ev_note(struct rem_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ev_note(struct rem_ctx *c, const char *fmt, ...)
{
	char buf[SL_EV_DETAILLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sl_events_add(c->res->events, 'L', "", "note", 0, 0, "%s", buf);
}

/*
 * After connect() succeeded: each side sends one line, reads the peer's,
 * then closes its half and reads until the peer's FIN.
 */
static void
exchange(struct rem_ctx *c, int fd, unsigned k)
{
	struct sl_remote_result *res = c->res;
	char msg[96], buf[128];
	size_t got = 0;
	ssize_t n;
	int64_t deadline = sl_now_mono_ns() + REM_IO_WAIT;
	bool sent;

	snprintf(msg, sizeof msg, "synlab %s attempt %u\n", res->local, k);
	n = send(fd, msg, strlen(msg), MSG_NOSIGNAL);
	sent = n == (ssize_t)strlen(msg);
	sl_events_add(res->events, 'L', "s", "send", (int)n, n < 0 ? errno : 0,
		      "%zu bytes", strlen(msg));
	while (got < sizeof buf - 1 && memchr(buf, '\n', got) == NULL) {
		if (!(wait_fd(c, fd, POLLIN, deadline) &
		      (POLLIN | POLLHUP | POLLERR)))
			break;
		n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	for (size_t i = 0; i < got; i++)
		if (!isprint((unsigned char)buf[i]))
			buf[i] = buf[i] == '\n' ? '\0' : '.';
	snprintf(res->peer_msg, sizeof res->peer_msg, "%.95s", buf);
	sl_events_add(res->events, 'L', "s", "recv", (int)got, 0, "\"%.60s\"",
		      res->peer_msg);
	res->exchanged = sent && strncmp(res->peer_msg, "synlab ", 7) == 0;
	sl_events_add(res->events, 'L', "s", "shutdown", shutdown(fd, SHUT_WR),
		      0, "SHUT_WR");
	/* Until the peer's FIN (recv 0) or the deadline. */
	while (wait_fd(c, fd, POLLIN, deadline) & (POLLIN | POLLHUP | POLLERR))
		if (recv(fd, buf, sizeof buf, 0) <= 0)
			break;
}

/* One attempt at its instant.  Returns true when connect() succeeded. */
static bool
attempt(struct rem_ctx *c, unsigned k, int64_t at, int64_t give_up_real)
{
	struct sl_remote_result *res = c->res;
	struct sl_remote_attempt *a = &res->attempt[res->nattempts++];
	char to[160];
	int fd, one = 1, rc, err;

	a->at_ns = at;
	a->err = ETIMEDOUT;
	fd = socket(c->peer.sa.sa_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		a->err = errno;
		sl_events_add(res->events, 'L', "s", "socket", -1, a->err,
			      NULL);
		return false;
	}
	/* A TIME-WAIT of an earlier run on this port must not block bind. */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	rc = bind(fd, &c->local.sa, c->alen);
	sl_events_add(res->events, 'L', "s", "bind", rc, rc ? errno : 0, "%s",
		      res->local);
	if (rc != 0) {
		a->err = errno;
		close(fd);
		return false;
	}
	(void)wait_real(c, at);
	if (stopped(c)) {
		close(fd);
		return false;
	}
	a->called_ns = sl_now_real_ns();
	rc = connect(fd, &c->peer.sa, c->alen);
	err = rc ? errno : 0;
	if (a->called_ns - at > res->spin_late_ns)
		res->spin_late_ns = a->called_ns - at;
	snprintf(to, sizeof to, "attempt %u, to %s, %.0f us after TIME", k,
		 res->remote, (double)(a->called_ns - at) / 1e3);
	sl_events_add_at(res->events, a->called_ns, 'L', "s", "connect", rc,
			 err, "%s", to);
	if (rc != 0 && err == EINPROGRESS) {
		int64_t left = give_up_real - sl_now_real_ns();
		short ev = wait_fd(c, fd, POLLOUT,
				   sl_now_mono_ns() + (left > 0 ? left : 0));
		socklen_t el = sizeof err;

		err = ETIMEDOUT;
		if (ev)
			(void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
		a->done_ns = sl_now_real_ns();
		if (ev)
			sl_events_add(res->events, 'L', "s", "connect-done",
				      err ? -1 : 0, err, NULL);
		else
			ev_note(c, "attempt %u: no answer, abandoned", k);
	} else {
		a->done_ns = sl_now_real_ns();
		if (err == EADDRNOTAVAIL)
			ev_note(c, "the tuple is taken (TIME-WAIT of an "
				   "earlier run?): wait 60 s or change --port");
	}
	a->err = err;
	if (err == 0) {
		exchange(c, fd, k);
		rc = close(fd);
		sl_events_add(res->events, 'L', "s", "close", rc,
			      rc ? errno : 0, NULL);
		return true;
	}
	close(fd);
	return false;
}

/* Reads the capture until REM_QUIET_NS without a packet, then drains it. */
static void
cap_finish(struct rem_ctx *c)
{
	struct sl_remote_result *res = c->res;
	int64_t end = sl_now_mono_ns() + REM_LINGER_MAX;
	struct pcap_stat ps;

	c->last_pkt_mono = sl_now_mono_ns();
	while (!stopped(c) && sl_now_mono_ns() < end &&
	       sl_now_mono_ns() - c->last_pkt_mono < REM_QUIET_NS)
		(void)wait_fd(c, -1, 0, sl_now_mono_ns() + 20000000);
	for (unsigned round = 0; round < 1000; round++) {
		unsigned before = res->npkts;
		struct pollfd p = {c->pcfd, POLLIN, 0};

		cap_read(c);
		if (res->npkts != before)
			continue;
		if (poll(&p, 1, 2) <= 0)
			break;
	}
	if (pcap_stats(c->pc, &ps) == 0) {
		res->ps_recv = ps.ps_recv;
		res->ps_drop = ps.ps_drop;
		res->ps_ifdrop = ps.ps_ifdrop;
	}
}

int
sl_remote_run(const struct sl_remote_opts *o, struct sl_remote_result *res,
	      char *errbuf)
{
	struct rem_ctx c;
	char when[40], clk[160];
	int rc;

	memset(res, 0, sizeof *res);
	res->events = sl_events_new();
	memset(&c, 0, sizeof c);
	c.o = o;
	c.res = res;
	c.pcfd = -1;
	if (o->attempts < 1 || o->attempts > SL_REMOTE_MAXATTEMPTS ||
	    o->interval_ns <= 0 || o->peer == NULL || o->pcap_fd < 0) {
		sl_errbuf_set(errbuf, "remote run: bad options");
		return SL_EINVAL;
	}
	sl_clock_state_read(&res->clock_before);
	if ((rc = resolve(&c, errbuf)) != SL_OK)
		goto out;
	if (o->ifname != NULL)
		snprintf(res->ifname, sizeof res->ifname, "%s", o->ifname);
	else if ((rc = route_ifname(&c, errbuf)) != SL_OK)
		goto out;

	/* Phase 1, privileged: the capture handle. */
	if ((rc = cap_open(&c, errbuf)) != SL_OK)
		goto out;

	/* Phase 2: the attempts, each at its instant. */
	sl_fmt_instant(o->at_ns, when, sizeof when);
	sl_clock_state_text(&res->clock_before, clk, sizeof clk);
	fact(res, "local %s on %s, peer %s (%s)", res->local, res->ifname,
	     res->remote, o->peer);
	fact(res, "TIME %s, %u attempt%s %.3f s apart", when, o->attempts,
	     o->attempts == 1 ? "" : "s", (double)o->interval_ns / 1e9);
	fact(res, "clock: %s", clk);
	ev_note(&c, "capture on %s armed, waiting for TIME", res->ifname);
	for (unsigned k = 1; k <= o->attempts && !stopped(&c); k++) {
		int64_t at = o->at_ns + (int64_t)(k - 1) * o->interval_ns;
		int64_t give_up =
		    k < o->attempts
			? at + o->interval_ns - REM_NEXT_MARGIN
			: at + (o->interval_ns > REM_LAST_WAIT ? o->interval_ns
							       : REM_LAST_WAIT);

		if (at < sl_now_real_ns() + 1000000) {
			ev_note(&c,
				"attempt %u: its instant has passed, "
				"skipped",
				k);
			continue;
		}
		if (attempt(&c, k, at, give_up)) {
			res->connected = k;
			break;
		}
	}
	if (stopped(&c)) {
		res->interrupted = true;
		rc = SL_EINTR;
	}

	/* Phase 3: the last segments (FIN, ACK), then drain. */
	cap_finish(&c);
	sl_clock_state_read(&res->clock_after);
	if (res->connected)
		fact(res,
		     "attempt %u connected%s; worst connect() lateness "
		     "%.1f us after TIME",
		     res->connected,
		     res->exchanged ? ", messages exchanged" : "",
		     (double)res->spin_late_ns / 1e3);
	else
		fact(res, "no attempt connected (%u made)", res->nattempts);
out:
	if (c.dump != NULL) {
		pcap_dump_close(c.dump);
	}
	if (c.pc != NULL)
		pcap_close(c.pc);
	return rc;
}

void
sl_remote_result_free(struct sl_remote_result *res)
{
	sl_events_free(res->events);
	free(res->pkt_ts);
	res->events = NULL;
	res->pkt_ts = NULL;
}

/* ---- the lab: two hosts over the TUN wire for the proof ---- */

int
sl_remote_enter_netns(const char *path, char *errbuf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_ENV;
	}
	if (setns(fd, CLONE_NEWNET) != 0) {
		sl_errbuf_set(errbuf, "setns %s: %s%s", path, strerror(errno),
			      errno == EINVAL ? " (not a network namespace)"
					      : "");
		close(fd);
		return errno == EPERM ? SL_EPERM : SL_ENV;
	}
	close(fd);
	return SL_OK;
}

int
sl_remote_lab_hold(int64_t delay_ns, int64_t hold_ns, FILE *out,
		   volatile const int *stop, char *errbuf)
{
	struct sl_lab *lab;
	struct sl_sandbox *sb;
	struct sl_wire *w;
	int nsfd[2] = {-1, -1}, rc;
	int64_t end = sl_now_mono_ns() + hold_ns;

	if (hold_ns <= 0 || hold_ns > SL_REMOTE_HOLD_MAX_NS) {
		sl_errbuf_set(errbuf, "--lab-hold wants more than 0s, at most "
				      "3600s");
		return SL_EINVAL;
	}
	if ((rc = sl_sandbox_check(true, errbuf)) != SL_OK)
		return rc;
	/* The test (our parent) dies: so do we, and the hosts with us. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* The hosts' own runs capture; the lab records nothing. */
	if ((lab = sl_lab_open(2, 4, false, errbuf, &rc)) == NULL)
		return rc;
	sl_lab_set_delay(lab, delay_ns);
	sb = sl_lab_sandbox(lab);
	w = sl_lab_wire(lab);
	/* An fd of our own to each host, for /proc/PID/fd/N. */
	for (unsigned h = 0; h < 2; h++) {
		if (sl_sandbox_enter(sb, h) != SL_OK) {
			sl_errbuf_set(errbuf, "setns host %c: %s",
				      sl_sandbox_host_name(h), strerror(errno));
			rc = SL_ENV;
			goto out;
		}
		nsfd[h] =
		    open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		sl_sandbox_leave(sb);
		if (nsfd[h] < 0) {
			sl_errbuf_set(errbuf, "/proc/thread-self/ns/net: %s",
				      strerror(errno));
			rc = SL_ENV;
			goto out;
		}
		fprintf(out, "%c /proc/%ld/fd/%d 10.0.0.%u %s\n",
			sl_sandbox_host_name(h), (long)getpid(), nsfd[h], h + 1,
			sl_wire_ifname(w, (int)h));
	}
	fprintf(out, "ready\n");
	fflush(out);
	while (!(stop != NULL && *stop) && sl_now_mono_ns() < end) {
		struct timespec ts = {0, 50000000};

		nanosleep(&ts, NULL);
	}
	rc = stop != NULL && *stop ? SL_EINTR : SL_OK;
out:
	for (unsigned h = 0; h < 2; h++)
		if (nsfd[h] >= 0)
			close(nsfd[h]);
	sl_lab_free(lab);
	return rc;
}
