/*
 * view_mem.c - the memory view at the current time: the machine's physical
 * frames as a grid, each cell in the colour of the process that maps it
 * (free frames blank; a frame several processes map, shared copy-on-write
 * or a shared segment's, split in its sharers' colours with a dark edge; one only a message in
 * flight holds, hatched grey); beside it each process's address space
 * (view_mem_space.c); under both, the faults, copies and frame counts over
 * the time window (view_mem_strip.c), where a click moves the current time.
 * The frames the latest memory event changed are ringed in blue.
 *
 * The one idea: like the topology view, a picture of one moment, laid out
 * afresh every frame by one function used for drawing and for picking, and
 * read from the trace index's memory replay (trace_index_vm.h) - which
 * frame every page maps at that moment. Large memories keep a frame cheap:
 * when cells would be smaller than 5 pixels, a cell stands for 2, 4, 8 ...
 * frames (the dominant owner's colour, faded by how many are in use).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palette.h"
#include "view_mem.h"

enum { MIN_PITCH = 5, MAX_PITCH = 20 };

#define HELD_FILL 0xd8dee4        /* a frame only a message in flight holds */
#define FREE_FILL 0xeef1f4        /* a free frame */

uint32_t mem_event_colour(uint8_t k)
{
	switch (k) {
	case TI_VMEV_FORK:
		return 0x59636e;
	case TI_VMEV_OOL_TAKE:
	case TI_VMEV_OOL_GIVE:
		return 0x1b7c83;
	case TI_VMEV_MOVE:
		return 0x9a6700;
	default:
		return pal_fault(k);
	}
}

/* ---- layout ---- */

/* The largest pitch (px) at which cells cells fit in w x h; sets *cols. */
static float fit_pitch(float w, float h, uint64_t cells, float maxp, uint32_t *cols)
{
	float s = floorf(fminf(maxp, sqrtf(w * h / (float)(cells ? cells : 1))));

	for (; s >= 1; s--) {
		uint64_t c = (uint64_t)(w / s);
		if (c && (float)((cells + c - 1) / c) * s <= h) {
			*cols = (uint32_t)(c < cells ? c : cells);
			return s;
		}
	}
	*cols = 1;
	return 1;
}

/* The height of the parts with cells of pitch s, cols a row. */
static float secs_height(const struct mem_layout *L, float s, uint32_t cols, float gap)
{
	float h = 0;

	for (size_t i = 0; i < L->nsecs; i++) {
		uint64_t cells = ((uint64_t)L->sec[i].n + L->per_cell - 1) / L->per_cell;
		h += (i ? gap : 0) + L->head_h + (float)((cells + cols - 1) / cols) * s;
	}
	return h;
}

/* With several nodes: a part per node's memory under a header of height
 * head; the largest pitch at which they all fit, cells grouped as for one
 * memory. 0, or -1 when they fit only with cells under MIN_PITCH. */
