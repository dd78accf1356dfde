/* SPDX-License-Identifier: MIT */
/* author_widgets.c: the authoring API's widgets (README, "Authoring API"):
 * a widget as the declarative file describes it, read, written (checked by
 * the very validator `mdash apply` uses, lib/spec.c), removed and tried
 * out; and the widget types and source kinds an editor offers. The routes'
 * rules (ADMIN, ADMIN_READ) let only an administrator in. Every change is
 * audited in its own transaction, and the open pages of the dashboards it
 * touches reload their grid. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dashboard.h"
#include "db.h"
#include "fields.h"
#include "handlers.h"
#include "series.h"
#include "source.h"
#include "spec.h"
#include "widget.h"
#include "wtype.h"

/* What the validator calls the body in its messages, taken off for the
 * API's, whose field paths start at the widget ("source.url"). */
#define WHERE "widget"

/* The widget's spec, as GET answers it: the file's object, and where it is. */
static json_object *widget_spec(const struct md_widget *w)
{
	json_object *o = spec_of_widget(w);
	json_object_object_add(o, "dashboard", w->dashboard ? json_object_new_string(w->dashboard) : NULL);
	return o;
}

static void audit_text(const struct md_widget *w, struct buf *out)
{
	json_object *o = widget_spec(w);
	buf_puts(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* The route's widget: 1 found (the caller frees w), 0 answered 404 or 503. */
static int load_named(struct req *r, struct md_widget *w)
{
	struct buf err = {0};
	int found = widget_load(req_param(r, P_WIDGET), w, &err);
	if (found < 0)
		resp_db_error(r, &err);
	else if (!found)
		resp_error(r, 404, "There is no widget of this name.");
	buf_free(&err);
	return found > 0;
}

void author_widget_spec(struct req *r)
{
	struct md_widget w;
	if (!load_named(r, &w))
		return;
	resp_json_object(r, 200, widget_spec(&w));
	widget_free(&w);
}

/* A PUT's or a test's body, checked: the widget object (its "dashboard"
 * taken into slug, "" for none, unless absent; "name" filled in), and its
 * spec s. 0, or -1 having answered 400. */
static int read_widget(struct req *r, json_object *doc, char slug[IDENT_MAX + 1], int *has_slug, struct wspec *s)
{
	const char *name = req_param(r, P_WIDGET);
	struct buf err = {0};
	json_object *v;
	*has_slug = json_object_object_get_ex(doc, "dashboard", &v);
	if (*has_slug) {
		const char *given = json_object_get_string(v);
		if (v && (!json_object_is_type(v, json_type_string) || !ident_valid(given))) {
			resp_field_error(r, "dashboard: must be a dashboard's slug, or null for none");
			return -1;
		}
		snprintf(slug, IDENT_MAX + 1, "%s", v ? given : "");
		json_object_object_del(doc, "dashboard");
	}
	if (!json_object_object_get_ex(doc, "name", &v)) {
		json_object_object_add(doc, "name", json_object_new_string(name));
	} else if (!json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), name)) {
		buf_printf(&err, "name: must be the widget's name in the address (%s), or left out", name);
		resp_field_error(r, buf_str(&err));
		buf_free(&err);
		return -1;
	}
	int rc = spec_widget(doc, WHERE, r->cfg, s, &err);
	if (rc)
		resp_spec_error(r, WHERE, buf_str(&err));
	else if ((rc = json_object_object_get_ex(doc, "source", &v) ? source_exec_allowed(v, r->cfg, &err) : 0))
		resp_field_error(r, buf_str(&err));
	buf_free(&err);
	return rc;
}

/* Puts s at the first free place of the dashboard (columns wide, holding
 * ws), its other widgets being obstacles. */
