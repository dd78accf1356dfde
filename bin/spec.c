/* SPDX-License-Identifier: MIT */
/* spec.c: dashboards and widgets as the declarative file describes them:
 * checking (every error names the field), defaults from the widget type,
 * placement in the grid, and writing to the database. Shared by
 * `mdash apply` and `mdash widget|dashboard add|set`. */
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ident.h"
#include "source.h"
#include "wtype.h"

static const char *const dash_keys[] = {"slug", "title", "description", "columns", "widgets", NULL};
static const char *const widget_keys[] = {"name", "type",     "title",  "sizex",   "sizey",   "col",
					  "row",  "interval", "source", "options", "enabled", NULL};

/* Fails on a key not in keys, naming it and where it is. */
int spec_check_keys(json_object *o, const char *const *keys, const char *where, struct buf *err)
{
	json_object_object_foreach (o, key, val) {
		(void)val;
		const char *const *k = keys;
		while (*k && strcmp(*k, key))
			k++;
		if (!*k) {
			buf_printf(err, "%s: unknown key \"%s\"", where, key);
			return -1;
		}
	}
	return 0;
}

static int get_int(json_object *o, const char *key, long min, long max, long *out, const char *where, struct buf *err)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < min ||
	    json_object_get_int64(v) > max) {
		buf_printf(err, "%s.%s: must be a whole number from %ld to %ld", where, key, min, max);
		return -1;
	}
	*out = (long)json_object_get_int64(v);
	return 0;
}

static int get_str(json_object *o, const char *key, size_t max, const char **out, const char *where, struct buf *err)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) || strlen(json_object_get_string(v)) > max) {
		buf_printf(err, "%s.%s: must be a string of at most %zu bytes", where, key, max);
		return -1;
	}
	*out = json_object_get_string(v);
	return 0;
}

int spec_widget(json_object *w, const char *where, struct wspec *s, struct buf *err)
{
	json_object *v;
	if (!json_object_is_type(w, json_type_object)) {
		buf_printf(err, "%s: must be an object", where);
		return -1;
	}
	if (spec_check_keys(w, widget_keys, where, err) || get_str(w, "name", 64, &s->name, where, err) ||
	    get_str(w, "type", 64, &s->type, where, err) || get_str(w, "title", 200, &s->title, where, err))
		return -1;
	if (!s->name || !ident_valid(s->name)) {
		buf_printf(err, "%s.name: %s must match [a-z0-9][a-z0-9_-]{0,63}", where,
			   s->name ? s->name : "missing:");
		return -1;
	}
	const struct mdash_widget_type *t = s->type ? wtype_find(s->type) : NULL;
	if (!t) {
		buf_printf(err, "%s.type: %s%s%s", where, s->type ? "unknown widget type \"" : "missing",
			   s->type ? s->type : "", s->type ? "\"" : "");
		return -1;
	}
	s->sizex = t->sizex;
	s->sizey = t->sizey;
	s->interval = t->update_interval;
	s->enabled = 1;
	s->col = s->row = 0;
	if (get_int(w, "sizex", 1, MAX_COLUMNS, &s->sizex, where, err) ||
	    get_int(w, "sizey", 1, 24, &s->sizey, where, err) ||
	    get_int(w, "col", 1, MAX_COLUMNS, &s->col, where, err) ||
	    get_int(w, "row", 1, MAX_ROWS, &s->row, where, err) ||
	    get_int(w, "interval", 1, 7 * 86400, &s->interval, where, err))
		return -1;
	if (json_object_object_get_ex(w, "enabled", &v)) {
		if (!json_object_is_type(v, json_type_boolean)) {
			buf_printf(err, "%s.enabled: must be true or false", where);
			return -1;
		}
		s->enabled = json_object_get_boolean(v);
	}
	s->options = "{}";
	if (json_object_object_get_ex(w, "options", &v)) {
		if (!json_object_is_type(v, json_type_object)) {
			buf_printf(err, "%s.options: must be an object", where);
			return -1;
		}
		s->options = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	}
	if (!json_object_object_get_ex(w, "source", &v)) {
		/* A type that fetches its own data does so by default. */
		if (t->update) {
			buf_printf(&s->own_source, "{\"kind\":\"%s\"}", t->name); /* a valid identifier */
			s->source = s->own_source.data;
		} else {
			s->source = "{\"kind\":\"push\"}";
		}
		return 0;
	}
	json_object *k;
	if (t->update && json_object_object_get_ex(v, "kind", &k) && !strcmp(json_object_get_string(k), t->name)) {
		if (json_object_object_length(v) != 1) {
			buf_printf(err, "%s.source: a %s source takes no keys but \"kind\"", where, t->name);
			return -1;
		}
		s->source = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		return 0;
	}
	struct buf why = {0};
	if (source_validate(v, &why)) {
		buf_printf(err, "%s.%s", where, buf_str(&why));
		buf_free(&why);
		return -1;
	}
	s->source = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	return 0;
}

/* Places widgets that have no col/row in the first free spot, reading
 * order, as a grid layout would; explicit positions are kept. */
