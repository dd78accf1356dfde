/* SPDX-License-Identifier: MIT */
/* graph.c: a series drawn as an SVG line (Dashing's field: points[{x,y}]).
 *
 * One x convention per series (the README's "Graphs"): x is a time (Unix
 * seconds or milliseconds, or ISO 8601 text, all read as seconds) or an
 * index (any other number). A source that gives one number per update
 * ("value") grows the series: the store appends the value as a point that
 * continues the series in its own convention (at the time of the update,
 * or at the last index + 1), so mdash never mixes the two. A series whose
 * x are all of one kind and strictly increasing is drawn against x; any
 * other (a mix pushed by hand, points out of order, two in one second) is
 * drawn evenly in the order given, so every series draws a line across the width. Long series are
 * thinned to at most MAX_DRAWN points, keeping each bucket's lowest and
 * highest point so spikes stay visible. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "chart.h"
#include "format.h"
#include "types.h"
#include "util.h"

#define W 300.0
#define H 100.0
#define MAX_DRAWN 400
#define GRAPH_KEEP 120

/* Numbers from 1e9 (2001-09-09 in seconds) are Unix seconds; from 1e11
 * (5138 in seconds, 1973 in milliseconds) up to 1e14 (5138 again),
 * milliseconds. Smaller or larger numbers are indexes. */
#define SECONDS_FROM 1e9
#define MILLIS_FROM 1e11
#define MILLIS_TO 1e14

enum xkind { X_NONE, X_INDEX, X_TIME };

/* What a point's x is: a time (*x in Unix seconds), an index, or none
 * (absent, or neither a number nor a time). */
static enum xkind read_x(json_object *v, double *x)
{
	if (json_object_is_type(v, json_type_string) && parse_iso_time(json_object_get_string(v), 0, x) == 0)
		return X_TIME;
	if (mdash_json_number(v, x) || !isfinite(*x))
		return X_NONE;
	if (*x >= MILLIS_FROM && *x < MILLIS_TO) {
		*x /= 1000;
		return X_TIME;
	}
	return *x >= SECONDS_FROM && *x < MILLIS_FROM ? X_TIME : X_INDEX;
}

/* A point of the stored series: an object {x, y} (x optional) or a bare
 * number (a y). 0, or -1 when it has no numeric y. */
static int read_point(json_object *o, json_object **x, double *y)
{
	json_object *vy = o;
	*x = NULL;
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_get_ex(o, "x", x);
		if (!json_object_object_get_ex(o, "y", &vy))
			return -1;
	}
	return mdash_json_number(vy, y) == 0 && isfinite(*y) ? 0 : -1;
}

struct pt {
	double x, y;
};

/* The valid points of a series (a JSON array), in order. *kind is the
 * series' convention when every x is of it and strictly increasing, else
 * X_NONE, and then x is each point's place in the order (0, 1, 2, ...).
 * The caller frees. */
static struct pt *points_of(json_object *arr, size_t *n, enum xkind *kind)
{
	json_object *vx;
	*n = 0;
	*kind = X_NONE;
	if (!arr || !json_object_is_type(arr, json_type_array))
		return NULL;
	size_t len = json_object_array_length(arr);
	struct pt *p = xcalloc(len + 1, sizeof *p);
	enum xkind first = X_NONE;
	int by_x = 1;
	for (size_t i = 0; i < len; i++) {
		struct pt q = {0, 0};
		if (read_point(json_object_array_get_idx(arr, i), &vx, &q.y))
			continue;
		enum xkind k = read_x(vx, &q.x);
		if (*n == 0)
			first = k;
		if (k == X_NONE || k != first || (*n && q.x <= p[*n - 1].x))
			by_x = 0;
		p[(*n)++] = q;
	}
	if (by_x && *n)
		*kind = first;
	else
		for (size_t i = 0; i < *n; i++)
			p[i].x = (double)i;
	return p;
}

/* The widget's own series: data.points. */
static struct pt *points(const mdash_widget *w, size_t *n)
{
	json_object *arr = NULL;
	enum xkind kind;
	json_object_object_get_ex(mdash_data(w), "points", &arr);
	return points_of(arr, n, &kind);
}

