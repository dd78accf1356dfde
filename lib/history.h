/* SPDX-License-Identifier: MIT */
/* history.h: widget_history, every stored update kept for graphs and
 * "change since" until it is older than History.MaxAge days or beyond the
 * History.Keep newest of its widget: reading it over a time range, in
 * buckets, and its retention. */
#ifndef MDASH_HISTORY_H
#define MDASH_HISTORY_H

#include "config.h"
#include "util.h"

/* Applies both rules to one widget (by id), or to every widget when
 * widget_id is 0. Adds the rows removed to *deleted. */
int history_prune(const struct md_config *cfg, long long widget_id, long long *deleted, struct buf *err);

/* One bucket of a range: the time of its newest update (epoch seconds and
 * ISO-8601 UTC with milliseconds) and its values' newest, least, greatest
 * and mean. */
struct history_point {
	double t;
	char at[32];
	double last, min, max, avg;
};

/* The numeric values of one field of widget_id's updates in [since, until]
 * (epoch seconds) and up to version max_version (0: any), in at most
 * `points` buckets of equal length, oldest first; updates whose field is
 * not a number are left out. The caller frees *out. 0, or -1 (in err). */
int history_read(long long widget_id, const char *field, double since, double until, long long max_version, int points,
		 struct history_point **out, int *n, struct buf *err);

/* A time as the history API and `mdash history` take it: ISO-8601
 * ("2026-12-04T07:00:00Z", "...+01:00", a date alone is its midnight UTC),
 * "now", or relative to now: "-24h", "-90m", "-7d", "-2w", "-30s". Epoch
 * seconds into *out; 0, or -1 when it is none of these. */
int history_time(const char *text, double now, double *out);

/* A request for history, as the API's query and the CLI's options give it:
 * since and until (history_time; NULL: the last 24 hours) and points (NULL:
 * HISTORY_POINTS). Checked against the retention of cfg. */
#define HISTORY_POINTS 500
#define HISTORY_POINTS_MAX 10000
struct history_range {
	double since, until;
	int points;
};
/* 0, or -1 with an error that starts with the parameter's name ("since: "). */
int history_range(const struct md_config *cfg, const char *since, const char *until, const char *points,
		  struct history_range *out, struct buf *err);

/* The answer of GET /api/widgets/<name>/history and `mdash history`:
 * {"widget","field","since","until","points":[{"t","v","min","max","avg"}]},
 * or CSV with the header row t,v,min,max,avg. */
void history_json(const char *widget, const char *field, const struct history_range *range,
		  const struct history_point *p, int n, struct buf *out);
void history_csv(const struct history_point *p, int n, struct buf *out);

#endif
