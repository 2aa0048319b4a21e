/* \summary: bounds-checked pcapng reader: blocks, interfaces, packets (draft-ietf-opsawg-pcapng) */
#ifndef SL_PCAPNG_RD_H
#define SL_PCAPNG_RD_H

/*
 * Reads pcapng from any byte source (a FILE, a gzip stream): each block
 * is read whole into a buffer and parsed through struct sl_rd, so no
 * field is read past the block, and a block's length is checked against
 * its trailer.  Interfaces are numbered across sections from 0; each
 * keeps its own link type, snaplen, if_name, if_tsresol and if_tsoffset,
 * so a file mixing link types or snaplens reads (libpcap 1.10 refuses it).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads up to n bytes into buf; returns how many (0 at the end). */
typedef size_t (*sl_ngrd_read_fn)(void *src, void *buf, size_t n);

struct sl_ngrd;

struct sl_ngif {
	uint16_t linktype; /* LINKTYPE_ value */
	uint32_t snaplen;
	char *name;	    /* if_name, or NULL */
	uint8_t tsresol;    /* if_tsresol as written (default 6) */
	int64_t tsoffset_s; /* if_tsoffset */
};

struct sl_ngpkt {
	int iface; /* across sections, from 0 */
	const struct sl_ngif *ifc;
	int64_t ts_ns; /* 0 for a Simple Packet Block (it has none) */
	uint32_t caplen, wirelen;
	const uint8_t *data; /* valid until the next call */
};

/* A reader over src (not owned); never NULL. */
struct sl_ngrd *sl_ngrd_new(sl_ngrd_read_fn rd, void *src);

/*
 * The next packet (EPB, SPB or obsolete PB); other blocks are read and
 * skipped.  Returns 1 with *p filled, 0 at the end of the file, or
 * SL_EMALFORM with errbuf saying what is wrong (without file and frame).
 * Interface descriptions seen on the way are kept.
 */
int sl_ngrd_next(struct sl_ngrd *r, struct sl_ngpkt *p, char *errbuf);

/* Interface i (NULL if not described yet); borrowed until sl_ngrd_free. */
const struct sl_ngif *sl_ngrd_iface(const struct sl_ngrd *r, int i);
int sl_ngrd_nifaces(const struct sl_ngrd *r);

void sl_ngrd_free(struct sl_ngrd *r);

/* Whether the 4 bytes at p open a pcapng file (Section Header Block). */
bool sl_ngrd_magic(const uint8_t *p);

#endif /* SL_PCAPNG_RD_H */
