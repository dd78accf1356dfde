/* SPDX-License-Identifier: MIT */
/* access.c: who is asking, and may they. Every read path asks here: with
 * RequireLogin (the default) an anonymous page request goes to the login
 * page, an anonymous API or stream request gets 401/403, and a user sees
 * only the dashboards granted to them. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "dashboard.h"
#include "db.h"
#include "form.h"
#include "pass.h"
#include "handlers.h"
#include "log.h"
#include "origin.h"
#include "render.h"
#include "viewer.h"
#include "widget.h"
#include <openssl/crypto.h>

#define SESSION_COOKIE "mdash_session"
#define DEVICE_COOKIE "mdash_device"
#define DEVICE_COOKIE_AGE (180 * 24 * 3600) /* as auth.c's DEVICE_DAYS */

/* The session cookie's value, or NULL (cookie must be freed). */
static const char *session_cookie(struct req *r, struct buf *cookie)
{
	const char *header = req_env(r, "HTTP_COOKIE");
	return header && cookie_get(header, SESSION_COOKIE, cookie) == 1 ? cookie->data : NULL;
}

const struct md_user *req_user(struct req *r)
{
	if (r->user_loaded)
		return r->user.id ? &r->user : NULL;
	r->user_loaded = 1;
	struct buf cookie = {0}, err = {0};
	const char *value = session_cookie(r, &cookie);
	if (value && session_find(r->cfg, value, &r->user, &err) < 0)
		r->db_failed = 1;
	buf_free(&cookie);
	buf_free(&err);
	return r->user.id ? &r->user : NULL;
}

/* Grants learnt along the way, so that no check asks the database twice. */
static void remember_grant(struct req *r, long long dashboard, int ok)
{
	r->grants = xrealloc(r->grants, (size_t)(r->ngrants + 1) * sizeof *r->grants);
	r->grants[r->ngrants++] = (struct grant){dashboard, ok};
}

/* user_can_see, answered from what the request already learnt if it can. */
static int can_see(struct req *r, const struct md_user *u, long long dashboard, struct buf *err)
{
	if (u->role == ROLE_ADMIN || u->all_dashboards)
		return 1;
	for (int i = 0; i < r->ngrants; i++)
		if (r->grants[i].dashboard == dashboard)
			return r->grants[i].ok;
	int ok = user_can_see(u, dashboard, err);
	if (ok >= 0)
		remember_grant(r, dashboard, ok);
	return ok;
}

void req_access_free(struct req *r)
{
	user_free(&r->user);
	free(r->grants);
	r->grants = NULL;
	r->ngrants = 0;
}

/* Sets a cookie for the mount point: max_age 0 lasts the browser session,
 * -1 deletes it. */
static void set_cookie(struct req *r, const char *name, const char *value, int max_age)
{
	struct buf c = {0};
	const char *https = req_env(r, "HTTPS");
	int secure = r->cfg->secure_cookies || (https && *https && strcmp(https, "off"));
	buf_printf(&c, "%s=%s; Path=%s; HttpOnly; SameSite=Lax%s", name, value, r->cfg->base_path,
		   secure ? "; Secure" : "");
	if (max_age)
		buf_printf(&c, "; Max-Age=%d", max_age < 0 ? 0 : max_age);
	resp_header(r, "Set-Cookie", c.data);
	buf_free(&c);
}

void req_session_cookie(struct req *r, const char *value, int max_age)
{
	set_cookie(r, SESSION_COOKIE, value, max_age);
}

const char *req_device_cookie(struct req *r, struct buf *cookie)
{
	const char *header = req_env(r, "HTTP_COOKIE");
	return header && cookie_get(header, DEVICE_COOKIE, cookie) == 1 ? cookie->data : NULL;
}

void req_device_cookie_give(struct req *r, const char *value)
{
	set_cookie(r, DEVICE_COOKIE, value, DEVICE_COOKIE_AGE);
}

