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

/* The order MariaDB's utf8mb4_unicode_ci gave these (ORDER BY), which a
 * page's widgets keep when sorted in the app. */
START_TEST(collation_order)
{
	static const char *const sorted[] = {"a", "a_", "a_b", "a-", "a-_", "a--", "a-b", "a0b", "a9", "aab", "ab"};
	size_t n = sizeof sorted / sizeof sorted[0];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int c = ident_cmp(sorted[i], sorted[j]);
			ck_assert_msg(i < j   ? c < 0
				      : i > j ? c > 0
					      : c == 0,
				      "%s vs %s gave %d", sorted[i], sorted[j], c);
		}
}
END_TEST

TCase *tcase_ident(void)
{
	TCase *tc = tcase_create("ident");
	tcase_add_test(tc, valid_names);
	tcase_add_test(tc, invalid_names);
	tcase_add_test(tc, collation_order);
	return tc;
}
