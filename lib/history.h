/* SPDX-License-Identifier: MIT */
/* history.h: widget_history, every stored update kept for graphs and
 * "change since", and its roll-ups: per minute and per hour, each widget's
 * count, sum, least, greatest and newest value of its type's main field.
 * Raw rows are kept for History.MaxAge days, at most the History.Keep
 * newest per widget; minute roll-ups for History.MinuteDays, hour roll-ups
 * for History.HourDays (never less than the other two). Reading a range in
 * buckets takes the roll-ups where they fit, so that a range of any length
 * reads a bounded number of rows. */
#ifndef MDASH_HISTORY_H
#define MDASH_HISTORY_H

#include "config.h"
#include "util.h"

/* A widget whose history is kept up (history_widgets). */
struct history_widget {
	long long id;
	char *name, *type;
};
/* Every widget, or with pending only those with updates not yet rolled
 * up; by name. Free with history_widgets_free. */
int history_widgets(int pending, struct history_widget **out, int *n, struct buf *err);
void history_widgets_free(struct history_widget *ws, int n);

/* What maintenance did: updates rolled up, raw rows and roll-up rows
 * deleted. */
struct history_work {
	long long rolled, deleted, rollups_deleted;
};
/* Rolls up w's updates not yet rolled up (its type's main field), then
 * applies retention to its raw rows (only those rolled up go) and its
 * roll-ups; adds to *done. With deadline_ms (now_ms() time, 0: none), the
 * rolling up stops there and the rest waits for the next call. 0; 1 when
 * w's type is not installed (nothing done: its rows stay, err says so);
 * -1 on error. */
int history_maintain(const struct md_config *cfg, const struct history_widget *w, long long deadline_ms,
		     struct history_work *done, struct buf *err);
/* The roll-up part alone: field is what the roll-ups hold (NULL: nothing).
 * Each step of up to 10,000 updates is one transaction with the widget's
 * watermark, so a crash loses or doubles nothing. Adds to *rolled. */
int history_rollup(long long widget_id, const char *field, long long deadline_ms, long long *rolled, struct buf *err);
/* Removes the roll-ups of widgets that no longer exist; adds the rows
 * removed to *deleted. */
int history_forget_deleted(long long *deleted, struct buf *err);

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
 * not a number are left out. Buckets of a minute or more are whole
 * minutes from the epoch (of an hour or more: whole hours), so that they
 * are made of whole roll-ups; the answer is the one the raw rows give,
 * min, max and the newest exactly, the mean as the count-weighted mean of
 * the roll-ups (to the rounding of a sum). Only where retention has
 * deleted the raw rows (the minutes) at the range's very ends are the
 * partial minutes (hours) there left out. The caller frees *out. 0, or -1
 * (in err). */
int history_read(long long widget_id, const char *field, double since, double until, long long max_version, int points,
		 struct history_point **out, int *n, struct buf *err);

/* A time as the history API and `mdash history` take it: ISO-8601
 * ("2026-12-04T07:00:00Z", "...+01:00", a date alone is its midnight UTC),
 * "now", or relative to now: "-24h", "-90m", "-7d", "-2w", "-30s". Epoch
 * seconds into *out; 0, or -1 when it is none of these. */
int history_time(const char *text, double now, double *out);

/* A request for history, as the API's query and the CLI's options give it:
 * since and until (history_time; NULL: the last 24 hours) and points (NULL:
 * HISTORY_POINTS). Checked against the retention of cfg: since may reach
 * back as far as the longest of History.MaxAge, .MinuteDays, .HourDays. */
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
