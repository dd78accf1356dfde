/* SPDX-License-Identifier: MIT */
/* fuzz_route.c: request paths against the route table's matcher. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"
#include "util.h"

static void h(struct req *r)
{
	(void)r;
}

static const struct route table[] = {
	{"GET", "/", h},
	{"GET", "/d/{id}", h},
	{"POST", "/api/widgets/{id}", h},
	{"GET", "/s/{id}/widget/{id}", h},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = xstrndup((const char *)data, size);
	const struct route *r;
	char params[2][IDENT_MAX + 1];
	int n;
	if (route_match(table, 4, "GET", path, &r, params, 2, &n) == ROUTE_FOUND)
		for (int i = 0; i < n; i++)
			if (!ident_valid(params[i]))
				__builtin_trap();
	free(path);
	return 0;
}