/* Thins p to at most MAX_DRAWN points: each bucket keeps its extremes. */
static size_t thin(struct pt *p, size_t n)
{
	if (n <= MAX_DRAWN)
		return n;
	size_t buckets = MAX_DRAWN / 2, out = 0;
	for (size_t b = 0; b < buckets; b++) {
		size_t from = b * n / buckets, to = (b + 1) * n / buckets;
		size_t lo = from, hi = from;
		for (size_t i = from; i < to; i++) {
			if (p[i].y < p[lo].y)
				lo = i;
			if (p[i].y > p[hi].y)
				hi = i;
		}
		struct pt a = p[lo < hi ? lo : hi], c = p[lo < hi ? hi : lo];
		p[out++] = a;
		if (lo != hi)
			p[out++] = c;
	}
	return out;
}

/* Hover areas of a graph over time: each shows its time and value. */
#define HOVER_ZONES 48
/* Buckets of a graph over time: about one per pixel of a wide widget. */
#define RANGE_POINTS 240

/* options.range: the graph draws the history of its value over that long
 * before the newest update, with axes, instead of its stored points. */
static int ranged_context(const mdash_widget *w, mdash_context *ctx, double seconds)
{
	const struct mdash_point *p;
	int n = mdash_history(w, ctx, "value", seconds, RANGE_POINTS, &p);
	char num[64];
	if (n < 0)
		return -1;
	mdash_set(ctx, "ranged", "1");
	if (n == 0) {
		mdash_set(ctx, "value", "–");
		return 0;
	}
	struct chart c = {.w = W, .h = H, .margin = 2, .t1 = p[n - 1].t, .t0 = p[n - 1].t - seconds};
	chart_fit_y(&c, p, n, 1);
	format_number(p[n - 1].v, num, sizeof num);
	mdash_set(ctx, "value", num);
	mdash_setf(ctx, "count", "%d", n);
	format_number(c.y0, num, sizeof num);
	mdash_set(ctx, "min", num);
	format_number(c.y1, num, sizeof num);
	mdash_set(ctx, "max", num);
	struct buf line = {0}, area = {0}, band = {0};
	chart_line(&c, p, n, &line, &area, &band);
	mdash_set(ctx, "line", buf_str(&line));
	mdash_set(ctx, "area", buf_str(&area));
	mdash_set(ctx, "band", buf_str(&band));
	if (n == 1) {
		mdash_setf(ctx, "dotx", "%.1f", chart_x(&c, p[0].t));
		mdash_setf(ctx, "doty", "%.1f", chart_y(&c, p[0].avg));
	}
	chart_time_ticks(&c, ctx, "xticks");
	chart_value_ticks(&c, ctx, "yticks");
	chart_hover(&c, p, n, HOVER_ZONES, ctx, "hover");
	buf_free(&line);
	buf_free(&area);
	buf_free(&band);
	return 0;
}

/* Series at most, each in a colour of its own (CSS .series-N). */
#define MAX_SERIES 6

/* One series of a graph over time (options.series): the history of a
 * widget it names, drawn on the graph's common scale. */
struct drawn {
	const struct mdash_point *p;
	int n;
	const char *label;
};

/* Hover areas across the time axis, each titled with the time at its end
 * and every series' newest value by then. */
static void series_hover(const struct chart *c, const struct drawn *d, int nd, mdash_context *ctx)
{
	int last[MAX_SERIES] = {0};
	for (int z = 0; z < HOVER_ZONES; z++) {
		double x0 = c->w * z / HOVER_ZONES, x1 = c->w * (z + 1) / HOVER_ZONES;
		double until = c->t0 + (c->t1 - c->t0) * (z + 1) / HOVER_ZONES;
		struct buf title = {0};
		char when[32], v[64], key[64];
		time_t s = (time_t)until;
		struct tm tm;
		gmtime_r(&s, &tm);
		strftime(when, sizeof when, c->t1 - c->t0 > 86400 ? "%d %b %H:%M UTC" : "%H:%M:%S UTC", &tm);
		buf_puts(&title, when);
		for (int k = 0; k < nd; k++) {
			while (last[k] < d[k].n && d[k].p[last[k]].t <= until)
				last[k]++;
			if (last[k] == 0)
				continue;
			format_number(d[k].p[last[k] - 1].v, v, sizeof v);
			buf_printf(&title, "%s%s %s", title.len == strlen(when) ? ": " : ", ", d[k].label, v);
		}
		snprintf(key, sizeof key, "hover.%d.x", z);
		mdash_setf(ctx, key, "%.1f", x0);
		snprintf(key, sizeof key, "hover.%d.w", z);
		mdash_setf(ctx, key, "%.1f", x1 - x0);
		snprintf(key, sizeof key, "hover.%d.title", z);
		mdash_set(ctx, key, buf_str(&title));
		buf_free(&title);
	}
}

