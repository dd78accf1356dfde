/* SPDX-License-Identifier: MIT */
/* author_access.c: the authoring API's users, grants, tokens, share links
 * and audit log (README, "Authoring API"), what `mdash user|token|share|
 * audit` do from a shell. Only an administrator gets here (the routes'
 * rules, ADMIN and ADMIN_READ). Every change is audited as the CLI audits
 * it, never with a secret; the open pages of sessions and links that lose
 * access reload, and meet the new rules. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "dashboard.h"
#include "db.h"
#include "fields.h"
#include "handlers.h"
#include "history.h"
#include "ident.h"
#include "log.h"
#include "publish.h"
#include "share_link.h"
#include "token.h"
#include "widget.h"

static void audit(struct req *r, const char *action, const char *target, const char *before, const char *after)
{
	struct audit_actor a;
	struct buf err = {0};
	req_audit_actor(r, &a);
	if (audit_record(&a, action, target, before, after, &err))
		log_error("%s %s: done, but not written to the audit log: %s", r->method, r->path, buf_str(&err));
	buf_free(&err);
}

/* Answers {key: list} (list from a lister that failed: the error). */
static void send_list(struct req *r, const char *key, int failed, json_object *list, struct buf *err)
{
	if (failed) {
		resp_db_error(r, err);
		return;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, key, list);
	resp_json_object(r, 200, o);
}

/* The fields of the bodies below: a new user's or token's name, a
 * password, whether an administrator. */
#define NAME_FIELD                                                                                                     \
	{                                                                                                              \
		.key = "name", .kind = FIELD_IDENT, .required = 1                                                      \
	}
#define PASSWORD_FIELD                                                                                                 \
	{                                                                                                              \
		.key = "password", .kind = FIELD_TEXT, .min = PASSWORD_MIN, .max = 1024                                \
	}
#define ADMIN_FIELD                                                                                                    \
	{                                                                                                              \
		.key = "admin", .kind = FIELD_BOOL                                                                     \
	}

/* The body checked against table into in: 0, or -1 having answered 400. */
static int read_body(struct req *r, json_object *doc, const struct field *table, struct field_value *in)
{
	struct buf err = {0};
	int rc = fields_json(table, FIELDS_STRICT, doc, NULL, in, &err);
	if (rc)
		resp_field_error(r, buf_str(&err));
	buf_free(&err);
	return rc;
}

/* ---- users ---- */

void author_users(struct req *r)
{
	struct buf err = {0};
	json_object *list;
	int failed = user_list_json(&list, &err);
	send_list(r, "users", failed, list, &err);
	buf_free(&err);
}

static json_object *user_json(const char *name, int admin)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "admin", json_object_new_boolean(admin));
	return o;
}

/* The route's user: 1, or 0 having answered 404 (or 503). */
static int route_user(struct req *r)
{
	struct buf err = {0};
	int found = user_exists(req_param(r, P_USER), &err);
	if (found < 0)
		resp_db_error(r, &err);
	else if (!found)
		resp_error(r, 404, "There is no user of this name.");
	buf_free(&err);
	return found > 0;
}

/* The caller is the route's user (a token is nobody). */
static int is_self(struct req *r)
{
	const struct md_user *u = r->who.admin_token ? NULL : req_user(r);
	return u && !strcmp(u->name, req_param(r, P_USER));
}

/* Reloads the pages of the user's sessions (after access changed). */
static void tell_sessions(const char *tag, void *ctx)
{
	struct req *r = ctx;
	struct buf err = {0};
	if (publish_session_ended(r->cfg->publish_url, tag, &err))
		log_warn("open pages could not be told (they stop within 5 minutes): %s", buf_str(&err));
	buf_free(&err);
}

static void reload_sessions(struct req *r, const char *name)
{
	struct buf err = {0};
	if (user_sessions(name, tell_sessions, r, &err))
		log_warn("open pages of %s not told: %s", name, buf_str(&err));
	buf_free(&err);
}

