/* SPDX-License-Identifier: MIT */
/* series.c: graphs that follow other widgets (see series.h). */
#include "series.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ident.h"
#include "wtype.h"

/* Whether widget `want` of the graph's dashboard can be drawn: its id in
 * *id, or -1 with why in err (path first, as the graph's other errors). */
static int series_member(const char *name, size_t i, const char *want, const char *dashboard_id, long long *id,
			 struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT id, type FROM widgets WHERE name = ? AND dashboard_id <=> ?",
		    DB_PARAMS(DB_S(want), DB_S(dashboard_id)), &r, err))
		return -1;
	int rc = -1;
	const char *type = r.nrows ? db_cell(&r, 0, 1) : NULL;
	const struct mdash_widget_type *t = type ? wtype_find(type) : NULL;
	if (!r.nrows)
		buf_printf(err, "widget %s: options.series[%zu]: no widget \"%s\" on the graph's dashboard", name, i,
			   want);
	else if (!t)
		buf_printf(err, "widget %s: options.series[%zu]: widget \"%s\" is of type %s, which is not installed",
			   name, i, want, type ? type : "(none)");
	else if (!(t->flags & MDASH_TYPE_NUMERIC))
		buf_printf(err, "widget %s: options.series[%zu]: widget \"%s\" is a %s widget, not a number", name, i,
			   want, t->name);
	else {
		*id = db_cell_int(&r, 0, 0, 0);
		rc = 0;
	}
	db_result_free(&r);
	return rc;
}

/* Checks one graph's options.series and writes its rows. */
static int sync_graph(long long id, const char *name, const char *options, const char *dashboard_id, struct buf *err)
{
	json_object *o = json_tokener_parse(options ? options : "{}"), *list = NULL, *range = NULL;
	int rc = 0;
	if (!o || !json_object_object_get_ex(o, "series", &list)) {
		json_object_put(o);
		return 0;
	}
	size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
	if (n < 1 || n > SERIES_MAX) {
		buf_printf(err, "widget %s: options.series: must be an array of 1 to %d widget names", name,
			   SERIES_MAX);
		rc = -1;
	} else if (!json_object_object_get_ex(o, "range", &range)) {
		buf_printf(err, "widget %s: options.series: needs options.range (how much history to draw)", name);
		rc = -1;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		json_object *v = json_object_array_get_idx(list, i);
		const char *want = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		long long member;
		if (!want) {
			buf_printf(err, "widget %s: options.series[%zu]: must be a widget's name", name, i);
			rc = -1;
		} else if ((rc = series_member(name, i, want, dashboard_id, &member, err)) == 0) {
			rc = db_exec("INSERT INTO widget_series (graph_id, widget_id, position) VALUES (?, ?, ?)",
				     DB_PARAMS(DB_I(id), DB_I(member), DB_I((long long)i)), NULL, err);
		}
	}
	json_object_put(o);
	return rc;
}

int series_sync(struct buf *err)
{
	struct db_result r;
	if (db_exec("DELETE FROM widget_series", DB_NOPARAMS, NULL, err) ||
	    db_exec("SELECT id, name, options, dashboard_id, type FROM widgets WHERE options LIKE '%series%' "
		    "ORDER BY name",
		    DB_NOPARAMS, &r, err))
		return -1;
	int rc = 0;
	for (int i = 0; !rc && i < r.nrows; i++) {
		/* Only a type that draws other widgets follows them. */
		const struct mdash_widget_type *t = wtype_find(db_cell(&r, i, 4));
		if (t && (t->flags & MDASH_TYPE_DRAWS_SERIES))
			rc = sync_graph(db_cell_int(&r, i, 0, 0), db_cell(&r, i, 1), db_cell(&r, i, 2),
					db_cell(&r, i, 3), err);
	}
	db_result_free(&r);
	return rc;
}

void series_bumped_add(struct series_bumped *b, const char *name, long long version)
{
	b->names = xrealloc(b->names, (size_t)(b->n + 1) * sizeof *b->names);
	b->versions = xrealloc(b->versions, (size_t)(b->n + 1) * sizeof *b->versions);
	b->names[b->n] = xstrdup(name);
	b->versions[b->n++] = version;
}

void series_bumped_free(struct series_bumped *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->names[i]);
	free(b->names);
	free(b->versions);
	*b = (struct series_bumped){0};
}

/* Statements take SERIES_CHUNK ids or names at a time, a shorter list
 * repeating its last: fixed texts, which the statement cache keeps. */
#define SERIES_CHUNK 16
#define LIST_IN "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

static int by_ident(const void *a, const void *b)
{
	return ident_cmp(*(char *const *)a, *(char *const *)b);
}

void series_graphs_free(struct series_graphs *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->names[i]);
	free(g->names);
	*g = (struct series_graphs){0};
}

int series_followers(const long long *ids, int n, struct series_graphs *out, struct buf *err)
{
	*out = (struct series_graphs){0};
	for (int from = 0; from < n; from += SERIES_CHUNK) {
		struct db_param q[SERIES_CHUNK];
		struct db_result r;
		for (int i = 0; i < SERIES_CHUNK; i++)
			q[i] = DB_I(ids[from + i < n ? from + i : n - 1]);
		if (db_exec("SELECT DISTINCT g.name FROM widget_series s JOIN widgets g ON g.id = s.graph_id "
			    "WHERE s.graph_id <> s.widget_id AND s.widget_id IN " LIST_IN,
			    q, SERIES_CHUNK, &r, err)) {
			series_graphs_free(out);
			return -1;
		}
		out->names = xrealloc(out->names, (size_t)(out->n + r.nrows + 1) * sizeof *out->names);
		for (int i = 0; i < r.nrows; i++) {
			int k = 0;
			while (k < out->n && strcmp(out->names[k], db_cell(&r, i, 0)))
				k++;
			if (k == out->n)
				out->names[out->n++] = xstrdup(db_cell(&r, i, 0));
		}
		db_result_free(&r);
	}
	qsort(out->names, (size_t)out->n, sizeof *out->names, by_ident);
	return 0;
}

