/*
 * test_view_topo_links.c: the topology view's edges that are not messages
 * (viz/view_topo_edges.c, viz/view_topo_paths.c), drawn on a headless
 * canvas. LRPCs on lrpc-paper with one call of each procedure: the server
 * sits with the servers, right of its client; an edge goes from the client
 * into it labelled "16 LRPC calls", drawn in the server's colour; its count
 * follows the window. Shared segments on shared-memory: a link "shares 1
 * segment" from when both processes have mapped it; with three processes
 * in one column, each pair's link goes round the column's side, the wider
 * one outside the narrower. The legend names each only when the trace has
 * it.
 *
 * The one idea: the view places the counts with topo_edge_labels and lays
 * the edges out with topo_edge_paths, which the test calls too, then reads
 * the pixels where they say the edge and its count are.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_canvas.h"

#include "draw_impl.h"
#include "palette.h"
#include "trace_index.h"
#include "view.h"
#include "view_topo.h"

struct world {
	struct ix_run run;
	struct draw *d;
	struct vz_frame f;
	uint32_t client, server;      /* process indices */
};

static uint32_t proc_named(const struct trace_index *ix, const char *name)
{
	for (uint32_t i = 0; i < ix->nprocs; i++)
		if (!strcmp(trace_index_str(ix, ix->procs[i].name), name))
			return i;
	fail_msg("no process %s", name);
	return TI_NONE;
}

static int setup(void **state)
{
	static const char *const one[] = { "calls=1" };
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	ix_run(&w->run, "scenarios/lrpc-paper.lua", NULL, one, 1, UINT64_MAX);
	w->d = view_canvas(1280, 800);
	w->f = (struct vz_frame){ .ix = w->run.ix, .d = w->d, .from = 0, .to = w->run.ix->end_ns,
				  .now = w->run.ix->end_ns, .collapse = 1, .view = VIZ_TOPOLOGY,
				  .title = "lrpc-paper.lua" };
	w->client = proc_named(w->run.ix, "client");
	w->server = proc_named(w->run.ix, "server");
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	draw_free(w->d);
	ix_run_free(&w->run);
	free(w);
	return 0;
}

/* The pixels of r in what was drawn last that are rgb. */
static size_t count_px(const struct world *w, struct vz_rect r, uint32_t rgb)
{
	SDL_Rect sr = { (int)r.x, (int)r.y, (int)r.w, (int)r.h };
	uint32_t *px = calloc((size_t)sr.w * (size_t)sr.h, sizeof *px);
	size_t hits = 0;

	assert_non_null(px);
	assert_int_equal(SDL_RenderReadPixels(w->d->r, &sr, SDL_PIXELFORMAT_RGB888, px, sr.w * 4),
			 0);
	for (size_t i = 0; i < (size_t)sr.w * (size_t)sr.h; i++)
		hits += (px[i] & 0xffffff) == rgb;
	free(px);
	return hits;
}

/* The count of the LRPC edge as the view places it at the frame's window:
 * its label in *lab; 0 when there is none. */
static int lrpc_label(const struct world *w, const struct topo_layout *L, struct topo_label *lab)
{
	struct topo_label all[TOPO_EDGES];
	size_t n = topo_edge_labels(&w->f, L, all, TOPO_EDGES, NULL), found = 0;

	for (size_t i = 0; i < n; i++)
		if (strstr(all[i].text, "LRPC")) {
			*lab = all[i];
			found++;
		}
	assert_true(found <= 1);
	return found == 1;
}

/* The whole run: the server right of the client, the edge from one to the
 * other in the server's colour, its count drawn. */
