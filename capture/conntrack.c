/* \summary: conntrack events of one network namespace (NAT mappings, TCP states) onto the timeline */
#define _GNU_SOURCE /* setns, CLONE_NEWNET */
#include "conntrack.h"
#include "par.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

/* linux/netfilter/nfnetlink.h; libnfnetlink's older copy lacks it. */
#ifndef NFNL_SUBSYS_NFTABLES
#define NFNL_SUBSYS_NFTABLES 10
#endif

/* ---- namespaces: the calling thread visits netns_fd and comes back ---- */

/*
 * Enters netns_fd's namespace (-1: stays), *home gets the way back (-1:
 * none needed).  0 or SL_EPERM/SL_ENV with errbuf.
 */
static int
ns_visit(int netns_fd, int *home, char *errbuf)
{
	*home = -1;
	if (netns_fd < 0)
		return SL_OK;
	*home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*home < 0) {
		sl_errbuf_set(errbuf, "conntrack: /proc/thread-self/ns/net: %s",
			      strerror(errno));
		return SL_ENV;
	}
	if (setns(netns_fd, CLONE_NEWNET) != 0) {
		int err = errno;

		close(*home);
		*home = -1;
		sl_errbuf_set(errbuf, "conntrack: setns: %s%s", strerror(err),
			      err == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		return err == EPERM ? SL_EPERM : SL_ENV;
	}
	return SL_OK;
}

static void
ns_return(int home)
{
	if (home < 0)
		return;
	if (setns(home, CLONE_NEWNET) != 0) {
		/* Never run on inside the watched namespace unaware. */
		perror("synlab: setns back from a conntrack namespace");
		abort();
	}
	close(home);
}

/* ---- entries ---- */

const char *
sl_ct_tcp_state_name(enum sl_ct_tcp_state s)
{
	static const char *const name[] = {
	    "NONE",	"SYN_SENT",   "SYN_RECV", "ESTABLISHED",
	    "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT",
	    "CLOSE",	"SYN_SENT2",  "UNKNOWN",
	};

	return (unsigned)s <= SL_CT_TCP_UNKNOWN ? name[s] : "UNKNOWN";
}

const char *
sl_ct_kind_name(enum sl_ct_kind k)
{
	return k == SL_CT_NEW	   ? "ct-new"
	       : k == SL_CT_UPDATE ? "ct-update"
				   : "ct-destroy";
}

static enum sl_ct_tcp_state
tcp_state_of(uint8_t s)
{
	switch (s) {
	case TCP_CONNTRACK_NONE:
		return SL_CT_TCP_NONE;
	case TCP_CONNTRACK_SYN_SENT:
		return SL_CT_TCP_SYN_SENT;
	case TCP_CONNTRACK_SYN_RECV:
		return SL_CT_TCP_SYN_RECV;
	case TCP_CONNTRACK_ESTABLISHED:
		return SL_CT_TCP_ESTABLISHED;
	case TCP_CONNTRACK_FIN_WAIT:
		return SL_CT_TCP_FIN_WAIT;
	case TCP_CONNTRACK_CLOSE_WAIT:
		return SL_CT_TCP_CLOSE_WAIT;
	case TCP_CONNTRACK_LAST_ACK:
		return SL_CT_TCP_LAST_ACK;
	case TCP_CONNTRACK_TIME_WAIT:
		return SL_CT_TCP_TIME_WAIT;
	case TCP_CONNTRACK_CLOSE:
		return SL_CT_TCP_CLOSE;
	case TCP_CONNTRACK_SYN_SENT2:
		return SL_CT_TCP_SYN_SENT2;
	default:
		return SL_CT_TCP_UNKNOWN;
	}
}

