/* \summary: JSON output: the one string escaper and a small writer that manages commas (RFC 8259) */
#include "json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
sl_ob_init(struct sl_ob *ob, FILE *f, char *buf, size_t cap)
{
	ob->f = f;
	ob->buf = buf;
	ob->n = 0;
	ob->cap = cap;
	ob->q = NULL;
}

/* Room for up to n more bytes, flushing a full buffer: how many. */
static size_t
room_upto(struct sl_ob *ob, size_t n)
{
	size_t k = ob->cap - ob->n;

	if (k == 0) {
		sl_ob_spill(ob);
		k = ob->cap;
	}
	return k < n ? k : n;
}

void
sl_ob_write_full(struct sl_ob *ob, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		size_t k = room_upto(ob, n);

		memcpy(ob->buf + ob->n, c, k);
		ob->n += k;
		c += k;
		n -= k;
	}
}

void
sl_ob_fill(struct sl_ob *ob, char c, size_t n)
{
	while (n > 0) {
		size_t k = room_upto(ob, n);

		memset(ob->buf + ob->n, c, k);
		ob->n += k;
		n -= k;
	}
}

/* The two digits of 0 to 99, at twice the number. */
static const char pairs[] = "0001020304050607080910111213141516171819"
			    "2021222324252627282930313233343536373839"
			    "4041424344454647484950515253545556575859"
			    "6061626364656667686970717273747576777879"
			    "8081828384858687888990919293949596979899";

/*
 * How many decimal digits v has (1 to 20): log2 by the highest bit,
 * times log10(2) as 1233/4096, then one comparison (Bit Twiddling Hacks,
 * "integer log base 10").
 */
static size_t
ndigits(uint64_t v)
{
	static const uint64_t p10[20] = {1ULL,
					 10ULL,
					 100ULL,
					 1000ULL,
					 10000ULL,
					 100000ULL,
					 1000000ULL,
					 10000000ULL,
					 100000000ULL,
					 1000000000ULL,
					 10000000000ULL,
					 100000000000ULL,
					 1000000000000ULL,
					 10000000000000ULL,
					 100000000000000ULL,
					 1000000000000000ULL,
					 10000000000000000ULL,
					 100000000000000000ULL,
					 1000000000000000000ULL,
					 10000000000000000000ULL};
	unsigned t = (unsigned)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;

	/* v | 1: v = 0 has a digit, and no other power of 10 is odd */
	return t + ((v | 1) >= p10[t]);
}

/*
 * The n decimal digits of v into p[0..n), four at a time as two pairs
 * from a table (the divisions are multiplications once compiled).
 */
static void
put_digits(char *p, uint64_t v, size_t n)
{
	char *e = p + n;
	uint32_t w;

	while (v > UINT32_MAX) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		e -= 2;
		memcpy(e, pairs + 2 * r, 2);
	}
	for (w = (uint32_t)v; w >= 10000; w /= 10000) {
		uint32_t r = w % 10000;

		e -= 4;
		memcpy(e, pairs + 2 * (r / 100), 2);
		memcpy(e + 2, pairs + 2 * (r % 100), 2);
	}
	if (w >= 100) {
		e -= 2;
		memcpy(e, pairs + 2 * (w % 100), 2);
		w /= 100;
	}
	if (w >= 10) {
		e -= 2;
		memcpy(e, pairs + 2 * w, 2);
	} else {
		*--e = (char)('0' + w);
	}
}

char *
sl_put_u64(char *p, uint64_t v)
{
	size_t n;

	/* most numbers of a report (flags, counts, options) are short */
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	if (v < 100) {
		memcpy(p, pairs + 2 * v, 2);
		return p + 2;
	}
	n = ndigits(v);

	put_digits(p, v, n);
	return p + n;
}

char *
sl_put_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return sl_put_u64(p, 0 - (uint64_t)v);
	}
	return sl_put_u64(p, (uint64_t)v);
}