/* The page pass cookie's value (pass.h), or NULL. */
static const char *page_pass(struct req *r, struct buf *cookie)
{
	const char *header = req_env(r, "HTTP_COOKIE");
	return header && cookie_get(header, PAGE_PASS_COOKIE, cookie) == 1 ? cookie->data : NULL;
}

void req_page_pass_give(struct req *r, const struct md_user *u)
{
	struct buf value = {0};
	/* A browser-session cookie, as the session's own: closing the browser
	 * ends both. The signed expiry bounds it besides. */
	if (!pass_page(r->cfg, u->id, u->csrf, time(NULL) + PAGE_PASS_LIFETIME, &value))
		set_cookie(r, PAGE_PASS_COOKIE, value.data, 0);
	buf_free(&value);
}

void req_page_pass_drop(struct req *r)
{
	struct buf cookie = {0};
	if (page_pass(r, &cookie))
		set_cookie(r, PAGE_PASS_COOKIE, "", -1);
	buf_free(&cookie);
}

void req_page_fresh(struct req *r)
{
	struct buf cookie = {0};
	if (page_pass(r, &cookie))
		set_cookie(r, PAGE_FRESH_COOKIE, "1", PAGE_FRESH_LIFETIME);
	buf_free(&cookie);
}

int req_page_cacheable(struct req *r)
{
	if (r->share_id)
		return 0; /* a share link's page: no user, and the browser's pass is left alone */
	const struct md_user *u = req_user(r);
	struct buf cookie = {0}, err = {0};
	const char *pass = page_pass(r, &cookie);
	int keep = 0;
	if (!u && pass) {
		set_cookie(r, PAGE_PASS_COOKIE, "", -1);
	} else if (u && pass_enabled(r->cfg, &err) == 1) {
		/* nginx sends the pass it checked (MDASH_PAGE_CACHE): it must be
		 * this session's, or nginx would keep this page under another
		 * user's name, or fill in another session's token. That very value,
		 * not the app's reading of the Cookie header: nginx reads cookie
		 * names in any case and splits at commas too, so a second cookie
		 * planted beside the browser's own could make the two differ. */
		time_t now = time(NULL);
		const char *checked = req_env(r, "MDASH_PAGE_CACHE");
		keep = checked && pass_page_good(r->cfg, checked, u->id, u->csrf, now);
		if (!keep && !(pass && pass_page_good(r->cfg, pass, u->id, u->csrf, now + PAGE_PASS_LIFETIME / 2)))
			req_page_pass_give(r, u);
	}
	buf_free(&cookie);
	buf_free(&err);
	return keep;
}

/* Answers an anonymous request: pages go to the login page and come back. */
static void ask_login(struct req *r, int stream)
{
	req_page_pass_drop(r);
	if (r->db_failed) {
		struct buf err = {0};
		buf_puts(&err, "session lookup failed");
		resp_db_error(r, &err);
		buf_free(&err);
	} else if (stream) {
		resp_error(r, 403, "log in to follow this dashboard");
	} else if (req_wants_json(r) || strcmp(r->method, "GET")) {
		resp_error(r, 401, "login required");
	} else {
		struct buf to = {0};
		buf_puts(&to, "/login?next=");
		url_encode(&to, r->uri);
		resp_redirect(r, to.data);
		buf_free(&to);
	}
}

int page_allowed(struct req *r)
{
	if (r->share_id || !r->cfg->require_login || req_user(r))
		return 1;
	ask_login(r, !strncmp(r->path, "/sub/", 5));
	return 0;
}

int dashboard_allowed(struct req *r, long long dashboard_id)
{
	if (r->share_id) {
		/* A share link sees its one dashboard, and nothing else exists. */
		if (dashboard_id != r->share_dashboard)
			resp_error(r, 404, "There is nothing at this address.");
		return dashboard_id == r->share_dashboard;
	}
	const struct md_user *u = req_user(r);
	if (!r->cfg->require_login)
		return 1;
	if (!u) {
		ask_login(r, !strncmp(r->path, "/sub/", 5));
		return 0;
	}
	struct buf err = {0};
	int ok = dashboard_id ? can_see(r, u, dashboard_id, &err) : u->role == ROLE_ADMIN;
	if (ok < 0)
		resp_db_error(r, &err);
	else if (!ok)
		resp_error(r, 403, "You may not see this dashboard. Ask an administrator for access.");
	buf_free(&err);
	return ok > 0;
}

