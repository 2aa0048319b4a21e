/* \summary: JSON output: the one string escaper and a small writer that manages commas (RFC 8259) */
#ifndef SL_JSON_H
#define SL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * An output buffer with one write path: text is formatted by hand into
 * buf and goes to f by fwrite only when the buffer is full and at
 * sl_ob_flush, so a large report costs a few large writes instead of a
 * printf per field.  Write errors are the FILE's (ferror), and
 * sl_ob_flush also returns -1 on one.  Nothing else may write to f
 * between two flushes.  With f NULL, buf is a string being built, which
 * the caller sizes for the longest it can be (a flush would empty it).
 *
 * sl_ob_init formats into the caller's buffer; sl_ob_open into buffers
 * of its own, and with a writer thread, if asked: a full buffer is then
 * handed to that thread, which writes it while the caller formats into
 * the next, so the caller waits for a write only when every buffer is
 * in flight (copying a large report into the page cache costs about as
 * much as formatting it).  The thread starts at the first full buffer:
 * an output that fits in one buffer never makes one.
 */
struct sl_obq;

struct sl_ob {
	FILE *f;
	char *buf;
	size_t n, cap;
	struct sl_obq *q; /* sl_ob_open's writer thread, or NULL */
};

void sl_ob_init(struct sl_ob *ob, FILE *f, char *buf, size_t cap);
/*
 * Everything formatted so far to f (and written, with a writer thread):
 * 0, or -1 on a write error, now or of an earlier full buffer.
 */
int sl_ob_flush(struct sl_ob *ob);
/*
 * Buffers of cap bytes of its own on f; with thread, full buffers are
 * written by a thread of its own.  sl_ob_close flushes, ends the thread
 * and frees the buffers: 0, or -1 as sl_ob_flush.
 */
void sl_ob_open(struct sl_ob *ob, FILE *f, size_t cap, bool thread);
int sl_ob_close(struct sl_ob *ob);
/* The buffer is full: empties it (handing it to the writer thread). */
void sl_ob_spill(struct sl_ob *ob);
/* sl_ob_write when the buffer has no room for n more bytes. */
void sl_ob_write_full(struct sl_ob *ob, const void *p, size_t n);
/*
 * Inline, with the room check first: a piece of known length (a literal)
 * becomes a few moves, and only a full buffer calls out.
 */
static inline void
sl_ob_write(struct sl_ob *ob, const void *p, size_t n)
{
	if (__builtin_expect(ob->cap - ob->n >= n, 1)) {
		memcpy(ob->buf + ob->n, p, n);
		ob->n += n;
		return;
	}
	sl_ob_write_full(ob, p, n);
}
/* Room for n more bytes (n <= cap): flushes if needed. */
static inline char *
sl_ob_room(struct sl_ob *ob, size_t n)
{
	if (ob->cap - ob->n < n)
		sl_ob_spill(ob);
	return ob->buf + ob->n;
}
static inline void
sl_ob_putc(struct sl_ob *ob, char c)
{
	if (__builtin_expect(ob->n == ob->cap, 0))
		sl_ob_spill(ob);
	ob->buf[ob->n++] = c;
}
/* Inline, so that a literal's length is known when compiling. */
static inline void
sl_ob_puts(struct sl_ob *ob, const char *s)
{
	sl_ob_write(ob, s, strlen(s));
}
/*
 * A run of writes through a cursor, for a piece of known greatest length
 * written often: p = sl_ob_room(ob, n) makes room for the whole of it
 * once, the sl_put_* calls write at p and return the end (no room check,
 * the cursor stays in a register), and sl_ob_commit(ob, p) ends the run.
 */
static inline void
sl_ob_commit(struct sl_ob *ob, char *p)
{
	ob->n = (size_t)(p - ob->buf);
}
static inline char *
sl_put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}
/* A string literal: its length is known when compiling. */
#define SL_PUT(p, lit) sl_put((p), "" lit "", sizeof(lit) - 1)
static inline char *
sl_puts(char *p, const char *s)
{
	return sl_put(p, s, strlen(s));
}
/* At most 20 bytes. */
char *sl_put_u64(char *p, uint64_t v);
char *sl_put_i64(char *p, int64_t v);

