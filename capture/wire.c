/* \summary: TUN wire between two namespaces: forwarding thread, delay queue, SYN gate */
#define _GNU_SOURCE /* ppoll */
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "par.h"
#include "peek.h"

#define WIRE_MTU 65536
#define MAXHELD	 16

struct qpkt {
	int64_t due;	/* CLOCK_MONOTONIC instant to write it */
	uint64_t order; /* FIFO among equal due times */
	int dir;
	int syn_port; /* a bare SYN's source port; -1: not a bare SYN */
	size_t len;
	uint8_t *data;
};

struct sl_wire {
	struct sl_sandbox *sb;
	int tun[2]; /* [0] in host a, [1] in host b */
	char ifname[2][IFNAMSIZ];
	int ctl[2]; /* pipe: wakes the thread */
	pthread_t thread;
	bool running;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	int64_t delay[2];
	bool gate[2];
	int64_t release_at[2]; /* 0: none pending */
	struct qpkt held[2][MAXHELD];
	unsigned nheld[2];
	struct qpkt *heap; /* min-heap on (due, order) */
	size_t nheap, capheap;
	uint64_t order;
	int watch_port; /* sl_wire_watch_syn; -1: none */
	struct sl_wire_stats st;
};

/* ---- the time-ordered queue ---- */

static bool
qless(const struct qpkt *x, const struct qpkt *y)
{
	return x->due < y->due || (x->due == y->due && x->order < y->order);
}

static void
heap_push(struct sl_wire *w, struct qpkt q)
{
	size_t i;

	if (w->nheap == w->capheap) {
		w->capheap = w->capheap ? w->capheap * 2 : 64;
		w->heap = sl_xrealloc(w->heap, w->capheap, sizeof *w->heap);
	}
	i = w->nheap++;
	while (i > 0 && qless(&q, &w->heap[(i - 1) / 2])) {
		w->heap[i] = w->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	w->heap[i] = q;
}

static struct qpkt
heap_pop(struct sl_wire *w)
{
	struct qpkt top = w->heap[0], last = w->heap[--w->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= w->nheap)
			break;
		if (c + 1 < w->nheap && qless(&w->heap[c + 1], &w->heap[c]))
			c++;
		if (!qless(&w->heap[c], &last))
			break;
		w->heap[i] = w->heap[c];
		i = c;
	}
	if (w->nheap > 0)
		w->heap[i] = last;
	return top;
}

/* ---- the forwarding thread ---- */

static void
wake(struct sl_wire *w)
{
	char c = 1;

	if (write(w->ctl[1], &c, 1) < 0) {
		/* pipe full: the thread is already due to wake */
	}
}

/* Reads every packet waiting on the TUN fd of side dir; lock held. */
static void
read_side(struct sl_wire *w, int dir, uint8_t *buf)
{
	for (;;) {
		ssize_t n = read(w->tun[dir], buf, WIRE_MTU);
		int64_t now = sl_now_mono_ns();
		struct sl_peek pk;
		struct qpkt q;
		bool syn;

		if (n <= 0)
			return;
		syn = sl_peek_ip(buf, (size_t)n, &pk) == SL_OK &&
		      sl_peek_is_bare_syn(&pk);
		q.len = (size_t)n;
		q.data = sl_xcalloc(1, q.len);
		memcpy(q.data, buf, q.len);
		q.dir = dir;
		q.syn_port = syn ? pk.sport : -1;
		q.order = w->order++;
		w->st.last_mono = now;
		if (syn) {
			w->st.syns[dir]++;
			if (w->st.first_syn_mono[dir] == 0)
				w->st.first_syn_mono[dir] = now;
		}
		if (syn && w->gate[dir] && w->nheld[dir] < MAXHELD) {
			q.due = 0;
			w->held[dir][w->nheld[dir]++] = q;
			w->st.held[dir]++;
			pthread_cond_broadcast(&w->cv);
			continue;
		}
		q.due = now + w->delay[dir];
		heap_push(w, q);
	}
}