/* Draws d[0..nd) on one scale ending at end: a line each in its colour,
 * a legend of labels and last values, axes, hover titles. */
static void draw_series(const struct drawn *d, int nd, double seconds, double end, mdash_context *ctx)
{
	struct chart c = {.w = W, .h = H, .margin = 2, .t1 = end, .t0 = end - seconds};
	int total = 0;
	for (int k = 0; k < nd; k++)
		total += d[k].n;
	struct mdash_point *all = xcalloc((size_t)total + 1, sizeof *all);
	for (int k = 0, at = 0; k < nd; at += d[k].n, k++)
		for (int i = 0; i < d[k].n; i++)
			all[at + i] = d[k].p[i];
	chart_fit_y(&c, all, total, 1);
	free(all);
	char num[64], key[64];
	for (int k = 0; k < nd; k++) {
		struct buf line = {0};
		chart_line(&c, d[k].p, d[k].n, &line, NULL, NULL);
		if (d[k].n == 1) /* one point: a short dash, so it shows */
			buf_printf(&line, " L%.1f,%.1f", chart_x(&c, d[k].p[0].t) + 1, chart_y(&c, d[k].p[0].avg));
		snprintf(key, sizeof key, "series.%d.line", k);
		mdash_set(ctx, key, buf_str(&line));
		snprintf(key, sizeof key, "series.%d.name", k);
		mdash_set(ctx, key, d[k].label);
		snprintf(key, sizeof key, "series.%d.last", k);
		if (d[k].n)
			format_number(d[k].p[d[k].n - 1].v, num, sizeof num);
		mdash_set(ctx, key, d[k].n ? num : "–");
		buf_free(&line);
	}
	mdash_setf(ctx, "nseries", "%d", nd);
	mdash_setf(ctx, "count", "%d", total);
	format_number(c.y0, num, sizeof num);
	mdash_set(ctx, "min", num);
	format_number(c.y1, num, sizeof num);
	mdash_set(ctx, "max", num);
	chart_time_ticks(&c, ctx, "xticks");
	chart_value_ticks(&c, ctx, "yticks");
	series_hover(&c, d, nd, ctx);
}

/* options.series with options.range: the history of each widget named,
 * up to the newest update of any of them, on one scale. The graph itself
 * may be among them. */
static int series_ranged_context(const mdash_widget *w, mdash_context *ctx, double seconds)
{
	struct mdash_series got[MAX_SERIES];
	struct drawn d[MAX_SERIES];
	double end;
	int nd = mdash_series_history(w, ctx, seconds, RANGE_POINTS, got, MAX_SERIES, &end), points = 0;
	if (nd < 0)
		return -1;
	mdash_set(ctx, "ranged", "1");
	for (int k = 0; k < nd; k++) {
		d[k] = (struct drawn){.p = got[k].points, .n = got[k].n, .label = got[k].label};
		points += d[k].n;
	}
	if (isnan(end) || points == 0) {
		mdash_set(ctx, "value", "–");
		return 0;
	}
	char num[64];
	format_number(d[0].n ? d[0].p[d[0].n - 1].v : 0, num, sizeof num);
	mdash_set(ctx, "value", d[0].n ? num : "–");
	draw_series(d, nd, seconds, end, ctx);
	return 0;
}

struct series {
	struct pt *p;
	size_t n;
	enum xkind kind;
	const char *name;
};

/* Where a series' points go across the width: one scale for all when every
 * series keeps to one convention (the same for all); otherwise each series
 * spread over the whole width in its own order. */