static void test_edge(void **state)
{
	struct world *w = *state;
	const struct topo_box *c, *s;
	struct topo_layout L;
	struct topo_label lab;
	struct topo_path P[TOPO_EDGES];
	size_t n, hits = 0;
	uint32_t rgb = pal_proc(w->run.ix, w->server);

	topo_layout(&w->f, vz_plot(&w->f), &L);
	assert_true(L.box_of[w->client] >= 0 && L.box_of[w->server] >= 0);
	c = &L.box[L.box_of[w->client]];
	s = &L.box[L.box_of[w->server]];
	assert_true(s->x > c->x + c->w);
	assert_true(lrpc_label(w, &L, &lab));
	assert_string_equal(lab.text, "16 LRPC calls");
	assert_int_equal(lab.rgb, pal_mix(rgb, PAL_TEXT, 0.3f));

	vz_draw_frame(&w->f);
	assert_true(count_px(w, lab.r, PAL_BG) < (size_t)(lab.r.w * lab.r.h) - 20);  /* shows */
	/* the edge leaves the client's right side and ends at the server's left
	 * side; the middle of its way is in the server's colour */
	n = topo_edge_paths(&w->f, &L, P, TOPO_EDGES);
	for (size_t i = 0; i < n; i++) {
		const struct topo_path *p = &P[i];
		float mx = (p->x[0] + p->x[p->n - 1]) / 2, my = (p->y[0] + p->y[p->n - 1]) / 2;
		if (fabsf(p->x[0] - (c->x + c->w)) > 1 || fabsf(p->x[p->n - 1] - s->x) > 1)
			continue;
		hits += count_px(w, (struct vz_rect){ mx - 10, my - 10, 20, 20 }, rgb);
	}
	assert_true(hits >= 20);
}

/* The count follows the window: none before the first call, the calls
 * from the window's start up to the current time. */
static void test_window(void **state)
{
	struct world *w = *state;
	const struct trace_index *ix = w->run.ix;
	struct vz_frame keep = w->f;
	struct topo_layout L;
	struct topo_label lab;

	assert_int_equal(ix->nlrpcs, 16);
	w->f.now = ix->lrpcs[0].t0 - 1;
	topo_layout(&w->f, vz_plot(&w->f), &L);
	assert_false(lrpc_label(w, &L, &lab));
	w->f.now = ix->lrpcs[0].t0;
	topo_layout(&w->f, vz_plot(&w->f), &L);
	assert_true(lrpc_label(w, &L, &lab));
	assert_string_equal(lab.text, "1 LRPC call");
	w->f.now = ix->lrpcs[7].t0;
	topo_layout(&w->f, vz_plot(&w->f), &L);
	assert_true(lrpc_label(w, &L, &lab));
	assert_string_equal(lab.text, "8 LRPC calls");
	w->f.from = ix->lrpcs[7].t0 + 1;
	w->f.now = ix->end_ns;
	topo_layout(&w->f, vz_plot(&w->f), &L);
	assert_true(lrpc_label(w, &L, &lab));
	assert_string_equal(lab.text, "8 LRPC calls");
	w->f = keep;
}

/* The labels of the shared segments' links at the frame's window. */
static size_t share_labels(const struct vz_frame *f)
{
	struct topo_label all[TOPO_EDGES];
	struct topo_layout L;
	size_t n, found = 0;

	topo_layout(f, vz_plot(f), &L);
	n = topo_edge_labels(f, &L, all, TOPO_EDGES, NULL);

	for (size_t i = 0; i < n; i++)
		if (strstr(all[i].text, "shares")) {
			assert_string_equal(all[i].text, "shares 1 segment");
			found++;
		}
	return found;
}

/* shared-memory.lua: a shares a segment, b maps it; their link from b's
 * mapping on. */
static void test_share(void **state)
{
	struct world *w = *state;
	struct ix_run run;
	struct vz_frame f = w->f;
	const struct ti_vm *vm;

	ix_run(&run, "scenarios/shared-memory.lua", NULL, NULL, 0, UINT64_MAX);
	vm = &run.ix->vm;
	assert_int_equal(vm->nshmregs, 2);
	f.ix = run.ix;
	f.to = f.now = run.ix->end_ns;
	assert_int_equal(share_labels(&f), 1);
	f.now = vm->regs[vm->shmregs[1]].map_ns - 1;
	assert_int_equal(share_labels(&f), 0);
	f.now = vm->regs[vm->shmregs[1]].map_ns;
	assert_int_equal(share_labels(&f), 1);
	f.from = vm->regs[vm->shmregs[1]].unmap_ns;     /* b's mapping gone before the window */
	f.now = run.ix->end_ns;
	assert_int_equal(share_labels(&f), 0);
	ix_run_free(&run);
}

