/*
 * palette.c - the colour tables (API: palette.h).
 *
 * States: running is the one saturated colour (work being done); ready is
 * amber (could run, has no CPU); the blocking reasons are lighter hues, and
 * a receive wait - what an idle server does all day - is the quietest.
 * Processes cycle through eight hues picked for contrast on white (after
 * GitHub's Primer colours); a port takes its owner's hue, so the arrows to
 * a server have the server's colour (a second port of the same process
 * moves three hues on).
 */
#include "palette.h"

static const uint32_t cat_colour[CAT_COUNT] = {
	[CAT_RUNNING] = 0x2da44e, [CAT_READY] = 0xf2c94c, [CAT_RECV] = 0xd4dbe3,
	[CAT_REPLY] = 0xc5b3f6, [CAT_SEND] = 0xffa46b, [CAT_SLEEP] = 0xa8d8f0,
	[CAT_JOIN] = 0x8fd6c4, [CAT_LOCK] = 0xf7a1a1, [CAT_IO] = 0xdcbf9a, [CAT_IDLE] = 0xeceff2,
	[CAT_OTHER] = 0xb8c0c8,
};

static const char *const cat_name[CAT_COUNT] = {
	[CAT_RUNNING] = "running", [CAT_READY] = "ready", [CAT_RECV] = "blocked: recv",
	[CAT_REPLY] = "blocked: reply", [CAT_SEND] = "blocked: send", [CAT_SLEEP] = "sleep",
	[CAT_JOIN] = "blocked: join", [CAT_LOCK] = "blocked: lock", [CAT_IO] = "blocked: I/O",
	[CAT_IDLE] = "idle LWP", [CAT_OTHER] = "blocked: other",
};

/* Strong hues for message arrows and port queues: blue, purple, green,
 * orange, teal, pink, brown, red (red last: a dropped message is red; no
 * yellow: amber means ready). */
static const uint32_t port_colour[] = {
	0x0969da, 0x8250df, 0x1a7f37, 0xbc4c00, 0x1b7c83, 0xbf3989, 0x8a4f1d, 0xcf222e,
};

/* The same hues, lighter, for filled bars and boxes that carry dark text. */
static const uint32_t proc_colour[] = {
	0x54aeff, 0xc297ff, 0x4ac26b, 0xfb8f44, 0x3fb8af, 0xff80c8, 0xb5835a, 0xff8182,
};

enum { NHUES = sizeof port_colour / sizeof port_colour[0] };

enum pal_cat pal_cat_of(uint8_t state, uint8_t reason)
{
	static const enum pal_cat by_reason[TI_REASON_COUNT] = {
		[TI_R_SEND] = CAT_SEND, [TI_R_RECV] = CAT_RECV, [TI_R_REPLY] = CAT_REPLY,
		[TI_R_SLEEP] = CAT_SLEEP, [TI_R_JOIN] = CAT_JOIN, [TI_R_LOCK] = CAT_LOCK,
		[TI_R_IO] = CAT_IO, [TI_R_IDLE] = CAT_IDLE, [TI_R_CHILD] = CAT_JOIN,
	};

	if (state == TI_RUNNING)
		return CAT_RUNNING;
	if (state == TI_READY)
		return CAT_READY;
	if (reason < TI_REASON_COUNT && by_reason[reason])
		return by_reason[reason];
	return CAT_OTHER;
}

uint32_t pal_cat_colour(enum pal_cat c)
{
	return c < CAT_COUNT ? cat_colour[c] : cat_colour[CAT_OTHER];
}

const char *pal_cat_name(enum pal_cat c)
{
	return c < CAT_COUNT ? cat_name[c] : cat_name[CAT_OTHER];
}

/* The hue index of process pr. */
static uint32_t hue(const struct trace_index *ix, uint32_t pr)
{
	return pr < ix->nprocs ? ix->procs[pr].rank : 0;
}

uint32_t pal_port(const struct trace_index *ix, uint32_t pt)
{
	const struct ti_port *p;

	if (pt >= ix->nports)
		return PAL_DIM;
	p = &ix->ports[pt];
	if (p->owner == TI_NONE)
		return port_colour[(p->colour * 3) % NHUES];
	if (ix->procs[p->owner].nameserver)
		return PAL_NAMESERVER;
	return port_colour[(hue(ix, p->owner) + p->colour * 3) % NHUES];
}

uint32_t pal_msg(const struct trace_index *ix, const struct ti_msg *m)
{
	if (m->kind == TI_REPLY && m->reply_to != TI_NONE)
		return pal_port(ix, ix->msgs[m->reply_to].port);
	return pal_port(ix, m->port);
}

uint32_t pal_proc(const struct trace_index *ix, uint32_t pr)
{
	if (pr >= ix->nprocs || ix->procs[pr].nameserver)
		return 0xafb8c1;
	return proc_colour[hue(ix, pr) % NHUES];
}

uint32_t pal_thread(const struct trace_index *ix, uint32_t th)
{
	uint32_t base = pal_proc(ix, ix->threads[th].proc);

	return pal_mix(base, 0xffffff, 0.22f * (float)(ix->threads[th].sub % 3));
}

uint32_t pal_fault(uint8_t k)
{
	return k == 1 ? 0x6e7781 : k == 2 ? 0xbc4c00 : k == 3 ? 0xd4a72c : 0xcf222e;
}

/* Nodes: muted, dark hues, apart from the processes' bright ones, so that a
 * node's frame and header do not read as a process. */
static const uint32_t node_colour[] = {
	0x3b5b8c, 0x7a4f86, 0x2f6f4f, 0x8a5a2b, 0x2d6e78, 0x8c3f5d, 0x5b5f2a, 0x6b4c3b,
};

uint32_t pal_node(uint32_t n)
{
	if (n == TI_NONE)
		return PAL_AXIS;
	return node_colour[n % (sizeof node_colour / sizeof node_colour[0])];
}

uint32_t pal_node_tint(uint32_t n)
{
	return pal_mix(pal_node(n), PAL_BG, 0.9f);
}

uint32_t pal_mix(uint32_t a, uint32_t b, float t)
{
	uint32_t out = 0;

	for (int sh = 0; sh <= 16; sh += 8) {
		float ca = (float)((a >> sh) & 0xff), cb = (float)((b >> sh) & 0xff);
		out |= (uint32_t)(ca + (cb - ca) * t + 0.5f) << sh;
	}
	return out;
}
