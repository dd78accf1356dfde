/* SPDX-License-Identifier: MIT */
/* spec.c: dashboards and widgets as the declarative file describes them:
 * checking (every error names the field), defaults from the widget type,
 * placement in the grid, and writing to the database. Shared by
 * `mdash apply`, `mdash widget|dashboard add|set` and the authoring API. */
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "dashboard.h"
#include "ident.h"
#include "source.h"
#include "widget.h"
#include "wtype.h"

static const char *const dash_keys[] = {"slug", "title", "description", "columns", "widgets", NULL};
static const char *const widget_keys[] = {"name", "type",     "title",  "sizex",   "sizey",   "col",
					  "row",  "interval", "source", "options", "enabled", NULL};

/* Fails on a key not in keys, naming it and where it is. */
int spec_check_keys(json_object *o, const char *const *keys, const char *where, struct buf *err)
{
	const char *key = json_unknown_key(o, keys);
	if (key)
		buf_printf(err, "%s: unknown key \"%s\"", where, key);
	return key ? -1 : 0;
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

int spec_widget(json_object *w, const char *where, const struct md_config *cfg, struct wspec *s, struct buf *err)
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
	s->explicit_pos = s->col && s->row;
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
		/* Durations over the history: a graph's range, a number's sparkline. */
		for (const char *const *k = (const char *const[]){"range", "sparkline", NULL}; *k; k++) {
			json_object *d;
			long secs;
			if (json_object_object_get_ex(v, *k, &d) &&
			    (!json_object_is_type(d, json_type_string) ||
			     parse_duration(json_object_get_string(d), &secs) || secs <= 0)) {
				buf_printf(err, "%s.options.%s: must be a duration such as \"1h\", \"24h\" or \"7d\"",
					   where, *k);
				return -1;
			}
		}
		struct alert_rule rule;
		struct buf why = {0};
		if (alert_rule_read(v, cfg, &rule, &why) < 0) {
			buf_printf(err, "%s.%s", where, buf_str(&why));
			buf_free(&why);
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

int spec_dashboard(json_object *d, const char *where, const struct md_config *cfg, struct dspec *s, struct buf *err)
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
		if (spec_widget(json_object_array_get_idx(ws, (size_t)i), at, cfg, &s->widgets[i], err))
			return -1;
		for (int k = 0; k < i; k++)
			if (!strcmp(s->widgets[k].name, s->widgets[i].name)) {
				buf_printf(err, "%s.name: \"%s\" appears twice", at, s->widgets[i].name);
				return -1;
			}
	}
	return 0;
}

static int write_widget(const struct wspec *w, long long dashboard_id, const char *applied, struct buf *err)
{
	struct widget_def d = {.name = w->name,
			       .type = w->type,
			       .title = w->title,
			       .dashboard_id = dashboard_id,
			       .col = w->col,
			       .row = w->row,
			       .sizex = w->sizex,
			       .sizey = w->sizey,
			       .interval = w->interval,
			       .enabled = (int)w->enabled,
			       .source = w->source,
			       .options = w->options,
			       .applied_layout = applied};
	return widget_save(&d, err);
}

int spec_write_widget(const struct wspec *w, long long dashboard_id, struct buf *err)
{
	return write_widget(w, dashboard_id, NULL, err);
}

int spec_write_dashboard(const struct dspec *d, int position, long long *id, struct buf *err)
{
	return dashboard_save(d->slug, d->title, d->description, (int)d->columns, position, id, err);
}

/* Where the widget named is now, or NULL when it is new. */
static const struct widget_place *place_of(const struct widget_place *p, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

static int in_file(const struct dspec *ds, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ds[i].nwidgets; k++)
			if (!strcmp(ds[i].widgets[k].name, name))
				return 1;
	return 0;
}

/* What apply does with one widget's layout: take the file's position (or
 * find a free spot) and size, or keep what is saved. applied[] is the
 * record to write: col, row, sizex, sizey. */
struct layout_choice {
	int take_pos, auto_pos, take_size;
	long applied[4];
};

/* Decides for widget w of the file on dashboard id (see spec_write); w's
 * col/row/size become the saved ones where those stay. */
