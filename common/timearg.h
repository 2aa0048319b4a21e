/* \summary: the one time grammar of every synlab option, and sleeping until an instant */
#ifndef SL_TIMEARG_H
#define SL_TIMEARG_H

/*
 * DURATION  a number with a unit: ns, us, ms or s ("10ms", "-2.5ms",
 *           "1.5s"); a bare "0" is zero.  A bare number other than 0 is
 *           refused rather than guessed: "+10" meant 10 ms to one option
 *           and 10 s to another before this grammar.
 * INSTANT   +DURATION (from now), @SECONDS (since the epoch, with a
 *           fraction: @1764254400.25) or ISO 8601 with a zone
 *           (2026-11-27T12:00:00.250Z, ...+01:00); CLOCK_REALTIME.
 * Documented in docs/time-grammar.md.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Largest duration accepted, either sign: one day. */
#define SL_DURATION_MAX_NS (86400LL * 1000000000)

/* DURATION -> ns.  Returns 0 or SL_EINVAL with errbuf (may be NULL). */
int sl_parse_duration(const char *s, int64_t *ns, char *errbuf);

/*
 * An option's DURATION (opt names it in errbuf: "--delay 'x': want ...");
 * a negative one only when allow_negative.  0 or SL_EINVAL + errbuf.
 */
int sl_parse_duration_opt(const char *opt, const char *s, bool allow_negative,
			  int64_t *ns, char *errbuf);

/* An option's whole number in [min, max].  0 or SL_EINVAL + errbuf. */
int sl_parse_count(const char *opt, const char *s, unsigned long min,
		   unsigned long max, unsigned long *v, char *errbuf);

/* INSTANT -> CLOCK_REALTIME ns (now_ns for "+").  0 or SL_EINVAL + errbuf. */
int sl_parse_instant(const char *s, int64_t now_ns, int64_t *at_ns,
		     char *errbuf);

/* "2026-11-27T12:00:00.250000000Z" into buf. */
void sl_fmt_instant(int64_t at_ns, char *buf, size_t len);

/*
 * Sleeps until t_ns on clock clk (CLOCK_MONOTONIC or CLOCK_REALTIME),
 * through signals.  stop (may be NULL) is read every 50 ms: returns
 * SL_EINTR when it was set, else 0.
 */
int sl_sleep_until(clockid_t clk, int64_t t_ns, volatile const int *stop);

/*
 * Puts the calling thread under SCHED_FIFO (priority 1) when it runs
 * under SCHED_OTHER and is allowed to (root), so that a timed wake-up
 * preempts whatever else runs on the CPU.  Returns true when it switched;
 * give that to sl_fifo_leave, which switches back.
 */
bool sl_fifo_enter(void);
void sl_fifo_leave(bool entered);

#endif /* SL_TIMEARG_H */
