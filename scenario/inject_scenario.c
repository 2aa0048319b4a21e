/* \summary: crafted SYNs at kernel sockets in chosen states, and the peer that answers the target (RFC 9293 §3.5, §3.10.7.3; RFC 5961 §4) */
#define _GNU_SOURCE /* setns users, ppoll */
#include "inject_scenario.h"
#include "netaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "peek.h"
#include "rd.h"
#include "timearg.h"

#define PEER_WIN  64240
#define PEER_MSS4 1460
#define PEER_MSS6 1440
#define PEER_WS	  7
#define SPIN_NS	  150000

struct sl_inj_peer {
	struct sl_lab *lab;
	struct sl_injector *ij;
	int pfd; /* AF_PACKET on tunA, kernel time stamps */
	int family;
	uint8_t peer[16], target[16];
	uint32_t isn_seed;
};

const char *
sl_inj_state_name(enum sl_inj_state s)
{
	switch (s) {
	case SL_INJ_BOUND:
		return "bound";
	case SL_INJ_CLOSED:
		return "closed";
	case SL_INJ_SYN_SENT:
		return "syn-sent";
	case SL_INJ_ESTABLISHED:
		return "established";
	}
	return "?";
}

int
sl_inj_state_parse(const char *s)
{
	static const char *const names[] = {"bound", "closed", "syn-sent",
					    "established"};

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

struct sl_inj_peer *
sl_inj_peer_open(struct sl_lab *lab, char *errbuf)
{
	struct sl_inj_peer *p = sl_xcalloc(1, sizeof *p);
	struct sl_sandbox *sb = sl_lab_sandbox(lab);
	struct sockaddr_ll sll;
	int one = 1;

	p->lab = lab;
	p->pfd = -1;
	p->family = sl_lab_family(lab);
	sl_lab_addr(lab, SL_LAB_SPOOF - 1, p->peer);
	sl_lab_addr(lab, 1, p->target);
	p->isn_seed = (uint32_t)sl_now_real_ns() * 2654435761u;
	if (sl_sandbox_enter(sb, 0) != SL_OK) {
		sl_errbuf_set(errbuf, "setns host A: %s", strerror(errno));
		goto fail;
	}
	/* Phase 1, privileged: the raw and packet sockets live in host A. */
	p->ij = sl_injector_open(p->family, sl_wire_ifname(sl_lab_wire(lab), 0),
				 errbuf);
	if (p->ij != NULL) {
		p->pfd =
		    socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			   htons(ETH_P_ALL));
		memset(&sll, 0, sizeof sll);
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(ETH_P_ALL);
		sll.sll_ifindex =
		    (int)if_nametoindex(sl_wire_ifname(sl_lab_wire(lab), 0));
		if (p->pfd < 0 || sll.sll_ifindex == 0 ||
		    bind(p->pfd, (struct sockaddr *)&sll, sizeof sll) != 0 ||
		    setsockopt(p->pfd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
			       sizeof one) != 0) {
			sl_errbuf_set(errbuf, "packet socket on %s: %s",
				      sl_wire_ifname(sl_lab_wire(lab), 0),
				      strerror(errno));
			sl_sandbox_leave(sb);
			goto fail;
		}
	}
	sl_sandbox_leave(sb);
	if (p->ij == NULL)
		goto fail;
	return p;
fail:
	sl_inj_peer_close(p);
	return NULL;
}

void
sl_inj_peer_close(struct sl_inj_peer *p)
{
	if (p == NULL)
		return;
	if (p->pfd >= 0)
		close(p->pfd);
	sl_injector_close(p->ij);
	free(p);
}

/* ---- what the target sent ---- */

struct tseg {
	struct sl_peek pk;
	uint16_t win;
	bool has_ts;
	uint32_t tsval;
	int64_t ts_ns; /* kernel time stamp at tunA */
};

