/* SPDX-License-Identifier: MIT */
/* wtype.c: the widget type registry. */
#include "wtype.h"

#include <string.h>

#include "ident.h"

#define MAX_TYPES 128

static const struct mdash_widget_type *types[MAX_TYPES];
static int ntypes;

int wtype_register(const struct mdash_widget_type *t, struct buf *err)
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
	types[ntypes++] = t;
	return 0;
}

static const struct mdash_widget_type *const builtin[] = {&wtype_number, &wtype_meter, &wtype_list,  &wtype_text,
							  &wtype_graph,  &wtype_clock, &wtype_image, &wtype_status};

void wtype_register_builtin(void)
{
	struct buf err = {0};
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (!wtype_find(builtin[i]->name))
			wtype_register(builtin[i], &err);
	buf_free(&err);
}

int wtype_row_only(const struct mdash_widget_type *t)
{
	if (t == &wtype_clock)
		return 0;
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (t == builtin[i])
			return 1;
	return 0;
}

const struct mdash_widget_type *wtype_find(const char *name)
{
	for (int i = 0; i < ntypes; i++)
		if (!strcmp(types[i]->name, name))
			return types[i];
	return NULL;
}

int wtype_count(void)
{
	return ntypes;
}

const struct mdash_widget_type *wtype_at(int i)
{
	return i >= 0 && i < ntypes ? types[i] : NULL;
}
