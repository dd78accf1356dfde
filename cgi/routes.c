/* SPDX-License-Identifier: MIT */
/* routes.c: the route table, and the dispatcher that serves a request by
 * it. One line per route: method, pattern, who may call it (its rule,
 * router.h), the handler, and, for pushes, BATCHED. Before the handler
 * runs, the dispatcher enforces the rule (access.c); the handler never
 * checks it again. Pushes (BATCHED) go to the push loop, from nginx or
 * from libfcgi's threads, and run outside the worker lock: their handler
 * only begins the push, which the batch stores with the others (batch.h). */
#include "routes.h"

#include <string.h>

#include "access.h"
#include "announce.h"
#include "answer.h"
#include "handlers.h"
#include "metrics.h"
#include "worker_lock.h"

/* Method, pattern, who may call it (its rule: router.h), handler, and how
 * it runs (LOCKED, or BATCHED for a push). */
const struct route route_table[] = {
	{"GET", "/", VIEWER, page_index, LOCKED},
	{"GET", "/d/{dashboard}", VIEWER, page_dashboard, LOCKED},
	{"GET", "/admin", ADMIN_READ, page_admin, LOCKED},
	{"GET", "/widget/{widget}", VIEWER_OR_PASS, fragment_widget, LOCKED},
	{"GET", "/api/widgets/{widget}", VIEWER, api_widget, LOCKED},
	{"GET", "/api/widgets/{widget}/history", VIEWER, api_widget_history, LOCKED},
	{"POST", "/api/widgets/{widget}", PUSH_TOKEN, push_widget, BATCHED},
	{"POST", "/widgets/{widget}", DASHING_TOKEN, push_widget, BATCHED},
	{"POST", "/dashboards/{dashboard}", DASHING_TOKEN, push_dashboard_event, LOCKED},
	{"POST", "/dashboards/*", DASHING_TOKEN, push_dashboard_event, LOCKED},
	{"GET", "/api/dashboards", VIEWER, api_dashboards, LOCKED},
	{"GET", "/api/dashboards/{dashboard}", VIEWER, api_dashboard, LOCKED},
	{"POST", "/api/dashboards/{dashboard}/layout", ADMIN_CSRF, layout_save, LOCKED},
	{"POST", "/api/dashboards/{dashboard}/shares", ADMIN_CSRF, share_create_api, LOCKED},
	{"GET", "/api/widgets/{widget}/spec", ADMIN_READ, author_widget_spec, LOCKED},
	{"PUT", "/api/widgets/{widget}", ADMIN, author_widget_put, LOCKED},
	{"DELETE", "/api/widgets/{widget}", ADMIN, author_widget_delete, LOCKED},
	{"POST", "/api/widgets/{widget}/test", ADMIN, author_widget_test, LOCKED},
	{"GET", "/api/types", ADMIN_READ, author_types, LOCKED},
	{"POST", "/api/dashboards", ADMIN, author_dashboard_create, LOCKED},
	{"PATCH", "/api/dashboards/{dashboard}", ADMIN, author_dashboard_change, LOCKED},
	{"DELETE", "/api/dashboards/{dashboard}", ADMIN, author_dashboard_delete, LOCKED},
	{"GET", "/api/dashboards/{dashboard}/shares", ADMIN_READ, author_shares, LOCKED},
	{"DELETE", "/api/dashboards/{dashboard}/shares/{id}", ADMIN, author_share_delete, LOCKED},
	{"GET", "/api/users", ADMIN_READ, author_users, LOCKED},
	{"POST", "/api/users", ADMIN, author_user_create, LOCKED},
	{"PATCH", "/api/users/{user}", ADMIN, author_user_change, LOCKED},
	{"DELETE", "/api/users/{user}", ADMIN, author_user_delete, LOCKED},
	{"PUT", "/api/users/{user}/grants/{dashboard}", ADMIN, author_grant_put, LOCKED},
	{"DELETE", "/api/users/{user}/grants/{dashboard}", ADMIN, author_grant_delete, LOCKED},
	{"GET", "/api/tokens", ADMIN_READ, author_tokens, LOCKED},
	{"POST", "/api/tokens", ADMIN, author_token_create, LOCKED},
	{"DELETE", "/api/tokens/{token}", ADMIN, author_token_delete, LOCKED},
	{"GET", "/api/audit", ADMIN_READ, author_audit, LOCKED},
	{"GET", "/sub/d/{dashboard}", VIEWER_STREAM, sub_dashboard, LOCKED},
	{"GET", "/s/{share}", SHARE_LINK, page_dashboard, LOCKED},
	{"GET", "/s/{share}/widget/{widget}", SHARE_LINK, fragment_widget, LOCKED},
	{"GET", "/s/{share}/api/dashboards/{dashboard}", SHARE_LINK, api_dashboard, LOCKED},
	{"GET", "/s/{share}/api/widgets/{widget}/history", SHARE_LINK, api_widget_history, LOCKED},
	{"GET", "/s/{share}/sub/d/{dashboard}", SHARE_LINK, sub_dashboard, LOCKED},
	{"GET", "/login", ANYONE, login_form, LOCKED},
	{"POST", "/login", SAME_SITE, login_submit, LOCKED},
	{"POST", "/logout", SESSION_CSRF, logout, LOCKED},
	{"GET", "/healthz", ANYONE, health_check, LOCKED},
	{"GET", "/metrics", LOOPBACK_OR_ADMIN_TOKEN, metrics_scrape, LOCKED},
};

