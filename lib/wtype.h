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
/* The registered types, in registration order. */
int wtype_count(void);
const struct mdash_widget_type *wtype_at(int i);

/* The built-in types, one file each in lib/types/. */
extern const struct mdash_widget_type wtype_number, wtype_meter, wtype_list, wtype_text;

#endif
