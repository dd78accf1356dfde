/* SPDX-License-Identifier: MIT */
/* A plug-in as one built for API version 1 is: its type struct ends after
 * the update function, where version 2 added fields. What follows it here
 * is not zero, so that a loader reading past a version 1 type would see
 * flags and a store hook it never had. mdash must load it as it is. */
#include <mdash/widget.h>
#include <stdlib.h>
#include <string.h>

/* The type struct of mdash/widget.h at API version 1, field for field. */
struct widget_type_v1 {
	int api_version;
	const char *name, *template;
	int sizex, sizey;
	int update_interval;
	const char *value_field;
	int (*context)(const mdash_widget *w, mdash_context *ctx);
	int (*update)(mdash_widget *w, char **json, char **error);
};

static int legacy_context(const mdash_widget *w, mdash_context *ctx)
{
	const char *text = mdash_field(w, "text");
	mdash_set(ctx, "shout", text ? text : "");
	return 0;
}

static int legacy_update(mdash_widget *w, char **json, char **error)
{
	(void)w;
	(void)error;
	*json = strdup("{\"text\":\"from a version 1 plug-in\"}");
	return *json ? 0 : -1;
}

static const struct {
	struct widget_type_v1 type;
	unsigned long after[4];
} legacy = {
	.type = {1, "legacy", "widgets/text.cs", 1, 1, 60, "text", legacy_context, legacy_update},
	.after = {~0ul, ~0ul, ~0ul, ~0ul},
};

const struct widget_type_v1 *const mdash_widget_types[] = {&legacy.type, NULL};
