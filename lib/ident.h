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

#endif