static void first_free_place(struct wspec *s, long columns, const struct md_widget *ws, int n)
{
	struct dspec all = {.columns = columns, .widgets = xcalloc((size_t)n + 1, sizeof(struct wspec))};
	for (int i = 0; i < n; i++)
		if (strcmp(ws[i].name, s->name))
			all.widgets[all.nwidgets++] = (struct wspec){.name = ws[i].name,
								     .col = ws[i].col,
								     .row = ws[i].row,
								     .sizex = ws[i].sizex,
								     .sizey = ws[i].sizey};
	all.widgets[all.nwidgets] = (struct wspec){.name = s->name, .sizex = s->sizex, .sizey = s->sizey};
	spec_place(&all);
	s->col = all.widgets[all.nwidgets].col;
	s->row = all.widgets[all.nwidgets].row;
	free(all.widgets);
}

/* Where the widget goes on dashboard d: where the body says; else where it
 * is, when already there; else the first free place. 0, or -1 (in err). */
static int place(struct wspec *s, const struct md_dashboard *d, const struct md_widget *old, struct buf *err)
{
	if (s->explicit_pos)
		return 0;
	if (old && old->dashboard_id == d->id) {
		s->col = old->col;
		s->row = old->row;
		return 0;
	}
	struct md_widget *ws;
	int n;
	if (widget_list_dashboard(d->id, &ws, &n, err))
		return -1;
	first_free_place(s, d->columns, ws, n);
	widget_list_free(ws, n);
	return 0;
}

/* Saves s on dashboard d (NULL: none) with its audit record, in one
 * transaction; the graphs that draw it get a new version (its title is in
 * their legends), into graphs to publish. 0; -1 (in err); or SAVE_REFUSED
 * when a graph's series name widgets that are not there (series.h; why in
 * err). */
#define SAVE_REFUSED (-2)
static int save(struct req *r, const struct wspec *s, const struct md_dashboard *d, const struct md_widget *old,
		struct series_bumped *graphs, struct buf *err)
{
	struct md_widget now;
	struct buf before = {0}, after = {0};
	struct audit_actor a;
	req_audit_actor(r, &a);
	if (old)
		audit_text(old, &before);
	/* A replaced widget gets a new version: its pages fetch it anew. */
	int rc = db_begin(err) || widget_lock_all(err) || spec_write_widget(s, d ? d->id : 0, err) ||
		 (old && widget_bump_version(s->name, err));
	int refused = !rc && series_sync(err) && !db_lost();
	rc = rc || refused || series_touch(s->name, graphs, err) || widget_load(s->name, &now, err) != 1;
	if (!rc) {
		audit_text(&now, &after);
		widget_free(&now);
		rc = audit_record(&a, old ? "widget.change" : "widget.add", s->name, old ? before.data : NULL,
				  after.data, err) ||
		     db_commit(err);
	}
	if (rc)
		db_rollback();
	buf_free(&before);
	buf_free(&after);
	return refused ? SAVE_REFUSED : rc ? -1 : 0;
}

void author_widget_put(struct req *r)
{
	char slug[IDENT_MAX + 1] = "";
	int has_slug = 0, found = 0, exists = 0;
	struct wspec s = {0};
	struct md_widget old = {0}, now;
	struct md_dashboard d = {0};
	struct buf err = {0};
	json_object *doc = req_json_body(r);
	if (!doc || read_widget(r, doc, slug, &has_slug, &s))
		goto out;
	if ((exists = widget_load(s.name, &old, &err)) < 0)
		goto db_error;
	if (!has_slug && exists && old.dashboard)
		snprintf(slug, sizeof slug, "%s", old.dashboard);
	if (*slug && (found = dashboard_load(slug, &d, &err)) < 0)
		goto db_error;
	if (*slug && !found) {
		buf_printf(&err, "dashboard: there is no dashboard \"%s\"", slug);
		resp_field_error(r, buf_str(&err));
		goto out;
	}
	if (found && place(&s, &d, exists ? &old : NULL, &err))
		goto db_error;
	struct series_bumped graphs = {0};
	int saved = save(r, &s, found ? &d : NULL, exists ? &old : NULL, &graphs, &err);
	if (!saved)
		author_tell_graphs(r, &graphs);
	series_bumped_free(&graphs);
	if (saved == SAVE_REFUSED) {
		resp_error(r, 400, buf_str(&err));
		goto out;
	}
	if (saved || widget_load(s.name, &now, &err) != 1)
		goto db_error;
	author_tell_pages(r, now.dashboard, "layout");
	if (exists && old.dashboard && (!now.dashboard || strcmp(old.dashboard, now.dashboard)))
		author_tell_pages(r, old.dashboard, "layout");
	resp_json_object(r, exists ? 200 : 201, widget_spec(&now));
	widget_free(&now);
	goto out;
db_error:
	resp_db_error(r, &err);
out:
	if (exists > 0)
		widget_free(&old);
	if (found > 0)
		dashboard_free(&d);
	buf_free(&s.own_source);
	buf_free(&err);
	json_object_put(doc);
}

