/* SPDX-License-Identifier: MIT */
/* source.c: the source kinds' shared half: lookup, validation, mapping. */
#include "source.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static const struct md_source_kind *const kinds[] = {&source_http, &source_exec, &source_sql, &source_prometheus,
						     &source_push};

const struct md_source_kind *source_find(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i]->name, kind))
			return kinds[i];
	return NULL;
}

static int key_known(const struct md_source_kind *k, const char *key)
{
	if (!strcmp(key, "kind"))
		return 1;
	for (const char *const *p = k->keys; p && *p; p++)
		if (!strcmp(*p, key))
			return 1;
	return 0;
}

static int pointer_ok(json_object *p)
{
	const char *s = json_object_get_string(p);
	return json_object_is_type(p, json_type_string) && (s[0] == '\0' || s[0] == '/');
}

/* "pointer" and "fields" are shared by every kind that fetches a document. */
static int validate_mapping(json_object *src, struct buf *err)
{
	json_object *p, *f;
	if (json_object_object_get_ex(src, "pointer", &p) && !pointer_ok(p)) {
		buf_puts(err, "source.pointer: must be a JSON pointer such as \"/data/count\"");
		return -1;
	}
	if (json_object_object_get_ex(src, "fields", &f)) {
		if (!json_object_is_type(f, json_type_object)) {
			buf_puts(err, "source.fields: must be an object of field name to JSON pointer");
			return -1;
		}
		json_object_object_foreach (f, key, val) {
			if (!pointer_ok(val)) {
				buf_printf(err, "source.fields.%s: must be a JSON pointer such as \"/data/count\"",
					   key);
				return -1;
			}
		}
	}
	return 0;
}

int source_validate(json_object *src, struct buf *err)
{
	json_object *k;
	if (!json_object_is_type(src, json_type_object)) {
		buf_puts(err, "source: must be an object with a \"kind\"");
		return -1;
	}
	if (!json_object_object_get_ex(src, "kind", &k) || !json_object_is_type(k, json_type_string)) {
		buf_puts(err, "source.kind: missing (http, exec, sql or push)");
		return -1;
	}
	const struct md_source_kind *kind = source_find(json_object_get_string(k));
	if (!kind) {
		buf_printf(err, "source.kind: unknown kind \"%s\" (http, exec, sql or push)",
			   json_object_get_string(k));
		return -1;
	}
	json_object_object_foreach (src, key, val) {
		(void)val;
		if (!key_known(kind, key)) {
			buf_printf(err, "source.%s: unknown key for a %s source", key, kind->name);
			return -1;
		}
	}
	if (kind->fetch && validate_mapping(src, err))
		return -1;
	return kind->validate ? kind->validate(src, err) : 0;
}

static int lookup(json_object *doc, json_object *ptr, json_object **out, struct buf *err)
{
	const char *p = json_object_get_string(ptr);
	if (json_pointer_get(doc, p, out) != 0) {
		buf_printf(err, "nothing at %s in the response", p);
		return -1;
	}
	return 0;
}

int source_map(json_object *doc, json_object *src, const char *value_field, json_object **fields, struct buf *err)
{
	json_object *f, *p, *v;
	*fields = NULL;
	if (json_object_object_get_ex(src, "fields", &f)) {
		json_object *out = json_object_new_object();
		json_object_object_foreach (f, key, ptr) {
			if (lookup(doc, ptr, &v, err)) {
				json_object_put(out);
				return -1;
			}
			json_object_object_add(out, key, json_object_get(v));
		}
		*fields = out;
		return 0;
	}
	v = doc;
	if (json_object_object_get_ex(src, "pointer", &p) && lookup(doc, p, &v, err))
		return -1;
	if (json_object_is_type(v, json_type_object)) {
		*fields = json_object_get(v);
		return 0;
	}
	*fields = json_object_new_object();
	json_object_object_add(*fields, value_field, json_object_get(v));
	return 0;
}

