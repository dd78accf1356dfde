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
#include "form.h"
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

/* The body's keys: unknown ones refused; optional booleans and strings.
 * 0, or -1 having answered 400. */
static int body_keys(struct req *r, json_object *doc, const char *const *keys)
{
	const char *key = json_unknown_key(doc, keys);
	if (!key)
		return 0;
	struct buf why = {0};
	buf_printf(&why, "%.64s: unknown key", key);
	resp_field_error(r, buf_str(&why));
	buf_free(&why);
	return -1;
}

static int get_bool(struct req *r, json_object *doc, const char *key, int *out)
{
	json_object *v;
	if (!json_object_object_get_ex(doc, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_boolean)) {
		*out = json_object_get_boolean(v);
		return 0;
	}
	struct buf why = {0};
	buf_printf(&why, "%s: must be true or false", key);
	resp_field_error(r, buf_str(&why));
	buf_free(&why);
	return -1;
}

/* A password given (NULL when none), at least PASSWORD_MIN long. */
static int get_password(struct req *r, json_object *doc, const char **out)
{
	json_object *v;
	*out = NULL;
	if (!json_object_object_get_ex(doc, "password", &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) < PASSWORD_MIN ||
	    json_object_get_string_len(v) > 1024) {
		struct buf why = {0};
		buf_printf(&why, "password: must have at least %d characters (and at most 1024)", PASSWORD_MIN);
		resp_field_error(r, buf_str(&why));
		buf_free(&why);
		return -1;
	}
	*out = json_object_get_string(v);
	return 0;
}

/* A name for a new user or token ("name" of the body): 0, or -1 answered. */
static int get_name(struct req *r, json_object *doc, const char **out)
{
	json_object *v;
	*out = json_object_object_get_ex(doc, "name", &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
	if (*out && ident_valid(*out))
		return 0;
	resp_field_error(r, "name: must match [a-z0-9][a-z0-9_-]{0,63}");
	return -1;
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
static void tell_sessions(const char *channel, void *ctx)
{
	struct req *r = ctx;
	struct buf err = {0};
	if (publish_reload(r->cfg->publish_url, channel, &err))
		log_warn("open pages could not be told (they stop within 5 minutes): %s", buf_str(&err));
	buf_free(&err);
}

static void reload_sessions(struct req *r, const char *name)
{
	struct buf err = {0};
	if (user_session_channels(name, tell_sessions, r, &err))
		log_warn("open pages of %s not told: %s", name, buf_str(&err));
	buf_free(&err);
}

void author_user_create(struct req *r)
{
	static const char *const keys[] = {"name", "password", "admin", NULL};
	struct buf err = {0};
	const char *name, *password;
	char made[33] = "";
	int admin = 0, found;
	json_object *doc = req_json_body(r);
	if (!doc || body_keys(r, doc, keys) || get_name(r, doc, &name) || get_password(r, doc, &password) ||
	    get_bool(r, doc, "admin", &admin))
		goto out;
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
	buf_free(&err);
	json_object_put(doc);
}

void author_user_change(struct req *r)
{
	static const char *const keys[] = {"admin", "password", NULL};
	const char *name = req_param(r, P_USER), *password;
	struct buf err = {0};
	int admin = -1;
	json_object *doc = req_json_body(r);
	if (!doc || body_keys(r, doc, keys) || get_password(r, doc, &password) || get_bool(r, doc, "admin", &admin) ||
	    !route_user(r))
		goto out;
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
	static const char *const keys[] = {"name", "admin", NULL};
	const char *name;
	char *secret = NULL;
	int admin = 0;
	struct buf err = {0};
	json_object *doc = req_json_body(r), *list = NULL;
	if (!doc || body_keys(r, doc, keys) || get_name(r, doc, &name) || get_bool(r, doc, "admin", &admin))
		goto out;
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
	static const char *const params[] = {"since", "limit", NULL};
	struct buf since = {0}, limit = {0}, name = {0}, err = {0};
	double from;
	long max = 200;
	struct audit_entry *e = NULL;
	int n = 0;
	int unknown = form_unknown(r->query, strlen(r->query), params, &name);
	if (unknown > 0) {
		buf_printf(&err, "%s: unknown parameter (since and limit are known)", buf_str(&name));
		resp_field_error(r, buf_str(&err));
	} else if (unknown < 0 || form_get(r->query, strlen(r->query), "since", &since) < 0 ||
		   form_get(r->query, strlen(r->query), "limit", &limit) < 0) {
		resp_error(r, 400, "the query string is malformed");
	} else if (history_time(since.len ? since.data : "-7d", now_wall(), &from)) {
		resp_field_error(r, "since: not a time: use ISO-8601 such as 2026-12-04T07:00:00Z, or -24h, -30d");
	} else if (limit.len && parse_long(limit.data, 1, 10000, &max)) {
		resp_field_error(r, "limit: must be a whole number from 1 to 10000");
	} else if (audit_list(from, AUDIT_LIST_MAX, &e, &n, &err)) {
		resp_db_error(r, &err);
	} else {
		/* Newest first, the newest max of them. */
		json_object *list = json_object_new_array();
		for (int i = n - 1; i >= 0 && n - i <= max; i--)
			json_object_array_add(list, audit_json(&e[i]));
		send_list(r, "entries", 0, list, &err);
	}
	audit_free(e, n);
	buf_free(&since);
	buf_free(&limit);
	buf_free(&name);
	buf_free(&err);
}
