/* SPDX-License-Identifier: MIT */
/* metrics.h: the app's counters for GET /metrics (cgi/metrics.c). They
 * live in memory that every worker shares with the supervisor (made by
 * metrics_share before the workers fork), as lock-free atomics, so that
 * counting costs a few nanoseconds and no lock. In a process that never
 * calls metrics_share (the CLI) they are private and nobody reads them. */
#ifndef MDASH_METRICS_H
#define MDASH_METRICS_H

enum metric {
	M_PUSHES_STORED,   /* pushes stored and answered 204 */
	M_PUSHES_REFUSED,  /* pushes answered with an error */
	M_PUBLISH_FAILED,  /* widget messages nchan did not take */
	M_DB_ERRORS,       /* database calls that failed */
	M_WORKER_RESTARTS, /* workers the supervisor replaced */
	M_READ_CACHE_HITS,   /* reads answered from the read cache */
	M_READ_CACHE_MISSES, /* reads that went to the database to fill it */
	M_COUNT
};

/* Requests are counted per route (its index in the route table; the last
 * slot for requests that matched none) and per status code. */
#define METRICS_ROUTES 48
/* The push batches' sizes: buckets with these upper bounds, then +Inf. */
#define METRICS_BATCH_BOUNDS                                                                                           \
	{                                                                                                              \
		1, 2, 4, 8, 16, 32, 64, 128, 256                                                                       \
	}
#define METRICS_BATCH_BUCKETS 10
/* The status codes counted one by one; others go to the last slot. */
#define METRICS_STATUSES                                                                                               \
	{                                                                                                              \
		200, 204, 302, 304, 400, 401, 403, 404, 405, 409, 413, 429, 500, 502, 503                              \
	}
#define METRICS_STATUS_SLOTS 16

/* Names a route's slot (its method and pattern, kept as given), in the
 * process that then forks the workers. Slots past METRICS_ROUTES - 2 and
 * requests of no route share the last one. */
void metrics_name_route(const char *method, const char *pattern);
/* The slot of a named route, or the last slot. */
int metrics_route_slot(const char *method, const char *pattern);
int metrics_nroutes(void);
const char *metrics_route_method(int slot);
const char *metrics_route_pattern(int slot);

/* 0, or -1 when no shared memory could be had (the counters stay private:
 * each worker then reports only its own). */
int metrics_share(void);

void metrics_add(enum metric m, unsigned long n);
void metrics_request(int route, int status);
void metrics_batch(int size);

/* Reading, for the scrape. */
unsigned long long metrics_get(enum metric m);
unsigned long long metrics_requests(int route, int slot);
/* The status code of a slot (0 for "any other"). */
int metrics_status_of(int slot);
/* Cumulative count of batches of at most bound[i] pushes, and the sums. */
unsigned long long metrics_batch_bucket(int i);
int metrics_batch_bound(int i); /* 0 for +Inf */
unsigned long long metrics_batch_count(void);
unsigned long long metrics_batch_sum(void);

#endif