json_object *source_parse(const char *text, size_t len, struct buf *err)
{
	size_t bad;
	/* Stricter than json-c, and as strict as the database. */
	if (!utf8_valid(text, len, &bad)) {
		buf_printf(err, "invalid UTF-8 at byte %zu", bad);
		return NULL;
	}
	json_tokener *tok = json_tokener_new_ex(32);
	if (!tok) {
		buf_puts(err, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	/* A bare number ("42") may go on; the end of input ends it. */
	if (!o && e == json_tokener_continue) {
		o = json_tokener_parse_ex(tok, " ", 1);
		e = json_tokener_get_error(tok);
	}
	if (!o || e != json_tokener_success) {
		buf_printf(err, "invalid JSON at byte %zu: %s", e == json_tokener_continue ? len : end,
			   e == json_tokener_continue ? "unexpected end" : json_tokener_error_desc(e));
		json_object_put(o);
		o = NULL;
	} else if (end < len) {
		/* Trailing bytes after a complete document: allow only whitespace. */
		for (size_t i = end; i < len; i++)
			if (!strchr(" \t\r\n", text[i])) {
				buf_printf(err, "invalid JSON at byte %zu: trailing data", i);
				json_object_put(o);
				o = NULL;
				break;
			}
	}
	json_tokener_free(tok);
	return o;
}

/* The largest integer every JSON reader keeps exactly (RFC 7493: an IEEE
 * double's 53 bits, which is all a browser has). */
#define EXACT_INT_MAX 9007199254740991LL

/* Appends a JSON pointer step for key to path (RFC 6901: "~" is "~0" and
 * "/" is "~1"), cut short so that an error message stays readable. */
static void pointer_step(struct buf *path, const char *key)
{
	buf_putc(path, '/');
	for (size_t i = 0; key[i]; i++) {
		if (i == 64) {
			buf_puts(path, "...");
			return;
		}
		if (key[i] == '~')
			buf_puts(path, "~0");
		else if (key[i] == '/')
			buf_puts(path, "~1");
		else
			buf_putc(path, key[i]);
	}
}

static int numbers_ok(json_object *o, struct buf *path, struct buf *err)
{
	size_t mark = path->len;
	switch (json_object_get_type(o)) {
	case json_type_double:
		if (isfinite(json_object_get_double(o)))
			return 0;
		buf_printf(err, "%s: %s is not a number JSON allows; send a finite number",
			   path->len ? buf_str(path) : "the document",
			   isnan(json_object_get_double(o)) ? "NaN" : "an infinite number");
		return -1;
	case json_type_int: {
		/* json-c clamps what does not fit 64 bits to INT64_MIN or UINT64_MAX,
		 * and get_int64 clamps uint64 values to INT64_MAX. */
		int64_t v = json_object_get_int64(o);
		if (v >= -EXACT_INT_MAX && v <= EXACT_INT_MAX)
			return 0;
		buf_printf(err,
			   "%s: integer out of range: JSON readers keep integers up to +/-%lld exactly; send a larger "
			   "one with a decimal point or an exponent",
			   path->len ? buf_str(path) : "the document", EXACT_INT_MAX);
		return -1;
	}
	case json_type_array:
		for (size_t i = 0, n = json_object_array_length(o); i < n; i++) {
			buf_printf(path, "/%zu", i);
			if (numbers_ok(json_object_array_get_idx(o, i), path, err))
				return -1;
			buf_truncate(path, mark);
		}
		return 0;
	case json_type_object: {
		json_object_object_foreach (o, key, val) {
			pointer_step(path, key);
			if (numbers_ok(val, path, err))
				return -1;
			buf_truncate(path, mark);
		}
		return 0;
	}
	default: return 0;
	}
}

int source_check_numbers(json_object *o, struct buf *err)
{
	struct buf path = {0};
	int rc = numbers_ok(o, &path, err);
	buf_free(&path);
	return rc;
}

json_object *source_parse_fields(const char *text, size_t len, struct buf *err)
{
	json_object *o = source_parse(text, len, err);
	if (o && !json_object_is_type(o, json_type_object)) {
		buf_puts(err, "must be an object of widget fields, such as {\"current\": 42}");
		json_object_put(o);
		return NULL;
	}
	if (o && source_check_numbers(o, err)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int source_pull(const struct md_widget *w, const char *value_field, struct md_fetch *f, json_object **fields,
		struct buf *err)
{
	json_object *src = widget_source(w);
	const struct md_source_kind *kind = source_find(widget_source_kind(w));
	*fields = NULL;
	if (!kind || !kind->fetch) {
		buf_printf(err, "source kind %s does not pull", widget_source_kind(w));
		return -1;
	}
	struct buf body = {0}, why = {0};
	int rc = kind->fetch(src, f, &body, err);
	if (rc == 0) {
		json_object *doc = source_parse(buf_str(&body), body.len, &why);
		rc = doc ? source_map(doc, src, value_field, fields, &why) : -1;
		/* Only what lands in the widget is checked: the rest of an API's
		 * answer may hold numbers no widget shows (64-bit ids, say). */
		if (rc == 0 && source_check_numbers(*fields, &why)) {
			json_object_put(*fields);
			*fields = NULL;
			rc = -1;
		}
		if (rc) {
			/* Say whose answer it was, as the fetch errors do. */
			json_object *where;
			if (json_object_object_get_ex(src, "url", &where) ||
			    (json_object_object_get_ex(src, "command", &where) &&
			     (where = json_object_array_get_idx(where, 0))))
				buf_printf(err, "%s: ", json_object_get_string(where));
			buf_puts(err, buf_str(&why));
		}
		json_object_put(doc);
	}
	buf_free(&why);
	buf_free(&body);
	return rc;
}
