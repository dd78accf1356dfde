/* SPDX-License-Identifier: MIT */
/* test_ident.c: widget names and dashboard slugs. */
#include "ident.h"
#include "tests.h"

START_TEST(valid_names)
{
	ck_assert(ident_valid("a"));
	ck_assert(ident_valid("ops"));
	ck_assert(ident_valid("9lives_x-y"));
	ck_assert(ident_valid("a123456789012345678901234567890123456789012345678901234567890123")); /* 64 */
}
END_TEST

START_TEST(invalid_names)
{
	ck_assert(!ident_valid(""));
	ck_assert(!ident_valid(NULL));
	ck_assert(!ident_valid("_x"));
	ck_assert(!ident_valid("-x"));
	ck_assert(!ident_valid("Ops"));
	ck_assert(!ident_valid("a/b"));
	ck_assert(!ident_valid("a,b"));
	ck_assert(!ident_valid("a%2c"));
	ck_assert(!ident_valid("a\nb"));
	ck_assert(!ident_valid("a.b"));
	ck_assert(!ident_valid("a1234567890123456789012345678901234567890123456789012345678901234")); /* 65 */
}
END_TEST

TCase *tcase_ident(void)
{
	TCase *tc = tcase_create("ident");
	tcase_add_test(tc, valid_names);
	tcase_add_test(tc, invalid_names);
	return tc;
}
