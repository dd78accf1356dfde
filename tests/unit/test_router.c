/* SPDX-License-Identifier: MIT */
/* test_router.c: route matching. */
#include "router.h"
#include "tests.h"

static void h(struct req *r)
{
	(void)r;
}

static const struct route table[] = {
	{"GET", "/", h, LOCKED},
	{"GET", "/d/{id}", h, LOCKED},
	{"GET", "/api/widgets/{id}", h, LOCKED},
	{"POST", "/api/widgets/{id}", h, LOCKED},
};
#define N ((int)(sizeof table / sizeof table[0]))

START_TEST(matches_and_captures)
{
	const struct route *r;
	char p[2][IDENT_MAX + 1];
	int n;
	ck_assert_int_eq(route_match(table, N, "GET", "/d/ops", &r, p, 2, &n), ROUTE_FOUND);
	ck_assert_ptr_eq(r, &table[1]);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(p[0], "ops");
	ck_assert_int_eq(route_match(table, N, "POST", "/api/widgets/w-1", &r, p, 2, &n), ROUTE_FOUND);
	ck_assert_ptr_eq(r, &table[3]);
	ck_assert_int_eq(route_match(table, N, "HEAD", "/", &r, p, 2, &n), ROUTE_FOUND);
}
END_TEST

START_TEST(rejects_bad_paths)
{
	const struct route *r;
	char p[2][IDENT_MAX + 1];
	int n;
	ck_assert_int_eq(route_match(table, N, "GET", "/d/", &r, p, 2, &n), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_match(table, N, "GET", "/d/Ops", &r, p, 2, &n), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_match(table, N, "GET", "/d/ops/", &r, p, 2, &n), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_match(table, N, "GET", "/d/a/b", &r, p, 2, &n), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_match(table, N, "GET", "/d/..", &r, p, 2, &n), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_match(table, N, "GET", "/nope", &r, p, 2, &n), ROUTE_NOT_FOUND);
	ck_assert_int_eq(route_match(table, N, "GET", "", &r, p, 2, &n), ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(wrong_method_is_405)
{
	const struct route *r;
	char p[2][IDENT_MAX + 1];
	int n;
	ck_assert_int_eq(route_match(table, N, "DELETE", "/api/widgets/x", &r, p, 2, &n), ROUTE_BAD_METHOD);
	ck_assert_int_eq(route_match(table, N, "POST", "/d/x", &r, p, 2, &n), ROUTE_BAD_METHOD);
}
END_TEST

TCase *tcase_router(void)
{
	TCase *tc = tcase_create("router");
	tcase_add_test(tc, matches_and_captures);
	tcase_add_test(tc, rejects_bad_paths);
	tcase_add_test(tc, wrong_method_is_405);
	return tc;
}
