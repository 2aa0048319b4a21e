/* \summary: fuzz smoke driver: replays a corpus and fixed-seed mutations through one harness */
/*
 * Linked with one harness instead of libFuzzer, so the fuzz ctests run in
 * a gcc build.  usage:
 *   fuzz-smoke-X [-n MUTATIONS] [-s SEED] [-t SECONDS] [-m MAXLEN] PATH...
 * Each PATH is a file or a directory (its regular files, sorted).  Every
 * file runs once as is; then MUTATIONS inputs are made from them by a
 * small deterministic mutator (bit flips, interesting values, inserted,
 * erased and copied ranges, splices), stopping early after SECONDS.  A
 * harness failure aborts the process; the last input is then in
 * fuzz-smoke-last-input in the working directory, to be minimized.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz.h"

struct input {
	uint8_t *p;
	size_t n;
	char *name;
};

static struct input *corpus;
static size_t ncorpus, capcorpus;
static uint64_t rng;

static uint64_t
next(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static size_t
below(size_t n)
{
	return n ? (size_t)(next() % n) : 0;
}

static void
add_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct input in = {NULL, 0, NULL};
	size_t cap = 0, got;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	do {
		if (in.n == cap) {
			cap = cap ? cap * 2 : 4096;
			in.p = realloc(in.p, cap);
			if (in.p == NULL)
				abort();
		}
		got = fread(in.p + in.n, 1, cap - in.n, f);
		in.n += got;
	} while (got > 0);
	fclose(f);
	in.name = strdup(path);
	if (ncorpus == capcorpus) {
		capcorpus = capcorpus ? capcorpus * 2 : 64;
		corpus = realloc(corpus, capcorpus * sizeof(*corpus));
		if (corpus == NULL)
			abort();
	}
	corpus[ncorpus++] = in;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	DIR *d;

	if (stat(path, &st) != 0) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(path);
		return;
	}
	d = opendir(path);
	if (d == NULL) {
		perror(path);
		exit(2);
	}
	while ((de = readdir(d)) != NULL) {
		char full[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (names == NULL)
			abort();
		names[n++] = strdup(full);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++) {
		add_file(names[i]);
		free(names[i]);
	}
	free(names);
}

static void
save_last(const uint8_t *p, size_t n)
{
	FILE *f = fopen("fuzz-smoke-last-input", "wb");

	if (f == NULL)
		return;
	if (n)
		fwrite(p, 1, n, f);
	fclose(f);
}

static const uint32_t interesting[] = {
    0,		1,	    2,		3,	    4,		5,
    7,		8,	    0x10,	0x14,	    0x1f,	0x20,
    0x28,	0x40,	    0x45,	0x50,	    0x7f,	0x80,
    0xff,	0x100,	    0x3c,	0x5c,	    0xfff,	0x1000,
    0x7fff,	0x8000,	    0xffff,	0x10000,    0x0a0d0d0a, 0x1a2b3c4d,
    0xa1b2c3d4, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff};

/* Applies 1..8 random edits to buf (len *n, capacity cap). */
static void
mutate(uint8_t *buf, size_t *n, size_t cap)
{
	unsigned k, edits = 1 + (unsigned)below(8);

	for (k = 0; k < edits; k++) {
		size_t at = below(*n), len;
		uint32_t v;

		switch (below(9)) {
		case 0: /* flip a bit */
			if (*n)
				buf[at] ^= (uint8_t)(1u << below(8));
			break;
		case 1: /* random byte */
			if (*n)
				buf[at] = (uint8_t)next();
			break;
		case 2: /* interesting 8/16/32-bit value, either order */
			v = interesting[below(sizeof(interesting) /
					      sizeof(interesting[0]))];
			len = (size_t)1 << below(3);
			if (*n < len)
				break;
			at = below(*n - len + 1);
			if (next() & 1) {
				size_t j;
				for (j = 0; j < len; j++)
					buf[at + j] =
					    (uint8_t)(v >> (8 * (len - 1 - j)));
			} else {
				memcpy(buf + at, &v, len);
			}
			break;
		case 3: /* add or subtract a little */
			if (*n)
				buf[at] = (uint8_t)(buf[at] + below(35) - 17);
			break;
		case 4: /* erase a range */
			len = below(*n - at + 1);
			if (len > 64)
				len = below(64);
			memmove(buf + at, buf + at + len, *n - at - len);
			*n -= len;
			break;
		case 5: /* insert random bytes */
			len = 1 + below(16);
			if (*n + len > cap)
				break;
			memmove(buf + at + len, buf + at, *n - at);
			for (size_t j = 0; j < len; j++)
				buf[at + j] = (uint8_t)next();
			*n += len;
			break;
		case 6: /* duplicate a range (repeat a record) */
			len = below(*n - at + 1);
			if (len > 256)
				len = 256;
			if (*n + len > cap)
				break;
			memmove(buf + at + len, buf + at, *n - at);
			*n += len;
			break;
		case 7: /* truncate */
			*n = at;
			break;
		default: { /* splice: tail of another input */
			const struct input *o = &corpus[below(ncorpus)];
			size_t from = below(o->n);

			len = o->n - from;
			if (at + len > cap)
				len = cap - at;
			memcpy(buf + at, o->p + from, len);
			*n = at + len;
			break;
		}
		}
	}
}