/* The site's own origin: PublicURL's when it is set (a proxy in front may
 * change the scheme, host or port), else the one nginx sets explicitly in
 * the site (MDASH_ORIGIN: $scheme://$host:$server_port). Never HTTP_HOST:
 * what a distribution's fastcgi_params passes there varies (Debian 12's
 * drops the port). */
static int site_origin(struct req *r, struct buf *out)
{
	if (*r->cfg->public_url)
		return url_origin(r->cfg->public_url, out);
	const char *nginx = req_env(r, "MDASH_ORIGIN");
	return nginx ? url_origin(nginx, out) : -1;
}

int same_origin(struct req *r)
{
	/* Sec-Fetch-Site, where the browser sends it (secure and loopback
	 * origins), says at once when another site sent the request. */
	const char *site = req_env(r, "HTTP_SEC_FETCH_SITE");
	if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
		return 0;
	/* Browsers send Origin with every POST ("null" from sandboxed frames
	 * and privacy-minded pages: never ours), some only a Referer. A
	 * request with neither comes from no browser page. */
	const char *origin = req_env(r, "HTTP_ORIGIN");
	const char *from = origin ? origin : req_env(r, "HTTP_REFERER");
	if (!from)
		return 1;
	struct buf theirs = {0}, ours = {0};
	int ok = 0;
	if (site_origin(r, &ours))
		log_warn("refused %s %s: this site's own origin is unknown (the nginx site passes no MDASH_ORIGIN, "
			 "and PublicURL is not set)",
			 r->method, r->path);
	else if (url_origin(from, &theirs) || strcmp(theirs.data, ours.data))
		/* Only the origin of a Referer: its path may hold another
		 * site's secrets. */
		log_warn("refused %s %s from %s: this site is %s (set PublicURL when a proxy in front changes "
			 "the address)",
			 r->method, r->path,
			 theirs.len ? theirs.data
			 : origin   ? "an unreadable Origin"
				    : "an unreadable Referer",
			 ours.data);
	else
		ok = 1;
	buf_free(&theirs);
	buf_free(&ours);
	return ok;
}

void req_audit_actor(struct req *r, struct audit_actor *a)
{
	const struct md_user *u = req_user(r);
	const char *addr = req_env(r, "REMOTE_ADDR");
	snprintf(a->who, sizeof a->who, "user:%.64s", u ? u->name : "(none)");
	snprintf(a->address, sizeof a->address, "%s", addr ? addr : "unknown");
}

int csrf_ok(struct req *r, const char *form_token)
{
	const struct md_user *u = req_user(r);
	const char *t = req_env(r, "HTTP_X_CSRF_TOKEN");
	if (!t)
		t = form_token;
	return u && u->csrf && t && strlen(t) == strlen(u->csrf) && !CRYPTO_memcmp(t, u->csrf, strlen(t)) &&
	       same_origin(r);
}

HDF *page_hdf(struct req *r)
{
	HDF *hdf = render_hdf(r->cfg);
	const struct md_user *u = r->user_loaded ? (r->user.id ? &r->user : NULL) : NULL;
	if (hdf && r->share_id) {
		/* The page's script talks to the link's own routes. */
		struct buf api = {0};
		buf_printf(&api, "%ss/%s/", r->cfg->base_path, r->params[0]);
		hdf_set_value(hdf, "Page.api", api.data);
		hdf_set_value(hdf, "Page.share", "1");
		buf_free(&api);
	} else if (hdf && u) {
		hdf_set_value(hdf, "Page.user", u->name);
		hdf_set_value(hdf, "Page.csrf", u->csrf);
		if (u->role == ROLE_ADMIN)
			hdf_set_value(hdf, "Page.admin", "1");
	}
	return hdf;
}

