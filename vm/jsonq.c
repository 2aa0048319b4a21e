/* \summary: a small JSON reader (RFC 8259) for synlab's own --json documents */
#include "jsonq.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define JV_MAX_DEPTH 64
#define JV_MAX_FILE  (64u << 20)

struct sl_jv {
	enum sl_jv_type type;
	bool b;
	double num;
	char *str;	    /* SL_JV_STR */
	char **keys;	    /* SL_JV_OBJ */
	struct sl_jv **val; /* SL_JV_ARR, SL_JV_OBJ */
	size_t n;
};

struct jp {
	const char *s;
	size_t len, pos;
	char *errbuf;
};

static int
jp_fail(struct jp *p, const char *what)
{
	sl_errbuf_set(p->errbuf, "byte %zu: %s", p->pos, what);
	return SL_EMALFORM;
}

static void
jp_ws(struct jp *p)
{
	while (p->pos < p->len &&
	       (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
		p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends code point cp as UTF-8 (a lone surrogate becomes U+FFFD). */
static size_t
put_utf8(char *o, uint32_t cp)
{
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (char)(0xe0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/* A string at p->pos (on the opening quote) into a new buffer. */
static int
jp_string(struct jp *p, char **out)
{
	size_t start = ++p->pos, o = 0;
	char *buf;

	/* The decoded string is never longer than the encoded one. */
	while (p->pos < p->len && p->s[p->pos] != '"')
		p->pos += p->s[p->pos] == '\\' ? 2 : 1;
	if (p->pos >= p->len)
		return jp_fail(p, "unterminated string");
	buf = sl_xcalloc(p->pos - start + 1, 1);
	for (size_t i = start; i < p->pos; i++) {
		char c = p->s[i];
		uint32_t cp = 0;

		if ((unsigned char)c < 0x20) {
			free(buf);
			p->pos = i;
			return jp_fail(p, "control character in string");
		}
		if (c != '\\') {
			buf[o++] = c;
			continue;
		}
		c = p->s[++i];
		switch (c) {
		case 'n':
			buf[o++] = '\n';
			break;
		case 't':
			buf[o++] = '\t';
			break;
		case 'r':
			buf[o++] = '\r';
			break;
		case 'b':
			buf[o++] = '\b';
			break;
		case 'f':
			buf[o++] = '\f';
			break;
		case '"':
		case '\\':
		case '/':
			buf[o++] = c;
			break;
		case 'u':
			for (int k = 1; k <= 4; k++) {
				int h = i + (size_t)k < p->pos
					    ? hexval(p->s[i + (size_t)k])
					    : -1;
				if (h < 0) {
					free(buf);
					p->pos = i;
					return jp_fail(p, "bad \\u escape");
				}
				cp = cp << 4 | (uint32_t)h;
			}
			i += 4;
			o += put_utf8(buf + o, cp);
			break;
		default:
			free(buf);
			p->pos = i;
			return jp_fail(p, "bad escape in string");
		}
	}
	buf[o] = '\0';
	p->pos++;
	*out = buf;
	return SL_OK;
}

static int jp_value(struct jp *p, struct sl_jv **out, int depth);

static int
jp_compound(struct jp *p, struct sl_jv *v, int depth)
{
	char close = v->type == SL_JV_OBJ ? '}' : ']';
	size_t cap = 0;
	int rc;

	p->pos++;
	jp_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return SL_OK;
	}
	for (;;) {
		char *key = NULL;
		struct sl_jv *el = NULL;

		jp_ws(p);
		if (v->type == SL_JV_OBJ) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return jp_fail(p, "object key expected");
			if ((rc = jp_string(p, &key)) != SL_OK)
				return rc;
			jp_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				return jp_fail(p, "':' expected");
			}
			p->pos++;
		}
		if ((rc = jp_value(p, &el, depth + 1)) != SL_OK) {
			/* el may be half built: not yet v's, so freed here */
			sl_jv_free(el);
			free(key);
			return rc;
		}
		if (v->n == cap) {
			cap = cap ? cap * 2 : 8;
			v->val = sl_xrealloc(v->val, cap, sizeof *v->val);
			if (v->type == SL_JV_OBJ)
				v->keys =
				    sl_xrealloc(v->keys, cap, sizeof *v->keys);
		}
		if (v->type == SL_JV_OBJ)
			v->keys[v->n] = key;
		v->val[v->n++] = el;
		jp_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return SL_OK;
		}
		return jp_fail(p, v->type == SL_JV_OBJ ? "',' or '}' expected"
						       : "',' or ']' expected");
	}
}

static int
jp_value(struct jp *p, struct sl_jv **out, int depth)
{
	struct sl_jv *v;
	int rc = SL_OK;
	char c;

	if (depth > JV_MAX_DEPTH)
		return jp_fail(p, "nested too deeply");
	jp_ws(p);
	if (p->pos >= p->len)
		return jp_fail(p, "value expected, end of text");
	v = sl_xcalloc(1, sizeof *v);
	*out = v;
	c = p->s[p->pos];
	if (c == '{' || c == '[') {
		v->type = c == '{' ? SL_JV_OBJ : SL_JV_ARR;
		rc = jp_compound(p, v, depth);
	} else if (c == '"') {
		v->type = SL_JV_STR;
		rc = jp_string(p, &v->str);
	} else if (p->len - p->pos >= 4 &&
		   memcmp(p->s + p->pos, "true", 4) == 0) {
		v->type = SL_JV_BOOL;
		v->b = true;
		p->pos += 4;
	} else if (p->len - p->pos >= 5 &&
		   memcmp(p->s + p->pos, "false", 5) == 0) {
		v->type = SL_JV_BOOL;
		p->pos += 5;
	} else if (p->len - p->pos >= 4 &&
		   memcmp(p->s + p->pos, "null", 4) == 0) {
		v->type = SL_JV_NULL;
		p->pos += 4;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		char num[64];
		size_t k = 0;
		char *end;

		while (p->pos < p->len && k < sizeof num - 1 &&
		       strchr("+-0123456789.eE", p->s[p->pos]) != NULL)
			num[k++] = p->s[p->pos++];
		num[k] = '\0';
		v->type = SL_JV_NUM;
		v->num = strtod(num, &end);
		if (*end != '\0')
			rc = jp_fail(p, "bad number");
	} else {
		rc = jp_fail(p, "value expected");
	}
	return rc;
}

struct sl_jv *
sl_jv_parse(const char *text, size_t len, char *errbuf)
{
	struct jp p = {text, len, 0, errbuf};
	struct sl_jv *v = NULL;

	if (jp_value(&p, &v, 0) != SL_OK) {
		sl_jv_free(v);
		return NULL;
	}
	jp_ws(&p);
	if (p.pos != p.len) {
		jp_fail(&p, "text after the value");
		sl_jv_free(v);
		return NULL;
	}
	return v;
}

struct sl_jv *
sl_jv_load(const char *path, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, sub[SL_ERRBUF_SIZE];
	size_t len = 0, cap = 0, n;
	struct sl_jv *v = NULL;

	if (f == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= JV_MAX_FILE) {
				sl_errbuf_set(errbuf, "%s: larger than %u MB",
					      path, JV_MAX_FILE >> 20);
				goto out;
			}
			cap = cap ? cap * 2 : 65536;
			buf = sl_xrealloc(buf, cap, 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		sl_errbuf_set(errbuf, "%s: read error", path);
		goto out;
	}
	v = sl_jv_parse(buf, len, sub);
	if (v == NULL)
		sl_errbuf_set(errbuf, "%s: %s", path, sub);
out:
	free(buf);
	fclose(f);
	return v;
}

void
sl_jv_free(struct sl_jv *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		sl_jv_free(v->val[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->val);
	free(v->keys);
	free(v->str);
	free(v);
}

enum sl_jv_type
sl_jv_type(const struct sl_jv *v)
{
	return v == NULL ? SL_JV_NULL : v->type;
}

const struct sl_jv *
sl_jv_get(const struct sl_jv *v, const char *path)
{
	while (v != NULL && *path != '\0') {
		const char *dot = strchr(path, '.');
		size_t klen = dot ? (size_t)(dot - path) : strlen(path);
		const struct sl_jv *next = NULL;

		if (v->type != SL_JV_OBJ)
			return NULL;
		for (size_t i = 0; i < v->n; i++)
			if (strlen(v->keys[i]) == klen &&
			    memcmp(v->keys[i], path, klen) == 0)
				next = v->val[i];
		v = next;
		path += klen + (dot != NULL);
	}
	return v;
}

const struct sl_jv *
sl_jv_at(const struct sl_jv *v, size_t i)
{
	if (v == NULL || (v->type != SL_JV_ARR && v->type != SL_JV_OBJ) ||
	    i >= v->n)
		return NULL;
	return v->val[i];
}

size_t
sl_jv_len(const struct sl_jv *v)
{
	return v != NULL && (v->type == SL_JV_ARR || v->type == SL_JV_OBJ)
		   ? v->n
		   : 0;
}

const char *
sl_jv_key(const struct sl_jv *v, size_t i)
{
	return v != NULL && v->type == SL_JV_OBJ && i < v->n ? v->keys[i]
							     : NULL;
}

const char *
sl_jv_str(const struct sl_jv *v)
{
	return v != NULL && v->type == SL_JV_STR ? v->str : NULL;
}

double
sl_jv_num(const struct sl_jv *v, double dflt)
{
	return v != NULL && v->type == SL_JV_NUM ? v->num : dflt;
}

bool
sl_jv_true(const struct sl_jv *v)
{
	return v != NULL && v->type == SL_JV_BOOL && v->b;
}