void author_user_create(struct req *r)
{
	static const struct field fields[] = {NAME_FIELD, PASSWORD_FIELD, ADMIN_FIELD, {0}};
	struct field_value in[3] = {0};
	struct buf err = {0};
	char made[33] = "";
	int found;
	json_object *doc = req_json_body(r);
	if (!doc || read_body(r, doc, fields, in))
		goto out;
	const char *name = in[0].text, *password = in[1].text;
	int admin = (int)in[2].number;
	if ((found = user_exists(name, &err)) != 0) {
		if (found > 0)
			resp_error(r, 409, "A user of this name exists.");
		else
			resp_db_error(r, &err);
		goto out;
	}
	if (!password) { /* made here, shown once */
		unsigned char bytes[16];
		if (random_bytes(bytes, sizeof bytes)) {
			buf_puts(&err, "no random bytes for a password");
			resp_db_error(r, &err);
			goto out;
		}
		hex_encode(bytes, sizeof bytes, made);
	}
	if (user_add(name, password ? password : made, admin ? ROLE_ADMIN : ROLE_VIEWER, &err)) {
		resp_db_error(r, &err);
		goto out;
	}
	audit(r, "user.add", name, NULL, admin ? "admin" : "viewer");
	json_object *o = user_json(name, admin);
	if (!password)
		json_object_object_add(o, "password", json_object_new_string(made));
	resp_json_object(r, 201, o);
out:
	explicit_bzero(made, sizeof made);
	fields_free(in, 3);
	buf_free(&err);
	json_object_put(doc);
}

void author_user_change(struct req *r)
{
	static const struct field fields[] = {ADMIN_FIELD, PASSWORD_FIELD, {0}};
	struct field_value in[2] = {0};
	const char *name = req_param(r, P_USER);
	struct buf err = {0};
	json_object *doc = req_json_body(r);
	if (!doc || read_body(r, doc, fields, in) || !route_user(r))
		goto out;
	int admin = in[0].present ? (int)in[0].number : -1; /* -1: unchanged */
	const char *password = in[1].text;
	if (admin == 0 && is_self(r)) {
		resp_error(r, 409, "You cannot take your own administrator's rights: another administrator can.");
		goto out;
	}
	/* Sessions that a new password or fewer rights end: their pages reload. */
	if (password || admin == 0)
		reload_sessions(r, name);
	if ((admin >= 0 && user_set_admin(name, admin, &err) < 0) ||
	    (password && user_set_password(name, password, &err))) {
		resp_db_error(r, &err);
		goto out;
	}
	if (admin >= 0)
		audit(r, admin ? "user.admin" : "user.viewer", name, NULL, admin ? "admin" : "viewer");
	if (password)
		audit(r, "user.passwd", name, NULL, NULL);
	json_object *list;
	int is_admin = admin;
	if (admin < 0 && !user_list_json(&list, &err)) { /* unchanged: as it is */
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			json_object *u = json_object_array_get_idx(list, i), *v;
			if (json_object_object_get_ex(u, "name", &v) && !strcmp(json_object_get_string(v), name) &&
			    json_object_object_get_ex(u, "admin", &v))
				is_admin = json_object_get_boolean(v);
		}
		json_object_put(list);
	}
	resp_json_object(r, 200, user_json(name, is_admin > 0));
out:
	fields_free(in, 2);
	buf_free(&err);
	json_object_put(doc);
}

void author_user_delete(struct req *r)
{
	const char *name = req_param(r, P_USER);
	struct buf err = {0};
	if (!route_user(r))
		return;
	if (is_self(r)) {
		resp_error(r, 409, "You cannot remove yourself: another administrator can.");
		return;
	}
	reload_sessions(r, name);
	if (user_remove(name, &err)) {
		resp_db_error(r, &err);
	} else {
		audit(r, "user.remove", name, NULL, NULL);
		resp_empty(r, 204);
	}
	buf_free(&err);
}

/* PUT and DELETE /api/users/<user>/grants/<slug>. */
static void grant(struct req *r, int give)
{
	const char *name = req_param(r, P_USER), *slug = req_param(r, P_DASHBOARD);
	struct md_dashboard d;
	struct buf err = {0};
	int found;
	if (!route_user(r))
		return;
	if ((found = dashboard_load(slug, &d, &err)) <= 0) {
		if (found < 0)
			resp_db_error(r, &err);
		else
			resp_error(r, 404, "There is no dashboard of this slug.");
	} else {
		dashboard_free(&d);
		if (!give)
			reload_sessions(r, name);
		if (user_grant(name, slug, give, &err)) {
			resp_db_error(r, &err);
		} else {
			audit(r, give ? "user.grant" : "user.revoke", name, NULL, slug);
			resp_empty(r, 204);
		}
	}
	buf_free(&err);
}

void author_grant_put(struct req *r)
{
	grant(r, 1);
}

void author_grant_delete(struct req *r)
{
	grant(r, 0);
}

/* ---- tokens ---- */

void author_tokens(struct req *r)
{
	struct buf err = {0};
	json_object *list;
	int failed = token_list_json(&list, &err);
	send_list(r, "tokens", failed, list, &err);
	buf_free(&err);
}