int visible(struct req *r, long long dashboard_id)
{
	const struct md_user *u = req_user(r);
	struct buf err = {0};
	if (!r->cfg->require_login && !u)
		return 1;
	int ok = u ? can_see(r, u, dashboard_id, &err) : 0;
	buf_free(&err);
	return ok > 0;
}

int req_dashboard_in(struct req *r, struct md_dashboard **list, int *nlist, struct md_dashboard **d,
		     struct md_widget **ws, int *n)
{
	struct buf err = {0};
	*d = NULL;
	*list = NULL;
	*nlist = 0;
	if (ws)
		*ws = NULL, *n = 0;
	/* The whole list: the same query says who asks. */
	if (!req_dashboards(r, list, nlist))
		return 0;
	if (!page_allowed(r)) {
		/* answered */
	} else if (!(*d = dashboard_find(*list, *nlist, r->target))) {
		resp_error(r, 404, "There is no dashboard of that name.");
	} else if (!dashboard_allowed(r, (*d)->id)) {
		*d = NULL;
	} else if (ws && widget_list_dashboard((*d)->id, ws, n, &err)) {
		resp_db_error(r, &err);
		*d = NULL;
	}
	buf_free(&err);
	return *d != NULL;
}

int req_dashboard(struct req *r, struct md_dashboard *d, struct md_widget **ws, int *n)
{
	struct md_dashboard *list, *found;
	int nlist;
	int ok = req_dashboard_in(r, &list, &nlist, &found, ws, n);
	memset(d, 0, sizeof *d);
	if (ok) {
		*d = *found; /* moved out of the list */
		memset(found, 0, sizeof *found);
	}
	dashboard_list_free(list, nlist);
	return ok;
}

/* The widget and who asks, in one query; 0 (nothing learnt of the session)
 * when there is no such widget. */
static int load_widget_and_user(struct req *r, struct md_widget *w, struct buf *err)
{
	struct buf cookie = {0};
	int has_user, granted;
	int found = viewer_widget(r->cfg, session_cookie(r, &cookie), r->target, w, &r->user, &has_user, &granted, err);
	buf_free(&cookie);
	if (found == 1) {
		r->user_loaded = 1;
		if (has_user && w->dashboard_id)
			remember_grant(r, w->dashboard_id, granted);
	}
	return found;
}

int req_widget(struct req *r, struct md_widget *w)
{
	struct buf err = {0};
	int found = r->share_id || r->user_loaded ? widget_load(r->target, w, &err) : load_widget_and_user(r, w, &err);
	if (found < 0) {
		resp_db_error(r, &err);
	} else if (!page_allowed(r)) {
		/* Anonymous: the login page, whether the widget exists or not. */
		if (found)
			widget_free(w);
		found = 0;
	} else if (found == 0) {
		resp_error(r, 404, "There is no widget of that name.");
	} else if (!dashboard_allowed(r, w->dashboard_id)) {
		widget_free(w);
		found = 0;
	}
	buf_free(&err);
	return found > 0;
}

int req_dashboards(struct req *r, struct md_dashboard **list, int *n)
{
	struct buf err = {0}, cookie = {0};
	int rc;
	if (r->share_id || r->user_loaded) {
		rc = dashboard_list(list, n, &err);
	} else {
		int *granted, has_user;
		rc = viewer_dashboards(r->cfg, session_cookie(r, &cookie), list, n, &granted, &r->user, &has_user,
				       &err);
		/* No dashboard at all: the session is still unknown. */
		if (!rc && *n) {
			r->user_loaded = 1;
			for (int i = 0; has_user && i < *n; i++)
				remember_grant(r, (*list)[i].id, granted[i]);
		}
		if (!rc)
			free(granted);
	}
	if (rc)
		resp_db_error(r, &err);
	buf_free(&err);
	buf_free(&cookie);
	return rc == 0;
}
