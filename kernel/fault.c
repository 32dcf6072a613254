/*
 * fault.c - injected message faults (see fault.h).
 */
#include "fault.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "msg.h"
#include "port.h"
#include "proc.h"
#include "svcnames.h"

int fault_add(struct machine *m, const struct fault_rule *r)
{
	struct fault_rule *v = realloc(m->faults, (m->nfaults + 1) * sizeof *v);

	if (!v)
		return -1;
	if (m->nfaults == 0)
		rng_seed(&m->fault_rng, m->cfg.seed ^ 0x6661756c74ULL);   /* "fault" */
	v[m->nfaults++] = *r;
	m->faults = v;
	return 0;
}

/* Is p an incarnation of program (its first incarnation)? */
static int of_program(const struct proc *p, const struct proc *program)
{
	return p && p->origin == program;
}

/* Does rule r apply to msg from process from to port to? A request goes to
 * the port registered under the service's name; its reply comes from the
 * process that holds that port's receive right. */
static int applies(const struct machine *m, const struct fault_rule *r, const struct proc *from,
		   const struct port *to, const struct msg *msg)
{
	const struct port *svc;

	if (r->proc)
		return of_program(to->owner, r->proc) || of_program(from, r->proc);
	if (!r->name[0])
		return 1;
	svc = svcnames_port(m, r->name);
	if (!svc)
		return 0;
	return svc == to || (msg->kind == MSG_REPLY && from && svc->owner == from);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* A uniform draw in [0, j]. */
static uint64_t jitter(struct machine *m, uint64_t j)
{
	return j == UINT64_MAX ? rng_next(&m->fault_rng) : rng_below(&m->fault_rng, j + 1);
}

enum fault_fate fault_fate(struct machine *m, const struct proc *from, const struct port *to,
			   const struct msg *msg, uint64_t *delay_ns)
{
	enum fault_fate fate = FATE_DELIVER;
	uint64_t delay = 0;

	*delay_ns = 0;
	for (uint32_t i = 0; i < m->nfaults; i++) {
		const struct fault_rule *r = &m->faults[i];
		if (!applies(m, r, from, to, msg))
			continue;
		if (r->drop > 0 && rng_unit(&m->fault_rng) < r->drop)
			return FATE_DROP;
		if (fate == FATE_DELIVER && r->duplicate > 0 &&
		    rng_unit(&m->fault_rng) < r->duplicate)
			fate = FATE_DUPLICATE;
		delay = add_sat(delay, r->delay_ns);
		if (r->jitter_ns)
			delay = add_sat(delay, jitter(m, r->jitter_ns));
	}
	*delay_ns = delay;
	return fate;
}
