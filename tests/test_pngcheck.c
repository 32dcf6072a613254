/*
 * test_pngcheck.c - reads a PNG (with SDL_image) and prints measures of it
 * for the shell tests of the viewer (tests/render.sh, tests/view_x11.sh):
 *
 *   test_pngcheck FILE size                      "W H"
 *   test_pngcheck FILE at X Y                    the colour there, "rrggbb"
 *   test_pngcheck FILE count RRGGBB TOL X Y W H  pixels within TOL (per channel) of RRGGBB
 *   test_pngcheck FILE ink X Y W H               dark pixels (text, lines): luma < 128
 *   test_pngcheck FILE colours X Y W H           distinct colours
 *   test_pngcheck FILE diff OTHER X Y W H        pixels that differ from OTHER's
 *
 * The one idea: pictures are checked by regions and colours, not bytes, so
 * a test says what it expects to see where ("the lanes hold arrow-blue
 * pixels", "the header has text") and survives unrelated changes. Regions
 * are clipped to the picture. Exit status 0, or 2 for a bad argument or a
 * file that is not a picture.
 */
#define SDL_MAIN_HANDLED          /* our own main, no SDL_main */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct region {
	int x0, y0, x1, y1;       /* px, half-open */
};

static SDL_Surface *load(const char *path)
{
	SDL_Surface *s = IMG_Load(path), *rgb;

	if (!s) {
		fprintf(stderr, "test_pngcheck: %s: %s\n", path, IMG_GetError());
		exit(2);
	}
	rgb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB888, 0);
	SDL_FreeSurface(s);
	if (!rgb) {
		fprintf(stderr, "test_pngcheck: %s: %s\n", path, SDL_GetError());
		exit(2);
	}
	return rgb;
}

static uint32_t pixel(const SDL_Surface *s, int x, int y)
{
	return ((const uint32_t *)((const uint8_t *)s->pixels + y * s->pitch))[x] & 0xffffff;
}

static long num(const char *a)
{
	char *end;
	long v = strtol(a, &end, 10);

	if (!*a || *end) {
		fprintf(stderr, "test_pngcheck: '%s' is not a number\n", a);
		exit(2);
	}
	return v;
}

/* The region given by four arguments, clipped to s. */
static struct region region(const SDL_Surface *s, char **a)
{
	struct region r = { (int)num(a[0]), (int)num(a[1]), 0, 0 };

	r.x1 = r.x0 + (int)num(a[2]);
	r.y1 = r.y0 + (int)num(a[3]);
	r.x0 = r.x0 < 0 ? 0 : r.x0;
	r.y0 = r.y0 < 0 ? 0 : r.y0;
	r.x1 = r.x1 > s->w ? s->w : r.x1;
	r.y1 = r.y1 > s->h ? s->h : r.y1;
	return r;
}

static int near(uint32_t a, uint32_t b, int tol)
{
	for (int sh = 0; sh <= 16; sh += 8) {
		int d = (int)((a >> sh) & 0xff) - (int)((b >> sh) & 0xff);
		if (d > tol || d < -tol)
			return 0;
	}
	return 1;
}

static long count(const SDL_Surface *s, uint32_t rgb, int tol, struct region r)
{
	long n = 0;

	for (int y = r.y0; y < r.y1; y++)
		for (int x = r.x0; x < r.x1; x++)
			n += near(pixel(s, x, y), rgb, tol);
	return n;
}

static long ink(const SDL_Surface *s, struct region r)
{
	long n = 0;

	for (int y = r.y0; y < r.y1; y++)
		for (int x = r.x0; x < r.x1; x++) {
			uint32_t p = pixel(s, x, y);
			n += (299 * (p >> 16) + 587 * ((p >> 8) & 0xff) + 114 * (p & 0xff)) / 1000 < 128;
		}
	return n;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static long colours(const SDL_Surface *s, struct region r)
{
	size_t n = 0, k = 0;
	uint32_t *all;

	if (r.x1 <= r.x0 || r.y1 <= r.y0)
		return 0;
	all = malloc((size_t)(r.x1 - r.x0) * (size_t)(r.y1 - r.y0) * sizeof *all);
	if (!all)
		exit(2);
	for (int y = r.y0; y < r.y1; y++)
		for (int x = r.x0; x < r.x1; x++)
			all[n++] = pixel(s, x, y);
	qsort(all, n, sizeof *all, cmp_u32);
	for (size_t i = 0; i < n; i++)
		k += i == 0 || all[i] != all[i - 1];
	free(all);
	return (long)k;
}

static long diff(const SDL_Surface *s, const SDL_Surface *o, struct region r)
{
	long n = 0;

	for (int y = r.y0; y < r.y1; y++)
		for (int x = r.x0; x < r.x1; x++)
			n += y >= o->h || x >= o->w || pixel(s, x, y) != pixel(o, x, y);
	return n;
}

static int usage(void)
{
	fputs("usage: test_pngcheck FILE size | at X Y | count RRGGBB TOL X Y W H | "
	      "ink X Y W H | colours X Y W H | diff OTHER X Y W H\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	SDL_Surface *s, *o;
	const char *what;

	if (argc < 3)
		return usage();
	s = load(argv[1]);
	what = argv[2];
	if (strcmp(what, "size") == 0 && argc == 3)
		printf("%d %d\n", s->w, s->h);
	else if (strcmp(what, "at") == 0 && argc == 5 && num(argv[3]) < s->w && num(argv[4]) < s->h)
		printf("%06x\n", pixel(s, (int)num(argv[3]), (int)num(argv[4])));
	else if (strcmp(what, "count") == 0 && argc == 9)
		printf("%ld\n", count(s, (uint32_t)strtoul(argv[3], NULL, 16), (int)num(argv[4]),
				      region(s, argv + 5)));
	else if (strcmp(what, "ink") == 0 && argc == 7)
		printf("%ld\n", ink(s, region(s, argv + 3)));
	else if (strcmp(what, "colours") == 0 && argc == 7)
		printf("%ld\n", colours(s, region(s, argv + 3)));
	else if (strcmp(what, "diff") == 0 && argc == 8) {
		o = load(argv[3]);
		printf("%ld\n", diff(s, o, region(s, argv + 4)));
		SDL_FreeSurface(o);
	} else {
		SDL_FreeSurface(s);
		return usage();
	}
	SDL_FreeSurface(s);
	return 0;
}
