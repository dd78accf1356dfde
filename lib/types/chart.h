/* SPDX-License-Identifier: MIT */
/* chart.h: what the graph and the number's sparkline share to draw a
 * widget's history (mdash_history) into an SVG of a fixed viewBox that
 * stretches to its box: scales, paths, and axis ticks with labels. */
#ifndef MDASH_CHART_H
#define MDASH_CHART_H

#include "mdash/widget.h"
#include "util.h"

/* A drawing box in viewBox units and the ranges it maps: x is time (Unix
 * seconds), y the values, with a margin at the top and bottom so that a
 * line at the extremes stays whole. */
struct chart {
	double w, h, margin;
	double t0, t1, y0, y1;
};

/* The y range of p (from each bucket's least and greatest), widened to
 * nice round ticks when ticks is set. */
void chart_fit_y(struct chart *c, const struct mdash_point *p, int n, int ticks);
double chart_x(const struct chart *c, double t);
double chart_y(const struct chart *c, double v);
/* The line through each bucket's mean ("M x,y L ..."), the area under it,
 * and the band between the buckets' least and greatest. */
void chart_line(const struct chart *c, const struct mdash_point *p, int n, struct buf *line, struct buf *area,
		struct buf *band);

/* Sets <key>.N.label and <key>.N.at (percent of the box, from the left for
 * time, from the bottom for values) for the axes' ticks. */
void chart_time_ticks(const struct chart *c, mdash_context *ctx, const char *key);
void chart_value_ticks(const struct chart *c, mdash_context *ctx, const char *key);
/* Up to `zones` hover areas across the time axis, each <key>.N.x, .w and
 * .title ("06:05 UTC: 42 (40 to 45)") for the bucket at its middle. */
void chart_hover(const struct chart *c, const struct mdash_point *p, int n, int zones, mdash_context *ctx,
		 const char *key);

#endif
