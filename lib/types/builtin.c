/* SPDX-License-Identifier: MIT */
/* builtin.c: the built-in widget types, one file each beside this one, and
 * the traits of those that have any (wtype.h). The registry (wtype.c)
 * knows none of them by name. */
#include "wtype.h"

static const struct {
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

void wtype_register_builtin(void)
{
	struct buf err = {0};
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (!wtype_find(builtin[i].type->name))
			wtype_register_builtin_type(builtin[i].type, builtin[i].traits, &err);
	buf_free(&err);
}