static void
tuple_of(const struct nf_conntrack *ct, int family, bool reply,
	 struct sl_ct_tuple *t)
{
	memset(t, 0, sizeof *t);
	if (family == 6) {
		const void *s = nfct_get_attr(ct, reply ? ATTR_REPL_IPV6_SRC
							: ATTR_ORIG_IPV6_SRC);
		const void *d = nfct_get_attr(ct, reply ? ATTR_REPL_IPV6_DST
							: ATTR_ORIG_IPV6_DST);

		if (s != NULL)
			memcpy(t->src, s, 16);
		if (d != NULL)
			memcpy(t->dst, d, 16);
	} else {
		uint32_t s = nfct_get_attr_u32(ct, reply ? ATTR_REPL_IPV4_SRC
							 : ATTR_ORIG_IPV4_SRC);
		uint32_t d = nfct_get_attr_u32(ct, reply ? ATTR_REPL_IPV4_DST
							 : ATTR_ORIG_IPV4_DST);

		memcpy(t->src, &s, 4);
		memcpy(t->dst, &d, 4);
	}
	t->sport = ntohs(nfct_get_attr_u16(ct, reply ? ATTR_REPL_PORT_SRC
						     : ATTR_ORIG_PORT_SRC));
	t->dport = ntohs(nfct_get_attr_u16(ct, reply ? ATTR_REPL_PORT_DST
						     : ATTR_ORIG_PORT_DST));
}

/*
 * The entry's fields from a parsed message.  Attributes an update does
 * not carry keep their value in *e (the caller passes the last known).
 */
static void
entry_of(const struct nf_conntrack *ct, struct sl_ct_entry *e)
{
	uint8_t l3 = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO);

	e->family = l3 == AF_INET6 ? 6 : 4;
	e->proto = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
	e->id = nfct_get_attr_u32(ct, ATTR_ID);
	tuple_of(ct, e->family, false, &e->orig);
	tuple_of(ct, e->family, true, &e->reply);
	if (e->proto != IPPROTO_TCP)
		e->tcp_state = SL_CT_TCP_NONE;
	else if (nfct_attr_is_set(ct, ATTR_TCP_STATE) > 0)
		e->tcp_state =
		    tcp_state_of(nfct_get_attr_u8(ct, ATTR_TCP_STATE));
	if (nfct_attr_is_set(ct, ATTR_STATUS) > 0) {
		uint32_t st = nfct_get_attr_u32(ct, ATTR_STATUS);

		e->assured = (st & IPS_ASSURED) != 0;
		e->seen_reply = (st & IPS_SEEN_REPLY) != 0;
		e->snat = (st & IPS_SRC_NAT) != 0;
		e->dnat = (st & IPS_DST_NAT) != 0;
	}
	if (nfct_attr_is_set(ct, ATTR_TIMEOUT) > 0)
		e->timeout_s = nfct_get_attr_u32(ct, ATTR_TIMEOUT);
}

static const char *
proto_name(uint8_t p, char *num, size_t len)
{
	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	default:
		snprintf(num, len, "proto-%u", p);
		return num;
	}
}

/* "10.0.0.1:80" or "[fd00::1]:80" */
static void
endpoint_str(int family, const uint8_t a[16], uint16_t port, char *buf,
	     size_t len)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, s, sizeof s);
	snprintf(buf, len, family == 6 ? "[%s]:%u" : "%s:%u", s, port);
}

int
sl_ct_entry_str(const struct sl_ct_entry *e, char *buf, size_t len)
{
	char src[64], dst[64], pub[64], rsrc[64], num[16], to[80] = "";
	uint8_t addr[16];
	uint16_t port;

	endpoint_str(e->family, e->orig.src, e->orig.sport, src, sizeof src);
	endpoint_str(e->family, e->orig.dst, e->orig.dport, dst, sizeof dst);
	sl_ct_entry_mapped(e, addr, &port);
	endpoint_str(e->family, addr, port, pub, sizeof pub);
	if (memcmp(e->reply.src, e->orig.dst, 16) != 0 ||
	    e->reply.sport != e->orig.dport) {
		endpoint_str(e->family, e->reply.src, e->reply.sport, rsrc,
			     sizeof rsrc);
		snprintf(to, sizeof to, " to %s", rsrc);
	}
	return snprintf(
	    buf, len, "%s %s -> %s as %s%s%s%s%s%s",
	    proto_name(e->proto, num, sizeof num), src, dst, pub, to,
	    e->proto == IPPROTO_TCP ? " " : "",
	    e->proto == IPPROTO_TCP ? sl_ct_tcp_state_name(e->tcp_state) : "",
	    e->seen_reply ? "" : " UNREPLIED", e->assured ? " ASSURED" : "");
}

void
sl_ct_entry_mapped(const struct sl_ct_entry *e, uint8_t addr[16],
		   uint16_t *port)
{
	memcpy(addr, e->reply.dst, 16);
	*port = e->reply.dport;
}

/* ---- the watch ---- */

