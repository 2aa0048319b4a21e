/* \summary: scenario catalogue and runner (RFC 9293 §3.5 Figures 6-7, self-connect, SO_REUSEPORT) */
#define _GNU_SOURCE /* pthread_sigmask users, ppoll */
#include "scenario.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "peek.h"
#include "sandbox.h"
#include "timearg.h"

#define PORT_SIMOPEN 1314
#define PORT_SELF    50000
#define PORT_REUSE   9000
#define RACE_LO	     40000
#define RACE_HI	     40255
#define RACE_PORT    40128 /* even: connect() prefers even ports */

struct sl_scn_ctx {
	const struct sl_scn_opts *o;
	struct sl_sandbox *sb;
	struct sl_wire *w;
	struct sl_events *ev;
	char *facts;
	size_t factslen;
	struct sl_scn_result *res;
};

/* ---- small helpers ---- */

static bool
stopped(const struct sl_scn_ctx *c)
{
	return c->o->stop != NULL && *c->o->stop;
}

static void fact(struct sl_scn_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fact(struct sl_scn_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sl_facts_vadd(c->facts, c->factslen, fmt, ap);
	va_end(ap);
}

union sa_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

/*
 * Address of a host: loopback (host < 0) or the wire address of host
 * 0 (A) / 1 (B).
 */
static socklen_t
mkaddr(union sa_any *a, int family, int host, uint16_t port)
{
	uint8_t b[16] = {0};

	if (family == 6 && host < 0) {
		b[15] = 1; /* ::1 */
	} else if (family == 6) {
		b[0] = 0xfd;
		b[15] = (uint8_t)(host + 1);
	} else {
		b[0] = host < 0 ? 127 : 10;
		b[3] = (uint8_t)(host < 0 ? 1 : host + 1);
	}
	return sl_sockaddr_make(family, b, port, &a->ss);
}

static int
domain_of(const struct sl_scn_ctx *c)
{
	return c->o->family == 6 ? AF_INET6 : AF_INET;
}

/* socket() in host, recorded. */
static int
ev_socket(struct sl_scn_ctx *c, unsigned host, const char *label, int flags)
{
	int fd = sl_sandbox_socket(c->sb, host, domain_of(c),
				   SOCK_STREAM | SOCK_CLOEXEC | flags, 0);

	sl_events_add(c->ev, sl_sandbox_host_name(host), label, "socket", fd,
		      fd < 0 ? errno : 0, "%s, SOCK_STREAM%s",
		      c->o->family == 6 ? "AF_INET6" : "AF_INET",
		      flags & SOCK_NONBLOCK ? " | SOCK_NONBLOCK" : "");
	return fd;
}

static int
ev_bind(struct sl_scn_ctx *c, unsigned host, const char *label, int fd,
	const union sa_any *a, socklen_t alen)
{
	char s[64];
	int rc = bind(fd, &a->sa, alen);

	sl_events_add(c->ev, sl_sandbox_host_name(host), label, "bind", rc,
		      rc ? errno : 0, "%s",
		      sl_sockaddr_str(&a->sa, s, sizeof s));
	return rc;
}

static int
ev_setsockopt(struct sl_scn_ctx *c, unsigned host, const char *label, int fd,
	      int level, int opt, const char *optname, int val)
{
	int rc = setsockopt(fd, level, opt, &val, sizeof val);

	sl_events_add(c->ev, sl_sandbox_host_name(host), label, "setsockopt",
		      rc, rc ? errno : 0, "%s = %d", optname, val);
	return rc;
}

/* connect(); the "called" instant is taken just before the call. */
static int
ev_connect(struct sl_scn_ctx *c, unsigned host, const char *label, int fd,
	   const union sa_any *a, socklen_t alen)
{
	char s[64];
	int64_t t = sl_now_real_ns();
	int rc = connect(fd, &a->sa, alen), err = rc ? errno : 0;

	sl_events_add_at(c->ev, t, sl_sandbox_host_name(host), label, "connect",
			 rc, err, "to %s",
			 sl_sockaddr_str(&a->sa, s, sizeof s));
	errno = err;
	return rc;
}

static void
ev_close(struct sl_scn_ctx *c, unsigned host, const char *label, int fd)
{
	int rc;

	if (fd < 0)
		return;
	rc = close(fd);
	sl_events_add(c->ev, sl_sandbox_host_name(host), label, "close", rc,
		      rc ? errno : 0, NULL);
}

/* Blocking calls never hang a run: 2 s at most, then ETIMEDOUT/EAGAIN. */
static void
set_timeouts(int fd)
{
	struct timeval tv = {2, 0};

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* ---- simultaneous-open: two hosts over the TUN wire ---- */

/* "A's SYN reached B 0.662 ms before B's connect() (planned 0.800)" */
static void
crossing_part(char *buf, size_t len, char from, int64_t margin, int64_t plan)
{
	char to = from == 'A' ? 'B' : 'A';

	if (margin == INT64_MIN)
		snprintf(buf, len, "%c's SYN did not reach %c", from, to);
	else
		snprintf(buf, len,
			 "%c's SYN reached %c %.3f ms %s %c's connect() "
			 "(planned %.3f %s)",
			 from, to,
			 (double)(margin < 0 ? -margin : margin) / 1e6,
			 margin < 0 ? "before" : "after", to,
			 (double)(plan < 0 ? -plan : plan) / 1e6,
			 plan < 0 ? "before" : "after");
}

/* The timed crossing as measured: into the result and a fact. */
static void
crossing_fact(struct sl_scn_ctx *c, const struct sl_simopen_run *r)
{
	const struct sl_crossing *x = &c->res->crossing;
	int64_t arrive[2];
	char a[128], b[128];

	c->res->timed = true;
	sl_wire_arrivals(c->w, arrive);
	sl_crossing_measure(r->t_connect, arrive, c->o->delay_ns,
			    c->o->offset_ns, &c->res->crossing);
	crossing_part(a, sizeof a, 'A', x->margin[1], x->plan[1]);
	crossing_part(b, sizeof b, 'B', x->margin[0], x->plan[0]);
	fact(c, "measured: %s; %s%s", a, b,
	     x->slip > SL_CROSSING_SLIP_NS ? "; the timing slipped: this run "
					     "measured another offset"
					   : "");
}

/*
 * RFC 9293 §3.5 Figure 7: each side sends a bare SYN before it has seen the
 * other's; each answers the other's SYN with a SYN-ACK carrying its own ISN.
 * Gate mode holds both SYNs on the wire until both sockets are in SYN-SENT
 * and releases them together; offset mode calls B's connect() offset after
 * A's over a wire of the given one-way delay.
 */
static int
run_simopen(struct sl_scn_ctx *c, char *errbuf)
{
	static const char *const label[2] = {"a", "b"};
	const struct sl_scn_opts *o = c->o;
	union sa_any self[2], peer[2];
	struct sockaddr_storage to[2];
	struct sl_simopen_run r;
	socklen_t alen = 0;
	int fd[2] = {-1, -1}, rc = SL_OK;
	int64_t t[2] = {0, 0}; /* gate: both at once */

	memset(&r, 0, sizeof r);
	r.err[0] = r.err[1] = -1;
	for (unsigned h = 0; h < 2; h++) {
		alen = mkaddr(&self[h], o->family, (int)h, PORT_SIMOPEN);
		mkaddr(&peer[h], o->family, (int)!h, PORT_SIMOPEN);
		to[h] = peer[h].ss;
		fd[h] = ev_socket(c, h, label[h], SOCK_NONBLOCK);
		if (fd[h] < 0 ||
		    ev_bind(c, h, label[h], fd[h], &self[h], alen)) {
			sl_errbuf_set(errbuf, "host %c: socket/bind: %s",
				      sl_sandbox_host_name(h), strerror(errno));
			rc = SL_ENV;
			goto out;
		}
	}
	sl_wire_set_delay(c->w, SL_WIRE_AB, o->delay_ns);
	sl_wire_set_delay(c->w, SL_WIRE_BA, o->delay_ns);
	if (o->has_offset) {
		fact(c,
		     "mode: offset, B's connect() %+.3f ms after A's, "
		     "one-way delay %.3f ms",
		     (double)o->offset_ns / 1e6, (double)o->delay_ns / 1e6);
		t[0] = sl_now_mono_ns() + 1000000 +
		       (o->offset_ns < 0 ? -o->offset_ns : 0);
		t[1] = t[0] + o->offset_ns;
		sl_wire_watch_syn(c->w, PORT_SIMOPEN);
		sl_simopen_connect(fd, to, alen, t, c->ev, &r);
	} else {
		fact(c,
		     "mode: gate (both SYNs held on the wire, released "
		     "together), one-way delay %.3f ms",
		     (double)o->delay_ns / 1e6);
		sl_wire_gate(c->w, SL_WIRE_AB, true);
		sl_wire_gate(c->w, SL_WIRE_BA, true);
		sl_simopen_connect(fd, to, alen, t, c->ev, &r);
		if (sl_wire_wait_held(c->w, 1, 1, sl_now_mono_ns() + 1000000000,
				      o->stop) != SL_OK) {
			sl_errbuf_set(errbuf,
				      "the SYNs never reached the wire");
			rc = stopped(c) ? SL_EINTR : SL_ENV;
			goto out;
		}
		t[0] = sl_now_mono_ns() + 200000;
		sl_wire_release(c->w, SL_WIRE_AB, t[0]);
		sl_wire_release(c->w, SL_WIRE_BA, t[0]);
		sl_events_add(c->ev, 'A', "", "note", 0, 0,
			      "wire: both SYNs released together");
	}
	/* connect() completes when the socket turns writable. */
	rc = sl_simopen_wait(fd,
			     sl_now_mono_ns() + 3000000000LL + 4 * o->delay_ns,
			     c->ev, &r, o->stop);
	if (o->has_offset)
		crossing_fact(c, &r);
out:
	for (unsigned h = 0; h < 2; h++)
		ev_close(c, h, label[h], fd[h]);
	return rc;
}

/* ---- self-connect: one socket bound to 127.0.0.1:P connects to P ---- */

static int
run_self(struct sl_scn_ctx *c, char *errbuf)
{
	static const char msg[] = "synlab self-connect\n";
	union sa_any a;
	socklen_t alen = mkaddr(&a, c->o->family, -1, PORT_SELF);
	char back[sizeof msg];
	ssize_t n;
	int fd, rc = SL_OK;

	fd = ev_socket(c, 0, "s", 0);
	if (fd < 0)
		goto fail;
	set_timeouts(fd);
	if (ev_bind(c, 0, "s", fd, &a, alen) != 0)
		goto fail;
	if (ev_connect(c, 0, "s", fd, &a, alen) != 0) {
		fact(c, "connect() to itself failed: %s", strerror(errno));
		goto out;
	}
	n = send(fd, msg, sizeof msg - 1, 0);
	sl_events_add(c->ev, 'A', "s", "send", (int)n, n < 0 ? errno : 0,
		      "%zu bytes", sizeof msg - 1);
	memset(back, 0, sizeof back);
	n = recv(fd, back, sizeof back - 1, 0);
	sl_events_add(c->ev, 'A', "s", "recv", (int)n, n < 0 ? errno : 0, "%s",
		      n == (ssize_t)sizeof msg - 1 &&
			      memcmp(back, msg, (size_t)n) == 0
			  ? "read back what it sent"
			  : "did not read back what it sent");
	fact(c,
	     "one socket, bound to and connected to its own address; "
	     "data sent came back: %s",
	     n == (ssize_t)sizeof msg - 1 ? "yes" : "no");
out:
	ev_close(c, 0, "s", fd);
	return rc;
fail:
	sl_errbuf_set(errbuf, "self-connect: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return SL_ENV;
}

/* ---- reuseport: SO_REUSEPORT and the refusals of a taken 4-tuple ---- */

static int
run_reuseport(struct sl_scn_ctx *c, char *errbuf)
{
	union sa_any local, p1, p2;
	socklen_t alen = mkaddr(&local, c->o->family, -1, PORT_REUSE);
	int l1 = -1, l2 = -1, s1 = -1, s2 = -1, s3 = -1, s4 = -1, a1 = -1,
	    a2 = -1, rc = SL_OK;
	char sbuf[64];

	mkaddr(&p1, c->o->family, -1, PORT_REUSE + 1);
	mkaddr(&p2, c->o->family, -1, PORT_REUSE + 2);
	/* Two peers listening. */
	l1 = ev_socket(c, 0, "l1", 0);
	l2 = ev_socket(c, 0, "l2", 0);
	if (l1 < 0 || l2 < 0 || ev_bind(c, 0, "l1", l1, &p1, alen) ||
	    ev_bind(c, 0, "l2", l2, &p2, alen))
		goto fail;
	sl_events_add(c->ev, 'A', "l1", "listen", listen(l1, 4), 0, NULL);
	sl_events_add(c->ev, 'A', "l2", "listen", listen(l2, 4), 0, NULL);
	/* Two sockets share one local address:port. */
	s1 = ev_socket(c, 0, "s1", 0);
	s2 = ev_socket(c, 0, "s2", 0);
	if (s1 < 0 || s2 < 0)
		goto fail;
	set_timeouts(s1);
	set_timeouts(s2);
	if (ev_setsockopt(c, 0, "s1", s1, SOL_SOCKET, SO_REUSEPORT,
			  "SO_REUSEPORT", 1) ||
	    ev_setsockopt(c, 0, "s2", s2, SOL_SOCKET, SO_REUSEPORT,
			  "SO_REUSEPORT", 1) ||
	    ev_bind(c, 0, "s1", s1, &local, alen) ||
	    ev_bind(c, 0, "s2", s2, &local, alen))
		goto fail;
	if (ev_connect(c, 0, "s1", s1, &p1, alen) != 0 ||
	    ev_connect(c, 0, "s2", s2, &p2, alen) != 0) {
		fact(c, "a connect() from the shared port failed: %s",
		     strerror(errno));
		goto out;
	}
	a1 = accept(l1, NULL, NULL);
	sl_events_add(c->ev, 'A', "l1", "accept", a1, a1 < 0 ? errno : 0,
		      "from %s", sl_sockaddr_str(&local.sa, sbuf, sizeof sbuf));
	a2 = accept(l2, NULL, NULL);
	sl_events_add(c->ev, 'A', "l2", "accept", a2, a2 < 0 ? errno : 0,
		      "from %s", sl_sockaddr_str(&local.sa, sbuf, sizeof sbuf));
	/* A third socket on the same port towards a taken 4-tuple. */
	s3 = ev_socket(c, 0, "s3", 0);
	if (s3 < 0)
		goto fail;
	set_timeouts(s3);
	(void)ev_setsockopt(c, 0, "s3", s3, SOL_SOCKET, SO_REUSEPORT,
			    "SO_REUSEPORT", 1);
	(void)ev_bind(c, 0, "s3", s3, &local, alen);
	if (ev_connect(c, 0, "s3", s3, &p1, alen) == 0)
		fact(c, "unexpected: s3 connected over a taken 4-tuple");
	else
		fact(c, "s3 to the taken 4-tuple %s -> %s: %s",
		     sl_sockaddr_str(&local.sa, sbuf, sizeof sbuf), "peer 1",
		     sl_errno_name(errno));
	/* connect() twice on one socket. */
	if (ev_connect(c, 0, "s1", s1, &p1, alen) == 0)
		fact(c, "unexpected: a second connect() on s1 returned 0");
	else
		fact(c, "s1 connect() again: %s", sl_errno_name(errno));
	/* Without the option the port is taken. */
	s4 = ev_socket(c, 0, "s4", 0);
	if (s4 < 0)
		goto fail;
	if (ev_bind(c, 0, "s4", s4, &local, alen) == 0)
		fact(c, "unexpected: s4 bound without SO_REUSEPORT");
	else
		fact(c, "s4 bind without SO_REUSEPORT: %s",
		     sl_errno_name(errno));
	fact(c, "s1 and s2 share %s, connected to two peers",
	     sl_sockaddr_str(&local.sa, sbuf, sizeof sbuf));
	goto out;
fail:
	sl_errbuf_set(errbuf, "reuseport: %s", strerror(errno));
	rc = SL_ENV;
out:
	ev_close(c, 0, "s4", s4);
	ev_close(c, 0, "s3", s3);
	ev_close(c, 0, "s1", s1);
	ev_close(c, 0, "s2", s2);
	ev_close(c, 0, "a1", a1);
	ev_close(c, 0, "a2", a2);
	ev_close(c, 0, "l1", l1);
	ev_close(c, 0, "l2", l2);
	return rc;
}

/* ---- self-connect-race: connect to a free ephemeral port until self ---- */

/*
 * A client connects again and again to 127.0.0.1:P, P free and inside the
 * ephemeral range, with no listener: each attempt is refused by RST until
 * the kernel picks P itself as the source port, and the socket connects to
 * itself.  A small ip_local_port_range, set inside our own namespace only,
 * makes that quick.
 */
static int
run_race(struct sl_scn_ctx *c, char *errbuf)
{
	const struct sl_scn_opts *o = c->o;
	unsigned max = o->max_attempts ? o->max_attempts : 100000, n;
	int64_t limit = o->time_limit_ns ? o->time_limit_ns : 10000000000LL;
	int64_t t0 = sl_now_mono_ns(), tend = t0 + limit;
	union sa_any dst, me;
	socklen_t alen = mkaddr(&dst, o->family, -1, RACE_PORT), ml;
	char range[32];
	bool won = false;
	unsigned refused = 0, other = 0;

	snprintf(range, sizeof range, "%d %d", RACE_LO, RACE_HI);
	if (sl_sandbox_sysctl(c->sb, 0, "net/ipv4/ip_local_port_range", range,
			      errbuf) != SL_OK)
		return SL_ENV;
	sl_events_add(
	    c->ev, 'A', "", "note", 0, 0,
	    "ip_local_port_range %d-%d in the sandbox; target port %d", RACE_LO,
	    RACE_HI, RACE_PORT);
	for (n = 1; n <= max && !stopped(c) && sl_now_mono_ns() < tend; n++) {
		/* Record the first attempt and the winning one in full. */
		bool full = n == 1;
		int fd = sl_sandbox_socket(c->sb, 0, domain_of(c),
					   SOCK_STREAM | SOCK_CLOEXEC, 0);
		int64_t t = sl_now_real_ns();
		int rc, err;

		if (fd < 0) {
			sl_errbuf_set(errbuf, "socket: %s", strerror(errno));
			return SL_ENV;
		}
		set_timeouts(fd);
		rc = connect(fd, &dst.sa, alen);
		err = rc ? errno : 0;
		if (rc == 0) {
			char sb[64], sb2[64];

			ml = sizeof me;
			getsockname(fd, &me.sa, &ml);
			sl_events_add_at(
			    c->ev, t, 'A', "s", "connect", 0, 0,
			    "attempt %u, to %s, from %s", n,
			    sl_sockaddr_str(&dst.sa, sb, sizeof sb),
			    sl_sockaddr_str(&me.sa, sb2, sizeof sb2));
			fact(c,
			     "attempt %u connected to itself (source port "
			     "%u = destination port %d) after %.1f ms",
			     n, ntohs(me.in.sin_port), RACE_PORT,
			     (double)(sl_now_mono_ns() - t0) / 1e6);
			won = true;
			ev_close(c, 0, "s", fd);
			break;
		}
		if (err == ECONNREFUSED)
			refused++;
		else
			other++;
		if (full)
			sl_events_add_at(c->ev, t, 'A', "s", "connect", rc, err,
					 "attempt 1, to port %d", RACE_PORT);
		close(fd);
	}
	if (!won)
		fact(c, "no self-connect within %u attempts", n - 1);
	fact(c, "attempts: %u (refused %u, other errors %u), %.0f attempts/s",
	     won ? n : n - 1, refused, other,
	     (double)(won ? n : n - 1) /
		 ((double)(sl_now_mono_ns() - t0) / 1e9));
	sl_events_add(c->ev, 'A', "", "note", 0, 0,
		      "%u connect() attempts, %u refused before %s",
		      won ? n : n - 1, refused,
		      won ? "the self-connect" : "giving up");
	return stopped(c) ? SL_EINTR : SL_OK;
}

/* ---- catalogue ---- */

static const struct sl_scenario catalogue[] = {
    {
	.name = "self-connect",
	.summary = "one socket bound to 127.0.0.1:P connects to itself, "
		   "sends data and reads it back",
	.nhosts = 1,
	.expect = SL_SHAPE_SELF,
	.deterministic = true,
	.run = run_self,
    },
    {
	.name = "simultaneous-open",
	.summary = "two hosts over the TUN wire, SYNs crossing (gate; "
		   "--delay, --offset)",
	.nhosts = 2,
	.uses_timing = true,
	.expect = SL_SHAPE_SIMOPEN,
	.deterministic = true,
	.run = run_simopen,
    },
    {
	.name = "reuseport",
	.summary = "two SO_REUSEPORT sockets on one addr:port connect to two "
		   "peers; EADDRNOTAVAIL, EISCONN, EADDRINUSE as events",
	.nhosts = 1,
	.expect = SL_SHAPE_THREE_WAY,
	.deterministic = true,
	.run = run_reuseport,
    },
    {
	.name = "self-connect-race",
	.summary = "connect to a free ephemeral port until the kernel picks "
		   "that port: the self-connect flake",
	.nhosts = 1,
	.expect = SL_SHAPE_SELF,
	.also_ok = 1u << SL_SHAPE_REFUSED,
	.deterministic = true,
	.run = run_race,
    },
    {.name = NULL},
};

const struct sl_scenario *
sl_scenario_at(size_t i)
{
	if (i >= sizeof catalogue / sizeof catalogue[0] - 1)
		return NULL;
	return &catalogue[i];
}

const struct sl_scenario *
sl_scenario_find(const char *name)
{
	for (size_t i = 0; catalogue[i].name != NULL; i++)
		if (strcmp(catalogue[i].name, name) == 0)
			return &catalogue[i];
	return NULL;
}

bool
sl_scenario_deterministic(const struct sl_scenario *s,
			  const struct sl_scn_opts *o)
{
	int64_t off;

	if (!s->deterministic)
		return false;
	if (!s->uses_timing || !o->has_offset)
		return true;
	/* docs/kernel-notes.md: the window is |offset| < delay + wire latency. */
	off = o->offset_ns < 0 ? -o->offset_ns : o->offset_ns;
	return off + 500000 <= o->delay_ns;
}

/* ---- the runner ---- */

/* The first bare SYN each host sent, from its own vantage. */
static void
find_syn_refs(struct sl_scn_result *res)
{
	for (unsigned i = 0; i < sl_recorder_count(res->rec); i++) {
		const struct sl_capture *cap = sl_recorder_capture(res->rec, i);
		int h = cap->host - 'A';

		if (h < 0 || h > 1)
			continue;
		for (size_t k = 0; k < cap->npkts; k++) {
			struct sl_peek pk;
			const struct sl_cap_pkt *p = &cap->pkts[k];

			bool wire = cap->dlt != 1; /* not DLT_EN10MB (lo) */
			unsigned from;

			if (sl_peek_frame(cap->dlt, p->data, p->caplen, &pk) !=
			    SL_OK)
				continue;
			from = pk.src[pk.family == 4 ? 3 : 15] - 1u;
			if (wire && i == 0 && from < 2 &&
			    (pk.flags & (SL_TH_SYN | SL_TH_ACK | SL_TH_RST)) ==
				(SL_TH_SYN | SL_TH_ACK))
				res->synacks[from]++;
			if (!sl_peek_is_bare_syn(&pk) || res->t_syn_ref[h] != 0)
				continue;
			/* On the wire, only the SYN this host sent counts. */
			if (!wire || from == (unsigned)h)
				res->t_syn_ref[h] = p->ts_ns;
		}
	}
}

int
sl_scenario_run(const struct sl_scenario *s, const struct sl_scn_opts *o,
		struct sl_scn_result *res, char *errbuf)
{
	struct sl_scn_ctx c;
	struct sl_lab *lab;
	int64_t t0 = sl_now_mono_ns(), t1, t2;
	int rc = SL_ENV;

	memset(res, 0, sizeof *res);
	memset(&c, 0, sizeof c);
	c.o = o;
	c.facts = res->facts;
	c.factslen = sizeof res->facts;
	c.res = res;

	/* Phase 1, privileged: namespaces, devices, capture handles. */
	lab = sl_lab_open(s->nhosts, o->family, true, errbuf, &rc);
	if (lab == NULL) {
		res->rec = sl_recorder_new();
		res->events = sl_events_new();
		return rc;
	}
	c.sb = sl_lab_sandbox(lab);
	c.w = sl_lab_wire(lab);
	c.ev = sl_lab_events(lab);
	res->has_wire = c.w != NULL;
	t1 = sl_now_mono_ns();
	res->setup_ns = t1 - t0;

	/* Phase 2: the experiment. */
	rc = s->run(&c, errbuf);

	/* Phase 3: let the wire fall quiet, drain the capture, tear down. */
	sl_lab_set_delay(lab, o->delay_ns);
	sl_lab_finish(lab, 5000000 + o->delay_ns, o->stop);
	t2 = sl_now_mono_ns();
	res->run_ns = t2 - t1;
	if (c.w != NULL)
		sl_wire_get_stats(c.w, &res->wire);
	sl_lab_free_keep(lab, &res->rec, &res->events);
	res->teardown_ns = sl_now_mono_ns() - t2;
	if (o->stop != NULL && *o->stop) {
		res->interrupted = true;
		rc = SL_EINTR;
	}
	find_syn_refs(res);
	return rc < 0 ? rc : SL_OK;
}

void
sl_scn_result_free(struct sl_scn_result *res)
{
	sl_recorder_free(res->rec);
	sl_events_free(res->events);
	res->rec = NULL;
	res->events = NULL;
}