static int grid_layout_nodes(const struct vz_frame *f, struct mem_layout *L, float w, float h,
			     float head, float gap)
{
	const struct ti_vm *vm = &f->ix->vm;
	float u = draw_unit(f->d), y;
	uint32_t widest = 1;

	L->head_h = head;
	L->nsecs = vm->nmems < MEM_SECS ? vm->nmems : MEM_SECS;
	for (size_t i = 0; i < L->nsecs; i++) {
		L->sec[i] = (struct mem_sec){ vm->mems[i].first, vm->mems[i].frames, (uint32_t)i, 0, 0,
					      0, 0 };
		widest = vm->mems[i].frames > widest ? vm->mems[i].frames : widest;
	}
	for (L->per_cell = 1;; L->per_cell *= 2) {
		uint64_t most = ((uint64_t)widest + L->per_cell - 1) / L->per_cell;
		for (L->pitch = floorf(MAX_PITCH * u); L->pitch >= MIN_PITCH * u; L->pitch--) {
			uint64_t c = (uint64_t)(w / L->pitch);
			L->cols = (uint32_t)(c < most ? c : most);
			if (L->cols && secs_height(L, L->pitch, L->cols, gap) <= h)
				break;
		}
		if (L->pitch >= MIN_PITCH * u)
			break;
		if (L->per_cell >= widest)     /* a cell per part: larger cells gain nothing */
			return -1;
	}
	L->cell = L->pitch >= 6 ? L->pitch - 1 : L->pitch;
	y = L->gy;
	L->rows = 0;
	for (size_t i = 0; i < L->nsecs; i++) {
		uint64_t cells = ((uint64_t)L->sec[i].n + L->per_cell - 1) / L->per_cell;
		L->sec[i].y = y + (i ? gap : 0);
		L->sec[i].gy = L->sec[i].y + L->head_h;
		L->sec[i].rows = (uint32_t)((cells + L->cols - 1) / L->cols);
		L->rows += L->sec[i].rows;
		y = L->sec[i].gy + (float)L->sec[i].rows * L->pitch;
	}
	return 0;
}

static void grid_layout(const struct vz_frame *f, struct mem_layout *L)
{
	struct draw *d = f->d;
	float u = draw_unit(d);
	float head = (float)(draw_font_h(d, FONT_BOLD) + 2 * draw_font_h(d, FONT_SMALL)) + 14 * u;
	float gut = 46 * u, w = L->grid_area.w - gut, h = L->grid_area.h - head;
	uint64_t n = f->ix->vm.frames ? f->ix->vm.frames : 1, cells;

	L->gx = L->grid_area.x + gut;
	L->gy = L->grid_area.y + head;
	/* with nodes: full headers, else slim ones, else (too many for the
	 * panel) one grid as without nodes - the details still name the node */
	if (f->ix->vm.nmems &&
	    (grid_layout_nodes(f, L, w, h, floorf((float)draw_font_h(d, FONT_BOLD) + 8 * u), 8 * u) == 0 ||
	     grid_layout_nodes(f, L, w, h, floorf((float)draw_font_h(d, FONT_SMALL) + 4 * u), 3 * u) == 0))
		return;
	L->head_h = 0;
	L->per_cell = 1;
	for (;;) {
		cells = (n + L->per_cell - 1) / L->per_cell;
		L->pitch = fit_pitch(w, h, cells, MAX_PITCH * u, &L->cols);
		if (L->pitch >= MIN_PITCH * u || L->per_cell >= (1u << 30))
			break;
		L->per_cell *= 2;
	}
	L->rows = (uint32_t)((cells + L->cols - 1) / L->cols);
	L->cell = L->pitch >= 6 ? L->pitch - 1 : L->pitch;
	L->nsecs = 1;
	L->sec[0] = (struct mem_sec){ 1, f->ix->vm.frames, TI_NONE, L->gy, L->gy, L->rows, 0 };
}

int mem_frame_xy(const struct vz_frame *f, const struct mem_layout *L, uint64_t fr, float *x,
		 float *y)
{
	(void)f;
	for (size_t i = 0; i < L->nsecs; i++) {
		const struct mem_sec *s = &L->sec[i];
		uint64_t c;
		if (fr < s->first || fr - s->first >= s->n)
			continue;
		c = (fr - s->first) / L->per_cell;
		*x = L->gx + (float)(c % L->cols) * L->pitch;
		*y = s->gy + (float)(c / L->cols) * L->pitch;
		return 0;
	}
	return -1;
}

void mem_frame_node(const struct trace_index *ix, uint64_t fr, char *buf, size_t len)
{
	uint32_t m = trace_index_vm_mem_of(ix, fr);

	if (m == TI_NONE)
		snprintf(buf, len, "%s", "");
	else if (ix->vm.mems[m].node < ix->nnodes)
		snprintf(buf, len, "node %s", trace_index_str(ix, ix->nodes[ix->vm.mems[m].node].name));
	else if (ix->vm.mems[m].told)
		snprintf(buf, len, "node %llu", (unsigned long long)ix->vm.mems[m].id);
	else
		snprintf(buf, len, "no node");
}

