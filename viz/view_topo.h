/*
 * view_topo.h - what the files of the topology view share (view_topo.c:
 * boxes, queues, the time strip, picking; view_topo_layout.c: where the
 * boxes go; view_topo_paths.c: the way each edge takes; view_topo_edges.c:
 * the edges counted, drawn and labelled, and the messages in flight; view_topo_nodes.c: with several
 * machines, the nodes around their processes, the links between their
 * network servers, the packets on them and the links' charts): the layout
 * of the boxes and where a port's queue is drawn.
 */
#ifndef UKERN_VIEW_TOPO_H
#define UKERN_VIEW_TOPO_H

#include "view.h"

enum { TOPO_BOXES = 48, TOPO_PORTS = 6, TOPO_EDGES = 1024, TOPO_THREADS = 4, TOPO_NAMES = 4,
       TOPO_DOTS = 400, TOPO_NODES = 16, TOPO_LINKS = 48, TOPO_CHARTS = 4 };

struct topo_box {
	uint32_t pr;
	float x, y, w, h;         /* px */
	int side;                 /* where its queues hang: 0 below, 1 on the left */
	uint32_t port[TOPO_PORTS];    /* request ports it holds, shown as queues */
	int nports;
	int compact;              /* too many boxes: a name only (a server: and its queue) */
	int net;                  /* a node's network server */
	int grid;                 /* a client in a grid of compact boxes: 1 + its column */
	int lane;                 /* a server's (or the name server's) lane in the bundles */
	int sgrid;                /* a server in a grid of compact boxes: 1 + its column */
	int slane;                /* a box's lane into the servers' grid (-1: in it) */
};

/* The clients' grid of compact boxes: their edges are bundled through the
 * gutter right of each column and a channel above the grid, so that they
 * cross no box. cols 0 when there is no grid. */
struct topo_grid {
	int cols, lanes;          /* columns; lanes (the servers the bundles go to) */
	float x, cw, top, gap;    /* left, column width, the first row's top, gutter */
};

/* The servers' grid, when it has more than one column: the edges to and
 * from its boxes go through the gutter left of each column and a channel
 * above the grid, one lane for each box outside it (lanes: how many), so
 * that they cross no box of the grid. cols 0 when there is none. */

/* With nodes: a node's frame around its processes' boxes. */
struct topo_node {
	uint32_t n;               /* nodes index */
	float x, y, w, h;         /* px */
	float head_h;             /* its title */
	int net;                  /* its network server's box, or -1 */
};

/* A link between two network servers' boxes: a quadratic curve from
 * (x0, y0) at a's to (x1, y1) at b's, bent through (cx, cy) around the
 * nodes in its way (the middle when straight). */
struct topo_link {
	uint32_t l;               /* links index */
	float x0, y0, x1, y1, cx, cy;
};

struct topo_layout {
	struct vz_rect area;          /* where the boxes go */
	struct vz_time_layout T;      /* the time strip */
	struct topo_box box[TOPO_BOXES];
	size_t n;
	int box_of[TOPO_BOXES];       /* proc index -> box, -1 if not shown */
	struct vz_rect strip;         /* the time strip's band (in T.lanes) */
	/* with nodes (view_topo_nodes.c); nnodes 0 without */
	struct topo_node node[TOPO_NODES];
	size_t nnodes;
	struct topo_link link[TOPO_LINKS];
	size_t nlinks;
	struct vz_rect charts;        /* the links' charts (in T.lanes, above the strip) */
	size_t ncharts;               /* links charted: link[0 .. ncharts - 1] */
	float chart_h;                /* px per chart */
	struct topo_grid grid;
	struct topo_grid sgrid;
	int ports_left_out;           /* request ports of boxes shown whose queue is not */
};

/* Lay out the topology view of frame f in plot p (view_topo_layout.c). */
void topo_layout(const struct vz_frame *f, struct vz_rect p, struct topo_layout *L);

/* Where process pr's box goes: 0 the name server's row (top), 1 a client
 * (left), 2 a process that serves a port or an LRPC interface (right); -1
 * none (the kernel's pid 0, the sender of notices). */
int topo_proc_column(const struct trace_index *ix, uint32_t pr);

