/* \summary: a one-line progress meter on a terminal: bytes and packets read, rate, time left */
#include "progress.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

#define REDRAW_NS 250000000LL /* at most four lines a second */

struct sl_progress {
	FILE *tty;
	const char *name;
	uint64_t size;
	int64_t t0, last;
	bool drawn;
};

struct sl_progress *
sl_progress_new(FILE *tty)
{
	struct sl_progress *pr;

	if (tty == NULL || !isatty(fileno(tty)))
		return NULL;
	pr = sl_xcalloc(1, sizeof(*pr));
	pr->tty = tty;
	return pr;
}

void
sl_progress_file(struct sl_progress *pr, const char *name, uint64_t size)
{
	if (pr == NULL)
		return;
	pr->name = name;
	pr->size = size;
	pr->t0 = pr->last = sl_now_mono_ns();
	pr->drawn = false;
}

/* 109 MB, 3.4 kB, 12 B: three significant digits at most. */
static void
bytes_str(double v, char *b, size_t len)
{
	static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(b, len, v < 10 && u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

/* 1450000 as "1,450,000". */
static void
count_str(uint64_t v, char *b, size_t len)
{
	char d[24];
	size_t n = (size_t)snprintf(d, sizeof(d), "%llu",
				    (unsigned long long)v),
	       i, o = 0;

	for (i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			b[o++] = ',';
		b[o++] = d[i];
	}
	b[o] = '\0';
}

void
sl_progress_update(struct sl_progress *pr, uint64_t bytes, uint64_t packets)
{
	char done[16], total[16], rate[16], left[32] = "", pk[32];
	int64_t now;
	double el;

	if (pr == NULL)
		return;
	now = sl_now_mono_ns();
	if (now - pr->last < REDRAW_NS)
		return;
	pr->last = now;
	el = (double)(now - pr->t0) / 1e9;
	bytes_str((double)bytes, done, sizeof(done));
	count_str(packets, pk, sizeof(pk));
	bytes_str(el > 0 ? (double)bytes / el : 0, rate, sizeof(rate));
	if (pr->size > 0 && bytes > 0 && bytes <= pr->size) {
		double rest = el * (double)(pr->size - bytes) / (double)bytes;

		bytes_str((double)pr->size, total, sizeof(total));
		if (rest < 1)
			snprintf(left, sizeof(left), ", under 1 s left");
		else
			snprintf(left, sizeof(left), ", %.0f s left",
				 rest + 0.5);
		fprintf(pr->tty,
			"\r\033[K%s: %3.0f%%, %s of %s, %s packets, %s/s%s",
			pr->name, 100.0 * (double)bytes / (double)pr->size,
			done, total, pk, rate, left);
	} else {
		fprintf(pr->tty, "\r\033[K%s: %s, %s packets, %s/s", pr->name,
			done, pk, rate);
	}
	fflush(pr->tty);
	pr->drawn = true;
}

void
sl_progress_done(struct sl_progress *pr)
{
	if (pr == NULL || !pr->drawn)
		return;
	fputs("\r\033[K", pr->tty);
	fflush(pr->tty);
	pr->drawn = false;
}

void
sl_progress_free(struct sl_progress *pr)
{
	sl_progress_done(pr);
	free(pr);
}