/* The events at the latest memory event time at or before now, if that is
 * inside the window. */
static void just_happened(const struct vz_frame *f, struct mem_layout *L)
{
	const struct ti_vm *vm = &f->ix->vm;
	size_t i = f->now == UINT64_MAX ? vm->nevs : trace_index_vm_events_from(f->ix, f->now + 1);

	L->just_ns = TI_NEVER;
	if (i == 0 || vm->evs[i - 1].ns < f->from)
		return;
	L->just_ns = vm->evs[i - 1].ns;
	L->just_first = trace_index_vm_events_from(f->ix, L->just_ns);
	L->just_n = i - L->just_first;
}

void mem_layout(const struct vz_frame *f, struct vz_rect p, struct mem_layout *L)
{
	float u = draw_unit(f->d), top, split;

	memset(L, 0, sizeof *L);
	mem_strip_layout(f, p, L);
	top = p.y + 12 * u;
	split = floorf(p.w * 0.54f);
	L->grid_area = (struct vz_rect){ p.x + 14 * u, top, split - 28 * u, L->T.gutter.y - top - 10 * u };
	L->space_area = (struct vz_rect){ p.x + split + 8 * u, top, p.w - split - 24 * u,
					  L->grid_area.h };
	grid_layout(f, L);
	just_happened(f, L);
	if (f->ix->vm.page_size && (L->use = calloc((size_t)f->ix->vm.maxframe + 1, sizeof *L->use)))
		trace_index_vm_at(f->ix, f->now, L->use);
	for (size_t i = 0; L->use && i < L->nsecs; i++)
		for (uint64_t fr = L->sec[i].first;
		     fr - L->sec[i].first < L->sec[i].n && fr <= f->ix->vm.maxframe; fr++)
			L->sec[i].used += L->use[fr].maps + L->use[fr].held > 0;
	mem_spaces_layout(f, L);
}

void mem_layout_free(struct mem_layout *L)
{
	free(L->use);
	L->use = NULL;
}

/* ---- cells ---- */

static void hatch(struct draw *d, float x, float y, float s, uint32_t rgb)
{
	for (float k = 3; k < 2 * s; k += 4) {
		float x0 = x + fminf(k, s), y0 = y + (k > s ? k - s : 0);
		float x1 = x + (k > s ? k - s : 0), y1 = y + fminf(k, s);
		draw_line(d, x0, y0, x1, y1, rgb);
	}
}

void mem_cell(const struct vz_frame *f, const struct ti_frame_use *u, float x, float y, float s)
{
	struct draw *d = f->d;
	uint32_t refs = u ? u->maps + u->held : 0, k;

	if (!refs) {
		draw_fill(d, x, y, s, s, FREE_FILL);
		return;
	}
	if (!u->maps) {                        /* only a message in flight holds it */
		draw_fill(d, x, y, s, s, HELD_FILL);
		if (s >= 6)
			hatch(d, x, y, s, 0x8c959f);
		return;
	}
	k = u->nproc < TI_SHARERS ? u->nproc : TI_SHARERS;
	for (uint32_t i = 0; i < k; i++) {
		float x0 = floorf(x + s * (float)i / (float)k), x1 = floorf(x + s * (float)(i + 1) / (float)k);
		uint32_t rgb = pal_proc(f->ix, u->proc[i]);
		/* a small cell has no room for an edge: a shared one is darker */
		draw_fill(d, x0, y, x1 - x0, s, refs > 1 && s < 8 ? pal_mix(rgb, MEM_SHARED_EDGE, 0.3f) : rgb);
	}
	if (refs > 1 && s >= 8)
		draw_frame(d, x, y, s, s, MEM_SHARED_EDGE);
}

