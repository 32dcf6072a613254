/*
 * outfile.h - writing a command's output so that nothing half-written ever
 * stands under the name the user gave: into a temporary file next to it,
 * renamed into place only when everything was written. A device or a pipe
 * (/dev/null), or a symbolic link (/dev/stdout), is written directly:
 * renaming over it would replace it.
 */
#ifndef UKERN_OUTFILE_H
#define UKERN_OUTFILE_H

#include <stdio.h>

/* Produce the output with fn(out, arg) into path, or to stdout when path is
 * NULL. Returns fn's exit code, or EXIT_HOST with a message when the output
 * cannot be written ("PATH: cannot write: reason", or "cannot write WHAT:
 * reason" for stdout). On any failure no temporary file is left. */
int outfile_write(const char *path, const char *what, int (*fn)(FILE *out, void *arg),
		  void *arg);

/* While a scenario runs, what it writes to stdout (io.write) goes to
 * stderr: stdout carries the command's own output only (the statistics,
 * sweep's rows). outfile_stdout_aside returns what outfile_stdout_back
 * takes to put stdout back (-1: it could not be set aside, and stays). */
int outfile_stdout_aside(void);
void outfile_stdout_back(int saved);

#endif
