/*
 * view.h - a frame of the viewer, and the views that fill it.
 *
 * The one idea (kilo's refresh loop): a frame is drawn whole from a
 * read-only description - the index, the time window, the view, what is
 * selected - so the window and the headless renderer call the same
 * vz_draw_frame with the same struct vz_frame and get the same pixels.
 * Picking (what is under the mouse) uses the same layout code as drawing,
 * so a click lands on what is drawn there.
 *
 * Each view is a struct view_ops (draw, legend, pick, describe) in one
 * table; the frame around them (header with tabs and the window, legend,
 * details box, help overlay, messages) is drawn here for all of them.
 *
 * Entry points: vz_draw_frame, vz_pick, vz_describe, vz_plot, vz_views,
 * vz_time_layout, vz_lane_label, and the views' ops (view_seq, view_cpu,
 * view_topo, view_mem).
 */
#ifndef UKERN_VIEW_H
#define UKERN_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "draw.h"
#include "timemap.h"
#include "trace_index.h"
#include "viz.h"

struct vz_rect {
	float x, y, w, h;         /* px */
};

enum vz_pick_kind {
	PICK_NONE, PICK_MSG, PICK_IV, PICK_RUN, PICK_PROC, PICK_PORT,
	PICK_TIME,                /* a click on the time axis: t is the time there */
	PICK_FRAME,               /* a physical frame: i is its number (from 1) */
	PICK_PAGE,                /* a page: i is its region (vm.regs), t its number in it */
	PICK_VMEV,                /* a memory event (vm.evs): t is its time */
	PICK_NODE,                /* a node: i is its index (nodes) */
	PICK_LINK,                /* a link: i is its index (links) */
	PICK_PACKET               /* a packet: i is its index (pkts) */
};

/* Something the user clicked on: an index into msgs, ivs, runs, procs or
 * ports of the trace index, or a time. */
struct vz_pick {
	enum vz_pick_kind kind;
	size_t i;                 /* index of the thing picked */
	uint64_t t;               /* PICK_TIME, PICK_VMEV: the time, ns; PICK_PAGE: the
				   * page's number in its region */
};

/* Everything a frame is drawn from. The views only read it. */
struct vz_frame {
	const struct trace_index *ix;
	struct draw *d;
	enum viz_view view;
	uint64_t from, to;        /* the time window, ns */
	uint64_t now;             /* the current time (topology, cursor), ns */
	int collapse;             /* collapse idle stretches */
	int lane0;                /* first lane shown (vertical scroll) */
	int interactive;          /* a window: show the cursor and key hints */
	int help;                 /* show the help overlay */
	struct vz_pick sel;       /* what is selected */
	const char *title;        /* scenario or trace name */
	const char *toast;        /* a short message at the bottom, or NULL */
	const char *live;         /* the live viewer's state ("playing · 1ms/s"), or NULL */
	struct vz_pick hover;     /* what the pointer rests on (a tooltip), or PICK_NONE */
	float hover_x, hover_y;   /* where the pointer is, px */
};

/* A line of the help overlay: the keys (or mouse action) and what they do.
 * vz_help_keys are doc/viewer.md's section 5, row by row; vz_live_keys its
 * section 9 (ukern run --view), shown first in a live window. */
struct vz_help_key {
	const char *keys, *what;
};
extern const struct vz_help_key vz_help_keys[], vz_live_keys[];
extern const size_t vz_help_key_count, vz_live_key_count;

/* A legend entry. */
enum vz_legend_kind { LEG_BOX, LEG_LINE, LEG_DASH, LEG_TEXT,
		     LEG_STROKE,            /* a plain line (a chart's) */
		     LEG_LONG_DASH,         /* an arrow in long thick dashes (LRPCs) */
		     LEG_DOTS };            /* a dotted line (shared segments) */
struct vz_legend {
	enum vz_legend_kind kind;
	uint32_t rgb;
	char label[64];
};

enum { VZ_LEGEND_MAX = 48, VZ_DESCRIBE_LINES = 8, VZ_LINE = 160 };

/* The legend as it is drawn into lg (room for VZ_LEGEND_MAX + 2): the
 * view's entries and, in a window, the key hint last; returns how many.
 * It takes at most a tenth of the frame's height, and at least a line:
 * when the entries do not fit, the sentences (LEG_TEXT) go first and the
 * key hint shortens to "h help", then the entries at the end go, a
 * "+N more" in their place. */
size_t vz_legend_shown(const struct vz_frame *f, struct vz_legend *lg);

/* The layout of a time plot (sequence, CPU): a gutter for names at the
 * left, the lanes, the axis below them, and the time map. */
struct vz_time_layout {
	struct vz_rect gutter, lanes;
	float axis_y;
	struct timemap tm;
};

struct view_ops {
	const char *title;        /* the tab's label */
	/* Draw into the plot rectangle p. */
	void (*draw)(const struct vz_frame *f, struct vz_rect p);
	/* The legend entries, at most max; returns how many. */
	size_t (*legend)(const struct vz_frame *f, struct vz_legend *out, size_t max);
	/* What is at (x, y) in plot p: returns 1 and fills *pk, or 0. */
	int (*pick)(const struct vz_frame *f, struct vz_rect p, float x, float y,
		    struct vz_pick *pk);
	/* The time layout the view draws with in plot p (for zooming). */
	void (*time_layout)(const struct vz_frame *f, struct vz_rect p,
			    struct vz_time_layout *L);
	/* The first of its rows the view shows in plot p when asked for
	 * f->lane0 (the last rows fill the plot; 0 when all fit); NULL for a
	 * view that keeps f->lane0 as it is. */
	int (*first_row)(const struct vz_frame *f, struct vz_rect p);
};

