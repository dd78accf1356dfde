/* SPDX-License-Identifier: MIT */
/* answer.c: the answers every handler shares (answer.h). */
#include "answer.h"

#include <json-c/json.h>
#include <stdio.h>

#include <string.h>

#include "db.h"
#include "log.h"
#include "publish.h"
#include "render.h"
#include "series.h"
#include "source_json.h"
#include "widget.h"

const struct buf *req_body(struct req *r)
{
	int status;
	const char *why;
	const struct buf *body = req_read_body(r, &status, &why);
	if (!body)
		resp_error(r, status, why);
	return body;
}

HDF *page_hdf(struct req *r)
{
	HDF *hdf = render_hdf(r->cfg);
	if (hdf && r->who.kind == WHO_SHARE) {
		/* The page's script talks to the link's own routes. */
		struct buf api = {0};
		buf_printf(&api, "%ss/%s/", r->cfg->base_path, req_param(r, P_SHARE));
		hdf_set_value(hdf, "Page.api", api.data);
		hdf_set_value(hdf, "Page.share", "1");
		buf_free(&api);
	} else if (hdf && r->who.kind == WHO_USER) {
		const struct md_user *u = &r->who.user;
		hdf_set_value(hdf, "Page.user", u->name);
		hdf_set_value(hdf, "Page.csrf", u->csrf);
		if (u->role == ROLE_ADMIN)
			hdf_set_value(hdf, "Page.admin", "1");
	}
	return hdf;
}

void resp_error(struct req *r, int status, const char *message)
{
	if (req_wants_json(r)) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string(message));
		resp_json(r, status,
			  json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return;
	}
	struct buf html = {0}, err = {0};
	HDF *hdf = page_hdf(r);
	char code[16];
	snprintf(code, sizeof code, "%d", status);
	if (hdf) {
		hdf_set_value(hdf, "Error.status", code);
		hdf_set_value(hdf, "Error.reason", resp_reason(status));
		hdf_set_value(hdf, "Error.message", message);
		hdf_set_value(hdf, "Page.title", resp_reason(status));
	}
	if (!hdf || render_file(hdf, "error.cs", &html, &err)) {
		/* Templates missing or broken: still answer, in plain text. */
		log_error("error page: %s", buf_str(&err));
		buf_reset(&html);
		buf_printf(&html, "%d %s: %s\n", status, resp_reason(status), message);
		resp_send(r, status, "text/plain; charset=utf-8", html.data, html.len);
	} else {
		resp_html(r, status, &html);
	}
	if (hdf)
		hdf_destroy(&hdf);
	buf_free(&html);
	buf_free(&err);
}

void resp_json_object(struct req *r, int status, json_object *o)
{
	resp_header(r, "Cache-Control", "no-cache");
	resp_json(r, status,
		  json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* 400 {"error": message, "field": the first len bytes of field}. */
static void field_error(struct req *r, const char *message, const char *field, size_t len)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(message));
	json_object_object_add(o, "field", field ? json_object_new_string_len(field, (int)len) : NULL);
	resp_json_object(r, 400, o);
}

/* In "<path>: unknown key "foo"" (fields.h) the field is the key, at its
 * path: "<path>.foo". 1 and that in field, or 0 for another message. */
static int unknown_key_field(const char *message, struct buf *field)
{
	static const char lead[] = "unknown key \"";
	const char *colon = strncmp(message, lead, sizeof lead - 1) ? strstr(message, ": ") : NULL;
	const char *rest = colon ? colon + 2 : message;
	const char *key = rest + sizeof lead - 1, *end;
	if (strncmp(rest, lead, sizeof lead - 1) || !(end = strchr(key, '"')))
		return 0;
	if (colon)
		buf_printf(field, "%.*s.", (int)(colon - message), message);
	buf_append(field, key, (size_t)(end - key));
	return 1;
}

void resp_field_error(struct req *r, const char *message)
{
	struct buf field = {0};
	const char *end = strstr(message, ": ");
	if (unknown_key_field(message, &field))
		field_error(r, message, field.data, field.len);
	else
		field_error(r, message, end ? message : NULL, end ? (size_t)(end - message) : 0);
	buf_free(&field);
}

void resp_spec_error(struct req *r, const char *where, const char *message)
{
	size_t n = strlen(where);
	if (strncmp(message, where, n) || (message[n] != '.' && message[n] != ':')) {
		resp_field_error(r, message);
	} else if (message[n] == '.') {
		resp_field_error(r, message + n + 1);
	} else if (!strcmp(message + n, ": must be an object")) {
		resp_error(r, 400, "the body must be a JSON object");
	} else if (!strncmp(message + n + 2, "unknown key \"", 13)) {
		resp_field_error(r, message + n + 2); /* the field is the key */
	} else {
		field_error(r, message + n + 2, NULL, 0);
	}
}

json_object *req_json_body(struct req *r)
{
	struct buf err = {0};
	const struct buf *body = req_body(r);
	json_object *doc = body ? source_parse(buf_str(body), body->len, &err) : NULL;
	if (body && !doc) {
		resp_error(r, 400, buf_str(&err));
	} else if (doc && !json_object_is_type(doc, json_type_object)) {
		resp_error(r, 400, "the body must be a JSON object");
		json_object_put(doc);
		doc = NULL;
	}
	buf_free(&err);
	return doc;
}

void author_tell_pages(struct req *r, const char *slug, const char *event)
{
	struct buf err = {0};
	if (slug && publish_dashboard_event(r->cfg->publish_url, slug, event, &err))
		log_warn("%s %s done; the open pages of %s not told: %s", r->method, r->path, slug, buf_str(&err));
	buf_free(&err);
}

void author_tell_graphs(struct req *r, const struct series_bumped *graphs)
{
	struct buf msg = {0}, err = {0};
	for (int i = 0; i < graphs->n; i++) {
		/* Without the fragment: the pages fetch it, through nginx's cache. */
		publish_message(graphs->names[i], graphs->versions[i], NULL, &msg);
		if (publish_raw(r->cfg->publish_url, graphs->names[i], msg.data, &err) ||
		    widget_published(graphs->names[i], graphs->versions[i], &err)) {
			log_warn("%s %s done; graph %s not published: %s", r->method, r->path, graphs->names[i],
				 buf_str(&err));
			buf_reset(&err);
		}
	}
	buf_free(&msg);
	buf_free(&err);
}

void resp_db_error(struct req *r, const struct buf *err)
{
	log_error("%s %s: %s", r->method, r->path, buf_str(err));
	if (db_lost()) {
		resp_header(r, "Retry-After", "5");
		resp_error(r, 503, "The database cannot be reached. mdash will retry; reload in a moment.");
	} else {
		resp_error(r, 500, "Something went wrong on the server; the details are in its log.");
	}
}