void spec_place(struct dspec *d)
{
	static unsigned char used[MAX_ROWS + 24][MAX_COLUMNS];
	memset(used, 0, sizeof used);
	long cols = d->columns;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < d->nwidgets; i++) {
			struct wspec *w = &d->widgets[i];
			int explicit = w->col && w->row;
			if (explicit != (pass == 0))
				continue;
			long sx = w->sizex > cols ? cols : w->sizex;
			for (long r = explicit ? w->row : 1; !explicit && r < MAX_ROWS; r++) {
				long c;
				for (c = 1; c + sx - 1 <= cols; c++) {
					int free_spot = 1;
					for (long y = r; free_spot && y < r + w->sizey; y++)
						for (long x = c; free_spot && x < c + sx; x++)
							free_spot = !used[y][x - 1];
					if (free_spot)
						break;
				}
				if (c + sx - 1 <= cols) {
					w->row = r;
					w->col = c;
					break;
				}
			}
			for (long y = w->row; y < w->row + w->sizey && y < MAX_ROWS + 24; y++)
				for (long x = w->col; x < w->col + sx && x <= MAX_COLUMNS; x++)
					used[y][x - 1] = 1;
		}
}

int spec_dashboard(json_object *d, const char *where, struct dspec *s, struct buf *err)
{
	json_object *ws;
	if (!json_object_is_type(d, json_type_object)) {
		buf_printf(err, "%s: must be an object", where);
		return -1;
	}
	s->columns = 6;
	if (spec_check_keys(d, dash_keys, where, err) || get_str(d, "slug", 64, &s->slug, where, err) ||
	    get_str(d, "title", 200, &s->title, where, err) ||
	    get_str(d, "description", 2000, &s->description, where, err) ||
	    get_int(d, "columns", 1, MAX_COLUMNS, &s->columns, where, err))
		return -1;
	if (!s->slug || !ident_valid(s->slug)) {
		buf_printf(err, "%s.slug: %s must match [a-z0-9][a-z0-9_-]{0,63}", where,
			   s->slug ? s->slug : "missing:");
		return -1;
	}
	if (!json_object_object_get_ex(d, "widgets", &ws))
		return 0;
	if (!json_object_is_type(ws, json_type_array)) {
		buf_printf(err, "%s.widgets: must be an array", where);
		return -1;
	}
	s->nwidgets = (int)json_object_array_length(ws);
	s->widgets = xcalloc((size_t)s->nwidgets, sizeof *s->widgets);
	for (int i = 0; i < s->nwidgets; i++) {
		char at[128];
		snprintf(at, sizeof at, "%s.widgets[%d]", where, i);
		if (spec_widget(json_object_array_get_idx(ws, (size_t)i), at, &s->widgets[i], err))
			return -1;
		for (int k = 0; k < i; k++)
			if (!strcmp(s->widgets[k].name, s->widgets[i].name)) {
				buf_printf(err, "%s.name: \"%s\" appears twice", at, s->widgets[i].name);
				return -1;
			}
	}
	spec_place(s);
	return 0;
}

int spec_write_widget(const struct wspec *w, long long dashboard_id, struct buf *err)
{
	return db_exec("INSERT INTO widgets (name, type, dashboard_id, title, col, `row`, sizex, sizey, "
		       "update_interval, source, options, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		       "ON DUPLICATE KEY UPDATE type = VALUES(type), dashboard_id = VALUES(dashboard_id), "
		       "title = VALUES(title), col = VALUES(col), `row` = VALUES(`row`), sizex = VALUES(sizex), "
		       "sizey = VALUES(sizey), update_interval = VALUES(update_interval), "
		       "source = VALUES(source), options = VALUES(options), enabled = VALUES(enabled)",
		       DB_PARAMS(DB_S(w->name), DB_S(w->type), dashboard_id ? DB_I(dashboard_id) : DB_S(NULL),
				 DB_S(w->title ? w->title : w->name), DB_I(w->col ? w->col : 1),
				 DB_I(w->row ? w->row : 1), DB_I(w->sizex), DB_I(w->sizey), DB_I(w->interval),
				 DB_S(w->source), DB_S(w->options), DB_I(w->enabled)),
		       NULL, err);
}

int spec_write_dashboard(const struct dspec *d, int position, long long *id, struct buf *err)
{
	struct db_result r;
	if (db_exec("INSERT INTO dashboards (slug, title, description, columns, position) VALUES (?, ?, ?, ?, ?) "
		    "ON DUPLICATE KEY UPDATE title = VALUES(title), description = VALUES(description), "
		    "columns = VALUES(columns), position = VALUES(position)",
		    DB_PARAMS(DB_S(d->slug), DB_S(d->title ? d->title : ""), DB_S(d->description), DB_I(d->columns),
			      DB_I(position)),
		    NULL, err) ||
	    db_exec("SELECT id FROM dashboards WHERE slug = ?", DB_PARAMS(DB_S(d->slug)), &r, err))
		return -1;
	*id = db_cell_int(&r, 0, 0, 0);
	db_result_free(&r);
	return 0;
}

int spec_write(struct dspec *ds, int n, struct buf *err)
{
	for (int i = 0; i < n; i++) {
		long long id;
		if (spec_write_dashboard(&ds[i], i, &id, err))
			return -1;
		for (int k = 0; k < ds[i].nwidgets; k++)
			if (spec_write_widget(&ds[i].widgets[k], id, err))
				return -1;
	}
	return 0;
}

void spec_free(struct dspec *ds, int n)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < ds[i].nwidgets; k++)
			buf_free(&ds[i].widgets[k].own_source);
		free(ds[i].widgets);
	}
	free(ds);
}