/* Window and timestamp option of the TCP header at p (RFC 9293 §3.1). */
static void
tcp_extra(const uint8_t *p, size_t len, struct tseg *s)
{
	struct sl_rd rd = sl_rd_make(p, len), o;
	size_t ihl = s->pk.family == 4 ? (size_t)(p[0] & 0x0f) * 4 : 40;
	uint8_t off, kind, olen;

	if (sl_rd_skip(&rd, ihl + 12) != SL_OK ||
	    sl_rd_u8(&rd, &off) != SL_OK || sl_rd_skip(&rd, 1) != SL_OK ||
	    sl_rd_be16(&rd, &s->win) != SL_OK || sl_rd_skip(&rd, 4) != SL_OK)
		return;
	off = (uint8_t)((off >> 4) * 4);
	if (off <= 20)
		return;
	o = sl_rd_sub(&rd, (size_t)off - 20);
	while (sl_rd_u8(&o, &kind) == SL_OK && kind != 0) {
		if (kind == 1)
			continue;
		if (sl_rd_u8(&o, &olen) != SL_OK || olen < 2)
			return;
		if (kind == 8 && olen == 10) {
			if (sl_rd_be32(&o, &s->tsval) == SL_OK)
				s->has_ts = true;
			return;
		}
		if (sl_rd_skip(&o, (size_t)olen - 2) != SL_OK)
			return;
	}
}

/*
 * The next segment the target sent to the peer's port, or false when none
 * is waiting.  Everything else on tunA (our own segments leaving, other
 * runs' stragglers) is skipped.
 */
static bool
recv_target(struct sl_inj_peer *p, uint16_t port, struct tseg *s)
{
	uint8_t buf[2048];
	char cbuf[256];

	for (;;) {
		struct sockaddr_ll from;
		struct iovec iov = {buf, sizeof buf};
		struct msghdr mh;
		struct cmsghdr *cm;
		ssize_t n;

		memset(&mh, 0, sizeof mh);
		mh.msg_name = &from;
		mh.msg_namelen = sizeof from;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof cbuf;
		n = recvmsg(p->pfd, &mh, MSG_DONTWAIT);
		if (n <= 0)
			return false;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		memset(s, 0, sizeof *s);
		if (sl_peek_ip(buf, (size_t)n, &s->pk) != SL_OK ||
		    s->pk.family != p->family || s->pk.dport != port ||
		    s->pk.sport != port ||
		    memcmp(s->pk.dst, p->peer, p->family == 4 ? 4 : 16) != 0)
			continue;
		tcp_extra(buf, (size_t)n, s);
		s->ts_ns = sl_now_real_ns();
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SO_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(cm), sizeof ts);
				s->ts_ns = (int64_t)ts.tv_sec * 1000000000 +
					   ts.tv_nsec;
			}
		return true;
	}
}

/* ---- the run ---- */

enum pstate { P_CLOSED, P_LISTEN, P_SYN_SENT, P_SYN_RCVD, P_ESTAB };

struct run {
	struct sl_inj_peer *p;
	const struct sl_inj_opts *o;
	struct sl_inj_result *r;
	struct sl_events *ev;
	char *facts;
	size_t factslen;
	enum pstate ps;
	uint32_t snd_nxt; /* peer's next SEQ */
	uint32_t rcv_nxt; /* peer's next expected SEQ from the target */
	bool ts_on;
	uint32_t ts_recent;
	int64_t syn_left; /* our (first) SYN left; 0: not yet */
	unsigned syn_idx; /* crafted SYNs sent so far */
	int64_t t0;	  /* origin of the "+ms" in event details */
	char errbuf[SL_ERRBUF_SIZE];
};

