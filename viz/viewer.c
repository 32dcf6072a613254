/*
 * viewer.c - the window: "ukern view" (API: viz_view in viz.h).
 *
 * The one idea, from kilo: poll input, change the little state the viewer
 * has (which view, which time window, what is selected), redraw the whole
 * frame from that state and the read-only index, present it once. Nothing
 * here touches the index, let alone the kernel. The loop waits for events
 * instead of spinning; a frame is drawn only when something changed.
 *
 * The live viewer ("ukern run --view") is the same loop with a source:
 * between handling input and drawing it asks the simulation to advance
 * (while playing, by the virtual time the speed gives per wall-clock
 * second; or one instant for a step), then draws a fresh index of the
 * records so far (recbuf.h). The kernel only ever runs inside advance.
 */
#include <SDL.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "draw.h"
#include "recbuf.h"
#include "units.h"
#include "view.h"
#include "viz.h"

enum { TOAST_MS = 2500, DRAG_PX = 4 };

/* The live viewer: instants handled per frame at most (so the window stays
 * responsive however dense the run), and the playing speeds, virtual ns per
 * wall-clock second, from 1us/s to 10s/s. */
enum { LIVE_BUDGET = 20000, LIVE_FRAME_MS = 16 };
#define SPEED_MIN 1e3
#define SPEED_MAX 1e10

struct live {
	const struct viz_live *src;
	struct trace_index *ix;    /* the index drawn now (ours) */
	uint64_t shown;            /* virtual time the view has reached, ns */
	uint64_t target;           /* run-to time, or 0 */
	double speed;              /* virtual ns per wall second */
	int playing, ended, follow, typing;
	uint32_t tick;             /* SDL ticks at the last advance */
	uint32_t next_index;       /* SDL ticks before which no rebuild while playing */
	size_t indexed;            /* records in ix */
	char typed[32];            /* the run-to time being typed */
	char status[96];
};

struct viewer {
	struct vz_frame fr;        /* what the next frame shows */
	uint64_t end;              /* the end of the whole window (0 is its start) */
	int dirty, quit;
	int pressed, dragging;     /* left button down; moved far enough to pan */
	float press_x;
	uint64_t press_from;       /* window start when the drag began, ns */
	double press_ns_per_px;
	uint32_t toast_until;      /* SDL ticks */
	char toast[400];
	struct live *live;         /* NULL for a recorded trace */
	int pointer_seen;          /* a motion event came: where the pointer was */
	int pointer_x, pointer_y;  /* (tooltips wait for it to move from there) */
};

/* ---- the time window ---- */

/* Set the window to [from, from + span], kept inside [0, end]. */
static void set_window(struct viewer *v, int64_t from, uint64_t span)
{
	uint64_t end = v->end;

	if (span < 20)
		span = 20;
	if (span >= end) {
		v->fr.from = 0;
		v->fr.to = end;
	} else {
		if (from < 0)
			from = 0;
		if ((uint64_t)from > end - span)
			from = (int64_t)(end - span);
		v->fr.from = (uint64_t)from;
		v->fr.to = (uint64_t)from + span;
	}
	v->dirty = 1;
}

/* Zoom by factor k (< 1 in) keeping time t where it is. */
static void zoom(struct viewer *v, uint64_t t, double k)
{
	double from = (double)v->fr.from, to = (double)v->fr.to, tt = (double)t;

	set_window(v, (int64_t)(tt - (tt - from) * k), (uint64_t)((to - from) * k + 0.5));
}

static void pan(struct viewer *v, double frac)
{
	uint64_t span = v->fr.to - v->fr.from;

	set_window(v, (int64_t)v->fr.from + (int64_t)((double)span * frac), span);
}

/* Move the current time to t, and the window to it (t in its middle) when
 * it is outside. */
static void set_now(struct viewer *v, uint64_t t)
{
	uint64_t span = v->fr.to - v->fr.from;

	v->fr.now = t;
	if (t < v->fr.from || t > v->fr.to)
		set_window(v, (int64_t)t - (int64_t)(span / 2), span);
	v->dirty = 1;
}

