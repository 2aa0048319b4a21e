/* \summary: pcapng writer: SHB, IDB, EPB with opt_comment (draft-ietf-opsawg-pcapng §4) */
#include "pcapng.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#ifndef SYNLAB_VERSION
#define SYNLAB_VERSION "unknown"
#endif

#define SHB_HARDWARE 2
#define SHB_OS	     3
#define SHB_USERAPPL 4
#define IF_NAME	     2

/*
 * The largest block we build: an EPB with a 256 MiB packet and all options
 * is far past any link type's snapshot (libpcap's largest is 128 MiB).
 */
#define BLOCK_MAX ((size_t)1 << 29)

struct sl_pcapng_writer {
	FILE *f;
	char *path;
	int err; /* first failure, 0 if none */
	int err_errno;
	struct sl_pcapng_opts blk; /* the block being built */
	int nif;
	uint8_t *tsresol; /* if_tsresol byte of each interface */
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
buf_reserve(struct sl_pcapng_opts *b, size_t more)
{
	size_t cap;

	if (b->cap - b->len >= more)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	b->p = sl_xrealloc(b->p, cap, 1);
	b->cap = cap;
}

static void
buf_put(struct sl_pcapng_opts *b, const void *v, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, v, n);
	b->len += n;
}

static void
buf_put32(struct sl_pcapng_opts *b, uint32_t v)
{
	uint8_t x[4];

	put32(x, v);
	buf_put(b, x, 4);
}

static void
buf_pad4(struct sl_pcapng_opts *b)
{
	static const uint8_t zero[4];

	buf_put(b, zero, (4 - b->len % 4) % 4);
}

void
sl_pcapng_opts_add(struct sl_pcapng_opts *o, uint16_t code, const void *val,
		   size_t len)
{
	uint8_t h[4];

	if (len > SL_PCAPNG_OPT_MAX)
		len = SL_PCAPNG_OPT_MAX;
	put16(h, code);
	put16(h + 2, (uint16_t)len);
	buf_put(o, h, 4);
	buf_put(o, val, len);
	buf_pad4(o);
}

void
sl_pcapng_opts_free(struct sl_pcapng_opts *o)
{
	free(o->p);
	o->p = NULL;
	o->len = o->cap = 0;
}

static void
fail_io(struct sl_pcapng_writer *w)
{
	if (w->err == 0) {
		w->err = SL_EIO;
		w->err_errno = errno ? errno : EIO;
	}
}

/* Starts a block of type in w->blk; the length is filled by block_end. */
static void
block_begin(struct sl_pcapng_writer *w, uint32_t type)
{
	w->blk.len = 0;
	buf_put32(&w->blk, type);
	buf_put32(&w->blk, 0);
}

/*
 * Closes the options (opt_endofopt when there were any), writes the total
 * length at both ends and hands the block to stdio.
 */
static int
block_end(struct sl_pcapng_writer *w, int had_opts)
{
	size_t total;

	if (had_opts)
		buf_put32(&w->blk, 0); /* opt_endofopt, length 0 */
	total = w->blk.len + 4;
	if (total > BLOCK_MAX)
		return SL_EINVAL;
	buf_put32(&w->blk, (uint32_t)total);
	put32(w->blk.p + 4, (uint32_t)total);
	if (w->err)
		return w->err;
	errno = 0;
	if (fwrite(w->blk.p, 1, total, w->f) != total) {
		fail_io(w);
		return w->err;
	}
	return SL_OK;
}

static void
blk_opt_str(struct sl_pcapng_writer *w, uint16_t code, const char *s)
{
	sl_pcapng_opts_add(&w->blk, code, s, strlen(s));
}

