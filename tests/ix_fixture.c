/*
 * ix_fixture.c - a scenario run in this process with its records fed to a
 * trace index (see ix_fixture.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ix_fixture.h"
#include "loader.h"
#include "trace.h"
#include "trace_index.h"

struct feed {
	struct trace_index *ix;
	int failed;
};

static void record(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args, const char *s,
		   size_t len)
{
	struct feed *f = ctx;

	if (trace_index_add(f->ix, ns, kind, args, s, len) != 0)
		f->failed = 1;
}

void ix_run(struct ix_run *r, const char *path, const char *source, const char *const *sets,
	    size_t nsets, uint64_t until_ns)
{
	const char *top = getenv("top_srcdir");
	char full[512], err[1024];
	struct loader_opts lo = { 0 };
	struct feed fd = { trace_index_new(), 0 };
	struct trace_sink sink = { record, &fd };
	struct machine_config cfg;

	snprintf(full, sizeof full, "%s/%s", top ? top : ".", path);
	lo.path = source ? path : full;
	lo.source = source;
	lo.sets = sets;
	lo.nsets = nsets;
	assert_non_null(fd.ix);
	if (!(r->s = scenario_load(&lo, err, sizeof err)))
		fail_msg("%s", err);
	cfg = *scenario_config(r->s);
	cfg.until_ns = until_ns;
	assert_int_equal(machine_init(&r->m, &cfg), 0);
	if (scenario_build(r->s, &r->m, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(machine_add_sink(&r->m, &sink), 0);
	machine_run(&r->m);
	assert_false(fd.failed);
	assert_int_equal(trace_index_seal(fd.ix, r->m.now), 0);
	r->ix = fd.ix;
}

void ix_run_free(struct ix_run *r)
{
	machine_free(&r->m);
	scenario_free(r->s);
	trace_index_free(r->ix);
}

struct trace_index *ix_load(const struct ix_rec *r, size_t n, uint64_t end)
{
	struct trace_index *ix = trace_index_new();

	assert_non_null(ix);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(trace_index_add(ix, r[i].ns, r[i].kind, r[i].a, r[i].s ? r[i].s : "",
						 r[i].s ? strlen(r[i].s) : 0), 0);
	assert_int_equal(trace_index_seal(ix, end), 0);
	return ix;
}

struct ti_frame_use *ix_frames_at(const struct trace_index *ix, uint64_t t)
{
	struct ti_frame_use *u = calloc(ix->vm.maxframe + 1, sizeof *u);

	assert_non_null(u);
	trace_index_vm_at(ix, t, u);
	return u;
}

void ix_headless_env(void)
{
	static const char *const dir = "/usr/share/fonts/truetype/dejavu";
	char font[256];

	setenv("SDL_VIDEODRIVER", "dummy", 1);
	setenv("SDL_RENDER_DRIVER", "software", 1);
	snprintf(font, sizeof font, "%s/DejaVuSans.ttf", dir);
	if (access(font, R_OK) == 0) {
		setenv("UKERN_FONT", font, 1);
		snprintf(font, sizeof font, "%s/DejaVuSans-Bold.ttf", dir);
		setenv("UKERN_FONT_BOLD", font, 1);
		snprintf(font, sizeof font, "%s/DejaVuSansMono.ttf", dir);
		setenv("UKERN_FONT_MONO", font, 1);
	}
}
