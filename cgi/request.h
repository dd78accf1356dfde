/* SPDX-License-Identifier: MIT */
/* request.h: one FastCGI request and the ways to answer it. A request
 * comes from libfcgi (main.c's threads) or from the push loop
 * (push_loop.c), which parses its connections itself; handlers see no
 * difference. */
#ifndef MDASH_REQUEST_H
#define MDASH_REQUEST_H

#include <fcgiapp.h>
#include <json-c/json.h>

#include "auth.h"
#include "config.h"
#include "cs.h"
#include "ident.h"
#include "router.h"
#include "util.h"

#define REQ_MAX_BODY (1 << 20)

struct fcgi_request;
struct route;
struct batched_push;

/* Who is asking: what the dispatcher learnt enforcing the route's rule
 * (access.c), or, on the viewer routes, what the handler's read learnt
 * with the session. Owns user, grants and token. */
enum who { WHO_UNKNOWN, WHO_ANONYMOUS, WHO_USER, WHO_SHARE, WHO_TOKEN };
struct grant {
	long long dashboard;
	int ok;
};
struct principal {
	enum who kind;
	struct md_user user;  /* WHO_USER */
	struct grant *grants; /* the user's grants learnt so far */
	int ngrants;
	long long share_id, share_dashboard; /* WHO_SHARE: the link, its dashboard */
	char *token;     /* WHO_TOKEN: as sent; checked by the rule or by the batch */
	int admin_token; /* WHO_TOKEN: checked, and an admin's */
	int lookup_failed; /* the session could not be looked up (database) */
};

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
	const struct route *route; /* NULL when none matched */
	char params[ROUTE_PARAMS][IDENT_MAX + 1]; /* the route's named parameters: req_param */
	struct principal who;
	/* The rule is enforced (by the dispatcher, or by the read of a viewer
	 * route): only then may a success (2xx) be sent. */
	int allowed;
	json_object *fields; /* DASHING_TOKEN routes: the JSON body, auth_token taken out; owned */
	struct batched_push *push; /* BATCHED routes: the push the handler began */
	struct buf headers;         /* extra response header lines */
	struct buf success_headers; /* the same, sent only with a status below 400 */
	int answered, status; /* the status answered */
	int metrics_slot; /* the route's slot in the request counters (metrics.h) */
	struct buf body;  /* read once (req_read_body) */
	int body_read, body_status;
	const char *body_why;
};

/* The route's parameter p, or NULL when it has none of that name. */
const char *req_param(const struct req *r, enum route_param p);

/* access.c: who is asking, and the reads that check it. */
/* The dispatcher's: enforces the route's rule before the handler (on a
 * viewer route, the part that needs no dashboard). 1: run the handler; 0:
 * answered. */
int access_enforce(struct req *r);
/* For a route that changes state: when it succeeds, the browser skips
 * nginx's copies of pages for a moment (pass.h: PAGE_FRESH_COOKIE), so that
 * its next load shows the change (only when it holds a page pass). */
void access_page_fresh(struct req *r);
/* Answers 401 for a push or admin token that is missing or wrong, as the
 * route's rule says (Dashing's "Invalid API key", or a bearer challenge). */
void access_refuse_token(struct req *r);
/* The session's user, or NULL (also for a share link or a token). */
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
/* For a dashboard page: 1 when nginx may keep it (render PAGE_CSRF_MARK for
 * the token and send X-Accel-Expires); 0 otherwise, having given the browser
 * a new pass when its own is missing, not this session's or old. */
int req_page_cacheable(struct req *r);
/* The reads of the viewer and share link routes, which enforce the rule
 * with what they read (on other routes, the dispatcher has). */
struct md_dashboard;
struct md_widget;
/* The route's {dashboard} (with its widgets, unless ws is NULL), and with
 * nav (unless NULL) the dashboards this principal may go to from its page,
 * in display order: 1. Otherwise the request is answered (login, 403, 404
 * or 503) and 0 returned. The caller frees d, ws and nav, whatever the
 * answer. */
int req_dashboard(struct req *r, struct md_dashboard *d, struct md_widget **ws, int *n, struct md_dashboard **nav,
		  int *nnav);
/* The route's {widget}, when this principal may see it: 1; otherwise
 * answered and 0 returned. The caller frees w on 1. */
int req_widget(struct req *r, struct md_widget *w);
/* The dashboards this principal may see (display order): 1, or 0 when
 * answered. The caller frees the list whatever the answer. */
int req_dashboards(struct req *r, struct md_dashboard **list, int *n);
/* Frees what access.c keeps in the request. */
void req_access_free(struct req *r);
/* A page's data tree: render_hdf plus who is logged in and the CSRF token
 * (or, for a share link, the link's own address for the page's script). */
HDF *page_hdf(struct req *r);
/* Who acts, for the audit log (audit.h): the session's user. */
struct audit_actor;
void req_audit_actor(struct req *r, struct audit_actor *a);

/* Fills method, query, path and uri from the parameters (r->envp). */
void req_init(struct req *r, const struct md_config *cfg);
/* Frees what request.c keeps in the request (headers, body, fields). */
void req_release(struct req *r);
/* A request header or FastCGI parameter ("HTTP_AUTHORIZATION"), or NULL. */
const char *req_env(const struct req *r, const char *name);
/* The body (at most REQ_MAX_BODY, NUL-terminated), read once whoever asks
 * first: NULL, answered (400 or 413), when too big or cut short. */
const struct buf *req_body(struct req *r);
/* The same without answering: NULL, with the status and why. */
const struct buf *req_read_body(struct req *r, int *status, const char **why);
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
