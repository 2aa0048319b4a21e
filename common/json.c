/* \summary: JSON output: the one string escaper and a small writer that manages commas (RFC 8259) */
#include "json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

void
sl_json_str(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', out);
	for (; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				putc(*p, out);
		}
	}
	putc('"', out);
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
