/* \summary: a one-line progress meter on a terminal: bytes and packets read, rate, time left */
#ifndef SL_PROGRESS_H
#define SL_PROGRESS_H

/*
 * For long reads (analyze on a 100 MB capture): one line, rewritten in
 * place at most every 250 ms, saying how much of the file was read, how
 * many packets, at what rate and how long the rest should take (from the
 * file's size).  Only on a terminal: sl_progress_new returns NULL for any
 * other stream, and every function takes NULL and does nothing, so a
 * caller never tests.  The line is erased when a file is done, so the
 * report that follows reads as without it.
 */

#include <stdint.h>
#include <stdio.h>

struct sl_progress;

/* A meter on tty, or NULL when tty is not a terminal (or is NULL). */
struct sl_progress *sl_progress_new(FILE *tty);

/* A new file of size bytes (0: unknown) is read, shown as name (borrowed). */
void sl_progress_file(struct sl_progress *pr, const char *name, uint64_t size);

/*
 * bytes of the file read so far (of its size as stored: compressed for a
 * .gz) and packets: redraws the line when 250 ms have passed since the
 * last.  Cheap enough to call every few thousand packets.
 */
void sl_progress_update(struct sl_progress *pr, uint64_t bytes,
			uint64_t packets);

/* The file is done: erases the line if one was drawn. */
void sl_progress_done(struct sl_progress *pr);

void sl_progress_free(struct sl_progress *pr);

#endif /* SL_PROGRESS_H */
