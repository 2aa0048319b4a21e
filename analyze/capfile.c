#define _GNU_SOURCE /* fopencookie: libpcap reads the gzip stream as a FILE */
/* \summary: read a capture file (pcap through libpcap, pcapng of our own, either gzip-compressed) and feed the analyzer */
/*
 * Classic pcap goes through libpcap, which knows its variants (byte
 * orders, nanosecond and modified magics) and whose error messages the
 * tests know; its 32-bit seconds are read back as unsigned (libpcap 1.10
 * makes them signed, so 2038 and later came out negative).  pcapng goes
 * through common/pcapng_rd: libpcap 1.10 refuses a pcapng whose
 * interfaces differ in link type or snaplen, and does not say which
 * interface a packet came from.  Both read through zlib's gzread, which
 * passes an uncompressed file through unchanged, so a .gz capture (as
 * tshark reads it) needs nothing else; only an uncompressed classic pcap
 * that is a regular file goes to libpcap as a plain stdio stream, the
 * cheaper way for the most common input.
 */
#include <errno.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <zlib.h>

#include "analyze.h"
#include "decode.h"
#include "feed.h"
#include "pcapng_rd.h"

/* stdio's buffer for a plain file (struct gzsrc) */
#define PLAIN_BUF (64u << 10)

/*
 * The file as zlib reads it, with the four bytes read to tell pcap from
 * pcapng given back first: a pipe (`-`, /dev/stdin) cannot be rewound.
 */
struct gzsrc {
	gzFile gz; /* NULL once plain is open */
	uint8_t head[4];
	unsigned nhead, at;
	/*
	 * A classic pcap that is a regular file, not compressed: the same
	 * file through stdio, for libpcap to read without zlib's copy and
	 * a cookie's byte-wise reads of each record header; or NULL.
	 */
	FILE *plain;
	char *pbuf; /* plain's stdio buffer (glibc sizes only its own) */
};

static size_t
gz_read(void *src, void *buf, size_t n)
{
	struct gzsrc *s = src;
	size_t got = 0;

	while (s->at < s->nhead && got < n)
		((uint8_t *)buf)[got++] = s->head[s->at++];
	while (got < n) {
		unsigned k =
		    n - got > 1u << 30 ? 1u << 30 : (unsigned)(n - got);
		int r = gzread(s->gz, (char *)buf + got, k);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static ssize_t
gz_cookie_read(void *c, char *buf, size_t n)
{
	struct gzsrc *s = c;
	int err;

	n = gz_read(s, buf, n > 1u << 30 ? 1u << 30 : n);
	if (n == 0 && (gzerror(s->gz, &err), err != Z_OK && err != Z_BUF_ERROR))
		return -1;
	return (ssize_t)n;
}

static int
gz_cookie_close(void *c)
{
	(void)c; /* closed by sl_analyze_file */
	return 0;
}

/*
 * The BPF filter of one file: compiled by libpcap (pcap_open_dead +
 * pcap_compile, as tcpdump does for a saved file) once for each link type
 * the file has, and run by pcap_offline_filter on each frame.
 */
#define SL_FILTER_LINKS 8

struct file_filter {
	const char *expr; /* NULL: every frame */
	pcap_t *pc;	  /* the file's libpcap handle, if it has one */
	uint64_t max, taken;
	int failed; /* the filter does not compile for a link type */
	int n, dlt[SL_FILTER_LINKS];
	struct bpf_program prog[SL_FILTER_LINKS];
};

/*
 * libpcap compiles some primitives differently for a saved file than for
 * a live capture (on DLT_NULL, ip6 matches the AF_INET6 of every BSD in a
 * file, the host's only when live), and for a file of the other byte
 * order.  So the filter is compiled against the file's own libpcap handle
 * when there is one (classic pcap), else against a handle on an empty
 * pcap file of the link type in host order, as tcpdump sees a pcapng.
 */
static int
filter_compile(pcap_t *file, int dlt, const char *expr,
	       struct bpf_program *prog, char *errbuf)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t zone;
		uint32_t sigfigs, snaplen, linktype;
	} hdr = {0xa1b2c3d4, 2, 4, 0, 0, 262144, (uint32_t)dlt};
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *p = file;
	FILE *f;
	int r;

	if (p == NULL) {
		f = fmemopen(&hdr, sizeof(hdr), "r");
		p = f ? pcap_fopen_offline(f, perr) : NULL;
		if (p == NULL) {
			if (f)
				fclose(f);
			sl_errbuf_set(errbuf, "%s",
				      f ? perr : "cannot compile a filter");
			return -1;
		}
	}
	r = pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (r != 0)
		sl_errbuf_set(errbuf, "%s", pcap_geterr(p));
	if (p != file)
		pcap_close(p);
	return r == 0 ? 0 : -1;
}