/* The frame use of the cell of frames first .. end - 1 (per_cell frames,
 * fewer at a part's end): one frame's as it is; for several, the first in
 * use stands for them (a mapped one before one only held), marked shared
 * when any is, and *fill says how many are in use. */
static void cell_use(const struct vz_frame *f, const struct mem_layout *L, uint64_t first,
		     uint64_t end, struct ti_frame_use *out, float *fill)
{
	uint64_t used = 0;
	const struct ti_frame_use *pick = NULL;
	int shared = 0;

	memset(out, 0, sizeof *out);
	for (uint64_t fr = first; L->use && fr < end && fr <= f->ix->vm.maxframe; fr++) {
		const struct ti_frame_use *u = &L->use[fr];
		if (!u->maps && !u->held)
			continue;
		used++;
		shared |= u->maps + u->held > 1;
		if (!pick || (!pick->maps && u->maps))
			pick = u;
	}
	if (pick)
		*out = *pick;
	if (shared && out->maps + out->held < 2)
		out->held++;
	*fill = (float)used / (float)L->per_cell;
}

/* Whether memory event e changed a frame the grid rings: a fault's new
 * frame, a moved page's. */
static int event_ringed(const struct ti_vmev *e)
{
	return e->frame && (e->kind <= TI_VMEV_COW_REUSE || e->kind == TI_VMEV_MOVE);
}

/* The frame the selection or the pointer points at, or 0. */
static uint32_t frame_pointed(const struct vz_frame *f, const struct vz_pick *pk)
{
	const struct ti_vm *vm = &f->ix->vm;
	const struct ti_vmstep *st;
	uint32_t pg;

	if (pk->kind == PICK_FRAME)
		return (uint32_t)pk->i;
	if (pk->kind != PICK_PAGE || pk->i >= vm->nregs ||
	    (pg = trace_index_vm_page(f->ix, (uint32_t)pk->i, pk->t)) == TI_NONE)
		return 0;
	st = trace_index_vm_step_at(f->ix, pg, f->now);
	return st ? st->frame : 0;
}

static void ring(struct draw *d, float x, float y, float s, uint32_t rgb, float u)
{
	draw_frame(d, x - 2 * u, y - 2 * u, s + 4 * u, s + 4 * u, rgb);
	draw_frame(d, x - u, y - u, s + 2 * u, s + 2 * u, rgb);
}

static void grid_cells(const struct vz_frame *f, const struct mem_layout *L)
{
	struct draw *d = f->d;
	uint32_t sel = frame_pointed(f, &f->sel);
	float u = draw_unit(d), x, y;

	for (size_t i = 0; i < L->nsecs; i++) {
		const struct mem_sec *s = &L->sec[i];
		uint64_t cells = ((uint64_t)s->n + L->per_cell - 1) / L->per_cell;
		for (uint64_t c = 0; c < cells; c++) {
			uint64_t first = s->first + c * L->per_cell;
			uint64_t end = first + L->per_cell;
			struct ti_frame_use use;
			float fill;
			x = L->gx + (float)(c % L->cols) * L->pitch;
			y = s->gy + (float)(c / L->cols) * L->pitch;
			cell_use(f, L, first, s->mem == TI_NONE || end <= (uint64_t)s->first + s->n ? end
				 : (uint64_t)s->first + s->n, &use, &fill);
			mem_cell(f, &use, x, y, L->cell);
			if (fill < 1 && use.maps)   /* a grouped cell partly in use */
				draw_fill_a(d, x, y, L->cell, L->cell, FREE_FILL, (uint8_t)(200 * (1 - fill)));
		}
	}
	for (size_t i = L->just_first; L->just_ns != TI_NEVER && i < L->just_first + L->just_n; i++)
		if (event_ringed(&f->ix->vm.evs[i]) &&
		    mem_frame_xy(f, L, f->ix->vm.evs[i].frame, &x, &y) == 0)
			ring(d, x, y, L->cell, PAL_ACCENT, u);
	if (sel && sel <= f->ix->vm.frames && mem_frame_xy(f, L, sel, &x, &y) == 0)
		ring(d, x, y, L->cell, PAL_SELECT, u);
}

