/* \summary: a small pcapng writer (libpcap reads pcapng but cannot write it) */
#ifndef SL_PCAPNG_H
#define SL_PCAPNG_H

/*
 * Writes pcapng (draft-ietf-opsawg-pcapng): one Section Header Block, then
 * Interface Description Blocks and Enhanced Packet Blocks, each packet with
 * an optional opt_comment that Wireshark shows as frame.comment.
 * Timestamps and bytes are copied bit-exact.
 */

#include <stdint.h>
#include <stddef.h>

#include "common.h"

struct sl_pcapng_writer;

/*
 * Creates path and writes the Section Header Block with shb_comment (may
 * be NULL), shb_userappl "synlab VERSION" and shb_os from uname().
 * Returns NULL and fills errbuf on failure.  Close with sl_pcapng_close.
 */
struct sl_pcapng_writer *sl_pcapng_open(const char *path,
					const char *shb_comment, char *errbuf);

/*
 * Adds an Interface Description Block.  tsresol_nsec: 1 for nanosecond
 * timestamps (if_tsresol 9), 0 for microseconds (the default 6).  name and
 * comment may be NULL.  Returns the interface id (>= 0) or a negative
 * SL_E* code.
 */
int sl_pcapng_add_interface(struct sl_pcapng_writer *w, int dlt,
			    uint32_t snaplen, int tsresol_nsec,
			    const char *name, const char *comment);

/*
 * Writes one Enhanced Packet Block on interface ifid.  ts_ns is ns since the
 * epoch (written in the interface's resolution, exact when the input had
 * that resolution).  comment may be NULL; several comments may be given
 * separated by '\n'?  No: pass one string; call with NULL for none.
 * Returns 0 or a negative SL_E* code.
 */
int sl_pcapng_write_packet(struct sl_pcapng_writer *w, int ifid,
			   int64_t ts_ns, const uint8_t *data,
			   uint32_t caplen, uint32_t wirelen,
			   const char *comment);

/* Flushes and closes; returns 0 or SL_EIO if any write failed. */
int sl_pcapng_close(struct sl_pcapng_writer *w, char *errbuf);

#endif /* SL_PCAPNG_H */