extern const struct view_ops view_seq, view_cpu, view_topo, view_mem;

/* The views, indexed by enum viz_view. */
extern const struct view_ops *const vz_views[VIZ_VIEW_COUNT];

/* Draw the whole frame (not presented). */
void vz_draw_frame(const struct vz_frame *f);

/* The header's parts as they are drawn: the title (cut short with "…"
 * when it would run into the tabs), the run's parameters after it (left
 * out when they would), the tabs, and at the right the time window in the
 * longest form that leaves the tabs room ("0ns – 1.08ms   at 1.08ms",
 * "at 1.08ms", the same smaller, or none). A part left out has an empty
 * text and a rectangle of width 0. */
struct vz_header {
	struct vz_rect title, params, tabs, window;     /* px */
	char title_text[VZ_LINE], params_text[VZ_LINE], window_text[VZ_LINE];
	enum draw_font window_font;
};
void vz_header_layout(const struct vz_frame *f, struct vz_header *H);

/* The rectangle the current view draws in. */
struct vz_rect vz_plot(const struct vz_frame *f);

/* The time at x in the current view's time layout (for zooming there). */
uint64_t vz_time_at(const struct vz_frame *f, float x);

/* The time drawn at the middle of the current view's time axis: with idle
 * stretches collapsed, not the middle of the window's times (for zooming
 * around what the middle of the picture shows). */
uint64_t vz_time_mid(const struct vz_frame *f);

/* The first row the current view shows for f->lane0: what scrolling by a
 * row or a page starts from, so that it stops at the view's own last rows
 * and does nothing where all its rows fit. */
int vz_first_row(const struct vz_frame *f);

/* The current view's time scale, ns per pixel of its linear parts. */
double vz_ns_per_px(const struct vz_frame *f);

/* What is under (x, y) in the frame: 1 and *pk, or 0. */
int vz_pick(const struct vz_frame *f, float x, float y, struct vz_pick *pk);

/* Up to VZ_DESCRIBE_LINES lines of text about a picked thing; returns how
 * many lines. */
int vz_describe(const struct trace_index *ix, const struct vz_pick *pk, uint64_t now,
		char lines[][VZ_LINE]);

/* Lay out plot p for a time view with a gutter gutter_w wide. */
void vz_time_layout(const struct vz_frame *f, struct vz_rect p, float gutter_w,
		    struct vz_time_layout *L);

/* A click at (x, y) on the axis below the lanes of L: 1 and a PICK_TIME
 * in *pk, or 0. */
int vz_pick_axis(const struct vz_time_layout *L, float x, float y, struct vz_pick *pk);

/* The vertical cursor at f->now (interactive frames only). */
void vz_draw_cursor(const struct vz_frame *f, const struct vz_time_layout *L);

/* Where the CPU view in plot p writes the caption of its thread rows
 * ("running · ready (waiting for a CPU) · blocked"): drawn over the grid
 * and the collapsed stretches' bands, none of which shows through it; in
 * a short form ("running · ready · blocked"), cut short with "…" if need
 * be, when the lanes are narrower than it. Its text in text (len bytes)
 * unless text is NULL. */
struct vz_rect vz_cpu_caption(const struct vz_frame *f, struct vz_rect p, char *text,
			      size_t len);
/* Where it writes the row under the thread rows when not all are shown
 * ("threads 1–8 of 17"), above the time axis; its text in text unless
 * NULL. w 0 (and text "") when all are shown. */
struct vz_rect vz_cpu_note(const struct vz_frame *f, struct vz_rect p, char *text, size_t len);

/* Label placement (the labels of the sequence and topology views): whether
 * rectangles a and b overlap, and whether the segment (x0, y0) - (x1, y1)
 * passes through r. */
int vz_rects_meet(struct vz_rect a, struct vz_rect b);
int vz_seg_meets(struct vz_rect r, float x0, float y0, float x1, float y1);

/* "name (pid 2)"-style display name of process pr / label of port pt. */
const char *vz_proc_name(const struct trace_index *ix, uint32_t pr);
const char *vz_thread_name(const struct trace_index *ix, uint32_t th);
void vz_port_label(const struct trace_index *ix, uint32_t pt, char *buf, size_t len);

/* Node n's title ("node B") and what it is ("2 CPUs (cpu1–cpu2) · big-endian
 * · 3 processes"); n TI_NONE: the processes on no node. */
void vz_node_title(const struct trace_index *ix, uint32_t n, char *name, size_t nlen, char *sub,
		   size_t slen);

/* Link l's ends ("A ⇄ B") and its figures: "lan · 1ms · 100 Mbit/s" and
 * "MTU 1500 · loss 10%". */
void vz_link_title(const struct trace_index *ix, uint32_t l, char *name, size_t nlen, char *fig,
		   size_t flen, char *more, size_t mlen);

#endif
