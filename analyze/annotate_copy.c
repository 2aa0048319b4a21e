/* \summary: annotated pcapng: inputs, headers and the pcap and pcapng copy */
#include "annotate_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"
#include "rd.h"

/* Blocks larger than this are refused as lying (libpcap: 16 MiB and up). */
#define BLOCK_MAX ((uint32_t)64 << 20)
#define SHB_MAX	  ((uint32_t)1 << 20)
/* libpcap's MAXIMUM_SNAPLEN: the largest capture length it reads back. */
#define SNAPLEN_MAX 262144u

/* pcapng option codes (draft-ietf-opsawg-pcapng §4). */
#define OPT_CUSTOM_STR_COPY   2988
#define OPT_CUSTOM_BIN_COPY   2989
#define OPT_CUSTOM_STR_NOCOPY 19372
#define OPT_CUSTOM_BIN_NOCOPY 19373

struct in {
	const char *name;
	const char *display; /* if_name for a classic pcap input, or NULL */
	int file;
	FILE *f;
	uint64_t off;	  /* file offset of the block or record */
	uint64_t nframes; /* packets read so far */
	uint8_t *buf;
	size_t cap;
	char *errbuf;
	/* pcapng section state */
	bool be;	  /* section is big-endian */
	unsigned section; /* from 1 */
	uint32_t *ifmap;  /* section interface id -> output id */
	uint32_t *ifsnap; /* section interface id -> snaplen */
	uint32_t nif, ifcap;
	char *shb_info; /* SHB strings of the section, for IDB comments */
};

