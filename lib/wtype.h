/* SPDX-License-Identifier: MIT */
/* wtype.h: the registry of widget types (the seed's widget pool). */
#ifndef MDASH_WTYPE_H
#define MDASH_WTYPE_H

#include "mdash/widget.h"
#include "util.h"

/* Registers a type. Fails, naming it, when the name is taken or the type
 * is malformed (the seed's WidgetAlreadyRegistered). */
int wtype_register(const struct mdash_widget_type *t, struct buf *err);
/* Registers the built-in types; call once per process. */
void wtype_register_builtin(void);
const struct mdash_widget_type *wtype_find(const char *name);
/* 1 when a widget of type t renders the same HTML for the same row, so a
 * render may be reused (render_cache.c): the built-in types but the clock,
 * which shows the time of the render. A plug-in's context function may
 * read anything (its settings, files), so its types answer 0. */
int wtype_row_only(const struct mdash_widget_type *t);
/* The registered types, in registration order. */
int wtype_count(void);
const struct mdash_widget_type *wtype_at(int i);

/* The built-in types, one file each in lib/types/. */
extern const struct mdash_widget_type wtype_number, wtype_meter, wtype_list, wtype_text, wtype_graph, wtype_clock,
	wtype_image, wtype_status;

/* The graph keeps a series in its data: each stored "value" becomes a
 * point {x: unix time, y: value}, the oldest dropped past options.points
 * (default GRAPH_KEEP). Called by the store, not at render time. */
#define GRAPH_KEEP 120
struct json_object;
void graph_grow(struct json_object *data, struct json_object *fields, struct json_object *options, double now);

#endif
