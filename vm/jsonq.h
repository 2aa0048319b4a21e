/* \summary: a small JSON reader (RFC 8259) for synlab's own --json documents */
#ifndef SL_JSONQ_H
#define SL_JSONQ_H

/*
 * `synlab kernels` reads the JSON that `synlab run --json` printed inside
 * each VM.  This is a whole-document reader into a tree: enough for
 * documents of a few megabytes, with depth and size limits so that a
 * corrupt file gives an error, never a crash.
 */

#include <stdbool.h>
#include <stddef.h>

enum sl_jv_type {
	SL_JV_NULL,
	SL_JV_BOOL,
	SL_JV_NUM,
	SL_JV_STR,
	SL_JV_ARR,
	SL_JV_OBJ,
};

struct sl_jv;

/*
 * Parses text[0..len).  Returns the root (free with sl_jv_free), or NULL
 * with errbuf ("byte N: what") when the text is not one JSON value.
 */
struct sl_jv *sl_jv_parse(const char *text, size_t len, char *errbuf);
/* Reads and parses a whole file; NULL with errbuf naming the file. */
struct sl_jv *sl_jv_load(const char *path, char *errbuf);
void sl_jv_free(struct sl_jv *v);

/* Accessors; each accepts NULL and then returns NULL / 0 / false. */
enum sl_jv_type sl_jv_type(const struct sl_jv *v);
/* Member KEY of an object; a path "a.b.c" walks nested objects. */
const struct sl_jv *sl_jv_get(const struct sl_jv *v, const char *path);
/* Element I of an array, or the I-th member value of an object. */
const struct sl_jv *sl_jv_at(const struct sl_jv *v, size_t i);
/* Elements of an array or members of an object; 0 for anything else. */
size_t sl_jv_len(const struct sl_jv *v);
/* The I-th member's key of an object, or NULL. */
const char *sl_jv_key(const struct sl_jv *v, size_t i);
/* The string (borrowed, lives as long as the tree), or NULL. */
const char *sl_jv_str(const struct sl_jv *v);
/* The number, or DFLT when v is not a number. */
double sl_jv_num(const struct sl_jv *v, double dflt);
/* True only for the literal true. */
bool sl_jv_true(const struct sl_jv *v);

#endif /* SL_JSONQ_H */