/* More boxes than this: no reply edges. */
enum { TOPO_CROWDED = 16 };

/* The queue glyph of port k of box b: its cells' rectangle (below the box,
 * or left of it for a server on the right). */
struct vz_rect topo_port_rect(const struct vz_frame *f, const struct topo_box *b, int k);

/* The way a request edge from (sx, sy) ends at port k of box b, round
 * the port's caption: up to 3 points in px, py (the last at the queue's
 * end); returns how many. */
int topo_port_approach(const struct vz_frame *f, const struct topo_box *b, int k, float sx,
		       float sy, float *px, float *py);

/* What the picture leaves out ("queues: 3 of 5 shown", ...), in buf (empty
 * when nothing), given how many edge counts were placed of how many wanted;
 * where it is drawn (its rectangle). */
struct vz_rect topo_note(const struct vz_frame *f, const struct topo_layout *L, struct vz_rect p,
			 size_t counts, size_t wanted, char *buf, size_t len);

/* The point where the line from the centre of b towards (tx, ty) leaves b. */
void topo_box_exit(const struct topo_box *b, float tx, float ty, float *x, float *y);

/* An edge's count ("5 sends") where it is drawn: its text's rectangle. */
struct topo_label {
	struct vz_rect r;         /* px */
	char text[40];
	uint32_t rgb;
};

/* The edges of the messages sent from the window's start to the current
 * time, and the messages in flight at the current time (view_topo_edges.c).
 * topo_draw_edges draws the edges (under the boxes) and places their counts
 * in out (at most max; returns how many), which topo_draw_labels draws over
 * the boxes; topo_edge_labels places them without drawing. */
size_t topo_draw_edges(const struct vz_frame *f, const struct topo_layout *L,
		       struct topo_label *out, size_t max, size_t *wanted);
size_t topo_edge_labels(const struct vz_frame *f, const struct topo_layout *L,
			struct topo_label *out, size_t max, size_t *wanted);

/* An edge as drawn: a line through up to TOPO_PATH points. */
enum { TOPO_PATH = 8 };
struct topo_path {
	float x[TOPO_PATH], y[TOPO_PATH];
	int n;
	int lab;                  /* the leg (from point lab to lab + 1) its count goes on */
};

/* A count of messages from one sender to one destination, of LRPCs from
 * one domain into a server's, or of the segments two processes share, as
 * an edge (view_topo_edges.c). */
struct topo_edge {
	uint32_t from;            /* sender proc */
	uint32_t to;              /* port (requests) or proc (replies, or a network server) */
	uint32_t rgb;
	uint8_t reply;
	uint8_t box;              /* a request to a process's box: to a network server, on
				   * its way to another node */
	uint64_t count, calls;    /* messages; how many of them calls */
	uint8_t lrpc;             /* LRPCs into the domain of the process to (box is set):
				   * count of them */
	uint8_t shm;              /* processes from and to (box is set) both mapped count
				   * shared segments: a link, no direction */
};

/* The path of edge e on screen in P (view_topo_paths.c); 0 when an end is
 * not shown. */
int topo_edge_path(const struct vz_frame *f, const struct topo_layout *L,
		   const struct topo_edge *e, struct topo_path *P);

/* The edges as topo_draw_edges draws them (replies included): at most max;
 * returns how many. */
size_t topo_edge_paths(const struct vz_frame *f, const struct topo_layout *L,
		       struct topo_path *out, size_t max);
void topo_draw_labels(const struct vz_frame *f, const struct topo_label *lab, size_t n);
void topo_draw_in_flight(const struct vz_frame *f, const struct topo_layout *L);

/* A process's box: its height unfolded (threads, the name server's
 * names), and the box drawn; a port's queue (view_topo.c). */
float topo_box_height(const struct vz_frame *f, uint32_t pr);
void topo_draw_box(const struct vz_frame *f, const struct topo_box *b);
void topo_draw_port(const struct vz_frame *f, const struct topo_box *b, int k);
/* The caption of port k of b ("workq · 3 of 16 queued"): its rectangle, and
 * its text in line (len bytes; none when line is NULL). */
struct vz_rect topo_port_caption(const struct vz_frame *f, const struct topo_box *b, int k,
				 char *line, size_t len);
