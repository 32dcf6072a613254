/*
 * draw_text.c - text on the drawing surface: fonts found through
 * fontconfig, rendered by SDL2_ttf, cached as textures (API: draw.h).
 *
 * The one idea: a frame is redrawn whole, so the same labels come back
 * frame after frame; each (font, colour, string) is rendered once into a
 * texture kept in an open-addressing cache that is simply emptied when it
 * fills up. Blended (anti-aliased) glyphs keep small text crisp.
 */
#include "draw_impl.h"

#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TEXT_CACHE = 4096, TEXT_MAX = 1024 };

/* How each font is found and its size at unit 1, in points (= pixels). */
static const struct font_spec {
	const char *env;          /* a font file that overrides fontconfig */
	const char *pattern;      /* fontconfig pattern */
	int size;
} font_specs[FONT_COUNT] = {
	[FONT_TEXT] = { "UKERN_FONT", "DejaVu Sans", 12 },
	[FONT_BOLD] = { "UKERN_FONT_BOLD", "DejaVu Sans:bold", 12 },
	[FONT_SMALL] = { "UKERN_FONT", "DejaVu Sans", 10 },
	[FONT_MONO] = { "UKERN_FONT_MONO", "DejaVu Sans Mono", 11 },
	[FONT_TITLE] = { "UKERN_FONT_BOLD", "DejaVu Sans:bold", 14 },
};

/* The file fontconfig picks for pattern, into path. Returns 0 or -1. */
static int font_lookup(const char *pattern, char *path, size_t len)
{
	FcPattern *pat = FcNameParse((const FcChar8 *)pattern), *match = NULL;
	FcChar8 *file = NULL;
	FcResult res;
	int rc = -1;

	if (!pat)
		return -1;
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	match = FcFontMatch(NULL, pat, &res);
	if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
	    strlen((const char *)file) < len) {
		strcpy(path, (const char *)file);
		rc = 0;
	}
	if (match)
		FcPatternDestroy(match);
	FcPatternDestroy(pat);
	return rc;
}

static int font_open(struct draw *d, int i, char *err, size_t errlen)
{
	const struct font_spec *fs = &font_specs[i];
	const char *env = getenv(fs->env);
	char path[4096];

	if (env && *env)
		snprintf(path, sizeof path, "%s", env);
	else if ((d->fc_used = 1) && font_lookup(fs->pattern, path, sizeof path) != 0) {
		snprintf(err, errlen, "fontconfig finds no font for \"%s\" (install "
			 "fonts-dejavu-core, or set %s to a .ttf file)", fs->pattern, fs->env);
		return -1;
	}
	if (!(d->font[i] = TTF_OpenFont(path, (int)(fs->size * d->unit + 0.5f)))) {
		snprintf(err, errlen, "%s: cannot open the font: %s", path, TTF_GetError());
		return -1;
	}
	d->font_h[i] = TTF_FontLineSkip(d->font[i]);
	return 0;
}

int draw_fonts_open(struct draw *d, char *err, size_t errlen)
{
	if (TTF_Init() != 0) {                /* counted: one TTF_Quit per draw */
		snprintf(err, errlen, "SDL2_ttf: %s", TTF_GetError());
		return -1;
	}
	d->ttf_up = 1;
	if (!(d->cache = calloc(TEXT_CACHE, sizeof *d->cache))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < FONT_COUNT; i++)
		if (font_open(d, i, err, errlen) != 0)
			return -1;
	return 0;
}

static void cache_clear(struct draw *d)
{
	for (size_t i = 0; d->cache && i < TEXT_CACHE; i++) {
		if (d->cache[i].tex)
			SDL_DestroyTexture(d->cache[i].tex);
		free(d->cache[i].s);
		d->cache[i] = (struct text_ent){ 0 };
	}
	d->ncached = 0;
}

void draw_fonts_close(struct draw *d)
{
	cache_clear(d);
	free(d->cache);
	d->cache = NULL;
	for (int i = 0; i < FONT_COUNT; i++)
		if (d->font[i])
			TTF_CloseFont(d->font[i]);
	if (d->ttf_up)
		TTF_Quit();
	d->ttf_up = 0;
	if (d->fc_used)
		FcFini();                     /* fontconfig's caches (LeakSanitizer sees them) */
	d->fc_used = 0;
}