int
sl_filter_check(const char *expr, char *errbuf)
{
	struct bpf_program prog;

	if (filter_compile(NULL, DLT_EN10MB, expr, &prog, errbuf) != 0)
		return -1;
	pcap_freecode(&prog);
	return 0;
}

/* filter_take with a filter expression */
static bool
filter_run(struct file_filter *ff, const char *path, int dlt,
	   const uint8_t *data, uint32_t caplen, uint32_t wirelen, char *errbuf)
{
	struct pcap_pkthdr h = {.caplen = caplen, .len = wirelen};
	char err[SL_ERRBUF_SIZE];
	int i;

	for (i = 0; i < ff->n && ff->dlt[i] != dlt; i++)
		;
	if (i == ff->n) {
		if (i == SL_FILTER_LINKS) {
			sl_errbuf_set(errbuf,
				      "%s: filter: more than %d link types",
				      path, SL_FILTER_LINKS);
			ff->failed = 1;
			return false;
		}
		if (filter_compile(ff->pc, dlt, ff->expr, &ff->prog[i], err) !=
		    0) {
			const char *name = pcap_datalink_val_to_name(dlt);
			sl_errbuf_set(errbuf,
				      "%s: filter '%s' for link type %s: %s",
				      path, ff->expr, name ? name : "?", err);
			ff->failed = 1;
			return false;
		}
		ff->dlt[ff->n++] = dlt;
	}
	if (pcap_offline_filter(&ff->prog[i], &h, data) == 0)
		return false;
	ff->taken++;
	return true;
}

/*
 * Whether to feed this frame (counted against the limit).  When the
 * filter does not compile for its link type, errbuf says why, naming the
 * file, and reading stops (filter_more).  Without a filter, every frame
 * comes straight through, without filter_run's frame.
 */
static bool
filter_take(struct file_filter *ff, const char *path, int dlt,
	    const uint8_t *data, uint32_t caplen, uint32_t wirelen,
	    char *errbuf)
{
	if (ff->expr == NULL) {
		ff->taken++;
		return true;
	}
	return filter_run(ff, path, dlt, data, caplen, wirelen, errbuf);
}

/* Read on: the limit is not reached and the filter compiled. */
static bool
filter_more(const struct file_filter *ff)
{
	return !ff->failed && (ff->max == 0 || ff->taken < ff->max);
}

static void
filter_free(struct file_filter *ff)
{
	int i;

	for (i = 0; i < ff->n; i++)
		pcap_freecode(&ff->prog[i]);
}

/* The reader's progress, every SL_PROGRESS_EVERY frames. */
static void
progress(struct az_sink *out, struct gzsrc *gz, uint64_t frame)
{
	if (frame % SL_PROGRESS_EVERY == 0)
		az_sink_progress(out,
				 gz->plain ? (uint64_t)ftello(gz->plain)
					   : (uint64_t)gzoffset(gz->gz),
				 frame);
}

static int
read_pcapng(struct az_sink *out, const char *path, struct gzsrc *gz,
	    struct file_filter *ff, char *errbuf)
{
	struct sl_ngrd *r = sl_ngrd_new(gz_read, gz);
	struct sl_ngpkt p;
	char err[SL_ERRBUF_SIZE];
	uint64_t frame = 0;
	int ret = SL_OK, rc = 0, iface = -1, nif = 0, *told = NULL;

