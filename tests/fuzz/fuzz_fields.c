/* SPDX-License-Identifier: MIT */
/* fuzz_fields.c: declared inputs checked against anything a client may
 * send: the bytes as a form or query string and, when they parse, as a
 * JSON object, against a table of every kind. What passes keeps to its
 * declaration; what fails says so and keeps nothing. The JSON also goes
 * through the declarative file's dashboard and widget, as `mdash apply`
 * and the authoring API read them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "ident.h"
#include "source.h"
#include "spec.h"
#include "wtype.h"

static const char *const formats[] = {"json", "csv", NULL};
static const struct field table[] = {
	{.key = "q", .kind = FIELD_TEXT, .min = 1, .max = 16},
	{.key = "name", .kind = FIELD_IDENT},
	{.key = "points", .kind = FIELD_INT, .min = -5, .max = 10000},
	{.key = "raw", .kind = FIELD_BOOL},
	{.key = "format", .kind = FIELD_CHOICE, .choices = formats},
	{.key = "list", .kind = FIELD_ARRAY},
	{.key = "obj", .kind = FIELD_OBJECT},
	{.key = "any", .kind = FIELD_ANY},
	{.key = "need", .kind = FIELD_TEXT, .required = 1},
	{0},
};
#define N (sizeof table / sizeof table[0] - 1)

/* Traps unless out keeps to table after a check that returned rc. */
static void holds(int rc, const struct field_value *out, const struct buf *err)
{
	for (size_t i = 0; i < N; i++) {
		const struct field *f = &table[i];
		const struct field_value *v = &out[i];
		if (rc != 0) {
			if (v->present || v->text)
				__builtin_trap(); /* a refusal keeps nothing */
			continue;
		}
		if (f->required && !v->present)
			__builtin_trap();
		if (!v->present)
			continue;
		if (f->kind == FIELD_TEXT &&
		    (!v->text || (long)strlen(v->text) < f->min || (f->max && (long)strlen(v->text) > f->max)))
			__builtin_trap();
		if (f->kind == FIELD_INT && (v->number < f->min || v->number > f->max))
			__builtin_trap();
		if (f->kind == FIELD_BOOL && v->number != 0 && v->number != 1)
			__builtin_trap();
		if (f->kind == FIELD_IDENT && !ident_valid(v->text))
			__builtin_trap();
		if (f->kind == FIELD_CHOICE && strcmp(v->text, "json") && strcmp(v->text, "csv"))
			__builtin_trap();
	}
	if (rc != 0 && err->len == 0)
		__builtin_trap(); /* a refusal says why */
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wtype_register_builtin();
	return 0;
}

/* 1 when message names where: "where: ..." or "where.key...". */
static int names(const char *message, const char *where)
{
	size_t n = strlen(where);
	return !strncmp(message, where, n) && (message[n] == ':' || message[n] == '.');
}

/* The document as a dashboard of the declarative file, and as a widget;
 * a refusal names where. */
static void as_spec(json_object *doc, struct buf *err)
{
	struct dspec *d = xcalloc(1, sizeof *d);
	buf_reset(err);
	if (spec_dashboard(doc, "d", NULL, d, err) && !names(buf_str(err), "d"))
		__builtin_trap();
	spec_free(d, 1);
	d = xcalloc(1, sizeof *d);
	d->widgets = xcalloc(1, sizeof *d->widgets);
	d->nwidgets = 1;
	buf_reset(err);
	if (spec_widget(doc, "w", NULL, &d->widgets[0], err) && !names(buf_str(err), "w"))
		__builtin_trap();
	spec_free(d, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field_value out[N];
	struct buf err = {0};
	for (int open = 0; open < 2; open++) {
		buf_reset(&err);
		int rc = fields_form(table, open ? FIELDS_OPEN : FIELDS_STRICT, (const char *)data, size, out, &err);
		holds(rc, out, &err);
		fields_free(out, N);
	}
	json_object *doc = source_parse((const char *)data, size, &err);
	if (doc) {
		for (int open = 0; open < 2; open++) {
			buf_reset(&err);
			int rc = fields_json(table, open ? FIELDS_OPEN : FIELDS_STRICT, doc, open ? "w[1]" : NULL, out,
					     &err);
			holds(rc, out, &err);
			fields_free(out, N);
		}
		as_spec(doc, &err);
		json_object_put(doc);
	}
	/* One value, as a CLI option gives it. */
	char *text = xstrndup((const char *)data, size);
	for (size_t i = 0; i < N; i++) {
		struct field_value v = {0};
		buf_reset(&err);
		if (field_check_text(&table[i], "opt", text, &v, &err) && err.len == 0)
			__builtin_trap();
		fields_free(&v, 1);
	}
	free(text);
	buf_free(&err);
	return 0;
}
