/* \summary: which pcapng interface each packet came from (libpcap 1.10 does not say) */
#ifndef SL_NGINDEX_H
#define SL_NGINDEX_H

/*
 * libpcap reads pcapng but pcap_next_ex does not tell which interface a
 * packet was captured on, and synlab keeps interfaces apart: two
 * interfaces are two vantage points (a capture on each end of a wire sees
 * every packet twice, at different times).  This walks the same file's
 * blocks alongside libpcap through the bounds-checked common/pcapng_rd.
 */
struct sl_ngindex;

/* NULL when path is not a pcapng file (or cannot be opened). */
struct sl_ngindex *sl_ngindex_open(const char *path);

/*
 * The interface of the next packet block (EPB, SPB or obsolete PB),
 * numbered across sections from 0; -1 at the end or on a corrupt block.
 */
int sl_ngindex_next(struct sl_ngindex *ix);

/* if_name of interface i, or NULL; borrowed until sl_ngindex_close. */
const char *sl_ngindex_name(const struct sl_ngindex *ix, int i);

/* How many interfaces were described so far. */
int sl_ngindex_count(const struct sl_ngindex *ix);

void sl_ngindex_close(struct sl_ngindex *ix);

#endif /* SL_NGINDEX_H */
