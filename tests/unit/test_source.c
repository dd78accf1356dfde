/* SPDX-License-Identifier: MIT */
/* test_source.c: source validation, JSON parsing and field mapping. */
#include <stdio.h>
#include <string.h>

#include "source.h"
#include "tests.h"

static json_object *J(const char *s)
{
	return json_tokener_parse(s);
}

static const char *mapped(const char *doc, const char *src, const char *field, struct buf *err)
{
	static char out[512];
	json_object *d = J(doc), *s = J(src), *f = NULL;
	int rc = source_map(d, s, field, &f, err);
	snprintf(out, sizeof out, "%s", rc ? "ERROR" : json_object_to_json_string_ext(f, JSON_C_TO_STRING_PLAIN));
	json_object_put(d);
	json_object_put(s);
	json_object_put(f);
	return out;
}

START_TEST(pointer_maps_to_value_field)
{
	struct buf err = {0};
	ck_assert_str_eq(mapped("{\"a\":{\"b\":[1,42]}}", "{\"pointer\":\"/a/b/1\"}", "current", &err),
			 "{\"current\":42}");
	ck_assert_str_eq(mapped("{\"x\":{\"text\":\"hi\"}}", "{\"pointer\":\"/x\"}", "text", &err),
			 "{\"text\":\"hi\"}");
	ck_assert_str_eq(mapped("{\"current\":3,\"moreinfo\":\"m\"}", "{}", "current", &err),
			 "{\"current\":3,\"moreinfo\":\"m\"}");
	ck_assert_str_eq(mapped("17", "{}", "value", &err), "{\"value\":17}");
}
END_TEST

START_TEST(fields_map_each_pointer)
{
	struct buf err = {0};
	ck_assert_str_eq(mapped("{\"a\":1,\"b\":{\"c\":\"x\"}}",
				"{\"fields\":{\"current\":\"/a\",\"moreinfo\":\"/b/c\"}}", "current", &err),
			 "{\"current\":1,\"moreinfo\":\"x\"}");
}
END_TEST

START_TEST(missing_pointer_is_an_error)
{
	struct buf err = {0};
	ck_assert_str_eq(mapped("{\"a\":1}", "{\"pointer\":\"/nope\"}", "current", &err), "ERROR");
	ck_assert_str_eq(err.data, "nothing at /nope in the response");
	buf_free(&err);
}
END_TEST

START_TEST(validation_names_the_field)
{
	struct buf err = {0};
	json_object *s = J("{\"kind\":\"http\",\"url\":\"ftp://x\"}");
	ck_assert_int_eq(source_validate(s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "source.url:"));
	json_object_put(s);
	buf_reset(&err);
	s = J("{\"kind\":\"http\",\"url\":\"http://x/\",\"pointr\":\"/a\"}");
	ck_assert_int_eq(source_validate(s, &err), -1);
	ck_assert_str_eq(err.data,
			 "source: unknown key \"pointr\" (kind, url, headers, auth, pointer and fields are known)");
	json_object_put(s);
	buf_reset(&err);
	s = J("{\"kind\":\"exec\",\"command\":\"ls -l\"}");
	ck_assert_int_eq(source_validate(s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "source.command:"));
	json_object_put(s);
	buf_reset(&err);
	s = J("{\"kind\":\"ftp\"}");
	ck_assert_int_eq(source_validate(s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "unknown kind \"ftp\""));
	json_object_put(s);
	s = J("{\"kind\":\"http\",\"url\":\"http://x/\",\"auth\":{\"token\":\"a\"}}");
	ck_assert_int_eq(source_validate(s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "source.auth: must be"));
	json_object_put(s);
	buf_reset(&err);
	s = J("{\"kind\":\"http\",\"url\":\"http://x/\",\"auth\":{\"basic\":\"stats\"}}");
	ck_assert_int_eq(source_validate(s, &err), 0);
	json_object_put(s);
	s = J("{\"kind\":\"exec\",\"command\":[\"/bin/echo\",\"{}\"],\"pointer\":\"/a\"}");
	ck_assert_int_eq(source_validate(s, &err), 0);
	json_object_put(s);
	buf_free(&err);
}
END_TEST

