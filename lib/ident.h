/* SPDX-License-Identifier: MIT */
/* ident.h: the one validator for widget names and dashboard slugs. */
#ifndef MDASH_IDENT_H
#define MDASH_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#define IDENT_MAX 64

/* True when s matches [a-z0-9][a-z0-9_-]{0,63}. */
bool ident_valid(const char *s);
bool ident_validn(const char *s, size_t n);

/* Orders two identifiers as the database's collation (utf8mb4_unicode_ci)
 * orders them in ORDER BY: '_' before '-' before digits before letters, a
 * prefix first. <0, 0 or >0, as strcmp. */
int ident_cmp(const char *a, const char *b);

#endif
