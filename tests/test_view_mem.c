/*
 * test_view_mem.c: the viewer's memory view (viz/view_mem*.c,
 * viz/describe_mem.c) on cow-fork.lua stopped at 80 us - the parent's 64
 * pages shared with three children, the first of which has copied pages
 * 0 and 1 into frames 65 and 66 - drawn on a headless canvas: a click on a
 * frame's cell, a page's cell, a process, a fault's mark and the strip
 * picks what is drawn there, and the details say what the kernel did.
 *
 * Then a run with two nodes, A and B, each with 32 frames, where p fills
 * eight pages on A and migrates to B: the grid is one part per node, under
 * a header that counts its frames in use, and the details say which node
 * a frame belongs to and where a page moved. Then an LRPC binding: its
 * A-stack's frame is drawn in use by client and server, and forked
 * children's copies of it are described as A-stacks too.
 *
 * The one idea: picking uses the drawing's own layout, so the test finds
 * where a frame or a page is drawn from that layout and clicks there, as
 * a user would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "draw_impl.h"
#include "ix_fixture.h"
#include "palette.h"
#include "trace_index.h"
#include "view.h"
#include "view_mem.h"

#define AT 80000ull                   /* ns: fork1 has copied two pages */
#define HEAP 0x10000000ull

struct world {
	struct ix_run run;
	struct draw *d;
	struct vz_frame f;
	struct mem_layout L;
};

/* A run of path (or of source, reported as path) until at, laid out at at. */
static int setup_run(void **state, const char *path, const char *source, uint64_t at)
{
	struct world *w = calloc(1, sizeof *w);
	char err[300];

	ix_headless_env();
	assert_non_null(w);
	ix_run(&w->run, path, source, NULL, 0, at);
	if (!(w->d = draw_headless(1280, 800, err, sizeof err)))
		fail_msg("%s", err);
	w->f = (struct vz_frame){ .ix = w->run.ix, .d = w->d, .view = VIZ_MEMORY, .from = 0,
				  .to = at, .now = at, .collapse = 1, .title = path };
	mem_layout(&w->f, vz_plot(&w->f), &w->L);
	*state = w;
	return 0;
}

static int setup(void **state)
{
	return setup_run(state, "scenarios/cow-fork.lua", NULL, AT);
}

/* p fills 8 pages on node A, then migrates to node B (strong mobility,
 * stop and copy): its pages move to frames 33 to 40 at MOVED. */
#define MOVED 6194580ull
static const char two_nodes[] =
	"machine { cpus = 2, frames = 32 }\n"
	"node { \"B\", cpus = 1, frames = 32 }\n"
	"link { \"A\", \"B\", latency = \"100us\" }\n"
	"process { \"p\", main = function()\n"
	"  local ps = mem.page_size()\n"
	"  local heap = mem.alloc(8 * ps)\n"
	"  for i = 0, 7 do mem.write(heap + i * ps, \"page \" .. i) end\n"
	"  sleep(\"10ms\")\n"
	"end }\n"
	"process { \"ctl\", node = \"B\", start = \"2ms\", main = function()\n"
	"  assert(migrate(\"p\", \"B\", { strategy = \"stop-and-copy\", mobility = \"strong\" }))\n"
	"end }\n";

static int setup_nodes(void **state)
{
	return setup_run(state, "two-nodes.lua", two_nodes, MOVED);
}

/* client binds calc at 1 ms: one page of A-stacks, frame 1, in both. */
#define BOUND 3000000ull
static const char astacks[] =
	"machine { cpus = 2, frames = 64 }\n"
	"process { \"calc\", daemon = true, main = function()\n"
	"  lrpc.export(\"calc\", { Add = { function(a, b) return a + b end, args = 8, results = 4 } })\n"
	"end }\n"
	"process { \"client\", start = \"1ms\", main = function()\n"
	"  local calc = assert(lrpc.bind(\"calc\"))\n"
	"  calc:call(\"Add\", 40, 2)\n"
	"  sleep(\"5ms\")\n"
	"end }\n";

static int setup_astacks(void **state)
{
	return setup_run(state, "astacks.lua", astacks, BOUND);
}

/* client binds calc, forks two children (their copies of the A-stacks
 * keep the frame) and ends at 2 ms, its binding with it: at 4 ms only the
 * children map the A-stack's frame 1. */
