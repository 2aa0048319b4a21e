/* \summary: a two-host lab reused across runs; the simultaneous open of one sweep point (RFC 9293 §3.5) */
#include "lab.h"
#include "netaddr.h"
#include "par.h"
#include "timearg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct sl_lab {
	int family;
	int64_t delay_ns;
	struct sl_sandbox *sb;
	struct sl_wire *w;
	struct sl_wire *lan[2]; /* the NAT lab's inside links; NULL */
	struct sl_recorder *rec;
	struct sl_events *ev;
	bool finished;
	int64_t setup_ns;
};

/* A lab with its sandbox of nhosts; NULL with errbuf and *rc. */
static struct sl_lab *
lab_begin(unsigned nhosts, int family, char *errbuf, int *rc)
{
	struct sl_lab *lab = sl_xcalloc(1, sizeof *lab);

	lab->setup_ns = sl_now_mono_ns();
	lab->family = family;
	lab->rec = sl_recorder_new();
	lab->ev = sl_events_new();
	/* Phase 1, privileged: namespaces, TUN devices, capture handles. */
	lab->sb = sl_sandbox_new(nhosts, family == 6, errbuf);
	if (lab->sb == NULL) {
		*rc = sl_sandbox_check(nhosts > 1, NULL) == SL_EPERM ? SL_EPERM
								     : SL_ENV;
		sl_lab_free(lab);
		return NULL;
	}
	return lab;
}

/*
 * The lab built so far (rc: how that went): starts the capture of what
 * was registered, or removes the lab and says why.
 */
static struct sl_lab *
lab_end(struct sl_lab *lab, int rc, bool capture, char *errbuf, int *rcp)
{
	if (rc >= 0 && capture)
		rc = sl_recorder_start(lab->rec, errbuf);
	if (rc >= 0) {
		lab->setup_ns = sl_now_mono_ns() - lab->setup_ns;
		return lab;
	}
	if (rcp != NULL)
		*rcp = rc;
	sl_lab_free(lab);
	return NULL;
}

struct sl_lab *
sl_lab_open(unsigned nhosts, int family, bool capture, char *errbuf, int *rcp)
{
	int rc = SL_ENV;
	struct sl_lab *lab = lab_begin(nhosts, family, errbuf, &rc);

	if (lab == NULL) {
		if (rcp != NULL)
			*rcp = rc;
		return NULL;
	}
	if (nhosts == 2 &&
	    (lab->w = sl_wire_new(lab->sb, 0, 1, family == 6, errbuf)) == NULL)
		return lab_end(lab, SL_ENV, capture, errbuf, rcp);
	rc = SL_OK;
	for (unsigned h = 0; capture && h < nhosts && rc >= 0; h++)
		rc = sl_recorder_add(
		    lab->rec, lab->sb, h,
		    lab->w ? sl_wire_ifname(lab->w, (int)h) : "lo", errbuf);
	return lab_end(lab, rc, capture, errbuf, rcp);
}

struct sl_lab *
sl_lab_open_nat(const struct sl_nat_cfg cfg[2], char *errbuf, int *rcp)
{
	static const struct sl_wire_net wan = {0, {"wanA", "wanB"}},
					lan[2] = {{1, {"lanA", "tunA"}},
						  {2, {"lanB", "tunB"}}};
	/* Host A's inside, the public wire at NAT A, host B's inside. */
	static const struct {
		unsigned host;
		const char *ifname;
	} vantage[] = {
	    {SL_NAT_HOST_A, "tunA"},
	    {SL_NAT_ROUTER(0), "wanA"},
	    {SL_NAT_HOST_B, "tunB"},
	};
	int rc = SL_ENV;
	struct sl_lab *lab = lab_begin(4, 4, errbuf, &rc);

	if (lab == NULL) {
		if (rcp != NULL)
			*rcp = rc;
		return NULL;
	}
	lab->w = sl_wire_new_net(lab->sb, SL_NAT_ROUTER(0), SL_NAT_ROUTER(1),
				 false, &wan, errbuf);
	for (unsigned h = 0; h < 2 && lab->w != NULL; h++)
		if ((lab->lan[h] = sl_wire_new_net(lab->sb, SL_NAT_ROUTER(h), h,
						   false, &lan[h], errbuf)) ==
		    NULL)
			return lab_end(lab, SL_ENV, true, errbuf, rcp);
	rc = lab->w != NULL ? sl_nat_setup(lab->sb, cfg, errbuf) : SL_ENV;
	for (size_t i = 0; i < sizeof vantage / sizeof vantage[0] && rc >= 0;
	     i++)
		rc = sl_recorder_add(lab->rec, lab->sb, vantage[i].host,
				     vantage[i].ifname, errbuf);
	return lab_end(lab, rc, true, errbuf, rcp);
}

