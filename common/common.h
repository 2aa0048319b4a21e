/* \summary: what every synlab module shares: error codes, errbuf, time */
#ifndef SL_COMMON_H
#define SL_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_ERRBUF_SIZE 512

/*
 * Error codes.  Functions return 0 on success or one of these (negative)
 * on failure, in the manner of libuv and libpcap's PCAP_ERROR_*.
 */
#define SL_OK	    0
#define SL_EIO	    (-1) /* could not read or write a file */
#define SL_ETRUNC   (-2) /* bytes end before the field (snaplen cut) */
#define SL_EMALFORM (-3) /* a header lies about itself */
#define SL_ENOMEM   (-4) /* allocation failed */
#define SL_EINVAL   (-5) /* bad argument from the caller */
#define SL_ENOTSUP  (-6) /* a link type or feature we do not handle */
#define SL_EPERM    (-7) /* not root / missing capability */
#define SL_ENV	    (-8) /* missing kernel feature or tool */
#define SL_EINTR    (-9) /* interrupted by a signal */

/* Exit codes of the synlab command, the contract of docs/design.md. */
#define SL_EXIT_OK	  0
#define SL_EXIT_VIOLATION 1
#define SL_EXIT_USAGE	  2
#define SL_EXIT_INPUT	  3
#define SL_EXIT_ENV	  4
#define SL_EXIT_INTR	  130

/* One word for an error code ("truncated", "malformed", ...). */
const char *sl_strerror(int err);

/*
 * Format into a caller's errbuf of SL_ERRBUF_SIZE bytes, like snprintf;
 * always terminates.  Returns nothing: errbufs are best effort.
 */
void sl_errbuf_set(char *errbuf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Allocation that never returns NULL: aborts the process on exhaustion. */
void *sl_xcalloc(size_t n, size_t size);
void *sl_xrealloc(void *p, size_t n, size_t size);
char *sl_xstrdup(const char *s);
/* Room for one more element in p (n in use, *cap allocated, of size
 * bytes): doubled from first when full.  Returns p, moved or not. */
void *sl_xgrow(void *p, size_t n, size_t *cap, size_t size, size_t first);

/*
 * Appends one line (printf's fmt, then '\n') to the string facts of len
 * bytes; what does not fit is cut, a full buffer left alone.
 */
void sl_facts_vadd(char *facts, size_t len, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * Whether work may go to a second thread beside the caller's: false when
 * only one processor is online (sysconf) or allowed (sched_getaffinity),
 * or when the environment sets SYNLAB_THREADS=1.
 */
bool sl_two_threads(void);

/*
 * Whether the input at path can be read a second time: a regular file,
 * or a path stat cannot see (whoever opens it names the error); not "-"
 * (standard input), a pipe or a device.  *size (may be NULL) gets its
 * size, 0 when not known.  One stat.
 */
bool sl_input_rereadable(const char *path, uint64_t *size);

/* Monotonic and real-time clocks in nanoseconds. */
int64_t sl_now_mono_ns(void);
int64_t sl_now_real_ns(void);

/*
 * A place in a time order: the instant, then, for equal instants, the
 * position it came in (a stable sort with qsort).  sl_ts_pos_cmp is the
 * qsort comparator of an array of them, or of structs that begin with
 * one.
 */
struct sl_ts_pos {
	int64_t ts_ns;
	size_t pos;
};
int sl_ts_pos_cmp(const void *a, const void *b);

/*
 * The candidate nearest to word (optimal string alignment distance, a
 * few edits at most, by word length; words up to 32 bytes), or NULL when
 * none is near.  NULL candidates are skipped.
 */
const char *sl_closest(const char *word, const char *const *cands, size_t n);

/*
 * "unknown WHAT 'word'", with "; did you mean 'x'?" when a candidate is
 * near (sl_closest), into errbuf.
 */
void sl_unknown_word(const char *what, const char *word,
		     const char *const *cands, size_t n, char *errbuf);

/*
 * What is wrong with the option getopt_long (opterr 0) stopped at: arg
 * (argv[optind - 1]), its optopt, its table longopts.  Into errbuf:
 * "--ladder needs a value", "--json takes no value", "unknown option
 * '--jsn'; did you mean '--json'?", "option '-x' is unknown or needs a
 * value" or "bad option 'x'".
 */
struct option;
void sl_option_error(const char *arg, int opt, const struct option *longopts,
		     char *errbuf);

#endif /* SL_COMMON_H */
