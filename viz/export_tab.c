/*
 * export_tab.c - the two small memories the export formats keep while a
 * trace streams past: tables keyed by a 64-bit id (threads, CPUs, messages
 * in flight) and the names that thread_new, proc_new and port_label records
 * give.
 *
 * The one idea: ids come from an untrusted file, so nothing is indexed by
 * them; an open-addressing table with linear probing grows with what is
 * actually live, and entries leave it (backward-shift deletion, no
 * tombstones) when the thing they stand for ends.
 *
 * Entry points: export_tab_get/put/del/at/free, export_names_init/note/free,
 * export_name, export_name_raw, export_utf8_len.
 */
#include "export.h"

#include <stdlib.h>
#include <string.h>

enum {
	NAME_SHOWN = 40,      /* bytes of a name shown by the text export */
	NAME_RAW = 64,        /* bytes of a name kept as given (UK_NAME_MAX) */
};

/* A name entry: the id, the name as given (cut to NAME_RAW bytes) and as
 * the text export shows it (printable, NUL-terminated). */
struct name_ent {
	uint64_t id;
	size_t rawlen;
	char raw[NAME_RAW];
	char name[NAME_SHOWN + 1];
};

static uint64_t *key_at(const struct export_tab *t, size_t i)
{
	return (uint64_t *)(void *)(t->e + i * t->esz);
}

static size_t home(const struct export_tab *t, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & (t->cap - 1);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t slot(const struct export_tab *t, uint64_t key)
{
	size_t i = home(t, key);

	while (t->full[i] && *key_at(t, i) != key)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int grow(struct export_tab *t)
{
	struct export_tab n = *t;

	n.cap = t->cap ? t->cap * 2 : 16;
	n.e = calloc(n.cap, t->esz);
	n.full = calloc(n.cap, 1);
	if (!n.e || !n.full) {
		free(n.e);
		free(n.full);
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (t->full[i]) {
			size_t j = slot(&n, *key_at(t, i));
			memcpy(n.e + j * n.esz, t->e + i * t->esz, t->esz);
			n.full[j] = 1;
		}
	}
	free(t->e);
	free(t->full);
	*t = n;
	return 0;
}

void *export_tab_get(const struct export_tab *t, uint64_t key)
{
	size_t i;

	if (!t->cap)
		return NULL;
	i = slot(t, key);
	return t->full[i] ? t->e + i * t->esz : NULL;
}

void *export_tab_put(struct export_tab *t, uint64_t key)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap && grow(t) != 0)
		return NULL;
	i = slot(t, key);
	if (!t->full[i]) {
		memset(t->e + i * t->esz, 0, t->esz);
		*key_at(t, i) = key;
		t->full[i] = 1;
		t->n++;
	}
	return t->e + i * t->esz;
}

/* Is slot j's entry, whose home is h, allowed to move back into hole i? It
 * is unless h lies cyclically in (i, j]. */
static int may_fill(size_t i, size_t j, size_t h)
{
	return i <= j ? (h <= i || h > j) : (h <= i && h > j);
}

void export_tab_del(struct export_tab *t, void *ent)
{
	size_t i = (size_t)((unsigned char *)ent - t->e) / t->esz, j = i;

	for (;;) {
		j = (j + 1) & (t->cap - 1);
		if (!t->full[j])
			break;
		if (may_fill(i, j, home(t, *key_at(t, j)))) {
			memcpy(t->e + i * t->esz, t->e + j * t->esz, t->esz);
			i = j;
		}
	}
	t->full[i] = 0;
	t->n--;
}

void *export_tab_at(const struct export_tab *t, size_t i)
{
	return i < t->cap && t->full[i] ? t->e + i * t->esz : NULL;
}

void export_tab_free(struct export_tab *t)
{
	free(t->e);
	free(t->full);
	t->e = t->full = NULL;
	t->cap = t->n = 0;
}

void export_names_init(struct export_names *nm)
{
	for (int s = 0; s < 4; s++)
		nm->tab[s] = (struct export_tab)EXPORT_TAB(struct name_ent);
}

/* Remember name s (len bytes) for (space, id). Names are best effort: when
 * memory runs out the id is simply shown without one. */
static void names_set(struct export_names *nm, enum export_space space, uint64_t id,
		      const char *s, size_t len)
{
	struct name_ent *ent = export_tab_put(&nm->tab[space - 1], id);

	if (!ent)
		return;
	ent->rawlen = len < NAME_RAW ? len : NAME_RAW;
	memcpy(ent->raw, s, ent->rawlen);
	if (len > NAME_SHOWN)
		len = NAME_SHOWN;
	for (size_t i = 0; i < len; i++)
		ent->name[i] = s[i] >= ' ' && s[i] < 0x7f ? s[i] : '?';
	ent->name[len] = '\0';
}

void export_names_note(struct export_names *nm, const struct trace_rec *rec)
{
	if (rec->kind == TR_THREAD_NEW)
		names_set(nm, EXPORT_THREAD, rec->args[0], rec->str, rec->len);
	else if (rec->kind == TR_PROC_NEW)
		names_set(nm, EXPORT_PROC, rec->args[0], rec->str, rec->len);
	else if (rec->kind == TR_PORT_LABEL)
		names_set(nm, EXPORT_PORT, rec->args[0], rec->str, rec->len);
	else if (rec->kind == TR_NODE)
		names_set(nm, EXPORT_NODE, rec->args[0], rec->str, rec->len);
}

const char *export_name(const struct export_names *nm, enum export_space space, uint64_t id)
{
	const struct name_ent *ent;

	if (space == EXPORT_NONE)
		return NULL;
	ent = export_tab_get(&nm->tab[space - 1], id);
	return ent && ent->name[0] ? ent->name : NULL;
}

const char *export_name_raw(const struct export_names *nm, enum export_space space, uint64_t id,
			    size_t *len)
{
	const struct name_ent *ent;

	if (space == EXPORT_NONE || !(ent = export_tab_get(&nm->tab[space - 1], id)) ||
	    !ent->rawlen)
		return NULL;
	*len = ent->rawlen;
	return ent->raw;
}

void export_names_free(struct export_names *nm)
{
	for (int s = 0; s < 4; s++)
		export_tab_free(&nm->tab[s]);
}

size_t export_utf8_len(const unsigned char *s, size_t len)
{
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	uint32_t cp = s[0] & (0x7fu >> n);

	if (s[0] < 0xc2 || s[0] > 0xf4 || n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}
