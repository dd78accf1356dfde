/* SPDX-License-Identifier: MIT */
/* status.c: one state at a glance: ok, warning or critical (field
 * "status"; "danger" is Dashing's name for critical), with a text. */
#include <string.h>

#include "types.h"

static int status_context(const mdash_widget *w, mdash_context *ctx)
{
	const char *s = mdash_field(w, "status");
	const char *level = !s                                                 ? "unknown"
			    : !strcmp(s, "ok")                                 ? "ok"
			    : !strcmp(s, "warning")                            ? "warning"
			    : (!strcmp(s, "critical") || !strcmp(s, "danger")) ? "critical"
									       : "unknown";
	static const char *const label[][2] = {
		{"ok", "OK"}, {"warning", "Warning"}, {"critical", "Critical"}, {"unknown", "Unknown"}};
	mdash_set(ctx, "level", level);
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(label[i][0], level))
			mdash_set(ctx, "label", label[i][1]);
	return 0;
}

const struct mdash_widget_type wtype_status = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "status",
	.template = "widgets/status.cs",
	.sizex = 1,
	.sizey = 1,
	.update_interval = 60,
	.value_field = "status",
	.context = status_context,
};
