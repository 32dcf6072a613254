/*
 * viz_none.c - the viewer's stand-in in a ukern built without SDL (API:
 * viz.h): it has no window and no renderer, and says so.
 */
#include "viz.h"

#include <stdio.h>

int viz_available(void)
{
	return 0;
}

int viz_render(const struct trace_index *ix, const struct viz_opts *o, FILE *out,
	       char *err, size_t errlen)
{
	(void)ix, (void)o, (void)out;
	snprintf(err, errlen, "%s", VIZ_NOT_BUILT);
	return -1;
}

int viz_live(const struct viz_live *src, const struct viz_opts *o, char *err, size_t errlen)
{
	(void)src, (void)o;
	snprintf(err, errlen, "%s", VIZ_NOT_BUILT);
	return -1;
}

int viz_view(const struct trace_index *ix, const struct viz_opts *o, char *err, size_t errlen)
{
	(void)ix, (void)o;
	snprintf(err, errlen, "%s", VIZ_NOT_BUILT);
	return -1;
}
