/* \summary: the nearest of some words to a mistyped one: the "did you mean" of every usage error */
#include "common.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* Optimal string alignment distance between a and b (short words only). */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *
sl_closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t i, bd = (size_t)-1, limit = strlen(word) / 3 + 1;

	for (i = 0; i < n; i++) {
		size_t dist;

		if (cands[i] == NULL)
			continue;
		dist = edit_distance(word, cands[i]);
		if (dist < bd) {
			bd = dist;
			best = cands[i];
		}
	}
	return bd <= limit ? best : NULL;
}

void
sl_unknown_word(const char *what, const char *word, const char *const *cands,
		size_t n, char *errbuf)
{
	const char *near = sl_closest(word, cands, n);

	if (near != NULL)
		sl_errbuf_set(errbuf, "unknown %s '%s'; did you mean '%s'?",
			      what, word, near);
	else
		sl_errbuf_set(errbuf, "unknown %s '%s'", what, word);
}

void
sl_option_error(const char *arg, int opt, const struct option *longopts,
		char *errbuf)
{
	const char *names[64], *near;
	char name[64];
	size_t n = 0;
	const struct option *o;

	if (strncmp(arg, "--", 2) != 0) {
		if (opt != 0)
			sl_errbuf_set(
			    errbuf, "option '-%c' is unknown or needs a value",
			    opt);
		else
			sl_errbuf_set(errbuf, "bad option '%s'", arg);
		return;
	}
	snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + 2, "="),
		 arg + 2);
	for (o = longopts; o->name != NULL && n < 64; o++) {
		if (strcmp(o->name, name) == 0)
			break;
		names[n++] = o->name;
	}
	if (o->name != NULL) {
		sl_errbuf_set(errbuf, "--%s %s", name,
			      o->has_arg == no_argument ? "takes no value"
							: "needs a value");
		return;
	}
	if ((near = sl_closest(name, names, n)) != NULL)
		sl_errbuf_set(errbuf,
			      "unknown option '--%s'; did you mean '--%s'?",
			      name, near);
	else
		sl_errbuf_set(errbuf, "unknown option '--%s'", name);
}
