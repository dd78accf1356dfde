/* SPDX-License-Identifier: MIT */
/* source_json.c: the JSON text that sources, pushes and files bring in
 * (source_json.h). */
#include "source_json.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

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
