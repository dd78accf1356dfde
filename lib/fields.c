/* SPDX-License-Identifier: MIT */
/* fields.c: inputs checked against their declaration (see fields.h). */
#include "fields.h"

#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "ident.h"

/* An unknown key is quoted in a message up to this many bytes. */
#define KEY_QUOTE_MAX 64

size_t fields_count(const struct field *table)
{
	size_t n = 0;
	while (table[n].key)
		n++;
	return n;
}

static const struct field *field_find(const struct field *table, const char *key, size_t *at)
{
	for (size_t i = 0; table[i].key; i++)
		if (!strcmp(table[i].key, key)) {
			*at = i;
			return &table[i];
		}
	return NULL;
}

const struct field_value *fields_get(const struct field *table, const struct field_value *out, const char *key)
{
	size_t at;
	return field_find(table, key, &at) ? &out[at] : NULL;
}

/* Starts a message with the path of key inside where (either may be
 * absent). */
static void path(struct buf *err, const char *where, const char *key)
{
	buf_reset(err);
	if (where && *where)
		buf_printf(err, "%s%s%s: ", where, key ? "." : "", key ? key : "");
	else if (key)
		buf_printf(err, "%s: ", key);
}

/* " (a, b and c are known)", when the table is short enough to list. */
static void known_keys(const struct field *table, struct buf *err)
{
	size_t n = fields_count(table);
	if (n == 0 || n > FIELDS_LIST_MAX)
		return;
	buf_puts(err, " (");
	for (size_t i = 0; i < n; i++)
		buf_printf(err, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " and ", table[i].key);
	buf_puts(err, n == 1 ? " is known)" : " are known)");
}

/* How many bytes of key a message quotes: at most KEY_QUOTE_MAX, not
 * cutting a UTF-8 sequence. */