/* Takes the widget off its dashboard: it stays, on none, and the graphs
 * there forget it (series_forget). */
static int detach(const struct md_widget *w, struct series_bumped *graphs, struct buf *err)
{
	struct widget_def d = {.name = w->name,
			       .type = w->type,
			       .title = w->title,
			       .col = w->col,
			       .row = w->row,
			       .sizex = w->sizex,
			       .sizey = w->sizey,
			       .interval = w->interval,
			       .enabled = w->enabled,
			       .source = w->source,
			       .options = w->options};
	return series_forget(w->id, w->name, graphs, err) || widget_save(&d, err);
}

void author_widget_delete(struct req *r)
{
	/* Strict: a misspelt "dashboard" must not remove the widget everywhere. */
	static const struct field query[] = {{.key = "dashboard", .kind = FIELD_TEXT}, {0}};
	struct md_widget w;
	struct field_value slug = {0};
	struct buf err = {0}, before = {0};
	struct audit_actor a;
	if (fields_form(query, FIELDS_STRICT, r->query, strlen(r->query), &slug, &err)) {
		resp_field_error(r, buf_str(&err));
		goto out;
	}
	if (!load_named(r, &w))
		goto out;
	int only_there = slug.present && *slug.text;
	if (only_there && (!w.dashboard || strcmp(w.dashboard, slug.text))) {
		resp_error(r, 404, "The widget is not on this dashboard.");
		widget_free(&w);
		goto out;
	}
	audit_text(&w, &before);
	req_audit_actor(r, &a);
	struct series_bumped graphs = {0};
	if (db_begin(&err) || widget_lock_all(&err) ||
	    (only_there ? detach(&w, &graphs, &err) : widget_remove(w.name, &graphs, &err) < 0) ||
	    audit_record(&a, only_there ? "widget.detach" : "widget.remove", w.name, before.data, NULL, &err) ||
	    db_commit(&err)) {
		db_rollback();
		resp_db_error(r, &err);
	} else {
		author_tell_pages(r, w.dashboard, "layout");
		author_tell_graphs(r, &graphs);
		resp_empty(r, 204);
	}
	series_bumped_free(&graphs);
	widget_free(&w);
out:
	buf_free(&err);
	fields_free(&slug, 1);
	buf_free(&before);
}

/* A widget (not stored) as the updater would see it: the spec's fields. */
static void widget_of_spec(const struct wspec *s, struct md_widget *w)
{
	memset(w, 0, sizeof *w);
	w->name = xstrdup(s->name);
	w->type = xstrdup(s->type);
	w->title = xstrdup(s->title ? s->title : "");
	w->interval = s->interval;
	w->enabled = 1;
	w->source = xstrdup(s->source);
	w->options = xstrdup(s->options);
	w->source_obj = json_tokener_parse(s->source); /* checked by the validator */
	w->options_obj = json_tokener_parse(s->options);
}

/* How to push to a push source's widget: at PublicURL, else at the site's
 * own origin as nginx names it (MDASH_ORIGIN, with its port: HTTP_HOST has
 * none on Debian's nginx). */
