/* SPDX-License-Identifier: MIT */
/* login.c: GET/POST /login and POST /logout. A login starts a new session
 * (a new id every time), sets an HttpOnly, SameSite=Lax cookie and goes
 * back to where the user was going, if that is a page of this site. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fields.h"
#include "form.h"
#include "handlers.h"
#include "log.h"
#include "publish.h"
#include "render.h"

/* A local target only: "/d/ops", never "//evil.example" or "https://...". */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 1000)
		return "/";
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
			return "/";
	return next;
}

static void show_form(struct req *r, int status, const char *next, const char *error)
{
	struct buf html = {0}, err = {0};
	HDF *hdf = page_hdf(r);
	hdf_set_value(hdf, "Page.title", "Log in");
	hdf_set_value(hdf, "Login.next", safe_next(next));
	if (error)
		hdf_set_value(hdf, "Login.error", error);
	if (render_file(hdf, "login.cs", &html, &err))
		resp_error(r, 500, buf_str(&err));
	else {
		resp_header(r, "Cache-Control", "no-store");
		resp_html(r, status, &html);
	}
	hdf_destroy(&hdf);
	buf_free(&html);
	buf_free(&err);
}

/* The login form as it posts; a page may add fields of its own. */
static const struct field login_fields[] = {
	{.key = "username", .kind = FIELD_TEXT, .min = 1, .max = 64, .required = 1},
	{.key = "password", .kind = FIELD_TEXT, .max = 1024, .required = 1},
	{0},
};
enum { LOGIN_USERNAME, LOGIN_PASSWORD, LOGIN_FIELDS };

/* Where to go after the login, in the query or the form: read on its own,
 * so that a refused form still keeps it, and a bad one only means "/". */
static const struct field next_field[] = {{.key = "next", .kind = FIELD_TEXT}, {0}};

static void read_next(const char *text, size_t len, struct field_value *next)
{
	struct buf err = {0};
	fields_form(next_field, FIELDS_OPEN, text, len, next, &err);
	buf_free(&err);
}

void login_form(struct req *r)
{
	struct field_value next;
	read_next(r->query, strlen(r->query), &next);
	if (req_user(r))
		resp_redirect(r, safe_next(next.text));
	else
		show_form(r, 200, next.text, NULL);
	fields_free(&next, 1);
}

void login_submit(struct req *r)
{
	struct field_value in[LOGIN_FIELDS] = {0}, next = {0};
	struct buf device = {0}, err = {0};
	struct md_user u = {0};
	long wait = 0;
	const struct buf *body = req_body(r);
	if (!body)
		goto out;
	read_next(body->data, body->len, &next);
	if (fields_form(login_fields, FIELDS_OPEN, body->data, body->len, in, &err)) {
		/* The page's own words: which of the two is wrong matters not. */
		show_form(r, 400, next.text, "Enter your user name and password.");
		goto out;
	}
	const char *name = in[LOGIN_USERNAME].text, *password = in[LOGIN_PASSWORD].text;
	int ok = login_check(r->cfg, name, password, req_env(r, "REMOTE_ADDR"), req_device_cookie(r, &device), &u,
			     &wait, &err);
	if (ok < 0) {
		resp_db_error(r, &err);
	} else if (wait > 0) {
		struct buf msg = {0};
		buf_printf(&msg, "Too many failed logins. Try again in %ld second%s.", wait, wait == 1 ? "" : "s");
		resp_header(r, "Retry-After", "60");
		show_form(r, 429, next.text, msg.data);
		buf_free(&msg);
	} else if (!ok) {
		/* The same words whether the name exists or not (login_check
		 * logs it, without a name no account has). */
		show_form(r, 401, next.text, "Wrong user name or password.");
	} else {
		char *cookie = NULL, *trust = NULL;
		if (session_start(&u, &cookie, &err) || device_remember(u.id, device.data, &trust, &err)) {
			resp_db_error(r, &err);
		} else {
			req_session_cookie(r, cookie, 0);
			req_page_pass_give(r, &u);
			req_device_cookie_give(r, trust);
			resp_redirect(r, safe_next(next.text));
		}
		if (cookie)
			explicit_bzero(cookie, strlen(cookie));
		free(cookie);
		free(trust);
	}
out:
	user_free(&u);
	fields_free(in, LOGIN_FIELDS); /* wipes the password */
	fields_free(&next, 1);
	buf_free(&device);
	buf_free(&err);
}

/* The route's rule (SESSION_CSRF) wants the session's CSRF token, from
 * this site. */
void logout(struct req *r)
{
	struct buf cookie = {0}, err = {0};
	const char *header = req_env(r, "HTTP_COOKIE");
	if (header && cookie_get(header, "mdash_session", &cookie) == 1 && session_end(cookie.data, &err)) {
		resp_db_error(r, &err);
		goto out;
	}
	/* The session's other open pages reload into the login page. */
	const struct md_user *u = req_user(r);
	if (u && u->session[0] && publish_session_ended(r->cfg->publish_url, u->session, &err))
		log_warn("logout: %s", buf_str(&err));
	req_session_cookie(r, "", -1);
	req_page_pass_drop(r);
	resp_redirect(r, "/login");
out:
	buf_free(&cookie);
	buf_free(&err);
}
