/*
 * interrupt.c - see interrupt.h.
 */
#include "interrupt.h"

#include <stddef.h>
#include <string.h>

static atomic_int *target;              /* the flag to set, or NULL */
static volatile sig_atomic_t caught;    /* the signal, 0 when none */
static volatile sig_atomic_t count;     /* signals so far */

static void on_signal(int sig)
{
	caught = sig;
	if (target)
		*target = 1;
	/* The third one: whatever is happening, stop now. */
	if (++count >= 3) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

void interrupt_catch(atomic_int *flag)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;    /* writing the outputs is not cut short */
	target = flag;
	caught = 0;
	count = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int interrupt_signal(void)
{
	return caught;
}

void interrupt_release(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	target = NULL;
}

int interrupt_exit_code(int sig)
{
	return 128 + sig;
}