/* Moves released SYNs into the queue and writes what is due; lock held. */
static int64_t
service(struct sl_wire *w)
{
	int64_t now = sl_now_mono_ns(), next = INT64_MAX;

	for (int d = 0; d < 2; d++) {
		if (w->release_at[d] == 0)
			continue;
		if (w->release_at[d] > now) {
			if (w->release_at[d] < next)
				next = w->release_at[d];
			continue;
		}
		for (unsigned i = 0; i < w->nheld[d]; i++) {
			w->held[d][i].due = w->release_at[d] + w->delay[d];
			heap_push(w, w->held[d][i]);
		}
		w->nheld[d] = 0;
		w->release_at[d] = 0;
		w->gate[d] = false;
	}
	while (w->nheap > 0 && w->heap[0].due <= now) {
		struct qpkt q = heap_pop(w);
		ssize_t n = write(w->tun[!q.dir], q.data, q.len);

		if (n < 0 || (size_t)n != q.len)
			w->st.dropped[q.dir]++;
		else
			w->st.forwarded[q.dir]++;
		if (q.syn_port == w->watch_port && q.syn_port >= 0 &&
		    w->st.syn_out_real[q.dir] == 0)
			w->st.syn_out_real[q.dir] = sl_now_real_ns();
		free(q.data);
		w->st.last_mono = sl_now_mono_ns();
		now = w->st.last_mono;
	}
	if (w->nheap > 0 && w->heap[0].due < next)
		next = w->heap[0].due;
	pthread_cond_broadcast(&w->cv);
	return next;
}

static void *
wire_main(void *arg)
{
	struct sl_wire *w = arg;
	uint8_t *buf = sl_xcalloc(1, WIRE_MTU);
	struct pollfd pfd[3];
	struct sched_param rt = {1};

	/* Wake-ups on time: the default 50 us slack would blur the delay. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	/*
	 * And ahead of other work on a busy CPU, when allowed (root): a
	 * packet written late is a run at another offset.  The thread sleeps
	 * in ppoll between packets, so it cannot starve the CPU.
	 */
	(void)pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt);
	pfd[0].fd = w->tun[0];
	pfd[1].fd = w->tun[1];
	pfd[2].fd = w->ctl[0];
	for (int i = 0; i < 3; i++)
		pfd[i].events = POLLIN;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		int64_t next = service(w), now;
		struct timespec ts, *tsp = NULL;

		pthread_mutex_unlock(&w->mu);
		if (next != INT64_MAX) {
			now = sl_now_mono_ns();
			next = next > now ? next - now : 0;
			ts.tv_sec = (time_t)(next / 1000000000);
			ts.tv_nsec = (long)(next % 1000000000);
			tsp = &ts;
		}
		if (ppoll(pfd, 3, tsp, NULL) < 0 && errno != EINTR) {
			pthread_mutex_lock(&w->mu);
			break;
		}
		if (pfd[2].revents & POLLIN) {
			char drain[64];

			while (read(w->ctl[0], drain, sizeof drain) > 0)
				;
		}
		pthread_mutex_lock(&w->mu);
		for (int d = 0; d < 2; d++)
			if (pfd[d].revents & POLLIN)
				read_side(w, d, buf);
	}
	pthread_mutex_unlock(&w->mu);
	free(buf);
	return NULL;
}

/* ---- setup ---- */