struct sl_pcapng_writer *
sl_pcapng_open(const char *path, const char *shb_comment, char *errbuf)
{
	struct sl_pcapng_writer *w;
	struct utsname u;
	char os[3 * sizeof(u.sysname) + 4];
	uint8_t fixed[16];

	w = sl_xcalloc(1, sizeof(*w));
	w->path = sl_xstrdup(path);
	w->f = fopen(path, "wb");
	if (w->f == NULL) {
		sl_errbuf_set(errbuf, "%s: cannot create: %s", path,
			      strerror(errno));
		goto fail;
	}
	/* Full buffering: one write(2) per 256 KiB, not one per block. */
	if (setvbuf(w->f, NULL, _IOFBF, 256 * 1024) != 0) {
		sl_errbuf_set(errbuf, "%s: setvbuf failed", path);
		goto fail;
	}

	/* §4.1: byte-order magic, version 1.0, section length -1 (unknown). */
	block_begin(w, SL_PCAPNG_BT_SHB);
	put32(fixed, SL_PCAPNG_BOM);
	put16(fixed + 4, 1);
	put16(fixed + 6, 0);
	memset(fixed + 8, 0xff, 8);
	buf_put(&w->blk, fixed, sizeof(fixed));
	if (shb_comment != NULL && shb_comment[0] != '\0')
		blk_opt_str(w, SL_PCAPNG_OPT_COMMENT, shb_comment);
	if (uname(&u) == 0) {
		snprintf(os, sizeof(os), "%s %s %s", u.sysname, u.release,
			 u.machine);
		blk_opt_str(w, SHB_OS, os);
	}
	blk_opt_str(w, SHB_USERAPPL, "synlab " SYNLAB_VERSION);
	if (block_end(w, 1) != SL_OK) {
		sl_errbuf_set(errbuf, "%s: write failed: %s", path,
			      strerror(w->err_errno));
		goto fail;
	}
	return w;

fail:
	if (w->f != NULL) {
		fclose(w->f);
		remove(path);
	}
	free(w->blk.p);
	free(w->path);
	free(w);
	return NULL;
}

static int
new_interface(struct sl_pcapng_writer *w, uint8_t tsresol)
{
	w->tsresol = sl_xrealloc(w->tsresol, (size_t)w->nif + 1, 1);
	w->tsresol[w->nif] = tsresol;
	return w->nif++;
}

/*
 * pcapng stores LINKTYPE_ values, pcap_datalink() returns DLT_ values; they
 * differ only for the few old types below (libpcap's dlt_to_linktype).
 */
static uint16_t
dlt_to_linktype(int dlt)
{
	switch (dlt) {
	case 11: /* DLT_ATM_RFC1483 */
		return 100;
	case 12: /* DLT_RAW (14 on OpenBSD) */
	case 14:
		return 101;
	case 15: /* DLT_SLIP_BSDOS */
		return 102;
	case 16: /* DLT_PPP_BSDOS */
		return 103;
	default:
		return (uint16_t)dlt;
	}
}

int
sl_pcapng_add_interface(struct sl_pcapng_writer *w, int dlt, uint32_t snaplen,
			int tsresol_nsec, const char *name, const char *comment)
{
	struct sl_pcapng_opts o = {0};
	uint8_t res = tsresol_nsec ? 9 : 6;
	uint16_t linktype;
	int rc;

	if (w == NULL || dlt < 0 || dlt > 0xFFFF)
		return SL_EINVAL;
	linktype = dlt_to_linktype(dlt);
	if (comment != NULL && comment[0] != '\0')
		sl_pcapng_opts_add(&o, SL_PCAPNG_OPT_COMMENT, comment,
				   strlen(comment));
	if (name != NULL && name[0] != '\0')
		sl_pcapng_opts_add(&o, IF_NAME, name, strlen(name));
	if (tsresol_nsec)
		sl_pcapng_opts_add(&o, SL_PCAPNG_IF_TSRESOL, &res, 1);
	rc = sl_pcapng_add_interface_raw(w, linktype, snaplen, &o);
	sl_pcapng_opts_free(&o);
	return rc;
}

/*
 * The if_tsresol among encoded options, 6 when absent (§4.2).  The options
 * come from our own encoder or a caller that checked them; a malformed
 * length just ends the scan.
 */
static uint8_t
opts_tsresol(const struct sl_pcapng_opts *o)
{
	size_t off = 0;
	uint8_t res = 6;

	while (o != NULL && o->len - off >= 4) {
		uint16_t code = (uint16_t)(o->p[off] | o->p[off + 1] << 8);
		size_t len = (size_t)(o->p[off + 2] | o->p[off + 3] << 8);
		size_t padded = (len + 3) & ~(size_t)3;

		if (o->len - off - 4 < padded)
			break;
		if (code == SL_PCAPNG_IF_TSRESOL && len == 1)
			res = o->p[off + 4];
		off += 4 + padded;
	}
	return res;
}