#define FORKS_ONLY 4000000ull
static const char astack_forks[] =
	"machine { cpus = 2, frames = 64 }\n"
	"process { \"calc\", daemon = true, main = function()\n"
	"  lrpc.export(\"calc\", { Add = { function(a, b) return a + b end, args = 8, results = 4 } })\n"
	"end }\n"
	"process { \"client\", start = \"1ms\", main = function()\n"
	"  local calc = assert(lrpc.bind(\"calc\"))\n"
	"  calc:call(\"Add\", 40, 2)\n"
	"  fork(function() sleep(\"5ms\") end)\n"
	"  fork(function() sleep(\"5ms\") end)\n"
	"  sleep(\"1ms\")\n"
	"end }\n";

static int setup_astack_forks(void **state)
{
	return setup_run(state, "astack-forks.lua", astack_forks, FORKS_ONLY);
}

static int teardown(void **state)
{
	struct world *w = *state;

	mem_layout_free(&w->L);
	draw_free(w->d);
	ix_run_free(&w->run);
	free(w);
	return 0;
}

static uint32_t proc_named(const struct trace_index *ix, const char *name)
{
	for (uint32_t i = 0; i < ix->nprocs; i++)
		if (strcmp(trace_index_str(ix, ix->procs[i].name), name) == 0)
			return i;
	fail_msg("no process %s", name);
	return TI_NONE;
}

/* The centre of frame fr's cell in the grid. */
static void frame_xy(const struct mem_layout *L, uint32_t fr, float *x, float *y)
{
	uint32_t c = (fr - 1) / L->per_cell;

	*x = L->gx + (float)(c % L->cols) * L->pitch + L->cell / 2;
	*y = L->gy + (float)(c / L->cols) * L->pitch + L->cell / 2;
}

/* The laid-out row of the region of process pr that starts at start. */
static const struct mem_row *row_of(const struct world *w, uint32_t pr, uint64_t start)
{
	for (size_t i = 0; i < w->L.nrows; i++) {
		const struct ti_vmreg *g = &w->run.ix->vm.regs[w->L.row[i].reg];
		if (g->proc == pr && g->start == start)
			return &w->L.row[i];
	}
	fail_msg("no row for 0x%llx", (unsigned long long)start);
	return NULL;
}