/* What the thread last reported of one entry, to report changes only. */
struct seen {
	uint32_t id;
	struct sl_ct_entry e;
};

struct sl_ct_watch {
	struct nfct_handle *h; /* the event socket */
	struct nfct_handle *q; /* queries: the reaping dumps */
	int fd;
	int wake[2]; /* a pipe: the thread's stop signal */
	pthread_t thread;
	bool running;
	char host;
	char label[SL_EV_SOCKLEN];
	struct sl_events *ev;

	pthread_mutex_t mu; /* guards v, n, cap, lost */
	struct sl_ct_event *v;
	size_t n, cap, flushed;
	unsigned lost;	     /* events the kernel could not queue */
	unsigned lost_noted; /* of which put on the timeline */

	/* The thread's own. */
	struct seen *seen;
	size_t nseen, capseen;
	uint8_t buf[65536];
};

static struct seen *
seen_find(struct sl_ct_watch *w, uint32_t id)
{
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].id == id)
			return &w->seen[i];
	return NULL;
}

static void
push(struct sl_ct_watch *w, int64_t ts, enum sl_ct_kind kind,
     const struct sl_ct_entry *e)
{
	pthread_mutex_lock(&w->mu);
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->v = sl_xrealloc(w->v, w->cap, sizeof *w->v);
	}
	w->v[w->n].ts_ns = ts;
	w->v[w->n].kind = kind;
	w->v[w->n].e = *e;
	w->n++;
	pthread_mutex_unlock(&w->mu);
}

/* One conntrack message of the event groups. */
static void
on_message(struct sl_ct_watch *w, const struct nlmsghdr *nlh, int64_t ts)
{
	unsigned type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	struct nf_conntrack *ct;
	struct sl_ct_entry e;
	struct seen *s;
	enum sl_ct_kind kind;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return;
	if (type == IPCTNL_MSG_CT_DELETE)
		kind = SL_CT_DESTROY;
	else if (type != IPCTNL_MSG_CT_NEW)
		return;
	else if ((nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) != 0)
		kind = SL_CT_NEW;
	else
		kind = SL_CT_UPDATE;
	ct = nfct_new();
	if (ct == NULL)
		return;
	if (nfct_nlmsg_parse(nlh, ct) < 0) {
		nfct_destroy(ct);
		return;
	}
	memset(&e, 0, sizeof e);
	s = seen_find(w, nfct_get_attr_u32(ct, ATTR_ID));
	if (s != NULL)
		e = s->e; /* what this message leaves out stays as it was */
	entry_of(ct, &e);
	nfct_destroy(ct);
	if (kind == SL_CT_UPDATE && s != NULL &&
	    s->e.tcp_state == e.tcp_state && s->e.assured == e.assured &&
	    s->e.seen_reply == e.seen_reply) {
		s->e = e;
		return;
	}
	push(w, ts, kind, &e);
	if (kind == SL_CT_DESTROY) {
		if (s != NULL)
			*s = w->seen[--w->nseen];
		return;
	}
	if (s == NULL) {
		if (w->nseen == w->capseen) {
			w->capseen = w->capseen ? 2 * w->capseen : 32;
			w->seen =
			    sl_xrealloc(w->seen, w->capseen, sizeof *w->seen);
		}
		s = &w->seen[w->nseen++];
		s->id = e.id;
	}
	s->e = e;
}

/*
 * Reads every datagram queued now.  Returns how many were read, or -1 when
 * the socket failed for good.
 */
static int
read_queued(struct sl_ct_watch *w)
{
	int got = 0;

	for (;;) {
		ssize_t len = recv(w->fd, w->buf, sizeof w->buf, MSG_DONTWAIT);
		int64_t ts = sl_now_real_ns();
		size_t left;
		struct nlmsghdr *nlh; /* NLMSG_NEXT casts away const */

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The kernel dropped events: say so. */
				pthread_mutex_lock(&w->mu);
				w->lost++;
				pthread_mutex_unlock(&w->mu);
				continue;
			}
			return errno == EAGAIN || errno == EWOULDBLOCK ? got
								       : -1;
		}
		got++;
		left = (size_t)len;
		for (nlh = (struct nlmsghdr *)w->buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left))
			on_message(w, nlh, ts);
	}
}

static int
count_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data)
{
	(void)type;
	(void)ct;
	(*(size_t *)data)++;
	return NFCT_CB_CONTINUE;
}

