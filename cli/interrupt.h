/*
 * interrupt.h - Ctrl-C (SIGINT) and SIGTERM during a run or a sweep: the
 * first signal only sets a flag, which the kernel loop looks at before each
 * event (machine.stop), so the run ends between two events and its outputs
 * are written whole; the third kills at once, for a program that no longer
 * reacts.
 *
 * Entry points: interrupt_catch, interrupt_signal, interrupt_release,
 * interrupt_exit_code.
 */
#ifndef UKERN_INTERRUPT_H
#define UKERN_INTERRUPT_H

#include <signal.h>
#include <stdatomic.h>

/* Catch SIGINT and SIGTERM from now on; flag (may be NULL) is set to 1 when
 * one arrives, as well as the signal being remembered. */
void interrupt_catch(atomic_int *flag);

/* The signal caught since interrupt_catch, or 0. */
int interrupt_signal(void);

/* Back to the default handlers (the flag is no longer set). */
void interrupt_release(void);

/* The exit status of a program stopped by signal sig: 128 + sig, as a shell
 * reports a program the signal killed (130 for SIGINT, 143 for SIGTERM). */
int interrupt_exit_code(int sig);

#endif
