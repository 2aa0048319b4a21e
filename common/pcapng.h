/* \summary: a small pcapng writer (libpcap reads pcapng but cannot write it) */
#ifndef SL_PCAPNG_H
#define SL_PCAPNG_H

/*
 * Writes pcapng (draft-ietf-opsawg-pcapng): one Section Header Block, then
 * Interface Description Blocks and Enhanced Packet Blocks, each packet with
 * optional opt_comment options that Wireshark shows as frame.comment.
 * Timestamps and bytes are copied bit-exact.  Blocks are written
 * little-endian whatever the host, each padded to 32 bits, with the block
 * total length repeated in the trailer.  Writes are buffered; the first
 * failure is remembered and reported by sl_pcapng_close.
 */

#include <stdint.h>
#include <stddef.h>

#include "common.h"

/* Block types and option codes we write or copy. */
#define SL_PCAPNG_BT_SHB 0x0A0D0D0Au
#define SL_PCAPNG_BT_IDB 0x00000001u
#define SL_PCAPNG_BT_PB	 0x00000002u /* obsolete Packet Block */
#define SL_PCAPNG_BT_SPB 0x00000003u
#define SL_PCAPNG_BT_EPB 0x00000006u
#define SL_PCAPNG_BOM	 0x1A2B3C4Du

#define SL_PCAPNG_OPT_ENDOFOPT 0
#define SL_PCAPNG_OPT_COMMENT  1
#define SL_PCAPNG_IF_NAME      2
#define SL_PCAPNG_IF_TSRESOL   9
#define SL_PCAPNG_IF_FCSLEN    13
#define SL_PCAPNG_IF_TSOFFSET  14

/* Longest option value a pcapng option can hold (16-bit length). */
#define SL_PCAPNG_OPT_MAX 0xFFFFu

struct sl_pcapng_writer;

/*
 * Creates path and writes the Section Header Block with shb_comment (may
 * be NULL), shb_userappl "synlab VERSION" and shb_os from uname().
 * Returns NULL and fills errbuf on failure.  Close with sl_pcapng_close.
 */
struct sl_pcapng_writer *sl_pcapng_open(const char *path,
					const char *shb_comment, char *errbuf);

/*
 * Adds an Interface Description Block.  dlt is a DLT_ value as
 * pcap_datalink() returns it (written as its LINKTYPE_, e.g. DLT_RAW as
 * 101).  tsresol_nsec: 1 for nanosecond timestamps (if_tsresol 9), 0 for
 * microseconds (the default 6).  name (if_name) and comment may be NULL.
 * Returns the interface id (>= 0) or a negative SL_E* code.
 */
int sl_pcapng_add_interface(struct sl_pcapng_writer *w, int dlt,
			    uint32_t snaplen, int tsresol_nsec,
			    const char *name, const char *comment);

/*
 * Writes one Enhanced Packet Block on interface ifid.  ts_ns is ns since the
 * epoch (>= 0), written in the interface's resolution: exact for
 * nanosecond interfaces, truncated to the microsecond for microsecond ones.
 * comment is one string (one opt_comment), or NULL for none.  Returns 0 or
 * a negative SL_E* code.
 */
int sl_pcapng_write_packet(struct sl_pcapng_writer *w, int ifid, int64_t ts_ns,
			   const uint8_t *data, uint32_t caplen,
			   uint32_t wirelen, const char *comment);

/*
 * Encoded options, for copying blocks from another file: each option is
 * code (16 bits), length (16 bits), value padded to 32 bits, little-endian,
 * without the closing opt_endofopt (the writer adds it).
 */
struct sl_pcapng_opts {
	uint8_t *p;
	size_t len, cap;
};

/*
 * Appends one option; len > SL_PCAPNG_OPT_MAX is cut to it.  Never fails
 * (allocation aborts, as sl_xrealloc).  Free o->p with free() or
 * sl_pcapng_opts_free.
 */
void sl_pcapng_opts_add(struct sl_pcapng_opts *o, uint16_t code,
			const void *val, size_t len);
void sl_pcapng_opts_free(struct sl_pcapng_opts *o);

/*
 * Adds an Interface Description Block copied from another file: link type
 * and snaplen as given, options verbatim (encoded as above; may be NULL).
 * An if_tsresol among them sets the interface's resolution (default 6);
 * sl_pcapng_write_packet refuses binary (2^-n) resolutions with
 * SL_ENOTSUP, sl_pcapng_write_packet_raw takes any.  Returns the interface
 * id or a negative SL_E* code.
 */
int sl_pcapng_add_interface_raw(struct sl_pcapng_writer *w, uint16_t linktype,
				uint32_t snaplen,
				const struct sl_pcapng_opts *opts);

/*
 * Writes one Enhanced Packet Block with the timestamp given as the raw
 * 64-bit count of the interface's units (a bit-exact copy), options
 * verbatim (may be NULL), then one opt_comment for each of
 * comments[0..ncomments).  Returns 0 or a negative SL_E* code.
 */
int sl_pcapng_write_packet_raw(struct sl_pcapng_writer *w, int ifid,
			       uint64_t ts_units, const uint8_t *data,
			       uint32_t caplen, uint32_t wirelen,
			       const struct sl_pcapng_opts *opts,
			       const char *const *comments, unsigned ncomments);

/*
 * Flushes and closes, freeing w (NULL is a no-op).  Returns 0, or SL_EIO
 * with errbuf naming the file when any write, the flush or the close
 * failed; the file is then incomplete.
 */
int sl_pcapng_close(struct sl_pcapng_writer *w, char *errbuf);

/*
 * Rewrites path, a pcapng of one section written by sl_pcapng_open (SHB,
 * IDBs, EPBs, little-endian), with its IDBs first and its packets in time
 * order, ties in their written order.  A file with any other block, or
 * already in order, is left as it is.  Returns 0, or SL_EIO with errbuf.
 */
int sl_pcapng_time_order(const char *path, char *errbuf);

#endif /* SL_PCAPNG_H */