struct sl_lab *
sl_lab_new(int family, char *errbuf, int *rcp)
{
	return sl_lab_open(2, family, true, errbuf, rcp);
}

int
sl_lab_family(const struct sl_lab *lab)
{
	return lab->family;
}

struct sl_sandbox *
sl_lab_sandbox(struct sl_lab *lab)
{
	return lab->sb;
}

struct sl_wire *
sl_lab_wire(struct sl_lab *lab)
{
	return lab->w;
}

struct sl_events *
sl_lab_events(struct sl_lab *lab)
{
	return lab->ev;
}

struct sl_recorder *
sl_lab_recorder(struct sl_lab *lab)
{
	return lab->rec;
}

int64_t
sl_lab_setup_ns(const struct sl_lab *lab)
{
	return lab->setup_ns;
}

void
sl_lab_set_delay(struct sl_lab *lab, int64_t delay_ns)
{
	lab->delay_ns = delay_ns;
	if (lab->w == NULL)
		return;
	sl_wire_set_delay(lab->w, SL_WIRE_AB, delay_ns);
	sl_wire_set_delay(lab->w, SL_WIRE_BA, delay_ns);
}

int64_t
sl_lab_delay(const struct sl_lab *lab)
{
	return lab->delay_ns;
}

void
sl_lab_addr(const struct sl_lab *lab, int host, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (lab->family == 6) {
		addr[0] = 0xfd;
		addr[15] = (uint8_t)(host + 1);
	} else {
		addr[0] = 10;
		addr[3] = (uint8_t)(host + 1);
	}
}

void
sl_lab_finish(struct sl_lab *lab, int64_t idle_ns, volatile const int *stop)
{
	if (lab->finished)
		return;
	if (lab->w != NULL)
		(void)sl_wire_wait_idle(
		    lab->w, idle_ns,
		    sl_now_mono_ns() + 2000000000LL + 4 * lab->delay_ns, stop);
	sl_recorder_stop(lab->rec);
	lab->finished = true;
}

/* Teardown jobs for sl_par_run: close the capture, or remove the wire. */
struct teardown_job {
	struct sl_recorder *rec;
	struct sl_wire *w;
};

static void
teardown_one(void *arg)
{
	struct teardown_job *j = arg;

	if (j->rec != NULL)
		sl_recorder_close(j->rec);
	else
		sl_wire_free(j->w);
}

void
sl_lab_free_keep(struct sl_lab *lab, struct sl_recorder **rec,
		 struct sl_events **ev)
{
	struct teardown_job jr = {lab ? lab->rec : NULL, NULL}, jw[3];

	if (lab == NULL)
		return;
	/* Handles and devices are removed side by side (grace periods). */
	jw[0] = (struct teardown_job){NULL, lab->w};
	jw[1] = (struct teardown_job){NULL, lab->lan[0]};
	jw[2] = (struct teardown_job){NULL, lab->lan[1]};
	sl_par_run(teardown_one, (void *const[]){&jr, &jw[0], &jw[1], &jw[2]},
		   lab->lan[0] || lab->lan[1] ? 4 : 2);
	sl_sandbox_free(lab->sb);
	if (rec != NULL)
		*rec = lab->rec;
	else
		sl_recorder_free(lab->rec);
	if (ev != NULL)
		*ev = lab->ev;
	else
		sl_events_free(lab->ev);
	free(lab);
}

void
sl_lab_free(struct sl_lab *lab)
{
	sl_lab_free_keep(lab, NULL, NULL);
}

/* ---- one simultaneous open ---- */

static socklen_t
lab_sockaddr(const struct sl_lab *lab, int host, uint16_t port,
	     struct sockaddr_storage *ss)
{
	uint8_t a[16];

	sl_lab_addr(lab, host, a);
	return sl_sockaddr_make(lab->family, a, port, ss);
}

void
sl_simopen_connect(const int fd[2], const struct sockaddr_storage peer[2],
		   socklen_t alen, const int64_t t[2], struct sl_events *ev,
		   struct sl_simopen_run *r)
{
	static const char *const label[2] = {"a", "b"};
	unsigned first = t[1] < t[0];
	bool fifo = sl_fifo_enter();
	char s[64];