int
sl_pcapng_add_interface_raw(struct sl_pcapng_writer *w, uint16_t linktype,
			    uint32_t snaplen, const struct sl_pcapng_opts *opts)
{
	uint8_t fixed[8];
	int has_opts = opts != NULL && opts->len > 0;
	int rc;

	if (w == NULL || (has_opts && opts->len % 4 != 0))
		return SL_EINVAL;
	if (w->nif == INT32_MAX)
		return SL_EINVAL;
	block_begin(w, SL_PCAPNG_BT_IDB);
	put16(fixed, linktype);
	put16(fixed + 2, 0);
	put32(fixed + 4, snaplen);
	buf_put(&w->blk, fixed, sizeof(fixed));
	if (has_opts)
		buf_put(&w->blk, opts->p, opts->len);
	rc = block_end(w, has_opts);
	if (rc != SL_OK)
		return rc;
	return new_interface(w, opts_tsresol(opts));
}

int
sl_pcapng_write_packet_raw(struct sl_pcapng_writer *w, int ifid,
			   uint64_t ts_units, const uint8_t *data,
			   uint32_t caplen, uint32_t wirelen,
			   const struct sl_pcapng_opts *opts,
			   const char *const *comments, unsigned ncomments)
{
	uint8_t fixed[20];
	int has_opts = 0;
	unsigned i;

	if (w == NULL || ifid < 0 || ifid >= w->nif ||
	    (data == NULL && caplen > 0) || caplen > BLOCK_MAX / 2 ||
	    (opts != NULL && opts->len % 4 != 0))
		return SL_EINVAL;
	block_begin(w, SL_PCAPNG_BT_EPB);
	put32(fixed, (uint32_t)ifid);
	put32(fixed + 4, (uint32_t)(ts_units >> 32));
	put32(fixed + 8, (uint32_t)ts_units);
	put32(fixed + 12, caplen);
	put32(fixed + 16, wirelen);
	buf_put(&w->blk, fixed, sizeof(fixed));
	buf_put(&w->blk, data, caplen);
	buf_pad4(&w->blk);
	if (opts != NULL && opts->len > 0) {
		buf_put(&w->blk, opts->p, opts->len);
		has_opts = 1;
	}
	for (i = 0; i < ncomments; i++) {
		if (comments[i] == NULL || comments[i][0] == '\0')
			continue;
		blk_opt_str(w, SL_PCAPNG_OPT_COMMENT, comments[i]);
		has_opts = 1;
	}
	return block_end(w, has_opts);
}

/* ts_ns in units of 10^-res s; SL_ENOTSUP for binary resolutions. */
static int
ns_to_units(int64_t ts_ns, uint8_t res, uint64_t *units)
{
	uint64_t t = (uint64_t)ts_ns;
	unsigned i;

	if (res & 0x80)
		return SL_ENOTSUP;
	if (res > 19)
		return SL_EINVAL;
	if (res <= 9) {
		for (i = res; i < 9; i++)
			t /= 10;
	} else {
		for (i = 9; i < res; i++) {
			if (t > UINT64_MAX / 10)
				return SL_EINVAL;
			t *= 10;
		}
	}
	*units = t;
	return SL_OK;
}

int
sl_pcapng_write_packet(struct sl_pcapng_writer *w, int ifid, int64_t ts_ns,
		       const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		       const char *comment)
{
	uint64_t units;
	int rc;

	if (w == NULL || ifid < 0 || ifid >= w->nif || ts_ns < 0)
		return SL_EINVAL;
	rc = ns_to_units(ts_ns, w->tsresol[ifid], &units);
	if (rc != SL_OK)
		return rc;
	return sl_pcapng_write_packet_raw(w, ifid, units, data, caplen, wirelen,
					  NULL, &comment,
					  comment != NULL ? 1 : 0);
}

int
sl_pcapng_close(struct sl_pcapng_writer *w, char *errbuf)
{
	int rc;

	if (w == NULL)
		return SL_OK;
	errno = 0;
	if (fflush(w->f) != 0 || ferror(w->f))
		fail_io(w);
	errno = 0;
	if (fclose(w->f) != 0)
		fail_io(w);
	rc = w->err;
	if (rc != SL_OK)
		sl_errbuf_set(errbuf, "%s: write failed: %s", w->path,
			      strerror(w->err_errno));
	free(w->blk.p);
	free(w->tsresol);
	free(w->path);
	free(w);
	return rc;
}
