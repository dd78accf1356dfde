/* SPDX-License-Identifier: MIT */
/* answer.c: the answers every handler shares (answer.h). */
#include "answer.h"

#include <json-c/json.h>
#include <stdio.h>

#include "db.h"
#include "log.h"
#include "render.h"

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