static void has_line(char lines[][VZ_LINE], int n, const char *want)
{
	for (int i = 0; i < n; i++)
		if (strstr(lines[i], want))
			return;
	for (int i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", lines[i]);
	fail_msg("no line says \"%s\"", want);
}

/* The layout: a cell per frame, the four processes' address spaces, the
 * strip's rows; the frame use at 80 us is the kernel's. */
static void test_layout(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;

	assert_int_equal(ix->vm.frames, 1024);
	assert_int_equal(w->L.per_cell, 1);
	assert_true(w->L.cols * w->L.rows >= 1024);
	assert_true(w->L.cell >= 8);
	assert_int_equal(w->L.spaces_total, 4);
	assert_int_equal(w->L.nspaces, 4);
	assert_int_equal(w->L.nsproc, 4);
	assert_int_equal(w->L.use[65].maps, 1);
	assert_int_equal(w->L.use[65].proc[0], proc_named(ix, "parent.fork1"));
	assert_int_equal(w->L.use[1].nproc, 3);      /* parent, fork2, fork3 */
	assert_int_equal(w->L.use[3].nproc, 4);
	assert_int_equal(ix->vm.maxframe, 66);       /* no frame past 66 was ever used */
	assert_int_equal(ix->vm.evs[w->L.just_first].kind, TI_VMEV_COW_COPY);
	assert_int_equal(ix->vm.evs[w->L.just_first].frame, 66);
}

static void test_pick_frames_and_pages(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	uint32_t fork1 = proc_named(ix, "parent.fork1");
	const struct mem_row *heap = row_of(w, fork1, HEAP);
	struct vz_pick pk;
	float x, y;

	frame_xy(&w->L, 65, &x, &y);
	assert_true(vz_pick(&w->f, x, y, &pk));
	assert_int_equal(pk.kind, PICK_FRAME);
	assert_int_equal(pk.i, 65);
	frame_xy(&w->L, 1024, &x, &y);
	assert_true(vz_pick(&w->f, x, y, &pk));
	assert_int_equal(pk.i, 1024);
	/* fork1's heap page 1, the second cell of its row */
	assert_true(vz_pick(&w->f, heap->x + w->L.page_pitch * 1.5f, heap->y + w->L.page_cell / 2, &pk));
	assert_int_equal(pk.kind, PICK_PAGE);
	assert_int_equal(pk.i, heap->reg);
	assert_int_equal(pk.t, 1);
	/* a process's header */
	for (size_t i = 0; i < w->L.nspaces; i++)
		if (w->L.space[i].proc == fork1) {
			assert_true(vz_pick(&w->f, w->L.space_area.x + 30, w->L.space[i].y + 5, &pk));
			assert_int_equal(pk.kind, PICK_PROC);
			assert_int_equal(pk.i, fork1);
		}
}

/* The strip: a mark is its event (and its time), elsewhere a time. */
static void test_pick_strip(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	const struct ti_vmev *e = &ix->vm.evs[w->L.just_first];
	size_t k = 0;
	struct vz_pick pk;
	float x;

	while (w->L.sproc[k] != e->proc)
		k++;
	x = (float)timemap_x(&w->L.T.tm, e->ns);
	assert_true(vz_pick(&w->f, x + 1, w->L.rows_y + ((float)k + 0.5f) * w->L.row_h, &pk));
	assert_int_equal(pk.kind, PICK_VMEV);
	assert_int_equal(pk.i, w->L.just_first);
	assert_int_equal(pk.t, e->ns);
	assert_true(vz_pick(&w->f, (float)timemap_x(&w->L.T.tm, 30000),
			    w->L.chart_y + w->L.chart_h / 2, &pk));
	assert_int_equal(pk.kind, PICK_TIME);
	assert_true(pk.t > 29000 && pk.t < 31000);
}

static void test_describe(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	uint32_t fork1 = proc_named(ix, "parent.fork1");
	const struct mem_row *heap = row_of(w, fork1, HEAP);
	char lines[VZ_DESCRIBE_LINES][VZ_LINE];
	struct vz_pick pk = { PICK_FRAME, 65, 0 };
	int n;

	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "frame 65 of 1024");
	has_line(lines, n, "mapped by parent.fork1 at 0x10000000");
	has_line(lines, n, "private to parent.fork1");
	has_line(lines, n, "last change 0.078200 ms: copy-on-write copy");
	pk.i = 3;
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "parent at 0x10002000");
	has_line(lines, n, "shared: 4 references from several processes");
	pk.i = 500;
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "free at this time");
	pk = (struct vz_pick){ PICK_PAGE, heap->reg, 1 };
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "parent.fork1 · heap page 1 · 0x10001000");
	has_line(lines, n, "frame 66, private");
	has_line(lines, n, "since 0.079600 ms: copy-on-write copy");
	has_line(lines, n, "faults on this page so far: 1 copy-on-write copy");
	has_line(lines, n, "copied from parent by a fork at 0.066300 ms");
	pk.t = 2;
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "frame 3, shared copy-on-write");
	has_line(lines, n, "faults on this page so far: none");
	pk = (struct vz_pick){ PICK_PAGE, row_of(w, fork1, 0x400000)->reg, 0 };
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "no frame: never touched");
	has_line(lines, n, "read-only");
	pk = (struct vz_pick){ PICK_VMEV, w->L.just_first, 0 };
	n = vz_describe(ix, &pk, AT, lines);
	has_line(lines, n, "copy-on-write fault: page copied · parent.fork1");
	has_line(lines, n, "copied from frame 2 into frame 66");
}

/* The colour of pixel (x, y) of what was drawn last. */
static uint32_t pixel(const struct world *w, float x, float y)
{
	SDL_Rect r = { (int)x, (int)y, 1, 1 };
	uint32_t px = 0;

	assert_int_equal(SDL_RenderReadPixels(w->d->r, &r, SDL_PIXELFORMAT_RGB888, &px, 4), 0);
	return px & 0xffffff;
}

/* A selected page rings its frame in the grid, a selected frame rings its
 * pages, in the selection's colour; a hovered frame has its tooltip. */
