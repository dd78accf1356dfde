/* SPDX-License-Identifier: MIT */
/* test_fields.c: inputs declared once: every kind and its bounds, required
 * fields, unknown keys, forms (duplicates, %-decoding) and JSON paths. */
#include <string.h>

#include "fields.h"
#include "form.h"
#include "tests.h"

static const char *const formats[] = {"json", "csv", NULL};

/* A table of every kind that has a text form. */
static const struct field query[] = {
	{.key = "q", .kind = FIELD_TEXT, .max = 8},
	{.key = "name", .kind = FIELD_IDENT},
	{.key = "points", .kind = FIELD_INT, .min = 1, .max = 10000},
	{.key = "raw", .kind = FIELD_BOOL},
	{.key = "format", .kind = FIELD_CHOICE, .choices = formats},
	{0},
};
#define NQUERY 5

/* fields_form on text; the message (or "") in got. */
static int form(const struct field *t, enum fields_unknown u, const char *text, struct field_value *out,
		struct buf *got)
{
	buf_reset(got);
	return fields_form(t, u, text, text ? strlen(text) : 0, out, got);
}

/* Checks that text is refused with exactly message. */
static void form_refused(const struct field *t, enum fields_unknown u, const char *text, const char *message)
{
	struct field_value out[8];
	struct buf err = {0};
	ck_assert_msg(form(t, u, text, out, &err) == -1, "%s: accepted", text);
	ck_assert_msg(!strcmp(buf_str(&err), message), "%s: got \"%s\", want \"%s\"", text, buf_str(&err), message);
	for (size_t i = 0; i < fields_count(t); i++)
		ck_assert_msg(!out[i].present && !out[i].text, "%s: a value kept after a refusal", text);
	buf_free(&err);
}

START_TEST(form_kinds_and_bounds)
{
	struct field_value out[NQUERY];
	struct buf err = {0};
	ck_assert_int_eq(form(query, FIELDS_STRICT, "q=abc&name=ops-1&points=10000&raw=on&format=csv", out, &err), 0);
	ck_assert_str_eq(out[0].text, "abc");
	ck_assert_str_eq(out[1].text, "ops-1");
	ck_assert_int_eq(out[2].number, 10000);
	ck_assert_str_eq(out[2].text, "10000");
	ck_assert_int_eq(out[3].number, 1);
	ck_assert_str_eq(out[4].text, "csv");
	ck_assert_ptr_eq(fields_get(query, out, "format"), &out[4]);
	ck_assert_ptr_null(fields_get(query, out, "nope"));
	fields_free(out, NQUERY);
	ck_assert_ptr_null(out[0].text);
	/* Booleans in a form's words; an empty query has nothing present. */
	for (const char *const *w = (const char *const[]){"raw=0", "raw=false", "raw=off", NULL}; *w; w++) {
		ck_assert_int_eq(form(query, FIELDS_STRICT, *w, out, &err), 0);
		ck_assert(out[3].present && out[3].number == 0);
		fields_free(out, NQUERY);
	}
	ck_assert_int_eq(form(query, FIELDS_STRICT, "", out, &err), 0);
	ck_assert_int_eq(form(query, FIELDS_STRICT, NULL, out, &err), 0);
	for (size_t i = 0; i < NQUERY; i++)
		ck_assert(!out[i].present);
	/* Each kind's refusal names the field and says what it wants. */
	form_refused(query, FIELDS_STRICT, "q=123456789", "q: must be at most 8 bytes long");
	form_refused(query, FIELDS_STRICT, "points=0", "points: must be a whole number from 1 to 10000");
	form_refused(query, FIELDS_STRICT, "points=10001", "points: must be a whole number from 1 to 10000");
	form_refused(query, FIELDS_STRICT, "points=12abc", "points: must be a whole number from 1 to 10000");
	form_refused(query, FIELDS_STRICT, "points=", "points: must be a whole number from 1 to 10000");
	form_refused(query, FIELDS_STRICT, "points", "points: must be a whole number from 1 to 10000");
	form_refused(query, FIELDS_STRICT, "raw=yes!", "raw: must be true or false");
	form_refused(query, FIELDS_STRICT, "format=xml", "format: must be json or csv");
	form_refused(query, FIELDS_STRICT, "name=Ops", "name: must match [a-z0-9][a-z0-9_-]{0,63}");
	/* A later field's failure releases what earlier ones kept. */
	form_refused(query, FIELDS_STRICT, "q=abc&name=x&format=pdf", "format: must be json or csv");
	buf_free(&err);
}
END_TEST

