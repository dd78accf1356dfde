/* SPDX-License-Identifier: MIT */
/* router.c: matches a path against the route table (see router.h). */
#include "router.h"

#include <string.h>

#include "util.h"

static const char *const param_names[ROUTE_PARAMS] = {
	[P_DASHBOARD] = "dashboard", [P_WIDGET] = "widget", [P_SHARE] = "share",
	[P_USER] = "user",           [P_TOKEN] = "token",   [P_ID] = "id",
};

/* The parameter that *pat opens ("{widget}..."), its length in *len; -1
 * when *pat is not a known parameter. */
static int param_at(const char *pat, size_t *len)
{
	if (*pat != '{')
		return -1;
	for (int p = 0; p < ROUTE_PARAMS; p++) {
		size_t n = strlen(param_names[p]);
		if (!strncmp(pat + 1, param_names[p], n) && pat[1 + n] == '}') {
			*len = n + 2;
			return p;
		}
	}
	return -1;
}

/* Matches one pattern; returns 1 and fills params on a match. */
static int match(const char *pat, const char *path, char params[ROUTE_PARAMS][IDENT_MAX + 1])
{
	for (int p = 0; p < ROUTE_PARAMS; p++)
		params[p][0] = '\0';
	while (*pat && *path) {
		size_t plen;
		int p = param_at(pat, &plen);
		if (p >= 0) {
			size_t n = strcspn(path, "/");
			if (!ident_validn(path, n))
				return 0;
			memcpy(params[p], path, n);
			params[p][n] = '\0';
			pat += plen;
			path += n;
		} else if (*pat++ != *path++) {
			return 0;
		}
	}
	return *pat == '\0' && *path == '\0';
}

enum route_result route_match(const struct route *table, int n, const char *method, const char *path,
			      const struct route **found, char params[ROUTE_PARAMS][IDENT_MAX + 1])
{
	enum route_result res = ROUTE_NOT_FOUND;
	const char *m = strcmp(method, "HEAD") ? method : "GET";
	for (int i = 0; i < n; i++) {
		if (!match(table[i].pattern, path, params))
			continue;
		if (!strcmp(table[i].method, m)) {
			*found = &table[i];
			return ROUTE_FOUND;
		}
		res = ROUTE_BAD_METHOD;
	}
	for (int p = 0; p < ROUTE_PARAMS; p++)
		params[p][0] = '\0';
	return res;
}

int route_table_check(const struct route *table, int n, const char **bad)
{
	for (int i = 0; i < n; i++) {
		int seen[ROUTE_PARAMS] = {0};
		for (const char *s = table[i].pattern; *s; s++) {
			size_t len;
			int p = param_at(s, &len);
			if (*s == '{' && (p < 0 || seen[p]++)) {
				*bad = table[i].pattern;
				return -1;
			}
			if (p >= 0)
				s += len - 1;
		}
	}
	return 0;
}

char *route_label(const struct route *route)
{
	struct buf out = {0};
	for (const char *s = route->pattern; *s; s++) {
		size_t len;
		if (param_at(s, &len) >= 0) {
			buf_puts(&out, "{id}");
			s += len - 1;
		} else {
			buf_putc(&out, *s);
		}
	}
	return buf_steal(&out);
}
