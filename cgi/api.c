/* SPDX-License-Identifier: MIT */
/* api.c: read-only JSON: a widget's current data and history, a
 * dashboard's versions. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "fields.h"
#include "handlers.h"
#include "history.h"
#include "pass.h"
#include "render.h"
#include "widget.h"
#include "wtype.h"

static json_object *time_or_null(const char *db_time)
{
	char iso[40];
	if (!db_time)
		return NULL;
	render_iso_time(db_time, iso, sizeof iso);
	return json_object_new_string(iso);
}

static void send_json(struct req *r, json_object *o)
{
	resp_json_object(r, 200, o);
}

void api_widget(struct req *r)
{
	struct md_widget w;
	if (!req_widget(r, &w))
		return;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(w.name));
	json_object_object_add(o, "type", json_object_new_string(w.type));
	json_object_object_add(o, "title", json_object_new_string(w.title));
	json_object_object_add(o, "dashboard", w.dashboard ? json_object_new_string(w.dashboard) : NULL);
	json_object_object_add(o, "value", json_object_get(widget_data(&w)));
	json_object_object_add(o, "updated_at", time_or_null(w.updated_at));
	json_object_object_add(o, "status", json_object_new_string(widget_state(&w)));
	json_object_object_add(o, "version", json_object_new_int64(w.version));
	json_object_object_add(o, "error", w.last_error ? json_object_new_string(w.last_error) : NULL);
	send_json(r, o);
	widget_free(&w);
}

/* The query parameters of the history API, and what a client may ask for;
 * since and until are times history_range reads (it reads the points as
 * given too, as `mdash history` gives them). */
static const char *const history_formats[] = {"json", "csv", NULL};
static const struct field history_params[] = {
	{.key = "since", .kind = FIELD_TEXT},
	{.key = "until", .kind = FIELD_TEXT},
	{.key = "points", .kind = FIELD_INT, .min = 1, .max = HISTORY_POINTS_MAX},
	{.key = "format", .kind = FIELD_CHOICE, .choices = history_formats},
	{0},
};
enum { H_SINCE, H_UNTIL, H_POINTS, H_FORMAT, H_PARAMS };

static int wants_csv(struct req *r, const char *format)
{
	const char *accept = req_env(r, "HTTP_ACCEPT");
	return format ? !strcmp(format, "csv") : accept && strstr(accept, "text/csv") != NULL;
}

/* The history query: 1 and the range (and whether CSV is wanted), or 0
 * when answered with a 400 naming the parameter. */
static int history_query(struct req *r, struct history_range *range, int *csv)
{
	struct field_value in[H_PARAMS];
	struct buf err = {0};
	int ok = !fields_form(history_params, FIELDS_STRICT, r->query, strlen(r->query), in, &err) &&
		 !history_range(r->cfg, in[H_SINCE].text, in[H_UNTIL].text, in[H_POINTS].text, range, &err);
	if (ok)
		*csv = wants_csv(r, in[H_FORMAT].text);
	else
		resp_field_error(r, buf_str(&err));
	fields_free(in, H_PARAMS);
	buf_free(&err);
	return ok;
}

void api_widget_history(struct req *r)
{
	struct buf err = {0}, out = {0};
	struct history_range range;
	struct history_point *pts;
	struct md_widget w;
	int csv = 0, n;
	if (!req_widget(r, &w))
		return;
	const struct mdash_widget_type *t = wtype_find(w.type);
	if (!history_query(r, &range, &csv)) {
		/* answered */
	} else if (!t) {
		buf_printf(&err, "widget type %s is not installed", w.type);
		resp_error(r, 409, buf_str(&err));
	} else if (history_read(w.id, t->value_field, range.since, range.until, 0, range.points, &pts, &n, &err)) {
		resp_db_error(r, &err);
	} else {
		resp_header(r, "Cache-Control", "no-cache");
		if (csv) {
			history_csv(pts, n, &out);
			resp_send(r, 200, "text/csv; charset=utf-8", buf_str(&out), out.len);
		} else {
			history_json(w.name, t->value_field, &range, pts, n, &out);
			resp_json(r, 200, buf_str(&out));
		}
		free(pts);
	}
	widget_free(&w);
	buf_free(&err);
	buf_free(&out);
}

void api_dashboard(struct req *r)
{
	struct md_dashboard d;
	struct md_widget *ws;
	int n;
	if (!req_dashboard(r, &d, &ws, &n, NULL, NULL)) {
		widget_list_free(ws, n);
		dashboard_free(&d);
		return;
	}
	json_object *o = json_object_new_object(), *list = json_object_new_array();
	json_object_object_add(o, "slug", json_object_new_string(d.slug));
	json_object_object_add(o, "title", json_object_new_string(d.title));
	json_object_object_add(o, "columns", json_object_new_int(d.columns));
	/* The caller may see every widget here: each gets a pass to its cached
	 * fragments (pass.h), or null when passes are off. */
	time_t expires = time(NULL) + PASS_LIFETIME;
	struct buf pass = {0};
	for (int i = 0; i < n; i++) {
		json_object *w = json_object_new_object();
		json_object_object_add(w, "name", json_object_new_string(ws[i].name));
		json_object_object_add(w, "type", json_object_new_string(ws[i].type));
		json_object_object_add(w, "version", json_object_new_int64(ws[i].version));
		json_object_object_add(w, "status", json_object_new_string(widget_state(&ws[i])));
		json_object_object_add(w, "updated_at", time_or_null(ws[i].updated_at));
		json_object_object_add(w, "col", json_object_new_int(ws[i].col));
		json_object_object_add(w, "row", json_object_new_int(ws[i].row));
		json_object_object_add(w, "sizex", json_object_new_int(ws[i].sizex));
		json_object_object_add(w, "sizey", json_object_new_int(ws[i].sizey));
		buf_reset(&pass);
		pass_query(r->cfg, ws[i].name, d.slug, expires, &pass);
		json_object_object_add(w, "pass", pass.len ? json_object_new_string(pass.data) : NULL);
		json_object_array_add(list, w);
	}
	/* And a pass for the push stream, shorter-lived: the stream carries data. */
	buf_reset(&pass);
	stream_pass(r, &d, ws, n, time(NULL) + STREAM_PASS_LIFETIME, &pass);
	json_object_object_add(o, "stream", pass.len ? json_object_new_string(pass.data) : NULL);
	buf_free(&pass);
	/* The page's session, which a "reload" on its shared channel names
	 * (auth.h: session_channel). */
	const struct md_user *u = r->who.kind == WHO_SHARE ? NULL : req_user(r);
	if (u && u->session[0])
		json_object_object_add(o, "session", json_object_new_string(u->session));
	json_object_object_add(o, "widgets", list);
	send_json(r, o);
	widget_list_free(ws, n);
	dashboard_free(&d);
}

void api_dashboards(struct req *r)
{
	struct md_dashboard *list;
	int n;
	if (!req_dashboards(r, &list, &n)) {
		dashboard_list_free(list, n);
		return;
	}
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	for (int i = 0; i < n; i++) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "slug", json_object_new_string(list[i].slug));
		json_object_object_add(d, "title", json_object_new_string(list[i].title));
		json_object_array_add(arr, d);
	}
	json_object_object_add(o, "dashboards", arr);
	send_json(r, o);
	dashboard_list_free(list, n);
}
