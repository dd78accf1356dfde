/* SPDX-License-Identifier: MIT */
/* image.c: a picture by URL (Dashing's field: image). Only http(s) URLs
 * and paths on this site are shown: a javascript: or data: URL renders
 * nothing, and so does anything a browser would read as another site. */
#include <string.h>
#include <strings.h>

#include "types.h"

/* A path on this site: "/" then no second "/" or backslash (browsers read
 * "//x" and "/\x" as the host x), no backslash or percent-encoded slash or
 * backslash that a server might decode into one, and no space or control
 * character (browsers drop tabs and newlines, so "/\t/x" is "//x"). */
static int site_path(const char *s)
{
	if (s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\\' ||
		    (*p == '%' && (!strncasecmp((const char *)p, "%2f", 3) || !strncasecmp((const char *)p, "%5c", 3))))
			return 0;
	return 1;
}

static int image_url_ok(const char *s)
{
	return s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7) || site_path(s));
}

static int image_context(const mdash_widget *w, mdash_context *ctx)
{
	const char *src = mdash_field(w, "image");
	if (image_url_ok(src))
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