/* A dump of every family's entries through h, each given to cb. */
static int
dump_with(struct nfct_handle *h,
	  int (*cb)(enum nf_conntrack_msg_type, struct nf_conntrack *, void *),
	  void *data)
{
	uint32_t family = AF_UNSPEC;
	int rc, err;

	/* Each register allocates; only unregister (not close) frees. */
	if (nfct_callback_register(h, NFCT_T_ALL, cb, data) < 0)
		return -1;
	rc = nfct_query(h, NFCT_Q_DUMP, &family);
	err = errno;
	nfct_callback_unregister(h);
	errno = err;
	return rc;
}

/*
 * The kernel removes an expired entry, and sends its destroy event, only
 * when something looks at it: a packet of its tuple, the garbage
 * collector (measured up to ~12 s late), or a table dump, which removes
 * every expired entry it meets.  A dump every SL_CT_REAP_NS makes the
 * destroy event of an expired mapping come within that interval of the
 * expiry.  What it removes was dead already: no packet would match it.
 */
#define SL_CT_REAP_NS 100000000LL

static void
reap(struct sl_ct_watch *w)
{
	size_t n = 0;

	(void)dump_with(w->q, count_cb, &n);
}

static void *
watch_thread(void *arg)
{
	struct sl_ct_watch *w = arg;
	struct sched_param rt = {1};

	/*
	 * The stamp is the read time: a real-time thread is woken within
	 * microseconds, an ordinary one on a busy machine after a scheduler
	 * slice (docs/kernel-notes.md).  It blocks in poll, so it cannot
	 * starve anything.  Without the privilege it stays ordinary.
	 */
	(void)pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt);
	for (int64_t next = sl_now_mono_ns() + SL_CT_REAP_NS;;) {
		struct pollfd p[2] = {{w->fd, POLLIN, 0},
				      {w->wake[0], POLLIN, 0}};
		int64_t now = sl_now_mono_ns();
		int rc;

		if (now >= next) {
			reap(w);
			next = now + SL_CT_REAP_NS;
		}
		rc = poll(p, 2, (int)((next - now + 999999) / 1000000));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			break;
		if (p[0].revents && read_queued(w) < 0)
			break;
		if (p[1].revents)
			break;
	}
	return NULL;
}

/* nfct_open inside netns_fd's namespace. */
static struct nfct_handle *
open_in(int netns_fd, unsigned groups, char *errbuf)
{
	struct nfct_handle *h;
	int home, err;

	if (ns_visit(netns_fd, &home, errbuf) != SL_OK)
		return NULL;
	h = nfct_open(CONNTRACK, groups);
	err = errno;
	ns_return(home);
	if (h == NULL)
		sl_errbuf_set(errbuf,
			      "conntrack: netlink socket (NETLINK_NETFILTER): "
			      "%s",
			      strerror(err));
	return h;
}

/*
 * A query handle in that namespace, once the kernel has answered a dump
 * through it: a kernel without nf_conntrack_netlink accepts the event
 * groups silently, so a dump is the test.
 */
static struct nfct_handle *
open_probed(int netns_fd, char *errbuf)
{
	struct nfct_handle *h = open_in(netns_fd, 0, errbuf);
	size_t n = 0;

	if (h != NULL && dump_with(h, count_cb, &n) < 0) {
		sl_errbuf_set(errbuf,
			      "conntrack: the kernel does not answer conntrack "
			      "queries (%s): no nf_conntrack / "
			      "nf_conntrack_netlink?",
			      strerror(errno));
		nfct_close(h);
		h = NULL;
	}
	return h;
}

struct sl_ct_watch *
sl_ct_watch_start(int netns_fd, char host, const char *label,
		  struct sl_events *ev, char *errbuf)
{
	struct nfct_handle *q = open_probed(netns_fd, errbuf);
	struct sl_ct_watch *w;
	int big = 4 << 20;

