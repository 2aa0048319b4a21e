/*
 * realpeer: the client, listener and raw-segment sender that
 * tests/real/make-real.sh runs inside its namespaces to make a real kernel
 * put the cases of docs/real-captures.md on the wire.
 *
 *   realpeer listen ADDR PORT [OPTIONS]
 *   realpeer connect ADDR PORT [OPTIONS]
 *   realpeer raw SRC SPORT DST DPORT [--gap MS] SEG...
 *   realpeer relay IF1 IF2 DELAY_MS
 *
 * listen: accept --count connections one after another; on each, read
 * --expect bytes (or until EOF, or until --idle MS without data), write --send bytes, then close (the
 * listener closes first, so it holds TIME-WAIT).  --linger0 closes with an
 * abortive RST instead; --hold MS waits before closing.
 *
 * connect: --count connections one after another; on each, wait --pause
 * MS, write --send bytes (with MSG_FASTOPEN in the SYN when --fastopen),
 * read until EOF, close.  --bind-port pins the source port (with
 * SO_REUSEADDR), --linger0 aborts instead of reading, --hold MS keeps the
 * socket open before closing, --again B then writes B more bytes, --shut
 * half-closes after writing (two connects that met in a simultaneous open
 * both read until the other's FIN), --at MS waits until that wall-clock
 * instant (ms since the epoch) before connecting, so that two hosts in
 * different namespaces send their SYNs together.  Prints one line per connection:
 * "connect N: ok" or "connect N: <errno text>".
 *
 * raw: send crafted IPv4 TCP segments with no options, window 64240, each
 * SEG written FLAGS:SEQ[:ACK] (FLAGS from "SFRPAU", e.g. SF:1000), --gap MS
 * apart, IP TTL 64 or --ttl N (a firewall rule can tell them from the
 * kernel's own segments by it).  Payload-free.
 *
 * relay: a wire with a one-way delay between two interfaces of the
 * namespace it runs in (the kernel has no netem here): every frame received
 * on one is written to the other DELAY_MS later, in order.  The interfaces
 * carry no address, so only the relay joins them.  Runs until killed.
 *
 * Exit: 0 when every connection went as asked, 1 otherwise, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

struct rp_opts {
	int count;
	long send;
	long expect;
	int pause_ms;
	int hold_ms;
	int bind_port;
	int fastopen;
	int mptcp;
	int linger0;
	int gap_ms;
	long again;
	int idle_ms;
	int ttl;
	int shut;
	long long at_ms;
};

static void
usage(void)
{
	fprintf(
	    stderr,
	    "usage: realpeer listen ADDR PORT [--count N] [--expect B] [--idle "
	    "MS] [--send B]\n"
	    "                  [--fastopen] [--mptcp] [--linger0] [--hold MS]\n"
	    "       realpeer connect ADDR PORT [--count N] [--send B] [--pause "
	    "MS]\n"
	    "                  [--bind-port P] [--fastopen] [--mptcp] "
	    "[--linger0] [--hold MS]\n"
	    "                  [--again B] [--shut] [--at EPOCH_MS]\n"
	    "       realpeer raw SRC SPORT DST DPORT [--gap MS] [--ttl N] "
	    "FLAGS:SEQ[:ACK]...\n"
	    "       realpeer relay IF1 IF2 DELAY_MS\n");
	exit(2);
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Parse ADDR PORT into ss; returns the address family or -1. */
static int
parse_addr(const char *a, const char *p, struct sockaddr_storage *ss,
	   socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	int port = atoi(p);

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return AF_INET6;
	}
	return -1;
}

static int
parse_opts(int argc, char **argv, int i, struct rp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->count = 1;
	o->expect = -1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--fastopen") == 0)
			o->fastopen = 1;
		else if (strcmp(a, "--mptcp") == 0)
			o->mptcp = 1;
		else if (strcmp(a, "--linger0") == 0)
			o->linger0 = 1;
		else if (strcmp(a, "--shut") == 0)
			o->shut = 1;
		else if (v == NULL)
			return i;
		else if (strcmp(a, "--count") == 0)
			o->count = atoi(argv[++i]);
		else if (strcmp(a, "--send") == 0)
			o->send = atol(argv[++i]);
		else if (strcmp(a, "--expect") == 0)
			o->expect = atol(argv[++i]);
		else if (strcmp(a, "--pause") == 0)
			o->pause_ms = atoi(argv[++i]);
		else if (strcmp(a, "--hold") == 0)
			o->hold_ms = atoi(argv[++i]);
		else if (strcmp(a, "--bind-port") == 0)
			o->bind_port = atoi(argv[++i]);
		else if (strcmp(a, "--ttl") == 0)
			o->ttl = atoi(argv[++i]);
		else if (strcmp(a, "--idle") == 0)
			o->idle_ms = atoi(argv[++i]);
		else if (strcmp(a, "--again") == 0)
			o->again = atol(argv[++i]);
		else if (strcmp(a, "--at") == 0)
			o->at_ms = atoll(argv[++i]);
		else if (strcmp(a, "--gap") == 0)
			o->gap_ms = atoi(argv[++i]);
		else
			return i;
	}
	return i;
}

