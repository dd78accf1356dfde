/* SPDX-License-Identifier: MIT */
/* metrics.c: counters shared by the app's processes (see metrics.h). */
#include "metrics.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

struct counters {
	atomic_ullong value[M_COUNT];
	atomic_ullong requests[METRICS_ROUTES][METRICS_STATUS_SLOTS];
	atomic_ullong batch_bucket[METRICS_BATCH_BUCKETS]; /* not cumulative: one per bucket */
	atomic_ullong batch_count, batch_sum;
};

static struct counters own;
static struct counters *c = &own;
static const int statuses[] = METRICS_STATUSES;
static const int bounds[] = METRICS_BATCH_BOUNDS;
#define NSTATUSES (int)(sizeof statuses / sizeof statuses[0])
#define NBOUNDS (int)(sizeof bounds / sizeof bounds[0])
_Static_assert(NSTATUSES + 1 == METRICS_STATUS_SLOTS, "one slot per status code, and one for the rest");
_Static_assert(NBOUNDS + 1 == METRICS_BATCH_BUCKETS, "one bucket per bound, and +Inf");

/* Set before the workers fork, read-only after: no lock needed. */
static struct route_name {
	const char *method, *pattern;
} names[METRICS_ROUTES - 1];
static int nnames;

void metrics_name_route(const char *method, const char *pattern)
{
	if (nnames < METRICS_ROUTES - 1 && metrics_route_slot(method, pattern) == METRICS_ROUTES - 1)
		names[nnames++] = (struct route_name){method, pattern};
}

int metrics_route_slot(const char *method, const char *pattern)
{
	for (int i = 0; i < nnames; i++)
		if (!strcmp(names[i].pattern, pattern) && !strcmp(names[i].method, method))
			return i;
	return METRICS_ROUTES - 1;
}

int metrics_nroutes(void)
{
	return nnames;
}

const char *metrics_route_method(int slot)
{
	return slot < nnames ? names[slot].method : "";
}

const char *metrics_route_pattern(int slot)
{
	return slot < nnames ? names[slot].pattern : "";
}

int metrics_share(void)
{
	void *p = mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	c = p; /* zeroed by the kernel */
	return 0;
}

void metrics_add(enum metric m, unsigned long n)
{
	atomic_fetch_add_explicit(&c->value[m], n, memory_order_relaxed);
}

static int slot_of(int status)
{
	for (int i = 0; i < NSTATUSES; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUSES;
}

void metrics_request(int route, int status)
{
	if (route < 0 || route >= METRICS_ROUTES)
		route = METRICS_ROUTES - 1;
	atomic_fetch_add_explicit(&c->requests[route][slot_of(status)], 1, memory_order_relaxed);
}

void metrics_batch(int size)
{
	int i = 0;
	while (i < NBOUNDS && size > bounds[i])
		i++;
	atomic_fetch_add_explicit(&c->batch_bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->batch_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->batch_sum, (unsigned long long)size, memory_order_relaxed);
}

unsigned long long metrics_get(enum metric m)
{
	return atomic_load_explicit(&c->value[m], memory_order_relaxed);
}

unsigned long long metrics_requests(int route, int slot)
{
	return atomic_load_explicit(&c->requests[route][slot], memory_order_relaxed);
}

int metrics_status_of(int slot)
{
	return slot < NSTATUSES ? statuses[slot] : 0;
}

unsigned long long metrics_batch_bucket(int i)
{
	unsigned long long sum = 0;
	for (int k = 0; k <= i; k++)
		sum += atomic_load_explicit(&c->batch_bucket[k], memory_order_relaxed);
	return sum;
}

int metrics_batch_bound(int i)
{
	return i < NBOUNDS ? bounds[i] : 0;
}

unsigned long long metrics_batch_count(void)
{
	return atomic_load_explicit(&c->batch_count, memory_order_relaxed);
}

unsigned long long metrics_batch_sum(void)
{
	return atomic_load_explicit(&c->batch_sum, memory_order_relaxed);
}
