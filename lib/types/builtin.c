/* SPDX-License-Identifier: MIT */
/* builtin.c: the built-in widget types, one file each beside this one. The
 * registry (wtype.c) knows none of them by name; what a type does beyond
 * showing its data it says in its own struct (flags, hooks). */
#include "types.h"
#include "wtype.h"

static const struct mdash_widget_type *const builtin[] = {
	&wtype_number, &wtype_meter, &wtype_list, &wtype_text, &wtype_graph, &wtype_clock, &wtype_image, &wtype_status,
};

void wtype_register_builtin(void)
{
	struct buf err = {0};
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
		if (!wtype_find(builtin[i]->name))
			wtype_register(builtin[i], 1, &err);
	buf_free(&err);
}