	if (q == NULL)
		return NULL;
	w = sl_xcalloc(1, sizeof *w);
	w->q = q;
	w->fd = -1;
	w->wake[0] = w->wake[1] = -1;
	w->host = host;
	snprintf(w->label, sizeof w->label, "%s", label ? label : "");
	w->ev = ev;
	pthread_mutex_init(&w->mu, NULL);
	w->h = open_in(netns_fd, NFCT_ALL_CT_GROUPS, errbuf);
	if (w->h == NULL)
		goto fail;
	w->fd = nfct_fd(w->h);
	/* A burst of events (a sweep) must not overflow the queue. */
	if (setsockopt(w->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) !=
	    0)
		(void)setsockopt(w->fd, SOL_SOCKET, SO_RCVBUF, &big,
				 sizeof big);
	if (pipe2(w->wake, O_CLOEXEC) != 0) {
		sl_errbuf_set(errbuf, "conntrack: pipe: %s", strerror(errno));
		goto fail;
	}
	if (sl_par_thread(&w->thread, watch_thread, w) != 0) {
		sl_errbuf_set(errbuf, "conntrack: cannot start the thread");
		goto fail;
	}
	w->running = true;
	return w;
fail:
	(void)sl_ct_watch_stop(w, 0);
	return NULL;
}

size_t
sl_ct_watch_copy(struct sl_ct_watch *w, struct sl_ct_event **v)
{
	size_t n;

	pthread_mutex_lock(&w->mu);
	n = w->n;
	*v = n ? sl_xcalloc(n, sizeof **v) : NULL;
	if (n)
		memcpy(*v, w->v, n * sizeof **v);
	pthread_mutex_unlock(&w->mu);
	return n;
}

size_t
sl_ct_watch_flush(struct sl_ct_watch *w)
{
	size_t added = 0;
	char detail[SL_EV_DETAILLEN];

	if (w->ev == NULL)
		return 0;
	pthread_mutex_lock(&w->mu);
	for (; w->flushed < w->n; w->flushed++, added++) {
		const struct sl_ct_event *c = &w->v[w->flushed];

		sl_ct_entry_str(&c->e, detail, sizeof detail);
		sl_events_add_at(w->ev, c->ts_ns, w->host, w->label,
				 sl_ct_kind_name(c->kind), 0, 0, "%s", detail);
	}
	if (w->lost > w->lost_noted) {
		sl_events_add(w->ev, w->host, w->label, "note", 0, 0,
			      "conntrack: the kernel dropped events %u times "
			      "(socket buffer full)",
			      w->lost - w->lost_noted);
		w->lost_noted = w->lost;
		added++;
	}
	pthread_mutex_unlock(&w->mu);
	if (added)
		sl_events_sort(w->ev);
	return added;
}

unsigned
sl_ct_watch_stop(struct sl_ct_watch *w, int64_t wait_ns)
{
	unsigned lost;

	if (w == NULL)
		return 0;
	if (w->running) {
		if (wait_ns > 0) {
			struct timespec t = {(time_t)(wait_ns / 1000000000),
					     (long)(wait_ns % 1000000000)};

			while (nanosleep(&t, &t) != 0 && errno == EINTR)
				;
		}
		(void)!write(w->wake[1], "x", 1);
		pthread_join(w->thread, NULL);
		/* The thread has gone: what is still queued is read here. */
		reap(w);
		(void)read_queued(w);
	}
	sl_ct_watch_flush(w);
	lost = w->lost;
	if (w->h != NULL)
		nfct_close(w->h);
	if (w->q != NULL)
		nfct_close(w->q);
	for (int i = 0; i < 2; i++)
		if (w->wake[i] >= 0)
			close(w->wake[i]);
	pthread_mutex_destroy(&w->mu);
	free(w->v);
	free(w->seen);
	free(w);
	return lost;
}

/* ---- the table now ---- */

struct dump_acc {
	struct sl_ct_entry *v;
	size_t n, cap;
};

static int
dump_cb(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data)
{
	struct dump_acc *a = data;

	(void)type;
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->v = sl_xrealloc(a->v, a->cap, sizeof *a->v);
	}
	memset(&a->v[a->n], 0, sizeof a->v[a->n]);
	entry_of(ct, &a->v[a->n]);
	a->n++;
	return NFCT_CB_CONTINUE;
}

int
sl_ct_dump(int netns_fd, struct sl_ct_entry **v, size_t *n, char *errbuf)
{
	struct nfct_handle *h = open_in(netns_fd, 0, errbuf);
	struct dump_acc a = {NULL, 0, 0};
	int rc;

	*v = NULL;
	*n = 0;
	if (h == NULL)
		return SL_ENV;
	rc = dump_with(h, dump_cb, &a);
	nfct_close(h);
	if (rc < 0) {
		sl_errbuf_set(errbuf, "conntrack: table dump: %s",
			      strerror(errno));
		free(a.v);
		return SL_ENV;
	}
	*v = a.v;
	*n = a.n;
	return SL_OK;
}

