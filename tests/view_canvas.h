/*
 * view_canvas.h - for the view tests: a headless canvas of w x h pixels,
 * drawn with the fonts the pictures in doc/img are, or the test fails
 * with the reason.
 */
#ifndef UKERN_TESTS_VIEW_CANVAS_H
#define UKERN_TESTS_VIEW_CANVAS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "draw.h"
#include "ix_fixture.h"

static inline struct draw *view_canvas(int w, int h)
{
	char err[300];
	struct draw *d;

	ix_headless_env();
	if (!(d = draw_headless(w, h, err, sizeof err)))
		fail_msg("%s", err);
	return d;
}

#endif