void author_token_create(struct req *r)
{
	static const struct field fields[] = {NAME_FIELD, ADMIN_FIELD, {0}};
	struct field_value in[2] = {0};
	char *secret = NULL;
	struct buf err = {0};
	json_object *doc = req_json_body(r), *list = NULL;
	if (!doc || read_body(r, doc, fields, in))
		goto out;
	const char *name = in[0].text;
	int admin = (int)in[1].number;
	if (token_list_json(&list, &err)) {
		resp_db_error(r, &err);
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *v;
		if (json_object_object_get_ex(json_object_array_get_idx(list, i), "name", &v) &&
		    !strcmp(json_object_get_string(v), name)) {
			resp_error(r, 409, "A token of this name exists.");
			goto out;
		}
	}
	if (token_create(name, admin, &secret, &err)) {
		resp_db_error(r, &err);
		goto out;
	}
	audit(r, "token.add", name, NULL, admin ? "admin" : "push");
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "admin", json_object_new_boolean(admin));
	json_object_object_add(o, "token", json_object_new_string(secret));
	resp_json_object(r, 201, o);
	explicit_bzero(secret, strlen(secret));
out:
	free(secret);
	fields_free(in, 2);
	json_object_put(list);
	buf_free(&err);
	json_object_put(doc);
}

void author_token_delete(struct req *r)
{
	const char *name = req_param(r, P_TOKEN);
	struct buf err = {0};
	int rc = token_remove(name, &err);
	if (rc < 0) {
		resp_db_error(r, &err);
	} else if (!rc) {
		resp_error(r, 404, "There is no token of this name.");
	} else {
		audit(r, "token.remove", name, NULL, NULL);
		resp_empty(r, 204);
	}
	buf_free(&err);
}

/* ---- share links ---- */

void author_shares(struct req *r)
{
	struct md_dashboard d;
	struct buf err = {0};
	json_object *list;
	int found = dashboard_load(req_param(r, P_DASHBOARD), &d, &err);
	if (found < 0) {
		resp_db_error(r, &err);
	} else if (!found) {
		resp_error(r, 404, "There is no dashboard of this slug.");
	} else {
		dashboard_free(&d);
		int failed = share_list_json(req_param(r, P_DASHBOARD), &list, &err);
		send_list(r, "shares", failed, list, &err);
	}
	buf_free(&err);
}

void author_share_delete(struct req *r)
{
	char slug[IDENT_MAX + 1] = "";
	long id;
	struct buf err = {0}, channel = {0};
	int found = parse_long(req_param(r, P_ID), 1, 1L << 40, &id) ? 0 : share_dashboard(id, slug, &err);
	if (found < 0) {
		resp_db_error(r, &err);
	} else if (!found || strcmp(slug, req_param(r, P_DASHBOARD))) {
		resp_error(r, 404, "This dashboard has no share link of this id.");
	} else if (share_revoke(id, &err) < 0) {
		resp_db_error(r, &err);
	} else {
		/* Pages open on the link reload, and find it gone. */
		buf_printf(&channel, "_s_%ld", id);
		if (publish_reload(r->cfg->publish_url, channel.data, &err))
			log_warn("share link %ld revoked; open pages not told (they stop within 5 minutes): %s", id,
				 buf_str(&err));
		audit(r, "share.revoke", req_param(r, P_ID), NULL, NULL);
		resp_empty(r, 204);
	}
	buf_free(&err);
	buf_free(&channel);
}

/* ---- the audit log ---- */

void author_audit(struct req *r)
{
	static const struct field params[] = {
		{.key = "since", .kind = FIELD_TEXT}, {.key = "limit", .kind = FIELD_INT, .min = 1, .max = 10000}, {0}};
	struct field_value in[2];
	struct buf err = {0};
	double from;
	struct audit_entry *e = NULL;
	int n = 0;
	if (fields_form(params, FIELDS_STRICT, r->query, strlen(r->query), in, &err)) {
		resp_field_error(r, buf_str(&err));
	} else if (history_time(in[0].present && *in[0].text ? in[0].text : "-7d", now_wall(), &from)) {
		resp_field_error(r, "since: not a time: use ISO-8601 such as 2026-12-04T07:00:00Z, or -24h, -30d");
	} else if (audit_list(from, AUDIT_LIST_MAX, &e, &n, &err)) {
		resp_db_error(r, &err);
	} else {
		/* Newest first, the newest max of them. */
		long max = in[1].present ? in[1].number : 200;
		json_object *list = json_object_new_array();
		for (int i = n - 1; i >= 0 && n - i <= max; i--)
			json_object_array_add(list, audit_json(&e[i]));
		send_list(r, "entries", 0, list, &err);
	}
	audit_free(e, n);
	fields_free(in, 2);
	buf_free(&err);
}
