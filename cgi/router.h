/* SPDX-License-Identifier: MIT */
/* router.h: the shape of a route (the table itself is in routes.c) and
 * its matcher. A pattern is literal segments and named parameters:
 * {dashboard}, {widget}, {share}, {user}, {token} (a token's name) and
 * {id} (a share link's number), each matching an identifier only
 * (ident.h). */
#ifndef MDASH_ROUTER_H
#define MDASH_ROUTER_H

#include "ident.h"

struct req;

/* Who may call a route. The dispatcher (routes.c) enforces the rule before
 * the handler runs, and no handler checks it again (access.c). */
enum rule {
	ANYONE,    /* no check: /healthz, the login form */
	SAME_SITE, /* anyone, sending from this site's own pages: the login */
	/* Who may see the route's {dashboard}, or its {widget}'s dashboard;
	 * on a route with neither, who may see the list (the list then holds
	 * only theirs). Anyone when RequireLogin = 0. The session comes with
	 * the handler's read (viewer.h: one round trip for both), which
	 * enforces this rule: a page without a login goes to the login page,
	 * an API call gets 401. */
	VIEWER,
	/* VIEWER, or a good fragment pass for the route's {widget} on the
	 * dashboard the widget is on (pass.h): what nginx serves its copies
	 * by, the app takes on a miss. A share link's page fetches here. */
	VIEWER_OR_PASS,
	VIEWER_STREAM, /* the same for a push stream, opened from this site: else 403 */
	/* A live share link, {share}: its one dashboard, read-only, no login.
	 * The route's {dashboard} is the link's when it names none. */
	SHARE_LINK,
	/* A push token: "Authorization: Bearer" (PUSH_TOKEN), or "auth_token"
	 * in the JSON body, Dashing's way (DASHING_TOKEN). Checked before the
	 * handler; on a BATCHED route by the batch, once per token (batch.h). */
	PUSH_TOKEN,
	DASHING_TOKEN,
	SESSION_CSRF,            /* a session, with its CSRF token, from this site */
	ADMIN_CSRF,              /* an admin's session, with its CSRF token, from this site */
	ADMIN,                   /* ADMIN_CSRF, or an admin token (Authorization: Bearer) */
	ADMIN_READ,              /* an admin's session (no CSRF token: GET only), or an admin token */
	LOOPBACK_OR_ADMIN_TOKEN, /* from this host, or with an admin token */
};

/* A route's named parameters, as req_param(r, P_WIDGET) reads them. */
enum route_param { P_DASHBOARD, P_WIDGET, P_SHARE, P_USER, P_TOKEN, P_ID, ROUTE_PARAMS };

/* How the handler runs. LOCKED: under the worker lock (worker_lock.h),
 * one request of a worker at a time. BATCHED: beside the others; the
 * handler begins a push (r->push) that the push loop stores with the
 * pushes that arrive with it (batch.h). */
enum route_run { LOCKED, BATCHED };

struct route {
	const char *method;
	const char *pattern; /* e.g. "/d/{dashboard}" */
	enum rule rule;
	void (*handler)(struct req *r);
	enum route_run run;
};

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Finds the route for method and path, copying each named parameter into
 * its slot of params ("" when the route has none of that name). HEAD
 * matches GET routes. */
enum route_result route_match(const struct route *table, int n, const char *method, const char *path,
			      const struct route **found, char params[ROUTE_PARAMS][IDENT_MAX + 1]);

/* 0 when every pattern of the table names known parameters, none twice;
 * otherwise -1 and *bad the first pattern that does not. */
int route_table_check(const struct route *table, int n, const char **bad);

/* The route's pattern as the request counters name it (GET /metrics):
 * each parameter written {id}, as before parameters had names, so that
 * scrapes and alerts keep their labels. The caller frees. */
char *route_label(const struct route *route);

#endif