static void test_draw_selection(void **state)
{
	struct world *w = *state;
	uint32_t fork1 = proc_named(w->run.ix, "parent.fork1");
	const struct mem_row *heap = row_of(w, fork1, HEAP);
	float u = draw_unit(w->d), x, y;

	frame_xy(&w->L, 65, &x, &y);
	x -= w->L.cell / 2 + 2 * u;              /* the outer ring's left edge */
	vz_draw_frame(&w->f);
	assert_int_not_equal(pixel(w, x, y), PAL_SELECT);
	assert_int_not_equal(pixel(w, heap->x - 2 * u, heap->y + 2), PAL_SELECT);
	w->f.sel = (struct vz_pick){ PICK_PAGE, heap->reg, 0 };
	vz_draw_frame(&w->f);
	assert_int_equal(pixel(w, x, y), PAL_SELECT);
	w->f.sel = (struct vz_pick){ PICK_FRAME, 65, 0 };
	vz_draw_frame(&w->f);
	assert_int_equal(pixel(w, heap->x - 2 * u, heap->y + 2), PAL_SELECT);
	w->f.hover = (struct vz_pick){ PICK_FRAME, 3, 0 };
	w->f.hover_x = 300;
	w->f.hover_y = 300;
	vz_draw_frame(&w->f);
	assert_int_equal(pixel(w, 300 + 16 * u, 300 + 18 * u), 0x24292f);
	w->f.sel = (struct vz_pick){ PICK_FRAME, 99999, 0 };       /* past the memory: nothing */
	w->f.hover.kind = PICK_NONE;
	vz_draw_frame(&w->f);
	assert_int_not_equal(pixel(w, x, y), PAL_SELECT);
}

/* Two nodes: a part of the grid per node, one under the other, each
 * counting its frames in use; p's pages are on B's frames now, A's free. */
static void test_nodes_layout(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	float xa, ya, xb, yb;

	assert_int_equal(ix->vm.frames, 64);
	assert_int_equal(w->L.nsecs, 2);
	assert_true(w->L.head_h > 0);
	assert_int_equal(w->L.per_cell, 1);
	assert_int_equal(w->L.sec[0].first, 1);
	assert_int_equal(w->L.sec[0].n, 32);
	assert_int_equal(w->L.sec[1].first, 33);
	assert_int_equal(w->L.sec[1].n, 32);
	assert_int_equal(w->L.sec[0].used, 0);
	assert_int_equal(w->L.sec[1].used, 8);
	assert_int_equal(w->L.use[33].maps, 1);
	assert_int_equal(w->L.use[33].proc[0], proc_named(ix, "p"));
	assert_int_equal(w->L.use[1].maps, 0);
	/* B's part starts on a row of its own, under its header, below A's cells */
	assert_int_equal(mem_frame_xy(&w->f, &w->L, 32, &xa, &ya), 0);
	assert_int_equal(mem_frame_xy(&w->f, &w->L, 33, &xb, &yb), 0);
	assert_true(xb == w->L.gx);
	assert_true(yb >= ya + w->L.pitch + w->L.head_h);
	assert_true(w->L.sec[1].y >= ya + w->L.pitch);
	assert_true(yb + w->L.pitch <= w->L.grid_area.y + w->L.grid_area.h);
	assert_int_equal(mem_frame_xy(&w->f, &w->L, 65, &xb, &yb), -1);
	assert_int_equal(ix->vm.evs[w->L.just_first].kind, TI_VMEV_MOVE);
	assert_int_equal(w->L.just_n, 8);
}

