/*
 * srvstat.c - the per-server entries of the statistics (see srvstat.h).
 */
#include "srvstat.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

struct srvstat *srvstat_add(struct machine *m, const char *name, const char *kind)
{
	struct srvstat *e, **v;

	if (m->nsrv == m->srv_cap) {
		uint32_t cap = m->srv_cap ? m->srv_cap * 2 : 4;
		if (!(v = realloc(m->srv, cap * sizeof *v)))
			return NULL;
		m->srv = v;
		m->srv_cap = cap;
	}
	e = calloc(1, sizeof *e);
	if (!e || !(e->name = strdup(name))) {
		free(e);
		return NULL;
	}
	e->kind = kind;
	m->srv[m->nsrv++] = e;
	return e;
}

int srvstat_attr(struct srvstat *e, const char *key, const char *val)
{
	char *v;

	if (e->nattr == SRVSTAT_MAX_ATTRS || !(v = strdup(val)))
		return -1;
	e->attr[e->nattr].key = key;
	e->attr[e->nattr++].val = v;
	return 0;
}

void srvstat_set(struct srvstat *e, const char *key, uint64_t v)
{
	uint32_t i;

	for (i = 0; i < e->nfig && strcmp(e->fig[i].key, key) != 0; i++)
		;
	if (i == e->nfig) {
		assert(e->nfig < SRVSTAT_MAX_FIGS && "srvstat_set: too many figures");
		e->fig[e->nfig++].key = key;
	}
	e->fig[i].val = v;
}

uint64_t srvstat_get(const struct srvstat *e, const char *key)
{
	for (uint32_t i = 0; i < e->nfig; i++)
		if (strcmp(e->fig[i].key, key) == 0)
			return e->fig[i].val;
	return 0;
}

void srvstat_free(struct machine *m)
{
	for (uint32_t i = 0; i < m->nsrv; i++) {
		for (uint32_t k = 0; k < m->srv[i]->nattr; k++)
			free(m->srv[i]->attr[k].val);
		free(m->srv[i]->name);
		free(m->srv[i]);
	}
	free(m->srv);
	m->srv = NULL;
	m->nsrv = m->srv_cap = 0;
}
