/* SPDX-License-Identifier: MIT */
/* test_format.c: numbers as shown on a wall screen, and times as data
 * gives them (a graph's x). */
#include <math.h>

#include "format.h"
#include "tests.h"
#include "util.h"

static const char *fmt(double v)
{
	static char out[64];
	format_number(v, out, sizeof out);
	return out;
}

START_TEST(thousands_and_decimals)
{
	ck_assert_str_eq(fmt(0), "0");
	ck_assert_str_eq(fmt(7), "7");
	ck_assert_str_eq(fmt(1234), "1,234");
	ck_assert_str_eq(fmt(-1234.5), "-1,234.5");
	ck_assert_str_eq(fmt(999999), "999,999");
	ck_assert_str_eq(fmt(0.126), "0.13");
}
END_TEST

START_TEST(large_numbers_are_shortened)
{
	ck_assert_str_eq(fmt(2500000), "2.5M");
	ck_assert_str_eq(fmt(3e9), "3B");
	ck_assert_str_eq(fmt(NAN), "–");
}
END_TEST

static double iso(const char *s)
{
	double t;
	return parse_iso_time(s, 0, &t) ? -1 : t;
}

START_TEST(iso_8601_times)
{
	ck_assert_double_eq(iso("2026-11-28T10:00:00Z"), 1795860000);
	ck_assert_double_eq(iso("2026-11-28t10:00:00z"), 1795860000);
	ck_assert_double_eq(iso("2026-11-28 10:00:00"), 1795860000);
	ck_assert_double_eq(iso("2026-11-28T10:00"), 1795860000);
	ck_assert_double_eq(iso("2026-11-28T11:30:00+01:30"), 1795860000);
	ck_assert_double_eq(iso("2026-11-28T05:00:00-0500"), 1795860000);
	ck_assert_double_eq(iso("2026-11-28T12:00:00+02"), 1795860000);
	ck_assert_double_eq(iso("2026-11-28T10:00:00.250Z"), 1795860000.25);
	ck_assert_double_eq(iso("2026-11-28"), 1795824000);
	ck_assert_double_eq(iso("2026-11-28T23:59:60Z"), 1795910400);
	const char *bad[] = {"", "yesterday", "1795860000", "2026-11-28T10", "2026-11-28T10:00:00Zjunk", "2026-02-30",
			     "2026-13-01", "2026-11-28T24:00:00Z", "2026-11-28T10:60:00Z", "2026-11-28T10:00:00.",
			     "2026-11-28T10:00:00+2", "2026-11-28T10:00:00+25:00", "26-11-28", "2026-11-2"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(iso(bad[i]) == -1, "\"%s\" was read as a time", bad[i]);
	/* Where a zone is needed, a time of day must say it; a date need not. */
	double t;
	ck_assert_int_eq(parse_iso_time("2026-11-28T10:00:00", 1, &t), -1);
	ck_assert_int_eq(parse_iso_time("2026-11-28T10:00:00Z", 1, &t), 0);
	ck_assert_int_eq(parse_iso_time("2026-11-28", 1, &t), 0);
	ck_assert_double_eq(t, 1795824000);
}
END_TEST

TCase *tcase_format(void)
{
	TCase *tc = tcase_create("format");
	tcase_add_test(tc, thousands_and_decimals);
	tcase_add_test(tc, large_numbers_are_shortened);
	tcase_add_test(tc, iso_8601_times);
	return tc;
}
