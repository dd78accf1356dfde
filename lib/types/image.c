/* SPDX-License-Identifier: MIT */
/* image.c: a picture by URL (Dashing's field: image). Only http(s) and
 * same-site URLs are shown: a javascript: or data: URL renders nothing. */
#include <string.h>

#include "wtype.h"

static int image_context(const mdash_widget *w, mdash_context *ctx)
{
	const char *src = mdash_field(w, "image");
	if (src && (!strncmp(src, "https://", 8) || !strncmp(src, "http://", 7) || (src[0] == '/' && src[1] != '/')))
		mdash_set(ctx, "src", src);
	const char *alt = mdash_field(w, "alt");
	mdash_set(ctx, "alt", alt ? alt : "");
	return 0;
}

const struct mdash_widget_type wtype_image = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "image",
	.template = "widgets/image.cs",
	.sizex = 1,
	.sizey = 1,
	.update_interval = 300,
	.value_field = "image",
	.context = image_context,
};
