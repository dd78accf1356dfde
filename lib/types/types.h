/* SPDX-License-Identifier: MIT */
/* types.h: the built-in widget types, one file each in lib/types/, listed
 * by builtin.c. Each uses mdash/widget.h, the plug-ins' API, and nothing
 * else of the core, so that a type is added here alone (its file, a line
 * in builtin.c and types.am, and its template). */
#ifndef MDASH_TYPES_H
#define MDASH_TYPES_H

#include "mdash/widget.h"

extern const struct mdash_widget_type wtype_number, wtype_meter, wtype_list, wtype_text, wtype_graph, wtype_clock,
	wtype_image, wtype_status;

#endif
