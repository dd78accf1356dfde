/* SPDX-License-Identifier: MIT */
/* fuzz_route.c: request paths against the real route table (routes.c),
 * with every method. A path that matches a route fills exactly the
 * parameters its pattern names, each a valid identifier; one that matches
 * none fills none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routes.h"
#include "util.h"

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"};
static const char *const names[ROUTE_PARAMS] = {"{dashboard}", "{widget}", "{share}", "{user}", "{token}", "{id}"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = xstrndup((const char *)data, size);
	for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
		const struct route *r;
		char params[ROUTE_PARAMS][IDENT_MAX + 1];
		int found = route_match(route_table, route_count, methods[m], path, &r, params) == ROUTE_FOUND;
		for (int p = 0; p < ROUTE_PARAMS; p++)
			if ((found ? strstr(r->pattern, names[p]) != NULL : 0) != (params[p][0] != '\0') ||
			    (params[p][0] && !ident_valid(params[p])))
				__builtin_trap();
	}
	free(path);
	return 0;
}
