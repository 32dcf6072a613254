/*
 * view_topo.h - what the two files of the topology view share
 * (view_topo.c: layout, boxes, queues, the time strip, picking;
 * view_topo_edges.c: the edges and the messages in flight): the layout of
 * the boxes and where a port's queue is drawn.
 */
#ifndef UKERN_VIEW_TOPO_H
#define UKERN_VIEW_TOPO_H

#include "view.h"

enum { TOPO_BOXES = 48, TOPO_PORTS = 6, TOPO_EDGES = 256, TOPO_THREADS = 4, TOPO_NAMES = 4,
       TOPO_DOTS = 400 };

struct topo_box {
	uint32_t pr;
	float x, y, w, h;         /* px */
	int side;                 /* where its queues hang: 0 below, 1 on the left */
	uint32_t port[TOPO_PORTS];    /* request ports it holds, shown as queues */
	int nports;
	int compact;              /* too many boxes: a name only, no queues */
};

struct topo_layout {
	struct vz_rect area;          /* where the boxes go */
	struct vz_time_layout T;      /* the time strip */
	struct topo_box box[TOPO_BOXES];
	size_t n;
	int box_of[TOPO_BOXES];       /* proc index -> box, -1 if not shown */
};

/* More boxes than this: edges without counts, no reply edges. */
enum { TOPO_CROWDED = 16 };

/* The queue glyph of port k of box b: its cells' rectangle (below the box,
 * or left of it for a server on the right). */
struct vz_rect topo_port_rect(const struct vz_frame *f, const struct topo_box *b, int k);

/* Where a request edge to port k of box b ends. */
void topo_port_entry(const struct vz_frame *f, const struct topo_box *b, int k, float *x,
		     float *y);

/* The point where the line from the centre of b towards (tx, ty) leaves b. */
void topo_box_exit(const struct topo_box *b, float tx, float ty, float *x, float *y);

/* The edges of the messages sent from the window's start to the current
 * time, and the messages in flight at the current time (view_topo_edges.c). */
void topo_draw_edges(const struct vz_frame *f, const struct topo_layout *L);
void topo_draw_in_flight(const struct vz_frame *f, const struct topo_layout *L);

#endif
