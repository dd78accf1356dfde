/* SPDX-License-Identifier: MIT */
/* list.c: label/value rows (Dashing's field: items[{label, value}]). The
 * template walks w.data.items itself; nothing to compute. */
#include "types.h"

const struct mdash_widget_type wtype_list = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "list",
	.template = "widgets/list.cs",
	.sizex = 1,
	.sizey = 2,
	.update_interval = 60,
	.value_field = "items",
};