static int in_fail(struct in *in, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "FILE: frame N: problem", N the frame being read or next to be read. */
static int
in_fail(struct in *in, int rc, const char *fmt, ...)
{
	char msg[SL_ERRBUF_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sl_errbuf_set(in->errbuf, "%s: frame %" PRIu64 ": %s", in->name,
		      in->nframes + 1, msg);
	return rc;
}

/* Reads n bytes into in->buf at off; returns how many were there. */
static int
in_read(struct in *in, size_t at, size_t n, size_t *got)
{
	if (in->cap < at + n) {
		size_t cap = in->cap ? in->cap : 4096;

		while (cap < at + n)
			cap *= 2;
		in->buf = sl_xrealloc(in->buf, cap, 1);
		in->cap = cap;
	}
	*got = n ? fread(in->buf + at, 1, n, in->f) : 0;
	if (*got < n && ferror(in->f))
		return in_fail(in, SL_EIO, "read error: %s", strerror(errno));
	return SL_OK;
}

static int
rd32(struct sl_rd *rd, bool be, uint32_t *v)
{
	return be ? sl_rd_be32(rd, v) : sl_rd_le32(rd, v);
}

static int
rd16(struct sl_rd *rd, bool be, uint16_t *v)
{
	return be ? sl_rd_be16(rd, v) : sl_rd_le16(rd, v);
}

static uint32_t
get32(const uint8_t *p, bool be)
{
	struct sl_rd rd = sl_rd_make(p, 4);
	uint32_t v = 0;

	rd32(&rd, be, &v);
	return v;
}

/* Size of the numeric value to byte-swap for option code, 0: copy as is. */
static size_t
opt_numeric(uint32_t btype, uint16_t code)
{
	if (btype == SL_PCAPNG_BT_IDB) {
		switch (code) {
		case 8:	 /* if_speed */
		case 14: /* if_tsoffset */
		case 16: /* if_txspeed */
		case 17: /* if_rxspeed */
			return 8;
		case 10: /* if_tzone */
			return 4;
		default:
			return 0;
		}
	}
	switch (code) {
	case 2: /* epb_flags, pack_flags */
	case 6: /* epb_queue */
		return 4;
	case 4: /* epb_dropcount */
	case 5: /* epb_packetid */
		return 8;
	default:
		return 0;
	}
}

/* Option codes whose value is bytes or text in any byte order. */
static bool
opt_bytes(uint32_t btype, uint16_t code)
{
	if (code == SL_PCAPNG_OPT_COMMENT)
		return true;
	if (btype == SL_PCAPNG_BT_IDB)
		return (code >= 2 && code <= 7) || code == 9 || code == 11 ||
		       code == 12 || code == 13 || code == 15 || code == 18;
	return code == 3 || code == 7; /* epb_hash, epb_verdict */
}

struct idb_time {
	bool saw_res, saw_off;
};

/*
 * Is this opt_comment one synlab wrote (docs/comment-format.md)?  Those are
 * written again, so a file annotated twice does not carry them twice: an
 * interface's "synlab: from ..." is dropped, and of a packet's comment only
 * the "synlab event: ..." parts are kept (appended to *events), since only
 * the run that recorded them knows them.  Everyone else's comments are
 * copied as they are.
 */
static bool
own_comment(uint32_t btype, const uint8_t *v, size_t len, char **events)
{
	static const char tag[] = "synlab", from[] = "synlab: from ",
			  ev[] = "synlab event: ";
	const char *p, *q, *end;
	char *s;

	if (len < sizeof(tag) - 1 || memcmp(v, tag, sizeof(tag) - 1) != 0)
		return false;
	if (btype == SL_PCAPNG_BT_IDB)
		return len >= sizeof(from) - 1 &&
		       memcmp(v, from, sizeof(from) - 1) == 0;
	if (btype != SL_PCAPNG_BT_EPB || events == NULL)
		return false;
	if ((len < sizeof(ev) - 1 || memcmp(v, ev, sizeof(ev) - 1) != 0) &&
	    (len < 8 || memcmp(v, "synlab: ", 8) != 0))
		return false;
	s = sl_xcalloc(1, len + 1);
	memcpy(s, v, len);
	end = s + strnlen(s, len);
	/* Entries begin with "synlab"; an event's text may hold " | ". */
	for (p = s; p < end; p = q + (q < end ? sizeof(SL_ANN_JOIN) - 1 : 0)) {
		q = strstr(p, SL_ANN_JOIN "synlab");
		if (q == NULL)
			q = end;
		if ((size_t)(q - p) < sizeof(ev) - 1 ||
		    memcmp(p, ev, sizeof(ev) - 1) != 0)
			continue;
		sl_ann_append_part(events, p, (size_t)(q - p));
	}
	free(s);
	return true;
}

/*
 * Copies the options in rd (a block's options, in the section's byte order)
 * to out, little-endian.  Numeric options are swapped, custom options keep
 * their value after the swapped PEN, options that must not be copied
 * (§3.5.1 custom "no copy") are dropped, and so are options we cannot swap
 * safely (unknown codes in a big-endian section).  For an IDB, checks
 * if_tsresol and if_tsoffset as libpcap does.
 */
static int
copy_opts(struct in *in, struct sl_rd rd, uint32_t btype,
	  struct sl_pcapng_opts *out, char **events)
{
	struct idb_time it = {false, false};

	while (rd.left > 0) {
		uint16_t code = 0, len = 0;
		size_t padded, num, i, at;
		const uint8_t *v;

		if (rd16(&rd, in->be, &code) != SL_OK ||
		    rd16(&rd, in->be, &len) != SL_OK)
			return in_fail(in, SL_EMALFORM,
				       "block at offset %" PRIu64
				       ": option header cut short",
				       in->off);
		if (code == SL_PCAPNG_OPT_ENDOFOPT)
			break;
		padded = ((size_t)len + 3) & ~(size_t)3;
		if (sl_rd_need(&rd, padded) != SL_OK)
			return in_fail(in, SL_EMALFORM,
				       "block at offset %" PRIu64
				       ": option %u of length %u overruns the "
				       "block",
				       in->off, code, len);
		v = rd.p;
		sl_rd_skip(&rd, padded);

		if (btype == SL_PCAPNG_BT_IDB && code == SL_PCAPNG_IF_TSRESOL) {
			unsigned r = len == 1 ? v[0] : 0;

			if (len != 1 || it.saw_res ||
			    ((r & 0x80) ? (r & 0x7f) > 63 : r > 19))
				return in_fail(in, SL_EMALFORM,
					       "interface at offset %" PRIu64
					       ": bad if_tsresol",
					       in->off);
			it.saw_res = true;
		}
		if (btype == SL_PCAPNG_BT_IDB &&
		    code == SL_PCAPNG_IF_TSOFFSET) {
			if (len != 8 || it.saw_off)
				return in_fail(in, SL_EMALFORM,
					       "interface at offset %" PRIu64
					       ": bad if_tsoffset",
					       in->off);
			it.saw_off = true;
		}
		if (code == OPT_CUSTOM_BIN_NOCOPY ||
		    code == OPT_CUSTOM_STR_NOCOPY)
			continue;
		if (code == SL_PCAPNG_OPT_COMMENT &&
		    own_comment(btype, v, len, events))
			continue;
		if (code == OPT_CUSTOM_STR_COPY ||
		    code == OPT_CUSTOM_BIN_COPY) {
			if (len < 4)
				return in_fail(in, SL_EMALFORM,
					       "block at offset %" PRIu64
					       ": custom option without PEN",
					       in->off);
			num = 4; /* the Private Enterprise Number */
		} else {
			num = opt_numeric(btype, code);
			if (num != len)
				num = 0;
			if (num == 0 && in->be && !opt_bytes(btype, code))
				continue;
		}
		at = out->len + 4;
		sl_pcapng_opts_add(out, code, v, len);
		if (in->be)
			for (i = 0; i < num / 2; i++) {
				uint8_t t = out->p[at + i];

				out->p[at + i] = out->p[at + num - 1 - i];
				out->p[at + num - 1 - i] = t;
			}
	}
	return SL_OK;
}

/* Appends a string option's text to in->shb_info ("; " between). */
static void
info_add(struct in *in, const char *label, const uint8_t *v, size_t len)
{
	size_t have = in->shb_info ? strlen(in->shb_info) : 0;
	size_t ll = strlen(label);

	while (len > 0 && v[len - 1] == '\0')
		len--;
	if (memchr(v, '\0', len) != NULL)
		len = strlen((const char *)v);
	in->shb_info = sl_xrealloc(in->shb_info, have + ll + len + 3, 1);
	if (have > 0) {
		memcpy(in->shb_info + have, "; ", 2);
		have += 2;
	}
	memcpy(in->shb_info + have, label, ll);
	memcpy(in->shb_info + have + ll, v, len);
	in->shb_info[have + ll + len] = '\0';
}

/* §4.1 Section Header Block: a new section has its own interfaces. */
static int
ng_shb(struct in *in, struct sl_rd rd)
{
	uint16_t major = 0, minor = 0;

	/* The byte-order magic was read by the caller. */
	sl_rd_skip(&rd, 4);
	if (rd16(&rd, in->be, &major) != SL_OK ||
	    rd16(&rd, in->be, &minor) != SL_OK || sl_rd_skip(&rd, 8) != SL_OK)
		return in_fail(in, SL_EMALFORM,
			       "section header at offset %" PRIu64 " cut short",
			       in->off);
	if (major != 1)
		return in_fail(in, SL_EMALFORM,
			       "section header at offset %" PRIu64
			       ": unsupported pcapng version %u.%u",
			       in->off, major, minor);
	in->section++;
	in->nif = 0;
	free(in->shb_info);
	in->shb_info = NULL;
	while (rd.left >= 4) {
		uint16_t code = 0, len = 0;
		size_t padded;

		rd16(&rd, in->be, &code);
		rd16(&rd, in->be, &len);
		padded = ((size_t)len + 3) & ~(size_t)3;
		if (code == SL_PCAPNG_OPT_ENDOFOPT)
			return SL_OK;
		if (sl_rd_need(&rd, padded) != SL_OK)
			return in_fail(in, SL_EMALFORM,
				       "section header at offset %" PRIu64
				       ": option %u overruns the block",
				       in->off, code);
		switch (code) {
		case 1:
			info_add(in, "section comment: ", rd.p, len);
			break;
		case 2:
			info_add(in, "hardware: ", rd.p, len);
			break;
		case 3:
			info_add(in, "os: ", rd.p, len);
			break;
		case 4:
			info_add(in, "written by: ", rd.p, len);
			break;
		default:
			break;
		}
		sl_rd_skip(&rd, padded);
	}
	if (rd.left != 0)
		return in_fail(in, SL_EMALFORM,
			       "section header at offset %" PRIu64
			       ": option header cut short",
			       in->off);
	return SL_OK;
}

/* Adds the output interface for the next input interface of the section. */
static void
map_interface(struct in *in, int outid, uint32_t snaplen)
{
	if (in->nif == in->ifcap) {
		in->ifcap = in->ifcap ? in->ifcap * 2 : 4;
		in->ifmap =
		    sl_xrealloc(in->ifmap, in->ifcap, sizeof(*in->ifmap));
		in->ifsnap =
		    sl_xrealloc(in->ifsnap, in->ifcap, sizeof(*in->ifsnap));
	}
	in->ifmap[in->nif] = (uint32_t)outid;
	in->ifsnap[in->nif] = snaplen;
	in->nif++;
}

/* The comment we put on each output interface: where it came from. */
static void
origin_comment(struct in *in, struct sl_pcapng_opts *o, int pcapng)
{
	char c[1024];
	int n;

	if (pcapng)
		n = snprintf(c, sizeof(c),
			     "synlab: from %s, section %u, interface %u%s%s",
			     in->name, in->section, in->nif,
			     in->shb_info ? "; " : "",
			     in->shb_info ? in->shb_info : "");
	else
		n = snprintf(c, sizeof(c), "synlab: from %s",
			     in->display ? in->display : in->name);
	if (n > 0)
		sl_pcapng_opts_add(o, SL_PCAPNG_OPT_COMMENT, c,
				   strnlen(c, sizeof(c)));
}

/* §4.2 Interface Description Block: copied with its options. */
static int
ng_idb(struct in *in, struct sl_rd rd, struct sl_pcapng_writer *w)
{
	struct sl_pcapng_opts o = {0};
	uint16_t linktype = 0, reserved = 0;
	uint32_t snaplen = 0;
	int rc, id;

	if (rd16(&rd, in->be, &linktype) != SL_OK ||
	    rd16(&rd, in->be, &reserved) != SL_OK ||
	    rd32(&rd, in->be, &snaplen) != SL_OK)
		return in_fail(in, SL_EMALFORM,
			       "interface at offset %" PRIu64 " cut short",
			       in->off);
	rc = copy_opts(in, rd, SL_PCAPNG_BT_IDB, &o, NULL);
	if (rc != SL_OK)
		goto out;
	origin_comment(in, &o, 1);
	id = sl_pcapng_add_interface_raw(w, linktype, snaplen, &o);
	if (id < 0) {
		rc = in_fail(in, id, "cannot write interface: %s",
			     sl_strerror(id));
		goto out;
	}
	map_interface(in, id, snaplen);
	rc = SL_OK;
out:
	sl_pcapng_opts_free(&o);
	return rc;
}

/* Writes one packet with its copied options and our comment, if any. */
static int
put_packet(struct in *in, struct sl_pcapng_writer *w,
	   const struct sl_annotate *a, uint32_t outid, uint64_t ts,
	   const uint8_t *data, uint32_t caplen, uint32_t wirelen,
	   const struct sl_pcapng_opts *o, const char *events)
{
	const char *c = sl_ann_note_find(a, in->file, in->nframes);
	char *both = NULL;
	int rc;

	if (in->nframes % SL_PROGRESS_EVERY == 0)
		sl_ann_progress(a, in->file, in->off, in->nframes);

	/*
	 * Kept events of an earlier annotation first, as run writes them,
	 * then each part of ours that they do not already hold.
	 */
	if (events != NULL) {
		const char *p = c, *q;

		both = sl_xstrdup(events);
		while (p != NULL && *p != '\0') {
			q = strstr(p, SL_ANN_JOIN);
			if (q == NULL)
				q = p + strlen(p);
			if (!sl_ann_has_part_n(both, p, (size_t)(q - p)))
				sl_ann_append_part(&both, p, (size_t)(q - p));
			p = *q ? q + sizeof(SL_ANN_JOIN) - 1 : q;
		}
		c = both;
	}
	rc = sl_pcapng_write_packet_raw(w, (int)outid, ts, data, caplen,
					wirelen, o, &c, c != NULL ? 1 : 0);
	free(both);
	if (rc != SL_OK)
		return in_fail(in, rc, "cannot write packet: %s",
			       sl_strerror(rc));
	return SL_OK;
}

/* §4.3 EPB, §4.4 SPB, appendix obsolete PB: all become EPBs. */
static int
ng_packet(struct in *in, uint32_t btype, struct sl_rd rd,
	  struct sl_pcapng_writer *w, const struct sl_annotate *a)
{
	struct sl_pcapng_opts o = {0};
	uint32_t ifid = 0, tsh = 0, tsl = 0, caplen = 0, wirelen = 0;
	uint16_t if16 = 0, drops = 0;
	char *events = NULL;
	const uint8_t *data;
	int rc;

	/* Messages below name the frame being read: in->nframes + 1. */
	if (btype == SL_PCAPNG_BT_EPB) {
		rc = rd32(&rd, in->be, &ifid) != SL_OK ||
		     rd32(&rd, in->be, &tsh) != SL_OK ||
		     rd32(&rd, in->be, &tsl) != SL_OK ||
		     rd32(&rd, in->be, &caplen) != SL_OK ||
		     rd32(&rd, in->be, &wirelen) != SL_OK;
	} else if (btype == SL_PCAPNG_BT_PB) {
		rc = rd16(&rd, in->be, &if16) != SL_OK ||
		     rd16(&rd, in->be, &drops) != SL_OK ||
		     rd32(&rd, in->be, &tsh) != SL_OK ||
		     rd32(&rd, in->be, &tsl) != SL_OK ||
		     rd32(&rd, in->be, &caplen) != SL_OK ||
		     rd32(&rd, in->be, &wirelen) != SL_OK;
		ifid = if16;
	} else {
		rc = rd32(&rd, in->be, &wirelen) != SL_OK;
		caplen = wirelen;
		/* §4.4: captured length is the smaller of the packet's
		 * length and interface 0's snaplen. */
		if (in->nif > 0 && in->ifsnap[0] != 0 && caplen > in->ifsnap[0])
			caplen = in->ifsnap[0];
	}
	if (rc != 0)
		return in_fail(in, SL_EMALFORM,
			       "packet block at offset %" PRIu64 " cut short",
			       in->off);
	if (ifid >= in->nif)
		return in_fail(in, SL_EMALFORM,
			       "packet on interface %" PRIu32
			       ", but the section has %" PRIu32 " interface(s)",
			       ifid, in->nif);
	if (sl_rd_need(&rd, caplen) != SL_OK)
		return in_fail(in, SL_EMALFORM,
			       "captured length %" PRIu32
			       " overruns the block at offset %" PRIu64
			       " (%zu bytes left)",
			       caplen, in->off, rd.left);
	data = rd.p;
	sl_rd_skip(&rd, caplen);
	if (btype != SL_PCAPNG_BT_SPB) {
		/* Options start after the data's 32-bit padding. */
		if (sl_rd_skip(&rd, (4 - caplen % 4) % 4) != SL_OK)
			return in_fail(in, SL_EMALFORM,
				       "packet data padding overruns the "
				       "block at offset %" PRIu64,
				       in->off);
		if (btype == SL_PCAPNG_BT_PB && drops != 0xFFFF && drops != 0) {
			uint64_t d = drops;
			uint8_t le[8];
			unsigned i;

			for (i = 0; i < 8; i++)
				le[i] = (uint8_t)(d >> (8 * i));
			sl_pcapng_opts_add(&o, 4, le, 8); /* epb_dropcount */
		}
		rc = copy_opts(in, rd, SL_PCAPNG_BT_EPB, &o, &events);
		if (rc != SL_OK)
			goto out;
	}
	in->nframes++;
	rc = put_packet(in, w, a, in->ifmap[ifid], (uint64_t)tsh << 32 | tsl,
			data, caplen, wirelen, &o, events);
out:
	free(events);
	sl_pcapng_opts_free(&o);
	return rc;
}

/* Copies a pcapng input block by block (draft-ietf-opsawg-pcapng §3.1). */
static int
copy_pcapng(struct in *in, struct sl_pcapng_writer *w,
	    const struct sl_annotate *a)
{
	uint8_t h[12];
	size_t got;
	int rc;

	for (;;) {
		uint32_t type, total, trailer, max = BLOCK_MAX;
		size_t have = 8;
		struct sl_rd body;

		got = fread(h, 1, 8, in->f);
		if (got == 0 && !ferror(in->f))
			return SL_OK;
		if (got < 8) {
			if (ferror(in->f))
				return in_fail(in, SL_EIO, "read error: %s",
					       strerror(errno));
			return in_fail(in, SL_EMALFORM,
				       "file ends inside a block header at "
				       "offset %" PRIu64,
				       in->off);
		}
		type = get32(h, in->be);
		if (type == SL_PCAPNG_BT_SHB) {
			/* The byte-order magic decides how to read the rest. */
			if (fread(h + 8, 1, 4, in->f) != 4)
				return in_fail(in, SL_EMALFORM,
					       "file ends inside a section "
					       "header at offset %" PRIu64,
					       in->off);
			if (get32(h + 8, false) == SL_PCAPNG_BOM)
				in->be = false;
			else if (get32(h + 8, true) == SL_PCAPNG_BOM)
				in->be = true;
			else
				return in_fail(in, SL_EMALFORM,
					       "section header at offset "
					       "%" PRIu64
					       ": bad byte-order magic",
					       in->off);
			have = 12;
			max = SHB_MAX;
		}
		total = get32(h + 4, in->be);
		if (total < 12 + (have == 12 ? 16u : 0u) || total % 4 != 0 ||
		    total > max)
			return in_fail(
			    in, SL_EMALFORM,
			    "block at offset %" PRIu64
			    " has a total length of %" PRIu32
			    " (must be a multiple of 4, %u to %" PRIu32 ")",
			    in->off, total, have == 12 ? 28u : 12u, max);
		/*
		 * in->buf gets the block body and trailer; for an SHB the
		 * byte-order magic already read goes first, for ng_shb.
		 */
		rc = in_read(in, have - 8, total - have, &got);
		if (rc != SL_OK)
			return rc;
		if (got < total - have)
			return in_fail(in, SL_EMALFORM,
				       "block at offset %" PRIu64
				       " says %" PRIu32
				       " bytes, the file ends after %zu",
				       in->off, total, got + have);
		if (have == 12)
			memcpy(in->buf, h + 8, 4);
		trailer = get32(in->buf + total - 12, in->be);
		if (trailer != total)
			return in_fail(in, SL_EMALFORM,
				       "block at offset %" PRIu64
				       ": total length %" PRIu32
				       " in header, %" PRIu32 " in trailer",
				       in->off, total, trailer);
		body = sl_rd_make(in->buf, total - 12);
		switch (type) {
		case SL_PCAPNG_BT_SHB:
			rc = ng_shb(in, body);
			break;
		case SL_PCAPNG_BT_IDB:
			rc = ng_idb(in, body, w);
			break;
		case SL_PCAPNG_BT_EPB:
		case SL_PCAPNG_BT_SPB:
		case SL_PCAPNG_BT_PB:
			rc = ng_packet(in, type, body, w, a);
			break;
		default:
			/* ISB, NRB, DSB, custom: not packets, not copied. */
			rc = SL_OK;
			break;
		}
		if (rc != SL_OK)
			return rc;
		in->off += total;
	}
}

/* Classic pcap magics, as read little-endian. */
#define PCAP_MAGIC_US  0xa1b2c3d4u
#define PCAP_MAGIC_NS  0xa1b23c4du
#define PCAP_MAGIC_KUZ 0xa1b2cd34u /* Kuznetzov's patched libpcap, us */
#define LT_LINKTYPE(x) ((x)&0x03FFFFFFu)
#define LT_FCS_PRESENT 0x04000000u
#define LT_FCS_LEN(x)  (((x) >> 28) & 0xFu)

static uint32_t
swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) |
	       (v << 24);
}