/* IPv6 SIOCSIFADDR argument (struct in6_ifreq of <linux/ipv6.h>). */
struct in6_ifreq_sl {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

/* Creates tunX in the host the thread is in, up, with its addresses. */
static int
make_tun_here(const char *name, uint8_t net, int index, bool ipv6, int *fdp,
	      char *errbuf)
{
	struct ifreq ifr;
	struct sockaddr_in sin;
	int fd, s = -1, s6 = -1;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		sl_errbuf_set(errbuf, "/dev/net/tun: %s", strerror(errno));
		return SL_ENV;
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		sl_errbuf_set(errbuf, "TUNSETIFF %s: %s", name,
			      strerror(errno));
		goto fail;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		goto fail_errno;
	/* Up first, so the IPv6 address is configured on a running link. */
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		goto fail_errno;
	ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		goto fail_errno;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr =
	    htonl(0x0a000000u | (uint32_t)net << 8 | (uint32_t)index);
	memcpy(&ifr.ifr_addr, &sin, sizeof sin);
	if (ioctl(s, SIOCSIFADDR, &ifr) != 0)
		goto fail_errno;
	sin.sin_addr.s_addr = htonl(0xffffff00u);
	memcpy(&ifr.ifr_netmask, &sin, sizeof sin);
	if (ioctl(s, SIOCSIFNETMASK, &ifr) != 0)
		goto fail_errno;
	if (ipv6) {
		struct in6_ifreq_sl r6;

		if (ioctl(s, SIOCGIFINDEX, &ifr) != 0)
			goto fail_errno;
		memset(&r6, 0, sizeof r6);
		r6.addr.s6_addr[0] = 0xfd;
		r6.addr.s6_addr[7] = net;
		r6.addr.s6_addr[15] = (uint8_t)index;
		r6.prefixlen = 64;
		r6.ifindex = ifr.ifr_ifindex;
		s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s6 < 0 || ioctl(s6, SIOCSIFADDR, &r6) != 0)
			goto fail_errno;
		close(s6);
	}
	close(s);
	*fdp = fd;
	return SL_OK;
fail_errno:
	sl_errbuf_set(errbuf, "configuring %s: %s", name, strerror(errno));
fail:
	if (s6 >= 0)
		close(s6);
	if (s >= 0)
		close(s);
	close(fd);
	return SL_ENV;
}

struct sl_wire *
sl_wire_new(struct sl_sandbox *sb, unsigned a, unsigned b, bool ipv6,
	    char *errbuf)
{
	return sl_wire_new_net(sb, a, b, ipv6, NULL, errbuf);
}

