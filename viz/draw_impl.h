/*
 * draw_impl.h - what draw.c (targets, shapes, PNG) and draw_text.c (fonts,
 * the text cache) share: the struct behind struct draw.
 */
#ifndef UKERN_DRAW_IMPL_H
#define UKERN_DRAW_IMPL_H

#include <SDL.h>
#include <SDL_ttf.h>

#include "draw.h"

/* A target: how the renderer is made, shown and read back. */
struct draw_target {
	const char *name;
	void (*present)(struct draw *d);
	/* The pixels drawn so far as an RGB888 surface; *owned says whether
	 * the caller must free it. NULL on failure (SDL_GetError says why). */
	SDL_Surface *(*pixels)(struct draw *d, int *owned);
	void (*close)(struct draw *d);
};

/* A rendered string, cached by (font, colour, text). */
struct text_ent {
	char *s;                   /* NULL: empty slot */
	uint32_t hash, rgb;
	int font;
	int w, h;                  /* px */
	SDL_Texture *tex;
};

struct draw {
	const struct draw_target *target;
	SDL_Renderer *r;
	SDL_Window *win;           /* window target only */
	SDL_Surface *canvas;       /* headless target only */
	float unit;                /* layout unit (draw_unit) */
	TTF_Font *font[FONT_COUNT];
	int font_h[FONT_COUNT];    /* line heights, px */
	struct text_ent *cache;    /* open addressing, TEXT_CACHE slots */
	size_t ncached;
	int ttf_up;                /* TTF_Init succeeded */
	int fc_used;               /* fontconfig was asked for a font */
};

/* Open the fonts at sizes scaled by d->unit. Returns 0, or -1 with a message
 * in err. */
int draw_fonts_open(struct draw *d, char *err, size_t errlen);

/* Release the fonts and the text cache. */
void draw_fonts_close(struct draw *d);

#endif
