/* SPDX-License-Identifier: MIT */
/* test_router.c: the real route table (routes.c): how paths match it, what
 * its rules promise, and the dispatcher refusing, before any handler
 * runs, whoever a rule turns away (no database needed: a handler that ran
 * would need one). */
#include <string.h>

#include "config.h"
#include "handlers.h"
#include "push_loop.h"
#include "push_server.h"
#include "routes.h"
#include "tests.h"

static const struct route *match(const char *method, const char *path, char p[ROUTE_PARAMS][IDENT_MAX + 1])
{
	const struct route *r = NULL;
	return route_match(route_table, route_count, method, path, &r, p) == ROUTE_FOUND ? r : NULL;
}

START_TEST(matches_and_names_the_parameters)
{
	char p[ROUTE_PARAMS][IDENT_MAX + 1];
	const struct route *r = match("GET", "/d/ops", p);
	ck_assert_ptr_nonnull(r);
	ck_assert(r->handler == page_dashboard);
	ck_assert_str_eq(p[P_DASHBOARD], "ops");
	ck_assert_str_eq(p[P_WIDGET], "");
	r = match("GET", "/s/abc123/widget/w-1", p);
	ck_assert_ptr_nonnull(r);
	ck_assert(r->handler == fragment_widget);
	ck_assert_int_eq(r->rule, SHARE_LINK);
	ck_assert_str_eq(p[P_SHARE], "abc123");
	ck_assert_str_eq(p[P_WIDGET], "w-1");
	r = match("POST", "/api/widgets/w_2", p);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->run, BATCHED);
	ck_assert_int_eq(r->rule, PUSH_TOKEN);
	ck_assert_str_eq(p[P_WIDGET], "w_2");
	r = match("HEAD", "/", p);
	ck_assert_ptr_nonnull(r);
	ck_assert(r->handler == page_index);
	r = match("POST", "/dashboards/*", p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(p[P_DASHBOARD], "");
}
END_TEST

START_TEST(rejects_bad_paths)
{
	char p[ROUTE_PARAMS][IDENT_MAX + 1];
	const struct route *r;
	const char *const bad[] = {"/d/",   "/d/Ops", "/d/ops/",      "/d/a/b",       "/d/..",
				   "/nope", "",       "/s/x/widget/", "/widget/a%2fb"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(route_match(route_table, route_count, "GET", bad[i], &r, p) == ROUTE_NOT_FOUND, "%s",
			      bad[i]);
	ck_assert_int_eq(route_match(route_table, route_count, "PATCH", "/api/widgets/x", &r, p), ROUTE_BAD_METHOD);
	ck_assert_int_eq(route_match(route_table, route_count, "POST", "/d/x", &r, p), ROUTE_BAD_METHOD);
}
END_TEST

/* What the table promises, route by route. */
START_TEST(every_rule_fits_its_route)
{
	const char *bad = NULL;
	ck_assert_msg(route_table_check(route_table, route_count, &bad) == 0, "%s", bad);
	for (int i = 0; i < route_count; i++) {
		const struct route *r = &route_table[i];
		int changes = strcmp(r->method, "GET") != 0;
		int token = r->rule == PUSH_TOKEN || r->rule == DASHING_TOKEN;
		/* Whatever changes state needs a credential, or comes from
		 * this site's own pages. */
		ck_assert_msg(!changes || token || r->rule == SAME_SITE || r->rule == SESSION_CSRF ||
				      r->rule == ADMIN_CSRF || r->rule == ADMIN,
			      "%s %s", r->method, r->pattern);
		/* The batch checks the tokens of the pushes it stores. */
		ck_assert_msg(r->run != BATCHED || token, "%s %s", r->method, r->pattern);
		/* A share link's routes, and no other, take the link. */
		ck_assert_msg((strstr(r->pattern, "{share}") != NULL) == (r->rule == SHARE_LINK), "%s", r->pattern);
	}
}
END_TEST

/* The request counters keep the names they had: parameters read {id}. */
START_TEST(counters_keep_their_names)
{
	char *label[64];
	ck_assert_int_lt(route_count, 64);
	for (int i = 0; i < route_count; i++) {
		label[i] = route_label(&route_table[i]);
		for (int j = 0; j < i; j++)
			ck_assert_msg(strcmp(label[i], label[j]) ||
					      strcmp(route_table[i].method, route_table[j].method),
				      "two routes counted as %s", label[i]);
	}
	char p[ROUTE_PARAMS][IDENT_MAX + 1];
	ck_assert_str_eq(label[match("GET", "/d/x", p) - route_table], "/d/{id}");
	ck_assert_str_eq(label[match("POST", "/api/widgets/x", p) - route_table], "/api/widgets/{id}");
	ck_assert_str_eq(label[match("GET", "/s/x/widget/y", p) - route_table], "/s/{id}/widget/{id}");
	for (int i = 0; i < route_count; i++)
		free(label[i]);
}
END_TEST

/* One request through the dispatcher, answered into out. */
static void serve(const struct md_config *cfg, const char *method, const char *path, const char *const *headers,
		  const char *body, struct buf *out)
{
	struct buf env[16];
	char *envp[17];
	int n = 0;
	memset(env, 0, sizeof env);
	buf_printf(&env[n++], "REQUEST_METHOD=%s", method);
	buf_printf(&env[n++], "DOCUMENT_URI=%s", path);
	buf_printf(&env[n++], "REQUEST_URI=%s", path);
	buf_printf(&env[n++], "CONTENT_LENGTH=%zu", strlen(body));
	buf_printf(&env[n++], "MDASH_ORIGIN=http://127.0.0.1:8080");
	for (int i = 0; headers[i]; i++)
		buf_puts(&env[n++], headers[i]);
	for (int i = 0; i < n; i++)
		envp[i] = env[i].data;
	envp[n] = NULL;
	struct loop_request q = {.fr = {.envp = envp}};
	buf_puts(&q.fr.body, body);
	struct req r = {0};
	req_init(&r, &loop_request_io, &q, cfg);
	dispatch(&r);
	dispatch_free(&r);
	buf_reset(out);
	buf_append(out, q.out.data, q.out.len);
	buf_free(&q.fr.body);
	buf_free(&q.out);
	for (int i = 0; i < n; i++)
		buf_free(&env[i]);
}

/* Requests that a rule turns away, and what they get. */
static const struct refused {
	const char *method, *path, *header, *body, *status, *says;
} refused[] = {
	{"POST", "/api/dashboards/ops/layout", NULL, "{\"widgets\":[]}", "Status: 401", "Only an administrator"},
	{"POST", "/api/dashboards/ops/shares", NULL, "", "Status: 401", "administrator"},
	{"POST", "/logout", NULL, "csrf=abc", "Status: 403", "CSRF"},
	{"POST", "/login", "HTTP_ORIGIN=http://evil.example", "username=a&password=b", "Status: 403", "another site"},
	{"GET", "/metrics", "REMOTE_ADDR=10.1.2.3", "", "Status: 403", "admin token"},
	{"GET", "/metrics", "HTTP_AUTHORIZATION=Basic eDp5", "", "Status: 401", "WWW-Authenticate: Bearer"},
	{"POST", "/dashboards/ops", NULL, "not json", "Status: 400", "error"},
	{"GET", "/nope", NULL, "", "Status: 404", "nothing at this address"},
	{"PATCH", "/api/widgets/x", NULL, "", "Status: 405", "not allowed"},
	{"PUT", "/api/widgets/x", NULL, "{}", "Status: 401", "Only an administrator"},
	{"GET", "/api/users", NULL, "", "Status: 401", "Only an administrator"},
};

START_TEST(the_dispatcher_refuses_before_the_handler)
{
	struct md_config cfg;
	struct buf err = {0}, out = {0};
	ck_assert_int_eq(config_parse("", 0, "defaults", &cfg, &err), 0);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		const struct refused *t = &refused[i];
		const char *const headers[] = {t->header, "REMOTE_ADDR=127.0.0.1", NULL};
		serve(&cfg, t->method, t->path, headers, t->body, &out);
		ck_assert_msg(!strncmp(buf_str(&out), t->status, strlen(t->status)) && strstr(buf_str(&out), t->says),
			      "%s %s: %s", t->method, t->path, buf_str(&out));
	}
	buf_free(&out);
	buf_free(&err);
	config_free(&cfg);
}
END_TEST

