/* SPDX-License-Identifier: MIT */
/* meter.c: a value between min and max, drawn as a half-circle gauge
 * (Dashing's field: value; min and max from the data or the options). A
 * value outside the range shows its own number and a mark saying so. */
#include <math.h>

#include "format.h"
#include "types.h"

/* Gauge geometry, matching the template's viewBox 0 0 200 110. */
#define CX 100.0
#define CY 100.0
#define R 80.0

static double bound(const mdash_widget *w, const char *key, double dflt)
{
	double v;
	if (mdash_field_number(w, key, &v) == 0 || mdash_option_number(w, key, &v) == 0)
		return v;
	return dflt;
}

/* A value outside min..max: its number stays true, the arc stops at the
 * end, and "range" (over or under) and "limit" (the end passed) let the
 * template say so in words. */
static void out_of_range(mdash_context *ctx, double v, double min, double max)
{
	char num[64];
	if (!isfinite(v) || !(max > min) || (v >= min && v <= max))
		return;
	mdash_set(ctx, "range", v > max ? "over" : "under");
	format_number(v > max ? max : min, num, sizeof num);
	mdash_set(ctx, "limit", num);
}

static int meter_context(const mdash_widget *w, mdash_context *ctx)
{
	double min = bound(w, "min", 0), max = bound(w, "max", 100), v;
	char num[64];
	if (mdash_field_number(w, "value", &v) != 0) {
		mdash_set(ctx, "value", "–");
		mdash_set(ctx, "percent", "0");
		mdash_setf(ctx, "arc", "M%.1f,%.1f", CX - R, CY);
		return 0;
	}
	format_number(v, num, sizeof num);
	mdash_set(ctx, "value", num);
	format_number(min, num, sizeof num);
	mdash_set(ctx, "min", num);
	format_number(max, num, sizeof num);
	mdash_set(ctx, "max", num);
	out_of_range(ctx, v, min, max);
	double p = max > min ? (v - min) / (max - min) : 0;
	p = p < 0 ? 0 : p > 1 ? 1 : p;
	mdash_setf(ctx, "percent", "%.0f", p * 100);
	/* The filled arc runs from the left end of the half circle to angle p*pi. */
	double a = M_PI * p;
	mdash_setf(ctx, "arc", "M%.1f,%.1f A%.0f,%.0f 0 0 1 %.2f,%.2f", CX - R, CY, R, R, CX - R * cos(a),
		   CY - R * sin(a));
	return 0;
}

const struct mdash_widget_type wtype_meter = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "meter",
	.template = "widgets/meter.cs",
	.sizex = 1,
	.sizey = 1,
	.update_interval = 60,
	.value_field = "value",
	.context = meter_context,
	.flags = MDASH_TYPE_NUMERIC,
};
