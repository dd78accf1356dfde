/* SPDX-License-Identifier: MIT */
/* router.h: the route table's matcher. Patterns are literal segments and
 * {id} segments; an {id} matches a widget name or dashboard slug only. */
#ifndef MDASH_ROUTER_H
#define MDASH_ROUTER_H

#include "ident.h"

struct req;

struct route {
	const char *method;
	const char *pattern; /* e.g. "/d/{id}" */
	void (*handler)(struct req *r);
	/* LOCKED: runs under the worker lock (main.c), one request of a worker
	 * at a time. CONCURRENT: runs beside others and takes the lock only
	 * around shared state (the push routes: batch.h). */
	enum route_lock { LOCKED, CONCURRENT } lock;
};

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Finds the route for method and path, copying {id}s into params. HEAD
 * matches GET routes. */
enum route_result route_match(const struct route *table, int n, const char *method, const char *path,
			      const struct route **found, char params[][IDENT_MAX + 1], int maxparams, int *nparams);

#endif
