/* \summary: shared helpers of synlab's fuzz harnesses (libFuzzer and smoke driver) */
#ifndef SL_FUZZ_H
#define SL_FUZZ_H

/*
 * Each harness (fuzz_decode.c, fuzz_stream.c, fuzz_file.c) defines
 * LLVMFuzzerTestOneInput.  Built with clang -fsanitize=fuzzer it is a
 * libFuzzer binary; linked with driver.c it is a plain program that replays
 * a corpus and a fixed-seed series of mutations (the gcc smoke test).
 *
 * A harness aborts (through sl_fuzz_fail) when the analyzer breaks one of
 * its documented promises, so contract violations count as findings just
 * like sanitizer reports.
 */

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Link types sl_decode supports, plus two it does not (index past 8). */
extern const int sl_fuzz_dlts[];
extern const size_t sl_fuzz_ndlts;

/* Prints "synlab fuzz: contract broken: ..." and aborts. */
void sl_fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Checks a handshake against analyze.h (counts within their arrays, names
 * defined, ids increasing) and renders every frame comment and the
 * verdict, as the reporters do.  last_id: the previous id seen (0 at
 * first), updated.
 */
void sl_fuzz_check_hs(const struct sl_handshake *hs, unsigned *last_id);

/* An analyzer's on_problem: every problem has a message. */
void sl_fuzz_on_problem(const char *msg, void *arg);

/*
 * A private temporary file path (in /dev/shm when it exists), created on
 * first use and removed at exit.  which: 0..3, distinct files.
 */
const char *sl_fuzz_tmpfile(int which);

/* Writes data to path, replacing it; aborts on failure. */
void sl_fuzz_write_file(const char *path, const uint8_t *data, size_t size);

#endif /* SL_FUZZ_H */
