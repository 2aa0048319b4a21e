/* \summary: put the packets of a pcapng that synlab wrote in time order (draft-ietf-opsawg-pcapng §4.3) */
#include "pcapng.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rd.h"

/*
 * A file with one interface per host, written input after input, is
 * valid pcapng but not in time order, and readers that assume capture
 * order (Wireshark's TCP analysis, capinfos "Strict time order") suffer.
 * Every Interface Description Block may come before every packet (§4.2:
 * an IDB must precede the packets that refer to it), so the packets can
 * be reordered freely once the IDBs lead.
 */

struct blk {
	struct sl_ts_pos t; /* packets only; first, for sl_ts_pos_cmp */
	size_t off, len;
};

/* if_tsresol of an IDB body (after linktype, reserved, snaplen): 6 if absent. */
static int
idb_tsresol(const uint8_t *p, size_t len)
{
	size_t o = 16; /* type, length, linktype, reserved, snaplen */

	while (o + 4 <= len - 4) {
		uint16_t code = sl_load_le16(p + o);
		uint16_t l = sl_load_le16(p + o + 2);

		if (code == SL_PCAPNG_OPT_ENDOFOPT)
			break;
		if (code == SL_PCAPNG_IF_TSRESOL && l == 1 && o + 5 <= len - 4)
			return p[o + 4];
		o += 4 + (((size_t)l + 3) & ~(size_t)3);
	}
	return 6;
}

static int64_t
units_to_ns(uint64_t u, int res)
{
	int64_t mul = 1;

	for (int i = res; i < 9; i++)
		mul *= 10;
	return (int64_t)(u * (uint64_t)mul);
}

/* Reads path whole; NULL (errbuf) on failure. */
static uint8_t *
slurp(const char *path, size_t *len, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		goto out;
	}
	buf = sl_xcalloc((size_t)n + 1, 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		sl_errbuf_set(errbuf, "%s: short read", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)n;
out:
	if (f != NULL)
		fclose(f);
	return buf;
}

/* Writes the SHB, the IDBs and the sorted packets to path. */
static int
write_ordered(const char *path, const uint8_t *buf, const struct blk *hdr,
	      size_t nhdr, const struct blk *pkt, size_t npkt, char *errbuf)
{
	FILE *f = fopen(path, "wb");
	size_t i;
	int bad = 0;

	if (f == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_EIO;
	}
	for (i = 0; i < nhdr; i++)
		bad |= fwrite(buf + hdr[i].off, 1, hdr[i].len, f) != hdr[i].len;
	for (i = 0; i < npkt; i++)
		bad |= fwrite(buf + pkt[i].off, 1, pkt[i].len, f) != pkt[i].len;
	bad |= fclose(f) != 0;
	if (bad) {
		sl_errbuf_set(errbuf, "%s: write failed", path);
		return SL_EIO;
	}
	return SL_OK;
}

int
sl_pcapng_time_order(const char *path, char *errbuf)
{
	size_t len = 0, off = 0, nhdr = 0, npkt = 0, n;
	uint8_t *buf = slurp(path, &len, errbuf);
	struct blk *hdr = NULL, *pkt = NULL;
	int res[256], nif = 0, rc = SL_OK;
	bool sorted = true;

	if (buf == NULL)
		return SL_EIO;
	n = len / 12 + 1;
	hdr = sl_xcalloc(n, sizeof *hdr);
	pkt = sl_xcalloc(n, sizeof *pkt);
	while (off + 12 <= len) {
		uint32_t type = sl_load_le32(buf + off);
		uint32_t blen = sl_load_le32(buf + off + 4);
		struct blk b = {.off = off, .len = blen, .t.pos = npkt};

		if (blen < 12 || blen % 4 != 0 || blen > len - off)
			goto leave; /* not ours: left as written */
		if (type == SL_PCAPNG_BT_SHB && off == 0)
			hdr[nhdr++] = b;
		else if (type == SL_PCAPNG_BT_IDB && nif < 256 && blen >= 20) {
			res[nif++] = idb_tsresol(buf + off, blen);
			hdr[nhdr++] = b;
		} else if (type == SL_PCAPNG_BT_EPB && blen >= 32) {
			uint32_t ifid = sl_load_le32(buf + off + 8);
			uint64_t u = (uint64_t)sl_load_le32(buf + off + 12)
					 << 32 |
				     sl_load_le32(buf + off + 16);

			if (ifid >= (uint32_t)nif || res[ifid] > 9)
				goto leave;
			b.t.ts_ns = units_to_ns(u, res[ifid]);
			if (npkt > 0 && b.t.ts_ns < pkt[npkt - 1].t.ts_ns)
				sorted = false;
			pkt[npkt++] = b;
		} else
			goto leave; /* another block: keep the file's order */
		off += blen;
	}
	if (!sorted && off == len) {
		qsort(pkt, npkt, sizeof *pkt, sl_ts_pos_cmp);
		rc = write_ordered(path, buf, hdr, nhdr, pkt, npkt, errbuf);
	}
leave:
	free(hdr);
	free(pkt);
	free(buf);
	return rc;
}