static json_object *push_help(struct req *r, const char *name)
{
	struct buf url = {0}, curl = {0};
	const char *origin = req_env(r, "MDASH_ORIGIN");
	if (*r->cfg->public_url)
		buf_printf(&url, "%s%sapi/widgets/%s", r->cfg->public_url,
			   r->cfg->public_url[strlen(r->cfg->public_url) - 1] == '/' ? "" : "/", name);
	else
		buf_printf(&url, "%s%sapi/widgets/%s", origin ? origin : "http://localhost", r->cfg->base_path, name);
	buf_printf(&curl,
		   "curl -X POST -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/json' "
		   "-d '{\"value\": 42}' %s",
		   url.data);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "url", json_object_new_string(url.data));
	json_object_object_add(o, "curl", json_object_new_string(curl.data));
	buf_free(&url);
	buf_free(&curl);
	return o;
}

/* Runs the widget's source (or its type's own update) once: its fields,
 * or NULL and why. */
static json_object *pull_once(struct req *r, struct md_widget *w, const struct mdash_widget_type *t, struct buf *err)
{
	json_object *fields = NULL;
	if (t->update && !strcmp(widget_source_kind(w), t->name)) {
		char *json = NULL, *error = NULL;
		if (t->update(w, &json, &error))
			buf_puts(err, error ? error : "the widget type's update failed");
		else if (!json || !(fields = source_parse_fields(json, strlen(json), err)))
			buf_puts(err, json ? "" : "the widget type's update gave no data");
		free(json);
		free(error);
		return fields;
	}
	struct md_fetch f = {.cfg = r->cfg, .timeout = r->cfg->source_timeout};
	return source_pull(w, t->value_field, &f, &fields, err) ? NULL : fields;
}

void author_widget_test(struct req *r)
{
	char slug[IDENT_MAX + 1];
	int has_slug;
	struct wspec s = {0};
	struct md_widget w = {0};
	struct buf err = {0};
	const struct buf *body = req_body(r);
	json_object *doc = NULL, *o;
	if (!body)
		return;
	if (body->len) { /* a widget as for PUT */
		if (!(doc = req_json_body(r)) || read_widget(r, doc, slug, &has_slug, &s))
			goto out;
		widget_of_spec(&s, &w);
	} else if (!load_named(r, &w)) { /* the stored one */
		goto out;
	}
	const struct mdash_widget_type *t = wtype_find(w.type);
	o = json_object_new_object();
	json_object *fields;
	if (!strcmp(widget_source_kind(&w), "push")) {
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "push", push_help(r, w.name));
	} else if (t && (fields = pull_once(r, &w, t, &err))) {
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "data", fields);
	} else {
		json_object_object_add(o, "ok", json_object_new_boolean(0));
		json_object_object_add(o, "error",
				       json_object_new_string(t ? buf_str(&err) : "this widget type is not installed"));
	}
	resp_json_object(r, 200, o);
	widget_free(&w);
out:
	buf_free(&s.own_source);
	buf_free(&err);
	json_object_put(doc);
}

void author_types(struct req *r)
{
	json_object *o = json_object_new_object(), *types = json_object_new_array(), *kinds = json_object_new_array(),
		    *exec = json_object_new_object();
	for (int i = 0; i < wtype_count(); i++) {
		const struct mdash_widget_type *t = wtype_at(i);
		json_object *e = json_object_new_object(), *fields = json_object_new_array();
		json_object_object_add(e, "name", json_object_new_string(t->name));
		json_object_object_add(e, "sizex", json_object_new_int(t->sizex));
		json_object_object_add(e, "sizey", json_object_new_int(t->sizey));
		json_object_object_add(e, "interval", json_object_new_int(t->update_interval));
		if (t->value_field)
			json_object_array_add(fields, json_object_new_string(t->value_field));
		json_object_object_add(e, "fields", fields);
		json_object_object_add(e, "own_source", json_object_new_boolean(t->update != NULL));
		json_object_array_add(types, e);
	}
	for (const char *const *k = (const char *const[]){"http", "sql", "exec", "prometheus", "push", NULL}; *k; k++)
		json_object_array_add(kinds, json_object_new_string(*k));
	json_object_object_add(exec, "allowed", source_exec_list(r->cfg));
	json_object_object_add(o, "types", types);
	json_object_object_add(o, "sources", kinds);
	json_object_object_add(o, "exec", exec);
	resp_json_object(r, 200, o);
}
