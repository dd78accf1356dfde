/* SPDX-License-Identifier: MIT */
/* form.h: the parsers of what a browser sends: urlencoded forms and query
 * strings, and the Cookie header. Pure functions on bounded input, so they
 * are unit-tested and fuzzed as they are. */
#ifndef MDASH_FORM_H
#define MDASH_FORM_H

#include <stddef.h>

#include "util.h"

#define FORM_MAX_FIELDS 64

/* Finds field `name` in an application/x-www-form-urlencoded text (a
 * body or a query string) and puts its decoded value in out. Returns 1
 * found, 0 absent, -1 malformed (bad %-escape, a NUL, or more than
 * FORM_MAX_FIELDS fields). */
int form_get(const char *text, size_t len, const char *name, struct buf *out);
/* 1 and the first field name of text that is not in known (a NULL-ended
 * list) in name; 0 when every name is known; -1 when text is malformed. */
int form_unknown(const char *text, size_t len, const char *const *known, struct buf *name);
/* The value of cookie `name` in a Cookie header, undecoded. 1 or 0. */
int cookie_get(const char *header, const char *name, struct buf *out);
/* Percent-encodes s for a query string value. */
void url_encode(struct buf *out, const char *s);

#endif
