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
 * tshark reads it) needs nothing else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <zlib.h>

#include "analyze.h"
#include "decode.h"
#include "pcapng_rd.h"

static ssize_t
gz_cookie_read(void *c, char *buf, size_t n)
{
	int r = gzread((gzFile)c, buf, n > 1u << 30 ? 1u << 30 : (unsigned)n);
	return r < 0 ? -1 : r;
}

static int
gz_cookie_close(void *c)
{
	return gzclose((gzFile)c) == Z_OK ? 0 : EOF;
}

static size_t
gz_read(void *src, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		unsigned k =
		    n - got > 1u << 30 ? 1u << 30 : (unsigned)(n - got);
		int r = gzread((gzFile)src, (char *)buf + got, k);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static int
read_pcapng(struct sl_analyzer *az, int file, const char *path, gzFile gz,
	    char *errbuf)
{
	struct sl_ngrd *r = sl_ngrd_new(gz_read, gz);
	struct sl_ngpkt p;
	char err[SL_ERRBUF_SIZE];
	uint64_t frame = 0;
	int ret = SL_OK, rc, iface = -1, nif = 0, *told = NULL;

	while ((rc = sl_ngrd_next(r, &p, err)) == 1) {
		int lt = p.ifc->linktype;
		frame++;
		if (p.iface != iface) {
			iface = p.iface;
			sl_analyzer_set_iface(az, iface, p.ifc->name);
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
		(void)sl_analyzer_feed(az, file, frame, p.ts_ns, lt, p.data,
				       p.caplen, p.wirelen);
	}
	if (rc < 0) {
		sl_errbuf_set(errbuf, "%s: frame %llu: %s", path,
			      (unsigned long long)frame + 1, err);
		ret = SL_EMALFORM;
	}
	free(told);
	sl_ngrd_free(r);
	gzclose(gz);
	return ret;
}

static int
read_pcap(struct sl_analyzer *az, int file, const char *path, gzFile gz,
	  char *errbuf)
{
	static const cookie_io_functions_t io = {.read = gz_cookie_read,
						 .close = gz_cookie_close};
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frame = 0;
	int dlt, r, ret = SL_OK, nsec;
	FILE *f = fopencookie(gz, "r", io);

	if (f == NULL) {
		gzclose(gz);
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_EIO;
	}
	perr[0] = '\0';
	/* pcap_fopen_offline owns f once it succeeds (pcap_close closes it) */
	pc = pcap_fopen_offline_with_tstamp_precision(
	    f, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (pc == NULL) {
		fclose(f); /* and with it the gzip stream */
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
	sl_analyzer_set_iface(az, 0, NULL);
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		/*
		 * The file holds unsigned 32-bit seconds; libpcap 1.10 made
		 * them signed.  The fraction must be below one second.
		 */
		int64_t sec = (int64_t)(uint32_t)h->ts.tv_sec;
		frame++;
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
		(void)sl_analyzer_feed(az, file, frame,
				       sec * 1000000000 +
					   (int64_t)h->ts.tv_usec *
					       (nsec ? 1 : 1000),
				       dlt, data, h->caplen, h->len);
	}
	if (r == -1) {
		sl_errbuf_set(errbuf, "%s: frame %llu: %s", path,
			      (unsigned long long)frame + 1, pcap_geterr(pc));
		ret = SL_EMALFORM;
	}
	pcap_close(pc);
	return ret;
}

int
sl_analyze_file(struct sl_analyzer *az, int file, const char *path,
		char *errbuf)
{
	uint8_t m[4];
	gzFile gz;
	int ret;

	sl_analyzer_set_file(az, file, path);
	gz = gzopen(path, "rb");
	if (gz == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", path,
			      errno ? strerror(errno) : "cannot open");
		return SL_EIO;
	}
	(void)gzbuffer(gz, 1u << 16);
	if (gz_read(gz, m, 4) == 4 && sl_ngrd_magic(m)) {
		gzrewind(gz);
		ret = read_pcapng(az, file, path, gz, errbuf);
	} else {
		gzrewind(gz);
		ret = read_pcap(az, file, path, gz, errbuf);
	}
	sl_analyzer_end_file(az);
	return ret;
}
