/* SPDX-License-Identifier: MIT */
/* number.c: a big number, its change against the previous one, with an
 * optional prefix and suffix (Dashing's fields: current, last). */
#include <math.h>

#include "format.h"
#include "wtype.h"

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
	return 0;
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
};
