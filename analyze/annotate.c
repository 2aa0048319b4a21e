/* \summary: annotated pcapng: the comments of each frame; the copy (annotate_copy.c) keeps every input packet bit-exact */
#include "annotate_int.h"
#include "merge.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pcapng.h"

/*
 * Pass 1 keeps, per (file, frame), one string: the comments synlab has for
 * that frame joined with " | " (tshark -e frame.comment prints several
 * opt_comment options of one packet joined with ",", which reads badly
 * next to comments that contain commas).  Pass 2 re-reads each input with
 * its own bounds-checked parser, numbering packets from 1 per file as
 * libpcap's pcap_next_ex returns them, and writes one pcapng section.
 */

struct note {
	int file;
	uint64_t frame;
	char *text; /* NULL: empty slot */
};

struct sl_annotate {
	struct note *tab;
	size_t cap; /* power of two */
	size_t n;
	char **names; /* display names of inputs, by file index */
	int nnames;
	void (*progress)(int file, uint64_t bytes, uint64_t frames, void *arg);
	void *progress_arg;
};

void
sl_annotate_set_progress(struct sl_annotate *a,
			 void (*fn)(int file, uint64_t bytes, uint64_t frames,
				    void *arg),
			 void *arg)
{
	a->progress = fn;
	a->progress_arg = arg;
}

void
sl_ann_progress(const struct sl_annotate *a, int file, uint64_t bytes,
		uint64_t frames)
{
	if (a->progress != NULL)
		a->progress(file, bytes, frames, a->progress_arg);
}

void
sl_annotate_set_input_name(struct sl_annotate *a, int file, const char *name)
{
	int i;

	if (file < 0)
		return;
	if (file >= a->nnames) {
		a->names =
		    sl_xrealloc(a->names, (size_t)file + 1, sizeof(*a->names));
		for (i = a->nnames; i <= file; i++)
			a->names[i] = NULL;
		a->nnames = file + 1;
	}
	free(a->names[file]);
	a->names[file] = sl_xstrdup(name);
}

struct sl_annotate *
sl_annotate_new(void)
{
	struct sl_annotate *a = sl_xcalloc(1, sizeof(*a));

	a->cap = 256;
	a->tab = sl_xcalloc(a->cap, sizeof(*a->tab));
	return a;
}

void
sl_annotate_free(struct sl_annotate *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->cap; i++)
		free(a->tab[i].text);
	for (i = 0; i < (size_t)a->nnames; i++)
		free(a->names[i]);
	free(a->names);
	free(a->tab);
	free(a);
}

static size_t
note_hash(int file, uint64_t frame)
{
	/* splitmix64 finaliser */
	uint64_t x = frame ^ ((uint64_t)(unsigned)file << 40);

	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return (size_t)x;
}

