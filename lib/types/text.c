/* SPDX-License-Identifier: MIT */
/* text.c: a line or paragraph of text (Dashing's field: text). */
#include "types.h"

const struct mdash_widget_type wtype_text = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "text",
	.template = "widgets/text.cs",
	.sizex = 1,
	.sizey = 1,
	.update_interval = 60,
	.value_field = "text",
};
