/* SPDX-License-Identifier: MIT */
/* fragment.c: one widget's element, exactly as the dashboard page has it,
 * for the page's script to swap in when the widget changes. */
#include "fields.h"
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
	/* Open: a page may add a cache-buster of its own. */
	static const struct field query[] = {{.key = "v", .kind = FIELD_INT, .max = LONG_MAX, .required = 1},
					     {.key = "d", .kind = FIELD_IDENT, .required = 1},
					     {0}};
	struct field_value in[2] = {0};
	struct buf err = {0};
	int same = r->query && w->dashboard && !fields_form(query, FIELDS_OPEN, r->query, strlen(r->query), in, &err) &&
		   in[0].number == w->version && !strcmp(in[1].text, w->dashboard);
	fields_free(in, 2);
	buf_free(&err);
	return same;
}

/* The version a page asks for (?v=, the one its message named), or 0. */
static long long asked_version(struct req *r)
{
	static const struct field query[] = {{.key = "v", .kind = FIELD_INT, .max = LONG_MAX, .required = 1}, {0}};
	struct field_value in[1] = {0};
	struct buf err = {0};
	long long v = r->query && !fields_form(query, FIELDS_OPEN, r->query, strlen(r->query), in, &err) ? in[0].number : 0;
	fields_free(in, 1);
	buf_free(&err);
	return v;
}

/* A version newer than w's was asked for: this process has not heard of it
 * yet (a write of another host or of the CLI, whose message the feed has
 * not brought), so w is read again. Kept as it was if the widget moved to
 * another dashboard meanwhile: access was checked on this one. */
static void catch_up(struct req *r, struct md_widget *w)
{
	struct md_widget now;
	struct buf err = {0};
	if (asked_version(r) > w->version && widget_load(w->name, &now, &err) == 1) {
		if (now.dashboard_id == w->dashboard_id) {
			widget_free(w);
			*w = now;
		} else {
			widget_free(&now);
		}
	}
	buf_free(&err);
}

void fragment_widget(struct req *r)
{
	struct md_widget w;
	struct buf err = {0}, html = {0};
	int hit;
	if (!req_widget(r, &w))
		return;
	catch_up(r, &w);
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
