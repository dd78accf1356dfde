/* SPDX-License-Identifier: MIT */
/* share.c: a share link, /s/<secret>: one dashboard, read-only, with no
 * login, for a wall screen. The link's routes mirror the page's own
 * (widget fragments, versions, stream) and reuse their handlers; access
 * checks (access.c) then allow exactly the link's dashboard. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dashboard.h"

#include "handlers.h"
#include "log.h"
#include "share.h"

/* 1 when params[0] is a live link; otherwise answers 404. */
static int share_open(struct req *r)
{
	struct buf err = {0};
	int ok = share_find(r->params[0], &r->share_id, &r->share_dashboard, r->share_slug, &err);
	if (ok < 0)
		resp_db_error(r, &err);
	else if (!ok)
		resp_error(r, 404, "This link does not exist, or it was revoked.");
	if (ok <= 0)
		r->share_id = 0;
	buf_free(&err);
	return ok > 0;
}

void share_page(struct req *r)
{
	if (!share_open(r))
		return;
	r->target = r->share_slug;
	page_dashboard(r);
}

void share_fragment(struct req *r)
{
	if (share_open(r))
		fragment_widget(r);
}

void share_widget_history(struct req *r)
{
	if (share_open(r))
		api_widget_history(r);
}

void share_api_dashboard(struct req *r)
{
	if (share_open(r))
		api_dashboard(r);
}

void share_sub(struct req *r)
{
	if (share_open(r))
		sub_dashboard(r);
}

/* POST /api/dashboards/<slug>/shares: an admin makes a share link from the
 * page; the answer holds the link, shown once. */
void share_create_api(struct req *r)
{
	struct md_dashboard d;
	struct buf err = {0}, url = {0};
	const struct md_user *u = req_user(r);
	if (!u || u->role != ROLE_ADMIN) {
		resp_error(r, u ? 403 : 401, "Only an administrator may make share links.");
		return;
	}
	if (!csrf_ok(r, NULL)) {
		resp_error(r, 403, "missing or wrong X-CSRF-Token, or not sent from this site");
		return;
	}
	if (!req_dashboard(r, &d, NULL, NULL))
		return;
	char *secret;
	long long id;
	if (share_create(d.slug, &secret, &id, &err)) {
		resp_db_error(r, &err);
	} else {
		/* The audit log names the link by its id, never its secret. */
		struct audit_actor a;
		char link[48];
		snprintf(link, sizeof link, "link %lld", id);
		req_audit_actor(r, &a);
		if (audit_record(&a, "share.add", d.slug, NULL, link, &err))
			log_warn("share link %lld made, but not written to the audit log: %s", id, buf_str(&err));
		const char *site = *r->cfg->public_url ? r->cfg->public_url : r->cfg->base_path;
		size_t n = strlen(site);
		buf_printf(&url, "%s%ss/%s", site, n && site[n - 1] == '/' ? "" : "/", secret);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(id));
		json_object_object_add(o, "url", json_object_new_string(url.data));
		resp_json(r, 201, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		free(secret);
	}
	dashboard_free(&d);
	buf_free(&err);
	buf_free(&url);
}
