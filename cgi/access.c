/* SPDX-License-Identifier: MIT */
/* access.c: who is asking, and may they. Each route of the table (routes.c)
 * declares its rule (router.h); before the handler runs, the dispatcher
 * calls access_enforce, which builds the one principal the rule names
 * (a user, a share link, a token or anonymous) and refuses whoever may
 * not call the route. No handler checks again.
 *
 * The viewer rules need the dashboard asked for, and the page, fragment
 * and API paths learn the session in the same query as what they read
 * (viewer.h: one round trip for both). So on those routes the reads below
 * (req_dashboard, req_widget, req_dashboards) enforce the rule with what
 * they read: with RequireLogin (the default) an anonymous page request
 * goes to the login page, an API or stream request gets 401/403, and a
 * user sees only the dashboards granted to them; a share link sees its
 * one dashboard. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "dashboard.h"
#include "db.h"
#include "fields.h"
#include "form.h"
#include "pass.h"
#include "log.h"
#include "origin.h"
#include "access.h"
#include "answer.h"
#include "share_link.h"
#include "source.h"
#include "token.h"
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

/* After a read that looked the session up with what it read. */
static void session_learnt(struct req *r)
{
	r->who.kind = r->who.user.id ? WHO_USER : WHO_ANONYMOUS;
}

const struct md_user *req_user(struct req *r)
{
	if (r->who.kind == WHO_UNKNOWN) {
		struct buf cookie = {0}, err = {0};
		const char *value = session_cookie(r, &cookie);
		if (value && session_find(r->cfg, value, &r->who.user, &err) < 0)
			r->who.lookup_failed = 1;
		session_learnt(r);
		buf_free(&cookie);
		buf_free(&err);
	}
	return r->who.kind == WHO_USER ? &r->who.user : NULL;
}

/* Grants learnt along the way, so that no check asks the database twice. */
static void remember_grant(struct req *r, long long dashboard, int ok)
{
	struct principal *p = &r->who;
	p->grants = xrealloc(p->grants, (size_t)(p->ngrants + 1) * sizeof *p->grants);
	p->grants[p->ngrants++] = (struct grant){dashboard, ok};
}

/* user_can_see, answered from what the request already learnt if it can. */
static int can_see(struct req *r, const struct md_user *u, long long dashboard, struct buf *err)
{
	if (u->role == ROLE_ADMIN || u->all_dashboards)
		return 1;
	for (int i = 0; i < r->who.ngrants; i++)
		if (r->who.grants[i].dashboard == dashboard)
			return r->who.grants[i].ok;
	int ok = user_can_see(u, dashboard, err);
	if (ok >= 0)
		remember_grant(r, dashboard, ok);
	return ok;
}

void req_access_free(struct req *r)
{
	user_free(&r->who.user);
	free(r->who.grants);
	free(r->who.token);
	memset(&r->who, 0, sizeof r->who);
}

/* Sets a cookie for the mount point: max_age 0 lasts the browser session,
 * -1 deletes it. On success_only, only with a successful answer. */
static void set_cookie_when(struct req *r, const char *name, const char *value, int max_age, int success_only)
{
	struct buf c = {0};
	const char *https = req_env(r, "HTTPS");
	int secure = r->cfg->secure_cookies || (https && *https && strcmp(https, "off"));
	buf_printf(&c, "%s=%s; Path=%s; HttpOnly; SameSite=Lax%s", name, value, r->cfg->base_path,
		   secure ? "; Secure" : "");
	if (max_age)
		buf_printf(&c, "; Max-Age=%d", max_age < 0 ? 0 : max_age);
	buf_printf(success_only ? &r->success_headers : &r->headers, "Set-Cookie: %s\r\n", c.data);
	buf_free(&c);
}

