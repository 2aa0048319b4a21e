/* \summary: libnet segment builders and the precise send scheduler (RFC 9293 §3.1, RFC 7323 §2-3, RFC 2018) */
#include <libnet.h>

#include "inject.h"
#include "timearg.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct sl_injector {
	libnet_t *l;
	int family;
	int fd; /* libnet's raw socket */
	int64_t spin_ns;
};

const char *
sl_inject_libnet_version(void)
{
	return libnet_version();
}

struct sl_injector *
sl_injector_open(int family, const char *ifname, char *errbuf)
{
	char lerr[LIBNET_ERRBUF_SIZE] = "";
	struct sl_injector *ij;

	if (family != 4 && family != 6) {
		sl_errbuf_set(errbuf, "injector: family %d", family);
		return NULL;
	}
	ij = sl_xcalloc(1, sizeof *ij);
	ij->family = family;
	ij->spin_ns = SL_INJECT_SPIN_NS;
	ij->l =
	    libnet_init(family == 4 ? LIBNET_RAW4 : LIBNET_RAW6, NULL, lerr);
	if (ij->l == NULL) {
		sl_errbuf_set(errbuf, "libnet_init(%s): %s",
			      family == 4 ? "RAW4" : "RAW6", lerr);
		free(ij);
		return NULL;
	}
	ij->fd = libnet_getfd(ij->l);
	if (ifname != NULL && *ifname != '\0' &&
	    setsockopt(ij->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname) + 1) != 0) {
		sl_errbuf_set(errbuf, "%s: SO_BINDTODEVICE: %s", ifname,
			      strerror(errno));
		sl_injector_close(ij);
		return NULL;
	}
	return ij;
}

void
sl_injector_close(struct sl_injector *ij)
{
	if (ij == NULL)
		return;
	libnet_destroy(ij->l);
	free(ij);
}

void
sl_injector_set_spin(struct sl_injector *ij, int64_t spin_ns)
{
	ij->spin_ns = spin_ns < 0 ? 0 : spin_ns;
}

/*
 * The option bytes in the order Linux puts them in a SYN (mss, sackOK, TS,
 * nop, wscale), NOPs keeping each option where Linux aligns it; the total
 * is a multiple of 4 (RFC 9293 §3.1: the header ends on a 32-bit
 * boundary).  Returns the length.
 */
static size_t
build_opts(const struct sl_seg *s, uint8_t *o)
{
	size_t n = 0;

	if (s->opts & SL_OPT_MSS) {
		o[n++] = 2; /* RFC 9293 §3.2: kind 2, length 4 */
		o[n++] = 4;
		o[n++] = (uint8_t)(s->mss >> 8);
		o[n++] = (uint8_t)s->mss;
	}
	if ((s->opts & SL_OPT_SACK) && (s->opts & SL_OPT_TS)) {
		o[n++] = 4; /* RFC 2018 §2: SACK-permitted, kind 4 length 2 */
		o[n++] = 2;
	} else if (s->opts & SL_OPT_SACK) {
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 4;
		o[n++] = 2;
	}
	if (s->opts & SL_OPT_TS) {
		if (!(s->opts & SL_OPT_SACK)) {
			o[n++] = 1;
			o[n++] = 1;
		}
		o[n++] = 8; /* RFC 7323 §3.2: kind 8, length 10 */
		o[n++] = 10;
		for (int i = 3; i >= 0; i--)
			o[n++] = (uint8_t)(s->tsval >> (8 * i));
		for (int i = 3; i >= 0; i--)
			o[n++] = (uint8_t)(s->tsecr >> (8 * i));
	}
	if (s->opts & SL_OPT_WS) {
		o[n++] = 1;
		o[n++] = 3; /* RFC 7323 §2.2: kind 3, length 3 */
		o[n++] = 3;
		o[n++] = s->wscale;
	}
	while (n % 4)
		o[n++] = 1;
	return n;
}

int
sl_injector_build(struct sl_injector *ij, const struct sl_seg *s,
		  struct sl_seg_bytes *out, char *errbuf)
{
	libnet_t *l = ij->l;
	uint8_t opts[40], *pkt = NULL;
	uint32_t pktlen = 0;
	size_t olen;
	uint32_t tcplen;
	libnet_ptag_t t;

