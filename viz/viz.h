/*
 * viz.h - what the command line asks of the viewer: draw a view of a trace
 * into a PNG (ukern render) or open a window on it (ukern view).
 *
 * The one idea: the commands parse their arguments and load the trace
 * index; everything that needs SDL sits behind these few calls. When ukern
 * is built without SDL (configure --without-sdl) a stand-in (viz_none.c)
 * answers them, so the commands still exist and say why they cannot work.
 *
 * Entry points: viz_available, viz_view_parse, viz_view_name, viz_size_parse,
 * viz_base_name, viz_window, viz_render, viz_view, VIZ_NOT_BUILT.
 */
#ifndef UKERN_VIZ_H
#define UKERN_VIZ_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "trace_index.h"

/* The views, in the order Tab goes through them. */
enum viz_view { VIZ_SEQUENCE, VIZ_CPU, VIZ_TOPOLOGY, VIZ_MEMORY, VIZ_VIEW_COUNT };

/* Size limits of a picture or window, px. */
enum { VIZ_MIN_W = 480, VIZ_MIN_H = 320, VIZ_MAX_SIDE = 8192 };

struct viz_opts {
	enum viz_view view;
	uint64_t from, to;        /* the time window, ns, from < to */
	int width, height;        /* px, within the limits above */
	int linear;               /* 1: do not collapse idle stretches */
	unsigned frames;          /* render: draw the frame this many times and
				   * report the time per frame on stderr (0: once) */
	int first_row;            /* render: the first row shown, from 1 (0: the first) */
	const char *title;        /* shown in the header: the scenario or trace name */
	int play;                 /* live: start playing (else paused at time 0) */
};

/* The message of view and render in a ukern built without the viewer. */
#define VIZ_NOT_BUILT \
	"this ukern was built without the viewer (SDL2, SDL2_ttf, SDL2_image or fontconfig " \
	"was missing at configure time); install libsdl2-dev libsdl2-ttf-dev " \
	"libsdl2-image-dev libfontconfig-dev and rebuild (./configure --with-sdl)"

/* 1 when this ukern has the viewer, 0 when it was built without SDL. */
int viz_available(void);

/* The view called name ("sequence", also "timeline"; "cpu"; "topology";
 * "memory"), or -1. */
int viz_view_parse(const char *name);

/* The name of view v. */
const char *viz_view_name(enum viz_view v);

/* Parse "WxH" within the limits. Returns 0, or -1 when s is malformed or
 * out of range. */
int viz_size_parse(const char *s, int *w, int *h);

/* The last part of a path: the name a window or picture is titled with. */
const char *viz_base_name(const char *path);

/* Settle o's window on ix: from defaults to 0 and to to the run's end
 * unless has_from / has_to; the title from the trace's scenario (else
 * trace_path), kept in title (len bytes). Returns 0, or -1 with a message
 * in err when the window is empty or starts after the run's end. */
int viz_window(const struct trace_index *ix, struct viz_opts *o, int has_from, int has_to,
	       const char *trace_path, char *title, size_t len, char *err, size_t errlen);

/* Draw o->view of ix as a PNG into out (left open). Returns 0, or -1 with a
 * message in err (SDL failed, or the PNG cannot be written; out may then
 * hold part of a file: write to a temporary name, see cli/outfile.h). */
int viz_render(const struct trace_index *ix, const struct viz_opts *o, FILE *out,
	       char *err, size_t errlen);

struct viz_recbuf;

/* The simulation behind the live viewer ("ukern run --view"). */
struct viz_live {
	/* Run on to virtual time until, handling at most max_instants instants
	 * (the events of one virtual time each). Returns 1 when it got to
	 * until (nothing happens before it), 2 when it stopped earlier after
	 * max_instants, 0 once the run has ended. */
	int (*advance)(void *ctx, uint64_t until, uint64_t max_instants);
	/* The simulation's virtual time, ns. */
	uint64_t (*now)(void *ctx);
	/* A line saying how the run ended, once it has (e.g. "deadlock"). */
	const char *(*outcome)(void *ctx);
	void *ctx;
	const struct viz_recbuf *records;   /* the simulation's trace so far */
	/* Optional: nonzero once the run was asked to stop (Ctrl-C): the
	 * window closes within a second. */
	int (*stopped)(void *ctx);
};

/* Open a window on a simulation that has not run yet, and let the user
 * drive it - play, pause, step, speed, run to a time - until they close
 * it; the viewer only calls src->advance, it never changes the kernel.
 * Returns 0 (the simulation may be anywhere then), or -1 with a message in
 * err when no window can be opened or memory runs out. */
int viz_live(const struct viz_live *src, const struct viz_opts *o, char *err, size_t errlen);

/* Open a window on ix and run it until the user closes it. Returns 0, or -1
 * with a message in err when no window can be opened. Never changes ix. */
int viz_view(const struct trace_index *ix, const struct viz_opts *o, char *err, size_t errlen);

#endif