/* sl_ob_u64 when the buffer has no room for the longest number. */
static void
u64_full(struct sl_ob *ob, uint64_t v)
{
	char b[20];

	sl_ob_write_full(ob, b, (size_t)(sl_put_u64(b, v) - b));
}

void
sl_ob_u64(struct sl_ob *ob, uint64_t v)
{
	if (__builtin_expect(ob->cap - ob->n >= 20, 1))
		sl_ob_commit(ob, sl_put_u64(ob->buf + ob->n, v));
	else
		u64_full(ob, v);
}

void
sl_ob_i64(struct sl_ob *ob, int64_t v)
{
	if (__builtin_expect(ob->cap - ob->n >= 20, 1))
		sl_ob_commit(ob, sl_put_i64(ob->buf + ob->n, v));
	else if (v < 0) {
		sl_ob_putc(ob, '-');
		u64_full(ob, 0 - (uint64_t)v);
	} else {
		u64_full(ob, (uint64_t)v);
	}
}

void
sl_ob_u64w(struct sl_ob *ob, uint64_t v, unsigned width)
{
	size_t n = ndigits(v);

	if (width > n)
		sl_ob_fill(ob, ' ', width - n);
	sl_ob_u64(ob, v);
}

void
sl_ob_pad(struct sl_ob *ob, const char *s, unsigned width, bool left)
{
	size_t n = strlen(s);

	if (!left && width > n)
		sl_ob_fill(ob, ' ', width - n);
	sl_ob_write(ob, s, n);
	if (left && width > n)
		sl_ob_fill(ob, ' ', width - n);
}

void
sl_ob_hex2(struct sl_ob *ob, uint8_t v)
{
	static const char hex[] = "0123456789abcdef";

	sl_ob_putc(ob, hex[v >> 4]);
	sl_ob_putc(ob, hex[v & 15]);
}

void
sl_ob_fixed(struct sl_ob *ob, int64_t num, unsigned scale, unsigned prec,
	    unsigned width, bool plus)
{
	static const uint64_t p10[] = {1,	  10,	     100,     1000,
				       10000,	  100000,    1000000, 10000000,
				       100000000, 1000000000};
	uint64_t a = num < 0 ? 0 - (uint64_t)num : (uint64_t)num;
	uint64_t d = p10[scale - prec], q = a / d, r = a % d;
	char b[48], *p = b + sizeof(b);
	unsigned i;

	if (a >= (1ULL << 52) || (d > 1 && 2 * r == d)) {
		/* printf rounds the double: let it */
		int n = snprintf(b, sizeof(b), plus ? "%+*.*f" : "%*.*f",
				 (int)width, (int)prec,
				 (double)num / (double)p10[scale]);
		if (n > 0)
			sl_ob_write(ob, b,
				    (size_t)n < sizeof(b) ? (size_t)n
							  : sizeof(b) - 1);
		return;
	}
	if (2 * r > d)
		q++;
	for (i = 0; i < prec; i++) {
		*--p = (char)('0' + q % 10);
		q /= 10;
	}
	if (prec > 0)
		*--p = '.';
	do {
		*--p = (char)('0' + q % 10);
		q /= 10;
	} while (q != 0);
	if (num < 0)
		*--p = '-';
	else if (plus)
		*--p = '+';
	if (width > (size_t)(b + sizeof(b) - p))
		sl_ob_fill(ob, ' ', width - (size_t)(b + sizeof(b) - p));
	sl_ob_write(ob, p, (size_t)(b + sizeof(b) - p));
}

/*
 * The bytes a JSON string escapes: 1 for the control characters (all
 * below 0x20), '"' and '\\'.
 */
