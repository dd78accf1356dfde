/* SPDX-License-Identifier: MIT */
/* access.h: who is asking, and may they (access.c): the rules of the route
 * table enforced, the principal, its cookies, and the reads of the viewer
 * and share link routes, which enforce their rule with what they read. */
#ifndef MDASH_ACCESS_H
#define MDASH_ACCESS_H

#include "request.h"

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
/* Who acts, for the audit log (audit.h): the session's user. */
struct audit_actor;
void req_audit_actor(struct req *r, struct audit_actor *a);

#endif
