/* SPDX-License-Identifier: MIT */
/* chart.c: scales, paths and ticks for graphs of history (see chart.h). */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include "format.h"

/* A round step near raw: 1, 2 or 5 times a power of ten. */
static double nice_step(double raw)
{
	double p = pow(10, floor(log10(raw))), f = raw / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

void chart_fit_y(struct chart *c, const struct mdash_point *p, int n, int ticks)
{
	double lo = n ? p[0].min : 0, hi = n ? p[0].max : 1;
	for (int i = 1; i < n; i++)
		lo = fmin(lo, p[i].min), hi = fmax(hi, p[i].max);
	if (hi <= lo) {
		/* A flat series: one unit around it, so it runs across the middle. */
		double pad = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
		lo -= pad, hi += pad;
	}
	if (ticks) {
		double step = nice_step((hi - lo) / 3);
		lo = floor(lo / step) * step, hi = ceil(hi / step) * step;
	}
	c->y0 = lo, c->y1 = hi;
}

double chart_x(const struct chart *c, double t)
{
	return c->t1 > c->t0 ? (t - c->t0) / (c->t1 - c->t0) * c->w : c->w / 2;
}

double chart_y(const struct chart *c, double v)
{
	return c->h - c->margin - (v - c->y0) / (c->y1 - c->y0) * (c->h - 2 * c->margin);
}

void chart_line(const struct chart *c, const struct mdash_point *p, int n, struct buf *line, struct buf *area,
		struct buf *band)
{
	for (int i = 0; i < n; i++) {
		double x = chart_x(c, p[i].t), y = chart_y(c, p[i].avg);
		buf_printf(line, "%s%.1f,%.1f", i ? " L" : "M", x, y);
		if (area) {
			if (i == 0)
				buf_printf(area, "M%.1f,%.1f", x, c->h);
			buf_printf(area, " L%.1f,%.1f", x, y);
			if (i == n - 1)
				buf_printf(area, " L%.1f,%.1f Z", x, c->h);
		}
	}
	/* The band: along the greatest, back along the least. */
	for (int i = 0; band && i < n; i++)
		buf_printf(band, "%s%.1f,%.1f", i ? " L" : "M", chart_x(c, p[i].t), chart_y(c, p[i].max));
	for (int i = n - 1; band && i >= 0; i--)
		buf_printf(band, " L%.1f,%.1f", chart_x(c, p[i].t), chart_y(c, p[i].min));
	if (band && n)
		buf_puts(band, " Z");
}

/* Time labels in UTC, as the widgets' "Updated" lines are. */
static void time_label(double t, double step, char *out, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, n, step >= 86400 ? "%d %b" : "%H:%M", &tm);
}

void chart_time_ticks(const struct chart *c, mdash_context *ctx, const char *key)
{
	static const double steps[] = {60,    300,   600,   900,    1800,   3600,    7200,    10800,
				       21600, 43200, 86400, 172800, 604800, 1209600, 2592000, 7776000};
	double span = c->t1 - c->t0, step = steps[sizeof steps / sizeof steps[0] - 1];
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (span / steps[i] <= 5) {
			step = steps[i];
			break;
		}
	int k = 0;
	for (double t = ceil(c->t0 / step) * step; t <= c->t1 && k < 8; t += step) {
		/* A label is centred on its time: one at an edge would stick out of
		 * the widget by half its width (the window's ends are clock times
		 * like any other, so this happens whenever one falls on a step). */
		double at = chart_x(c, t) / c->w * 100;
		if (at < 8 || at > 92)
			continue;
		char label[32], name[96];
		time_label(t, step, label, sizeof label);
		snprintf(name, sizeof name, "%s.%d.label", key, k);
		mdash_set(ctx, name, label);
		snprintf(name, sizeof name, "%s.%d.at", key, k++);
		mdash_setf(ctx, name, "%.2f", at);
	}
}

void chart_value_ticks(const struct chart *c, mdash_context *ctx, const char *key)
{
	double step = nice_step((c->y1 - c->y0) / 3);
	int k = 0;
	for (double v = ceil(c->y0 / step) * step; v <= c->y1 + step * 1e-9 && k < 8; v += step, k++) {
		char label[64], name[96];
		format_number(fabs(v) < step * 1e-9 ? 0 : v, label, sizeof label);
		snprintf(name, sizeof name, "%s.%d.label", key, k);
		mdash_set(ctx, name, label);
		snprintf(name, sizeof name, "%s.%d.at", key, k);
		mdash_setf(ctx, name, "%.2f", (c->h - chart_y(c, v)) / c->h * 100);
	}
}

void chart_hover(const struct chart *c, const struct mdash_point *p, int n, int zones, mdash_context *ctx,
		 const char *key)
{
	if (n == 0)
		return;
	int count = n < zones ? n : zones;
	for (int z = 0; z < count; z++) {
		/* The zone's buckets: from, to; it shows the newest of them. */
		int from = z * n / count, to = (z + 1) * n / count - 1;
		double x0 = z ? (chart_x(c, p[from - 1].t) + chart_x(c, p[from].t)) / 2 : 0;
		double x1 = to < n - 1 ? (chart_x(c, p[to].t) + chart_x(c, p[to + 1].t)) / 2 : c->w;
		char when[32], v[64], lo[64], hi[64], name[96];
		time_t s = (time_t)p[to].t;
		struct tm tm;
		gmtime_r(&s, &tm);
		strftime(when, sizeof when, c->t1 - c->t0 > 86400 ? "%d %b %H:%M UTC" : "%H:%M:%S UTC", &tm);
		format_number(p[to].v, v, sizeof v);
		format_number(p[to].min, lo, sizeof lo);
		format_number(p[to].max, hi, sizeof hi);
		snprintf(name, sizeof name, "%s.%d.x", key, z);
		mdash_setf(ctx, name, "%.1f", x0);
		snprintf(name, sizeof name, "%s.%d.w", key, z);
		mdash_setf(ctx, name, "%.1f", x1 - x0);
		snprintf(name, sizeof name, "%s.%d.title", key, z);
		if (p[to].min < p[to].max)
			mdash_setf(ctx, name, "%s: %s (%s to %s)", when, v, lo, hi);
		else
			mdash_setf(ctx, name, "%s: %s", when, v);
	}
}
