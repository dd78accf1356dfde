/* SPDX-License-Identifier: MIT */
/* A plug-in built for another API version: mdash must refuse it. */
#include <mdash/widget.h>
#include <stddef.h>

static const struct mdash_widget_type future = {
	.api_version = MDASH_WIDGET_API_VERSION + 1,
	.name = "future",
	.template = "widgets/text.cs",
	.sizex = 1,
	.sizey = 1,
	.value_field = "text",
};

const struct mdash_widget_type *const mdash_widget_types[] = {&future, NULL};