/* The rule of the authoring routes to come, on a route of its own: without
 * a credential, 401; a bearer credential is taken for an admin token (no
 * database here: 500), never for a session. */
START_TEST(the_admin_rule_takes_a_session_or_an_admin_token)
{
	struct md_config cfg;
	struct buf err = {0};
	ck_assert_int_eq(config_parse("", 0, "defaults", &cfg, &err), 0);
	static const struct route authoring = {"POST", "/api/dashboards", ADMIN, page_index, LOCKED};
	const char *const none[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/dashboards", NULL};
	const char *const bearer[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/dashboards",
				      "HTTP_AUTHORIZATION=Bearer 0123", NULL};
	const char *const *const asks[] = {none, bearer};
	const char *const answers[] = {"Status: 401", "Status: 500"};
	for (int i = 0; i < 2; i++) {
		struct loop_request q = {.fr = {.envp = (char **)asks[i]}};
		struct req r = {0};
		req_init(&r, &loop_request_io, &q, &cfg);
		r.route = &authoring;
		ck_assert_int_eq(access_enforce(&r), 0);
		ck_assert_msg(!strncmp(buf_str(&q.out), answers[i], 11), "%s", buf_str(&q.out));
		dispatch_free(&r);
		buf_free(&q.out);
	}
	buf_free(&err);
	config_free(&cfg);
}
END_TEST

/* A success sent before the route's rule was enforced becomes a 500. */
START_TEST(no_success_before_the_rule)
{
	struct md_config cfg;
	struct buf err = {0};
	ck_assert_int_eq(config_parse("", 0, "defaults", &cfg, &err), 0);
	char *envp[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/healthz", NULL};
	struct loop_request q = {.fr = {.envp = envp}};
	struct req r = {0};
	req_init(&r, &loop_request_io, &q, &cfg);
	resp_json(&r, 200, "{\"secret\":1}");
	ck_assert_msg(!strncmp(buf_str(&q.out), "Status: 500", 11), "%s", buf_str(&q.out));
	ck_assert_ptr_null(strstr(buf_str(&q.out), "secret"));
	req_release(&r);
	buf_free(&q.out);
	buf_free(&err);
	config_free(&cfg);
}
END_TEST

TCase *tcase_router(void)
{
	TCase *tc = tcase_create("router");
	tcase_add_test(tc, matches_and_names_the_parameters);
	tcase_add_test(tc, rejects_bad_paths);
	tcase_add_test(tc, every_rule_fits_its_route);
	tcase_add_test(tc, counters_keep_their_names);
	tcase_add_test(tc, the_dispatcher_refuses_before_the_handler);
	tcase_add_test(tc, the_admin_rule_takes_a_session_or_an_admin_token);
	tcase_add_test(tc, no_success_before_the_rule);
	return tc;
}
