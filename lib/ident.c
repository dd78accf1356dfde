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