static void series_x(struct series *s, int ns, double *minx, double *maxx)
{
	int common = 1;
	for (int k = 0; k < ns; k++)
		common &= s[k].kind != X_NONE && s[k].kind == s[0].kind;
	*minx = INFINITY, *maxx = -INFINITY;
	for (int k = 0; k < ns; k++)
		for (size_t i = 0; i < s[k].n; i++) {
			if (!common)
				s[k].p[i].x = s[k].n > 1 ? (double)i / (double)(s[k].n - 1) : 0.5;
			*minx = fmin(*minx, s[k].p[i].x), *maxx = fmax(*maxx, s[k].p[i].x);
		}
}

/* data.series, [{"name":..,"points":[..]}, ...]: the series on one scale,
 * each in its colour, with a legend of names and last values. */
static int series_context(mdash_context *ctx, json_object *list)
{
	struct series s[MAX_SERIES];
	int ns = 0;
	char num[64], key[64];
	for (size_t i = 0; i < json_object_array_length(list) && ns < MAX_SERIES; i++) {
		json_object *o = json_object_array_get_idx(list, i), *arr = NULL, *name = NULL;
		if (!json_object_is_type(o, json_type_object))
			continue;
		json_object_object_get_ex(o, "points", &arr);
		json_object_object_get_ex(o, "name", &name);
		s[ns].p = points_of(arr, &s[ns].n, &s[ns].kind);
		s[ns].name = name && json_object_is_type(name, json_type_string) ? json_object_get_string(name) : NULL;
		if (s[ns].n)
			ns++;
		else
			free(s[ns].p);
	}
	if (ns == 0) {
		mdash_set(ctx, "value", "–");
		return 0;
	}
	double minx, maxx, miny = INFINITY, maxy = -INFINITY;
	series_x(s, ns, &minx, &maxx);
	for (int k = 0; k < ns; k++)
		for (size_t i = 0; i < s[k].n; i++)
			miny = fmin(miny, s[k].p[i].y), maxy = fmax(maxy, s[k].p[i].y);
	format_number(s[0].p[s[0].n - 1].y, num, sizeof num);
	mdash_set(ctx, "value", num);
	for (int k = 0; k < ns; k++) {
		struct buf line = {0};
		size_t n = thin(s[k].p, s[k].n);
		for (size_t i = 0; i < n; i++) {
			double x = maxx > minx ? (s[k].p[i].x - minx) / (maxx - minx) * W : W / 2;
			double y = maxy > miny ? H - 4 - (s[k].p[i].y - miny) / (maxy - miny) * (H - 8) : H / 2;
			buf_printf(&line, "%s%.1f,%.1f", i ? " L" : "M", x, y);
		}
		snprintf(key, sizeof key, "series.%d.line", k);
		mdash_set(ctx, key, buf_str(&line));
		snprintf(key, sizeof key, "series.%d.name", k);
		if (s[k].name && *s[k].name)
			mdash_set(ctx, key, s[k].name);
		else
			mdash_setf(ctx, key, "series %d", k + 1);
		format_number(s[k].p[s[k].n - 1].y, num, sizeof num);
		snprintf(key, sizeof key, "series.%d.last", k);
		mdash_set(ctx, key, num);
		buf_free(&line);
		free(s[k].p);
	}
	format_number(miny, num, sizeof num);
	mdash_set(ctx, "min", num);
	format_number(maxy, num, sizeof num);
	mdash_set(ctx, "max", num);
	mdash_setf(ctx, "nseries", "%d", ns);
	return 0;
}