	while (filter_more(ff) && (rc = sl_ngrd_next(r, &p, err)) == 1) {
		int lt = p.ifc->linktype;
		frame++;
		progress(out, gz, frame);
		if (!filter_take(ff, path, lt, p.data, (uint32_t)p.caplen,
				 (uint32_t)p.wirelen, errbuf))
			continue;
		if (p.iface != iface) {
			iface = p.iface;
			az_sink_iface(out, iface, p.ifc->name);
		}
		if (!sl_decode_dlt_supported(lt)) {
			/* one problem per interface, not one per frame */
			if (iface >= nif) {
				told = sl_xrealloc(told, (size_t)iface + 1,
						   sizeof(*told));
				memset(told + nif, 0,
				       (size_t)(iface + 1 - nif) *
					   sizeof(*told));
				nif = iface + 1;
			}
			if (told[iface]++)
				continue;
		}
		az_sink_frame(out, frame, p.ts_ns, lt, p.data,
			      (uint32_t)p.caplen, (uint32_t)p.wirelen);
	}
	if (ff->failed) {
		ret = SL_EINVAL;
	} else if (rc < 0) {
		sl_errbuf_set(errbuf, "%s: frame %llu: %s", path,
			      (unsigned long long)frame + 1, err);
		ret = SL_EMALFORM;
	}
	free(told);
	sl_ngrd_free(r);
	return ret;
}

static int
read_pcap(struct az_sink *out, const char *path, struct gzsrc *gz,
	  struct file_filter *ff, char *errbuf)
{
	static const cookie_io_functions_t io = {.read = gz_cookie_read,
						 .close = gz_cookie_close};
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frame = 0;
	int dlt, r = 0, ret = SL_OK, nsec;
	FILE *f = gz->plain ? gz->plain : fopencookie(gz, "r", io);

