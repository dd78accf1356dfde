/* SPDX-License-Identifier: MIT */
/* source_json.h: the JSON text that sources, pushes and files bring in,
 * read strictly (source_json.c): errors say where, and numbers are ones
 * every JSON reader takes back exactly. */
#ifndef MDASH_SOURCE_JSON_H
#define MDASH_SOURCE_JSON_H

#include <json-c/json.h>

#include "util.h"

/* Parses a JSON document; errors say where. */
json_object *source_parse(const char *text, size_t len, struct buf *err);
/* 0 when every number in o can be stored and read back exactly: finite
 * (json-c takes NaN and Infinity even when strict) and, for integers,
 * within +/-(2^53 - 1). Else -1 and an error naming the field by its JSON
 * pointer. */
int source_check_numbers(json_object *o, struct buf *err);
/* A widget's fields as pushed or made by a type: a JSON object whose
 * numbers pass source_check_numbers. NULL and why on failure. */
json_object *source_parse_fields(const char *text, size_t len, struct buf *err);

#endif
