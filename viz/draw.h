/*
 * draw.h - the drawing surface every view draws on: filled and outlined
 * rectangles, lines (thin, thick, dashed), filled triangles (arrowheads),
 * text in a few fonts, a clip rectangle, and saving what was drawn as a PNG.
 *
 * The one idea: one set of calls over an SDL_Renderer, with two targets
 * behind a small ops struct chosen in one place: a window (ukern view) and
 * an off-screen RGB888 surface with SDL's software renderer (ukern render).
 * A view cannot tell them apart, so the PNG shows exactly what the window
 * shows, and the software path gives byte-identical PNGs run after run.
 * Colours are 0xRRGGBB. Coordinates are pixels, floats for sub-pixel ends.
 *
 * Text is SDL2_ttf with fonts found through fontconfig ("DejaVu Sans",
 * "DejaVu Sans Mono"); the environment variables UKERN_FONT,
 * UKERN_FONT_BOLD and UKERN_FONT_MONO name font files instead (tests pin
 * them). Rendered strings are cached as textures, so a frame that shows the
 * same labels as the last one renders no glyphs.
 *
 * Entry points: draw_headless, draw_window, draw_free, draw_size,
 * draw_unit, draw_clear, draw_fill, draw_fill_a, draw_frame, draw_line,
 * draw_thick, draw_dashed, draw_dashed_thick, draw_tri, draw_text, draw_text_w,
 * draw_text_fit, draw_elide, draw_font_h,
 * draw_clip, draw_noclip, draw_sync, draw_present, draw_save_png, draw_window_id.
 */
#ifndef UKERN_DRAW_H
#define UKERN_DRAW_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct draw;

enum draw_font { FONT_TEXT, FONT_BOLD, FONT_SMALL, FONT_MONO, FONT_TITLE, FONT_COUNT };
enum draw_align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

/* An off-screen w x h RGB888 canvas with the software renderer. Returns
 * NULL with a message in err when SDL, SDL2_ttf or a font fails, or when
 * memory runs out. */
struct draw *draw_headless(int w, int h, char *err, size_t errlen);

/* A resizable window of w x h named title, with SDL's default renderer
 * (SDL_RENDER_DRIVER chooses another). NULL with a message in err when
 * there is no display or SDL fails. */
struct draw *draw_window(const char *title, int w, int h, char *err, size_t errlen);

/* Release the target, the fonts and the cached text. d may be NULL. */
void draw_free(struct draw *d);

/* The drawable size now, in pixels (a window may have been resized). */
void draw_size(const struct draw *d, int *w, int *h);

/* The layout unit: 1 at 1280x800 and below, more for larger canvases, so
 * that text and spacing grow with a large PNG. Fonts are sized with it. */
float draw_unit(const struct draw *d);

/* The window's SDL id (0 for a headless canvas), to match events. */
uint32_t draw_window_id(const struct draw *d);

void draw_clear(struct draw *d, uint32_t rgb);
void draw_fill(struct draw *d, float x, float y, float w, float h, uint32_t rgb);
/* Fill with opacity a (0 transparent .. 255 opaque). */
void draw_fill_a(struct draw *d, float x, float y, float w, float h, uint32_t rgb, uint8_t a);
/* A one-pixel outline inside the rectangle. */
void draw_frame(struct draw *d, float x, float y, float w, float h, uint32_t rgb);
void draw_line(struct draw *d, float x0, float y0, float x1, float y1, uint32_t rgb);
/* A line of the given width (in pixels), drawn as a filled quad. */
void draw_thick(struct draw *d, float x0, float y0, float x1, float y1, float width,
		uint32_t rgb);
/* A thin line in dashes of on pixels separated by off pixels. */
void draw_dashed(struct draw *d, float x0, float y0, float x1, float y1, float on, float off,
		 uint32_t rgb);
/* A line of the given width in dashes of on pixels separated by off pixels. */
void draw_dashed_thick(struct draw *d, float x0, float y0, float x1, float y1, float on,
		       float off, float width, uint32_t rgb);
void draw_tri(struct draw *d, float x0, float y0, float x1, float y1, float x2, float y2,
	      uint32_t rgb);

/* Draw UTF-8 text s with its top at y, aligned to x as align says. Returns
 * its width in pixels (0 for an empty string or when rendering failed). */
int draw_text(struct draw *d, enum draw_font f, float x, float y, uint32_t rgb,
	      enum draw_align align, const char *s);
/* The width s would take, in pixels. */
int draw_text_w(struct draw *d, enum draw_font f, const char *s);
/* s as it fits in maxw pixels in font f, into buf (len bytes): s itself
 * when it fits, else its longest start (cut at a character) followed by "…"
 * ("..." in a font without that glyph) that fits, else nothing. Returns the
 * width of what buf holds. */
int draw_elide(struct draw *d, enum draw_font f, const char *s, float maxw, char *buf,
	       size_t len);
/* draw_text of s elided to maxw pixels (draw_elide). Returns its width. */
int draw_text_fit(struct draw *d, enum draw_font f, float x, float y, uint32_t rgb,
		  enum draw_align align, const char *s, float maxw);
/* The height of a line of text in font f, in pixels. */
int draw_font_h(const struct draw *d, enum draw_font f);

/* Restrict drawing to a rectangle; draw_noclip lifts it. */
void draw_clip(struct draw *d, int x, int y, int w, int h);
void draw_noclip(struct draw *d);

/* Finish drawing what was asked so far (SDL batches it); for timing. */
void draw_sync(struct draw *d);

/* Show the frame (a window); nothing for a headless canvas. */
void draw_present(struct draw *d);

/* Write what is drawn now as a PNG to out (left open). Returns 0, or -1
 * with a message in err (out may then hold part of a file: write to a
 * temporary name). */
int draw_save_png(struct draw *d, FILE *out, char *err, size_t errlen);

#endif
