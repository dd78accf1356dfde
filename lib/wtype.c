/* SPDX-License-Identifier: MIT */
/* wtype.c: the widget type registry. It knows no type: the built-in ones
 * are registered by lib/types/builtin.c, plug-ins by plugin.c. */
#include "wtype.h"

#include <string.h>

#include "ident.h"

#define MAX_TYPES 128

/* Each type, and for a built-in one its traits (wtype.h). */
static struct entry {
	const struct mdash_widget_type *type;
	const struct wtype_traits *traits; /* NULL: none */
	int builtin;
} types[MAX_TYPES];
static int ntypes;

static int add(const struct mdash_widget_type *t, const struct wtype_traits *traits, int builtin, struct buf *err)
{
	if (t->api_version != MDASH_WIDGET_API_VERSION) {
		buf_printf(err, "widget type %s: API version %d, this mdash speaks %d", t->name ? t->name : "(unnamed)",
			   t->api_version, MDASH_WIDGET_API_VERSION);
		return -1;
	}
	if (!ident_valid(t->name) || !t->template || !t->value_field || t->sizex < 1 || t->sizey < 1 ||
	    t->update_interval < 0) {
		buf_printf(err, "widget type %s: needs a valid name, a template, a value field and a size",
			   t->name ? t->name : "(unnamed)");
		return -1;
	}
	if (wtype_find(t->name)) {
		buf_printf(err, "widget type %s is already registered", t->name);
		return -1;
	}
	if (ntypes == MAX_TYPES) {
		buf_printf(err, "widget type %s: too many types (%d)", t->name, MAX_TYPES);
		return -1;
	}
	types[ntypes++] = (struct entry){t, traits, builtin};
	return 0;
}

int wtype_register(const struct mdash_widget_type *t, struct buf *err)
{
	return add(t, NULL, 0, err);
}

int wtype_register_builtin_type(const struct mdash_widget_type *t, const struct wtype_traits *traits, struct buf *err)
{
	return add(t, traits, 1, err);
}

/* The registry's entry of t, or NULL. */
static const struct entry *entry_of(const struct mdash_widget_type *t)
{
	for (int i = 0; t && i < ntypes; i++)
		if (types[i].type == t)
			return &types[i];
	return NULL;
}

const struct wtype_traits *wtype_traits(const struct mdash_widget_type *t)
{
	static const struct wtype_traits none;
	const struct entry *e = entry_of(t);
	return e && e->traits ? e->traits : &none;
}

int wtype_row_only(const struct mdash_widget_type *t)
{
	const struct entry *e = entry_of(t);
	return e && e->builtin && !wtype_traits(t)->shows_time;
}

const struct mdash_widget_type *wtype_find(const char *name)
{
	for (int i = 0; i < ntypes; i++)
		if (!strcmp(types[i].type->name, name))
			return types[i].type;
	return NULL;
}

int wtype_count(void)
{
	return ntypes;
}

const struct mdash_widget_type *wtype_at(int i)
{
	return i >= 0 && i < ntypes ? types[i].type : NULL;
}