static int quoted_len(const char *key)
{
	size_t n = strlen(key);
	if (n <= KEY_QUOTE_MAX)
		return (int)n;
	n = KEY_QUOTE_MAX;
	while (n > 0 && ((unsigned char)key[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* "widgets[0]: unknown key "foo" (...)": the object's path, then the key. */
static void unknown_key(const struct field *table, const char *where, const char *key, struct buf *err)
{
	path(err, where, NULL);
	buf_printf(err, "unknown key \"%.*s\"", quoted_len(key), key);
	known_keys(table, err);
}

/* "foo: unknown parameter (...)": a form's names are paths of their own. */
static void unknown_parameter(const struct field *table, const char *name, struct buf *err)
{
	buf_reset(err);
	buf_printf(err, "%.*s: unknown parameter", quoted_len(name), name);
	known_keys(table, err);
}

static int text_ok(const struct field *f, const char *where, const char *s, struct buf *err)
{
	size_t len = strlen(s);
	int too_short = (long)len<f->min, too_long = f->max> 0 && (long)len > f->max;
	if (!too_short && !too_long)
		return 0;
	path(err, where, f->key);
	if (len == 0)
		buf_puts(err, "must not be empty");
	else if (f->max == 0)
		buf_printf(err, "must be at least %ld bytes long", f->min);
	else if (f->min > 0)
		buf_printf(err, "must be %ld to %ld bytes long", f->min, f->max);
	else
		buf_printf(err, "must be at most %ld bytes long", f->max);
	return -1;
}

static int choice_ok(const struct field *f, const char *s)
{
	for (const char *const *c = f->choices; *c; c++)
		if (!strcmp(*c, s))
			return 0;
	return -1;
}

/* A value of the wrong type or form: what the field wants, in words. */
static int wrong(const struct field *f, const char *where, struct buf *err)
{
	path(err, where, f->key);
	switch (f->kind) {
	case FIELD_INT:
		buf_puts(err, "must be a whole number ");
		if (f->unit)
			buf_printf(err, "of %s ", f->unit);
		buf_printf(err, "from %ld to %ld", f->min, f->max);
		break;
	case FIELD_BOOL: buf_puts(err, "must be true or false"); break;
	case FIELD_CHOICE:
		buf_puts(err, "must be ");
		for (size_t i = 0; f->choices[i]; i++)
			buf_printf(err, "%s%s", i == 0 ? "" : f->choices[i + 1] ? ", " : " or ", f->choices[i]);
		break;
	case FIELD_IDENT:
		buf_printf(err, "must match [a-z0-9][a-z0-9_-]{0,%ld}", (f->max ? f->max : IDENT_MAX) - 1);
		break;
	case FIELD_ARRAY: buf_puts(err, "must be an array"); break;
	case FIELD_OBJECT: buf_puts(err, "must be an object"); break;
	case FIELD_TEXT: buf_puts(err, "must be a string"); break;
	case FIELD_ANY: buf_puts(err, "must be a JSON value"); break;
	}
	return -1;
}

static int bool_text(const char *s, long *out)
{
	static const char *const yes[] = {"1", "true", "on"}, *const no[] = {"0", "false", "off"};
	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return 0;
		}
	}
	return -1;
}

/* Records a value that passed. */
static int keep(struct field_value *out, const char *text)
{
	if (out->text)
		explicit_bzero(out->text, strlen(out->text));
	free(out->text);
	out->text = xstrdup(text);
	out->present = 1;
	return 0;
}

int field_check_text(const struct field *f, const char *where, const char *text, struct field_value *out,
		     struct buf *err)
{
	int bad;
	switch (f->kind) {
	case FIELD_TEXT: return text_ok(f, where, text, err) ? -1 : keep(out, text);
	case FIELD_INT: bad = parse_long(text, f->min, f->max, &out->number); break;
	case FIELD_CHOICE: bad = choice_ok(f, text); break;
	case FIELD_IDENT: bad = !ident_valid(text) || (f->max && (long)strlen(text) > f->max); break;
	case FIELD_BOOL: bad = bool_text(text, &out->number); break;
	default: /* a list, an object or any JSON has no text form */ bad = 1;
	}
	return bad ? wrong(f, where, err) : keep(out, text);
}

/* Every required field present; else the first missing one named. */
static int required_ok(const struct field *table, const char *where, const struct field_value *out, struct buf *err)
{
	for (size_t i = 0; table[i].key; i++) {
		if (table[i].required && !out[i].present) {
			path(err, where, table[i].key);
			buf_puts(err, "required");
			return -1;
		}
	}
	return 0;
}

struct form_check {
	const struct field *table;
	enum fields_unknown unknown;
	struct field_value *out;
	struct buf *err;
	struct buf value;
};

static int form_field(const char *name, const char *value, size_t vlen, void *ctx)
{
	struct form_check *c = ctx;
	size_t at;
	const struct field *f = field_find(c->table, name, &at);
	if (!f) {
		if (c->unknown == FIELDS_OPEN)
			return 0;
		unknown_parameter(c->table, name, c->err);
		return 1;
	}
	if (c->out[at].present) /* the first occurrence wins */
		return 0;
	buf_reset(&c->value);
	if (value && form_decode(value, vlen, &c->value)) {
		path(c->err, NULL, name);
		buf_puts(c->err, "malformed: a bad %-escape or a NUL byte");
		return 1;
	}
	return field_check_text(f, NULL, buf_str(&c->value), &c->out[at], c->err) ? 1 : 0;
}

int fields_form(const struct field *table, enum fields_unknown unknown, const char *text, size_t len,
		struct field_value *out, struct buf *err)
{
	struct form_check c = {table, unknown, out, err, {0}};
	memset(out, 0, fields_count(table) * sizeof *out);
	int rc = form_each(text ? text : "", text ? len : 0, form_field, &c);
	if (c.value.data)
		explicit_bzero(c.value.data, c.value.cap);
	buf_free(&c.value);
	if (rc < 0) {
		buf_reset(err);
		buf_printf(err, "malformed: a name with a bad %%-escape or a NUL byte, or more than %d fields",
			   FORM_MAX_FIELDS);
	}
	if (rc || required_ok(table, NULL, out, err)) {
		fields_free(out, fields_count(table));
		return -1;
	}
	return 0;
}

static int json_fits(const struct field *f, json_object *v)
{
	if (f->kind == FIELD_ANY)
		return 1;
	switch (json_object_get_type(v)) {
	case json_type_int: return f->kind == FIELD_INT;
	case json_type_boolean: return f->kind == FIELD_BOOL;
	case json_type_array: return f->kind == FIELD_ARRAY;
	case json_type_object: return f->kind == FIELD_OBJECT;
	case json_type_string: return f->kind == FIELD_TEXT || f->kind == FIELD_CHOICE || f->kind == FIELD_IDENT;
	default: return 0;
	}
}

/* One JSON value against its field. */
static int json_field(const struct field *f, const char *where, json_object *v, struct field_value *out,
		      struct buf *err)
{
	if (!json_fits(f, v))
		return wrong(f, where, err);
	out->json = v;
	out->present = 1;
	switch (f->kind) {
	case FIELD_BOOL: out->number = json_object_get_boolean(v); return 0;
	case FIELD_INT: {
		/* json-c clamps what int64 cannot hold: still out of range. */
		int64_t n = json_object_get_int64(v);
		if (n < f->min || n > f->max)
			return wrong(f, where, err);
		out->number = (long)n;
		return 0;
	}
	case FIELD_ARRAY:
	case FIELD_OBJECT:
	case FIELD_ANY: return 0;
	default: {
		/* A string holding "\u0000" would be cut short as a C string. */
		const char *s = json_object_get_string(v);
		if (strlen(s) != (size_t)json_object_get_string_len(v)) {
			path(err, where, f->key);
			buf_puts(err, "must not contain a NUL byte");
			return -1;
		}
		return field_check_text(f, where, s, out, err);
	}
	}
}

int fields_json(const struct field *table, enum fields_unknown unknown, json_object *o, const char *where,
		struct field_value *out, struct buf *err)
{
	size_t n = fields_count(table), at;
	memset(out, 0, n * sizeof *out);
	if (!json_object_is_type(o, json_type_object)) {
		path(err, where, NULL);
		buf_puts(err, "must be an object");
		return -1;
	}
	json_object_object_foreach (o, key, val) {
		const struct field *f = field_find(table, key, &at);
		int bad = 0;
		if (!f && unknown == FIELDS_STRICT) {
			unknown_key(table, where, key, err);
			bad = 1;
		} else if (f && json_field(f, where, val, &out[at], err)) {
			bad = 1;
		}
		if (bad) {
			fields_free(out, n);
			return -1;
		}
	}
	if (required_ok(table, where, out, err)) {
		fields_free(out, n);
		return -1;
	}
	return 0;
}

void fields_free(struct field_value *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* A form may carry a password: no copy outlives its reader. */
		if (out[i].text)
			explicit_bzero(out[i].text, strlen(out[i].text));
		free(out[i].text);
	}
	memset(out, 0, n * sizeof *out);
}
