/* SPDX-License-Identifier: MIT */
/* source.h: where a widget's data comes from. One interface, one file per
 * kind in lib/sources/ (as nchan has one file per store backend). */
#ifndef MDASH_SOURCE_H
#define MDASH_SOURCE_H

#include <json-c/json.h>

#include "config.h"
#include "fields.h"
#include "source_json.h" /* the JSON text sources bring in */
#include "util.h"
#include "widget.h"

#define SOURCE_MAX_BYTES (4 << 20)

/* What one fetch may use. Each updater thread has its own. */
struct md_fetch {
	const struct md_config *cfg;
	long timeout; /* seconds */
	void *curl;   /* a reusable CURL handle, or NULL */
};

struct md_source_kind {
	const char *name;
	/* Its own keys besides "kind" (NULL: none). Most are FIELD_ANY:
	 * validate checks their values, in words that say what they hold (a
	 * URL, an argv, PromQL). */
	const struct field *fields;
	/* It maps the document it fetches by "pointer" or "fields" (keys it
	 * takes too, checked by source_validate). */
	int maps;
	/* Checks the kind's own keys; messages name the field. */
	int (*validate)(json_object *src, struct buf *err);
	/* Fetches the raw document into out; NULL for kinds that never pull. */
	int (*fetch)(json_object *src, struct md_fetch *f, struct buf *out, struct buf *err);
};

extern const struct md_source_kind source_http, source_exec, source_sql, source_prometheus, source_push;

/* How the updater gets a widget's data, decided here once: by its type's
 * update function (source {"kind": "<type name>"} of a type that has one),
 * by its source's fetch, or not at all (pushed data); or it cannot,
 * because the type or the source kind is unknown. *type gets w's type
 * (NULL when unknown). */
enum source_way { SOURCE_TYPE_UNKNOWN, SOURCE_KIND_UNKNOWN, SOURCE_PUSHED, SOURCE_BY_TYPE, SOURCE_BY_FETCH };
enum source_way source_way(const struct md_widget *w, const struct mdash_widget_type **type);

const struct md_source_kind *source_find(const char *kind);
/* The account sql sources use: each SQL.* setting, or the DB.* one where
 * it is empty (strings borrowed from cfg). */
void source_sql_account(const struct md_config *cfg, struct md_dsn *out);
/* Connects as that account as a fetch does (read-only, timeout seconds),
 * and disconnects: 0, or -1 with why ("cannot connect: ..."). */
int source_sql_try(const struct md_config *cfg, long timeout, struct buf *err);
/* Sources.Exec (config.h): 0 when every entry is an absolute path, else
 * -1 naming the first that is not. */
int source_exec_list_check(const char *list, struct buf *err);
/* Sources.Exec as a JSON array of its entries. */
json_object *source_exec_list(const struct md_config *cfg);
/* For a source made through the app's API: 0 when it is no exec source,
 * or its command is one Sources.Exec allows; else -1 and a message for
 * source.command. */
int source_exec_allowed(json_object *src, const struct md_config *cfg, struct buf *err);
/* Checks a whole source object: known kind, known keys, valid values. */
int source_validate(json_object *src, struct buf *err);
/* Maps a fetched document to the widget's fields by "pointer" or "fields"
 * (see the declarative file). Returns 0 and a new object, or -1. */
int source_map(json_object *doc, json_object *src, const char *value_field, json_object **fields, struct buf *err);
/* Fetch, parse and map: the whole pull of one widget. */
int source_pull(const struct md_widget *w, const char *value_field, struct md_fetch *f, json_object **fields,
		struct buf *err);
#endif
