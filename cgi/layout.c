/* SPDX-License-Identifier: MIT */
/* layout.c: POST /api/dashboards/<slug>/layout saves where the widgets are
 * after an admin dragged or resized them: {"widgets":[{"name":..,"col":..,
 * "row":..,"sizex":..,"sizey":..}]}, in one transaction, then tells the
 * dashboard's open pages ({"event":"layout"}) so they move too. The route's
 * rule (ADMIN_CSRF) wants an admin's session, its CSRF token and a
 * same-origin request. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dashboard.h"
#include "handlers.h"
#include "log.h"
#include "publish.h"
#include "source.h"
#include "widget.h"

#define MAX_ROW 1000
#define MAX_SIZEY 24

static int get_int(json_object *o, const char *key, long min, long max, long *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	*out = (long)json_object_get_int64(v);
	return *out < min || *out > max ? -1 : 0;
}

/* Checks one entry against the dashboard; fills a message on failure. */
static int check_entry(json_object *e, int i, const struct md_dashboard *d, const struct md_widget *ws, int n,
		       struct dashboard_place *place, struct buf *why)
{
	static const char *const keys[] = {"name", "col", "row", "sizex", "sizey"};
	json_object *v;
	if (!json_object_is_type(e, json_type_object)) {
		buf_printf(why, "widgets[%d]: must be an object", i);
		return -1;
	}
	json_object_object_foreach (e, key, val) {
		(void)val;
		size_t k = 0;
		while (k < 5 && strcmp(keys[k], key))
			k++;
		if (k == 5) {
			buf_printf(why, "widgets[%d]: unknown key \"%.40s\"", i, key);
			return -1;
		}
	}
	const char *name = json_object_object_get_ex(e, "name", &v) ? json_object_get_string(v) : NULL;
	int found = 0;
	for (int k = 0; name && k < n && !found; k++)
		found = !strcmp(ws[k].name, name);
	if (!found) {
		buf_printf(why, "widgets[%d].name: not a widget of dashboard %s", i, d->slug);
		return -1;
	}
	place->name = name;
	if (get_int(e, "sizex", 1, d->columns, &place->sizex) ||
	    get_int(e, "col", 1, d->columns - place->sizex + 1, &place->col) ||
	    get_int(e, "sizey", 1, MAX_SIZEY, &place->sizey) || get_int(e, "row", 1, MAX_ROW, &place->row)) {
		buf_printf(why, "widgets[%d]: col, row, sizex and sizey must be whole numbers that fit the %d columns",
			   i, d->columns);
		return -1;
	}
	return 0;
}

/* The places as they were, in the layout body's own form. */
static void places_of(const struct md_widget *ws, int n, struct buf *out)
{
	buf_puts(out, "{\"widgets\":[");
	for (int i = 0; i < n; i++)
		buf_printf(out, "%s{\"name\":\"%s\",\"col\":%d,\"row\":%d,\"sizex\":%d,\"sizey\":%d}", i ? "," : "",
			   ws[i].name, ws[i].col, ws[i].row, ws[i].sizex, ws[i].sizey);
	buf_puts(out, "]}");
}

void layout_save(struct req *r)
{
	struct md_dashboard d;
	struct md_widget *ws = NULL;
	int n = 0;
	struct buf err = {0};
	const struct buf *body;
	json_object *doc = NULL, *list;
	if (!req_dashboard(r, &d, &ws, &n, NULL, NULL) || !(body = req_body(r)))
		goto out;
	doc = source_parse(buf_str(body), body->len, &err);
	if (!doc || !json_object_is_type(doc, json_type_object) || !json_object_object_get_ex(doc, "widgets", &list) ||
	    !json_object_is_type(list, json_type_array) || json_object_object_length(doc) != 1) {
		resp_error(r, 400, doc ? "the body must be {\"widgets\": [...]} and nothing else" : buf_str(&err));
		goto out;
	}
	size_t count = json_object_array_length(list);
	struct dashboard_place *places = xcalloc(count + 1, sizeof *places);
	int bad = 0;
	for (size_t i = 0; i < count && !bad; i++)
		bad = check_entry(json_object_array_get_idx(list, i), (int)i, &d, ws, n, &places[i], &err) != 0;
	if (bad) {
		resp_error(r, 400, buf_str(&err));
	} else {
		struct audit_actor a;
		struct buf before = {0};
		places_of(ws, n, &before);
		req_audit_actor(r, &a);
		bad = dashboard_layout_save(d.slug, places, (int)count, &a, buf_str(&before),
					    json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN), &err);
		buf_free(&before);
		if (bad) {
			resp_db_error(r, &err);
		} else {
			if (publish_dashboard_event(r->cfg->publish_url, d.slug, "layout", &err))
				log_warn("layout of %s saved; open pages not told: %s", d.slug, buf_str(&err));
			resp_empty(r, 204);
		}
	}
	free(places);
out:
	json_object_put(doc);
	widget_list_free(ws, n);
	dashboard_free(&d);
	buf_free(&err);
}