/* Frame numbers at the start of rows, as often as they fit. */
static void grid_numbers(const struct vz_frame *f, const struct mem_layout *L)
{
	struct draw *d = f->d;
	float sh = (float)draw_font_h(d, FONT_SMALL);
	uint32_t every = (uint32_t)ceilf((sh + 2) / L->pitch);
	char buf[24];

	for (size_t i = 0; i < L->nsecs; i++)
		for (uint32_t r = 0; r < L->sec[i].rows; r += every ? every : 1) {
			snprintf(buf, sizeof buf, "%llu", (unsigned long long)L->sec[i].first +
				 (unsigned long long)r * L->cols * L->per_cell);
			draw_text(d, FONT_SMALL, L->gx - 6 * draw_unit(d), L->sec[i].gy +
				  (float)r * L->pitch + (L->cell - sh) / 2, PAL_FAINT, ALIGN_RIGHT, buf);
		}
}

/* With several nodes: each part's header, in the style of the CPU view's
 * node headers - "node B" in its colour on its tint, then its frames and
 * how many are in use at the current time. */
static void grid_heads(const struct vz_frame *f, const struct mem_layout *L)
{
	struct draw *d = f->d;
	float u = draw_unit(d), bh = (float)draw_font_h(d, FONT_BOLD);
	float sh = (float)draw_font_h(d, FONT_SMALL);
	float x0 = L->grid_area.x, x1 = L->gx + (float)L->cols * L->pitch;
	char name[96], sub[VZ_LINE];

	int slim = L->head_h < bh + 4 * u;     /* no room for the bold name */
	enum draw_font nf = slim ? FONT_SMALL : FONT_BOLD;
	float nh = slim ? sh : bh;

	for (size_t i = 0; L->head_h > 0 && i < L->nsecs; i++) {
		const struct mem_sec *s = &L->sec[i];
		uint32_t node = f->ix->vm.mems[s->mem].node;
		float y = s->y, x = x0 + 8 * u, hh = L->head_h - (slim ? 1 : 3) * u;
		uint32_t rgb = node == TI_NONE ? PAL_DIM : pal_node(node);
		draw_fill(d, x0, y, x1 - x0, hh, pal_node_tint(node));
		draw_line(d, x0, y + 0.5f, x1, y + 0.5f, pal_node(node));
		mem_frame_node(f->ix, s->first, name, sizeof name);
		x += (float)draw_text(d, nf, x, y + (hh - nh) / 2, rgb, ALIGN_LEFT, name) + 10 * u;
		snprintf(sub, sizeof sub, "%u frame%s (%u–%u), %u used", s->n, s->n == 1 ? "" : "s",
			 s->first, s->first + s->n - 1, s->used);
		draw_text(d, FONT_SMALL, x, y + (hh - nh) / 2 + nh - sh - (slim ? 0 : 1), PAL_DIM,
			  ALIGN_LEFT, sub);
	}
}