static void fact(struct run *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fact(struct run *u, const char *fmt, ...)
{
	va_list ap;

	if (u->facts == NULL)
		return;
	va_start(ap, fmt);
	sl_facts_vadd(u->facts, u->factslen, fmt, ap);
	va_end(ap);
}

static uint32_t
tsval_now(void)
{
	return (uint32_t)(sl_now_mono_ns() / 1000000);
}

/* A segment from the peer to the target with the run's options. */
static void
mkseg(struct run *u, struct sl_seg *s, uint8_t flags, uint32_t seq,
      uint32_t ack, bool syn_opts)
{
	struct sl_inj_peer *p = u->p;

	memset(s, 0, sizeof *s);
	s->family = p->family;
	memcpy(s->src, p->peer, 16);
	memcpy(s->dst, p->target, 16);
	s->sport = s->dport = u->o->port;
	s->seq = seq;
	s->ack = ack;
	s->flags = flags;
	s->win = flags & SL_TH_RST ? 0 : PEER_WIN;
	if (syn_opts) {
		s->opts = u->o->opts;
		s->mss = p->family == 6 ? PEER_MSS6 : PEER_MSS4;
		s->wscale = PEER_WS;
	} else if (u->ts_on && !(flags & SL_TH_RST)) {
		s->opts = SL_OPT_TS;
	}
	s->tsval = tsval_now();
	s->tsecr = u->ts_recent;
}

static const char *
flag_word(uint8_t f)
{
	if ((f & (SL_TH_SYN | SL_TH_ACK)) == (SL_TH_SYN | SL_TH_ACK))
		return "SYN-ACK";
	if (f & SL_TH_SYN)
		return "SYN";
	if (f & SL_TH_RST)
		return "RST";
	if (f & SL_TH_FIN)
		return "FIN";
	return "ACK";
}

/* Sends s, already built into b, at at_ns (0: now) and records it. */
static int
send_built(struct run *u, const struct sl_seg *s, const struct sl_seg_bytes *b,
	   int64_t at_ns, const char *note)
{
	struct sl_inject_stamp st;
	struct sl_inj_result *r = u->r;
	char ob[48];
	int rc;

	if ((rc = sl_injector_send_at(u->p->ij, b, at_ns, &st, u->errbuf)) !=
	    SL_OK)
		return rc;
	if (r->nsent < SL_INJ_MAXSENT) {
		struct sl_inj_sent *x = &r->sent[r->nsent++];

		snprintf(x->what, sizeof x->what, "%s", flag_word(s->flags));
		x->flags = s->flags;
		x->seq = s->seq;
		x->ack = s->ack;
		x->st = st;
	}
	if (at_ns > 0)
		sl_events_add_at(u->ev, st.before, 'A', "inj", "inject", 0, 0,
				 "%s seq %u%s opts %s, scheduled %+.3f ms, "
				 "sent %.1f us late%s%s",
				 flag_word(s->flags), s->seq,
				 s->flags & SL_TH_ACK ? " +ack" : "",
				 sl_inject_opts_str(s->opts, ob, sizeof ob),
				 (double)(at_ns - u->t0) / 1e6,
				 (double)(st.before - at_ns) / 1e3,
				 note ? ", " : "", note ? note : "");
	else
		sl_events_add_at(u->ev, st.before, 'A', "inj", "inject", 0, 0,
				 "%s seq %u ack %u%s%s", flag_word(s->flags),
				 s->seq, s->ack, note ? ", " : "",
				 note ? note : "");
	return SL_OK;
}

/* Builds s and sends it at once. */
static int
send_seg(struct run *u, const struct sl_seg *s, int64_t at_ns, const char *note)
{
	struct sl_seg_bytes b;
	int rc;

	if ((rc = sl_injector_build(u->p->ij, s, &b, u->errbuf)) != SL_OK)
		return rc;
	return send_built(u, s, &b, at_ns, note);
}

/* The peer's answer to one segment of the target. */
static int
on_target(struct run *u, const struct tseg *t)
{
	struct sl_inj_result *r = u->r;
	const struct sl_peek *pk = &t->pk;
	uint8_t f = pk->flags;
	struct sl_seg s;

	if (u->o->state == SL_INJ_ESTABLISHED && u->syn_idx > 0 &&
	    u->syn_idx <= SL_INJ_MAXSYN && !(f & (SL_TH_SYN | SL_TH_RST)))
		r->answers[u->syn_idx - 1]++;
	else if (u->syn_idx > 0 && u->syn_idx <= SL_INJ_MAXSYN &&
		 u->o->state != SL_INJ_ESTABLISHED)
		r->answers[u->syn_idx - 1]++;
	if (t->has_ts)
		u->ts_recent = t->tsval;
	if (f & SL_TH_RST) {
		r->rsts++;
		r->rst_seq = pk->seq;
		r->rst_ack = pk->ack;
		if (u->ps == P_SYN_SENT)
			u->ps = P_CLOSED;
		return SL_OK;
	}
	if ((f & (SL_TH_SYN | SL_TH_ACK)) == SL_TH_SYN) {
		/* The target's own SYN. */
		r->has_target_isn = true;
		r->target_isn = pk->seq;
		r->target_syn_at = t->ts_ns;
		u->rcv_nxt = pk->seq + 1;
		if (u->ps == P_LISTEN) {
			/* RFC 9293 §3.5 Figure 6: a passive open answers. */
			u->ts_on = t->has_ts && (u->o->opts & SL_OPT_TS);
			mkseg(u, &s, SL_TH_SYN | SL_TH_ACK, u->r->peer_isn,
			      u->rcv_nxt, true);
			u->ps = P_SYN_RCVD;
			u->snd_nxt = u->r->peer_isn + 1;
			return send_seg(u, &s, 0, "answers the target's SYN");
		}
		if (u->o->peer_mode &&
		    (u->ps != P_SYN_SENT || t->ts_ns < u->syn_left)) {
			/*
			 * RFC 9293 §3.10.7.1: a SYN to a port with no socket
			 * draws <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
			 * The peer was not in SYN-SENT when this one
			 * arrived: its connect() (our SYN) had not happened
			 * yet, or the target had already reset it.
			 */
			memset(&s, 0, sizeof s);
			mkseg(u, &s, SL_TH_RST | SL_TH_ACK, 0, pk->seq + 1,
			      false);
			return send_seg(u, &s, 0,
					"refuses the target's SYN (the peer "
					"was not in SYN-SENT when it arrived)");
		}
		return SL_OK;
	}
	if ((f & (SL_TH_SYN | SL_TH_ACK)) == (SL_TH_SYN | SL_TH_ACK)) {
		r->synacks++;
		r->synack_seq = pk->seq;
		r->synack_ack = pk->ack;
		if (pk->ack != u->r->peer_isn + 1 || u->ps == P_ESTAB)
			return SL_OK;
		/* Simultaneous open: complete it with an ACK. */
		r->has_target_isn = true;
		r->target_isn = pk->seq;
		u->rcv_nxt = pk->seq + 1;
		u->snd_nxt = u->r->peer_isn + 1;
		u->ts_on = t->has_ts && (u->o->opts & SL_OPT_TS);
		mkseg(u, &s, SL_TH_ACK, u->snd_nxt, u->rcv_nxt, false);
		u->ps = P_ESTAB;
		return send_seg(u, &s, 0, "completes the handshake");
	}
	if (u->ps == P_SYN_RCVD && (f & SL_TH_ACK) && pk->ack == u->snd_nxt)
		u->ps = P_ESTAB;
	if (u->ps == P_ESTAB && pk->paylen > 0) {
		if (!r->data_seen) {
			r->data_seen = true;
			r->data_win = t->win;
		}
		u->rcv_nxt = pk->seq + pk->paylen;
		mkseg(u, &s, SL_TH_ACK, u->snd_nxt, u->rcv_nxt, false);
		return send_seg(u, &s, 0, "acknowledges the target's data");
	}
	return SL_OK;
}

static int
drain(struct run *u)
{
	struct tseg t;
	int rc;

	while (recv_target(u->p, u->o->port, &t))
		if ((rc = on_target(u, &t)) != SL_OK)
			return rc;
	return SL_OK;
}

/* Waits until at_ns (CLOCK_REALTIME) answering the target meanwhile. */
static int
serve_until(struct run *u, int64_t at_ns, int tfd, bool *tdone)
{
	int rc;

	for (;;) {
		int64_t now = sl_now_real_ns(), left = at_ns - now;
		struct pollfd pf[2] = {{u->p->pfd, POLLIN, 0},
				       {tfd, POLLOUT, 0}};
		struct timespec ts;

		if ((rc = drain(u)) != SL_OK)
			return rc;
		if (tfd >= 0 && !*tdone && u->r->connect_err == -1) {
			struct pollfd q = {tfd, POLLOUT, 0};

			if (poll(&q, 1, 0) > 0 && q.revents) {
				int err = 0;
				socklen_t el = sizeof err;

				(void)getsockopt(tfd, SOL_SOCKET, SO_ERROR,
						 &err, &el);
				u->r->connect_err = err;
				*tdone = true;
				sl_events_add(u->ev, 'B', "t", "connect-done",
					      err ? -1 : 0, err, NULL);
			}
		}
		if (u->o->stop && *u->o->stop)
			return SL_EINTR;
		if (left <= 0)
			return SL_OK;
		if (left <= SPIN_NS) {
			/* The spin: keep answering while it lasts. */
			while (sl_now_real_ns() < at_ns) {
				if ((rc = drain(u)) != SL_OK)
					return rc;
			}
			return SL_OK;
		}
		left -= SPIN_NS;
		if (left > 5000000)
			left = 5000000;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left;
		if (tfd < 0 || *tdone || u->r->connect_err != -1)
			pf[1].fd = -1;
		(void)ppoll(pf, 2, &ts, NULL);
	}
}

static const char *
addr_str(int family, const uint8_t *a, uint16_t port, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, ip, sizeof ip);
	if (family == 6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
	return buf;
}

static void
read_info(int fd, struct sl_inj_result *r)
{
	struct tcp_info ti;
	socklen_t tl = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) != 0)
		return;
	r->have_info = true;
	r->tcpi_state = ti.tcpi_state;
	r->tcpi_options = ti.tcpi_options;
	r->snd_wscale = ti.tcpi_snd_wscale;
	r->rcv_wscale = ti.tcpi_rcv_wscale;
	r->established = ti.tcpi_state == TCP_ESTABLISHED;
}

