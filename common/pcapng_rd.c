/* \summary: bounds-checked pcapng reader: blocks, interfaces, packets */
#include "pcapng_rd.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "rd.h"

#define BT_SHB	  0x0A0D0D0Au
#define BT_IDB	  0x00000001u
#define BT_PB	  0x00000002u
#define BT_SPB	  0x00000003u
#define BT_EPB	  0x00000006u
#define MAX_BLOCK (1u << 28) /* 256 MiB: larger is corruption */
#define MAX_IFS	  65536

struct sl_ngrd {
	sl_ngrd_read_fn read;
	void *src;
	bool be;    /* byte order of the current section */
	bool begun; /* a Section Header Block was read */
	int base;   /* first interface of the current section */
	int nif;
	struct sl_ngif *ifs;
	uint8_t *buf;
	size_t cap;
};

bool
sl_ngrd_magic(const uint8_t *p)
{
	return p[0] == 0x0A && p[1] == 0x0D && p[2] == 0x0D && p[3] == 0x0A;
}

struct sl_ngrd *
sl_ngrd_new(sl_ngrd_read_fn rd, void *src)
{
	struct sl_ngrd *r = sl_xcalloc(1, sizeof(*r));

	r->read = rd;
	r->src = src;
	return r;
}

static uint32_t
get32(const struct sl_ngrd *r, const uint8_t *p)
{
	return r->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			   (uint32_t)p[2] << 8 | p[3]
		     : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
			   (uint32_t)p[1] << 8 | p[0];
}

static int
rd32(const struct sl_ngrd *r, struct sl_rd *rd, uint32_t *v)
{
	return r->be ? sl_rd_be32(rd, v) : sl_rd_le32(rd, v);
}

static int
rd16(const struct sl_ngrd *r, struct sl_rd *rd, uint16_t *v)
{
	return r->be ? sl_rd_be16(rd, v) : sl_rd_le16(rd, v);
}

static int
need(struct sl_ngrd *r, size_t n, size_t got, char *errbuf)
{
	if (got == n)
		return SL_OK;
	sl_errbuf_set(errbuf,
		      "truncated pcapng dump file; tried to read %zu bytes, "
		      "only got %zu",
		      n, got);
	(void)r;
	return SL_EMALFORM;
}

/* Interface options: if_name (2), if_tsresol (9), if_tsoffset (14). */
static void
idb_options(struct sl_ngrd *r, struct sl_rd rd, struct sl_ngif *ifc)
{
	while (rd.left >= 4) {
		uint16_t code, len;
		size_t padded;
		struct sl_rd v;

		(void)rd16(r, &rd, &code);
		(void)rd16(r, &rd, &len);
		if (code == 0 || rd.left < len)
			return;
		v = sl_rd_sub(&rd, len);
		if (code == 2 && len > 0 && ifc->name == NULL) {
			ifc->name = sl_xcalloc(1, (size_t)len + 1);
			memcpy(ifc->name, v.p, len);
		} else if (code == 9 && len >= 1) {
			ifc->tsresol = v.p[0];
		} else if (code == 14 && len >= 8) {
			uint32_t a, b;
			(void)rd32(r, &v, &a);
			(void)rd32(r, &v, &b);
			ifc->tsoffset_s =
			    (int64_t)(r->be ? (uint64_t)a << 32 | b
					    : (uint64_t)b << 32 | a);
		}
		padded = ((size_t)len + 3) & ~(size_t)3;
		if (sl_rd_skip(&rd, padded < rd.left ? padded : rd.left))
			return;
	}
}

/* Timestamp units of the interface to ns; -1 when out of range. */
static int64_t
ts_ns(const struct sl_ngif *ifc, uint64_t t)
{
	uint8_t res = ifc->tsresol;
	uint64_t ns;

	if (res & 0x80) { /* 2^-n seconds */
		unsigned n = res & 0x7f;
		uint64_t sec, frac;
		if (n >= 64)
			return -1;
		sec = n ? t >> n : t;
		frac = n ? t & ((UINT64_C(1) << n) - 1) : 0;
		if (sec > (uint64_t)INT64_MAX / 1000000000u)
			return -1;
		/* frac < 2^n: scale in two steps to stay in 64 bits */
		ns = sec * 1000000000u +
		     (n > 32 ? (frac >> (n - 32)) * 1000000000u >> 32
			     : frac * 1000000000u >> n);
	} else {
		uint64_t div = 1, mul = 1;
		unsigned i;
		if (res > 19)
			return -1;
		for (i = res; i < 9; i++)
			mul *= 10;
		for (i = 9; i < res; i++)
			div *= 10;
		if (t / div > (uint64_t)INT64_MAX / mul)
			return -1;
		ns = t / div * mul;
	}
	if (ns > (uint64_t)INT64_MAX)
		return -1;
	if (ifc->tsoffset_s != 0) {
		int64_t off = ifc->tsoffset_s;
		if (off > INT64_MAX / 1000000000 - 1 ||
		    off < -(INT64_MAX / 1000000000 - 1))
			return -1;
		off *= 1000000000;
		if (off > 0 && (int64_t)ns > INT64_MAX - off)
			return -1;
		return (int64_t)ns + off;
	}
	return (int64_t)ns;
}

