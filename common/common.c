/* \summary: error strings, errbuf formatting, allocation and clocks */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *
sl_strerror(int err)
{
	switch (err) {
	case SL_OK:
		return "success";
	case SL_EIO:
		return "I/O error";
	case SL_ETRUNC:
		return "truncated";
	case SL_EMALFORM:
		return "malformed";
	case SL_ENOMEM:
		return "out of memory";
	case SL_EINVAL:
		return "invalid argument";
	case SL_ENOTSUP:
		return "not supported";
	case SL_EPERM:
		return "permission denied";
	case SL_ENV:
		return "environment lacks a feature";
	case SL_EINTR:
		return "interrupted";
	default:
		return "unknown error";
	}
}

void
sl_errbuf_set(char *errbuf, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, SL_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

void *
sl_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL) {
		fputs("synlab: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *
sl_xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size) {
		fputs("synlab: allocation overflow\n", stderr);
		abort();
	}
	q = realloc(p, n * size != 0 ? n * size : 1);
	if (q == NULL) {
		fputs("synlab: out of memory\n", stderr);
		abort();
	}
	return q;
}

char *
sl_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = sl_xcalloc(1, n);

	memcpy(d, s, n);
	return d;
}

int64_t
sl_now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
sl_now_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
sl_facts_vadd(char *facts, size_t len, const char *fmt, va_list ap)
{
	size_t used = strlen(facts);

	if (used + 2 >= len)
		return;
	vsnprintf(facts + used, len - used, fmt, ap);
	used = strlen(facts);
	if (used + 1 < len) {
		facts[used] = '\n';
		facts[used + 1] = '\0';
	}
}

void *
sl_xgrow(void *p, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : first;
	return sl_xrealloc(p, *cap, size);
}

int
sl_ts_pos_cmp(const void *a, const void *b)
{
	const struct sl_ts_pos *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

bool
sl_input_rereadable(const char *path, uint64_t *size)
{
	struct stat st;
	bool seen = strcmp(path, "-") != 0 && stat(path, &st) == 0;

	if (size != NULL)
		*size = seen ? (uint64_t)st.st_size : 0;
	if (strcmp(path, "-") == 0)
		return false;
	return !seen || S_ISREG(st.st_mode);
}