/* shared-memory.lua with board=r: the editor, the reader and the vandal,
 * one above the other, share one segment: three links, each out of the
 * boxes' left side and along the column, the editor's to the vandal
 * further out than the others. */
static void test_share_column(void **state)
{
	static const char *const board[] = { "board=r" };
	struct world *w = *state;
	struct ix_run run;
	struct vz_frame f = w->f;
	struct topo_layout L;
	struct topo_path P[TOPO_EDGES];
	float out[3];
	size_t n, k = 0;

	ix_run(&run, "scenarios/shared-memory.lua", NULL, board, 1, UINT64_MAX);
	f.ix = run.ix;
	f.to = f.now = run.ix->end_ns;
	assert_int_equal(share_labels(&f), 3);
	topo_layout(&f, vz_plot(&f), &L);
	n = topo_edge_paths(&f, &L, P, TOPO_EDGES);
	for (size_t i = 0; i < n; i++) {
		const struct topo_path *p = &P[i];
		int from_side = 0;
		for (size_t b = 0; b < L.n; b++)
			from_side |= fabsf(p->x[0] - L.box[b].x) < 0.5f &&
				     fabsf(p->y[0] - (L.box[b].y + L.box[b].h / 2)) < 0.5f;
		if (p->n != 4 || !from_side || p->x[1] != p->x[2])
			continue;
		assert_true(k < 3);
		out[k++] = p->x[1];
		assert_true(p->x[1] < p->x[0]);
	}
	assert_int_equal(k, 3);
	/* two at the same distance (neighbours), one further out */
	assert_true((out[0] == out[1]) + (out[0] == out[2]) + (out[1] == out[2]) == 1);
	assert_true(fminf(out[0], fminf(out[1], out[2])) <
		    fmaxf(out[0], fmaxf(out[1], out[2])) - 10);
	ix_run_free(&run);
}

/* The legend has the LRPC edge with LRPCs, the shared segments' link with
 * shared segments, and neither without. */
static void test_legend(void **state)
{
	struct world *w = *state;
	struct vz_legend lg[VZ_LEGEND_MAX];
	struct vz_frame f = w->f;
	struct ix_run other;
	size_t n, found = 0;

	n = view_topo.legend(&f, lg, VZ_LEGEND_MAX);
	for (size_t i = 0; i < n; i++)
		if (lg[i].kind == LEG_LONG_DASH) {
			assert_string_equal(lg[i].label, "LRPCs into a server's domain (count)");
			found++;
		}
	assert_int_equal(found, 1);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(lg[i].kind, LEG_DOTS);
	ix_run(&other, "scenarios/shared-memory.lua", NULL, NULL, 0, UINT64_MAX);
	f.ix = other.ix;
	n = view_topo.legend(&f, lg, VZ_LEGEND_MAX);
	for (size_t i = found = 0; i < n; i++)
		if (lg[i].kind == LEG_DOTS) {
			assert_string_equal(lg[i].label, "shared segments both processes mapped (count)");
			found++;
		}
	assert_int_equal(found, 1);
	ix_run_free(&other);
	ix_run(&other, "scenarios/hello.lua", NULL, NULL, 0, UINT64_MAX);
	f.ix = other.ix;
	n = view_topo.legend(&f, lg, VZ_LEGEND_MAX);
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++)
		assert_true(lg[i].kind != LEG_LONG_DASH && lg[i].kind != LEG_DOTS);
	ix_run_free(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_share_column),
		cmocka_unit_test(test_legend),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
