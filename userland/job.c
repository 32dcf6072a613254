/*
 * job.c - the body of a job: compute in stretches of io_every, with an I/O
 * of io_time after each stretch, except after the last (a job that has just
 * finished does no I/O). It is a C program using the userland API only.
 */
#include "job.h"

#include <stdlib.h>

#include "body_c.h"
#include "proc.h"
#include "uk.h"

static void job_main(struct thread *self, void *arg)
{
	const struct job_spec *j = arg;
	uint64_t done = 0;

	while (done < j->run_ns) {
		uint64_t left = j->run_ns - done;
		uint64_t stretch = j->io_every_ns && j->io_every_ns < left ? j->io_every_ns : left;
		uk_compute(self, stretch);
		done += stretch;
		if (j->io_every_ns && done < j->run_ns)
			uk_io(self, j->io_time_ns);
	}
}

struct proc *job_new(struct machine *m, const char *name, uint64_t arrive_ns,
		     const struct job_spec *spec)
{
	struct job_spec *j = malloc(sizeof *j);
	void *body = j ? body_c_new(m, job_main, j) : NULL;
	struct proc *p;

	if (!body) {
		free(j);
		return NULL;
	}
	*j = *spec;
	p = proc_new(m, name, arrive_ns, &body_c_ops, body);
	if (!p) {
		free(j);
		return NULL;
	}
	p->job_ns = spec->run_ns;
	p->udata = j;
	p->udata_free = free;
	return p;
}