	if (f == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_EIO;
	}
	perr[0] = '\0';
	/* pcap_fopen_offline owns f once it succeeds (pcap_close closes it) */
	pc = pcap_fopen_offline_with_tstamp_precision(
	    f, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (pc == NULL) {
		fclose(f);
		gz->plain = NULL;
		/* libpcap names the file itself in some of its messages. */
		if (strncmp(perr, path, strlen(path)) == 0)
			sl_errbuf_set(errbuf, "%s", perr);
		else
			sl_errbuf_set(errbuf, "%s: %s", path, perr);
		return SL_EIO;
	}
	nsec = pcap_get_tstamp_precision(pc) == PCAP_TSTAMP_PRECISION_NANO;
	dlt = pcap_datalink(pc);
	if (!sl_decode_dlt_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		sl_errbuf_set(errbuf, "%s: link type %d (%s) is not supported",
			      path, dlt, name ? name : "unknown");
		pcap_close(pc);
		return SL_ENOTSUP;
	}
	az_sink_iface(out, 0, NULL);
	ff->pc = pc;
	while (filter_more(ff) && (r = pcap_next_ex(pc, &h, &data)) == 1) {
		/*
		 * The file holds unsigned 32-bit seconds; libpcap 1.10 made
		 * them signed.  The fraction must be below one second.
		 */
		int64_t sec = (int64_t)(uint32_t)h->ts.tv_sec;
		frame++;
		progress(out, gz, frame);
		if (h->ts.tv_usec < 0 ||
		    h->ts.tv_usec >= (nsec ? 1000000000 : 1000000)) {
			sl_errbuf_set(errbuf,
				      "%s: frame %llu: timestamp out of range "
				      "(%lld s, fraction %ld)",
				      path, (unsigned long long)frame,
				      (long long)sec, (long)h->ts.tv_usec);
			ret = SL_EMALFORM;
			break;
		}
		if (!filter_take(ff, path, dlt, data, h->caplen, h->len,
				 errbuf))
			continue;
		az_sink_frame(out, frame,
			      sec * 1000000000 +
				  (int64_t)h->ts.tv_usec * (nsec ? 1 : 1000),
			      dlt, data, h->caplen, h->len);
	}
	if (ff->failed) {
		ret = SL_EINVAL;
	} else if (r == -1) {
		sl_errbuf_set(errbuf, "%s: frame %llu: %s", path,
			      (unsigned long long)frame + 1, pcap_geterr(pc));
		ret = SL_EMALFORM;
	}
	ff->pc = NULL;
	pcap_close(pc);
	return ret;
}

/* One file to read: what az_sink_run runs, maybe on a thread of its own. */
struct file_read {
	const char *path;
	struct gzsrc *gz;
	bool pcapng;
	struct file_filter *ff;
	char *errbuf;
};

static int
read_file(struct az_sink *out, void *arg)
{
	struct file_read *r = arg;

	if (r->pcapng)
		return read_pcapng(out, r->path, r->gz, r->ff, r->errbuf);
	return read_pcap(out, r->path, r->gz, r->ff, r->errbuf);
}

int
sl_analyze_file(struct sl_analyzer *az, int file, const char *path,
		char *errbuf)
{
	const struct sl_analyzer_cfg *cfg = sl_analyzer_get_cfg(az);
	struct file_filter ff = {.expr = cfg->filter, .max = cfg->max_packets};
	struct file_read r = {.path = path, .ff = &ff, .errbuf = errbuf};
	struct gzsrc src = {0};
	int ret, fd;

	sl_analyzer_set_file(az, file, path);
	/* "-" is standard input, as for tcpdump -r - */
	errno = 0;
	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : -2;
	src.gz = fd == -2  ? gzopen(path, "rb")
		 : fd >= 0 ? gzdopen(fd, "rb")
			   : NULL;
	if (src.gz == NULL) {
		if (fd >= 0)
			close(fd);
		sl_errbuf_set(errbuf, "%s: %s", path,
			      errno ? strerror(errno) : "cannot open");
		return SL_EIO;
	}
	(void)gzbuffer(src.gz, 1u << 16);
	src.nhead = (unsigned)gz_read(&src, src.head, sizeof(src.head));
	src.at = 0;
	r.pcapng = src.nhead == 4 && sl_ngrd_magic(src.head);
	if (!r.pcapng && gzdirect(src.gz) && sl_input_rereadable(path, NULL))
		src.plain = fopen(path, "rb"); /* NULL: through zlib */
	if (src.plain != NULL) {
		/*
		 * libpcap freads every record: in PLAIN_BUF, not in stdio's
		 * 4 KiB (a read(2) every few frames), and zlib's buffers
		 * (some 130 KiB written) go before the reading starts.
		 */
		src.pbuf = sl_xrealloc(NULL, 1, PLAIN_BUF); /* stdio fills it */
		(void)setvbuf(src.plain, src.pbuf, _IOFBF, PLAIN_BUF);
		gzclose(src.gz);
		src.gz = NULL;
	}
	r.gz = &src;
	ret = az_sink_run(az, file, read_file, &r);
	if (src.gz != NULL)
		gzclose(src.gz);
	free(src.pbuf); /* plain is closed (read_pcap) */
	filter_free(&ff);
	sl_analyzer_end_file(az);
	return ret;
}

/*
 * A word that begins a tcpdump filter.  Only such arguments are tried:
 * libpcap resolves any other word as a host name, and a mistyped file
 * name must not become a DNS query.
 */
static bool
filter_word(const char *w)
{
	static const char *const kw[] = {
	    "tcp",   "udp",   "icmp", "icmp6", "ip",	    "ip6",
	    "arp",   "host",  "net",  "port",  "portrange", "src",
	    "dst",   "ether", "vlan", "not",   "less",	    "greater",
	    "proto", "sctp",  "mpls", "(",     "!",	    NULL,
	};
	int i;

	for (i = 0; kw[i]; i++) {
		size_t n = strlen(kw[i]);
		if (strncmp(w, kw[i], n) == 0 &&
		    (w[n] == '\0' || w[n] == ' ' || w[n] == '[' ||
		     kw[i][0] == '(' || kw[i][0] == '!'))
			return true;
	}
	return false;
}

int
sl_filter_guess(char *const *files, int n, char *expr, size_t cap)
{
	char errbuf[SL_ERRBUF_SIZE];
	size_t len;
	int i, j, k;

	/* The trailing arguments that name no file, as tcpdump puts them. */
	for (k = n; k > 0; k--)
		if (access(files[k - 1], F_OK) == 0 || errno != ENOENT)
			break;
	/* The longest run of them that compiles: f.pcap x.pcap tcp port 80 */
	for (j = k; j < n; j++) {
		if (!filter_word(files[j]))
			continue;
		for (i = j; i < n &&
			    !(strchr(files[i], '.') &&
			      strpbrk(files[i], "abcdefghijklmnopqrstuvwxyz"));
		     i++)
			;
		if (i < n) /* a dotted name: would be resolved */
			return -1;
		expr[0] = '\0';
		for (i = j, len = 0; i < n && len < cap; i++)
			len += (size_t)snprintf(expr + len, cap - len, "%s%s",
						len ? " " : "", files[i]);
		if (len >= cap || sl_filter_check(expr, errbuf) != 0)
			continue;
		return j;
	}
	return -1;
}
