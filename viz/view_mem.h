/*
 * view_mem.h - what the files of the memory view share (view_mem.c: the
 * layout, the frame grid, picking and the legend; view_mem_space.c: the
 * address spaces at the current time; view_mem_strip.c: faults, copies
 * and frame counts over time): the layout of the three panels and the
 * frame use at the current time, computed once per frame.
 */
#ifndef UKERN_VIEW_MEM_H
#define UKERN_VIEW_MEM_H

#include "view.h"

#define MEM_USED_RGB 0x57606a      /* the frames-in-use line */
#define MEM_SHARED_RGB 0x8250df    /* the frames-shared line */
#define MEM_SHARED_EDGE 0x24292f   /* the edge of a shared frame or page */

enum {
	MEM_SPACES = 64,          /* processes laid out in the address-space panel at most */
	MEM_ROWS = 128,           /* regions laid out there at most */
	MEM_REGION_LINES = 4,     /* cell rows per region before pages are grouped */
	MEM_STRIP_PROCS = 6,      /* process rows of the strip */
	MEM_JUST = 64,            /* frames marked as just changed at most */
	MEM_SECS = 2 * TI_MAX_NODES + 1,   /* parts of the frame grid at most (vm.mems) */
};

/* A part of the frame grid: the whole memory, or with several nodes one
 * node's (a header line at y, then its cells from gy). */
struct mem_sec {
	uint32_t first, n;        /* frames first .. first + n - 1 */
	uint32_t mem;             /* its vm.mems entry, TI_NONE: the whole memory */
	float y, gy;              /* its header's top; its first row of cells */
	uint32_t rows;            /* rows of cells */
	uint32_t used;            /* its frames in use at the current time */
};

/* One region in the address-space panel: its cells from (x, y), per_row
 * cells a row, each per_cell pages. */
struct mem_row {
	uint32_t reg;
	float x, y, w;            /* the cells' area (w: a full row) */
	float h;                  /* the row's height, label included */
	uint32_t per_row, ncells;
	uint64_t per_cell;
};

/* One process there: its header line at y, its regions rows[first, +n). */
struct mem_space {
	uint32_t proc;
	float y;
	size_t first, n;
};

struct mem_layout {
	struct vz_rect grid_area;     /* the frame grid's panel (title included) */
	struct vz_rect space_area;    /* the address-space panel */
	struct vz_time_layout T;      /* the strip: rows, chart and axis */
	/* the frame grid */
	float gx, gy;                 /* the first cell's top left */
	float cell, pitch;            /* a cell's side, and from one cell to the next, px */
	uint32_t cols, rows;
	uint32_t per_cell;            /* frames in a cell (level of detail) */
	struct mem_sec sec[MEM_SECS]; /* its parts, one per node's memory (vm.mems) or one */
	size_t nsecs;
	float head_h;                 /* a part's header line (0: one part, none drawn) */
	/* the address spaces */
	struct mem_space space[MEM_SPACES];
	size_t nspaces, spaces_total;  /* laid out; having memory at the current time */
	struct mem_row row[MEM_ROWS];
	size_t nrows;
	float page_cell, page_pitch;
	/* the strip */
	uint32_t sproc[MEM_STRIP_PROCS];   /* the processes of its rows */
	size_t nsproc, sproc_total;
	float rows_y, row_h;          /* the first process row and each row's height */
	float chart_y, chart_h;       /* the frame-count chart */
	/* at the current time */
	struct ti_frame_use *use;     /* [0 .. vm.maxframe], NULL without memory */
	uint64_t just_ns;             /* the latest memory event at or before now, TI_NEVER */
	size_t just_first, just_n;    /* the events at just_ns: vm.evs[...] */
};

/* Lay the view out in plot p and compute the frame use at f->now (free
 * with mem_layout_free). */
void mem_layout(const struct vz_frame *f, struct vz_rect p, struct mem_layout *L);
void mem_layout_free(struct mem_layout *L);

/* The address-space panel (view_mem_space.c): lay out, draw, pick. */
void mem_spaces_layout(const struct vz_frame *f, struct mem_layout *L);
void mem_spaces_draw(const struct vz_frame *f, const struct mem_layout *L);
int mem_spaces_pick(const struct vz_frame *f, const struct mem_layout *L, float x, float y,
		    struct vz_pick *pk);

/* The strip (view_mem_strip.c): lay out at the bottom of plot p (L->T set),
 * draw, pick. */
void mem_strip_layout(const struct vz_frame *f, struct vz_rect p, struct mem_layout *L);
void mem_strip_draw(const struct vz_frame *f, const struct mem_layout *L);
int mem_strip_pick(const struct vz_frame *f, const struct mem_layout *L, float x, float y,
		   struct vz_pick *pk);

/* The top left of the grid cell that holds frame fr; 0, or -1 if none does. */
int mem_frame_xy(const struct vz_frame *f, const struct mem_layout *L, uint64_t fr, float *x,
		 float *y);

/* Draw a cell of frame-use u at (x, y), side s: free, held by a message,
 * owned by one process or split in its sharers' colours. */
void mem_cell(const struct vz_frame *f, const struct ti_frame_use *u, float x, float y, float s);

/* The colour of a memory event of kind k (a page fault's, a fork's, ...). */
uint32_t mem_event_colour(uint8_t k);

/* "node B" for frame fr's memory into buf, or "" when the run has one memory. */
void mem_frame_node(const struct trace_index *ix, uint64_t fr, char *buf, size_t len);

/* The details of frame fr, page idx of region reg, or memory event i (vm.evs)
 * at time now (describe_mem.c, for vz_describe): the number of lines. */
int vz_describe_frame(const struct trace_index *ix, uint64_t fr, uint64_t now,
		      char lines[][VZ_LINE]);
int vz_describe_page(const struct trace_index *ix, uint64_t reg, uint64_t idx, uint64_t now,
		     char lines[][VZ_LINE]);
int vz_describe_vmev(const struct trace_index *ix, size_t i, char lines[][VZ_LINE]);

#endif
