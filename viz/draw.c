/*
 * draw.c - the drawing surface's targets and shapes (API: draw.h; text:
 * draw_text.c).
 *
 * The one idea: the window and the headless canvas differ only in how the
 * SDL_Renderer is made, shown and read back - three functions in a target
 * struct, chosen by the constructor. Every shape goes through the same
 * renderer calls, with SDL_HINT_RENDER_LINE_METHOD "2" (lines as geometry)
 * set before any renderer exists, so the software renderer draws the same
 * pixels in a window and off screen.
 */
#include "draw_impl.h"

#include <SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- targets ---- */

static void headless_present(struct draw *d)
{
	(void)d;
}

static SDL_Surface *headless_pixels(struct draw *d, int *owned)
{
	SDL_RenderFlush(d->r);                /* SDL batches drawing until asked */
	*owned = 0;
	return d->canvas;
}

static void headless_close(struct draw *d)
{
	if (d->r)
		SDL_DestroyRenderer(d->r);
	if (d->canvas)
		SDL_FreeSurface(d->canvas);
}

static const struct draw_target headless_target = {
	"headless", headless_present, headless_pixels, headless_close
};

static void window_present(struct draw *d)
{
	SDL_RenderPresent(d->r);
}

/* Read the window back as RGB888, the headless canvas's format. */
static SDL_Surface *window_pixels(struct draw *d, int *owned)
{
	int w, h;
	SDL_Surface *s;

	draw_size(d, &w, &h);
	if (!(s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888)))
		return NULL;
	if (SDL_RenderReadPixels(d->r, NULL, SDL_PIXELFORMAT_RGB888, s->pixels, s->pitch) != 0) {
		SDL_FreeSurface(s);
		return NULL;
	}
	*owned = 1;
	return s;
}

static void window_close(struct draw *d)
{
	if (d->r)
		SDL_DestroyRenderer(d->r);
	if (d->win)
		SDL_DestroyWindow(d->win);
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

static const struct draw_target window_target = {
	"window", window_present, window_pixels, window_close
};

/* ---- construction ---- */

static struct draw *draw_alloc(const struct draw_target *t, char *err, size_t errlen)
{
	struct draw *d = calloc(1, sizeof *d);

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->target = t;
	d->unit = 1;
	SDL_SetHint(SDL_HINT_RENDER_LINE_METHOD, "2");
	return d;
}

/* Common to both targets once the renderer exists: blending and fonts. */
static struct draw *draw_ready(struct draw *d, char *err, size_t errlen)
{
	SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
	if (draw_fonts_open(d, err, errlen) != 0) {
		draw_free(d);
		return NULL;
	}
	return d;
}

/* 1 up to 1280x800, then growing with the canvas, in steps of 1/8. */
static float unit_for(int w, int h)
{
	float u = fminf((float)w / 1280.0f, (float)h / 800.0f);

	u = u < 1 ? 1 : u > 3 ? 3 : u;
	return floorf(u * 8) / 8;
}

struct draw *draw_headless(int w, int h, char *err, size_t errlen)
{
	struct draw *d = draw_alloc(&headless_target, err, errlen);

	if (!d)
		return NULL;
	d->unit = unit_for(w, h);
	if (!(d->canvas = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888)) ||
	    !(d->r = SDL_CreateSoftwareRenderer(d->canvas))) {
		snprintf(err, errlen, "cannot make a %dx%d canvas: %s", w, h, SDL_GetError());
		draw_free(d);
		return NULL;
	}
	return draw_ready(d, err, errlen);
}

/* Whether SDL's video driver shows windows to someone (not "dummy" or
 * "offscreen", which tests set to run without a display). */
static int window_visible(void)
{
	const char *drv = SDL_GetCurrentVideoDriver();

	return drv && strcmp(drv, "dummy") != 0 && strcmp(drv, "offscreen") != 0;
}

/* Whether SDL's Wayland driver could connect at all: it needs
 * an absolute XDG_RUNTIME_DIR, unless WAYLAND_SOCKET or an absolute
 * WAYLAND_DISPLAY names the socket. */
static int wayland_reachable(void)
{
	const char *dir = getenv("XDG_RUNTIME_DIR"), *disp = getenv("WAYLAND_DISPLAY");

	return (dir && dir[0] == '/') || getenv("WAYLAND_SOCKET") || (disp && disp[0] == '/');
}

