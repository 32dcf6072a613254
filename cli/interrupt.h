/*
 * interrupt.h - Ctrl-C (SIGINT) and SIGTERM during a run or a sweep: the
 * first signal only sets a flag, which the kernel loop looks at before each
 * event (machine.stop), so the run ends between two events and its outputs
 * are written whole; the third kills at once, for a program that no longer
 * reacts.
 *
 * The commands that only write one output (export, render) have nothing to
 * close: there the signal removes the output's temporary file and exits at
 * once (interrupt_exit, interrupt_tmpfile), so the file under the name the
 * user gave stays as it was.
 *
 * Entry points: interrupt_catch, interrupt_signal, interrupt_release,
 * interrupt_exit_code, interrupt_exit, interrupt_tmpfile.
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

/* From now on SIGINT or SIGTERM removes the temporary file named by
 * interrupt_tmpfile (if one is), prints "ukern: WHAT: interrupted (SIGINT);
 * nothing written to OUT" (or "terminated (SIGTERM)"; without the part
 * after ";" when out is NULL, the output being stdout) and exits 128 + the
 * signal at once. what and out must stay valid until interrupt_release. */
void interrupt_exit(const char *what, const char *out);

/* The temporary file a signal must remove (outfile.c names it while it is
 * written), or NULL; path must stay valid until it is replaced. Only
 * interrupt_exit's handler looks at it. */
void interrupt_tmpfile(const char *path);

#endif