int series_bump(const struct series_graphs *g, int pending, struct series_bumped *out, struct buf *err)
{
	if (g->n <= 0)
		return 0;
	/* One row at a time by its name (one round trip): a statement naming
	 * several may scan the table, and lock rows not the caller's. */
	struct db_param *rows = xcalloc((size_t)g->n * 2, sizeof *rows);
	for (int i = 0; i < g->n; i++) {
		rows[i * 2] = DB_I(pending);
		rows[i * 2 + 1] = DB_S(g->names[i]);
	}
	int rc = db_exec_rows("UPDATE widgets SET version = version + 1, updated_at = UTC_TIMESTAMP(3), "
			      "publish_pending = ? WHERE name = ?",
			      rows, 2, g->n, err);
	free(rows);
	for (int from = 0; !rc && out && from < g->n; from += SERIES_CHUNK) {
		struct db_param q[SERIES_CHUNK];
		struct db_result r;
		for (int i = 0; i < SERIES_CHUNK; i++)
			q[i] = DB_S(g->names[from + i < g->n ? from + i : g->n - 1]);
		if ((rc = db_exec("SELECT name, version FROM widgets WHERE name IN " LIST_IN " ORDER BY name", q,
				  SERIES_CHUNK, &r, err)))
			break;
		for (int i = 0; i < r.nrows; i++)
			series_bumped_add(out, db_cell(&r, i, 0), db_cell_int(&r, i, 1, 0));
		db_result_free(&r);
	}
	return rc ? -1 : 0;
}

int series_touch(const char *name, struct series_bumped *out, struct buf *err)
{
	struct db_result r;
	struct series_graphs g = {0};
	if (db_exec("SELECT id FROM widgets WHERE name = ?", DB_PARAMS(DB_S(name)), &r, err))
		return -1;
	long long id = db_cell_int(&r, 0, 0, 0);
	db_result_free(&r);
	int rc = id && (series_followers(&id, 1, &g, err) || series_bump(&g, 1, out, err));
	series_graphs_free(&g);
	return rc ? -1 : 0;
}

/* A graph's options without `name` in options.series (every time it is
 * there), and without options.series when none is left: the graph then
 * draws its own history over its range. A malloc'd JSON text. */
static char *options_without(const char *options, const char *name)
{
	json_object *o = json_tokener_parse(options ? options : "{}"), *list, *kept = json_object_new_array();
	if (o && json_object_object_get_ex(o, "series", &list) && json_object_is_type(list, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			json_object *v = json_object_array_get_idx(list, i);
			if (!json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), name))
				json_object_array_add(kept, json_object_get(v));
		}
		if (json_object_array_length(kept))
			json_object_object_add(o, "series", json_object_get(kept));
		else
			json_object_object_del(o, "series");
	}
	char *text =
		xstrdup(o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : (options ? options : "{}"));
	json_object_put(kept);
	json_object_put(o);
	return text;
}

int series_forget(long long widget_id, const char *name, struct series_bumped *out, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT DISTINCT g.id, g.name, g.options, g.version FROM widget_series s "
		    "JOIN widgets g ON g.id = s.graph_id WHERE s.widget_id = ? AND s.graph_id <> s.widget_id "
		    "ORDER BY g.name",
		    DB_PARAMS(DB_I(widget_id)), &r, err))
		return -1;
	int rc = 0;
	for (int i = 0; !rc && i < r.nrows; i++) {
		long long graph = db_cell_int(&r, i, 0, 0), version = db_cell_int(&r, i, 3, 0) + 1;
		char *options = options_without(db_cell(&r, i, 2), name);
		rc = db_exec("UPDATE widgets SET options = ?, version = ?, publish_pending = 1 WHERE id = ?",
			     DB_PARAMS(DB_S(options), DB_I(version), DB_I(graph)), NULL, err) ||
		     db_exec("DELETE FROM widget_series WHERE graph_id = ? AND widget_id = ?",
			     DB_PARAMS(DB_I(graph), DB_I(widget_id)), NULL, err);
		free(options);
		if (!rc && out)
			series_bumped_add(out, db_cell(&r, i, 1), version);
	}
	db_result_free(&r);
	return rc ? -1 : 0;
}

int series_of(long long graph_id, struct series_member **out, int *n, struct buf *err)
{
	struct db_result r;
	*out = NULL;
	*n = 0;
	if (db_exec("SELECT w.id, w.name, w.title, w.type, UNIX_TIMESTAMP(w.updated_at) FROM widget_series s "
		    "JOIN widgets w ON w.id = s.widget_id WHERE s.graph_id = ? ORDER BY s.position",
		    DB_PARAMS(DB_I(graph_id)), &r, err))
		return -1;
	*out = xcalloc((size_t)r.nrows + 1, sizeof **out);
	for (int i = 0; i < r.nrows; i++) {
		const char *t = db_cell(&r, i, 4);
		(*out)[i] = (struct series_member){.id = db_cell_int(&r, i, 0, 0),
						   .name = xstrdup(db_cell(&r, i, 1)),
						   .title = db_cell(&r, i, 2) ? xstrdup(db_cell(&r, i, 2)) : NULL,
						   .type = xstrdup(db_cell(&r, i, 3) ? db_cell(&r, i, 3) : ""),
						   .updated = t ? strtod(t, NULL) : NAN};
	}
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

void series_members_free(struct series_member *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].title);
		free(m[i].type);
	}
	free(m);
}
