/* SPDX-License-Identifier: MIT */
/* router.c: matches a path against the route table (see router.h). */
#include "router.h"

#include <string.h>

/* Matches one pattern; returns 1 and fills params on a match. */
static int match(const char *pat, const char *path, char params[][IDENT_MAX + 1], int maxparams, int *np)
{
	*np = 0;
	while (*pat && *path) {
		if (!strncmp(pat, "{id}", 4)) {
			size_t n = strcspn(path, "/");
			if (*np == maxparams || !ident_validn(path, n))
				return 0;
			memcpy(params[*np], path, n);
			params[(*np)++][n] = '\0';
			pat += 4;
			path += n;
		} else if (*pat++ != *path++) {
			return 0;
		}
	}
	return *pat == '\0' && *path == '\0';
}

enum route_result route_match(const struct route *table, int n, const char *method, const char *path,
			      const struct route **found, char params[][IDENT_MAX + 1], int maxparams, int *nparams)
{
	enum route_result res = ROUTE_NOT_FOUND;
	const char *m = strcmp(method, "HEAD") ? method : "GET";
	for (int i = 0; i < n; i++) {
		if (!match(table[i].pattern, path, params, maxparams, nparams))
			continue;
		if (!strcmp(table[i].method, m)) {
			*found = &table[i];
			return ROUTE_FOUND;
		}
		res = ROUTE_BAD_METHOD;
	}
	*nparams = 0;
	return res;
}
