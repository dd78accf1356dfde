/* SPDX-License-Identifier: MIT */
/* fragment.c: one widget's element, exactly as the dashboard page has it,
 * for the page's script to swap in when the widget changes. */
#include "form.h"
#include "handlers.h"
#include "render.h"
#include "widget.h"

#include <limits.h>
#include <string.h>

/* Seconds nginx may keep a fragment asked for with a pass (see pass.h and
 * nginx/mdash-site.conf.in). Enough for every open page to fetch a new
 * version once; short, because a few changes keep their version (a new
 * title, a widget made again under an old name) and must show soon. */
#define FRAGMENT_CACHE_SECONDS "10"

/* 1 when the request names exactly what was rendered: v its version and d
 * its dashboard. Anything else (an older or a future v, a dashboard the
 * widget has left) must not be cached under those names. */
static int cacheable(struct req *r, const struct md_widget *w)
{
	struct buf v = {0}, d = {0};
	long n;
	int same = r->query && w->dashboard && form_get(r->query, strlen(r->query), "v", &v) == 1 &&
		   !parse_long(buf_str(&v), 0, LONG_MAX, &n) && n == w->version &&
		   form_get(r->query, strlen(r->query), "d", &d) == 1 && !strcmp(buf_str(&d), w->dashboard);
	buf_free(&v);
	buf_free(&d);
	return same;
}

void fragment_widget(struct req *r)
{
	struct md_widget w;
	struct buf err = {0}, html = {0};
	int hit;
	if (!req_widget(r, &w))
		return;
	if (render_widget_cached(r->cfg, &w, &html, &err, &hit))
		resp_error(r, 500, buf_str(&err));
	else {
		/* Before Cache-Control: nginx 1.22 obeys whichever it reads first. */
		resp_header(r, "X-Accel-Expires", cacheable(r, &w) ? FRAGMENT_CACHE_SECONDS : "0");
		resp_header(r, "Cache-Control", "no-cache");
		/* Rendered for this request, or not: benchmarks count renders by it. */
		resp_header(r, "X-Cache", hit ? "hit" : "miss");
		resp_html(r, 200, &html);
	}
	widget_free(&w);
	buf_free(&err);
	buf_free(&html);
}