struct sl_wire *
sl_wire_new_net(struct sl_sandbox *sb, unsigned a, unsigned b, bool ipv6,
		const struct sl_wire_net *net, char *errbuf)
{
	struct sl_wire *w = sl_xcalloc(1, sizeof *w);
	unsigned host[2] = {a, b};

	w->sb = sb;
	w->tun[0] = w->tun[1] = w->ctl[0] = w->ctl[1] = -1;
	w->watch_port = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	for (int i = 0; i < 2; i++) {
		int rc;

		if (net != NULL && net->ifname[i] != NULL)
			snprintf(w->ifname[i], IFNAMSIZ, "%s", net->ifname[i]);
		else
			snprintf(w->ifname[i], IFNAMSIZ, "tun%c",
				 sl_sandbox_host_name(host[i]));
		if (sl_sandbox_enter(sb, host[i]) != SL_OK) {
			sl_errbuf_set(errbuf, "setns host %c: %s",
				      sl_sandbox_host_name(host[i]),
				      strerror(errno));
			goto fail;
		}
		rc = make_tun_here(w->ifname[i], net ? net->net : 0, i + 1,
				   ipv6, &w->tun[i], errbuf);
		sl_sandbox_leave(sb);
		if (rc != SL_OK)
			goto fail;
	}
	if (pipe2(w->ctl, O_CLOEXEC | O_NONBLOCK) != 0) {
		sl_errbuf_set(errbuf, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (sl_par_thread(&w->thread, wire_main, w) != 0) {
		sl_errbuf_set(errbuf, "wire thread: cannot start");
		goto fail;
	}
	w->running = true;
	return w;
fail:
	sl_wire_free(w);
	return NULL;
}

const char *
sl_wire_ifname(const struct sl_wire *w, int side)
{
	return w->ifname[side ? 1 : 0];
}

void
sl_wire_set_delay(struct sl_wire *w, int dir, int64_t delay_ns)
{
	pthread_mutex_lock(&w->mu);
	w->delay[dir ? 1 : 0] = delay_ns < 0 ? 0 : delay_ns;
	pthread_mutex_unlock(&w->mu);
}

void
sl_wire_gate(struct sl_wire *w, int dir, bool hold)
{
	pthread_mutex_lock(&w->mu);
	w->gate[dir ? 1 : 0] = hold;
	pthread_mutex_unlock(&w->mu);
	wake(w);
}

void
sl_wire_release(struct sl_wire *w, int dir, int64_t at_mono)
{
	pthread_mutex_lock(&w->mu);
	w->release_at[dir ? 1 : 0] = at_mono > 0 ? at_mono : 1;
	pthread_mutex_unlock(&w->mu);
	wake(w);
}

void
sl_wire_watch_syn(struct sl_wire *w, uint16_t port)
{
	pthread_mutex_lock(&w->mu);
	w->watch_port = port;
	w->st.syn_out_real[0] = w->st.syn_out_real[1] = 0;
	pthread_mutex_unlock(&w->mu);
}

void
sl_wire_arrivals(struct sl_wire *w, int64_t arrive[2])
{
	pthread_mutex_lock(&w->mu);
	arrive[0] = w->st.syn_out_real[SL_WIRE_AB];
	arrive[1] = w->st.syn_out_real[SL_WIRE_BA];
	pthread_mutex_unlock(&w->mu);
}

void
sl_wire_get_stats(struct sl_wire *w, struct sl_wire_stats *st)
{
	pthread_mutex_lock(&w->mu);
	*st = w->st;
	pthread_mutex_unlock(&w->mu);
}

/* Waits on the condition variable until deadline or 1 ms; lock held. */
static void
timed_wait(struct sl_wire *w, int64_t deadline_mono)
{
	struct timespec ts;
	int64_t now = sl_now_mono_ns(), until = now + 1000000;

	if (deadline_mono < until)
		until = deadline_mono;
	/* The condition variable runs on CLOCK_REALTIME: convert. */
	until = sl_now_real_ns() + (until - now);
	ts.tv_sec = (time_t)(until / 1000000000);
	ts.tv_nsec = (long)(until % 1000000000);
	pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

int
sl_wire_wait_held(struct sl_wire *w, unsigned n_ab, unsigned n_ba,
		  int64_t deadline_mono, volatile const int *stop)
{
	int rc = SL_OK;

	pthread_mutex_lock(&w->mu);
	while (w->nheld[0] < n_ab || w->nheld[1] < n_ba) {
		if ((stop && *stop) || sl_now_mono_ns() >= deadline_mono) {
			rc = SL_EINTR;
			break;
		}
		timed_wait(w, deadline_mono);
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int
sl_wire_wait_idle(struct sl_wire *w, int64_t idle_ns, int64_t deadline_mono,
		  volatile const int *stop)
{
	int rc = SL_OK;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		int64_t now = sl_now_mono_ns();

		if (w->nheap == 0 && w->nheld[0] == 0 && w->nheld[1] == 0 &&
		    now - w->st.last_mono >= idle_ns)
			break;
		if ((stop && *stop) || now >= deadline_mono) {
			rc = SL_EINTR;
			break;
		}
		timed_wait(w, deadline_mono);
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

static void
close_fd(void *arg)
{
	int *fd = arg;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void
sl_wire_free(struct sl_wire *w)
{
	if (w == NULL)
		return;
	if (w->running) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_mutex_unlock(&w->mu);
		wake(w);
		pthread_join(w->thread, NULL);
	}
	while (w->nheap > 0)
		free(heap_pop(w).data);
	for (int d = 0; d < 2; d++)
		for (unsigned i = 0; i < w->nheld[d]; i++)
			free(w->held[d][i].data);
	free(w->heap);
	/* Removing a TUN device waits for grace periods: both at once. */
	sl_par_run(close_fd, (void *const[]){&w->tun[0], &w->tun[1]}, 2);
	for (int i = 0; i < 2; i++)
		if (w->ctl[i] >= 0)
			close(w->ctl[i]);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