/* "a copy-on-write copy by parent.fork1 at 0x10000000 (frame 1 → 65)". */
static void event_words(const struct trace_index *ix, const struct ti_vmev *e, char *buf,
			size_t len)
{
	static const char *const what[TI_VMEV_KIND_COUNT] = {
		[TI_VMEV_ZERO] = "zero-fill fault", [TI_VMEV_COW_COPY] = "copy-on-write copy",
		[TI_VMEV_COW_REUSE] = "copy-on-write fault, no copy",
		[TI_VMEV_UNMAPPED] = "segmentation fault", [TI_VMEV_PROT] = "segmentation fault",
		[TI_VMEV_NOFRAME] = "no free frame", [TI_VMEV_FORK] = "fork",
		[TI_VMEV_OOL_TAKE] = "out-of-line data sent", [TI_VMEV_OOL_GIVE] = "out-of-line data received",
		[TI_VMEV_MOVE] = "page moved",
	};
	const char *w = e->kind < TI_VMEV_KIND_COUNT && what[e->kind] ? what[e->kind] : "event";
	char from[64], to[64];

	if (e->kind == TI_VMEV_FORK) {
		snprintf(buf, len, "%s fork → %s (%u pages shared)", vz_proc_name(ix, e->proc),
			 vz_proc_name(ix, (uint32_t)e->other), e->frame);
	} else if (e->kind == TI_VMEV_MOVE) {
		mem_frame_node(ix, e->from, from, sizeof from);
		mem_frame_node(ix, e->frame, to, sizeof to);
		if (snprintf(buf, len, "page 0x%llx of %s moved: frame %u%s%s%s → %u%s%s%s",
			     (unsigned long long)e->addr, vz_proc_name(ix, e->proc), e->from,
			     *from ? " (" : "", from, *from ? ")" : "", e->frame, *to ? " (" : "",
			     to, *to ? ")" : "") >= (int)len)
			buf[len - 1] = '\0';      /* cut at the line's end, as snprintf did */
	} else if (e->kind == TI_VMEV_COW_COPY)
		snprintf(buf, len, "%s by %s at 0x%llx: frame %u → %u", w, vz_proc_name(ix, e->proc),
			 (unsigned long long)e->addr, e->from, e->frame);
	else if (e->frame)
		snprintf(buf, len, "%s by %s at 0x%llx: frame %u", w, vz_proc_name(ix, e->proc),
			 (unsigned long long)e->addr, e->frame);
	else
		snprintf(buf, len, "%s by %s at 0x%llx", w, vz_proc_name(ix, e->proc),
			 (unsigned long long)e->addr);
}

static void grid_title(const struct vz_frame *f, const struct mem_layout *L)
{
	struct draw *d = f->d;
	const struct ti_vm *vm = &f->ix->vm;
	float u = draw_unit(d), y = L->grid_area.y;
	uint32_t used = 0, shared = 0, held = 0;
	char buf[2 * VZ_LINE], ev[VZ_LINE], at[32];

	for (uint32_t fr = 1; L->use && fr <= vm->maxframe; fr++) {
		used += L->use[fr].maps + L->use[fr].held > 0;
		shared += L->use[fr].maps + L->use[fr].held > 1;
		held += L->use[fr].held > 0 && !L->use[fr].maps;
	}
	snprintf(buf, sizeof buf, "Physical memory · %u frames of %u %s", vm->frames,
		 vm->page_size >= 1024 ? vm->page_size / 1024 : vm->page_size,
		 vm->page_size >= 1024 ? "KiB" : "bytes");
	if (L->head_h > 0)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " · a memory per node");
	else if (vm->nmems)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " · the nodes' memories in a row");
	draw_text_fit(d, FONT_BOLD, L->grid_area.x, y, PAL_TEXT, ALIGN_LEFT, buf, L->grid_area.w);
	y += (float)draw_font_h(d, FONT_BOLD) + 2 * u;
	snprintf(buf, sizeof buf, "%u in use, %u shared", used, shared);
	if (held)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ", %u held by messages in flight",
			 held);
	if (L->per_cell > 1)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " · %u frames a cell", L->per_cell);
	draw_text_fit(d, FONT_SMALL, L->grid_area.x, y, PAL_DIM, ALIGN_LEFT, buf, L->grid_area.w);
	y += (float)draw_font_h(d, FONT_SMALL) + 2 * u;
	if (L->just_ns == TI_NEVER)
		return;
	event_words(f->ix, &vm->evs[L->just_first], ev, sizeof ev);
	fmt_dur(L->just_ns, at, sizeof at);
	snprintf(buf, sizeof buf, "latest (blue): %s, at %s%s", ev, at,
		 L->just_n > 1 ? " and more" : "");
	draw_text_fit(d, FONT_SMALL, L->grid_area.x, y, PAL_ACCENT, ALIGN_LEFT, buf, L->grid_area.w);
}