static void set_cookie(struct req *r, const char *name, const char *value, int max_age)
{
	set_cookie_when(r, name, value, max_age, 0);
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

void access_page_fresh(struct req *r)
{
	struct buf cookie = {0};
	if (page_pass(r, &cookie))
		set_cookie_when(r, PAGE_FRESH_COOKIE, "1", PAGE_FRESH_LIFETIME, 1);
	buf_free(&cookie);
}

int req_page_cacheable(struct req *r)
{
	if (r->who.kind == WHO_SHARE)
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

/* The request comes from this site's own pages (or from no browser page). */
static int same_origin(struct req *r)
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
	const char *addr = req_env(r, "REMOTE_ADDR");
	if (r->who.admin_token) {
		snprintf(a->who, sizeof a->who, "token:%.64s", r->who.token_name);
	} else {
		const struct md_user *u = req_user(r);
		snprintf(a->who, sizeof a->who, "user:%.64s", u ? u->name : "(none)");
	}
	snprintf(a->address, sizeof a->address, "%s", addr ? addr : "unknown");
}

/* The CSRF token sent: the X-CSRF-Token header, else a form's "csrf" field
 * (into form), else NULL. */
static const char *csrf_sent(struct req *r, struct buf *form)
{
	const char *t = req_env(r, "HTTP_X_CSRF_TOKEN");
	const char *type = req_env(r, "CONTENT_TYPE");
	int status;
	const char *why;
	const struct buf *body;
	if (t || !type || strncasecmp(type, "application/x-www-form-urlencoded", 33) ||
	    !(body = req_read_body(r, &status, &why)))
		return t;
	return form_get(body->data, body->len, "csrf", form) == 1 ? form->data : NULL;
}

/* The session's CSRF token came with the request, from this site. */
static int csrf_ok(struct req *r, const struct md_user *u)
{
	struct buf form = {0};
	const char *t = csrf_sent(r, &form);
	int ok = u && u->csrf && t && strlen(t) == strlen(u->csrf) && !CRYPTO_memcmp(t, u->csrf, strlen(t)) &&
		 same_origin(r);
	buf_free(&form);
	return ok;
}

/* Answers an anonymous request on a viewer route: pages go to the login
 * page and come back. */
static void ask_login(struct req *r)
{
	req_page_pass_drop(r);
	if (r->who.lookup_failed) {
		struct buf err = {0};
		buf_puts(&err, "session lookup failed");
		resp_db_error(r, &err);
		buf_free(&err);
	} else if (r->route->rule == VIEWER_STREAM) {
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

/* An admin's session, for ADMIN_READ: no CSRF token, as reads change
 * nothing (and a page elsewhere cannot read the answer). A page read
 * without a login (GET /admin) goes to the login page and comes back. */
static int admin_session(struct req *r)
{
	const struct md_user *u = req_user(r);
	if (r->who.lookup_failed || (!u && !req_wants_json(r))) {
		ask_login(r); /* answers 503 when the lookup failed */
		return 0;
	}
	if (!u || u->role != ROLE_ADMIN) {
		resp_error(r, u ? 403 : 401, "Only an administrator may do this.");
		return 0;
	}
	return 1;
}

/* SESSION_CSRF and ADMIN_CSRF. */
static int session_with_csrf(struct req *r, int admin)
{
	const struct md_user *u = req_user(r);
	if (admin && !admin_session(r))
		return 0;
	if (r->who.lookup_failed) {
		ask_login(r); /* answers 503 */
		return 0;
	}
	if (!csrf_ok(r, u)) {
		resp_error(r, 403, "missing or wrong CSRF token (X-CSRF-Token), or not sent from this site");
		return 0;
	}
	return 1;
}

/* The credential of "Authorization: Bearer <token>", or NULL. */
static const char *bearer(struct req *r)
{
	const char *auth = req_env(r, "HTTP_AUTHORIZATION");
	return auth && !strncasecmp(auth, "Bearer ", 7) && auth[7] ? auth + 7 : NULL;
}

void access_refuse_token(struct req *r)
{
	if (r->route && r->route->rule == DASHING_TOKEN) {
		resp_send(r, 401, "text/plain; charset=utf-8", "Invalid API key\n", 16);
	} else {
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"mdash\"");
		resp_error(r, 401,
			   r->route && r->route->rule == PUSH_TOKEN ? "invalid or missing bearer token"
								    : "invalid admin token");
	}
}

/* The principal's push token, checked now; on a batched route the batch
 * checks it with the push (once per token in the batch, batch.h). */
static int push_token_good(struct req *r)
{
	if (r->route->run == BATCHED)
		return 1;
	struct buf err = {0};
	int ok = token_check(r->who.token, &err);
	if (ok < 0)
		resp_db_error(r, &err);
	else if (!ok)
		access_refuse_token(r);
	buf_free(&err);
	return ok > 0;
}

/* PUSH_TOKEN: the token of the Authorization header. */
static int push_token(struct req *r)
{
	const char *t = bearer(r);
	r->who.kind = WHO_TOKEN;
	r->who.token = t ? xstrdup(t) : NULL;
	return push_token_good(r);
}

/* DASHING_TOKEN: the body is a JSON object of fields, one of which is
 * auth_token; the rest is the handler's (r->fields). */
static int dashing_token(struct req *r)
{
	static const struct field dashing_fields[] = {{.key = "auth_token", .kind = FIELD_TEXT}, {0}};
	struct buf why = {0};
	const struct buf *body = req_body(r);
	struct field_value tok;
	if (!body)
		return 0;
	if (!(r->fields = source_parse_fields(buf_str(body), body->len, &why))) {
		resp_error(r, 400, buf_str(&why));
		buf_free(&why);
		return 0;
	}
	r->who.kind = WHO_TOKEN;
	/* Open: the rest are the widget's own fields. A token that is no
	 * string is no token: 401, as for a wrong one. */
	if (!fields_json(dashing_fields, FIELDS_OPEN, r->fields, NULL, &tok, &why) && tok.present)
		r->who.token = tok.text, tok.text = NULL;
	fields_free(&tok, 1);
	buf_free(&why);
	json_object_object_del(r->fields, "auth_token");
	return push_token_good(r);
}

/* An admin token in the Authorization header (any header there must be). */
static int admin_token(struct req *r)
{
	struct buf err = {0};
	const char *t = bearer(r);
	/* On the authoring routes, a push token is known but has no right
	 * there: 403, as for a viewer's session (GET /metrics keeps 401). */
	int authoring = r->route->rule == ADMIN || r->route->rule == ADMIN_READ;
	int ok = t ? token_check_admin(t, r->who.token_name, &err) : 0, push = 0;
	if (ok < 0 || (!ok && t && authoring && (push = token_check(t, &err)) < 0)) {
		resp_db_error(r, &err);
	} else if (push) {
		/* Known, but only for pushing: not a wrong credential, no right. */
		resp_error(r, 403,
			   "a push token may not do this: it takes an admin token (mdash token add NAME --admin)");
	} else if (!ok) {
		access_refuse_token(r);
	} else {
		r->who.kind = WHO_TOKEN;
		r->who.token = xstrdup(t);
		r->who.admin_token = 1;
	}
	buf_free(&err);
	return ok > 0;
}

/* REMOTE_ADDR is nginx's $remote_addr: the peer, or the client that the
 * site's trusted proxies name (realip). */
static int from_loopback(struct req *r)
{
	const char *addr = req_env(r, "REMOTE_ADDR");
	struct in6_addr a6;
	struct in_addr a4;
	if (!addr)
		return 0;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return 0;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

static int loopback_or_admin_token(struct req *r)
{
	if (req_env(r, "HTTP_AUTHORIZATION"))
		return admin_token(r);
	if (from_loopback(r))
		return 1;
	resp_error(r, 403, "open from this host only, or with an admin token (mdash token add NAME --admin)");
	return 0;
}

/* SHARE_LINK: {share} is a live link; the principal is the link. */
static int share_link(struct req *r)
{
	struct buf err = {0};
	char slug[IDENT_MAX + 1];
	int ok = share_find(req_param(r, P_SHARE), &r->who.share_id, &r->who.share_dashboard, slug, &err);
	if (ok < 0) {
		resp_db_error(r, &err);
	} else if (!ok) {
		resp_error(r, 404, "This link does not exist, or it was revoked.");
	} else {
		r->who.kind = WHO_SHARE;
		if (!req_param(r, P_DASHBOARD))
			memcpy(r->params[P_DASHBOARD], slug, sizeof slug);
	}
	buf_free(&err);
	return ok > 0;
}

/* VIEWER_OR_PASS: a good pass in the query (d, e and p, as nginx reads
 * them) makes the principal the pass, for the dashboard it names; the read
 * checks that the widget is on it. Anything else leaves the rule to the
 * read, as VIEWER: a forged or expired pass is no error, the session may
 * still be good. */
static void fragment_pass(struct req *r)
{
	/* Open: the page adds v, and may add a cache-buster of its own. */
	static const struct field query[] = {{.key = "d", .kind = FIELD_IDENT, .required = 1},
					     {.key = "e", .kind = FIELD_INT, .max = LONG_MAX, .required = 1},
					     {.key = "p", .kind = FIELD_TEXT, .max = 64, .required = 1},
					     {0}};
	struct field_value in[3] = {0};
	struct buf err = {0};
	if (r->query && !fields_form(query, FIELDS_OPEN, r->query, strlen(r->query), in, &err) &&
	    pass_query_good(r->cfg, req_param(r, P_WIDGET), in[0].text, in[1].number, in[2].text, time(NULL))) {
		r->who.kind = WHO_PASS;
		snprintf(r->who.pass_dashboard, sizeof r->who.pass_dashboard, "%s", in[0].text);
	}
	fields_free(in, 3);
	buf_free(&err);
}

int access_enforce(struct req *r)
{
	switch (r->route->rule) {
	case ANYONE: r->allowed = 1; break;
	case SAME_SITE:
		r->allowed = same_origin(r);
		if (!r->allowed)
			resp_error(r, 403, "This form was sent from another site.");
		break;
	case VIEWER: return 1;                           /* the read enforces it: r->allowed */
	case VIEWER_OR_PASS: fragment_pass(r); return 1; /* the read checks the widget's dashboard */
	case VIEWER_STREAM:
		/* A WebSocket opened by another site's page carries the
		 * viewer's cookies too (an EventSource from there, only when
		 * asked to): that site's Origin is refused. */
		if (!same_origin(r)) {
			resp_error(r, 403, "This stream was opened from another site.");
			return 0;
		}
		return 1;
	case SHARE_LINK: return share_link(r); /* the read checks the link's dashboard */
	case PUSH_TOKEN: r->allowed = push_token(r); break;
	case DASHING_TOKEN: r->allowed = dashing_token(r); break;
	case SESSION_CSRF: r->allowed = session_with_csrf(r, 0); break;
	case ADMIN_CSRF: r->allowed = session_with_csrf(r, 1); break;
	case ADMIN: r->allowed = bearer(r) ? admin_token(r) : session_with_csrf(r, 1); break;
	case ADMIN_READ: r->allowed = bearer(r) ? admin_token(r) : admin_session(r); break;
	case LOOPBACK_OR_ADMIN_TOKEN: r->allowed = loopback_or_admin_token(r); break;
	}
	return r->allowed;
}

/* Whether the route's rule leaves its check to the read (otherwise the
 * dispatcher has enforced it, and reads check nothing more). */
static int read_checks(const struct req *r)
{
	enum rule rule = r->route->rule;
	return rule == VIEWER || rule == VIEWER_OR_PASS || rule == VIEWER_STREAM || rule == SHARE_LINK;
}

/* 1 when the principal may read at all (login, when required); else
 * answered. */
static int may_read(struct req *r)
{
	if (!read_checks(r) || r->who.kind == WHO_SHARE || r->who.kind == WHO_PASS || !r->cfg->require_login ||
	    req_user(r))
		return 1;
	ask_login(r);
	return 0;
}

/* 1 when the principal may see this dashboard (0: widgets on none:
 * admins); otherwise answered. */
static int may_see(struct req *r, long long dashboard_id)
{
	if (!read_checks(r))
		return 1;
	if (r->who.kind == WHO_SHARE) {
		/* A share link sees its one dashboard, and nothing else exists. */
		if (dashboard_id != r->who.share_dashboard)
			resp_error(r, 404, "There is nothing at this address.");
		return dashboard_id == r->who.share_dashboard;
	}
	const struct md_user *u = req_user(r);
	if (!r->cfg->require_login)
		return 1;
	if (!u) {
		ask_login(r);
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

/* Whether the dashboard belongs in this principal's lists and navigation
 * (a share link goes nowhere from its dashboard). */
static int listed(struct req *r, long long dashboard_id)
{
	if (r->who.kind == WHO_SHARE)
		return 0;
	const struct md_user *u = req_user(r);
	struct buf err = {0};
	if (!r->cfg->require_login && !u)
		return 1;
	int ok = u ? can_see(r, u, dashboard_id, &err) : 0;
	buf_free(&err);
	return ok > 0;
}

/* Keeps the dashboards of list that this principal may list, in order. */
static void keep_listed(struct req *r, struct md_dashboard *list, int *n)
{
	int k = 0;
	for (int i = 0; i < *n; i++) {
		if (listed(r, list[i].id))
			list[k++] = list[i];
		else
			dashboard_free(&list[i]);
	}
	*n = k;
}

/* Every dashboard, learning who asks in the same query when that is not
 * known yet; and with widgets_of, in that query too the widgets of that
 * dashboard (*have_ws says whether they were read: not when who asks was
 * known already). 1, or 0 when answered (database error). */
static int read_dashboards(struct req *r, struct md_dashboard **list, int *n, const char *widgets_of,
			   struct md_widget **ws, int *nw, int *have_ws)
{
	struct buf err = {0}, cookie = {0};
	int rc;
	*list = NULL;
	*n = 0;
	if (have_ws)
		*have_ws = 0;
	if (r->who.kind != WHO_UNKNOWN) {
		rc = dashboard_list(list, n, &err);
	} else {
		int *granted, has_user;
		const char *value = session_cookie(r, &cookie);
		rc = widgets_of ? viewer_dashboard_widgets(r->cfg, value, widgets_of, list, n, &granted, &r->who.user,
							   &has_user, ws, nw, &err)
				: viewer_dashboards(r->cfg, value, list, n, &granted, &r->who.user, &has_user, &err);
		/* No dashboard at all: the session is still unknown. */
		if (!rc && *n) {
			session_learnt(r);
			for (int i = 0; has_user && i < *n; i++)
				remember_grant(r, (*list)[i].id, granted[i]);
		}
		if (!rc) {
			free(granted);
			if (widgets_of)
				*have_ws = 1;
		}
	}
	if (rc)
		resp_db_error(r, &err);
	buf_free(&err);
	buf_free(&cookie);
	return rc == 0;
}

int req_dashboards(struct req *r, struct md_dashboard **list, int *n)
{
	if (!read_dashboards(r, list, n, NULL, NULL, NULL, NULL) || !may_read(r))
		return 0;
	keep_listed(r, *list, n);
	r->allowed = 1;
	return 1;
}

/* Keeps the widgets of ws that are on dashboard id, in order. */
static void keep_on(struct md_widget *ws, int *n, long long id)
{
	int k = 0;
	for (int i = 0; i < *n; i++) {
		if (ws[i].dashboard_id == id)
			ws[k++] = ws[i];
		else
			widget_free(&ws[i]);
	}
	*n = k;
}

int req_dashboard(struct req *r, struct md_dashboard *d, struct md_widget **ws, int *n, struct md_dashboard **nav,
		  int *nnav)
{
	struct md_dashboard *list, *found = NULL;
	struct md_widget *read = NULL;
	int nlist, nread = 0, have_ws, ok = 0;
	struct buf err = {0};
	memset(d, 0, sizeof *d);
	if (ws)
		*ws = NULL, *n = 0;
	if (nav)
		*nav = NULL, *nnav = 0;
	/* The whole list: the same query says who asks, and reads the widgets
	 * (used only once the rule allows). */
	if (!read_dashboards(r, &list, &nlist, ws ? req_param(r, P_DASHBOARD) : NULL, &read, &nread, &have_ws) ||
	    !may_read(r))
		; /* answered */
	else if (!(found = dashboard_find(list, nlist, req_param(r, P_DASHBOARD))))
		resp_error(r, 404, "There is no dashboard of that name.");
	else if (!may_see(r, found->id))
		; /* answered */
	else if (ws && !have_ws && widget_list_dashboard(found->id, &read, &nread, &err))
		resp_db_error(r, &err);
	else
		ok = r->allowed = 1;
	if (ok) {
		dashboard_copy(d, found);
		if (ws) {
			keep_on(read, &nread, found->id);
			*ws = read, *n = nread;
			read = NULL, nread = 0;
		}
		if (nav) {
			keep_listed(r, list, &nlist);
			*nav = list, *nnav = nlist;
			list = NULL, nlist = 0;
		}
	}
	widget_list_free(read, nread);
	dashboard_list_free(list, nlist);
	buf_free(&err);
	return ok;
}

/* The widget and who asks, in one query; 0 (nothing learnt of the session)
 * when there is no such widget. */
static int load_widget_and_user(struct req *r, struct md_widget *w, struct buf *err)
{
	struct buf cookie = {0};
	int has_user, granted;
	int found = viewer_widget(r->cfg, session_cookie(r, &cookie), req_param(r, P_WIDGET), w, &r->who.user,
				  &has_user, &granted, err);
	buf_free(&cookie);
	if (found == 1) {
		session_learnt(r);
		if (has_user && w->dashboard_id)
			remember_grant(r, w->dashboard_id, granted);
	}
	return found;
}

/* WHO_PASS: the pass is for the dashboard w is on; otherwise answered (as
 * for a share link, nothing else exists). */
static int pass_covers(struct req *r, const struct md_widget *w)
{
	int ok = w->dashboard && !strcmp(w->dashboard, r->who.pass_dashboard);
	if (!ok)
		resp_error(r, 404, "There is nothing at this address.");
	return ok;
}

int req_widget(struct req *r, struct md_widget *w)
{
	struct buf err = {0};
	int found = r->who.kind != WHO_UNKNOWN ? widget_load(req_param(r, P_WIDGET), w, &err)
					       : load_widget_and_user(r, w, &err);
	if (found < 0) {
		resp_db_error(r, &err);
	} else if (!may_read(r)) {
		/* Anonymous: the login page, whether the widget exists or not. */
		if (found)
			widget_free(w);
		found = 0;
	} else if (found == 0) {
		resp_error(r, 404, "There is no widget of that name.");
	} else if (r->who.kind == WHO_PASS ? !pass_covers(r, w) : !may_see(r, w->dashboard_id)) {
		widget_free(w);
		found = 0;
	} else {
		r->allowed = 1;
	}
	buf_free(&err);
	return found > 0;
}
