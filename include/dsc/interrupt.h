/* interrupt.h - stopping a long run cleanly on SIGINT or SIGTERM.
 *
 * A batch scheduler ends a job over its time limit with SIGTERM, and a user presses Ctrl-C.
 * Killed outright, a run would leave its temporary files and no record of why it stopped.
 * Instead the handler only notes the signal; the long loops (cells being trained or
 * corrected) poll dsc_interrupted() and stop, so the run ends through its normal failure
 * path: temporary files removed, the manifest and log saying it was interrupted, the lock
 * released, and every member finished before the signal kept in the cache for the next run.
 * A second signal ends the process at once.
 */
#ifndef DSC_INTERRUPT_H
#define DSC_INTERRUPT_H

/* Installs the handlers for SIGINT and SIGTERM (process-wide; call once, from main). */
void dsc_interrupt_install(void);

/* The number of the signal received since dsc_interrupt_install(), or 0. Safe to call from
 * any thread, as often as needed (one load). */
int dsc_interrupted(void);

/* The signal's name ("SIGTERM", "SIGINT" or "a signal"), for messages. */
const char *dsc_interrupt_name(int sig);

#endif