static void test_nodes_pick_describe(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	char lines[VZ_DESCRIBE_LINES][VZ_LINE];
	uint32_t p = proc_named(ix, "p");
	struct vz_pick pk;
	float x, y;
	int n;

	assert_int_equal(mem_frame_xy(&w->f, &w->L, 36, &x, &y), 0);
	assert_true(vz_pick(&w->f, x + w->L.cell / 2, y + w->L.cell / 2, &pk));
	assert_int_equal(pk.kind, PICK_FRAME);
	assert_int_equal(pk.i, 36);
	n = vz_describe(ix, &pk, MOVED, lines);
	has_line(lines, n, "frame 36 of 64");
	has_line(lines, n, "node B's memory: its frame 4 of 32 (frames 33–64)");
	has_line(lines, n, "mapped by p at 0x10003000");
	has_line(lines, n, "moved to another node's memory");
	pk.i = 4;
	n = vz_describe(ix, &pk, MOVED, lines);
	has_line(lines, n, "node A's memory: its frame 4 of 32");
	has_line(lines, n, "free at this time");
	/* a header picks its node */
	assert_true(vz_pick(&w->f, w->L.gx + 200, w->L.sec[1].y + w->L.head_h / 2, &pk));
	assert_int_equal(pk.kind, PICK_NODE);
	assert_int_equal(pk.i, 1);
	pk = (struct vz_pick){ PICK_PAGE, w->L.row[0].reg, 3 };
	for (size_t i = 0; i < w->L.nrows; i++)
		if (ix->vm.regs[w->L.row[i].reg].proc == p && ix->vm.regs[w->L.row[i].reg].start == HEAP)
			pk.i = w->L.row[i].reg;
	n = vz_describe(ix, &pk, MOVED, lines);
	has_line(lines, n, "frame 36 (node B), private");
	pk = (struct vz_pick){ PICK_VMEV, w->L.just_first + 3, 0 };
	n = vz_describe(ix, &pk, MOVED, lines);
	has_line(lines, n, "page moved to another node's memory · p");
	has_line(lines, n, "page 0x10003000 of p moved from frame 4 (node A) to frame 36 (node B)");
	has_line(lines, n, "its process migrated");
}

/* The headers in their node's tint, the moved pages' new frames ringed in
 * blue (the latest event), A's old frames free. */
static void test_nodes_draw(void **state)
{
	struct world *w = *state;
	float u = draw_unit(w->d), x, y;

	vz_draw_frame(&w->f);
	assert_int_equal(pixel(w, w->L.gx + 300, w->L.sec[1].y + 3), pal_node_tint(1));
	assert_int_equal(pixel(w, w->L.gx + 300, w->L.sec[0].y + 3), pal_node_tint(0));
	assert_int_equal(mem_frame_xy(&w->f, &w->L, 33, &x, &y), 0);
	assert_int_equal(pixel(w, x - 2 * u, y + w->L.cell / 2), PAL_ACCENT);
	assert_int_equal(pixel(w, x + w->L.cell / 2, y + w->L.cell / 2),
			 pal_proc(w->run.ix, proc_named(w->run.ix, "p")));
	assert_int_equal(mem_frame_xy(&w->f, &w->L, 1, &x, &y), 0);
	assert_int_not_equal(pixel(w, x + w->L.cell / 2, y + w->L.cell / 2),
			     pal_proc(w->run.ix, proc_named(w->run.ix, "p")));
	assert_int_not_equal(pixel(w, x - 2 * u, y + w->L.cell / 2), PAL_ACCENT);
}

/* At every size the parts fit in the grid's panel: full headers, slim
 * ones, or (no room for a header per node) one grid as without nodes;
 * migration.lua has five nodes of 4096 frames. */
static void test_nodes_sizes(void **state)
{
	static const int size[][2] = { { 1280, 800 }, { 900, 560 }, { 640, 400 }, { 480, 320 } };
	static const char *const few[] = { "pages=8", "iterations=40", "at=20ms" };
	size_t heads = 0, flat = 0;
	struct ix_run run;
	char err[300];

	(void)state;
	ix_headless_env();
	ix_run(&run, "scenarios/migration.lua", NULL, few, 3, 30000000);
	assert_int_equal(run.ix->vm.nmems, 5);
	for (size_t k = 0; k < sizeof size / sizeof size[0]; k++) {
		struct draw *d = draw_headless(size[k][0], size[k][1], err, sizeof err);
		struct vz_frame f = { .ix = run.ix, .view = VIZ_MEMORY, .from = 0, .to = 30000000,
				      .now = 30000000, .collapse = 1, .title = "migration.lua" };
		struct mem_layout L;
		const struct mem_sec *last;
		if (!(f.d = d))
			fail_msg("%s", err);
		mem_layout(&f, vz_plot(&f), &L);
		last = &L.sec[L.nsecs - 1];
		assert_true(L.nsecs == 5 || (L.nsecs == 1 && L.head_h == 0));
		heads += L.nsecs == 5;
		flat += L.nsecs == 1;
		assert_true(L.pitch >= 1);
		assert_true(L.per_cell <= 4096);
		assert_true(last->gy + (float)last->rows * L.pitch <= L.grid_area.y + L.grid_area.h + 1);
		assert_true(L.gx + (float)L.cols * L.pitch <= L.grid_area.x + L.grid_area.w + 1);
		vz_draw_frame(&f);
		mem_layout_free(&L);
		draw_free(d);
	}
	assert_true(heads >= 3);                     /* down to 640x400 */
	assert_int_equal(flat, 1);                   /* 480x320 */
	ix_run_free(&run);
}

