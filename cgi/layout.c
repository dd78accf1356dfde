/* SPDX-License-Identifier: MIT */
/* layout.c: POST /api/dashboards/<slug>/layout saves where the widgets are
 * after an admin dragged or resized them: {"widgets":[{"name":..,"col":..,
 * "row":..,"sizex":..,"sizey":..}]}, in one transaction, then tells the
 * dashboard's open pages ({"event":"layout"}) so they move too. The route's
 * rule (ADMIN_CSRF) wants an admin's session, its CSRF token and a
 * same-origin request. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dashboard.h"
#include "fields.h"
#include "handlers.h"
#include "log.h"
#include "publish.h"
#include "widget.h"

#define MAX_ROW 1000
#define MAX_SIZEY 24

/* Checks one entry against the dashboard; fills a message on failure. */
static int check_entry(json_object *e, int i, const struct md_dashboard *d, const struct md_widget *ws, int n,
		       struct dashboard_place *place, struct buf *why)
{
	const struct field entry[] = {
		{.key = "name", .kind = FIELD_IDENT, .required = 1},
		{.key = "col", .kind = FIELD_INT, .min = 1, .max = d->columns, .required = 1},
		{.key = "row", .kind = FIELD_INT, .min = 1, .max = MAX_ROW, .required = 1},
		{.key = "sizex", .kind = FIELD_INT, .min = 1, .max = d->columns, .required = 1},
		{.key = "sizey", .kind = FIELD_INT, .min = 1, .max = MAX_SIZEY, .required = 1},
		{0},
	};
	enum { E_NAME, E_COL, E_ROW, E_SIZEX, E_SIZEY, E_FIELDS };
	struct field_value in[E_FIELDS];
	char where[32];
	snprintf(where, sizeof where, "widgets[%d]", i);
	if (fields_json(entry, FIELDS_STRICT, e, where, in, why))
		return -1;
	int found = 0;
	for (int k = 0; k < n && !found; k++)
		if (!strcmp(ws[k].name, in[E_NAME].text)) {
			found = 1;
			place->name = ws[k].name; /* outlives in[] */
		}
	place->col = in[E_COL].number;
	place->row = in[E_ROW].number;
	place->sizex = in[E_SIZEX].number;
	place->sizey = in[E_SIZEY].number;
	fields_free(in, E_FIELDS);
	if (!found) {
		buf_printf(why, "%s.name: not a widget of dashboard %s", where, d->slug);
		return -1;
	}
	if (place->col + place->sizex - 1 > d->columns) {
		buf_printf(why, "%s.col: must be from 1 to %ld for a widget %ld wide on %d columns", where,
			   d->columns - place->sizex + 1, place->sizex, d->columns);
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
	json_object *doc = NULL, *list;
	if (!req_dashboard(r, &d, &ws, &n, NULL, NULL) || !req_body(r))
		goto out;
	static const struct field top[] = {{.key = "widgets", .kind = FIELD_ARRAY, .required = 1}, {0}};
	struct field_value in;
	if (!(doc = req_json_body(r)))
		goto out; /* answered */
	if (fields_json(top, FIELDS_STRICT, doc, NULL, &in, &err)) {
		resp_field_error(r, buf_str(&err));
		goto out;
	}
	list = in.json;
	size_t count = json_object_array_length(list);
	struct dashboard_place *places = xcalloc(count + 1, sizeof *places);
	int bad = 0;
	for (size_t i = 0; i < count && !bad; i++)
		bad = check_entry(json_object_array_get_idx(list, i), (int)i, &d, ws, n, &places[i], &err) != 0;
	if (bad) {
		resp_field_error(r, buf_str(&err));
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
