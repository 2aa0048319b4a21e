/* \summary: walk pcapng block headers to learn each packet's interface (draft-ietf-opsawg-pcapng §4) */
#include "ngindex.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "rd.h"

#define BT_SHB	    0x0A0D0D0Au
#define BT_IDB	    0x00000001u
#define BT_PB	    0x00000002u
#define BT_SPB	    0x00000003u
#define BT_EPB	    0x00000006u
#define MAX_IDB_LEN (1u << 20)
#define MAX_BLOCK   (1u << 28)

struct sl_ngindex {
	FILE *f;
	bool be;  /* section byte order */
	int base; /* first interface number of this section */
	int nif;  /* interfaces described so far, all sections */
	char **names;
	bool dead;
};

static uint32_t
get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			(uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
			(uint32_t)p[1] << 8 | p[0];
}

static uint16_t
get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

struct sl_ngindex *
sl_ngindex_open(const char *path)
{
	struct sl_ngindex *ix;
	uint8_t m[4];
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	(void)setvbuf(f, NULL, _IOFBF, 1 << 16); /* before any read */
	if (fread(m, 1, 4, f) != 4 || get32(m, false) != BT_SHB) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	ix = sl_xcalloc(1, sizeof(*ix));
	ix->f = f;
	return ix;
}

/* if_name (option 2) from an IDB body; rd covers the options. */
static void
idb_name(struct sl_ngindex *ix, struct sl_rd rd, int i)
{
	while (rd.left >= 4) {
		uint16_t code = get16(rd.p, ix->be),
			 len = get16(rd.p + 2, ix->be);
		size_t padded = ((size_t)len + 3) & ~(size_t)3;

		(void)sl_rd_skip(&rd, 4);
		if (code == 0 || rd.left < len)
			return;
		if (code == 2 && len > 0) {
			char *n = sl_xcalloc(1, (size_t)len + 1);
			memcpy(n, rd.p, len);
			free(ix->names[i]);
			ix->names[i] = n;
		}
		if (sl_rd_skip(&rd, padded < rd.left ? padded : rd.left) !=
		    SL_OK)
			return;
	}
}

/*
 * Skip n bytes through the stdio buffer: fseek would cost an lseek system
 * call per packet (2.9 million of them on a 1.45M-packet capture, walked
 * twice), reading stays in the buffer.
 */
static int
skip(struct sl_ngindex *ix, long n)
{
	char scratch[4096];

	while (n > 0) {
		size_t k =
		    n < (long)sizeof(scratch) ? (size_t)n : sizeof(scratch);
		if (fread(scratch, 1, k, ix->f) != k)
			return -1;
		n -= (long)k;
	}
	return 0;
}

int
sl_ngindex_next(struct sl_ngindex *ix)
{
	uint8_t h[12];

	while (ix != NULL && !ix->dead) {
		uint32_t type, len;
		long body;

		if (fread(h, 1, 8, ix->f) != 8)
			break;
		type = get32(h, ix->be);
		if (type == BT_SHB) {
			/* byte order from the byte-order magic */
			if (fread(h + 8, 1, 4, ix->f) != 4)
				break;
			ix->be = h[8] == 0x1A;
			len = get32(h + 4, ix->be);
			ix->base = ix->nif;
			body = (long)len - 12;
		} else {
			len = get32(h + 4, ix->be);
			body = (long)len - 8;
		}
		if (len < 12 || len % 4 != 0 || len > MAX_BLOCK)
			break;
		if (type == BT_IDB) {
			uint8_t *b;
			ix->names = sl_xrealloc(ix->names, (size_t)ix->nif + 1,
						sizeof(*ix->names));
			ix->names[ix->nif] = NULL;
			if (len <= MAX_IDB_LEN && len >= 20) {
				b = sl_xcalloc(1, (size_t)body);
				if (fread(b, 1, (size_t)body, ix->f) !=
				    (size_t)body) {
					free(b);
					ix->nif++;
					break;
				}
				/* linktype, reserved, snaplen; options; trailer */
				idb_name(ix,
					 sl_rd_make(b + 8, (size_t)body - 12),
					 ix->nif);
				free(b);
				body = 0;
			}
			ix->nif++;
		} else if (type == BT_EPB || type == BT_PB || type == BT_SPB) {
			int id = 0;
			if (type != BT_SPB) {
				if (fread(h + 8, 1, 4, ix->f) != 4)
					break;
				id = type == BT_EPB ? (int)get32(h + 8, ix->be)
						    : get16(h + 8, ix->be);
				body -= 4;
			}
			if (body > 0 && skip(ix, body) != 0)
				break;
			if (id < 0 || ix->base + id >= ix->nif)
				break;
			return ix->base + id;
		}
		if (body > 0 && skip(ix, body) != 0)
			break;
	}
	if (ix != NULL)
		ix->dead = true;
	return -1;
}

const char *
sl_ngindex_name(const struct sl_ngindex *ix, int i)
{
	if (ix == NULL || i < 0 || i >= ix->nif)
		return NULL;
	return ix->names[i];
}

int
sl_ngindex_count(const struct sl_ngindex *ix)
{
	return ix ? ix->nif : 0;
}

void
sl_ngindex_close(struct sl_ngindex *ix)
{
	int i;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->nif; i++)
		free(ix->names[i]);
	free(ix->names);
	fclose(ix->f);
	free(ix);
}
