/* SPDX-License-Identifier: MIT */
/* series.c: graphs that follow other widgets (see series.h). */
#include "series.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>

#include "db.h"
#include "wtype.h"

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
		struct db_result r;
		if (!want) {
			buf_printf(err, "widget %s: options.series[%zu]: must be a widget's name", name, i);
			rc = -1;
		} else if ((rc = db_exec("INSERT INTO widget_series (graph_id, widget_id, position) "
					 "SELECT ?, id, ? FROM widgets WHERE name = ? AND dashboard_id <=> ?",
					 DB_PARAMS(DB_I(id), DB_I((long long)i), DB_S(want), DB_S(dashboard_id)), &r,
					 err)) == 0) {
			if (r.affected == 0) {
				buf_printf(err,
					   "widget %s: options.series[%zu]: no widget \"%s\" on the graph's dashboard",
					   name, i, want);
				rc = -1;
			}
			db_result_free(&r);
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

void series_bumped_free(struct series_bumped *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->names[i]);
	free(b->names);
	free(b->versions);
	*b = (struct series_bumped){0};
}

/* "graph_id FROM widget_series WHERE widget_id IN (?, ...) AND ...": the
 * graphs that follow n widgets. */
static void followers_sql(struct buf *sql, int n)
{
	buf_puts(sql, "SELECT DISTINCT graph_id FROM widget_series WHERE graph_id <> widget_id AND widget_id IN (");
	for (int i = 0; i < n; i++)
		buf_puts(sql, i ? ", ?" : "?");
	buf_puts(sql, ")");
}

int series_bump(const long long *ids, int n, int pending, struct series_bumped *out, struct buf *err)
{
	if (n <= 0)
		return 0;
	struct buf update = {0}, select = {0};
	buf_puts(&update, "UPDATE widgets g JOIN (");
	followers_sql(&update, n);
	buf_puts(&update, ") f ON f.graph_id = g.id SET g.version = g.version + 1, g.updated_at = UTC_TIMESTAMP(3), "
			  "g.publish_pending = ?");
	buf_puts(&select, "SELECT g.name, g.version FROM widgets g WHERE g.id IN (");
	followers_sql(&select, n);
	buf_puts(&select, ") ORDER BY g.name");
	/* The pending flag is the UPDATE's last parameter. */
	struct db_param *q = xcalloc((size_t)n + 1, sizeof *q);
	for (int i = 0; i < n; i++)
		q[i] = DB_I(ids[i]);
	q[n] = DB_I(pending);
	struct db_result r;
	int rc = db_exec(update.data, q, n + 1, NULL, err) || (out && db_exec(select.data, q, n, &r, err));
	if (!rc && out) {
		out->names = xrealloc(out->names, (size_t)(out->n + r.nrows + 1) * sizeof *out->names);
		out->versions = xrealloc(out->versions, (size_t)(out->n + r.nrows + 1) * sizeof *out->versions);
		for (int i = 0; i < r.nrows; i++, out->n++) {
			out->names[out->n] = xstrdup(db_cell(&r, i, 0));
			out->versions[out->n] = db_cell_int(&r, i, 1, 0);
		}
		db_result_free(&r);
	}
	free(q);
	buf_free(&update);
	buf_free(&select);
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