/* ---- the view's ops ---- */

static void mem_draw(const struct vz_frame *f, struct vz_rect p)
{
	struct mem_layout L;

	mem_layout(f, p, &L);
	if (!f->ix->vm.page_size) {
		static const char *const line[] = { "this run used no memory:", "no process "
			"allocated, read or wrote it,", "forked or sent out-of-line data" };
		float room = p.w - 24 * draw_unit(f->d), lh = (float)draw_font_h(f->d, FONT_TEXT);
		char all[160];
		snprintf(all, sizeof all, "%s %s %s", line[0], line[1], line[2]);
		if ((float)draw_text_w(f->d, FONT_TEXT, all) <= room)   /* else in three lines */
			draw_text(f->d, FONT_TEXT, p.x + p.w / 2, p.y + p.h / 3, PAL_FAINT,
				  ALIGN_CENTER, all);
		else
			for (int i = 0; i < 3; i++)
				draw_text_fit(f->d, FONT_TEXT, p.x + p.w / 2, p.y + p.h / 3 +
					      (float)(i - 1) * lh, PAL_FAINT, ALIGN_CENTER, line[i],
					      room);
		mem_strip_draw(f, &L);
		mem_layout_free(&L);
		return;
	}
	draw_clip(f->d, (int)L.grid_area.x, (int)L.grid_area.y, (int)L.grid_area.w, (int)L.grid_area.h);
	grid_title(f, &L);
	draw_noclip(f->d);
	if (L.head_h > 0)                      /* many nodes in a small window: keep to the panel */
		draw_clip(f->d, (int)(L.grid_area.x - 4), (int)(L.grid_area.y - 4),
			  (int)(L.grid_area.w + 8), (int)(L.grid_area.h + 8));
	grid_heads(f, &L);
	grid_numbers(f, &L);
	grid_cells(f, &L);
	draw_noclip(f->d);
	mem_spaces_draw(f, &L);
	mem_strip_draw(f, &L);
	mem_layout_free(&L);
}

/* The legend: what the cells mean, and the marks and lines the run has. */
static size_t mem_legend(const struct vz_frame *f, struct vz_legend *out, size_t max)
{
	static const struct { uint32_t kinds; uint8_t kind; const char *label; } ev[] = {
		{ 1u << TI_VMEV_ZERO, TI_VMEV_ZERO, "zero-fill fault" },
		{ 1u << TI_VMEV_COW_COPY, TI_VMEV_COW_COPY, "copy-on-write copy" },
		{ 1u << TI_VMEV_COW_REUSE, TI_VMEV_COW_REUSE, "copy-on-write, no copy" },
		{ 1u << TI_VMEV_UNMAPPED | 1u << TI_VMEV_PROT | 1u << TI_VMEV_NOFRAME, TI_VMEV_UNMAPPED,
		  "segfault, no free frame" },
		{ 1u << TI_VMEV_FORK, TI_VMEV_FORK, "fork" },
		{ 1u << TI_VMEV_OOL_TAKE | 1u << TI_VMEV_OOL_GIVE, TI_VMEV_OOL_TAKE, "out-of-line data" },
		{ 1u << TI_VMEV_MOVE, TI_VMEV_MOVE, "page moved to another node" },
	};
	const struct ti_vm *vm = &f->ix->vm;
	size_t n = 0;

	if (max < 16 || !vm->page_size)
		return 0;
	out[n++] = (struct vz_legend){ LEG_BOX, FREE_FILL, "free frame" };
	if (vm->nsnaps)
		out[n++] = (struct vz_legend){ LEG_BOX, HELD_FILL, "held by a message in flight" };
	out[n++] = (struct vz_legend){ LEG_TEXT, 0, "colour: the process mapping it" };
	out[n++] = (struct vz_legend){ LEG_TEXT, 0, "split, dark edge: shared" };
	out[n++] = (struct vz_legend){ LEG_BOX, PAL_BG, "page without a frame" };
	for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++) {
		if (!(vm->ev_seen & ev[i].kinds))
			continue;
		out[n].kind = LEG_BOX;
		out[n].rgb = mem_event_colour(ev[i].kind);
		snprintf(out[n++].label, sizeof out->label, "%s", ev[i].label);
	}
	out[n++] = (struct vz_legend){ LEG_STROKE, MEM_USED_RGB, "frames in use" };
	out[n++] = (struct vz_legend){ LEG_STROKE, MEM_SHARED_RGB, "frames shared" };
	out[n] = (struct vz_legend){ LEG_TEXT, 0, "" };
	snprintf(out[n++].label, sizeof out->label, "%s", f->interactive ? "blue: the latest event; "
		 "click a frame, page or mark" : "blue ring: the latest event");
	return n;
}