/* The target's connect() to the peer, at the reference instant. */
static int
do_connect(struct run *u, int tfd, const struct sockaddr_storage *peer,
	   socklen_t alen, const char *peerstr, bool *tdone)
{
	struct sl_inj_result *r = u->r;
	bool fifo = sl_fifo_enter(); /* on time on a busy CPU too */
	int rc;

	if ((rc = serve_until(u, u->t0, -1, tdone)) != SL_OK) {
		sl_fifo_leave(fifo);
		return rc;
	}
	r->t_connect = sl_now_real_ns();
	rc = connect(tfd, (const struct sockaddr *)peer, alen);
	sl_fifo_leave(fifo);
	sl_events_add_at(u->ev, r->t_connect, 'B', "t", "connect", rc,
			 rc ? errno : 0, "to %s", peerstr);
	r->connect_err = -1;
	if (rc != 0 && errno != EINPROGRESS) {
		r->connect_err = errno;
		*tdone = true;
	}
	return SL_OK;
}

/* The crafted SYN(s), at t0 + offset (+ gaps), answering meanwhile. */
static int
send_syns(struct run *u, int tfd, bool *tdone, unsigned nsyn, char *errbuf)
{
	const struct sl_inj_opts *o = u->o;
	struct sl_inj_result *r = u->r;
	int64_t t_syn[SL_INJ_MAXSYN];
	int rc;

	for (unsigned k = 0; k < nsyn; k++)
		t_syn[k] = u->t0 + o->offset_ns + (k ? o->syn_gap_ns[k] : 0);
	for (unsigned k = 0; k < nsyn; k++) {
		struct sl_seg s;
		struct sl_seg_bytes b;
		uint32_t seq =
		    o->state == SL_INJ_ESTABLISHED ? u->snd_nxt : r->peer_isn;

		if ((rc = serve_until(u, t_syn[k] - SPIN_NS, tfd, tdone)) !=
		    SL_OK)
			return rc;
		mkseg(u, &s, SL_TH_SYN, seq, 0, true);
		if (o->state == SL_INJ_ESTABLISHED && !u->ts_on)
			s.opts &= ~(unsigned)SL_OPT_TS;
		s.tsval = tsval_now() + 1;
		if ((rc = sl_injector_build(u->p->ij, &s, &b, errbuf)) != SL_OK)
			return rc;
		/* Answer what arrives during the spin, then send. */
		if ((rc = serve_until(u, t_syn[k] - 20000, tfd, tdone)) !=
		    SL_OK)
			return rc;
		if ((rc = send_built(u, &s, &b, t_syn[k], NULL)) != SL_OK) {
			sl_errbuf_set(errbuf, "%s", u->errbuf);
			return rc;
		}
		if (k == 0) {
			u->syn_left = r->sent[r->nsent - 1].st.before;
			r->syn_left = u->syn_left;
			if (u->ps == P_CLOSED)
				u->ps = P_SYN_SENT;
		}
		u->syn_idx = k + 1;
	}
	return SL_OK;
}