int
main(int argc, char **argv)
{
	unsigned long long nmut = 10000, seed = 1, i;
	double secs = 20;
	size_t maxlen = 1 << 16, c;
	uint8_t *buf;
	struct timespec t0, t1;
	int a;

	for (a = 1; a < argc && argv[a][0] == '-'; a += 2) {
		if (a + 1 >= argc)
			goto usage;
		if (strcmp(argv[a], "-n") == 0)
			nmut = strtoull(argv[a + 1], NULL, 0);
		else if (strcmp(argv[a], "-s") == 0)
			seed = strtoull(argv[a + 1], NULL, 0);
		else if (strcmp(argv[a], "-t") == 0)
			secs = strtod(argv[a + 1], NULL);
		else if (strcmp(argv[a], "-m") == 0)
			maxlen = strtoull(argv[a + 1], NULL, 0);
		else
			goto usage;
	}
	for (; a < argc; a++)
		add_path(argv[a]);
	if (ncorpus == 0)
		goto usage;
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;

	for (c = 0; c < ncorpus; c++) {
		uint8_t *copy = malloc(corpus[c].n ? corpus[c].n : 1);

		if (copy == NULL)
			abort();
		memcpy(copy, corpus[c].p, corpus[c].n);
		save_last(copy, corpus[c].n);
		LLVMFuzzerTestOneInput(copy, corpus[c].n);
		free(copy);
	}
	buf = malloc(maxlen);
	if (buf == NULL)
		abort();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nmut; i++) {
		const struct input *o = &corpus[below(ncorpus)];
		size_t n = o->n < maxlen ? o->n : maxlen;
		uint8_t *exact;

		memcpy(buf, o->p, n);
		mutate(buf, &n, maxlen);
		/* An exact-size copy, as libFuzzer passes it. */
		exact = malloc(n ? n : 1);
		if (exact == NULL)
			abort();
		memcpy(exact, buf, n);
		if ((i & 63) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if ((double)(t1.tv_sec - t0.tv_sec) +
				(double)(t1.tv_nsec - t0.tv_nsec) / 1e9 >
			    secs) {
				free(exact);
				break;
			}
		}
		save_last(exact, n);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	printf("%zu corpus inputs, %llu mutations (seed %llu): ok\n", ncorpus,
	       i, seed);
	remove("fuzz-smoke-last-input");
	free(buf);
	for (c = 0; c < ncorpus; c++) {
		free(corpus[c].p);
		free(corpus[c].name);
	}
	free(corpus);
	return 0;
usage:
	fprintf(stderr,
		"usage: %s [-n MUTATIONS] [-s SEED] [-t SECONDS] "
		"[-m MAXLEN] PATH...\n",
		argv[0]);
	return 2;
}