/* Start SDL's video subsystem. When the user chose no driver and Wayland
 * cannot be reached, SDL's probe of it would make libwayland print its own
 * "error: XDG_RUNTIME_DIR is invalid or not set" line before our message:
 * the probe then tries every other driver, in SDL's order, through a hint
 * of this process only (the environment, which child processes inherit,
 * is left alone; an empty SDL_VIDEODRIVER chooses nothing, as for SDL),
 * and the hint is cleared afterwards. */
static int video_init(void)
{
	const char *chosen = SDL_GetHint(SDL_HINT_VIDEODRIVER);
	char list[256] = "";
	size_t n = 0;
	int rc, hinted = 0;

	if ((!chosen || !*chosen) && !wayland_reachable()) {
		for (int i = 0; i < SDL_GetNumVideoDrivers(); i++) {
			const char *drv = SDL_GetVideoDriver(i);
			int k;
			if (!drv || strcmp(drv, "wayland") == 0)
				continue;
			k = snprintf(list + n, sizeof list - n, "%s%s", n ? "," : "", drv);
			if (k < 0 || (size_t)k >= sizeof list - n)
				break;
			n += (size_t)k;
		}
		hinted = n > 0 && SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, list,
							  SDL_HINT_OVERRIDE);
	}
	rc = SDL_InitSubSystem(SDL_INIT_VIDEO);
	if (hinted)
		SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, NULL, SDL_HINT_OVERRIDE);
	return rc;
}

struct draw *draw_window(const char *title, int w, int h, char *err, size_t errlen)
{
	struct draw *d = draw_alloc(&window_target, err, errlen);

	if (!d)
		return NULL;
	if (video_init() != 0) {
		snprintf(err, errlen, "cannot open a window: %s (no display? 'ukern render' draws "
			 "the same views into a PNG)", SDL_GetError());
		free(d);
		return NULL;
	}
	if (!window_visible()) {               /* a window no one could see or close */
		snprintf(err, errlen, "cannot open a window: SDL's \"%s\" video driver has no "
			 "display ('ukern render' draws the same views into a PNG)",
			 SDL_GetCurrentVideoDriver());
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		free(d);
		return NULL;
	}
	d->win = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h,
				  SDL_WINDOW_RESIZABLE);
	if (d->win && !(d->r = SDL_CreateRenderer(d->win, -1, 0)))
		d->r = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
	if (!d->win || !d->r) {
		snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
		draw_free(d);
		return NULL;
	}
	return draw_ready(d, err, errlen);
}

void draw_free(struct draw *d)
{
	if (!d)
		return;
	draw_fonts_close(d);
	d->target->close(d);
	free(d);
}

void draw_size(const struct draw *d, int *w, int *h)
{
	if (d->canvas) {
		*w = d->canvas->w;
		*h = d->canvas->h;
	} else if (SDL_GetRendererOutputSize(d->r, w, h) != 0) {
		*w = *h = 0;
	}
}

float draw_unit(const struct draw *d)
{
	return d->unit;
}

uint32_t draw_window_id(const struct draw *d)
{
	return d->win ? SDL_GetWindowID(d->win) : 0;
}

/* ---- shapes ---- */

