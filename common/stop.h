/* \summary: the one stop flag: SIGINT and SIGTERM ask a run to stop */
#ifndef SL_STOP_H
#define SL_STOP_H

/*
 * The single stop flag of a process: SIGINT and SIGTERM set it (no
 * SA_RESTART, so waits return EINTR).  sl_stop_catch installs the
 * handlers and returns the flag to give the modules (struct sl_xopts'
 * stop, sl_remote_lab_hold's); sl_stop_release restores the handlers
 * that were there before; sl_stop_hold_on ignores a further SIGINT while
 * the results are written (a second Ctrl-C must not cut them).
 */
volatile const int *sl_stop_catch(void);
void sl_stop_hold_on(void);
void sl_stop_release(void);

#endif /* SL_STOP_H */
