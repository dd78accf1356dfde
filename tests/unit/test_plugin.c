/* SPDX-License-Identifier: MIT */
/* test_plugin.c: the type registry and plug-in loading. */
#include <stdlib.h>

#include <json-c/json.h>

#include "plugin.h"
#include "tests.h"
#include "util.h"
#include "widget.h"
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
	ck_assert_int_eq(wtype_register(wtype_find("text"), 0, &err), -1);
	ck_assert_str_eq(err.data, "widget type text is already registered");
	buf_free(&err);
}
END_TEST

/* tests/unit/plugins/good: md_legacy.so (built as for API version 1) and
 * md_tally.so (version 2, with hooks); loaded once for the tests below. */
static void load_good(void)
{
	if (wtype_find("legacy"))
		return;
	struct buf dir = {0};
	buf_printf(&dir, "%s/tests/unit/plugins/good", builddir());
	ck_assert_int_eq(plugin_load_dir(dir.data), 2);
	buf_free(&dir);
}

START_TEST(a_version_1_plugin_still_loads_and_runs)
{
	load_good();
	const struct mdash_widget_type *t = wtype_find("legacy");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->api_version, 1);
	ck_assert_str_eq(t->template, "widgets/text.cs");
	/* What version 2 added reads as absent, whatever lies past its struct. */
	ck_assert_uint_eq(t->flags, 0);
	ck_assert_ptr_null(t->store);
	char *json = NULL, *error = NULL;
	ck_assert_int_eq(t->update(NULL, &json, &error), 0);
	ck_assert_str_eq(json, "{\"text\":\"from a version 1 plug-in\"}");
	free(json);
	/* Stored as given: no hook runs for it. */
	json_object *data = json_object_new_object(), *fields = json_tokener_parse("{\"text\":\"hi\"}");
	widget_merge(data, "legacy", NULL, fields, 0);
	ck_assert_str_eq(json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN), "{\"text\":\"hi\"}");
	json_object_put(fields);
	json_object_put(data);
}
END_TEST

START_TEST(a_version_2_plugin_hooks_into_the_store_and_the_staleness)
{
	load_good();
	const struct mdash_widget_type *t = wtype_find("tally");
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(t->store);
	/* The store hook runs before each merge, and sees the options. */
	json_object *data = json_object_new_object(), *opts = json_tokener_parse("{\"step\":2}");
	const char *const pushes[] = {"{\"add\":5}", "{\"note\":\"x\"}", "{\"add\":1.5}"};
	for (int i = 0; i < 3; i++) {
		json_object *fields = json_tokener_parse(pushes[i]);
		widget_merge(data, "tally", opts, fields, 0);
		json_object_put(fields);
	}
	json_object *v;
	ck_assert(json_object_object_get_ex(data, "stores", &v));
	ck_assert_double_eq(json_object_get_double(v), 6);
	ck_assert(json_object_object_get_ex(data, "total", &v));
	ck_assert_double_eq(json_object_get_double(v), 6.5);
	ck_assert(json_object_object_get_ex(data, "note", NULL));
	/* MDASH_TYPE_SHOWS_TIME: never stale, even with a pulled source and no
	 * update ever; and, being a plug-in's, never rendered from a kept copy. */
	struct md_widget w = {.type = "tally", .age = -1, .interval = 60};
	w.source_obj = json_tokener_parse("{\"kind\":\"http\",\"url\":\"http://127.0.0.1/\"}");
	ck_assert_str_eq(widget_state(&w), "ok");
	ck_assert_int_eq(wtype_row_only(t), 0);
	w.type = "number";
	ck_assert_str_eq(widget_state(&w), "stale");
	json_object_put(w.source_obj);
	json_object_put(opts);
	json_object_put(data);
}
END_TEST

TCase *tcase_plugin(void)
{
	TCase *tc = tcase_create("plugin");
	tcase_add_test(tc, example_plugin_loads);
	tcase_add_test(tc, broken_plugins_are_refused_and_the_rest_goes_on);
	tcase_add_test(tc, registering_a_name_twice_is_an_error);
	tcase_add_test(tc, a_version_1_plugin_still_loads_and_runs);
	tcase_add_test(tc, a_version_2_plugin_hooks_into_the_store_and_the_staleness);
	return tc;
}