/*
 * Copies a classic pcap file: one interface (its link type, snaplen, and
 * if_tsresol 9 for nanosecond files), each record as an EPB whose
 * timestamp is sec * 10^6 (or 10^9) + fraction, the same instant exactly.
 */
static int
copy_pcap(struct in *in, uint32_t magic_le, struct sl_pcapng_writer *w,
	  const struct sl_annotate *a)
{
	struct sl_pcapng_opts o = {0};
	struct sl_rd rd;
	uint32_t magic, snaplen = 0, network = 0, per_sec;
	uint16_t major = 0, minor = 0;
	size_t got, rec;
	uint8_t res = 9, fcs;
	int rc, id;

	in->be = !(magic_le == PCAP_MAGIC_US || magic_le == PCAP_MAGIC_NS ||
		   magic_le == PCAP_MAGIC_KUZ);
	magic = in->be ? swap32(magic_le) : magic_le;
	per_sec = magic == PCAP_MAGIC_NS ? 1000000000u : 1000000u;
	rec = magic == PCAP_MAGIC_KUZ ? 24 : 16;

	rc = in_read(in, 0, 20, &got);
	if (rc != SL_OK)
		return rc;
	if (got < 20)
		return in_fail(in, SL_EMALFORM, "file header cut short");
	rd = sl_rd_make(in->buf, 20);
	rd16(&rd, in->be, &major);
	rd16(&rd, in->be, &minor);
	sl_rd_skip(&rd, 8); /* thiszone, sigfigs: unused, as by libpcap */
	rd32(&rd, in->be, &snaplen);
	rd32(&rd, in->be, &network);
	if (major != 2)
		return in_fail(in, SL_EMALFORM,
			       "unsupported pcap version %u.%u", major, minor);
	if (per_sec == 1000000000u)
		sl_pcapng_opts_add(&o, SL_PCAPNG_IF_TSRESOL, &res, 1);
	if (network & LT_FCS_PRESENT) {
		fcs = (uint8_t)LT_FCS_LEN(network);
		sl_pcapng_opts_add(&o, SL_PCAPNG_IF_FCSLEN, &fcs, 1);
	}
	origin_comment(in, &o, 0);
	if (in->display != NULL)
		sl_pcapng_opts_add(&o, SL_PCAPNG_IF_NAME, in->display,
				   strlen(in->display));
	id = sl_pcapng_add_interface_raw(w, (uint16_t)LT_LINKTYPE(network),
					 snaplen, &o);
	sl_pcapng_opts_free(&o);
	if (id < 0)
		return in_fail(in, id, "cannot write interface: %s",
			       sl_strerror(id));
	in->off = 24;

	for (;;) {
		uint32_t sec = 0, frac = 0, caplen = 0, wirelen = 0, keep;

		rc = in_read(in, 0, rec, &got);
		if (rc != SL_OK)
			return rc;
		if (got == 0)
			return SL_OK;
		if (got < rec)
			return in_fail(in, SL_EMALFORM,
				       "record header at offset %" PRIu64
				       " cut short (%zu of %zu bytes)",
				       in->off, got, rec);
		rd = sl_rd_make(in->buf, rec);
		rd32(&rd, in->be, &sec);
		rd32(&rd, in->be, &frac);
		rd32(&rd, in->be, &caplen);
		rd32(&rd, in->be, &wirelen);
		/*
		 * As libpcap's sf-pcap.c: files before version 2.3 have the
		 * two lengths swapped, and 2.3 files may have (take the
		 * smaller as the captured length).
		 */
		if (minor < 3 || (minor == 3 && caplen > wirelen)) {
			uint32_t t = caplen;
			caplen = wirelen;
			wirelen = t;
		}
		if (caplen > BLOCK_MAX / 2)
			return in_fail(in, SL_EMALFORM,
				       "record at offset %" PRIu64
				       ": captured length %" PRIu32
				       " is impossible",
				       in->off, caplen);
		/*
		 * libpcap 1.10 reads ts_sec and the fraction as signed 32-bit
		 * values (1901 for 2^31 s); the analyzer refuses such records
		 * and so do we, so that both read the same file.
		 */
		if ((int32_t)sec < 0 || (int32_t)frac < 0 || frac >= per_sec)
			return in_fail(in, SL_EMALFORM,
				       "frame %" PRIu64 ": timestamp out of "
				       "range (seconds %" PRIu32
				       ", fraction %" PRIu32 ")",
				       in->nframes + 1, sec, frac);
		rc = in_read(in, 0, caplen, &got);
		if (rc != SL_OK)
			return rc;
		if (got < caplen)
			return in_fail(in, SL_EMALFORM,
				       "record at offset %" PRIu64
				       " says %" PRIu32
				       " captured bytes, the file has %zu",
				       in->off, caplen, got);
		/* libpcap hands out at most snaplen bytes of a record. */
		keep = caplen;
		if (snaplen != 0 && snaplen <= SNAPLEN_MAX && keep > snaplen)
			keep = snaplen;
		in->nframes++;
		rc = put_packet(in, w, a, (uint32_t)id,
				(uint64_t)sec * per_sec + frac, in->buf, keep,
				wirelen, NULL, NULL);
		if (rc != SL_OK)
			return rc;
		in->off += rec + caplen;
	}
}