/* The lines listing b's threads, at most fit and TOPO_THREADS: each
 * thread's name and state at f->now (cat: its pal_cat, -1 not started, -2
 * exited) or, when threads are left out, last "+3 more threads"
 * (TOPO_LINE_MORE). Returns how many. */
enum { TOPO_LINE_MORE = -3 };
struct topo_thread_line {
	char text[160];
	int cat;
};
size_t topo_thread_lines(const struct vz_frame *f, const struct topo_box *b, size_t fit,
			 struct topo_thread_line *out);
/* How many request ports of the boxes shown have no queue drawn, in
 * L->ports_left_out. */
void topo_count_left_out(const struct vz_frame *f, struct topo_layout *L);
/* The request ports of b's process, up to TOPO_PORTS, as queues. */
void topo_place_ports(const struct trace_index *ix, struct topo_box *b);

/* With nodes (view_topo_nodes.c): lay out the nodes, their boxes, the
 * links and the charts in plot p (the strip and T included); draw the
 * frames and links (under the edges); the link or node at (x, y): 1 and
 * *pk, or 0. */
void topo_layout_nodes(const struct vz_frame *f, struct vz_rect p, struct topo_layout *L);
void topo_draw_nodes(const struct vz_frame *f, const struct topo_layout *L);
/* With nodes (view_topo_labels.c): draw the moves' arcs and the labels of
 * links and moves (over the boxes). */
void topo_draw_moves(const struct vz_frame *f, const struct topo_layout *L);
/* Where the links' labels and the moves' labels are drawn at the current
 * time (the rectangles their backgrounds cover), at most max; returns how
 * many. Edge counts are placed clear of them. */
enum { TOPO_TAKEN = TOPO_LINKS + 64 };
size_t topo_node_labels(const struct vz_frame *f, const struct topo_layout *L,
			struct vz_rect *out, size_t max);
/* Text s of parts joined by " · " cut to its first parts that fit in room
 * px (FONT_SMALL); empty when not even the first does. */
void topo_fit_parts(struct draw *d, char *s, float room);
/* The moves' dashed arcs as drawn at the current time, at most max;
 * returns how many. */
size_t topo_move_arcs(const struct vz_frame *f, const struct topo_layout *L,
		      struct topo_link *out, size_t max);
/* How many labels of links and moves find no place (left out). */
size_t topo_node_labels_left_out(const struct vz_frame *f, const struct topo_layout *L);
int topo_pick_nodes(const struct vz_frame *f, const struct topo_layout *L, float x, float y,
		    struct vz_pick *pk);

/* The packets (view_topo_packets.c): on the links at the current time and
 * in the links' charts; the packet drawn nearest to (x, y), within a few
 * pixels: 1 and its index in *i, or 0. */
void topo_draw_packets(const struct vz_frame *f, const struct topo_layout *L);
int topo_pick_packet(const struct vz_frame *f, const struct topo_layout *L, float x, float y,
		     size_t *i);

/* A link's curve is drawn as this many straight pieces. */
enum { CURVE_STEPS = 24 };

/* Shared by view_topo_nodes.c and view_topo_labels.c: the frame of node n
 * in the layout, or NULL when it is not shown; curve k left as it is when
 * it crosses no node frame but a's and b's (and, within, stays in the
 * boxes' area), else bent one way or the other from its chord until it
 * does; whether rectangle r meets curve k, as wide as pad on each side. */
const struct topo_node *topo_frame_of(const struct topo_layout *L, uint32_t n);
void topo_bend_clear(const struct topo_layout *L, struct topo_link *k, const struct topo_node *a,
		     const struct topo_node *b, float u, int within);
int topo_meets_curve(struct vz_rect r, const struct topo_link *k, float pad);

/* Distance from (x, y) to the segment (x0, y0) - (x1, y1). */
float topo_seg_dist(float x0, float y0, float x1, float y1, float x, float y);

/* The y of the two ends' lines of chart i (node a's, node b's). */
void topo_chart_ends(const struct topo_layout *L, size_t i, float u, float *ya, float *yb);

/* The point at t (0 .. 1) along link k's curve, and the unit normal there. */
void topo_link_at(const struct topo_link *k, float t, float *x, float *y, float *nx, float *ny);

#endif
