/* \summary: annotated pcapng output: every input packet, handshake frames commented */
#ifndef SL_ANNOTATE_H
#define SL_ANNOTATE_H

#include <stdint.h>

#include "analyze.h"

/*
 * Annotation is two passes: while the analyzer streams, sl_annotate_handshake
 * (an on_handshake callback) keeps the comment of each handshake frame
 * (memory: one short string per handshake frame, not per packet); then
 * sl_annotate_write reads the inputs again and writes every packet to one
 * pcapng, bit-exact, with the comments.  Comments already present in an
 * input pcapng are kept.
 */
struct sl_annotate;

struct sl_annotate *sl_annotate_new(void);

/*
 * sl_conn_fn-compatible: comments every view's frames of the connection,
 * in its names (A and B, id, shape, findings once per view).
 */
struct sl_conn;
void sl_annotate_conn(const struct sl_conn *c, void *arg);

/* on_handshake-compatible: arg is the struct sl_annotate. */
void sl_annotate_handshake(const struct sl_handshake *hs, void *arg);

/*
 * A display name for input `file` (copied): written as the output
 * interface's if_name when the input is classic pcap (e.g. "A:tunA"), and
 * used in place of the path in the interface comment.
 */
void sl_annotate_set_input_name(struct sl_annotate *a, int file,
				const char *name);

/* An extra comment for (file, frame), e.g. a socket event; text copied. */
void sl_annotate_add_comment(struct sl_annotate *a, int file, uint64_t frame,
			     const char *text);

/*
 * Writes out (pcapng) from inputs[0..ninputs), file indexes as given to the
 * analyzer; a NULL input is left out (one output per vantage).  shb_comment may be NULL.  Returns 0 or a negative SL_E* code
 * with errbuf naming the file (and frame) at fault.
 */
int sl_annotate_write(struct sl_annotate *a, const char *const *inputs,
		      int ninputs, const char *out, const char *shb_comment,
		      char *errbuf);

/*
 * Told while sl_annotate_write reads input `file` again, every
 * SL_PROGRESS_EVERY frames: the bytes of it read so far and the frames.
 */
void sl_annotate_set_progress(struct sl_annotate *a,
			      void (*fn)(int file, uint64_t bytes,
					 uint64_t frames, void *arg),
			      void *arg);

void sl_annotate_free(struct sl_annotate *a);

#endif /* SL_ANNOTATE_H */
