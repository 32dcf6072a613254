/*
 * view_seq.h - what the two files of the message sequence view share
 * (view_seq.c: layout, lanes, state bands, picking; view_seq_msgs.c: the
 * message arrows; view_seq_lrpc.c: LRPCs): the lane layout, and the
 * per-column scratch the level of detail uses.
 */
#ifndef UKERN_VIEW_SEQ_H
#define UKERN_VIEW_SEQ_H

#include "rows.h"
#include "view.h"

/* How many sends of one pixel column are looked at before the rest of the
 * column is skipped by a forward search: enough to see every kind of message
 * in it, few enough that a million records draw in milliseconds. */
enum { SEQ_PER_COLUMN = 16 };

struct seq_layout {
	struct vz_time_layout T;
	const struct trace_index *ix;
	struct rows R;            /* with nodes: the lanes grouped under their nodes */
	size_t nlanes;            /* rows: one lane per process (and a header per node) */
	size_t first, shown;      /* rows first .. first + shown - 1 are on screen */
	float lane_h;             /* px */
	float bar_h;              /* the band of all threads of a lane, px */
};

/* Lay out the sequence view of frame f in plot p. */
void seq_layout(const struct vz_frame *f, struct vz_rect p, struct seq_layout *S);

/* Where the names in the gutter end (process, pid, thread names): those
 * longer are cut short with "…" there, before the lanes. */
float seq_name_right(const struct vz_frame *f, const struct seq_layout *S);

/* The words in the gutter beside process pr's lane: its name, above its
 * threads' bands when it has several (at the lane's top when there is no
 * room), and its second line under it ("daemon · pid 2"; h 0 when the lane
 * has no room for it, or it would meet a thread's name: the thread names
 * come first). Each a line from where its text starts to seq_name_right. */
struct seq_words {
	struct vz_rect name, sub;
};
void seq_words(const struct vz_frame *f, const struct seq_layout *S, uint32_t pr,
	       struct seq_words *W);

/* Where the name of thread th goes beside its band, given its process's
 * words W: centred on the band, or just under the process's name when that
 * is in the way and the band has room; h 0 when it is not drawn (a process
 * of one thread, a band too thin, no room clear of the process's name). */
struct vz_rect seq_thread_word(const struct vz_frame *f, const struct seq_layout *S,
			       uint32_t th, const struct seq_words *W);

/* The vertical middle of lane pr's thread band, and thread th's band: its
 * top and height. Lanes off screen give positions above or below the lanes
 * rectangle. */
float seq_lane_mid(const struct seq_layout *S, uint32_t pr);

/* Whether process pr's lane is on screen (a process without a lane: no). */
int seq_proc_shown(const struct seq_layout *S, uint32_t pr);

/* The note under the lanes when not all rows fit ("rows 1–7 of 9", with
 * the keys that scroll them, " (Up, Down)", in a window only) in buf:
 * 1, or 0 (and "") when all rows are shown. */
int seq_rows_note(const struct vz_frame *f, const struct seq_layout *S, char *buf, size_t len);

/* The process of row r, or TI_NONE for a node's header (its node in *node). */
uint32_t seq_row_proc(const struct seq_layout *S, size_t r, uint32_t *node);

/* With nodes: the top and height of node n's header row (n TI_NONE: the
 * group on no node); 0 when it has none. */
int seq_node_row(const struct seq_layout *S, uint32_t n, float *top, float *h);
void seq_thread_band(const struct vz_frame *f, const struct seq_layout *S, uint32_t th,
		     float *top, float *h);

/* When the window shows a deadlock: 1, the strip its line and wait-for
 * arrows take (strip) and the row of its title at the top (title). */
int seq_deadlock_area(const struct vz_frame *f, const struct seq_layout *S,
		      struct vz_rect *strip, struct vz_rect *title);

/* Draw the LRPCs: the caller's thread in the server's lane (view_seq_lrpc.c). */
void seq_draw_lrpcs(const struct vz_frame *f, const struct seq_layout *S);

/* Draw the message arrows (view_seq_msgs.c). */
void seq_draw_msgs(const struct vz_frame *f, const struct seq_layout *S);

/* The labels of the message arrows: at most this many arrows get one (with
 * more on screen, none does). */
enum { SEQ_LABELS = 160 };

struct seq_label {
	struct vz_rect r;         /* where its text is, px */
	size_t msg;               /* msgs index */
};

/* The labels seq_draw_msgs places (out, SEQ_LABELS of room) and the arrows
 * they keep clear of, from (x, y) to (x, y) (seg, SEQ_LABELS of room; how
 * many in *nseg). Returns how many labels. */
size_t seq_msg_labels(const struct vz_frame *f, const struct seq_layout *S,
		      struct seq_label *out, float (*seg)[4], size_t *nseg);

/* The message drawn nearest to (x, y), within a few pixels: 1 and its
 * index in *i, or 0. */
int seq_pick_msg(const struct vz_frame *f, const struct seq_layout *S, float x, float y,
		 size_t *i);

#endif
