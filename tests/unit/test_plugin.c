/* SPDX-License-Identifier: MIT */
/* test_plugin.c: the type registry and plug-in loading. */
#include <stdlib.h>

#include "plugin.h"
#include "tests.h"
#include "util.h"
#include "wtype.h"

static const char *builddir(void)
{
	const char *d = getenv("top_builddir");
	return d ? d : ".";
}

START_TEST(example_plugin_loads)
{
	struct buf dir = {0};
	buf_printf(&dir, "%s/plugins", builddir());
	ck_assert_int_eq(plugin_load_dir(dir.data), 1);
	const struct mdash_widget_type *t = wtype_find("sysload");
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(t->update);
	/* Loading it again is refused: the name is taken. */
	ck_assert_int_eq(plugin_load_dir(dir.data), 0);
	buf_free(&dir);
}
END_TEST

START_TEST(broken_plugins_are_refused_and_the_rest_goes_on)
{
	struct buf dir = {0};
	buf_printf(&dir, "%s/tests/unit/plugins", builddir());
	int before = wtype_count();
	ck_assert_int_eq(plugin_load_dir(dir.data), 0);
	ck_assert_int_eq(wtype_count(), before);
	ck_assert_ptr_null(wtype_find("future"));
	ck_assert_ptr_nonnull(wtype_find("number"));
	ck_assert_int_eq(plugin_load_dir("/nonexistent"), 0);
	buf_free(&dir);
}
END_TEST

START_TEST(registering_a_name_twice_is_an_error)
{
	struct buf err = {0};
	ck_assert_int_eq(wtype_register(&wtype_text, &err), -1);
	ck_assert_str_eq(err.data, "widget type text is already registered");
	buf_free(&err);
}
END_TEST

TCase *tcase_plugin(void)
{
	TCase *tc = tcase_create("plugin");
	tcase_add_test(tc, example_plugin_loads);
	tcase_add_test(tc, broken_plugins_are_refused_and_the_rest_goes_on);
	tcase_add_test(tc, registering_a_name_twice_is_an_error);
	return tc;
}