/* An LRPC binding's A-stack: its frame is drawn in use, split between
 * client and server with the shared edge, and the details say why. */
static void test_astack(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	uint32_t client = proc_named(ix, "client"), calc = proc_named(ix, "calc");
	char lines[VZ_DESCRIBE_LINES][VZ_LINE];
	struct vz_pick pk = { PICK_FRAME, 1, 0 };
	float x, y;
	int n;

	assert_int_equal(w->L.use[1].maps, 2);
	assert_int_equal(w->L.use[1].cow, 0);
	assert_int_equal(w->L.use[1].proc[0], client);      /* in the order they mapped it */
	assert_int_equal(w->L.use[1].proc[1], calc);
	assert_true(w->L.cell >= 8);
	vz_draw_frame(&w->f);
	frame_xy(&w->L, 1, &x, &y);
	assert_int_equal(pixel(w, x - w->L.cell / 4, y), pal_proc(ix, client));
	assert_int_equal(pixel(w, x + w->L.cell / 4, y), pal_proc(ix, calc));
	assert_int_equal(pixel(w, x - w->L.cell / 2, y), MEM_SHARED_EDGE);
	n = vz_describe(ix, &pk, BOUND, lines);
	has_line(lines, n, "mapped by client at 0x10000000 · calc at 0x10000000");
	has_line(lines, n, "shared: 2 references from several processes, an LRPC binding's A-stack");
	pk = (struct vz_pick){ PICK_PAGE, row_of(w, client, HEAP)->reg, 0 };
	n = vz_describe(ix, &pk, BOUND, lines);
	has_line(lines, n, "client · shared page 0 · 0x10000000");
	has_line(lines, n, "frame 1, shared, not copy-on-write (an LRPC binding's A-stack)");
	has_line(lines, n, "since 1.016796 ms: an LRPC binding's A-stack");
	has_line(lines, n, "faults on this page so far: none");
}

/* A forked child's copy of the A-stacks: its page, and a frame only the
 * children map now, are still an LRPC binding's A-stack, not a segment. */
static void test_astack_forks(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	uint32_t fork1 = proc_named(ix, "client.fork1");
	char lines[VZ_DESCRIBE_LINES][VZ_LINE];
	struct vz_pick pk = { PICK_FRAME, 1, 0 };
	int n;

	assert_int_equal(w->L.use[1].maps, 2);
	assert_int_equal(w->L.use[1].cow, 0);
	n = vz_describe(ix, &pk, FORKS_ONLY, lines);
	has_line(lines, n, "mapped by client.fork1 at 0x10000000 · client.fork2 at 0x10000000");
	has_line(lines, n, "shared: 2 references from several processes, an LRPC binding's A-stack");
	pk = (struct vz_pick){ PICK_PAGE, row_of(w, fork1, HEAP)->reg, 0 };
	n = vz_describe(ix, &pk, FORKS_ONLY, lines);
	has_line(lines, n, "client.fork1 · shared page 0 · 0x10000000");
	has_line(lines, n, "frame 1, shared, not copy-on-write (an LRPC binding's A-stack)");
	has_line(lines, n, "copied from client by a fork");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pick_frames_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pick_strip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draw_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nodes_layout, setup_nodes, teardown),
		cmocka_unit_test_setup_teardown(test_nodes_pick_describe, setup_nodes, teardown),
		cmocka_unit_test_setup_teardown(test_nodes_draw, setup_nodes, teardown),
		cmocka_unit_test(test_nodes_sizes),
		cmocka_unit_test_setup_teardown(test_astack, setup_astacks, teardown),
		cmocka_unit_test_setup_teardown(test_astack_forks, setup_astack_forks, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