static const unsigned char json_esc[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
    [0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1,
    [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
    [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
    [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
    [0x1e] = 1, [0x1f] = 1, ['"'] = 1,	['\\'] = 1};

void
sl_ob_json_str(struct sl_ob *ob, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;

	sl_ob_putc(ob, '"');
	for (;;) {
		for (run = p; !json_esc[*p]; p++)
			;
		sl_ob_write(ob, run, (size_t)(p - run));
		switch (*p) {
		case '\0':
			sl_ob_putc(ob, '"');
			return;
		case '"':
			sl_ob_puts(ob, "\\\"");
			break;
		case '\\':
			sl_ob_puts(ob, "\\\\");
			break;
		case '\n':
			sl_ob_puts(ob, "\\n");
			break;
		case '\r':
			sl_ob_puts(ob, "\\r");
			break;
		case '\t':
			sl_ob_puts(ob, "\\t");
			break;
		default:
			sl_ob_puts(ob, "\\u00");
			sl_ob_hex2(ob, *p);
		}
		p++;
	}
}

void
sl_json_str(FILE *out, const char *s)
{
	char buf[256];
	struct sl_ob ob;

	sl_ob_init(&ob, out, buf, sizeof(buf));
	sl_ob_json_str(&ob, s);
	sl_ob_flush(&ob);
}

void
sl_json_init(struct sl_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->after_key = false;
	j->nonempty[0] = false;
}

/* Before a value or a key: the comma, unless first in its container. */
static void
sep(struct sl_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->nonempty[j->depth])
		putc(',', j->out);
	j->nonempty[j->depth] = true;
}

static void
begin(struct sl_json *j, char open, char close)
{
	sep(j);
	if (j->depth + 1 >= SL_JSON_DEPTH)
		abort(); /* a caller's bug: no document nests this deep */
	putc(open, j->out);
	j->depth++;
	j->nonempty[j->depth] = false;
	j->close[j->depth] = close;
}

void
sl_json_begin_obj(struct sl_json *j)
{
	begin(j, '{', '}');
}

void
sl_json_begin_arr(struct sl_json *j)
{
	begin(j, '[', ']');
}

void
sl_json_end(struct sl_json *j)
{
	if (j->depth == 0)
		abort(); /* a caller's bug: more ends than begins */
	putc(j->close[j->depth], j->out);
	j->depth--;
}

void
sl_json_key(struct sl_json *j, const char *key)
{
	sep(j);
	sl_json_str(j->out, key);
	putc(':', j->out);
	j->after_key = true;
}

void
sl_json_string(struct sl_json *j, const char *s)
{
	sep(j);
	if (s == NULL)
		fputs("null", j->out);
	else
		sl_json_str(j->out, s);
}

void
sl_json_int(struct sl_json *j, int64_t v)
{
	sep(j);
	fprintf(j->out, "%" PRId64, v);
}

void
sl_json_uint(struct sl_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->out, "%" PRIu64, v);
}

void
sl_json_bool(struct sl_json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->out);
}

void
sl_json_null(struct sl_json *j)
{
	sep(j);
	fputs("null", j->out);
}

void
sl_json_printf(struct sl_json *j, const char *fmt, ...)
{
	va_list ap;

	sep(j);
	va_start(ap, fmt);
	vfprintf(j->out, fmt, ap);
	va_end(ap);
}

void
sl_json_kstring(struct sl_json *j, const char *key, const char *s)
{
	sl_json_key(j, key);
	sl_json_string(j, s);
}

void
sl_json_kint(struct sl_json *j, const char *key, int64_t v)
{
	sl_json_key(j, key);
	sl_json_int(j, v);
}

void
sl_json_kuint(struct sl_json *j, const char *key, uint64_t v)
{
	sl_json_key(j, key);
	sl_json_uint(j, v);
}

void
sl_json_kbool(struct sl_json *j, const char *key, bool v)
{
	sl_json_key(j, key);
	sl_json_bool(j, v);
}

void
sl_json_kfixed(struct sl_json *j, const char *key, double v, int prec)
{
	sl_json_key(j, key);
	sl_json_printf(j, "%.*f", prec, v);
}

void
sl_json_lines(struct sl_json *j, const char *text)
{
	const char *p = text, *nl;
	char line[512];

	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl == p)
			continue;
		snprintf(line, sizeof line, "%.*s", (int)(nl - p), p);
		sl_json_string(j, line);
	}
}