	for (unsigned k = 0; k < 2; k++) {
		unsigned h = k == 0 ? first : !first;
		int rc, err;

		(void)sl_sleep_until(CLOCK_MONOTONIC, t[h], NULL);
		r->t_connect[h] = sl_now_real_ns();
		rc = connect(fd[h], (const struct sockaddr *)&peer[h], alen);
		err = rc == 0 ? 0 : errno;
		r->err[h] = rc == 0 ? 0 : err == EINPROGRESS ? -1 : err;
		if (ev != NULL)
			sl_events_add_at(
			    ev, r->t_connect[h], (char)('A' + h), label[h],
			    "connect", rc, err, "to %s",
			    sl_sockaddr_str((const struct sockaddr *)&peer[h],
					    s, sizeof s));
	}
	sl_fifo_leave(fifo);
}

int
sl_simopen_wait(const int fd[2], int64_t deadline, struct sl_events *ev,
		struct sl_simopen_run *r, volatile const int *stop)
{
	static const char *const label[2] = {"a", "b"};
	bool done[2] = {r->err[0] != -1, r->err[1] != -1};

	while (!(done[0] && done[1]) && sl_now_mono_ns() < deadline &&
	       !(stop && *stop)) {
		struct pollfd p[2] = {{done[0] ? -1 : fd[0], POLLOUT, 0},
				      {done[1] ? -1 : fd[1], POLLOUT, 0}};

		if (poll(p, 2, 5) <= 0)
			continue;
		for (int h = 0; h < 2; h++) {
			int err = 0;
			socklen_t el = sizeof err;

			if (done[h] || !p[h].revents)
				continue;
			(void)getsockopt(fd[h], SOL_SOCKET, SO_ERROR, &err,
					 &el);
			r->err[h] = err;
			done[h] = true;
			if (ev != NULL)
				sl_events_add(ev, (char)('A' + h), label[h],
					      "connect-done", err ? -1 : 0, err,
					      NULL);
		}
	}
	return stop && *stop ? SL_EINTR : SL_OK;
}

void
sl_crossing_measure(const int64_t t_connect[2], const int64_t arrive[2],
		    int64_t delay_ns, int64_t offset_ns, struct sl_crossing *x)
{
	x->plan[0] = delay_ns + offset_ns;
	x->plan[1] = delay_ns - offset_ns;
	x->slip = -1;
	for (int h = 0; h < 2; h++) {
		int64_t d;

		x->margin[h] = INT64_MIN;
		if (t_connect[h] == 0 || arrive[!h] == 0)
			continue;
		x->margin[h] = arrive[!h] - t_connect[h];
		d = x->margin[h] - x->plan[h];
		if (d < 0)
			d = -d;
		if (d > x->slip)
			x->slip = d;
	}
}

int
sl_lab_simopen(struct sl_lab *lab, uint16_t port, int64_t offset_ns,
	       struct sl_simopen_run *r, volatile const int *stop, char *errbuf)
{
	struct sockaddr_storage self[2], peer[2];
	socklen_t alen = 0;
	int fd[2] = {-1, -1}, rc = SL_OK, one = 1;
	int64_t t[2], start = sl_now_mono_ns();

	memset(r, 0, sizeof *r);
	r->err[0] = r->err[1] = -1;
	for (int h = 0; h < 2; h++) {
		alen = lab_sockaddr(lab, h, port, &self[h]);
		lab_sockaddr(lab, !h, port, &peer[h]);
		fd[h] = sl_sandbox_socket(
		    lab->sb, (unsigned)h, lab->family == 6 ? AF_INET6 : AF_INET,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd[h] < 0 ||
		    setsockopt(fd[h], SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof one) != 0 ||
		    bind(fd[h], (struct sockaddr *)&self[h], alen) != 0) {
			sl_errbuf_set(errbuf,
				      "host %c port %u: socket/bind: %s",
				      'A' + h, port, strerror(errno));
			rc = SL_ENV;
			goto out;
		}
	}
	/* A 1 ms lead so that neither call waits on the other's setup. */
	t[0] = sl_now_mono_ns() + 1000000 + (offset_ns < 0 ? -offset_ns : 0);
	t[1] = t[0] + offset_ns;
	if (lab->w != NULL)
		sl_wire_watch_syn(lab->w, port);
	sl_simopen_connect(fd, peer, alen, t, NULL, r);
	rc = sl_simopen_wait(
	    fd, sl_now_mono_ns() + 3000000000LL + 4 * lab->delay_ns, NULL, r,
	    stop);
	if (lab->w != NULL)
		sl_wire_arrivals(lab->w, r->arrive);
out:
	for (int h = 0; h < 2; h++)
		if (fd[h] >= 0)
			close(fd[h]);
	r->duration_ns = sl_now_mono_ns() - start;
	return rc;
}
