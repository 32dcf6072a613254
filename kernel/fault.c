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

/* Does p hold the receive right of a port registered as name? */
static int serves(const struct proc *p, const char *name)
{
	for (uint32_t i = 1; i < p->nrights_cap; i++) {
		const struct right *r = &p->rights[i];
		if (r->pt && (r->kinds & RIGHT_RECV) && strcmp(r->pt->label, name) == 0)
			return 1;
	}
	return 0;
}

/* Does rule r apply to msg from process from to port to? A request goes to
 * the service's port; its reply comes from the service's process. */
static int applies(const struct fault_rule *r, const struct proc *from, const struct port *to,
		   const struct msg *msg)
{
	if (!r->name[0])
		return 1;
	if (strcmp(to->label, r->name) == 0)
		return 1;
	return msg->kind == MSG_REPLY && from && serves(from, r->name);
}

enum fault_fate fault_fate(struct machine *m, const struct proc *from, const struct port *to,
			   const struct msg *msg)
{
	for (uint32_t i = 0; i < m->nfaults; i++) {
		const struct fault_rule *r = &m->faults[i];
		if (!applies(r, from, to, msg))
			continue;
		if (r->drop > 0 && rng_unit(&m->fault_rng) < r->drop)
			return FATE_DROP;
		if (r->duplicate > 0 && rng_unit(&m->fault_rng) < r->duplicate)
			return FATE_DUPLICATE;
	}
	return FATE_DELIVER;
}
