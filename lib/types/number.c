/* SPDX-License-Identifier: MIT */
/* number.c: a big number, its change against the previous one, with an
 * optional prefix and suffix (Dashing's fields: current, last). */
#include <math.h>

#include "chart.h"
#include "format.h"
#include "types.h"

/* Buckets of a sparkline: enough for a smooth line in a small strip, and
 * for an hour's sparkline to be read in whole minutes (62 of them, as the
 * window is an hour and a second), one point a minute. */
#define SPARK_POINTS 64

/* options.sparkline: the recent history of the value under it, that long
 * before the newest update. */
static int sparkline(const mdash_widget *w, mdash_context *ctx)
{
	long seconds;
	const char *s = mdash_option(w, "sparkline");
	const struct mdash_point *p;
	if (!s || parse_duration(s, &seconds) || seconds <= 0)
		return 0;
	int n = mdash_history(w, ctx, "current", (double)seconds, SPARK_POINTS, &p);
	if (n <= 1)
		return n < 0 ? -1 : 0;
	struct chart c = {.w = 100, .h = 20, .margin = 1.5, .t1 = p[n - 1].t, .t0 = p[n - 1].t - (double)seconds};
	chart_fit_y(&c, p, n, 0);
	struct buf line = {0};
	chart_line(&c, p, n, &line, NULL, NULL);
	mdash_set(ctx, "spark", buf_str(&line));
	buf_free(&line);
	return 0;
}

static int number_context(const mdash_widget *w, mdash_context *ctx)
{
	double cur, last;
	char num[64];
	if (mdash_field_number(w, "current", &cur) == 0) {
		format_number(cur, num, sizeof num);
		mdash_set(ctx, "value", num);
	} else {
		const char *s = mdash_field(w, "current");
		mdash_set(ctx, "value", s ? s : "–");
	}
	const char *prefix = mdash_option(w, "prefix"), *suffix = mdash_option(w, "suffix");
	mdash_set(ctx, "prefix", prefix ? prefix : "");
	mdash_set(ctx, "suffix", suffix ? suffix : "");
	if (mdash_field_number(w, "current", &cur) == 0 && mdash_field_number(w, "last", &last) == 0) {
		double diff = cur - last;
		mdash_set(ctx, "direction", diff > 0 ? "up" : diff < 0 ? "down" : "same");
		if (last != 0) {
			double pct = diff / fabs(last) * 100.0;
			mdash_setf(ctx, "change", "%s%.1f%%", pct > 0 ? "+" : pct < 0 ? "−" : "±", fabs(pct));
		}
	}
	return sparkline(w, ctx);
}

const struct mdash_widget_type wtype_number = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "number",
	.template = "widgets/number.cs",
	.sizex = 1,
	.sizey = 1,
	.update_interval = 60,
	.value_field = "current",
	.context = number_context,
	.flags = MDASH_TYPE_NUMERIC,
};
