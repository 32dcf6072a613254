/*
 * view_cpu.h - what the two files of the CPU view share (view_cpu.c:
 * layout, the CPU and thread rows, legend, picking; view_cpu_labels.c: the
 * words around the rows): the layout of the rows.
 */
#ifndef UKERN_VIEW_CPU_H
#define UKERN_VIEW_CPU_H

#include "rows.h"
#include "view.h"

struct cpu_layout {
	struct vz_time_layout T;
	float row_h, bar_h;       /* CPU rows, px */
	float th_y, th_h;         /* the thread rows: top of the first one, height */
	size_t th_first, th_shown;    /* threads shown (rows, with nodes) */
	/* When not all thread rows are shown, a note says which: beside the
	 * title "threads" when it fits there (note_beside), else in a row of
	 * note px under the rows, above the axis */
	float note;
	int note_beside;
	/* When not all CPU rows fit (shrunk to the height of their names, so
	 * that some thread rows stay), the first cpus.shown are drawn and a
	 * row of cpu_note px under them says so */
	float cpu_note;
	/* With nodes: the CPU rows and the thread rows under a header per node;
	 * without, cpus.ngroups and threads.ngroups are 0. */
	struct rows cpus, threads;
	const struct trace_index *ix;
};

/* Lay out the CPU view of frame f in plot p (view_cpu.c). */
void cpu_layout(const struct vz_frame *f, struct vz_rect p, struct cpu_layout *C);

/* Whether CPU c has its row on screen. */
int cpu_row_shown(const struct cpu_layout *C, size_t c);

/* The top of thread row k (from th_first); its thread in *th, or TI_NONE
 * for a node's header (its node in *node). */
float cpu_th_row(const struct cpu_layout *C, size_t k, uint32_t *th, uint32_t *node);

/* Where the note beside the title "threads" starts (*x), and whether the
 * longest it can be (total rows) fits between there and the lanes
 * (view_cpu_labels.c; the layout asks before it gives the note a row). */
int cpu_note_beside_fits(const struct vz_frame *f, const struct cpu_layout *C, size_t total,
			 float *x);

/* Draw the words (view_cpu_labels.c): in the gutter, the title "threads",
 * the thread rows' names and nodes' headers, and the note saying which rows
 * are shown; the caption of the thread rows, over the grid and the
 * collapsed stretches' bands (so drawn after them); in the gutter, the
 * CPUs' names and how busy each was, with nodes under their headers. */
void cpu_draw_thread_names(const struct vz_frame *f, const struct cpu_layout *C);
void cpu_draw_caption(const struct vz_frame *f, const struct cpu_layout *C);
void cpu_draw_gutter(const struct vz_frame *f, const struct cpu_layout *C);

#endif
