/* SPDX-License-Identifier: MIT */
/* fields.h: the inputs a request or a file may carry, declared once. A
 * table names each field (key, kind, range, required); one call checks a
 * whole JSON object or urlencoded text against it, refusing unknown keys,
 * and hands back the values already parsed, so a handler reads them
 * without parsing again. Every message starts with the field's path:
 * "points: must be a whole number from 1 to 10000",
 * "widgets[2].col: required", "widgets[0]: unknown key \"foo\"",
 * "foo: unknown parameter (since and limit are known)". The known keys
 * are listed when there are at most FIELDS_LIST_MAX of them. */
#ifndef MDASH_FIELDS_H
#define MDASH_FIELDS_H

#include <json-c/json.h>
#include <stddef.h>

#include "util.h"

enum field_kind {
	FIELD_TEXT,   /* a string; min/max bound its length in bytes (max 0: any) */
	FIELD_INT,    /* a whole number in [min, max] */
	FIELD_BOOL,   /* JSON true/false; in a form 1/0, true/false, on/off */
	FIELD_CHOICE, /* one of choices */
	FIELD_IDENT,  /* a widget name or dashboard slug (ident.h); max, when set, bounds it lower */
	FIELD_ARRAY,  /* JSON only: an array, its entries checked by the caller */
	FIELD_OBJECT, /* JSON only: an object, checked by the caller */
	FIELD_ANY,    /* JSON only: any value, checked by the caller */
};

struct field {
	const char *key; /* NULL ends a table */
	enum field_kind kind;
	long min, max;
	int required;
	const char *const *choices; /* FIELD_CHOICE: the values, NULL-ended (never NULL) */
	const char *unit;           /* FIELD_INT, optional: what it counts ("seconds"), for messages */
};

/* A table lists its known keys in an unknown key's message when it has at
 * most this many (a longer list hides the message; the manual has it). */
#define FIELDS_LIST_MAX 6

/* What a check found for one field of a table, at the same index. The
 * array of them owns each text: fields_free releases it. */
struct field_value {
	int present;
	char *text;        /* TEXT, CHOICE, IDENT; in a form also INT and BOOL as given */
	long number;       /* INT; BOOL as 0 or 1 */
	json_object *json; /* the value itself, borrowed from the checked object (JSON only) */
};

/* How a table treats keys it does not declare. */
enum fields_unknown {
	FIELDS_STRICT, /* refused: "<path>: unknown key ..." */
	FIELDS_OPEN,   /* ignored: a page or a proxy may add its own */
};

/* The number of fields of a NULL-ended table. */
size_t fields_count(const struct field *table);

/* The value of key in out (as checked against table); NULL when the table
 * has no such key. */
const struct field_value *fields_get(const struct field *table, const struct field_value *out, const char *key);

/* Checks the urlencoded text (a form body or a query string; NULL reads
 * as empty) against table and fills out[fields_count(table)]. Names and
 * values are %-decoded; the first occurrence of a key wins, later ones
 * are not read. 0, or -1 with a message in err (its first failure) and
 * out released. */
int fields_form(const struct field *table, enum fields_unknown unknown, const char *text, size_t len,
		struct field_value *out, struct buf *err);

/* The same for a JSON object; where is the object's path in messages
 * ("widgets[2]", or NULL or "" at the top). JSON has no duplicate keys
 * once parsed (json-c keeps the last). */
int fields_json(const struct field *table, enum fields_unknown unknown, json_object *o, const char *where,
		struct field_value *out, struct buf *err);

/* Checks one value given as text (a CLI option, a query parameter)
 * against f; where as for fields_json. out must be zeroed or hold an
 * earlier value (replaced). 0, or -1 and err. */
int field_check_text(const struct field *f, const char *where, const char *text, struct field_value *out,
		     struct buf *err);

/* Releases the texts of out[n], wiped first, and zeroes it. */
void fields_free(struct field_value *out, size_t n);

#endif
