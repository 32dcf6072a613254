/*
 * viz_args.c - the view names and picture sizes the commands accept (API:
 * viz.h). Plain C without SDL, so that a ukern without the viewer still
 * links the commands.
 */
#include "viz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

static const struct {
	const char *name;
	enum viz_view view;
} view_names[] = {
	{ "sequence", VIZ_SEQUENCE },
	{ "timeline", VIZ_SEQUENCE },     /* the design's first name for it */
	{ "cpu", VIZ_CPU },
	{ "topology", VIZ_TOPOLOGY },
	{ "memory", VIZ_MEMORY },
};

int viz_view_parse(const char *name)
{
	for (size_t i = 0; i < sizeof view_names / sizeof view_names[0]; i++)
		if (strcmp(name, view_names[i].name) == 0)
			return (int)view_names[i].view;
	return -1;
}

const char *viz_view_name(enum viz_view v)
{
	static const char *const names[VIZ_VIEW_COUNT] = { "sequence", "cpu", "topology",
							   "memory" };

	return v < VIZ_VIEW_COUNT ? names[v] : "?";
}

/* A decimal number of at most 5 digits at *s, advancing *s; -1 if none. */
static long side(const char **s)
{
	long v = 0;
	int n = 0;

	while (**s >= '0' && **s <= '9' && n < 6) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n && n < 6 ? v : -1;
}

int viz_size_parse(const char *s, int *w, int *h)
{
	long a = side(&s), b;

	if (a < 0 || (*s != 'x' && *s != 'X'))
		return -1;
	s++;
	if ((b = side(&s)) < 0 || *s)
		return -1;
	if (a < VIZ_MIN_W || b < VIZ_MIN_H || a > VIZ_MAX_SIDE || b > VIZ_MAX_SIDE)
		return -1;
	*w = (int)a;
	*h = (int)b;
	return 0;
}

const char *viz_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

int viz_window(const struct trace_index *ix, struct viz_opts *o, int has_from, int has_to,
	       const char *trace_path, char *title, size_t len, char *err, size_t errlen)
{
	uint64_t end = ix->end_ns ? ix->end_ns : 1000;   /* an instant run: show 1 us */
	const char *scen = trace_index_header(ix, "scenario");
	char a[32], b[32];

	if (!has_from)
		o->from = 0;
	if (!has_to)
		o->to = end;
	if (o->from >= o->to) {
		units_format_ns(o->from, a, sizeof a);
		units_format_ns(o->to, b, sizeof b);
		if (!has_to)
			snprintf(err, errlen, "--from %s is not before the end of the run (%s)", a, b);
		else
			snprintf(err, errlen, "--from %s --to %s: the window is empty (from must be "
				 "before to)", a, b);
		return -1;
	}
	snprintf(title, len, "%s", viz_base_name(scen && *scen ? scen : trace_path));
	o->title = title;
	return 0;
}