static uint32_t text_hash(int font, uint32_t rgb, const char *s)
{
	uint32_t h = 2166136261u ^ (uint32_t)font ^ (rgb * 16777619u);

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The cache entry for (font, rgb, s), rendered on first use; NULL when
 * rendering fails. */
static struct text_ent *text_get(struct draw *d, int font, uint32_t rgb, const char *s)
{
	uint32_t h = text_hash(font, rgb, s);
	size_t i = h & (TEXT_CACHE - 1);
	SDL_Color c = { (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb, 255 };
	SDL_Surface *surf;
	struct text_ent *e;

	for (; d->cache[i].s; i = (i + 1) & (TEXT_CACHE - 1))
		if (d->cache[i].hash == h && d->cache[i].font == font && d->cache[i].rgb == rgb &&
		    strcmp(d->cache[i].s, s) == 0)
			return &d->cache[i];
	if (d->ncached >= TEXT_CACHE * 3 / 4) {
		cache_clear(d);
		return text_get(d, font, rgb, s);
	}
	if (!(surf = TTF_RenderUTF8_Blended(d->font[font], s, c)))
		return NULL;
	e = &d->cache[i];
	e->tex = SDL_CreateTextureFromSurface(d->r, surf);
	e->w = surf->w;
	e->h = surf->h;
	SDL_FreeSurface(surf);
	if (!e->tex || !(e->s = strdup(s))) {
		if (e->tex)
			SDL_DestroyTexture(e->tex);
		*e = (struct text_ent){ 0 };
		return NULL;
	}
	e->hash = h;
	e->font = font;
	e->rgb = rgb;
	d->ncached++;
	return e;
}

/* s cut to TEXT_MAX bytes at a character boundary, in buf. */
static const char *bounded(const char *s, char *buf)
{
	size_t n = strlen(s);

	if (n < TEXT_MAX)
		return s;
	n = TEXT_MAX - 1;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

int draw_text(struct draw *d, enum draw_font f, float x, float y, uint32_t rgb,
	      enum draw_align align, const char *s)
{
	char buf[TEXT_MAX];
	struct text_ent *e;
	SDL_FRect dst;

	if (!s || !*s || !(e = text_get(d, f, rgb, bounded(s, buf))))
		return 0;
	dst = (SDL_FRect){ x, y, (float)e->w, (float)e->h };
	if (align == ALIGN_CENTER)
		dst.x -= (float)(e->w / 2);
	else if (align == ALIGN_RIGHT)
		dst.x -= (float)e->w;
	dst.x = (float)(int)dst.x;            /* whole pixels keep glyphs crisp */
	dst.y = (float)(int)dst.y;
	SDL_RenderCopyF(d->r, e->tex, NULL, &dst);
	return e->w;
}

int draw_text_w(struct draw *d, enum draw_font f, const char *s)
{
	char buf[TEXT_MAX];
	int w = 0, h = 0;

	if (!s || !*s || TTF_SizeUTF8(d->font[f], bounded(s, buf), &w, &h) != 0)
		return 0;
	return w;
}

int draw_elide(struct draw *d, enum draw_font f, const char *s, float maxw, char *buf,
	       size_t len)
{
	const char *dots = TTF_GlyphIsProvided32(d->font[f], 0x2026) ? "…" : "...";
	size_t n = s ? strlen(s) : 0, dl = strlen(dots), at[TEXT_MAX], m = 0, lo = 0, hi;
	int w, dw = draw_text_w(d, f, dots);

	if (!len)
		return 0;
	buf[0] = '\0';
	if (!s || maxw <= 0)
		return 0;
	if ((w = draw_text_w(d, f, s)) <= maxw && n < len) {
		memcpy(buf, s, n + 1);
		return w;
	}
	if ((float)dw > maxw || dl >= len)
		return 0;
	/* where s's characters start (those that leave room for the dots in
	 * buf), then the most of them that fit with the dots after them */
	for (size_t i = 0; i < n && i + dl < len && m < TEXT_MAX; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			at[m++] = i;
	hi = m ? m - 1 : 0;                      /* at[k]: a start of k characters */
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;
		memcpy(buf, s, at[mid]);
		memcpy(buf + at[mid], dots, dl + 1);
		if ((float)draw_text_w(d, f, buf) <= maxw)
			lo = mid;
		else
			hi = mid - 1;
	}
	n = m ? at[lo] : 0;
	while (n && s[n - 1] == ' ')             /* no space before the dots */
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, dots, dl + 1);
	return n ? draw_text_w(d, f, buf) : dw;
}

int draw_text_fit(struct draw *d, enum draw_font f, float x, float y, uint32_t rgb,
		  enum draw_align align, const char *s, float maxw)
{
	char buf[TEXT_MAX];

	if (draw_elide(d, f, s, maxw, buf, sizeof buf) <= 0)
		return 0;
	return draw_text(d, f, x, y, rgb, align, buf);
}

int draw_font_h(const struct draw *d, enum draw_font f)
{
	return d->font_h[f];
}
