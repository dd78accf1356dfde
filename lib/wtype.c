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

/* The built-in types, each with its traits (NULL: none). */
static const struct builtin {
	const struct mdash_widget_type *type;
	const struct wtype_traits *traits;
} builtin[] = {
	{&wtype_number, NULL},
	{&wtype_meter, NULL},
	{&wtype_list, NULL},
	{&wtype_text, NULL},
	{&wtype_graph, &wtype_graph_traits},
	{&wtype_clock, &wtype_clock_traits},
	{&wtype_image, NULL},
	{&wtype_status, NULL},
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])

void wtype_register_builtin(void)
{
	struct buf err = {0};
	for (size_t i = 0; i < NBUILTIN; i++)
		if (!wtype_find(builtin[i].type->name))
			wtype_register(builtin[i].type, &err);
	buf_free(&err);
}

static const struct builtin *builtin_of(const struct mdash_widget_type *t)
{
	for (size_t i = 0; i < NBUILTIN; i++)
		if (t == builtin[i].type)
			return &builtin[i];
	return NULL;
}

const struct wtype_traits *wtype_traits(const struct mdash_widget_type *t)
{
	static const struct wtype_traits none;
	const struct builtin *b = t ? builtin_of(t) : NULL;
	return b && b->traits ? b->traits : &none;
}

int wtype_row_only(const struct mdash_widget_type *t)
{
	return builtin_of(t) && !wtype_traits(t)->shows_time;
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