static int graph_context(const mdash_widget *w, mdash_context *ctx)
{
	long range;
	json_object *list;
	const char *r = mdash_option(w, "range");
	if (r && parse_duration(r, &range) == 0 && range > 0) {
		if (!json_object_object_get_ex(mdash_options(w), "series", NULL))
			return ranged_context(w, ctx, (double)range);
		return series_ranged_context(w, ctx, (double)range);
	}
	if (json_object_object_get_ex(mdash_data(w), "series", &list) && json_object_is_type(list, json_type_array) &&
	    json_object_array_length(list) > 0)
		return series_context(ctx, list);
	size_t n;
	char num[64];
	struct pt *p = points(w, &n);
	if (n == 0) {
		mdash_set(ctx, "value", "–");
		free(p);
		return 0;
	}
	format_number(p[n - 1].y, num, sizeof num);
	mdash_set(ctx, "value", num);
	mdash_setf(ctx, "count", "%zu", n);
	double minx = p[0].x, maxx = p[0].x, miny = p[0].y, maxy = p[0].y;
	for (size_t i = 1; i < n; i++) {
		minx = fmin(minx, p[i].x), maxx = fmax(maxx, p[i].x);
		miny = fmin(miny, p[i].y), maxy = fmax(maxy, p[i].y);
	}
	format_number(miny, num, sizeof num);
	mdash_set(ctx, "min", num);
	format_number(maxy, num, sizeof num);
	mdash_set(ctx, "max", num);
	n = thin(p, n);
	/* A flat series runs across the middle; a single point is a dot. */
	double spanx = maxx > minx ? maxx - minx : 1, spany = maxy > miny ? maxy - miny : 0;
	struct buf line = {0}, area = {0};
	for (size_t i = 0; i < n; i++) {
		double x = maxx > minx ? (p[i].x - minx) / spanx * W : W / 2;
		double y = spany > 0 ? H - 4 - (p[i].y - miny) / spany * (H - 8) : H / 2;
		buf_printf(&line, "%s%.1f,%.1f", i ? " L" : "M", x, y);
		if (i == 0)
			buf_printf(&area, "M%.1f,%.1f", x, H);
		buf_printf(&area, " L%.1f,%.1f", x, y);
		if (i == n - 1)
			buf_printf(&area, " L%.1f,%.1f Z", x, H);
	}
	if (n == 1)
		mdash_set(ctx, "dot", "1");
	mdash_set(ctx, "line", buf_str(&line));
	mdash_set(ctx, "area", buf_str(&area));
	buf_free(&line);
	buf_free(&area);
	free(p);
	return 0;
}

/* The x of a value appended to the series arr, in the series' own
 * convention: the time of the update after a time (or in a new series),
 * the last index + 1 after an index; NULL after a point without x. */
static json_object *next_x(json_object *arr, double now)
{
	size_t len = json_object_array_length(arr);
	json_object *last = len ? json_object_array_get_idx(arr, len - 1) : NULL, *vx;
	double x;
	if (!last)
		return json_object_new_int64((int64_t)now);
	if (!json_object_is_type(last, json_type_object) || !json_object_object_get_ex(last, "x", &vx))
		return NULL;
	enum xkind k = read_x(vx, &x);
	if (k == X_TIME)
		return json_object_new_int64((int64_t)now);
	if (k == X_INDEX)
		return x == floor(x) && fabs(x) < 9e15 ? json_object_new_int64((int64_t)x + 1)
						       : json_object_new_double(x + 1);
	return NULL;
}

/* The store's hook: a single "value" (without "points" beside it) is
 * appended to the series, the oldest points dropped past options.points
 * (default GRAPH_KEEP). */
static void graph_store(const mdash_widget *w, json_object *data, json_object *fields, double now)
{
	json_object *v, *pts, *max, *options = mdash_options(w);
	if (json_object_object_get_ex(fields, "points", NULL) || !json_object_object_get_ex(fields, "value", &v) ||
	    !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return;
	long keep = GRAPH_KEEP;
	if (options && json_object_object_get_ex(options, "points", &max) && json_object_is_type(max, json_type_int))
		keep = json_object_get_int(max) < 2       ? 2
		       : json_object_get_int(max) > 10000 ? 10000
							  : json_object_get_int(max);
	if (!json_object_object_get_ex(data, "points", &pts) || !json_object_is_type(pts, json_type_array)) {
		pts = json_object_new_array();
		json_object_object_add(data, "points", pts);
	}
	json_object *x = next_x(pts, now), *p = json_object_new_object();
	if (x)
		json_object_object_add(p, "x", x);
	json_object_object_add(p, "y", json_object_get(v));
	json_object_array_add(pts, p);
	size_t len = json_object_array_length(pts);
	if ((long)len > keep)
		json_object_array_del_idx(pts, 0, len - (size_t)keep);
}

const struct mdash_widget_type wtype_graph = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "graph",
	.template = "widgets/graph.cs",
	.sizex = 2,
	.sizey = 1,
	.update_interval = 60,
	.value_field = "value",
	.context = graph_context,
	.store = graph_store,
	.flags = MDASH_TYPE_DRAWS_SERIES | MDASH_TYPE_NUMERIC,
};