static void set_colour(struct draw *d, uint32_t rgb, uint8_t a)
{
	SDL_SetRenderDrawColor(d->r, (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb, a);
}

static SDL_Color sdl_colour(uint32_t rgb)
{
	return (SDL_Color){ (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb, 255 };
}

void draw_clear(struct draw *d, uint32_t rgb)
{
	set_colour(d, rgb, 255);
	SDL_RenderClear(d->r);
}

void draw_fill(struct draw *d, float x, float y, float w, float h, uint32_t rgb)
{
	draw_fill_a(d, x, y, w, h, rgb, 255);
}

void draw_fill_a(struct draw *d, float x, float y, float w, float h, uint32_t rgb, uint8_t a)
{
	SDL_FRect rc = { x, y, w, h };

	if (w <= 0 || h <= 0)
		return;
	set_colour(d, rgb, a);
	SDL_RenderFillRectF(d->r, &rc);
}

void draw_frame(struct draw *d, float x, float y, float w, float h, uint32_t rgb)
{
	SDL_FRect rc = { x, y, w, h };

	set_colour(d, rgb, 255);
	SDL_RenderDrawRectF(d->r, &rc);
}

void draw_line(struct draw *d, float x0, float y0, float x1, float y1, uint32_t rgb)
{
	set_colour(d, rgb, 255);
	SDL_RenderDrawLineF(d->r, x0, y0, x1, y1);
}

void draw_tri(struct draw *d, float x0, float y0, float x1, float y1, float x2, float y2,
	      uint32_t rgb)
{
	SDL_Color c = sdl_colour(rgb);
	SDL_Vertex v[3] = {
		{ { x0, y0 }, c, { 0, 0 } }, { { x1, y1 }, c, { 0, 0 } }, { { x2, y2 }, c, { 0, 0 } },
	};

	SDL_RenderGeometry(d->r, NULL, v, 3, NULL, 0);
}

void draw_thick(struct draw *d, float x0, float y0, float x1, float y1, float width,
		uint32_t rgb)
{
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	float nx, ny;
	SDL_Color c = sdl_colour(rgb);
	static const int idx[6] = { 0, 1, 2, 1, 3, 2 };

	if (len < 0.01f || width <= 1.0f) {
		draw_line(d, x0, y0, x1, y1, rgb);
		return;
	}
	nx = -dy / len * width / 2;
	ny = dx / len * width / 2;
	SDL_Vertex v[4] = {
		{ { x0 + nx, y0 + ny }, c, { 0, 0 } }, { { x0 - nx, y0 - ny }, c, { 0, 0 } },
		{ { x1 + nx, y1 + ny }, c, { 0, 0 } }, { { x1 - nx, y1 - ny }, c, { 0, 0 } },
	};
	SDL_RenderGeometry(d->r, NULL, v, 4, idx, 6);
}

void draw_dashed(struct draw *d, float x0, float y0, float x1, float y1, float on, float off,
		 uint32_t rgb)
{
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);

	if (len < 0.01f || on <= 0) {
		draw_line(d, x0, y0, x1, y1, rgb);
		return;
	}
	set_colour(d, rgb, 255);
	for (float s = 0; s < len; s += on + off) {
		float e = fminf(s + on, len);
		SDL_RenderDrawLineF(d->r, x0 + dx * s / len, y0 + dy * s / len, x0 + dx * e / len,
				    y0 + dy * e / len);
	}
}

void draw_dashed_thick(struct draw *d, float x0, float y0, float x1, float y1, float on,
		       float off, float width, uint32_t rgb)
{
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);

	if (len < 0.01f || on <= 0) {
		draw_thick(d, x0, y0, x1, y1, width, rgb);
		return;
	}
	for (float s = 0; s < len; s += on + off) {
		float e = fminf(s + on, len);
		draw_thick(d, x0 + dx * s / len, y0 + dy * s / len, x0 + dx * e / len,
			   y0 + dy * e / len, width, rgb);
	}
}

void draw_clip(struct draw *d, int x, int y, int w, int h)
{
	SDL_Rect rc = { x, y, w > 0 ? w : 0, h > 0 ? h : 0 };

	SDL_RenderSetClipRect(d->r, &rc);
}

void draw_noclip(struct draw *d)
{
	SDL_RenderSetClipRect(d->r, NULL);
}

void draw_sync(struct draw *d)
{
	SDL_RenderFlush(d->r);
}

void draw_present(struct draw *d)
{
	d->target->present(d);
}

int draw_save_png(struct draw *d, FILE *out, char *err, size_t errlen)
{
	int owned = 0, rc;
	SDL_Surface *s = d->target->pixels(d, &owned);

	if (!s) {
		snprintf(err, errlen, "cannot read the picture back: %s", SDL_GetError());
		return -1;
	}
	SDL_RWops *rw = SDL_RWFromFP(out, SDL_FALSE);
	rc = rw ? IMG_SavePNG_RW(s, rw, 1) : -1;
	if (rc != 0)
		snprintf(err, errlen, "%s", SDL_GetError());
	if (owned)
		SDL_FreeSurface(s);
	return rc == 0 ? 0 : -1;
}