	if (s->family != ij->family) {
		sl_errbuf_set(errbuf, "segment is IPv%d, injector IPv%d",
			      s->family, ij->family);
		return SL_EINVAL;
	}
	olen = build_opts(s, opts);
	tcplen = (uint32_t)(LIBNET_TCP_H + olen) + s->paylen;
	if (tcplen + 40 > SL_SEG_MAXLEN) {
		sl_errbuf_set(errbuf, "segment of %u bytes is too long",
			      tcplen);
		return SL_EINVAL;
	}
	libnet_clear_packet(l);
	/* libnet builds from the inside out: options, TCP, then IP. */
	if (olen > 0 &&
	    libnet_build_tcp_options(opts, (uint32_t)olen, l, 0) == -1)
		goto fail;
	t = libnet_build_tcp(s->sport, s->dport, s->seq, s->ack, s->flags,
			     s->win, 0, 0, (uint16_t)tcplen, s->payload,
			     s->paylen, l, 0);
	if (t == -1)
		goto fail;
	if (s->family == 4) {
		uint32_t src, dst;

		memcpy(&src, s->src, 4);
		memcpy(&dst, s->dst, 4);
		t = libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + tcplen), 0,
				      (uint16_t)(random() & 0xffff), 0x4000,
				      s->ttl ? s->ttl : 64, IPPROTO_TCP, 0, src,
				      dst, NULL, 0, l, 0);
	} else {
		struct libnet_in6_addr src, dst;

		memcpy(&src, s->src, 16);
		memcpy(&dst, s->dst, 16);
		t = libnet_build_ipv6(0, 0, (uint16_t)tcplen, IPPROTO_TCP,
				      s->ttl ? s->ttl : 64, src, dst, NULL, 0,
				      l, 0);
	}
	if (t == -1)
		goto fail;
	/*
	 * The finished bytes, checksums done, taken out of libnet so that the
	 * timed send is one sendto() on libnet's raw socket instead of
	 * libnet_write()'s coalescing inside the timed window.  libnet 1.1.6
	 * offers libnet_adv_cull_packet() only in LINK_ADV mode; its body is
	 * this call, declared in <libnet/libnet-functions.h>.  In the raw
	 * modes the buffer has no alignment offset: free() releases it.
	 */
	if (libnet_pblock_coalesce(l, &pkt, &pktlen) == -1)
		goto fail;
	if (pktlen > sizeof out->data) {
		free(pkt);
		sl_errbuf_set(errbuf, "libnet built %u bytes", pktlen);
		return SL_EINVAL;
	}
	memcpy(out->data, pkt, pktlen);
	out->len = pktlen;
	out->family = s->family;
	memset(out->dst, 0, sizeof out->dst);
	memcpy(out->dst, s->dst, s->family == 4 ? 4 : 16);
	free(pkt);
	libnet_clear_packet(l);
	return SL_OK;
fail:
	sl_errbuf_set(errbuf, "libnet: %s", libnet_geterror(l));
	libnet_clear_packet(l);
	return SL_EINVAL;
}

