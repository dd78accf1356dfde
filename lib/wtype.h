/* SPDX-License-Identifier: MIT */
/* wtype.h: the registry of widget types (the seed's widget pool). */
#ifndef MDASH_WTYPE_H
#define MDASH_WTYPE_H

#include "mdash/widget.h"
#include "util.h"

/* Registers a type. Fails, naming it, when the name is taken or the type
 * is malformed (the seed's WidgetAlreadyRegistered). */
int wtype_register(const struct mdash_widget_type *t, struct buf *err);
/* Registers the built-in types (lib/types/builtin.c); call once per
 * process. */
void wtype_register_builtin(void);
const struct mdash_widget_type *wtype_find(const char *name);
/* 1 when a widget of type t renders the same HTML for the same row, so a
 * render may be reused (render_cache.c): the built-in types but those that
 * show the time of the render. A plug-in's context function may read
 * anything (its settings, files), so its types answer 0. */
int wtype_row_only(const struct mdash_widget_type *t);

/* What the core asks of a type beyond mdash/widget.h, so that no code
 * outside lib/types/ needs to know a type by name. Only built-in types
 * have traits; a plug-in's are all zero (its widgets show stored data, and
 * a push's fields are stored as given). */
struct json_object;
struct wtype_traits {
	/* 1 when the type shows the time of the render, not stored data (the
	 * clock): its widgets are never stale, never say "No data yet", and
	 * are rendered afresh for every request. */
	int shows_time;
	/* Optional: called by the store before a push's fields are merged over
	 * the stored data (the graph appends a single value to its series).
	 * now is the time of the update, in Unix seconds. */
	void (*store)(struct json_object *data, struct json_object *fields, struct json_object *options, double now);
};
/* t's traits (all zero for a plug-in type, or for NULL); never NULL. */
const struct wtype_traits *wtype_traits(const struct mdash_widget_type *t);
/* Registers a built-in type with its traits (NULL: none): builtin.c's. */
int wtype_register_builtin_type(const struct mdash_widget_type *t, const struct wtype_traits *traits, struct buf *err);
/* The registered types, in registration order. */
int wtype_count(void);
const struct mdash_widget_type *wtype_at(int i);

/* The built-in types, one file each in lib/types/, and the traits of
 * those that have any. */
extern const struct mdash_widget_type wtype_number, wtype_meter, wtype_list, wtype_text, wtype_graph, wtype_clock,
	wtype_image, wtype_status;
extern const struct wtype_traits wtype_graph_traits, wtype_clock_traits;

#endif
