/* SPDX-License-Identifier: MIT */
/* source.c: the source kinds' shared half: lookup, validation, mapping. */
#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "wtype.h"

static const struct md_source_kind *const kinds[] = {&source_http, &source_exec, &source_sql, &source_prometheus,
						     &source_push};

const struct md_source_kind *source_find(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i]->name, kind))
			return kinds[i];
	return NULL;
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

/* A kind's whole table: "kind", its own keys, then "pointer" and "fields"
 * when it maps what it fetches. The caller frees it; n is its length. */
static struct field *kind_table(const struct md_source_kind *k, size_t *n)
{
	static const struct field kind = {.key = "kind", .kind = FIELD_TEXT, .required = 1};
	static const struct field mapping[] = {{.key = "pointer", .kind = FIELD_ANY},
					       {.key = "fields", .kind = FIELD_ANY}};
	size_t own = k->fields ? fields_count(k->fields) : 0;
	struct field *t = xcalloc(own + 4, sizeof *t);
	t[0] = kind;
	if (own)
		memcpy(t + 1, k->fields, own * sizeof *t);
	if (k->maps)
		memcpy(t + 1 + own, mapping, sizeof mapping);
	*n = fields_count(t);
	return t;
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
	size_t n;
	struct field *table = kind_table(kind, &n);
	struct field_value *in = xcalloc(n, sizeof *in);
	int rc = fields_json(table, FIELDS_STRICT, src, "source", in, err);
	fields_free(in, n);
	free(in);
	free(table);
	if (rc)
		return -1;
	if (kind->maps && validate_mapping(src, err))
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

enum source_way source_way(const struct md_widget *w, const struct mdash_widget_type **type)
{
	const struct mdash_widget_type *t = wtype_find(w->type);
	const struct md_source_kind *k = source_find(widget_source_kind(w));
	*type = t;
	if (t && t->update && !strcmp(widget_source_kind(w), t->name))
		return SOURCE_BY_TYPE;
	if (!t)
		return SOURCE_TYPE_UNKNOWN;
	if (!k)
		return SOURCE_KIND_UNKNOWN;
	return k->fetch ? SOURCE_BY_FETCH : SOURCE_PUSHED;
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
