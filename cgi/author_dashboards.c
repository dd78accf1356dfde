/* SPDX-License-Identifier: MIT */
/* author_dashboards.c: the authoring API's dashboards (README, "Authoring
 * API"): made, changed and removed by an administrator (the routes' rule,
 * ADMIN), checked by the validator `mdash apply` uses (lib/spec.c), each
 * change audited in its own transaction; the dashboard's open pages
 * reload their grid. */
#include <json-c/json.h>
#include <string.h>

#include "audit.h"
#include "dashboard.h"
#include "db.h"
#include "handlers.h"
#include "spec.h"

/* What the validator calls the body in its messages (resp_spec_error). */
#define WHERE "dashboard"

/* The keys a body may have: the declarative file's, but its widgets (each
 * has its own address). */
static const char *const create_keys[] = {"slug", "title", "description", "columns", NULL};
static const char *const change_keys[] = {"title", "description", "columns", NULL};

static json_object *dashboard_json(const char *slug, const char *title, const char *description, long columns)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "slug", json_object_new_string(slug));
	json_object_object_add(o, "title", json_object_new_string(title ? title : ""));
	json_object_object_add(o, "description", description ? json_object_new_string(description) : NULL);
	json_object_object_add(o, "columns", json_object_new_int((int)columns));
	return o;
}

static const char *text_of(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Checks the body against keys, then as the declarative file's dashboard:
 * 0, or -1 having answered 400. */
static int check(struct req *r, json_object *doc, const char *const *keys, struct dspec *s)
{
	struct buf err = {0};
	int rc = spec_dashboard_keys(doc, keys, WHERE, &err) || spec_dashboard(doc, WHERE, r->cfg, s, &err);
	if (rc)
		resp_spec_error(r, WHERE, buf_str(&err));
	buf_free(&err);
	return rc ? -1 : 0;
}

/* Writes the change (write) and its audit record in one transaction, then
 * answers status with after, telling the dashboard's pages the event (NULL:
 * none, as none is open yet; "reload" when what the page itself shows,
 * its title or columns, changed). */
static void commit(struct req *r, int ok, const char *action, const char *slug, json_object *before, json_object *after,
		   int status, const char *event, struct buf *err)
{
	struct audit_actor a;
	req_audit_actor(r, &a);
	if (!ok ||
	    audit_record(&a, action, slug, before ? text_of(before) : NULL, after ? text_of(after) : NULL, err) ||
	    db_commit(err)) {
		db_rollback();
		resp_db_error(r, err);
		json_object_put(after);
		return;
	}
	if (event)
		author_tell_pages(r, slug, event);
	if (after)
		resp_json_object(r, status, after);
	else
		resp_empty(r, status);
}

void author_dashboard_create(struct req *r)
{
	struct dspec s = {0};
	struct md_dashboard old, *list;
	struct buf err = {0};
	long long id;
	int n, found;
	json_object *doc = req_json_body(r);
	if (!doc || check(r, doc, create_keys, &s))
		goto out;
	if ((found = dashboard_load(s.slug, &old, &err)) > 0) {
		dashboard_free(&old);
		resp_error(r, 409, "A dashboard of this slug exists.");
	} else if (found < 0 || dashboard_list(&list, &n, &err)) {
		resp_db_error(r, &err);
	} else {
		dashboard_list_free(list, n);
		if (db_begin(&err)) {
			resp_db_error(r, &err);
		} else {
			/* The new dashboard goes last in the navigation. */
			int ok = !spec_write_dashboard(&s, n, &id, &err);
			commit(r, ok, "dashboard.add", s.slug, NULL,
			       dashboard_json(s.slug, s.title, s.description, s.columns), 201, NULL, &err);
		}
	}
out:
	buf_free(&err);
	json_object_put(doc);
}

/* The route's dashboard: 1 (the caller frees d), or 0 answered 404 or 503. */
static int load_route(struct req *r, struct md_dashboard *d)
{
	struct buf err = {0};
	int found = dashboard_load(req_param(r, P_DASHBOARD), d, &err);
	if (found < 0)
		resp_db_error(r, &err);
	else if (!found)
		resp_error(r, 404, "There is no dashboard of this slug.");
	buf_free(&err);
	return found > 0;
}

void author_dashboard_change(struct req *r)
{
	struct md_dashboard d;
	struct dspec s = {0};
	struct buf err = {0};
	json_object *doc = req_json_body(r);
	if (!doc || !load_route(r, &d)) {
		json_object_put(doc);
		return;
	}
	json_object *before = dashboard_json(d.slug, d.title, d.description, d.columns),
		    *merged = json_object_new_object();
	/* The body's keys over the dashboard as it is, checked as a whole. */
	json_object_object_foreach (before, key, val)
		if (val)
			json_object_object_add(merged, key, json_object_get(val));
	if (spec_dashboard_keys(doc, change_keys, WHERE, &err)) {
		resp_spec_error(r, WHERE, buf_str(&err));
	} else {
		json_object_object_foreach (doc, new_key, new_val)
			json_object_object_add(merged, new_key, json_object_get(new_val));
		if (check(r, merged, create_keys, &s)) {
			/* answered */
		} else if (db_begin(&err)) {
			resp_db_error(r, &err);
		} else {
			int ok = !dashboard_change(s.slug, s.title, s.description, (int)s.columns, &err);
			commit(r, ok, "dashboard.change", s.slug, before,
			       dashboard_json(s.slug, s.title, s.description, s.columns), 200, "reload", &err);
		}
	}
	json_object_put(before);
	json_object_put(merged);
	json_object_put(doc);
	dashboard_free(&d);
	buf_free(&err);
}

void author_dashboard_delete(struct req *r)
{
	struct md_dashboard d;
	struct buf err = {0};
	if (!load_route(r, &d))
		return;
	json_object *before = dashboard_json(d.slug, d.title, d.description, d.columns);
	if (db_begin(&err)) {
		resp_db_error(r, &err);
	} else {
		/* Its widgets stay, on no dashboard; its grants and links go
		 * with it (the schema's foreign keys). */
		int ok = dashboard_remove(d.slug, &err) > 0;
		/* Its pages re-check it, find it gone, and reload into the 404. */
		commit(r, ok, "dashboard.remove", d.slug, before, NULL, 204, "layout", &err);
	}
	json_object_put(before);
	dashboard_free(&d);
	buf_free(&err);
}