static void
set_linger0(int fd)
{
	struct linger l = {1, 0};

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) != 0)
		perror("realpeer: SO_LINGER");
}

/*
 * Write n bytes of a repeating pattern; flags for the first send only.
 * Writes of up to 1 MiB let TCP build GSO packets above 64 KiB (BIG TCP).
 */
static int
send_bytes(int fd, long n, int flags, const struct sockaddr *to,
	   socklen_t tolen)
{
	static char buf[1 << 20];

	memset(buf, 'x', sizeof(buf));
	while (n > 0) {
		size_t k = n > (long)sizeof(buf) ? sizeof(buf) : (size_t)n;
		ssize_t w = sendto(fd, buf, k, flags, flags ? to : NULL,
				   flags ? tolen : 0);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		n -= w;
		flags = 0;
	}
	return 0;
}

/* Read until EOF (max < 0) or max bytes; returns bytes read or -1. */
static long
read_bytes(int fd, long max)
{
	static char buf[65536];
	long got = 0;

	while (max < 0 || got < max) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break; /* --idle: the peer went quiet */
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

static int
do_listen(int fam, const struct sockaddr_storage *ss, socklen_t len,
	  const struct rp_opts *o)
{
	int one = 1, qlen = 16, bad = 0;
	int lfd = socket(fam, SOCK_STREAM, o->mptcp ? IPPROTO_MPTCP : 0);

	if (lfd < 0) {
		perror("realpeer: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (o->fastopen && setsockopt(lfd, IPPROTO_TCP, TCP_FASTOPEN, &qlen,
				      sizeof(qlen)) != 0)
		perror("realpeer: TCP_FASTOPEN");
	if (bind(lfd, (const struct sockaddr *)ss, len) != 0 ||
	    listen(lfd, 16) != 0) {
		perror("realpeer: bind/listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (int n = 1; n <= o->count; n++) {
		int fd = accept(lfd, NULL, NULL);
		long got;

		if (fd < 0) {
			perror("realpeer: accept");
			return 1;
		}
		if (o->idle_ms) {
			struct timeval tv = {o->idle_ms / 1000,
					     (o->idle_ms % 1000) * 1000};

			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				   sizeof(tv));
		}
		got = read_bytes(fd, o->expect);
		if (o->send > 0 && send_bytes(fd, o->send, 0, NULL, 0) != 0) {
			perror("realpeer: write");
			bad = 1;
		}
		if (o->hold_ms)
			sleep_ms(o->hold_ms);
		if (o->linger0)
			set_linger0(fd);
		close(fd);
		printf("accept %d: read %ld\n", n, got);
		fflush(stdout);
	}
	close(lfd);
	return bad;
}

static int
connect_one(int fam, const struct sockaddr_storage *ss, socklen_t len,
	    const struct rp_opts *o)
{
	int one = 1, e;
	int fd = socket(fam, SOCK_STREAM, o->mptcp ? IPPROTO_MPTCP : 0);

	if (fd < 0)
		return -1;
	if (o->bind_port) {
		struct sockaddr_storage b;

		memset(&b, 0, sizeof(b));
		b.ss_family = (sa_family_t)fam;
		if (fam == AF_INET)
			((struct sockaddr_in *)&b)->sin_port =
			    htons((uint16_t)o->bind_port);
		else
			((struct sockaddr_in6 *)&b)->sin6_port =
			    htons((uint16_t)o->bind_port);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&b, len) != 0)
			goto fail;
	}
	if (o->at_ms > 0) {
		struct timespec now;
		long long ms;

		clock_gettime(CLOCK_REALTIME, &now);
		ms = o->at_ms -
		     ((long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
		if (ms > 0)
			sleep_ms((int)ms);
	}
	if (o->fastopen) {
		/* Data in the SYN: a cookie request first, then the cookie. */
		if (send_bytes(fd, o->send > 0 ? o->send : 1, MSG_FASTOPEN,
			       (const struct sockaddr *)ss, len) != 0)
			goto fail;
	} else {
		if (connect(fd, (const struct sockaddr *)ss, len) != 0)
			goto fail;
		if (o->pause_ms)
			sleep_ms(o->pause_ms);
		if (o->send > 0 && send_bytes(fd, o->send, 0, NULL, 0) != 0)
			goto fail;
	}
	if (o->hold_ms)
		sleep_ms(o->hold_ms);
	if (o->again > 0 && send_bytes(fd, o->again, 0, NULL, 0) != 0)
		goto fail;
	if (o->shut && shutdown(fd, SHUT_WR) != 0)
		goto fail;
	if (o->linger0) {
		set_linger0(fd);
	} else if (read_bytes(fd, -1) < 0) {
		goto fail;
	}
	close(fd);
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int
do_connect(int fam, const struct sockaddr_storage *ss, socklen_t len,
	   const struct rp_opts *o)
{
	int bad = 0;

	for (int n = 1; n <= o->count; n++) {
		if (connect_one(fam, ss, len, o) == 0) {
			printf("connect %d: ok\n", n);
		} else {
			printf("connect %d: %s\n", n, strerror(errno));
			bad = 1;
		}
		fflush(stdout);
	}
	return bad;
}

static uint16_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* One crafted IPv4 TCP segment "FLAGS:SEQ[:ACK]" from src to dst. */
static int
raw_send(int fd, const struct sockaddr_in *src, const struct sockaddr_in *dst,
	 int ttl, const char *seg)
{
	static const char names[] = "FSRPAU";
	uint8_t pkt[40] = {0}, pseudo[12];
	const char *colon = strchr(seg, ':');
	char *end;
	uint32_t seq, ack = 0;
	uint8_t flags = 0;

	if (colon == NULL)
		return -1;
	for (const char *c = seg; c < colon; c++) {
		const char *f = strchr(names, *c);

		if (f == NULL || *c == '\0')
			return -1;
		flags |= (uint8_t)(1u << (f - names));
	}
	seq = (uint32_t)strtoul(colon + 1, &end, 10);
	if (*end == ':')
		ack = (uint32_t)strtoul(end + 1, &end, 10);
	if (*end != '\0')
		return -1;
	pkt[0] = 0x45;
	put16(pkt + 2, sizeof(pkt));
	pkt[8] = (uint8_t)ttl;
	pkt[9] = IPPROTO_TCP;
	memcpy(pkt + 12, &src->sin_addr, 4);
	memcpy(pkt + 16, &dst->sin_addr, 4);
	put16(pkt + 10, (uint16_t)~csum_add(0, pkt, 20));
	memcpy(pkt + 20, &src->sin_port, 2);
	memcpy(pkt + 22, &dst->sin_port, 2);
	put32(pkt + 24, seq);
	put32(pkt + 28, ack);
	pkt[32] = 5 << 4;
	pkt[33] = flags;
	put16(pkt + 34, 64240);
	memcpy(pseudo, pkt + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, 20);
	put16(pkt + 36,
	      (uint16_t)~csum_add(csum_add(0, pseudo, 12), pkt + 20, 20));
	if (sendto(fd, pkt, sizeof(pkt), 0, (const struct sockaddr *)dst,
		   sizeof(*dst)) != (ssize_t)sizeof(pkt)) {
		perror("realpeer: raw sendto");
		return -1;
	}
	return 0;
}

static int
do_raw(int argc, char **argv)
{
	struct sockaddr_storage s, d;
	socklen_t l;
	struct rp_opts o;
	int fd, i;

	if (argc < 7 || parse_addr(argv[2], argv[3], &s, &l) != AF_INET ||
	    parse_addr(argv[4], argv[5], &d, &l) != AF_INET)
		usage();
	i = parse_opts(argc, argv, 6, &o);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("realpeer: raw socket");
		return 1;
	}
	for (int first = 1; i < argc; i++, first = 0) {
		if (!first && o.gap_ms)
			sleep_ms(o.gap_ms);
		if (raw_send(fd, (struct sockaddr_in *)&s,
			     (struct sockaddr_in *)&d, o.ttl ? o.ttl : 64,
			     argv[i]) != 0) {
			fprintf(stderr, "realpeer: bad segment '%s'\n",
				argv[i]);
			return 1;
		}
	}
	close(fd);
	return 0;
}

#define RELAY_QLEN 256
#define RELAY_MTU  65536

struct relay_q {
	int64_t due[RELAY_QLEN];
	size_t len[RELAY_QLEN];
	unsigned head, n;
	unsigned char *buf; /* RELAY_QLEN frames of RELAY_MTU */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
relay_socket(const char *ifname)
{
	struct sockaddr_ll sll;
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (fd < 0 || sll.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		fprintf(stderr, "realpeer: relay on %s: %s\n", ifname,
			strerror(errno));
		exit(1);
	}
	return fd;
}

/*
 * A veth leaves the TCP checksum to "hardware" (CHECKSUM_PARTIAL): a frame
 * read from a packet socket carries only the pseudo-header sum, and the
 * receiver would drop it.  The relay is that hardware: it computes the
 * checksum of every IPv4 TCP frame it passes on.
 */
static void
relay_tcp_csum(unsigned char *f, size_t len)
{
	uint8_t pseudo[12];
	size_t ihl, tl;

	if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 ||
	    (f[14] >> 4) != 4 || f[14 + 9] != IPPROTO_TCP)
		return;
	ihl = (size_t)(f[14] & 15) * 4;
	tl = (size_t)(f[16] << 8 | f[17]);
	if (tl > len - 14 || tl < ihl + 20)
		return;
	memcpy(pseudo, f + 14 + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, (uint32_t)(tl - ihl));
	put16(f + 14 + ihl + 16, 0);
	put16(f + 14 + ihl + 16, (uint16_t)~csum_add(csum_add(0, pseudo, 12),
						     f + 14 + ihl, tl - ihl));
}

/* Frames received on fd[i] wait in q[i] and leave on fd[1 - i]. */
static int
do_relay(int argc, char **argv)
{
	struct relay_q q[2];
	int fd[2], delay;

	if (argc != 5)
		usage();
	delay = atoi(argv[4]);
	fd[0] = relay_socket(argv[2]);
	fd[1] = relay_socket(argv[3]);
	for (int i = 0; i < 2; i++) {
		memset(&q[i], 0, sizeof(q[i]));
		q[i].buf = malloc((size_t)RELAY_QLEN * RELAY_MTU);
		if (q[i].buf == NULL)
			return 1;
	}
	printf("relaying\n");
	fflush(stdout);
	for (;;) {
		struct pollfd pfd[2] = {{fd[0], POLLIN, 0}, {fd[1], POLLIN, 0}};
		int64_t now = mono_ms(), wait = -1;

		for (int i = 0; i < 2; i++) {
			/* Due frames leave, oldest first. */
			while (q[i].n > 0 && q[i].due[q[i].head] <= now) {
				unsigned h = q[i].head;

				if (send(fd[1 - i],
					 q[i].buf + (size_t)h * RELAY_MTU,
					 q[i].len[h], 0) < 0)
					perror("realpeer: relay send");
				q[i].head = (h + 1) % RELAY_QLEN;
				q[i].n--;
			}
			if (q[i].n > 0 &&
			    (wait < 0 || q[i].due[q[i].head] - now < wait))
				wait = q[i].due[q[i].head] - now;
		}
		if (poll(pfd, 2, (int)wait) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < 2; i++) {
			struct sockaddr_ll from;
			socklen_t fl = sizeof(from);
			unsigned t = (q[i].head + q[i].n) % RELAY_QLEN;
			ssize_t r;

			if (!(pfd[i].revents & POLLIN))
				continue;
			r = recvfrom(fd[i], q[i].buf + (size_t)t * RELAY_MTU,
				     RELAY_MTU, 0, (struct sockaddr *)&from,
				     &fl);
			/* Our own writes come back as outgoing: not again. */
			if (r <= 0 || from.sll_pkttype == PACKET_OUTGOING ||
			    q[i].n == RELAY_QLEN)
				continue;
			relay_tcp_csum(q[i].buf + (size_t)t * RELAY_MTU,
				       (size_t)r);
			q[i].len[t] = (size_t)r;
			q[i].due[t] = mono_ms() + delay;
			q[i].n++;
		}
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct rp_opts o;
	int fam;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "raw") == 0)
		return do_raw(argc, argv);
	if (strcmp(argv[1], "relay") == 0)
		return do_relay(argc, argv);
	if (argc < 4)
		usage();
	fam = parse_addr(argv[2], argv[3], &ss, &len);
	if (fam < 0 || parse_opts(argc, argv, 4, &o) != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "listen") == 0)
		return do_listen(fam, &ss, len, &o);
	if (strcmp(argv[1], "connect") == 0)
		return do_connect(fam, &ss, len, &o);
	usage();
	return 2;
}
