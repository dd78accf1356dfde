/* SPDX-License-Identifier: MIT */
/* wtype.c: the widget type registry. It knows no type: the built-in ones
 * are registered by lib/types/builtin.c, plug-ins by plugin.c. */
#include "wtype.h"

#include <stddef.h>
#include <string.h>

#include "ident.h"

#define MAX_TYPES 128

/* Each type, as a copy in this version's layout. */
static struct entry {
	struct mdash_widget_type type;
	int builtin;
} types[MAX_TYPES];
static int ntypes;

/* How much of a type of API version v there is to read: a version 1 type
 * ends before the fields version 2 added. */
static size_t layout_size(int v)
{
	return v == 1 ? offsetof(struct mdash_widget_type, flags) : sizeof(struct mdash_widget_type);
}

int wtype_register(const struct mdash_widget_type *t, int builtin, struct buf *err)
{
	if (t->api_version < MDASH_WIDGET_API_OLDEST || t->api_version > MDASH_WIDGET_API_VERSION) {
		buf_printf(err, "widget type %s: API version %d, this mdash speaks %d to %d",
			   t->name ? t->name : "(unnamed)", t->api_version, MDASH_WIDGET_API_OLDEST,
			   MDASH_WIDGET_API_VERSION);
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
	struct entry *e = &types[ntypes++];
	memset(e, 0, sizeof *e);
	memcpy(&e->type, t, layout_size(t->api_version));
	e->builtin = builtin;
	return 0;
}

int wtype_row_only(const struct mdash_widget_type *t)
{
	for (int i = 0; t && i < ntypes; i++)
		if (&types[i].type == t)
			return types[i].builtin && !(t->flags & MDASH_TYPE_SHOWS_TIME);
	return 0;
}

const struct mdash_widget_type *wtype_find(const char *name)
{
	for (int i = 0; i < ntypes; i++)
		if (!strcmp(types[i].type.name, name))
			return &types[i].type;
	return NULL;
}

int wtype_count(void)
{
	return ntypes;
}

const struct mdash_widget_type *wtype_at(int i)
{
	return i >= 0 && i < ntypes ? &types[i].type : NULL;
}
