/* \summary: run a few blocking calls side by side (capture-internal) */
#ifndef SL_PAR_H
#define SL_PAR_H

/*
 * Closing a packet socket or a TUN device, and arming a capture ring, each
 * wait for an RCU grace period (synchronize_net) of 10-30 ms on this kind
 * of kernel.  Done one after another they made a run's setup and teardown
 * cost ~100 ms; done side by side they share the grace period.
 */

#include <pthread.h>

/*
 * Calls fn(args[i]) for i in [0, n), each on its own thread (the calling
 * thread takes one), and returns when all have returned.  Signals are
 * blocked in the helper threads so that SIGINT reaches the main thread.
 * Falls back to running in the caller if a thread cannot start.
 */
void sl_par_run(void (*fn)(void *), void *const *args, unsigned n);

/* pthread_create with every signal blocked in the new thread. */
int sl_par_thread(pthread_t *t, void *(*fn)(void *), void *arg);

#endif /* SL_PAR_H */