const int route_count = (int)(sizeof route_table / sizeof route_table[0]);

_Static_assert(sizeof route_table / sizeof route_table[0] < METRICS_ROUTES,
	       "every route has a slot in the request counters");

void routes_name_metrics(void)
{
	/* The counters keep the names: these live as long as the process. */
	for (int i = 0; i < route_count; i++)
		metrics_name_route(route_table[i].method, route_label(&route_table[i]));
}

/* Finds the request's route (r->route, NULL when none) and parameters. */
static enum route_result find(struct req *r)
{
	enum route_result res =
		r->path ? route_match(route_table, route_count, r->method, r->path, &r->route, r->params)
			: ROUTE_NOT_FOUND;
	if (res != ROUTE_FOUND)
		r->route = NULL;
	if (!r->path)
		r->path = r->uri = "/";
	/* routes_name_metrics named the slots in table order. */
	r->metrics_slot = r->route ? (int)(r->route - route_table) : METRICS_ROUTES - 1;
	return res;
}

static void refuse(struct req *r, enum route_result res, const char *not_found)
{
	if (res == ROUTE_BAD_METHOD)
		resp_error(r, 405, "This method is not allowed here.");
	else
		resp_error(r, 404, not_found);
}

/* Enforces the route's rule, then runs its handler. */
static void run(struct req *r)
{
	/* What you change is what you see, for every route that changes state
	 * (any method but GET and HEAD), those to come included: when it
	 * succeeds, its browser skips nginx's copies of pages for a moment
	 * (pass.h: PAGE_FRESH_COOKIE), so that its next load shows the change,
	 * and no app process keeps a read from before it (announce_change). */
	int changes = strcmp(r->method, "GET") && strcmp(r->method, "HEAD");
	if (changes)
		access_page_fresh(r);
	if (!access_enforce(r))
		return;
	r->route->handler(r);
	/* Every app process's read cache hears of it before the answer leaves
	 * (it waits in the FastCGI stream's buffer); pushes tell it by their
	 * widgets' messages. */
	if (changes && r->route->run == LOCKED) {
		struct buf err = {0};
		announce_change(r->cfg, &err);
		buf_free(&err);
	}
}

/* After the answer of a push route: the counters of pushes. */
static void finish(struct req *r)
{
	if (!r->answered)
		resp_error(r, 500, "The handler gave no answer.");
	if (r->route && r->route->run == BATCHED)
		metrics_add(r->status == 204 ? M_PUSHES_STORED : M_PUSHES_REFUSED, 1);
}

int dispatch_batched(struct req *r)
{
	return find(r) == ROUTE_FOUND && r->route->run == BATCHED;
}

void dispatch(struct req *r)
{
	enum route_result res = find(r);
	worker_lock();
	if (res != ROUTE_FOUND)
		refuse(r, res, "There is nothing at this address.");
	else if (r->route->run == BATCHED) /* a transport that waits for no batch */
		resp_error(r, 500, "A push reached a server that stores none.");
	else
		run(r);
	finish(r);
	worker_unlock();
}

int dispatch_begin(struct req *r)
{
	enum route_result res = find(r);
	if (res == ROUTE_FOUND && r->route->run == BATCHED) {
		run(r);
		if (r->push)
			return 1;
	} else {
		/* Counted as a request of no route, as it is none here. */
		r->route = NULL;
		r->metrics_slot = METRICS_ROUTES - 1;
		worker_lock(); /* an HTML error page renders with ClearSilver */
		refuse(r, res == ROUTE_FOUND ? ROUTE_NOT_FOUND : res, "Only pushes are served here.");
		worker_unlock();
	}
	finish(r);
	return 0;
}

void dispatch_end(struct req *r)
{
	if (r->push)
		push_end(r);
	finish(r);
}

void dispatch_free(struct req *r)
{
	req_release(r);
	req_access_free(r);
}
