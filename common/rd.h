/* \summary: bounds-checked big- and little-endian reader for untrusted packet bytes */
#ifndef SL_RD_H
#define SL_RD_H

/*
 * Every read of packet bytes goes through a struct sl_rd, in the spirit of
 * tcpdump's GET_BE_U_2 / ND_TTEST: the reader holds a pointer and the count
 * of bytes left, and every accessor compares lengths (never pointers past
 * the end) and returns SL_ETRUNC when the bytes are not there.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common.h"

struct sl_rd {
	const uint8_t *p;
	size_t left;
};

static inline struct sl_rd
sl_rd_make(const uint8_t *p, size_t len)
{
	struct sl_rd rd = {p, len};
	return rd;
}

static inline int
sl_rd_need(const struct sl_rd *rd, size_t n)
{
	return rd->left >= n ? SL_OK : SL_ETRUNC;
}

static inline int
sl_rd_skip(struct sl_rd *rd, size_t n)
{
	if (rd->left < n)
		return SL_ETRUNC;
	rd->p += n;
	rd->left -= n;
	return SL_OK;
}

static inline int
sl_rd_u8(struct sl_rd *rd, uint8_t *v)
{
	if (rd->left < 1)
		return SL_ETRUNC;
	*v = rd->p[0];
	rd->p += 1;
	rd->left -= 1;
	return SL_OK;
}

/*
 * Loads from n bytes the caller has already checked are there (e.g. with
 * sl_rd_need, or a length compared beforehand).
 */
static inline uint16_t
sl_load_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
sl_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t
sl_load_le16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[1] << 8 | p[0]);
}

static inline uint32_t
sl_load_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static inline int
sl_rd_be16(struct sl_rd *rd, uint16_t *v)
{
	if (rd->left < 2)
		return SL_ETRUNC;
	*v = sl_load_be16(rd->p);
	return sl_rd_skip(rd, 2);
}

static inline int
sl_rd_be32(struct sl_rd *rd, uint32_t *v)
{
	if (rd->left < 4)
		return SL_ETRUNC;
	*v = sl_load_be32(rd->p);
	return sl_rd_skip(rd, 4);
}

static inline int
sl_rd_le16(struct sl_rd *rd, uint16_t *v)
{
	if (rd->left < 2)
		return SL_ETRUNC;
	*v = sl_load_le16(rd->p);
	return sl_rd_skip(rd, 2);
}

static inline int
sl_rd_le32(struct sl_rd *rd, uint32_t *v)
{
	if (rd->left < 4)
		return SL_ETRUNC;
	*v = sl_load_le32(rd->p);
	return sl_rd_skip(rd, 4);
}

static inline int
sl_rd_bytes(struct sl_rd *rd, void *dst, size_t n)
{
	if (rd->left < n)
		return SL_ETRUNC;
	memcpy(dst, rd->p, n);
	rd->p += n;
	rd->left -= n;
	return SL_OK;
}

/* A sub-reader over the next n bytes (or fewer if fewer are left). */
static inline struct sl_rd
sl_rd_sub(const struct sl_rd *rd, size_t n)
{
	struct sl_rd sub = {rd->p, n < rd->left ? n : rd->left};
	return sub;
}

#endif /* SL_RD_H */
