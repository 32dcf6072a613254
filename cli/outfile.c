/*
 * outfile.c - see outfile.h.
 */
#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "interrupt.h"

int outfile_stdout_aside(void)
{
	int saved;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved >= 0 && dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		close(saved);
		saved = -1;
	}
	return saved;
}

void outfile_stdout_back(int saved)
{
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
}

static mode_t current_umask(void)
{
	mode_t um = umask(0);

	umask(um);
	return um;
}

static int to_stdout(const char *what, int (*fn)(FILE *out, void *arg), void *arg)
{
	int code = fn(stdout, arg);

	if ((fflush(stdout) != 0 || ferror(stdout)) && !code)
		code = cli_error(EXIT_HOST, "cannot write %s: %s", what, strerror(errno));
	return code;
}

/* Write straight into path, which is not a regular file (/dev/null, a pipe)
 * or is a symbolic link (/dev/stdout): renaming over it would replace it. */
static int in_place(const char *path, int (*fn)(FILE *out, void *arg), void *arg)
{
	FILE *out = fopen(path, "w");
	int code;

	if (!out)
		return cli_error(EXIT_HOST, "%s: cannot write: %s", path, strerror(errno));
	code = fn(out, arg);
	if ((fflush(out) != 0 || ferror(out)) && !code)
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", path, strerror(errno));
	if (fclose(out) != 0 && !code)
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", path, strerror(errno));
	return code;
}

int outfile_write(const char *path, const char *what, int (*fn)(FILE *out, void *arg),
		  void *arg)
{
	struct stat st;
	size_t len;
	char *tmp;
	FILE *out = NULL;
	int fd = -1, code, exists, link;
	sigset_t sigs, old;

	if (!path)
		return to_stdout(what, fn, arg);
	link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		/* Said before fn runs: the rename at the end would fail, and a
		 * sweep's rows made meanwhile would be lost with the temporary. */
		return cli_error(EXIT_HOST, "%s: cannot write: %s", path, strerror(EISDIR));
	if (link || (exists && !S_ISREG(st.st_mode)))
		return in_place(path, fn, arg);
	len = strlen(path);
	tmp = malloc(len + 12);
	if (!tmp)
		return cli_error(EXIT_HOST, "out of memory");
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".tmp.XXXXXX", 12);
	/* A signal that ends the command (interrupt_exit) removes the temporary
	 * file: no signal between making it and naming it, nor between renaming
	 * it and forgetting it. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	if ((fd = mkstemp(tmp)) >= 0)
		interrupt_tmpfile(tmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0 || !(out = fdopen(fd, "w"))) {
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		interrupt_tmpfile(NULL);
		free(tmp);
		return code;
	}
	fchmod(fd, 0666 & ~current_umask());    /* as a plain fopen would have made it */
	code = fn(out, arg);
	if ((fflush(out) != 0 || ferror(out)) && !code)
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", path, strerror(errno));
	if (fclose(out) != 0 && !code)
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", path, strerror(errno));
	sigprocmask(SIG_BLOCK, &sigs, &old);
	if (!code && rename(tmp, path) != 0)
		code = cli_error(EXIT_HOST, "%s: cannot write: %s", path, strerror(errno));
	if (code)
		unlink(tmp);
	interrupt_tmpfile(NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	return code;
}
