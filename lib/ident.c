/* SPDX-License-Identifier: MIT */
/* ident.c: widget names and dashboard slugs are [a-z0-9][a-z0-9_-]{0,63}.
 * They appear in URLs, channel ids and X-Accel-Redirect headers, so this
 * check is what keeps '%', '/', ',' and CR/LF out of all of them. */
#include "ident.h"

#include <string.h>

static bool lead(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool ident_validn(const char *s, size_t n)
{
	if (!s || n == 0 || n > IDENT_MAX || !lead(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!lead(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

bool ident_valid(const char *s)
{
	return s && ident_validn(s, strlen(s));
}

/* A character's place in the collation's order; outside the identifiers'
 * characters (never in a valid one), after them in byte order. */
static int rank(unsigned char c)
{
	if (c == '_')
		return 0;
	if (c == '-')
		return 1;
	if (c >= '0' && c <= '9')
		return 2 + (c - '0');
	if (c >= 'a' && c <= 'z')
		return 12 + (c - 'a');
	return 38 + c;
}

int ident_cmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	if (!*a || !*b)
		return (unsigned char)*a - (unsigned char)*b;
	return rank((unsigned char)*a) - rank((unsigned char)*b);
}