START_TEST(parse_rejects_garbage_and_trailing_data)
{
	struct buf err = {0};
	ck_assert_ptr_null(source_parse("{\"a\":", 5, &err));
	ck_assert_ptr_nonnull(strstr(err.data, "unexpected end"));
	buf_reset(&err);
	ck_assert_ptr_null(source_parse("{} x", 4, &err));
	ck_assert_str_eq(err.data, "invalid JSON at byte 3: unexpected character");
	buf_reset(&err);
	ck_assert_ptr_null(source_parse("{\"t\":\"\xff\xfe\"}", 10, &err));
	ck_assert_str_eq(err.data, "invalid UTF-8 at byte 6");
	buf_reset(&err);
	/* Overlong, surrogate: refused too (json-c alone lets them through). */
	ck_assert_ptr_null(source_parse("{\"t\":\"\xc0\x80\"}", 10, &err));
	ck_assert_str_eq(err.data, "invalid UTF-8 at byte 6");
	buf_reset(&err);
	ck_assert_ptr_null(source_parse("\"\xed\xa0\x80\"", 5, &err));
	buf_reset(&err);
	json_object *u = source_parse("\"\xc3\xa9\xf0\x9f\x94\xa5\"", 8, &err);
	ck_assert_ptr_nonnull(u);
	json_object_put(u);
	buf_reset(&err);
	ck_assert_ptr_null(source_parse("<html>", 6, &err));
	json_object *n = source_parse("42", 2, &err);
	ck_assert_int_eq(json_object_get_int(n), 42);
	json_object_put(n);
	json_object *o = source_parse("{\"a\":1}\n", 8, &err);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
	buf_free(&err);
}
END_TEST

/* The error for a body of fields, or "" when it is accepted. */
static const char *fields_error(const char *text)
{
	static char out[512];
	struct buf err = {0};
	json_object *o = source_parse_fields(text, strlen(text), &err);
	snprintf(out, sizeof out, "%s", o ? "" : buf_str(&err));
	json_object_put(o);
	buf_free(&err);
	return out;
}

START_TEST(fields_refuse_numbers_that_cannot_be_read_back)
{
	ck_assert_str_eq(fields_error("{\"current\":9007199254740991,\"last\":-1.5e300}"), "");
	ck_assert_ptr_nonnull(strstr(fields_error("{\"current\":NaN}"), "/current: NaN"));
	ck_assert_ptr_nonnull(strstr(fields_error("{\"current\":Infinity}"), "/current: an infinite"));
	ck_assert_ptr_nonnull(strstr(fields_error("{\"a\":{\"b/c\":-Infinity}}"), "/a/b~1c: an infinite"));
	ck_assert_ptr_nonnull(strstr(fields_error("{\"v\":1e400}"), "/v: an infinite"));
	ck_assert_ptr_nonnull(strstr(fields_error("{\"items\":[{\"value\":18446744073709551616}]}"),
				     "/items/0/value: integer out of range"));
	ck_assert_ptr_nonnull(strstr(fields_error("{\"v\":-9223372036854775809}"), "/v: integer out of range"));
	ck_assert_ptr_nonnull(strstr(fields_error("{\"v\":9007199254740992}"), "/v: integer out of range"));
	ck_assert_ptr_nonnull(strstr(fields_error("[1]"), "must be an object of widget fields"));
}
END_TEST

START_TEST(exec_runs_without_shell_and_times_out)
{
	struct buf out = {0}, err = {0};
	struct md_fetch f = {.timeout = 1};
	json_object *s = J("{\"kind\":\"exec\",\"command\":[\"printf\",\"{\\\"v\\\":%s}\",\"$HOME;2\"]}");
	ck_assert_int_eq(source_exec.fetch(s, &f, &out, &err), 0);
	ck_assert_str_eq(out.data, "{\"v\":$HOME;2}"); /* no shell: nothing expanded */
	json_object_put(s);
	buf_reset(&out);
	s = J("{\"kind\":\"exec\",\"command\":[\"sleep\",\"5\"]}");
	long long t0 = now_ms();
	ck_assert_int_eq(source_exec.fetch(s, &f, &out, &err), -1);
	ck_assert_int_lt(now_ms() - t0, 3000);
	ck_assert_str_eq(err.data, "sleep: timed out after 1 s");
	json_object_put(s);
	buf_reset(&err);
	s = J("{\"kind\":\"exec\",\"command\":[\"sh\",\"-c\",\"echo broken >&2; exit 3\"]}");
	ck_assert_int_eq(source_exec.fetch(s, &f, &out, &err), -1);
	ck_assert_str_eq(err.data, "sh: exit status 3: broken");
	json_object_put(s);
	buf_free(&out);
	buf_free(&err);
}
END_TEST

TCase *tcase_source(void)
{
	TCase *tc = tcase_create("source");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, pointer_maps_to_value_field);
	tcase_add_test(tc, fields_map_each_pointer);
	tcase_add_test(tc, missing_pointer_is_an_error);
	tcase_add_test(tc, validation_names_the_field);
	tcase_add_test(tc, parse_rejects_garbage_and_trailing_data);
	tcase_add_test(tc, exec_runs_without_shell_and_times_out);
	tcase_add_test(tc, fields_refuse_numbers_that_cannot_be_read_back);
	return tc;
}
