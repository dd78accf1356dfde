/* SPDX-License-Identifier: MIT */
/* api.c: read-only JSON: a widget's current data, a dashboard's versions. */
#include <json-c/json.h>

#include "dashboard.h"
#include "handlers.h"
#include "pass.h"
#include "render.h"
#include "widget.h"

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
	resp_header(r, "Cache-Control", "no-cache");
	resp_json(r, 200, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
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

void api_dashboard(struct req *r)
{
	struct md_dashboard d;
	struct md_widget *ws;
	int n;
	if (!req_dashboard(r, &d, &ws, &n))
		return;
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
	/* And a pass for the push stream (not on a share link's routes, which
	 * have their own stream address). */
	buf_reset(&pass);
	if (!r->share_id) {
		struct buf ids = {0};
		stream_channels(r, &d, ws, n, &ids);
		pass_stream(r->cfg, d.slug, ids.data, expires, &pass);
		buf_free(&ids);
	}
	json_object_object_add(o, "stream", pass.len ? json_object_new_string(pass.data) : NULL);
	buf_free(&pass);
	json_object_object_add(o, "widgets", list);
	send_json(r, o);
	widget_list_free(ws, n);
	dashboard_free(&d);
}

void api_dashboards(struct req *r)
{
	struct md_dashboard *list;
	int n;
	if (!req_dashboards(r, &list, &n))
		return;
	if (!page_allowed(r)) {
		dashboard_list_free(list, n);
		return;
	}
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	for (int i = 0; i < n; i++) {
		if (!visible(r, list[i].id))
			continue;
		json_object *d = json_object_new_object();
		json_object_object_add(d, "slug", json_object_new_string(list[i].slug));
		json_object_object_add(d, "title", json_object_new_string(list[i].title));
		json_object_array_add(arr, d);
	}
	json_object_object_add(o, "dashboards", arr);
	send_json(r, o);
	dashboard_list_free(list, n);
}
