/* SPDX-License-Identifier: MIT */
/* routes.h: the route table and the dispatcher (routes.c). */
#ifndef MDASH_ROUTES_H
#define MDASH_ROUTES_H

#include "request.h"
#include "router.h"

extern const struct route route_table[];
extern const int route_count;

/* Names the request counters' slots after the routes, in the process that
 * then forks the workers (metrics.h). */
void routes_name_metrics(void);

/* Whether the request's route is BATCHED: a push, for the push loop. */
int dispatch_batched(struct req *r);
/* Serves a request of libfcgi's threads (one of a LOCKED route): finds its
 * route, enforces the route's rule and runs the handler, under the worker
 * lock. */
void dispatch(struct req *r);
/* The push loop's halves, for the BATCHED routes only (others get 404
 * there). Begins the request: 1 when its push waits for the batch
 * (r->push), 0 when it is answered. */
int dispatch_begin(struct req *r);
/* Answers a request whose push the batch has stored. */
void dispatch_end(struct req *r);
/* Frees what the request holds once answered. */
void dispatch_free(struct req *r);

#endif