/* Move the current time to the next (dir > 0) or previous record time. */
static void step_now(struct viewer *v, int dir)
{
	const struct trace_index *ix = v->fr.ix;
	size_t lo = 0, hi = ix->ntimes;

	while (lo < hi) {                        /* first time > now */
		size_t mid = lo + (hi - lo) / 2;
		if (ix->times[mid] <= v->fr.now)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (dir > 0 && lo < ix->ntimes)
		set_now(v, ix->times[lo]);
	else if (dir < 0 && lo > 0 && ix->times[lo - 1] == v->fr.now && lo > 1)
		set_now(v, ix->times[lo - 2]);
	else if (dir < 0 && lo > 0 && ix->times[lo - 1] < v->fr.now)
		set_now(v, ix->times[lo - 1]);
	v->dirty = 1;
}

/* ---- screenshots and messages ---- */

static void say(struct viewer *v, const char *msg)
{
	snprintf(v->toast, sizeof v->toast, "%s", msg);
	v->toast_until = SDL_GetTicks() + TOAST_MS;
	v->dirty = 1;
}

/* Save the frame (without the message line) as ukern-VIEW-N.png, through a
 * temporary file renamed into place. */
static void screenshot(struct viewer *v)
{
	char name[64], tmp[96], err[300], msg[400];
	struct stat st;
	const char *toast = v->fr.toast;
	int n = 1, fd;
	FILE *out = NULL;

	do
		snprintf(name, sizeof name, "ukern-%s-%d.png", viz_view_name(v->fr.view), n++);
	while (stat(name, &st) == 0 && n < 10000);
	snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", name);
	v->fr.toast = NULL;
	vz_draw_frame(&v->fr);
	v->fr.toast = toast;
	if ((fd = mkstemp(tmp)) < 0 || !(out = fdopen(fd, "wb"))) {
		snprintf(msg, sizeof msg, "cannot save %s: %s", name, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
	} else {
		mode_t um = umask(0);
		int bad;
		umask(um);
		fchmod(fd, 0666 & ~um);    /* as a plain fopen would have made it */
		bad = draw_save_png(v->fr.d, out, err, sizeof err) != 0;
		if (fclose(out) != 0 && !bad) {
			snprintf(err, sizeof err, "%s", strerror(errno));
			bad = 1;
		}
		if (!bad && rename(tmp, name) != 0) {
			snprintf(err, sizeof err, "%s", strerror(errno));
			bad = 1;
		}
		if (bad) {
			snprintf(msg, sizeof msg, "cannot save %s: %s", name, err);
			unlink(tmp);
		} else {
			snprintf(msg, sizeof msg, "saved %s", name);
			/* ukern run --view keeps stdout for the statistics */
			fprintf(v->live ? stderr : stdout, "ukern view: saved %s\n", name);
			fflush(v->live ? stderr : stdout);
		}
	}
	say(v, msg);
}

/* ---- the live simulation ---- */

static void live_status(struct viewer *v)
{
	struct live *L = v->live;
	char sp[32];

	units_format_ns((uint64_t)L->speed, sp, sizeof sp);
	if (L->typing)
		snprintf(L->status, sizeof L->status, "run to: %s_", L->typed);
	else if (L->ended)
		snprintf(L->status, sizeof L->status, "ended: %s", L->src->outcome(L->src->ctx));
	else if (L->target)
		snprintf(L->status, sizeof L->status, "running on");
	else
		snprintf(L->status, sizeof L->status, "%s · %s/s", L->playing ? "playing" : "paused", sp);
	v->fr.live = L->status;
}

/* Draw from a fresh index of every record so far, ending at the time the
 * run has reached (a thread's last state is drawn up to there, not on into
 * the window's end), and keep the window on the newest time if it showed it
 * (the whole run so far, or its end); the current time follows the run
 * there as it goes on. */
static void live_index(struct viewer *v)
{
	struct live *L = v->live;
	uint64_t span = v->fr.to - v->fr.from, end = L->shown > 1000 ? L->shown : 1000;
	int at_end = v->fr.to >= v->end, whole = at_end && v->fr.from == 0;
	int moved = !L->ix || viz_recbuf_count(L->src->records) != L->indexed ||
		    L->ix->end_ns != L->shown;

	if (moved) {
		uint32_t t0 = SDL_GetTicks(), took;
		struct trace_index *ix = viz_recbuf_index(L->src->records, L->shown);
		if (!ix) {
			say(v, "out of memory: the view stays where it is");
			L->playing = 0;
			L->target = 0;
			return;
		}
		took = SDL_GetTicks() - t0;
		trace_index_free(L->ix);
		L->ix = ix;
		v->fr.ix = ix;
		L->indexed = viz_recbuf_count(L->src->records);
		L->next_index = SDL_GetTicks() + (took * 4 > 100 ? took * 4 : 100);
		/* Threads, processes, ports, messages, regions, frames and
		 * memory events keep their indices as records are added;
		 * intervals and CPU slices do not. */
		if (v->fr.sel.kind == PICK_IV || v->fr.sel.kind == PICK_RUN)
			v->fr.sel.kind = PICK_NONE;
		v->fr.hover.kind = PICK_NONE;
	}
	v->end = end;
	if (whole)
		set_window(v, 0, end);
	else if (at_end)
		set_window(v, (int64_t)end - (int64_t)span, span);
	if (at_end && moved)
		v->fr.now = L->shown;
	v->dirty = 1;
}

/* Let the simulation run on to until, at most budget instants. */
static void live_advance(struct viewer *v, uint64_t until, uint64_t budget)
{
	struct live *L = v->live;
	int r;

	if (L->ended)
		return;
	r = L->src->advance(L->src->ctx, until, budget);
	if (r == 0) {
		char msg[200];
		L->ended = 1;
		L->playing = 0;
		L->target = 0;
		snprintf(msg, sizeof msg, "the run has ended: %s", L->src->outcome(L->src->ctx));
		say(v, msg);
	}
	if (r == 1 && until != UINT64_MAX)
		L->shown = until;               /* nothing happens before until */
	if (L->src->now(L->src->ctx) > L->shown)
		L->shown = L->src->now(L->src->ctx);
	if (L->target && L->shown >= L->target) {
		char msg[100], at[32];
		units_format_ns(L->shown, at, sizeof at);
		snprintf(msg, sizeof msg, "paused at %s", at);
		L->target = 0;
		if (!L->ended)
			say(v, msg);
	}
	v->dirty = 1;
}

/* Called every turn of the loop: advance while playing or running on. */
static void live_tick(struct viewer *v)
{
	struct live *L = v->live;
	uint32_t now = SDL_GetTicks(), dt = now - L->tick;

	L->tick = now;
	if (L->target) {
		live_advance(v, L->target, LIVE_BUDGET);
	} else if (L->playing) {
		double ahead = (double)dt / 1000.0 * L->speed;
		uint64_t until = ahead >= (double)(UINT64_MAX - L->shown) ? UINT64_MAX
								      : L->shown + (uint64_t)ahead;
		live_advance(v, until, LIVE_BUDGET);
	}
	if (v->dirty && (!(L->playing || L->target) || SDL_TICKS_PASSED(now, L->next_index) ||
			 L->ended))
		live_index(v);
	live_status(v);
}

/* Run to a time the run has passed: show that moment as recorded. */
static void live_past(struct viewer *v, uint64_t t)
{
	char msg[160], at[32], shown[32];

	set_now(v, t);
	units_format_ns(t, at, sizeof at);
	units_format_ns(v->live->shown, shown, sizeof shown);
	snprintf(msg, sizeof msg, "the run is past %s (at %s): showing %s as recorded", at, shown, at);
	say(v, msg);
}

/* Keys of the live viewer; returns 1 when k was one. */
static int live_key(struct viewer *v, SDL_Keycode c)
{
	struct live *L = v->live;

	if (L->typing) {
		if (c == SDLK_RETURN || c == SDLK_KP_ENTER) {
			uint64_t t;
			L->typing = 0;
			if (units_parse_duration(L->typed, &t) != 0)
				say(v, "not a time: write 25ms, 1.5s, 300us (a bare number is ms)");
			else if (t <= L->shown)
				live_past(v, t);
			else if (!L->ended)
				L->target = t;
		} else if (c == SDLK_ESCAPE) {
			L->typing = 0;
		} else if (c == SDLK_BACKSPACE && L->typed[0]) {
			L->typed[strlen(L->typed) - 1] = '\0';
		}
		v->dirty = 1;
		return 1;
	}
	if (c == SDLK_SPACE) {
		L->playing = !L->playing && !L->ended;
		L->target = 0;
		L->tick = SDL_GetTicks();
	} else if (c == SDLK_n) {
		L->playing = 0;
		L->target = 0;
		live_advance(v, UINT64_MAX, 1);
	} else if (c == SDLK_PERIOD || c == SDLK_COMMA) {
		L->speed *= c == SDLK_PERIOD ? 2 : 0.5;
		L->speed = L->speed < SPEED_MIN ? SPEED_MIN : L->speed > SPEED_MAX ? SPEED_MAX : L->speed;
	} else if (c == SDLK_t && !L->ended) {
		L->typing = 1;
		L->typed[0] = '\0';
	} else if (c == SDLK_e && !L->ended) {
		L->target = UINT64_MAX;
	} else {
		return 0;
	}
	v->dirty = 1;
	return 1;
}

/* Typed characters of a run-to time: digits, '.', and unit letters. */
static void live_text(struct viewer *v, const char *text)
{
	struct live *L = v->live;

	for (; *text && L->typing; text++) {
		size_t n = strlen(L->typed);
		if (strchr("0123456789.nusm", *text) && n + 1 < sizeof L->typed) {
			L->typed[n] = *text;
			L->typed[n + 1] = '\0';
		}
	}
	v->dirty = 1;
}

/* ---- input ---- */

static void click(struct viewer *v, float x, float y)
{
	struct vz_pick pk = { PICK_NONE, 0, 0 };

	if (vz_pick(&v->fr, x, y, &pk)) {
		if (pk.kind == PICK_TIME)
			v->fr.now = pk.t;
		else
			v->fr.sel = pk;
		if (pk.kind == PICK_VMEV)          /* a memory event: its moment */
			v->fr.now = pk.t;
	} else {
		v->fr.sel.kind = PICK_NONE;
	}
	if (pk.kind != PICK_TIME && v->fr.view != VIZ_TOPOLOGY && v->fr.view != VIZ_MEMORY) {
		uint64_t t = vz_time_at(&v->fr, x);  /* keep the topology's time in step */
		if (t > v->fr.from && t < v->fr.to)
			v->fr.now = t;
	}
	v->dirty = 1;
}

static void next_view(struct viewer *v, int dir)
{
	v->fr.view = (enum viz_view)(((int)v->fr.view + VIZ_VIEW_COUNT + dir) % VIZ_VIEW_COUNT);
	v->fr.sel.kind = PICK_NONE;
	v->dirty = 1;
}

static void key(struct viewer *v, const SDL_KeyboardEvent *k)
{
	SDL_Keycode c = k->keysym.sym;
	int shift = (k->keysym.mod & KMOD_SHIFT) != 0;

	v->dirty = 1;
	if (v->live && live_key(v, c))
		return;
	if (c == SDLK_q || (c == SDLK_ESCAPE && !v->fr.help))
		v->quit = 1;
	else if (c == SDLK_ESCAPE || c == SDLK_h || c == SDLK_F1)
		v->fr.help = !v->fr.help;
	else if (c == SDLK_TAB)
		next_view(v, shift ? -1 : 1);
	else if (c >= SDLK_1 && c < SDLK_1 + VIZ_VIEW_COUNT)
		next_view(v, (int)(c - SDLK_1) - (int)v->fr.view);
	else if (c == SDLK_s)
		screenshot(v);
	else if (c == SDLK_PLUS || c == SDLK_EQUALS || c == SDLK_KP_PLUS)
		zoom(v, vz_time_mid(&v->fr), 0.5);
	else if (c == SDLK_MINUS || c == SDLK_KP_MINUS)
		zoom(v, vz_time_mid(&v->fr), 2.0);
	else if (c == SDLK_0 || c == SDLK_HOME)
		set_window(v, 0, v->end);
	else if (c == SDLK_LEFT || c == SDLK_RIGHT)
		pan(v, c == SDLK_LEFT ? -0.125 : 0.125);
	else if (c == SDLK_LEFTBRACKET || c == SDLK_RIGHTBRACKET)
		step_now(v, c == SDLK_LEFTBRACKET ? -1 : 1);
	else if (c == SDLK_UP || c == SDLK_PAGEUP)
		v->fr.lane0 = v->fr.lane0 > (c == SDLK_UP ? 1 : 8) ? v->fr.lane0 - (c == SDLK_UP ? 1 : 8) : 0;
	else if (c == SDLK_DOWN || c == SDLK_PAGEDOWN)
		v->fr.lane0 += c == SDLK_DOWN ? 1 : 8;
	else if (c == SDLK_g)
		v->fr.collapse = !v->fr.collapse;
	else
		v->dirty = 0;
	v->fr.lane0 = vz_first_row(&v->fr);
}

/* Typed text: a run-to time being typed, else '?' for the help. The
 * character, not a key: '?' is Shift and another key on most layouts. */
static void text(struct viewer *v, const char *s)
{
	if (v->live && v->live->typing) {
		live_text(v, s);
	} else if (strcmp(s, "?") == 0) {
		v->fr.help = !v->fr.help;
		v->dirty = 1;
	}
}

static void mouse(struct viewer *v, const SDL_Event *e)
{
	if (e->type == SDL_MOUSEWHEEL && e->wheel.y != 0) {
		int x, y;
		SDL_GetMouseState(&x, &y);
		zoom(v, vz_time_at(&v->fr, (float)x), e->wheel.y > 0 ? 0.8 : 1.25);
	} else if (e->type == SDL_MOUSEBUTTONDOWN && e->button.button == SDL_BUTTON_LEFT) {
		v->pressed = 1;
		v->dragging = 0;
		v->press_x = (float)e->button.x;
		v->press_from = v->fr.from;
		v->press_ns_per_px = vz_ns_per_px(&v->fr);
	} else if (e->type == SDL_MOUSEMOTION && !v->pressed &&
		   (!v->pointer_seen || (e->motion.x == v->pointer_x && e->motion.y == v->pointer_y))) {
		/* A pointer that was there when the window opened is not hovering. */
		v->pointer_seen = 1;
		v->pointer_x = e->motion.x;
		v->pointer_y = e->motion.y;
	} else if (e->type == SDL_MOUSEMOTION && !v->pressed) {
		struct vz_pick pk = { PICK_NONE, 0, 0 };
		v->pointer_x = -1;
		if (!vz_pick(&v->fr, (float)e->motion.x, (float)e->motion.y, &pk))
			pk.kind = PICK_NONE;
		if (pk.kind != v->fr.hover.kind || pk.i != v->fr.hover.i || pk.kind != PICK_NONE) {
			v->fr.hover = pk;
			v->fr.hover_x = (float)e->motion.x;
			v->fr.hover_y = (float)e->motion.y;
			v->dirty = 1;
		}
	} else if (e->type == SDL_MOUSEMOTION && v->pressed) {
		float dx = (float)e->motion.x - v->press_x;
		if (dx > DRAG_PX || dx < -DRAG_PX)
			v->dragging = 1;
		if (v->dragging)
			set_window(v, (int64_t)v->press_from - (int64_t)(dx * v->press_ns_per_px),
				   v->fr.to - v->fr.from);
	} else if (e->type == SDL_MOUSEBUTTONUP && e->button.button == SDL_BUTTON_LEFT) {
		if (v->pressed && !v->dragging)
			click(v, (float)e->button.x, (float)e->button.y);
		v->pressed = v->dragging = 0;
	}
}

static void handle(struct viewer *v, const SDL_Event *e)
{
	if (e->type == SDL_QUIT)
		v->quit = 1;
	else if (e->type == SDL_KEYDOWN)
		key(v, &e->key);
	else if (e->type == SDL_TEXTINPUT)
		text(v, e->text.text);
	else if (e->type == SDL_WINDOWEVENT) {
		if (e->window.event == SDL_WINDOWEVENT_LEAVE)
			v->fr.hover.kind = PICK_NONE;
		v->dirty = 1;
	}
	else
		mouse(v, e);
}

/* ---- the loop ---- */

static void run(struct viewer *v)
{
	SDL_Event e;

	while (!v->quit) {
		int busy = v->live && (v->live->playing || v->live->target);
		if (v->live && v->live->src->stopped && v->live->src->stopped(v->live->src->ctx))
			break;
		if (v->live)
			live_tick(v);
		if (v->toast_until && SDL_TICKS_PASSED(SDL_GetTicks(), v->toast_until)) {
			v->toast_until = 0;
			v->dirty = 1;
		}
		v->fr.toast = v->toast_until ? v->toast : NULL;
		if (v->dirty) {
			vz_draw_frame(&v->fr);
			draw_present(v->fr.d);
			v->dirty = 0;
		}
		if (!SDL_WaitEventTimeout(&e, busy ? LIVE_FRAME_MS : v->toast_until ? 100 : 1000))
			continue;
		do
			handle(v, &e);
		while (SDL_PollEvent(&e));
	}
}

int viz_live(const struct viz_live *src, const struct viz_opts *o, char *err, size_t errlen)
{
	struct viewer v;
	struct live L;
	char title[300];

	memset(&v, 0, sizeof v);
	memset(&L, 0, sizeof L);
	L.src = src;
	L.speed = 1e6;                          /* 1 ms of virtual time per second */
	L.ix = viz_recbuf_index(src->records, 0);
	if (!L.ix) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(title, sizeof title, "ukern run --view - %s", o->title ? o->title : "scenario");
	if (!(v.fr.d = draw_window(title, o->width, o->height, err, errlen))) {
		trace_index_free(L.ix);
		return -1;
	}
	v.live = &L;
	v.fr.ix = L.ix;
	v.fr.view = o->view;
	v.fr.to = v.end = 1000;
	v.fr.collapse = !o->linear;
	v.fr.interactive = 1;
	v.fr.title = o->title ? o->title : "scenario";
	v.fr.sel.kind = PICK_NONE;
	L.tick = SDL_GetTicks();
	L.playing = o->play;
	live_status(&v);
	v.dirty = 1;
	run(&v);
	draw_free(v.fr.d);
	trace_index_free(L.ix);
	SDL_Quit();
	return 0;
}

int viz_view(const struct trace_index *ix, const struct viz_opts *o, char *err, size_t errlen)
{
	struct viewer v;
	char title[300];

	memset(&v, 0, sizeof v);
	snprintf(title, sizeof title, "ukern view - %s", o->title ? o->title : "trace");
	if (!(v.fr.d = draw_window(title, o->width, o->height, err, errlen)))
		return -1;
	v.fr.ix = ix;
	v.fr.view = o->view;
	v.fr.from = o->from;
	v.fr.to = o->to;
	v.fr.now = o->to;
	v.fr.collapse = !o->linear;
	v.fr.interactive = 1;
	v.fr.title = o->title ? o->title : "trace";
	v.fr.sel.kind = PICK_NONE;
	v.end = o->to > ix->end_ns ? o->to : ix->end_ns;
	v.dirty = 1;
	run(&v);
	draw_free(v.fr.d);
	SDL_Quit();                           /* also SDL's D-Bus connection */
	return 0;
}
