/* SPDX-License-Identifier: MIT */
/* A plug-in whose type takes a built-in's name: refused as the seed's
 * WidgetAlreadyRegistered. */
#include <mdash/widget.h>
#include <stddef.h>

static const struct mdash_widget_type again = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "number",
	.template = "widgets/number.cs",
	.sizex = 1,
	.sizey = 1,
	.value_field = "current",
};

const struct mdash_widget_type *const mdash_widget_types[] = {&again, NULL};
