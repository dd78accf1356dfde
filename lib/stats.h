/* SPDX-License-Identifier: MIT */
/* stats.h: the updater's running totals per source kind, kept in the
 * database (the updater is a process of its own, run by cron) for the
 * app's GET /metrics. */
#ifndef MDASH_STATS_H
#define MDASH_STATS_H

#include "util.h"

/* Owns kind (stats_free frees it). */
struct update_stat {
	char *kind; /* a source kind, or a plug-in type's own update */
	unsigned long long updates, failures;
	double seconds; /* the fetches' time, summed */
};

/* Adds a pass's figures (n kinds) to the totals, in one transaction. */
int stats_add(const struct update_stat *s, int n, struct buf *err);
/* Every kind's totals; the caller frees with stats_free. */
int stats_load(struct update_stat **out, int *n, struct buf *err);
void stats_free(struct update_stat *s, int n);

#endif