START_TEST(text_lengths)
{
	static const struct field t[] = {{.key = "a", .kind = FIELD_TEXT, .min = 1},
					 {.key = "b", .kind = FIELD_TEXT, .min = 3, .max = 5},
					 {.key = "c", .kind = FIELD_TEXT, .min = 4},
					 {0}};
	struct field_value out[3];
	struct buf err = {0};
	ck_assert_int_eq(form(t, FIELDS_STRICT, "a=x&b=abc&c=abcdefghijklmnopqrstuvwxyz", out, &err), 0);
	fields_free(out, 3);
	ck_assert_int_eq(form(t, FIELDS_STRICT, "b=abcde", out, &err), 0);
	fields_free(out, 3);
	form_refused(t, FIELDS_STRICT, "a=", "a: must not be empty");
	form_refused(t, FIELDS_STRICT, "b=ab", "b: must be 3 to 5 bytes long");
	form_refused(t, FIELDS_STRICT, "b=abcdef", "b: must be 3 to 5 bytes long");
	form_refused(t, FIELDS_STRICT, "c=abc", "c: must be at least 4 bytes long");
	/* %-escapes count as the byte they stand for. */
	ck_assert_int_eq(form(t, FIELDS_STRICT, "b=%41%42%43%44%45", out, &err), 0);
	ck_assert_str_eq(out[1].text, "ABCDE");
	fields_free(out, 3);
	buf_free(&err);
}
END_TEST

START_TEST(required_fields)
{
	static const struct field login[] = {
		{.key = "username", .kind = FIELD_TEXT, .min = 1, .max = 64, .required = 1},
		{.key = "password", .kind = FIELD_TEXT, .max = 1024, .required = 1},
		{0}};
	struct field_value out[2];
	struct buf err = {0};
	form_refused(login, FIELDS_OPEN, "password=x", "username: required");
	form_refused(login, FIELDS_OPEN, "username=ann", "password: required");
	form_refused(login, FIELDS_OPEN, "", "username: required");
	/* Present but empty counts as given, within its bounds. */
	ck_assert_int_eq(form(login, FIELDS_OPEN, "username=ann&password=", out, &err), 0);
	ck_assert_str_eq(out[1].text, "");
	fields_free(out, 2);
	form_refused(login, FIELDS_OPEN, "username=&password=x", "username: must not be empty");

	json_object *o = json_tokener_parse("{\"username\":\"ann\"}");
	ck_assert_int_eq(fields_json(login, FIELDS_STRICT, o, "users[1]", out, &err), -1);
	ck_assert_str_eq(buf_str(&err), "users[1].password: required");
	json_object_put(o);
	buf_free(&err);
}
END_TEST

