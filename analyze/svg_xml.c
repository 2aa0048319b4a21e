/* \summary: SVG text output: a growing buffer, XML character data, a text element */
#include "svg_int.h"

#include <stdarg.h>
#include <stdio.h>

void
sl_sb_printf(struct sl_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap ? b->cap * 2 : 4096;
		while (b->cap - b->len <= (size_t)n)
			b->cap *= 2;
		b->p = sl_xrealloc(b->p, b->cap, 1);
	}
}

/*
 * Text as XML character data: markup characters escaped, control
 * characters and bytes that are not UTF-8 replaced by '?', so the document
 * stays well-formed whatever a file name or note holds.
 */
void
sl_sb_text(struct sl_sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned c = *p, need = 0, k;

		if (c == '&')
			sl_sb_printf(b, "&amp;");
		else if (c == '<')
			sl_sb_printf(b, "&lt;");
		else if (c == '>')
			sl_sb_printf(b, "&gt;");
		else if (c == '"')
			sl_sb_printf(b, "&quot;");
		else if (c == '\'')
			sl_sb_printf(b, "&#39;");
		else if (c < 0x20 || c == 0x7f)
			sl_sb_printf(b, "?");
		else if (c < 0x80)
			sl_sb_printf(b, "%c", (char)c);
		else {
			if (c >= 0xc2 && c <= 0xdf)
				need = 1;
			else if (c >= 0xe0 && c <= 0xef)
				need = 2;
			else if (c >= 0xf0 && c <= 0xf4)
				need = 3;
			for (k = 1; k <= need; k++)
				if ((p[k] & 0xc0) != 0x80)
					break;
			/* Overlong and surrogate forms are not UTF-8 either. */
			if (need == 0 || k <= need ||
			    (c == 0xe0 && p[1] < 0xa0) ||
			    (c == 0xed && p[1] >= 0xa0) ||
			    (c == 0xf0 && p[1] < 0x90) ||
			    (c == 0xf4 && p[1] >= 0x90)) {
				sl_sb_printf(b, "?");
			} else {
				sl_sb_printf(b, "%.*s", (int)need + 1,
					     (const char *)p);
				p += need;
			}
		}
		p++;
	}
}

void
sl_svg_text_at(struct sl_sbuf *b, double x, double y, const char *anchor,
	       const char *style, const char *s)
{
	sl_sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s>",
		     x, y, anchor, style[0] ? " " : "", style);
	sl_sb_text(b, s);
	sl_sb_printf(b, "</text>\n");
}
