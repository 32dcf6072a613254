/*
 * palette.h - the colours of every view, in one place: the page, text and
 * grid; one colour per thread state (and blocking reason); one per port
 * that receives requests (messages are drawn in their port's colour, a
 * reply in the colour of the call it answers); one per process (CPU bars,
 * topology boxes).
 *
 * The one idea: a colour means the same thing in every view and in the
 * legend, and the palettes stay readable on white and for colour-blind
 * readers (hues spaced apart, states told apart by lightness too).
 *
 * Entry points: pal_cat_of, pal_cat_colour, pal_cat_name, pal_port,
 * pal_msg, pal_proc, pal_thread, pal_fault, pal_node, pal_node_tint, pal_mix.
 */
#ifndef UKERN_PALETTE_H
#define UKERN_PALETTE_H

#include <stdint.h>

#include "trace_index.h"

enum {
	PAL_BG = 0xffffff,        /* the page */
	PAL_PANEL = 0xf6f8fa,     /* header, gutter, legend, every other lane */
	PAL_GRID = 0xe8ecf0,      /* tick lines */
	PAL_BORDER = 0xd0d7de,    /* separators and box outlines */
	PAL_AXIS = 0x6e7781,      /* axis line and ticks */
	PAL_TEXT = 0x1f2328,
	PAL_DIM = 0x59636e,       /* secondary text */
	PAL_FAINT = 0x8c959f,     /* tertiary text, hints */
	PAL_ACCENT = 0x0969da,    /* the active tab, the cursor */
	PAL_SELECT = 0xff8c00,    /* the selected message or interval */
	PAL_DROP = 0xcf222e,      /* a dropped message */
	PAL_DEADLOCK = 0xcf222e,  /* the deadlock's line and wait-for arrows */
	PAL_GAP = 0xeef1f4,       /* a collapsed idle stretch */
	PAL_NAMESERVER = 0x6e7781 /* the name server's port and box */
};

/* What a state band shows: running, ready, or blocked for a reason. */
enum pal_cat {
	CAT_RUNNING, CAT_READY, CAT_RECV, CAT_REPLY, CAT_SEND, CAT_SLEEP, CAT_JOIN, CAT_LOCK,
	CAT_IO, CAT_IDLE, CAT_OTHER, CAT_COUNT
};

/* The category of a thread state and reason (ti_state, ti_reason). */
enum pal_cat pal_cat_of(uint8_t state, uint8_t reason);
uint32_t pal_cat_colour(enum pal_cat c);
/* A short name for the legend ("running", "blocked: recv"). */
const char *pal_cat_name(enum pal_cat c);

/* The colour of port pt (the name server's is grey). */
uint32_t pal_port(const struct trace_index *ix, uint32_t pt);
/* The colour of a message: its port's, or for a reply its call's port's. */
uint32_t pal_msg(const struct trace_index *ix, const struct ti_msg *m);
/* The colour of a process, and of one of its threads (lighter for later
 * threads of the same process). */
uint32_t pal_proc(const struct trace_index *ix, uint32_t pr);
uint32_t pal_thread(const struct trace_index *ix, uint32_t th);
/* The colour of a page fault of kind k (trace record page_fault): grey a
 * zero-fill, orange a copy-on-write copy, amber one without a copy, red a
 * segmentation fault or no free frame. */
uint32_t pal_fault(uint8_t k);
/* The colour of node n (its header and box), and the pale tint of its
 * background; n TI_NONE: grey. */
uint32_t pal_node(uint32_t n);
uint32_t pal_node_tint(uint32_t n);
/* a blended towards b by t (0 = a, 1 = b). */
uint32_t pal_mix(uint32_t a, uint32_t b, float t);

#endif
