/* SPDX-License-Identifier: MIT */
/* test_format.c: numbers as shown on a wall screen. */
#include <math.h>

#include "format.h"
#include "tests.h"

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

TCase *tcase_format(void)
{
	TCase *tc = tcase_create("format");
	tcase_add_test(tc, thousands_and_decimals);
	tcase_add_test(tc, large_numbers_are_shortened);
	return tc;
}
