/* SPDX-License-Identifier: MIT */
/* test_history.c: the times the history API and `mdash history` take. */
#include "history.h"
#include "tests.h"

static double at(const char *text)
{
	double t = -1;
	ck_assert_msg(history_time(text, 1000000.0, &t) == 0, "refused: %s", text);
	return t;
}

START_TEST(history_times_iso_now_and_relative)
{
	ck_assert_double_eq(at("now"), 1000000.0);
	ck_assert_double_eq(at("-24h"), 1000000.0 - 86400);
	ck_assert_double_eq(at("-90m"), 1000000.0 - 5400);
	ck_assert_double_eq(at("-2w"), 1000000.0 - 14 * 86400);
	ck_assert_double_eq(at("-30s"), 1000000.0 - 30);
	ck_assert_double_eq(at("2026-12-04T07:00:00Z"), 1796367600.0);
	ck_assert_double_eq(at("2026-12-04T08:00:00+01:00"), 1796367600.0);
	ck_assert_double_eq(at("2026-12-04T06:30-00:30"), 1796367600.0);
	ck_assert_double_eq(at("2026-12-04"), 1796342400.0);
	ck_assert_double_eq_tol(at("2026-12-04T07:00:00.250Z"), 1796367600.25, 1e-6);
	static const char *const bad[] = {"",
					  "yesterday",
					  "-24",
					  "-h",
					  "-24y",
					  "24h",
					  "2026-12-04T07:00",
					  "2026-13-01",
					  "2026-12-04T25:00Z",
					  "2026-12-04T07:00:00Zjunk",
					  "2026-12-04T07:00:00+1",
					  "-99999999999999999999d"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		double t;
		ck_assert_msg(history_time(bad[i], 1000000.0, &t) == -1, "taken: \"%s\"", bad[i]);
	}
}
END_TEST

TCase *tcase_history(void)
{
	TCase *tc = tcase_create("history");
	tcase_add_test(tc, history_times_iso_now_and_relative);
	return tc;
}
