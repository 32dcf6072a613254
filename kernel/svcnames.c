/*
 * svcnames.c - the kernel's copy of the name server's table (svcnames.h):
 * a small array searched by name; services are few.
 */
#include "svcnames.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"

static struct svcname *find(const struct machine *m, const char *name)
{
	for (uint32_t i = 0; i < m->nsvcnames; i++)
		if (strcmp(m->svcnames[i].name, name) == 0)
			return &m->svcnames[i];
	return NULL;
}

int svcnames_note(struct machine *m, const char *name, struct port *pt, unsigned op)
{
	struct svcname *e = find(m, name);

	if (op == 3 && e) {
		*e = m->svcnames[--m->nsvcnames];
		return 0;
	}
	if (op != 1 || strlen(name) > UK_NAME_MAX)
		return 0;
	if (!e) {
		if (m->nsvcnames == m->svcnames_cap) {
			uint32_t cap = m->svcnames_cap ? m->svcnames_cap * 2 : 8;
			struct svcname *v = realloc(m->svcnames, cap * sizeof *v);
			if (!v)
				return -1;
			m->svcnames = v;
			m->svcnames_cap = cap;
		}
		e = &m->svcnames[m->nsvcnames++];
		strcpy(e->name, name);
	}
	e->pt = pt;
	return 0;
}

struct port *svcnames_port(const struct machine *m, const char *name)
{
	const struct svcname *e = find(m, name);

	return e ? e->pt : NULL;
}