/* The target's socket on host B, bound to its address and port. */
static int
target_socket(struct run *u, const struct sockaddr_storage *self,
	      socklen_t alen, int *tfdp, char *errbuf)
{
	struct sl_inj_peer *p = u->p;
	const struct sl_inj_opts *o = u->o;
	struct sl_sandbox *sb = sl_lab_sandbox(p->lab);
	int tfd, rc, one = 1;
	char sa[64];

	*tfdp = tfd =
	    sl_sandbox_socket(sb, 1, p->family == 6 ? AF_INET6 : AF_INET,
			      SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	sl_events_add(u->ev, 'B', "t", "socket", tfd, tfd < 0 ? errno : 0,
		      "%s, SOCK_STREAM | SOCK_NONBLOCK",
		      p->family == 6 ? "AF_INET6" : "AF_INET");
	if (tfd < 0 ||
	    setsockopt(tfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
		sl_errbuf_set(errbuf, "target socket: %s", strerror(errno));
		return SL_ENV;
	}
	rc = bind(tfd, (const struct sockaddr *)self, alen);
	sl_events_add(u->ev, 'B', "t", "bind", rc, rc ? errno : 0, "%s",
		      addr_str(p->family, p->target, o->port, sa, sizeof sa));
	if (rc != 0) {
		sl_errbuf_set(errbuf, "target bind %s: %s", sa,
			      strerror(errno));
		return SL_ENV;
	}
	*tfdp = tfd;
	return SL_OK;
}

/* established: waits for the handshake the peer answered. */
static int
wait_established(struct run *u, int tfd, bool *tdone, char *errbuf)
{
	struct sl_inj_result *r = u->r;
	int64_t delay = sl_lab_delay(u->p->lab), end;
	int rc;

	end = sl_now_real_ns() + 1000000000LL + 4 * delay;
	while (!*tdone && sl_now_real_ns() < end)
		if ((rc = serve_until(u, sl_now_real_ns() + 1000000, tfd,
				      tdone)) != SL_OK)
			return rc;
	if (r->connect_err != 0) {
		sl_errbuf_set(errbuf,
			      "the target did not connect "
			      "to the peer: %s",
			      r->connect_err > 0 ? strerror(r->connect_err)
						 : "timeout");
		return SL_ENV;
	}
	read_info(tfd, r);
	/* The peer's ACK must have crossed the wire too. */
	u->t0 = sl_now_real_ns() + delay;
	r->t_ref = u->t0;
	u->snd_nxt = r->peer_isn + 1;
	return SL_OK;
}

/* The target's answers: until connect() is done and the wire had time. */
static int
collect_answers(struct run *u, int tfd, bool *tdone)
{
	const struct sl_inj_opts *o = u->o;
	struct sl_inj_result *r = u->r;
	int64_t delay = sl_lab_delay(u->p->lab), end;
	int rc;

	end = sl_now_real_ns() + 2 * delay + 50000000;
	if (o->state == SL_INJ_SYN_SENT)
		end = sl_now_real_ns() + 3000000000LL + 4 * delay;
	while (sl_now_real_ns() < end) {
		if ((rc = serve_until(u, sl_now_real_ns() + 1000000, tfd,
				      tdone)) != SL_OK)
			return rc;
		if (o->state == SL_INJ_SYN_SENT && *tdone)
			break;
		if (o->state != SL_INJ_SYN_SENT && r->rsts > 0 &&
		    o->state != SL_INJ_ESTABLISHED)
			break;
	}
	if (o->state == SL_INJ_SYN_SENT && *tdone && r->connect_err == 0) {
		read_info(tfd, r);
		if (o->send_data) {
			static const char msg[] = "synlab\n";
			ssize_t n = send(tfd, msg, sizeof msg - 1, 0);

			sl_events_add(u->ev, 'B', "t", "send", (int)n,
				      n < 0 ? errno : 0, "%zu bytes",
				      sizeof msg - 1);
			end = sl_now_real_ns() + 2 * delay + 20000000;
			while (sl_now_real_ns() < end && !r->data_seen)
				if ((rc = serve_until(
					 u, sl_now_real_ns() + 1000000, tfd,
					 tdone)) != SL_OK)
					return rc;
			/* Our ACK of it crosses the wire. */
			if ((rc = serve_until(
				 u, sl_now_real_ns() + delay + 2000000, tfd,
				 tdone)) != SL_OK)
				return rc;
		}
	}
	return SL_OK;
}

int
sl_inj_run(struct sl_inj_peer *p, const struct sl_inj_opts *o,
	   struct sl_inj_result *r, char *facts, size_t factslen, char *errbuf)
{
	struct run u;
	struct sockaddr_storage self, peer;
	socklen_t alen;
	int tfd = -1, rc = SL_OK;
	bool tdone = false, syns_done = false;
	int64_t delay = sl_lab_delay(p->lab);
	unsigned nsyn = o->nsyn ? o->nsyn : 1;
	char sa[64], sb2[64], ob[48];

	memset(r, 0, sizeof *r);
	memset(&u, 0, sizeof u);
	u.p = p;
	u.o = o;
	u.r = r;
	u.ev = sl_lab_events(p->lab);
	u.facts = facts;
	u.factslen = factslen;
	r->connect_err = -2;
	r->outcome = "other";
	p->isn_seed = p->isn_seed * 1103515245u + 12345u;
	r->peer_isn = p->isn_seed;
	if (nsyn > SL_INJ_MAXSYN)
		nsyn = SL_INJ_MAXSYN;
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

	/* Stale segments of an earlier run are not this run's answers. */
	{
		struct tseg junk;

		while (recv_target(p, 0, &junk))
			;
	}
	alen = sl_sockaddr_make(p->family, p->target, o->port, &self);
	sl_sockaddr_make(p->family, p->peer, o->port, &peer);
	if (o->state != SL_INJ_CLOSED &&
	    (rc = target_socket(&u, &self, alen, &tfd, errbuf)) != SL_OK)
		goto out;
	addr_str(p->family, p->target, o->port, sa, sizeof sa);
	addr_str(p->family, p->peer, o->port, sb2, sizeof sb2);
	u.ps = o->state == SL_INJ_ESTABLISHED ? P_LISTEN : P_CLOSED;

	/* The reference instant, and the connect() that starts from it. */
	u.t0 =
	    sl_now_real_ns() + 2000000 + (o->offset_ns < 0 ? -o->offset_ns : 0);
	r->t_ref = u.t0;
	if (o->state == SL_INJ_SYN_SENT && o->offset_ns < 0) {
		/* The crafted SYN leaves before the target's connect(). */
		if ((rc = send_syns(&u, tfd, &tdone, nsyn, errbuf)) != SL_OK)
			goto out;
		syns_done = true;
	}
	if (o->state == SL_INJ_SYN_SENT || o->state == SL_INJ_ESTABLISHED)
		if ((rc = do_connect(&u, tfd, &peer, alen, sb2, &tdone)) !=
		    SL_OK)
			goto out;

	if (o->state == SL_INJ_ESTABLISHED &&
	    (rc = wait_established(&u, tfd, &tdone, errbuf)) != SL_OK)
		goto out;

	if (o->state == SL_INJ_SYN_SENT || o->state == SL_INJ_BOUND ||
	    o->state == SL_INJ_CLOSED)
		fact(&u, "target: B %s %s%s", sa,
		     o->state == SL_INJ_SYN_SENT ? "in SYN-SENT, connect() to "
		     : o->state == SL_INJ_BOUND	 ? "bound, not listening"
						 : "no socket on the port",
		     o->state == SL_INJ_SYN_SENT ? sb2 : "");
	else
		fact(&u,
		     "target: B %s ESTABLISHED with the peer %s "
		     "(three-way handshake answered by the injector)",
		     sa, sb2);
	fact(&u,
	     "injector: A's raw socket as %s (an address no stack owns); "
	     "one-way delay %.3f ms; crafted SYN options %s",
	     sb2, (double)delay / 1e6,
	     sl_inject_opts_str(o->opts, ob, sizeof ob));

	if (!syns_done &&
	    (rc = send_syns(&u, tfd, &tdone, nsyn, errbuf)) != SL_OK)
		goto out;

	if ((rc = collect_answers(&u, tfd, &tdone)) != SL_OK)
		goto out;
	if (r->connect_err == 0)
		r->outcome = "connected";
	else if (r->connect_err == ECONNREFUSED ||
		 (o->state != SL_INJ_SYN_SENT && r->rsts > 0))
		r->outcome = "refused";
out:
	if (rc != SL_OK && errbuf[0] == '\0')
		sl_errbuf_set(errbuf, "%s", u.errbuf);
	if (tfd >= 0) {
		/* Abortive close: one RST instead of a FIN nobody answers. */
		struct linger lg = {1, 0};

		(void)setsockopt(tfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(tfd);
	}
	return rc;
}

int
sl_inj_precision(struct sl_inj_peer *p, unsigned n, int64_t start_ns,
		 int64_t interval_ns, uint16_t port0,
		 struct sl_inject_stamp *stamps, char *errbuf)
{
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	for (unsigned k = 0; k < n; k++) {
		struct sl_seg s;
		struct sl_seg_bytes b;
		int rc;

		memset(&s, 0, sizeof s);
		s.family = p->family;
		memcpy(s.src, p->peer, 16);
		memcpy(s.dst, p->target, 16);
		s.sport = (uint16_t)(port0 + k % 20000);
		s.dport = 9; /* discard: nobody listens, B answers RST */
		s.seq = k;
		s.flags = SL_TH_SYN;
		s.win = PEER_WIN;
		s.opts = SL_OPT_MSS;
		s.mss = PEER_MSS4;
		if ((rc = sl_injector_build(p->ij, &s, &b, errbuf)) != SL_OK ||
		    (rc = sl_injector_send_at(
			 p->ij, &b, start_ns + (int64_t)k * interval_ns,
			 &stamps[k], errbuf)) != SL_OK)
			return rc;
	}
	return SL_OK;
}
