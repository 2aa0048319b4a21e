/* \summary: what annotate.c and annotate_copy.c share */
/*
 * Internal to analyze/: annotate.c keeps the comments for each frame
 * (pass 1), annotate_copy.c copies each input into the output with them
 * (pass 2).  The public interface is annotate.h.
 */
#ifndef SL_ANNOTATE_INT_H
#define SL_ANNOTATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "annotate.h"
#include "pcapng.h"

/* Several comments of one frame are joined with this into one. */
#define SL_ANN_JOIN " | "

/* The joined comments of (file, frame), or NULL. */
/* The progress hook of sl_annotate_set_progress, if any. */
void sl_ann_progress(const struct sl_annotate *a, int file, uint64_t bytes,
		     uint64_t frames);

const char *sl_ann_note_find(const struct sl_annotate *a, int file,
			     uint64_t frame);
/* Is text[0..n) already one of the joined parts of have? */
bool sl_ann_has_part_n(const char *have, const char *text, size_t n);
/* Appends text[0..n) to the joined *s (malloc'd or NULL). */
void sl_ann_append_part(char **s, const char *text, size_t n);

/*
 * Copies input file `file` (pcap or pcapng) to w, each packet with its
 * comments; display names a classic pcap's interface (or NULL).  On error
 * errbuf names the file and frame.
 */
int sl_ann_copy_input(const char *name, const char *display, int file,
		      struct sl_pcapng_writer *w, const struct sl_annotate *a,
		      char *errbuf);

#endif
