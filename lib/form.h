/* SPDX-License-Identifier: MIT */
/* form.h: the parsers of what a browser sends: urlencoded forms and query
 * strings, and the Cookie header. Pure functions on bounded input, so they
 * are unit-tested and fuzzed as they are. */
#ifndef MDASH_FORM_H
#define MDASH_FORM_H

#include <stddef.h>

#include "util.h"

#define FORM_MAX_FIELDS 64

/* Calls fn for each field of text in order, with its decoded name and the
 * undecoded value (or NULL when it has no '='), until fn returns non-zero.
 * Returns what fn returned last, or -1 when text is malformed (a bad
 * escape in a name, or more than FORM_MAX_FIELDS fields). */
int form_each(const char *text, size_t len, int (*fn)(const char *name, const char *value, size_t vlen, void *ctx),
	      void *ctx);
/* Appends the decoded s[0..n) to out: '+' is a space, %XX a byte. 0, or
 * -1 for a bad escape or a NUL. */
int form_decode(const char *s, size_t n, struct buf *out);
/* Finds field `name` in an application/x-www-form-urlencoded text (a
 * body or a query string) and puts its decoded value in out. Returns 1
 * found, 0 absent, -1 malformed (bad %-escape, a NUL, or more than
 * FORM_MAX_FIELDS fields). */
int form_get(const char *text, size_t len, const char *name, struct buf *out);
/* The value of cookie `name` in a Cookie header, undecoded. 1 or 0. */
int cookie_get(const char *header, const char *name, struct buf *out);
/* Percent-encodes s for a query string value. */
void url_encode(struct buf *out, const char *s);

#endif