static int
copy_input(struct in *in, struct sl_pcapng_writer *w,
	   const struct sl_annotate *a)
{
	uint8_t m[4];
	uint32_t magic;
	size_t got;

	in->f = fopen(in->name, "rb");
	if (in->f == NULL) {
		sl_errbuf_set(in->errbuf, "%s: cannot open: %s", in->name,
			      strerror(errno));
		return SL_EIO;
	}
	got = fread(m, 1, 4, in->f);
	if (got < 4) {
		if (ferror(in->f))
			return in_fail(in, SL_EIO, "read error: %s",
				       strerror(errno));
		sl_errbuf_set(in->errbuf, "%s: not a pcap or pcapng file (%s)",
			      in->name, got == 0 ? "empty" : "too short");
		return SL_EMALFORM;
	}
	magic = get32(m, false);
	if (magic == SL_PCAPNG_BT_SHB) {
		rewind(in->f);
		return copy_pcapng(in, w, a);
	}
	switch (magic) {
	case PCAP_MAGIC_US:
	case PCAP_MAGIC_NS:
	case PCAP_MAGIC_KUZ:
	case 0xd4c3b2a1u:
	case 0x4d3cb2a1u:
	case 0x34cdb2a1u:
		return copy_pcap(in, magic, w, a);
	default:
		sl_errbuf_set(in->errbuf,
			      "%s: not a pcap or pcapng file (magic %08" PRIx32
			      ")",
			      in->name, magic);
		return SL_EMALFORM;
	}
}

int
sl_ann_copy_input(const char *name, const char *display, int file,
		  struct sl_pcapng_writer *w, const struct sl_annotate *a,
		  char *errbuf)
{
	struct in in;
	int rc;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.display = display;
	in.file = file;
	in.errbuf = errbuf;
	rc = copy_input(&in, w, a);
	if (in.f != NULL)
		fclose(in.f);
	free(in.buf);
	free(in.ifmap);
	free(in.ifsnap);
	free(in.shb_info);
	return rc;
}
