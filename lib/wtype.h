/* SPDX-License-Identifier: MIT */
/* wtype.h: the registry of widget types (the seed's widget pool). It
 * knows no type by name: lib/types/builtin.c registers the built-in ones,
 * plugin.c those of plug-ins, and everything a type does beyond its data
 * it says through mdash/widget.h (flags, hooks). */
#ifndef MDASH_WTYPE_H
#define MDASH_WTYPE_H

#include "mdash/widget.h"
#include "util.h"

/* Registers a type. Fails, naming it, when the name is taken, the type is
 * malformed or of an API version this mdash does not speak (the seed's
 * WidgetAlreadyRegistered). builtin: 1 for lib/types/' own, whose context
 * functions read nothing but the widget's row (see wtype_row_only). The
 * registry keeps a copy of *t, with the fields an older API version lacks
 * zero: wtype_find returns that copy. */
int wtype_register(const struct mdash_widget_type *t, int builtin, struct buf *err);
/* Registers the built-in types (lib/types/builtin.c); call once per
 * process. */
void wtype_register_builtin(void);
const struct mdash_widget_type *wtype_find(const char *name);
/* 1 when a widget of type t renders the same HTML for the same row, so a
 * render may be reused (render_cache.c): the built-in types but those that
 * show the time of the render. A plug-in's context function may read
 * anything (its settings, files), so its types answer 0. */
int wtype_row_only(const struct mdash_widget_type *t);
/* The registered types, in registration order. */
int wtype_count(void);
const struct mdash_widget_type *wtype_at(int i);

#endif
