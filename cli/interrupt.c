/*
 * interrupt.c - see interrupt.h.
 */
#include "interrupt.h"

#include <stddef.h>
#include <string.h>
#include <unistd.h>

static atomic_int *target;              /* the flag to set, or NULL */
static volatile sig_atomic_t caught;    /* the signal, 0 when none */
static volatile sig_atomic_t count;     /* signals so far */
static const char *exit_what;           /* interrupt_exit's command */
static const char *exit_out;            /* and its output file, or NULL (stdout) */
static _Atomic(const char *) tmp_path;   /* the file a signal removes, or NULL */

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
	exit_what = NULL;
	exit_out = NULL;
}

static void say(const char *s)
{
	ssize_t w = write(STDERR_FILENO, s, strlen(s));

	(void)w;    /* nothing more to do when stderr is gone */
}

/* Only async-signal-safe calls here: unlink, write, strlen, _exit. */
static void on_signal_exit(int sig)
{
	const char *tmp = tmp_path;

	if (tmp)
		unlink(tmp);
	say("ukern: ");
	say(exit_what ? exit_what : "ukern");
	say(sig == SIGTERM ? ": terminated (SIGTERM)" : ": interrupted (SIGINT)");
	if (exit_out) {
		say("; nothing written to ");
		say(exit_out);
	}
	say("\n");
	_exit(interrupt_exit_code(sig));
}

void interrupt_exit(const char *what, const char *out)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal_exit;
	sigfillset(&sa.sa_mask);    /* one signal handled, the others wait */
	target = NULL;
	exit_what = what;
	exit_out = out;
	caught = 0;
	count = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void interrupt_tmpfile(const char *path)
{
	tmp_path = path;
}

int interrupt_exit_code(int sig)
{
	return 128 + sig;
}