/* printf's %c repeated n times. */
void sl_ob_fill(struct sl_ob *ob, char c, size_t n);
/* printf's %PRIu64, %PRId64; with width: %6PRIu64 (right-aligned). */
void sl_ob_u64(struct sl_ob *ob, uint64_t v);
void sl_ob_i64(struct sl_ob *ob, int64_t v);
void sl_ob_u64w(struct sl_ob *ob, uint64_t v, unsigned width);
/* printf's %-13s (left true) or %13s. */
void sl_ob_pad(struct sl_ob *ob, const char *s, unsigned width, bool left);
/* printf's %02x. */
void sl_ob_hex2(struct sl_ob *ob, uint8_t v);
/*
 * printf's "%[+][width].[prec]f" of (double)num / 10^scale (prec <=
 * scale <= 9), byte for byte: digits from the integer, printf itself in
 * the rare cases where rounding the double could differ (an exact tie,
 * a value past 2^52).
 */
void sl_ob_fixed(struct sl_ob *ob, int64_t num, unsigned scale, unsigned prec,
		 unsigned width, bool plus);
/* s as a JSON string, escaped as sl_json_str does. */
void sl_ob_json_str(struct sl_ob *ob, const char *s);

/*
 * Writes s to out as a JSON string, quoted: '"' and '\' escaped, newline,
 * CR and tab as \n \r \t, other control characters as \u00XX, every other
 * byte as is (UTF-8 passes through).  s must not be NULL.
 */
void sl_json_str(FILE *out, const char *s);

/*
 * A writer that knows where commas go.  Usage:
 *
 *	struct sl_json j;
 *	sl_json_init(&j, out);
 *	sl_json_begin_obj(&j);
 *	sl_json_key(&j, "files");
 *	sl_json_begin_arr(&j);
 *	sl_json_string(&j, "a.pcap");
 *	sl_json_end(&j);
 *	sl_json_key(&j, "count");
 *	sl_json_int(&j, 1);
 *	sl_json_end(&j);		// {"files":["a.pcap"],"count":1}
 *
 * It writes no white space and checks nothing but nesting depth; output
 * errors are the FILE's (check ferror or fclose).  The struct is the
 * caller's and holds no resources.
 */
#define SL_JSON_DEPTH 32

struct sl_json {
	FILE *out;
	unsigned depth;
	bool after_key; /* a key was written, its value is next */
	bool nonempty
	    [SL_JSON_DEPTH]; /* the container at this depth has a member */
	char close[SL_JSON_DEPTH]; /* '}' or ']' */
};

void sl_json_init(struct sl_json *j, FILE *out);
void sl_json_begin_obj(struct sl_json *j);
void sl_json_begin_arr(struct sl_json *j);
/* Closes the innermost open object or array. */
void sl_json_end(struct sl_json *j);
/* An object member's key; the next call writes its value. */
void sl_json_key(struct sl_json *j, const char *key);
/* Values. sl_json_string writes null for NULL. */
void sl_json_string(struct sl_json *j, const char *s);
void sl_json_int(struct sl_json *j, int64_t v);
void sl_json_uint(struct sl_json *j, uint64_t v);
void sl_json_bool(struct sl_json *j, bool v);
void sl_json_null(struct sl_json *j);
/* A number or any other value, formatted by printf (e.g. "%.6f"). */
void sl_json_printf(struct sl_json *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An object member: the key, then its value (kfixed: printf's "%.*f"). */
void sl_json_kstring(struct sl_json *j, const char *key, const char *s);
void sl_json_kint(struct sl_json *j, const char *key, int64_t v);
void sl_json_kuint(struct sl_json *j, const char *key, uint64_t v);
void sl_json_kbool(struct sl_json *j, const char *key, bool v);
void sl_json_kfixed(struct sl_json *j, const char *key, double v, int prec);

/* Each non-empty line of text as a string value (at most 511 bytes). */
void sl_json_lines(struct sl_json *j, const char *text);

#endif /* SL_JSON_H */