static int64_t
now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
sl_injector_send_at(struct sl_injector *ij, const struct sl_seg_bytes *b,
		    int64_t at_ns, struct sl_inject_stamp *st, char *errbuf)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t n;
	int64_t t0, t1;

	memset(&ss, 0, sizeof ss);
	if (b->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, b->dst, 4);
		sl = sizeof *sin;
	} else {
		/* IPPROTO_RAW on IPv6 is header-included (Linux >= 4.5);
		 * sin6_port must be 0 or the protocol. */
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, b->dst, 16);
		sl = sizeof *sin6;
	}
	if (at_ns > 0) {
		int64_t wake = at_ns - ij->spin_ns;
		bool fifo;

		(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
		/*
		 * SCHED_FIFO (root) for the sleep and the spin: the wake-up
		 * preempts whatever else runs on the CPU (a busy neighbour
		 * cost up to 4 ms at p99 otherwise), and the spin never
		 * yields, so it stays short.  Restored right after.
		 */
		fifo = sl_fifo_enter();
		(void)sl_sleep_until(CLOCK_REALTIME, wake, NULL);
		while (now_real() < at_ns)
			; /* spin: the last SL_INJECT_SPIN_NS */
		t0 = now_real();
		n = sendto(ij->fd, b->data, b->len, 0, (struct sockaddr *)&ss,
			   sl);
		t1 = now_real();
		sl_fifo_leave(fifo);
		goto sent;
	}
	t0 = now_real();
	n = sendto(ij->fd, b->data, b->len, 0, (struct sockaddr *)&ss, sl);
	t1 = now_real();
sent:
	if (st != NULL) {
		st->scheduled = at_ns;
		st->before = t0;
		st->after = t1;
	}
	if (n < 0 || (size_t)n != b->len) {
		sl_errbuf_set(errbuf, "sendto (raw IPv%d): %s", b->family,
			      n < 0 ? strerror(errno) : "short write");
		return SL_EIO;
	}
	return SL_OK;
}

/* ---- parsing helpers for the command line ---- */

int
sl_inject_parse_flags(const char *s, uint8_t *flags)
{
	uint8_t f = 0;

	if (s == NULL || *s == '\0')
		return SL_EINVAL;
	for (; *s; s++) {
		switch (toupper((unsigned char)*s)) {
		case 'S':
			f |= SL_TH_SYN;
			break;
		case 'A':
		case '.':
			f |= SL_TH_ACK;
			break;
		case 'R':
			f |= SL_TH_RST;
			break;
		case 'F':
			f |= SL_TH_FIN;
			break;
		case 'P':
			f |= SL_TH_PSH;
			break;
		default:
			return SL_EINVAL;
		}
	}
	*flags = f;
	return SL_OK;
}

int
sl_inject_parse_opts(const char *s, unsigned *opts)
{
	char buf[128], *p, *tok;
	unsigned o = 0;

	if (s == NULL || strlen(s) >= sizeof buf)
		return SL_EINVAL;
	snprintf(buf, sizeof buf, "%s", s);
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		if (*tok == '\0' || strcmp(tok, "none") == 0)
			continue;
		if (strcmp(tok, "mss") == 0)
			o |= SL_OPT_MSS;
		else if (strcmp(tok, "ws") == 0 || strcmp(tok, "wscale") == 0)
			o |= SL_OPT_WS;
		else if (strcmp(tok, "sack") == 0 || strcmp(tok, "sackok") == 0)
			o |= SL_OPT_SACK;
		else if (strcmp(tok, "ts") == 0)
			o |= SL_OPT_TS;
		else if (strcmp(tok, "all") == 0)
			o |= SL_OPT_ALL;
		else
			return SL_EINVAL;
	}
	*opts = o;
	return SL_OK;
}

const char *
sl_inject_opts_str(unsigned opts, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{SL_OPT_MSS, "mss"},
		     {SL_OPT_SACK, "sack"},
		     {SL_OPT_TS, "ts"},
		     {SL_OPT_WS, "ws"}};
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(opts & names[i].bit))
			continue;
		used +=
		    (size_t)snprintf(buf + used, used < len ? len - used : 0,
				     "%s%s", used ? "," : "", names[i].name);
		if (used >= len)
			break;
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
	return buf;
}

int
sl_inject_parse_endpoint(const char *s, int *family, uint8_t addr[16],
			 uint16_t *port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	char *end;
	unsigned long p;
	size_t hl;

	if (s == NULL)
		return SL_EINVAL;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return SL_EINVAL;
		hl = (size_t)(rb - s - 1);
		colon = rb + 1;
		if (hl >= sizeof host)
			return SL_EINVAL;
		memcpy(host, s + 1, hl);
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return SL_EINVAL;
		hl = (size_t)(colon - s);
		if (hl >= sizeof host)
			return SL_EINVAL;
		memcpy(host, s, hl);
	}
	host[hl] = '\0';
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || p > 65535 || errno)
		return SL_EINVAL;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, host, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		*family = 6;
	else
		return SL_EINVAL;
	*port = (uint16_t)p;
	return SL_OK;
}