static void choose_layout(struct wspec *w, long long id, const struct widget_place *p, struct spec_write_opts *o,
			  struct layout_choice *c)
{
	memset(c, 0, sizeof *c);
	if (!p || p->dashboard_id != id) {
		/* New on this dashboard: the file's layout, or the first free spot. */
		c->take_pos = w->explicit_pos;
		c->auto_pos = !w->explicit_pos;
		c->take_size = 1;
		return;
	}
	long *had = c->applied;
	if (!p->applied || sscanf(p->applied, "%ld,%ld,%ld,%ld", &had[0], &had[1], &had[2], &had[3]) != 4) {
		/* No apply placed it yet (it is older than this record, or was
		 * made by `mdash widget add`): it stays, and the file's layout is
		 * recorded as if applied, so that a later change to it applies. */
		had[0] = w->explicit_pos ? w->col : p->col;
		had[1] = w->explicit_pos ? w->row : p->row;
		had[2] = w->sizex;
		had[3] = w->sizey;
	}
	c->take_pos = w->explicit_pos && (o->layout || w->col != had[0] || w->row != had[1]);
	c->take_size = o->layout || w->sizex != had[2] || w->sizey != had[3];
	int differs = (w->explicit_pos && !c->take_pos && (w->col != p->col || w->row != p->row)) ||
		      (!c->take_size && (w->sizex != p->sizex || w->sizey != p->sizey));
	if (differs) {
		buf_printf(&o->kept, "%s%s", o->nkept ? ", " : "", w->name);
		o->nkept++;
	}
	if (!c->take_pos) {
		w->col = p->col;
		w->row = p->row;
	}
	if (!c->take_size) {
		w->sizex = p->sizex;
		w->sizey = p->sizey;
	}
}

/* Places the dashboard's widgets that need a spot, among those that stay:
 * the file's, and the ones on it that the file does not name. */
static void place_new(struct dspec *d, long long id, struct layout_choice *choice, const struct widget_place *places,
		      int nplaces, const struct dspec *ds, int n, const struct spec_write_opts *o)
{
	struct dspec all = {.columns = d->columns,
			    .widgets = xcalloc((size_t)(nplaces + d->nwidgets) + 1, sizeof(struct wspec))};
	for (int i = 0; i < nplaces; i++)
		if (places[i].dashboard_id == id && !o->prune && !in_file(ds, n, places[i].name))
			all.widgets[all.nwidgets++] = (struct wspec){.name = places[i].name,
								     .col = places[i].col,
								     .row = places[i].row,
								     .sizex = places[i].sizex,
								     .sizey = places[i].sizey};
	int first = all.nwidgets;
	for (int k = 0; k < d->nwidgets; k++) {
		all.widgets[all.nwidgets] = d->widgets[k];
		if (choice[k].auto_pos)
			all.widgets[all.nwidgets].col = all.widgets[all.nwidgets].row = 0;
		all.nwidgets++;
	}
	spec_place(&all);
	for (int k = 0; k < d->nwidgets; k++) {
		d->widgets[k].col = all.widgets[first + k].col;
		d->widgets[k].row = all.widgets[first + k].row;
	}
	free(all.widgets);
}

int spec_write(struct dspec *ds, int n, struct spec_write_opts *o, struct buf *err)
{
	struct widget_place *places;
	int nplaces, rc = 0;
	if (widget_places(&places, &nplaces, err))
		return -1;
	for (int i = 0; i < n && !rc; i++) {
		long long id;
		struct dspec *d = &ds[i];
		if (spec_write_dashboard(d, i, &id, err)) {
			rc = -1;
			break;
		}
		struct layout_choice *choice = xcalloc((size_t)d->nwidgets + 1, sizeof *choice);
		for (int k = 0; k < d->nwidgets; k++)
			choose_layout(&d->widgets[k], id, place_of(places, nplaces, d->widgets[k].name), o, &choice[k]);
		place_new(d, id, choice, places, nplaces, ds, n, o);
		for (int k = 0; k < d->nwidgets && !rc; k++) {
			struct wspec *w = &d->widgets[k];
			struct layout_choice *c = &choice[k];
			char applied[96];
			if (c->take_pos || c->auto_pos) {
				c->applied[0] = w->col;
				c->applied[1] = w->row;
			}
			if (c->take_size) {
				c->applied[2] = w->sizex;
				c->applied[3] = w->sizey;
			}
			snprintf(applied, sizeof applied, "%ld,%ld,%ld,%ld", c->applied[0], c->applied[1],
				 c->applied[2], c->applied[3]);
			rc = write_widget(w, id, applied, err);
		}
		free(choice);
	}
	widget_places_free(places, nplaces);
	return rc;
}

json_object *spec_of_widget(const struct md_widget *w)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(w->name));
	json_object_object_add(o, "type", json_object_new_string(w->type));
	json_object_object_add(o, "title", json_object_new_string(w->title));
	json_object_object_add(o, "col", json_object_new_int(w->col));
	json_object_object_add(o, "row", json_object_new_int(w->row));
	json_object_object_add(o, "sizex", json_object_new_int(w->sizex));
	json_object_object_add(o, "sizey", json_object_new_int(w->sizey));
	json_object_object_add(o, "interval", json_object_new_int64(w->interval));
	if (!w->enabled)
		json_object_object_add(o, "enabled", json_object_new_boolean(0));
	json_object_object_add(o, "source", json_object_get(widget_source(w)));
	if (json_object_object_length(widget_options(w)))
		json_object_object_add(o, "options", json_object_get(widget_options(w)));
	return o;
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