/* ---- nftables tables, for leftover checks ---- */

static const char *
nfproto_name(uint8_t f)
{
	switch (f) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	default:
		return "?";
	}
}

/*
 * One NFT_MSG_NEWTABLE of a dump: writes " family name" to names.  The
 * attributes are walked with their lengths checked against the message.
 */
static void
nft_table_name(struct nlmsghdr *nlh, FILE *names)
{
	const struct nfgenmsg *g = NLMSG_DATA(nlh);
	size_t plen = NLMSG_PAYLOAD(nlh, 0), at = NLMSG_ALIGN(sizeof *g);
	const uint8_t *p = NLMSG_DATA(nlh);

	if (plen < sizeof *g)
		return;
	while (at + sizeof(struct nlattr) <= plen) {
		struct nlattr a;

		memcpy(&a, p + at, sizeof a);
		if (a.nla_len < sizeof a || at + a.nla_len > plen)
			return;
		if ((a.nla_type & NLA_TYPE_MASK) == NFTA_TABLE_NAME) {
			fprintf(names, " %s %.*s",
				nfproto_name(g->nfgen_family),
				(int)strnlen((const char *)p + at + sizeof a,
					     a.nla_len - sizeof a),
				(const char *)p + at + sizeof a);
			return;
		}
		at += NLA_ALIGN(a.nla_len);
	}
}

/*
 * The number of nftables tables in the current namespace, or -1; names
 * gets " family name" of each.
 */
static int
nft_tables(FILE *names, char *errbuf)
{
	struct {
		struct nlmsghdr nlh;
		struct nfgenmsg g;
	} req;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	uint8_t buf[16384];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	int count = 0;

	if (fd < 0) {
		sl_errbuf_set(errbuf, "nftables: netlink socket: %s",
			      strerror(errno));
		return -1;
	}
	memset(&req, 0, sizeof req);
	req.nlh.nlmsg_len = sizeof req;
	req.nlh.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = 1;
	req.g.nfgen_family = NFPROTO_UNSPEC;
	req.g.version = NFNETLINK_V0;
	if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel,
		   sizeof kernel) < 0) {
		sl_errbuf_set(errbuf, "nftables: table dump: %s",
			      strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		size_t left;
		struct nlmsghdr *nlh; /* NLMSG_NEXT casts away const */

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sl_errbuf_set(errbuf, "nftables: table dump: %s",
				      n < 0 ? strerror(errno) : "no answer");
			count = -1;
			break;
		}
		left = (size_t)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof *e) ||
				    e->error == 0)
					goto done;
				sl_errbuf_set(errbuf,
					      "nftables: table dump: %s",
					      strerror(-e->error));
				count = -1;
				goto done;
			}
			if (NFNL_MSG_TYPE(nlh->nlmsg_type) ==
			    NFT_MSG_NEWTABLE) {
				count++;
				nft_table_name(nlh, names);
			}
		}
	}
done:
	close(fd);
	return count;
}

int
sl_ct_leftovers(int netns_fd, char *what, size_t len, char *errbuf)
{
	struct sl_ct_entry *v;
	char *names = NULL;
	size_t n, nlen = 0;
	FILE *f;
	int home, tables, rc;

	rc = sl_ct_dump(netns_fd, &v, &n, errbuf);
	if (rc != SL_OK)
		return rc;
	free(v);
	if ((rc = ns_visit(netns_fd, &home, errbuf)) != SL_OK)
		return rc;
	f = open_memstream(&names, &nlen);
	tables = f != NULL ? nft_tables(f, errbuf) : -1;
	ns_return(home);
	if (f != NULL && fclose(f) != 0)
		tables = -1;
	if (tables < 0) {
		if (f == NULL)
			sl_errbuf_set(errbuf, "nftables: out of memory");
		free(names);
		return SL_ENV;
	}
	if (what != NULL && len > 0)
		snprintf(what, len, "%zu conntrack entr%s%s%s", n,
			 n == 1 ? "y" : "ies", tables ? "; nft tables:" : "",
			 tables ? names : "");
	free(names);
	return (int)n + tables;
}