START_TEST(unknown_keys_strict_and_open)
{
	static const struct field few[] = {
		{.key = "since", .kind = FIELD_TEXT}, {.key = "limit", .kind = FIELD_INT, .min = 1, .max = 10000}, {0}};
	static const struct field one[] = {{.key = "widgets", .kind = FIELD_ARRAY, .required = 1}, {0}};
	static const struct field many[] = {{.key = "a", .kind = FIELD_ANY}, {.key = "b", .kind = FIELD_ANY},
					    {.key = "c", .kind = FIELD_ANY}, {.key = "d", .kind = FIELD_ANY},
					    {.key = "e", .kind = FIELD_ANY}, {.key = "f", .kind = FIELD_ANY},
					    {.key = "g", .kind = FIELD_ANY}, {0}};
	struct field_value out[7];
	struct buf err = {0};
	form_refused(few, FIELDS_STRICT, "since=-1h&colour=red",
		     "colour: unknown parameter (since and limit are known)");
	form_refused(one, FIELDS_STRICT, "x=1", "x: unknown parameter (widgets is known)");
	/* Open: an unknown name is passed over, the known ones still read. */
	ck_assert_int_eq(form(few, FIELDS_OPEN, "colour=red&limit=5&_=1", out, &err), 0);
	ck_assert_int_eq(out[1].number, 5);
	fields_free(out, 2);

	static const struct {
		const struct field *t;
		enum fields_unknown u;
		const char *json, *where, *error;
	} cases[] = {
		{few, FIELDS_STRICT, "{\"limit\":3,\"colour\":\"red\"}", NULL,
		 "unknown key \"colour\" (since and limit are known)"},
		{few, FIELDS_STRICT, "{\"colour\":1}", "widget",
		 "widget: unknown key \"colour\" (since and limit are known)"},
		{many, FIELDS_STRICT, "{\"a\":1,\"foo\":2}", "dashboards[0].widgets[1]",
		 "dashboards[0].widgets[1]: unknown key \"foo\""},
		{few, FIELDS_OPEN, "{\"colour\":1,\"limit\":\"x\"}", "q",
		 "q.limit: must be a whole number from 1 to 10000"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_object *o = json_tokener_parse(cases[i].json);
		ck_assert_ptr_nonnull(o);
		buf_reset(&err);
		ck_assert_int_eq(fields_json(cases[i].t, cases[i].u, o, cases[i].where, out, &err), -1);
		ck_assert_msg(!strcmp(buf_str(&err), cases[i].error), "%s: got \"%s\"", cases[i].json, buf_str(&err));
		json_object_put(o);
	}
	/* A long key is quoted in part, never cutting a UTF-8 sequence. */
	struct buf key = {0}, text = {0};
	for (int i = 0; i < 63; i++)
		buf_putc(&key, 'k');
	buf_puts(&key, "\xc3\xa9tail");
	buf_printf(&text, "{\"%s\":1}", buf_str(&key));
	json_object *o = json_tokener_parse(buf_str(&text));
	ck_assert_int_eq(fields_json(many, FIELDS_STRICT, o, "w", out, &err), -1);
	buf_truncate(&key, 63);
	buf_reset(&text);
	buf_printf(&text, "w: unknown key \"%s\"", buf_str(&key));
	ck_assert_str_eq(buf_str(&err), buf_str(&text));
	json_object_put(o);
	buf_free(&key);
	buf_free(&text);
	buf_free(&err);
}
END_TEST

START_TEST(form_duplicates_and_decoding)
{
	struct field_value out[NQUERY];
	struct buf err = {0};
	/* The first occurrence wins; a later one is not read, even a bad one. */
	ck_assert_int_eq(form(query, FIELDS_STRICT, "points=5&points=7&points=abc", out, &err), 0);
	ck_assert_int_eq(out[2].number, 5);
	fields_free(out, NQUERY);
	form_refused(query, FIELDS_STRICT, "points=abc&points=5", "points: must be a whole number from 1 to 10000");
	/* Names and values are decoded: '+' is a space, %XX a byte. */
	ck_assert_int_eq(form(query, FIELDS_STRICT, "%71=a+b%2Bc&%66ormat=js%6Fn", out, &err), 0);
	ck_assert_str_eq(out[0].text, "a b+c");
	ck_assert_str_eq(out[4].text, "json");
	fields_free(out, NQUERY);
	ck_assert_int_eq(form(query, FIELDS_STRICT, "q=%C3%A9t%C3%A9", out, &err), 0);
	ck_assert_str_eq(out[0].text, "\xc3\xa9t\xc3\xa9");
	fields_free(out, NQUERY);
	/* Empty pieces between separators are nothing. */
	ck_assert_int_eq(form(query, FIELDS_STRICT, "&&q=x&", out, &err), 0);
	ck_assert_str_eq(out[0].text, "x");
	fields_free(out, NQUERY);
	/* Bad escapes and NUL bytes: in a value the field is named. */
	form_refused(query, FIELDS_STRICT, "q=%zz", "q: malformed: a bad %-escape or a NUL byte");
	form_refused(query, FIELDS_STRICT, "q=a%00b", "q: malformed: a bad %-escape or a NUL byte");
	form_refused(query, FIELDS_STRICT, "q=%4", "q: malformed: a bad %-escape or a NUL byte");
	form_refused(query, FIELDS_STRICT, "%zz=1",
		     "malformed: a name with a bad %-escape or a NUL byte, or more than 64 fields");
	/* More fields than a form may hold. */
	struct buf many = {0};
	for (int i = 0; i <= FORM_MAX_FIELDS; i++)
		buf_puts(&many, "q=1&");
	form_refused(query, FIELDS_OPEN, buf_str(&many),
		     "malformed: a name with a bad %-escape or a NUL byte, or more than 64 fields");
	buf_free(&many);
	buf_free(&err);
}
END_TEST

START_TEST(json_kinds_and_paths)
{
	static const char *const levels[] = {"ok", "warning", "danger", NULL};
	static const struct field t[] = {{.key = "name", .kind = FIELD_IDENT, .required = 1},
					 {.key = "title", .kind = FIELD_TEXT, .max = 10},
					 {.key = "col", .kind = FIELD_INT, .min = 1, .max = 12, .required = 1},
					 {.key = "enabled", .kind = FIELD_BOOL},
					 {.key = "level", .kind = FIELD_CHOICE, .choices = levels},
					 {.key = "tags", .kind = FIELD_ARRAY},
					 {.key = "options", .kind = FIELD_OBJECT},
					 {.key = "value", .kind = FIELD_ANY},
					 {0}};
	struct field_value out[8];
	struct buf err = {0};
	json_object *o = json_tokener_parse("{\"name\":\"w1\",\"title\":\"T\",\"col\":12,\"enabled\":false,"
					    "\"level\":\"danger\",\"tags\":[1],\"options\":{},\"value\":null}");
	ck_assert_int_eq(fields_json(t, FIELDS_STRICT, o, "widgets[2]", out, &err), 0);
	ck_assert_str_eq(out[0].text, "w1");
	ck_assert_int_eq(out[2].number, 12);
	ck_assert(out[3].present && out[3].number == 0);
	ck_assert_str_eq(out[4].text, "danger");
	ck_assert(json_object_is_type(out[5].json, json_type_array));
	ck_assert(json_object_is_type(out[6].json, json_type_object));
	ck_assert(out[7].present);
	fields_free(out, 8);
	json_object_put(o);

	static const struct {
		const char *json, *error;
	} bad[] = {
		{"[]", "widgets[2]: must be an object"},
		{"{\"name\":\"w\"}", "widgets[2].col: required"},
		{"{\"name\":\"w\",\"col\":0}", "widgets[2].col: must be a whole number from 1 to 12"},
		{"{\"name\":\"w\",\"col\":13}", "widgets[2].col: must be a whole number from 1 to 12"},
		{"{\"name\":\"w\",\"col\":1.5}", "widgets[2].col: must be a whole number from 1 to 12"},
		{"{\"name\":\"w\",\"col\":\"3\"}", "widgets[2].col: must be a whole number from 1 to 12"},
		{"{\"name\":\"w\",\"col\":99999999999999999999}",
		 "widgets[2].col: must be a whole number from 1 to 12"},
		{"{\"name\":\"w\",\"col\":-99999999999999999999}",
		 "widgets[2].col: must be a whole number from 1 to 12"},
		{"{\"name\":\"W\",\"col\":1}", "widgets[2].name: must match [a-z0-9][a-z0-9_-]{0,63}"},
		{"{\"name\":7,\"col\":1}", "widgets[2].name: must match [a-z0-9][a-z0-9_-]{0,63}"},
		{"{\"name\":\"w\",\"col\":1,\"title\":\"01234567890\"}",
		 "widgets[2].title: must be at most 10 bytes long"},
		{"{\"name\":\"w\",\"col\":1,\"title\":null}", "widgets[2].title: must be a string"},
		{"{\"name\":\"w\",\"col\":1,\"title\":\"a\\u0000b\"}", "widgets[2].title: must not contain a NUL byte"},
		{"{\"name\":\"w\",\"col\":1,\"enabled\":1}", "widgets[2].enabled: must be true or false"},
		{"{\"name\":\"w\",\"col\":1,\"level\":\"ko\"}", "widgets[2].level: must be ok, warning or danger"},
		{"{\"name\":\"w\",\"col\":1,\"tags\":{}}", "widgets[2].tags: must be an array"},
		{"{\"name\":\"w\",\"col\":1,\"options\":[]}", "widgets[2].options: must be an object"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = json_tokener_parse(bad[i].json);
		ck_assert_ptr_nonnull(o);
		buf_reset(&err);
		ck_assert_int_eq(fields_json(t, FIELDS_STRICT, o, "widgets[2]", out, &err), -1);
		ck_assert_msg(!strcmp(buf_str(&err), bad[i].error), "%s: got \"%s\", want \"%s\"", bad[i].json,
			      buf_str(&err), bad[i].error);
		for (size_t k = 0; k < 8; k++)
			ck_assert(!out[k].present && !out[k].text);
		json_object_put(o);
	}
	/* At the top there is no path before a key. */
	o = json_tokener_parse("{\"name\":\"w\",\"col\":0}");
	ck_assert_int_eq(fields_json(t, FIELDS_STRICT, o, "", out, &err), -1);
	ck_assert_str_eq(buf_str(&err), "col: must be a whole number from 1 to 12");
	json_object_put(o);
	buf_free(&err);
}
END_TEST

START_TEST(one_value_as_text)
{
	struct field_value v = {0};
	struct buf err = {0};
	ck_assert_int_eq(field_check_text(&query[2], "--points", "42", &v, &err), 0);
	ck_assert_int_eq(v.number, 42);
	ck_assert_int_eq(field_check_text(&query[0], NULL, "again", &v, &err), 0);
	ck_assert_str_eq(v.text, "again");
	ck_assert_int_eq(field_check_text(&query[2], "history", "x", &v, &err), -1);
	ck_assert_str_eq(buf_str(&err), "history.points: must be a whole number from 1 to 10000");
	static const struct field list = {.key = "tags", .kind = FIELD_ARRAY};
	ck_assert_int_eq(field_check_text(&list, NULL, "[1]", &v, &err), -1);
	ck_assert_str_eq(buf_str(&err), "tags: must be an array");
	/* A number's unit, and a name bounded below the identifiers' 64. */
	static const struct field secs = {.key = "for", .kind = FIELD_INT, .max = 60, .unit = "seconds"};
	ck_assert_int_eq(field_check_text(&secs, "options.alert", "61", &v, &err), -1);
	ck_assert_str_eq(buf_str(&err), "options.alert.for: must be a whole number of seconds from 0 to 60");
	static const struct field event = {.key = "event", .kind = FIELD_IDENT, .max = 4};
	ck_assert_int_eq(field_check_text(&event, NULL, "abcd", &v, &err), 0);
	ck_assert_int_eq(field_check_text(&event, NULL, "abcde", &v, &err), -1);
	ck_assert_str_eq(buf_str(&err), "event: must match [a-z0-9][a-z0-9_-]{0,3}");
	fields_free(&v, 1);
	buf_free(&err);
}
END_TEST

TCase *tcase_fields(void)
{
	TCase *tc = tcase_create("fields");
	tcase_add_test(tc, form_kinds_and_bounds);
	tcase_add_test(tc, text_lengths);
	tcase_add_test(tc, required_fields);
	tcase_add_test(tc, unknown_keys_strict_and_open);
	tcase_add_test(tc, form_duplicates_and_decoding);
	tcase_add_test(tc, json_kinds_and_paths);
	tcase_add_test(tc, one_value_as_text);
	return tc;
}
