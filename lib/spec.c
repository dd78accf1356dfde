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
#include "fields.h"
#include "source.h"
#include "widget.h"
#include "wtype.h"

/* The declarative file's dashboard and widget, declared once for `mdash
 * apply`, `mdash dashboard|widget add|set` and the authoring API. */
static const struct field dashboard_fields[] = {
	{.key = "slug", .kind = FIELD_IDENT, .required = 1},
	{.key = "title", .kind = FIELD_TEXT, .max = 200},
	{.key = "description", .kind = FIELD_TEXT, .max = 2000},
	{.key = "columns", .kind = FIELD_INT, .min = 1, .max = MAX_COLUMNS},
	{.key = "widgets", .kind = FIELD_ARRAY},
	{0},
};
enum { D_SLUG, D_TITLE, D_DESCRIPTION, D_COLUMNS, D_WIDGETS, D_FIELDS };

static const struct field widget_fields[] = {
	{.key = "name", .kind = FIELD_IDENT, .required = 1},
	{.key = "type", .kind = FIELD_TEXT, .min = 1, .max = 64, .required = 1},
	{.key = "title", .kind = FIELD_TEXT, .max = 200},
	{.key = "sizex", .kind = FIELD_INT, .min = 1, .max = MAX_COLUMNS},
	{.key = "sizey", .kind = FIELD_INT, .min = 1, .max = 24},
	{.key = "col", .kind = FIELD_INT, .min = 1, .max = MAX_COLUMNS},
	{.key = "row", .kind = FIELD_INT, .min = 1, .max = MAX_ROWS},
	{.key = "interval", .kind = FIELD_INT, .min = 1, .max = 7 * 86400, .unit = "seconds"},
	{.key = "source", .kind = FIELD_OBJECT},
	{.key = "options", .kind = FIELD_OBJECT},
	{.key = "enabled", .kind = FIELD_BOOL},
	{0},
};
enum { W_NAME, W_TYPE, W_TITLE, W_SIZEX, W_SIZEY, W_COL, W_ROW, W_INTERVAL, W_SOURCE, W_OPTIONS, W_ENABLED, W_FIELDS };

/* A checked string, pointing into the object as the specs' strings do. */
static const char *text_in(const struct field_value *v)
{
	return v->present ? json_object_get_string(v->json) : NULL;
}

static long number_or(const struct field_value *v, long otherwise)
{
	return v->present ? v->number : otherwise;
}

int spec_dashboard_keys(json_object *o, const char *const *keys, const char *where, struct buf *err)
{
	struct field some[D_FIELDS + 1] = {{0}};
	struct field_value in[D_FIELDS];
	size_t n = 0;
	for (size_t i = 0; i < D_FIELDS; i++)
		for (const char *const *k = keys; *k; k++)
			if (!strcmp(*k, dashboard_fields[i].key)) {
				some[n] = dashboard_fields[i];
				some[n++].required = 0; /* spec_dashboard asks for those */
			}
	int rc = fields_json(some, FIELDS_STRICT, o, where, in, err);
	fields_free(in, n);
	return rc;
}

/* The options' own checks: durations over the history and the alert rule. */
static int check_options(json_object *v, const char *where, const struct md_config *cfg, struct buf *err)
{
	/* Durations over the history: a graph's range, a number's sparkline. */
	for (const char *const *k = (const char *const[]){"range", "sparkline", NULL}; *k; k++) {
		json_object *d;
		long secs;
		if (json_object_object_get_ex(v, *k, &d) &&
		    (!json_object_is_type(d, json_type_string) || parse_duration(json_object_get_string(d), &secs) ||
		     secs <= 0)) {
			buf_printf(err, "%s.options.%s: must be a duration such as \"1h\", \"24h\" or \"7d\"", where,
				   *k);
			return -1;
		}
	}
	struct alert_rule rule;
	struct buf why = {0};
	int rc = alert_rule_read(v, cfg, &rule, &why) < 0 ? -1 : 0;
	if (rc)
		buf_printf(err, "%s.%s", where, buf_str(&why));
	buf_free(&why);
	return rc;
}

/* The widget's source: given (and checked), the type's own, or push. */
static int check_source(json_object *v, const struct mdash_widget_type *t, const char *where, struct wspec *s,
			struct buf *err)
{
	if (!v) {
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
	struct buf at = {0}, why = {0};
	int rc;
	if (t->update && json_object_object_get_ex(v, "kind", &k) && !strcmp(json_object_get_string(k), t->name)) {
		/* The type's own source takes nothing but its kind. */
		static const struct field own[] = {{.key = "kind", .kind = FIELD_TEXT}, {0}};
		struct field_value in;
		buf_printf(&at, "%s.source", where);
		rc = fields_json(own, FIELDS_STRICT, v, at.data, &in, err);
		fields_free(&in, 1);
	} else if ((rc = source_validate(v, &why))) {
		buf_printf(err, "%s.%s", where, buf_str(&why));
	}
	if (!rc)
		s->source = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	buf_free(&at);
	buf_free(&why);
	return rc;
}

/* spec_widget on the values checked against widget_fields. */
static int widget_of(const struct field_value *in, const char *where, const struct md_config *cfg, struct wspec *s,
		     struct buf *err)
{
	s->name = text_in(&in[W_NAME]);
	s->type = text_in(&in[W_TYPE]);
	s->title = text_in(&in[W_TITLE]);
	const struct mdash_widget_type *t = wtype_find(s->type);
	if (!t) {
		buf_printf(err, "%s.type: unknown widget type \"%s\"", where, s->type);
		return -1;
	}
	s->sizex = number_or(&in[W_SIZEX], t->sizex);
	s->sizey = number_or(&in[W_SIZEY], t->sizey);
	s->interval = number_or(&in[W_INTERVAL], t->update_interval);
	s->enabled = number_or(&in[W_ENABLED], 1);
	s->col = number_or(&in[W_COL], 0);
	s->row = number_or(&in[W_ROW], 0);
	s->explicit_pos = s->col && s->row;
	s->options = "{}";
	if (in[W_OPTIONS].present) {
		if (check_options(in[W_OPTIONS].json, where, cfg, err))
			return -1;
		s->options = json_object_to_json_string_ext(in[W_OPTIONS].json, JSON_C_TO_STRING_PLAIN);
	}
	return check_source(in[W_SOURCE].json, t, where, s, err);
}

int spec_widget(json_object *w, const char *where, const struct md_config *cfg, struct wspec *s, struct buf *err)
{
	struct field_value in[W_FIELDS];
	if (fields_json(widget_fields, FIELDS_STRICT, w, where, in, err))
		return -1;
	int rc = widget_of(in, where, cfg, s, err);
	fields_free(in, W_FIELDS);
	return rc;
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
	struct field_value in[D_FIELDS];
	if (fields_json(dashboard_fields, FIELDS_STRICT, d, where, in, err))
		return -1;
	s->slug = text_in(&in[D_SLUG]);
	s->title = text_in(&in[D_TITLE]);
	s->description = text_in(&in[D_DESCRIPTION]);
	s->columns = number_or(&in[D_COLUMNS], 6);
	json_object *ws = in[D_WIDGETS].json;
	fields_free(in, D_FIELDS);
	if (!ws)
		return 0;
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