static struct note *
note_slot(struct note *tab, size_t cap, int file, uint64_t frame)
{
	size_t i = note_hash(file, frame) & (cap - 1);

	while (tab[i].text != NULL &&
	       (tab[i].file != file || tab[i].frame != frame))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

const char *
sl_ann_note_find(const struct sl_annotate *a, int file, uint64_t frame)
{
	return note_slot(a->tab, a->cap, file, frame)->text;
}

static void
note_grow(struct sl_annotate *a)
{
	size_t cap = a->cap * 2, i;
	struct note *tab = sl_xcalloc(cap, sizeof(*tab));

	for (i = 0; i < a->cap; i++)
		if (a->tab[i].text != NULL)
			*note_slot(tab, cap, a->tab[i].file, a->tab[i].frame) =
			    a->tab[i];
	free(a->tab);
	a->tab = tab;
	a->cap = cap;
}

/* Is text[0..n) already one of the " | "-joined parts of have? */
bool
sl_ann_has_part_n(const char *have, const char *text, size_t n)
{
	const char *p = have;

	for (;;) {
		bool ends =
		    strncmp(p, text, n) == 0 &&
		    (p[n] == '\0' || strncmp(p + n, SL_ANN_JOIN, 3) == 0);

		if (ends)
			return true;
		p = strstr(p, SL_ANN_JOIN);
		if (p == NULL)
			return false;
		p += 3;
	}
}

/* Appends text[0..n) to the " | "-joined *s (malloc'd or NULL). */
void
sl_ann_append_part(char **s, const char *text, size_t n)
{
	size_t have = *s ? strlen(*s) : 0;

	*s = sl_xrealloc(*s, have + sizeof(SL_ANN_JOIN) - 1 + n + 1, 1);
	if (have > 0) {
		memcpy(*s + have, SL_ANN_JOIN, sizeof(SL_ANN_JOIN) - 1);
		have += sizeof(SL_ANN_JOIN) - 1;
	}
	memcpy(*s + have, text, n);
	(*s)[have + n] = '\0';
}

static bool
has_part(const char *have, const char *text)
{
	return sl_ann_has_part_n(have, text, strlen(text));
}

void
sl_annotate_add_comment(struct sl_annotate *a, int file, uint64_t frame,
			const char *text)
{
	struct note *s;

	if (a == NULL || text == NULL || text[0] == '\0')
		return;
	if ((a->n + 1) * 10 > a->cap * 7)
		note_grow(a);
	s = note_slot(a->tab, a->cap, file, frame);
	if (s->text == NULL) {
		s->file = file;
		s->frame = frame;
		s->text = sl_xstrdup(text);
		a->n++;
		return;
	}
	if (!has_part(s->text, text))
		sl_ann_append_part(&s->text, text, strlen(text));
}

void
sl_annotate_handshake(const struct sl_handshake *hs, void *arg)
{
	struct sl_annotate *a = arg;
	char buf[2048];
	unsigned i;

	if (a == NULL || hs == NULL || hs->frames == NULL)
		return;
	for (i = 0; i < hs->nframes; i++) {
		buf[0] = '\0';
		if (sl_hs_frame_comment(hs, i, buf, sizeof(buf)) == 0)
			continue;
		buf[sizeof(buf) - 1] = '\0';
		sl_annotate_add_comment(a, hs->file, hs->frames[i].frame, buf);
	}
}

void
sl_annotate_conn(const struct sl_conn *c, void *arg)
{
	struct sl_annotate *a = arg;
	struct sl_handshake vhs;
	char buf[2048];
	void *mem;
	unsigned v, i;

	if (a == NULL || c == NULL)
		return;
	for (v = 0; v < c->nviews; v++) {
		sl_conn_view_hs(c, v, &vhs, &mem);
		for (i = 0; i < vhs.nframes; i++) {
			buf[0] = '\0';
			if (sl_conn_frame_comment(c, v, &vhs, i, buf,
						  sizeof(buf)) == 0)
				continue;
			buf[sizeof(buf) - 1] = '\0';
			sl_annotate_add_comment(a, vhs.file,
						vhs.frames[i].frame, buf);
		}
		free(mem);
	}
}

/* Refuses to write over one of the inputs before reading it. */
static int
check_out(const char *const *inputs, int ninputs, const char *out, char *errbuf)
{
	struct stat so, si;
	int i;

	if (stat(out, &so) != 0)
		return SL_OK;
	for (i = 0; i < ninputs; i++)
		if (inputs[i] != NULL && stat(inputs[i], &si) == 0 &&
		    si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
			sl_errbuf_set(errbuf, "%s: is also input %s", out,
				      inputs[i]);
			return SL_EINVAL;
		}
	return SL_OK;
}

int
sl_annotate_write(struct sl_annotate *a, const char *const *inputs, int ninputs,
		  const char *out, const char *shb_comment, char *errbuf)
{
	struct sl_pcapng_writer *w;
	char cerr[SL_ERRBUF_SIZE];
	int i, rc = SL_OK, crc;

	if (a == NULL || out == NULL || ninputs < 0 ||
	    (ninputs > 0 && inputs == NULL)) {
		sl_errbuf_set(errbuf, "sl_annotate_write: bad argument");
		return SL_EINVAL;
	}
	rc = check_out(inputs, ninputs, out, errbuf);
	if (rc != SL_OK)
		return rc;
	w = sl_pcapng_open(out, shb_comment, errbuf);
	if (w == NULL)
		return SL_EIO;
	for (i = 0; i < ninputs && rc == SL_OK; i++) {
		if (inputs[i] == NULL)
			continue; /* left out: one file per vantage */
		rc = sl_ann_copy_input(inputs[i],
				       i < a->nnames ? a->names[i] : NULL, i, w,
				       a, errbuf);
	}
	/* On an input error, out still holds every packet before it. */
	crc = sl_pcapng_close(w, cerr);
	if (rc == SL_OK && crc != SL_OK) {
		sl_errbuf_set(errbuf, "%s", cerr);
		rc = crc;
	}
	return rc;
}