static int
packet(struct sl_ngrd *r, uint32_t type, struct sl_rd rd, struct sl_ngpkt *p,
       char *errbuf)
{
	uint32_t id = 0, hi = 0, lo = 0, cap, wire;
	uint16_t id16, drops;
	const struct sl_ngif *ifc;

	if (type == BT_SPB) {
		if (rd32(r, &rd, &wire))
			goto short_block;
		cap = wire;
	} else {
		if (type == BT_EPB) {
			if (rd32(r, &rd, &id))
				goto short_block;
		} else {
			if (rd16(r, &rd, &id16) || rd16(r, &rd, &drops))
				goto short_block;
			id = id16;
		}
		if (rd32(r, &rd, &hi) || rd32(r, &rd, &lo) ||
		    rd32(r, &rd, &cap) || rd32(r, &rd, &wire))
			goto short_block;
	}
	if (id >= (uint32_t)(r->nif - r->base)) {
		sl_errbuf_set(errbuf,
			      "a packet block names interface %u, the section "
			      "describes %d",
			      id, r->nif - r->base);
		return SL_EMALFORM;
	}
	p->iface = r->base + (int)id;
	ifc = p->ifc = &r->ifs[p->iface];
	if (type == BT_SPB) {
		/* the captured bytes are what the block holds */
		cap = (uint32_t)(rd.left < wire ? rd.left : wire);
		if (ifc->snaplen != 0 && cap > ifc->snaplen)
			cap = ifc->snaplen;
		p->ts_ns = 0;
	} else {
		int64_t t = ts_ns(ifc, (uint64_t)hi << 32 | lo);
		if (t < 0) {
			sl_errbuf_set(
			    errbuf, "timestamp out of range (units %llu)",
			    (unsigned long long)((uint64_t)hi << 32 | lo));
			return SL_EMALFORM;
		}
		p->ts_ns = t;
		if (cap > rd.left) {
			sl_errbuf_set(errbuf,
				      "captured length %u runs past its block "
				      "(%zu bytes)",
				      cap, rd.left);
			return SL_EMALFORM;
		}
	}
	p->caplen = cap;
	p->wirelen = wire < cap ? cap : wire;
	p->data = rd.p;
	return 1;
short_block:
	sl_errbuf_set(errbuf, "packet block of type %u too short", type);
	return SL_EMALFORM;
}

int
sl_ngrd_next(struct sl_ngrd *r, struct sl_ngpkt *p, char *errbuf)
{
	for (;;) {
		uint8_t h[12];
		uint32_t type, len;
		size_t got, body;
		struct sl_rd rd;

		got = r->read(r->src, h, 8);
		if (got == 0)
			return 0;
		if (need(r, 8, got, errbuf))
			return SL_EMALFORM;
		if (sl_ngrd_magic(h)) {
			if (need(r, 4, r->read(r->src, h + 8, 4), errbuf))
				return SL_EMALFORM;
			if (get32(r, h + 8) != 0x1A2B3C4Du) {
				r->be = !r->be;
				if (get32(r, h + 8) != 0x1A2B3C4Du) {
					sl_errbuf_set(errbuf,
						      "bad pcapng byte-order "
						      "magic");
					return SL_EMALFORM;
				}
			}
			r->base = r->nif;
			r->begun = true;
		} else if (!r->begun) {
			sl_errbuf_set(errbuf, "not a pcapng file");
			return SL_EMALFORM;
		}
		type = get32(r, h);
		len = get32(r, h + 4);
		if (len < 12 || len % 4 != 0 || len > MAX_BLOCK ||
		    (type == BT_SHB && len < 28)) {
			sl_errbuf_set(errbuf,
				      "pcapng block of type %u has a bad total "
				      "length %u",
				      type, len);
			return SL_EMALFORM;
		}
		/* the body after the fields read so far, with the trailer */
		body = (size_t)len - (type == BT_SHB ? 12 : 8);
		if (body > r->cap) {
			r->buf = sl_xrealloc(r->buf, body, 1);
			r->cap = body;
		}
		got = r->read(r->src, r->buf, body);
		if (need(r, body, got, errbuf))
			return SL_EMALFORM;
		if (get32(r, r->buf + body - 4) != len) {
			sl_errbuf_set(errbuf,
				      "block total length in header and "
				      "trailer don't match");
			return SL_EMALFORM;
		}
		rd = sl_rd_make(r->buf, body - 4);
		if (type == BT_IDB) {
			struct sl_ngif *ifc;
			uint16_t lt, res;
			uint32_t snap;
			if (rd16(r, &rd, &lt) || rd16(r, &rd, &res) ||
			    rd32(r, &rd, &snap)) {
				sl_errbuf_set(errbuf, "interface description "
						      "block too short");
				return SL_EMALFORM;
			}
			if (r->nif >= MAX_IFS) {
				sl_errbuf_set(errbuf, "more than %d interfaces",
					      MAX_IFS);
				return SL_EMALFORM;
			}
			r->ifs = sl_xrealloc(r->ifs, (size_t)r->nif + 1,
					     sizeof(*r->ifs));
			ifc = &r->ifs[r->nif++];
			memset(ifc, 0, sizeof(*ifc));
			ifc->linktype = lt;
			ifc->snaplen = snap;
			ifc->tsresol = 6;
			idb_options(r, rd, ifc);
		} else if (type == BT_EPB || type == BT_PB || type == BT_SPB) {
			return packet(r, type, rd, p, errbuf);
		}
	}
}

const struct sl_ngif *
sl_ngrd_iface(const struct sl_ngrd *r, int i)
{
	return r != NULL && i >= 0 && i < r->nif ? &r->ifs[i] : NULL;
}

int
sl_ngrd_nifaces(const struct sl_ngrd *r)
{
	return r ? r->nif : 0;
}

void
sl_ngrd_free(struct sl_ngrd *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nif; i++)
		free(r->ifs[i].name);
	free(r->ifs);
	free(r->buf);
	free(r);
}
