/* SPDX-License-Identifier: MIT */
/* request.h: one FastCGI request and the ways to answer it. A request
 * comes from libfcgi (main.c's threads) or from the push loop (batch.c),
 * which parses its connections itself; handlers see no difference. */
#ifndef MDASH_REQUEST_H
#define MDASH_REQUEST_H

#include <fcgiapp.h>

#include "auth.h"
#include "config.h"
#include "cs.h"
#include "ident.h"
#include "util.h"

#define REQ_MAX_PARAMS 2
#define REQ_MAX_BODY (1 << 20)

struct fcgi_request;

struct req {
	FCGX_Request *fcgx;       /* libfcgi's request, or NULL and: */
	struct fcgi_request *own; /* the push loop's, answered into */
	struct buf *out;          /* (a CGI response: headers, blank line, body) */
	char **envp;              /* either's parameters, "NAME=value" */
	const struct md_config *cfg;
	const char *method;
	const char *path; /* below the mount point, starting with '/' */
	const char *uri;  /* the same with the query string, for redirects back */
	const char *query;
	char params[REQ_MAX_PARAMS][IDENT_MAX + 1]; /* the route's {ident}s */
	int nparams;
	struct buf headers; /* extra response header lines */
	int answered;
	int changes; /* changes state: a success calls req_page_fresh (main.c) */
	int metrics_slot; /* the route's slot in the request counters (metrics.h) */
	const char *target;  /* the route's last {id}: the dashboard or widget asked for */
	struct md_user user; /* who is asking (access.c), once loaded */
	int user_loaded, db_failed;
	struct grant *grants; /* what access.c learnt of the user's grants; owned */
	int ngrants;
	long long share_id; /* on a share link's routes (share.c): the link */
	long long share_dashboard;
	char share_slug[IDENT_MAX + 1];
};

/* access.c: the session's user or NULL; the checks every handler makes. */
struct grant {
	long long dashboard;
	int ok;
};
const struct md_user *req_user(struct req *r);
void req_session_cookie(struct req *r, const char *value, int max_age);
/* The browser's device cookie (auth.h's login_check), or NULL; and a new
 * one given to it after a login. */
const char *req_device_cookie(struct req *r, struct buf *cookie);
void req_device_cookie_give(struct req *r, const char *value);
/* Page passes (pass.h): gives the browser one for u's session; drops the
 * one it has (logout, and a request without a session). */
void req_page_pass_give(struct req *r, const struct md_user *u);
void req_page_pass_drop(struct req *r);
/* Tells nginx to skip its copies of pages for this browser for a moment
 * (pass.h: PAGE_FRESH_COOKIE), when it holds a page pass. */
void req_page_fresh(struct req *r);
/* For a dashboard page: 1 when nginx may keep it (render PAGE_CSRF_MARK for
 * the token and send X-Accel-Expires); 0 otherwise, having given the browser
 * a new pass when its own is missing, not this session's or old. */
int req_page_cacheable(struct req *r);
/* 1 when the request may read (login, when required); else answered. */
int page_allowed(struct req *r);
/* 1 when the user may see this dashboard (0: widgets on none: admins). */
int dashboard_allowed(struct req *r, long long dashboard_id);
/* The dashboard (with its widgets, unless ws is NULL) or the widget that
 * the route names, when this user may see it: 1. Otherwise the request is
 * answered (login, 403, 404 or 503) and 0 returned. The caller frees. */
struct md_dashboard;
struct md_widget;
int req_dashboard(struct req *r, struct md_dashboard *d, struct md_widget **ws, int *n);
/* The same, keeping the list of every dashboard it read (a page's
 * navigation): *d points into *list, which the caller frees (it may be
 * NULL) whatever the answer. */
int req_dashboard_in(struct req *r, struct md_dashboard **list, int *nlist, struct md_dashboard **d,
		     struct md_widget **ws, int *n);
int req_widget(struct req *r, struct md_widget *w);
/* Every dashboard (display order), learning who asks in the same query.
 * 1, or 0 when answered (database error). Checks no access: callers ask
 * page_allowed and visible. The caller frees the list. */
int req_dashboards(struct req *r, struct md_dashboard **list, int *n);
/* Frees what access.c keeps in the request. */
void req_access_free(struct req *r);
/* A page's data tree: render_hdf plus who is logged in and the CSRF token. */
HDF *page_hdf(struct req *r);
/* Whether the dashboard belongs in this user's navigation. */
int visible(struct req *r, long long dashboard_id);
/* Who acts, for the audit log (audit.h): the session's user. */
struct audit_actor;
void req_audit_actor(struct req *r, struct audit_actor *a);
/* The request comes from this site's own pages. */
int same_origin(struct req *r);
/* The session's CSRF token came with the request, from this site. */
int csrf_ok(struct req *r, const char *form_token);

/* Fills method, query, path and uri from the parameters (r->envp). */
void req_init(struct req *r, const struct md_config *cfg);
/* A request header or FastCGI parameter ("HTTP_AUTHORIZATION"), or NULL. */
const char *req_env(const struct req *r, const char *name);
/* Reads the body (at most REQ_MAX_BODY); -1 and an answer sent if too
 * big or unreadable. */
int req_body(struct req *r, struct buf *body);
/* The same without answering: on -1, the status (400 or 413) and why. */
int req_read_body(struct req *r, struct buf *body, int *status, const char **why);
/* True when the client wants JSON (API paths always do). */
int req_wants_json(const struct req *r);

void resp_header(struct req *r, const char *name, const char *value);
/* Sends status, the headers set so far, and the body. */
void resp_send(struct req *r, int status, const char *content_type, const char *body, size_t len);
void resp_html(struct req *r, int status, const struct buf *html);
void resp_json(struct req *r, int status, const char *json);
void resp_empty(struct req *r, int status);
/* 302 to a path below the mount point. */
void resp_redirect(struct req *r, const char *path);
/* An error as an HTML page or as {"error": message}, by what the client
 * asked for. */
void resp_error(struct req *r, int status, const char *message);
/* 503 when the database is gone, 500 otherwise, logging the detail. */
void resp_db_error(struct req *r, const struct buf *err);

#endif
