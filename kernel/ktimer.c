/*
 * ktimer.c - timer notices (see ktimer.h): a timer is linked on its port
 * while it waits for its event, and unlinked and freed when the event
 * comes or the port is freed, whichever is first.
 */
#include "ktimer.h"

#include <stdlib.h>

#include "ipc.h"
#include "machine.h"
#include "port.h"
#include "proc.h"
#include "thread.h"
#include "uk_err.h"

static void unlink_timer(struct ktimer *kt)
{
	if (kt->prev)
		kt->prev->next = kt->next;
	else
		kt->pt->timers = kt->next;
	if (kt->next)
		kt->next->prev = kt->prev;
}

void ktimer_set(struct thread *t)
{
	struct machine *m = t->m;
	struct right *r = proc_right(t->p, t->sc.name);
	struct ktimer *kt;

	if (!r || !(r->kinds & RIGHT_RECV)) {
		t->sc.err = UK_ENORIGHT;
		return;
	}
	kt = malloc(sizeof *kt);
	if (!kt) {
		t->sc.err = UK_ENOMEM;
		return;
	}
	*kt = (struct ktimer){ NULL, r->pt->timers, r->pt, t->sc.name, (uint64_t)t->sc.val,
			       t->sc.arg > m->now ? t->sc.arg : m->now };
	if (machine_notice_at(m, kt->at, kt) != 0) {
		free(kt);
		t->sc.err = UK_ENOMEM;
		return;
	}
	if (kt->next)
		kt->next->prev = kt;
	r->pt->timers = kt;
	TRACE(m, TR_TIMER, thread_actor(t)->tid, r->pt->id, kt->at, kt->cookie);
	t->sc.err = UK_OK;
}

void ktimer_fire(struct ktimer *kt)
{
	unlink_timer(kt);
	/* A notice that cannot be allocated is lost, as the machine is out of
	 * memory anyway (as for dead-name notices). */
	if (!kt->pt->dead)
		ipc_timer_notice(kt->pt, kt->name, kt->cookie);
	free(kt);
}

void ktimer_free_port(struct port *pt)
{
	while (pt->timers) {
		struct ktimer *kt = pt->timers;
		pt->timers = kt->next;
		free(kt);
	}
}