static int inside(struct vz_rect r, float x, float y)
{
	return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static int grid_pick(const struct vz_frame *f, const struct mem_layout *L, float x, float y,
		     struct vz_pick *pk)
{
	uint64_t col, c, first, end;

	if (x < L->gx && L->head_h <= 0)
		return 0;
	for (size_t i = 0; i < L->nsecs; i++) {
		const struct mem_sec *s = &L->sec[i];
		uint32_t node = s->mem == TI_NONE ? TI_NONE : f->ix->vm.mems[s->mem].node;
		if (y >= s->y && y < s->gy && node != TI_NONE) {   /* its header: the node */
			*pk = (struct vz_pick){ PICK_NODE, node, 0 };
			return 1;
		}
		if (x < L->gx || y < s->gy || y >= s->gy + (float)s->rows * L->pitch)
			continue;
		col = (uint64_t)((x - L->gx) / L->pitch);
		c = (uint64_t)((y - s->gy) / L->pitch) * L->cols + col;
		first = s->first + c * L->per_cell;
		if (col >= L->cols || c * L->per_cell >= s->n || first > f->ix->vm.frames)
			return 0;
		end = s->mem == TI_NONE || c * L->per_cell + L->per_cell <= s->n ? first + L->per_cell
										: (uint64_t)s->first + s->n;
		*pk = (struct vz_pick){ PICK_FRAME, first, 0 };
		for (uint64_t fr = first; L->use && fr < end && fr <= f->ix->vm.maxframe; fr++)
			if (L->use[fr].maps + L->use[fr].held) {
				pk->i = fr;        /* a grouped cell: its first frame in use */
				break;
			}
		return 1;
	}
	return 0;
}

static int mem_pick(const struct vz_frame *f, struct vz_rect p, float x, float y,
		    struct vz_pick *pk)
{
	struct mem_layout L;
	int r = 0;

	mem_layout(f, p, &L);
	if (mem_strip_pick(f, &L, x, y, pk))
		r = 1;
	else if (f->ix->vm.page_size && inside(L.grid_area, x, y))
		r = grid_pick(f, &L, x, y, pk);
	else if (f->ix->vm.page_size && inside(L.space_area, x, y))
		r = mem_spaces_pick(f, &L, x, y, pk);
	mem_layout_free(&L);
	return r;
}

static void mem_time_layout(const struct vz_frame *f, struct vz_rect p, struct vz_time_layout *T)
{
	struct mem_layout L;

	memset(&L, 0, sizeof L);
	mem_strip_layout(f, p, &L);
	*T = L.T;
}

const struct view_ops view_mem = { "Memory", mem_draw, mem_legend, mem_pick, mem_time_layout,
				   NULL };
