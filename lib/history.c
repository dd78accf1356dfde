/* SPDX-License-Identifier: MIT */
/* history.c: retention of widget_history (see history.h). */
#include "history.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "db.h"

/* Rows beyond the newest `keep` of one widget. */
static int prune_count(long long widget_id, long keep, long long *deleted, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT id FROM widget_history WHERE widget_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
		    DB_PARAMS(DB_I(widget_id), DB_I(keep)), &r, err))
		return -1;
	long long cut = r.nrows ? db_cell_int(&r, 0, 0, 0) : 0;
	db_result_free(&r);
	if (!cut)
		return 0;
	if (db_exec("DELETE FROM widget_history WHERE widget_id = ? AND id <= ?", DB_PARAMS(DB_I(widget_id), DB_I(cut)),
		    &r, err))
		return -1;
	*deleted += (long long)r.affected;
	return 0;
}

int history_prune(const struct md_config *cfg, long long widget_id, long long *deleted, struct buf *err)
{
	struct db_result r;
	if (widget_id) {
		if (db_exec("DELETE FROM widget_history WHERE widget_id = ? AND created_at < UTC_TIMESTAMP(3) - "
			    "INTERVAL ? DAY",
			    DB_PARAMS(DB_I(widget_id), DB_I(cfg->history_days)), &r, err))
			return -1;
		*deleted += (long long)r.affected;
		return prune_count(widget_id, cfg->history_keep, deleted, err);
	}
	if (db_exec("DELETE FROM widget_history WHERE created_at < UTC_TIMESTAMP(3) - INTERVAL ? DAY",
		    DB_PARAMS(DB_I(cfg->history_days)), &r, err))
		return -1;
	*deleted += (long long)r.affected;
	if (db_exec("SELECT id FROM widgets", DB_NOPARAMS, &r, err))
		return -1;
	int rc = 0;
	for (int i = 0; i < r.nrows && rc == 0; i++)
		rc = prune_count(db_cell_int(&r, i, 0, 0), cfg->history_keep, deleted, err);
	db_result_free(&r);
	return rc;
}

/* Epoch seconds as MariaDB's DATETIME(3) text, in UTC as the rows are. */
static void datetime_text(double t, char out[64])
{
	long long ms = llround(t * 1000);
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(out, 64, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

int history_read(long long widget_id, const char *field, double since, double until, long long max_version, int points,
		 struct history_point **out, int *n, struct buf *err)
{
	struct db_result r;
	struct buf path = {0};
	char from[64], to[64];
	double width = points > 0 && until > since ? (until - since) / points : 1;
	*out = NULL;
	*n = 0;
	buf_printf(&path, "$.%s", field);
	datetime_text(since, from);
	datetime_text(until, to);
	/* Epoch seconds from TIMESTAMPDIFF, not UNIX_TIMESTAMP, which would read
	 * the UTC rows in the connection's time zone. A field counts when it is
	 * a JSON number or a string that reads as one. */
	int rc = db_exec(
		"SELECT FLOOR((TIMESTAMPDIFF(MICROSECOND, '1970-01-01', created_at) / 1e6 - ?) / ?) AS b, "
		"TIMESTAMPDIFF(MICROSECOND, '1970-01-01', MAX(created_at)) / 1e6, "
		"CONCAT(LEFT(DATE_FORMAT(MAX(created_at), '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "
		"SUBSTRING_INDEX(GROUP_CONCAT(v ORDER BY id DESC SEPARATOR ' '), ' ', 1), MIN(v), MAX(v), AVG(v) "
		"FROM (SELECT id, created_at, CAST(JSON_VALUE(data, ?) AS DOUBLE) AS v FROM widget_history "
		"WHERE widget_id = ? AND created_at BETWEEN ? AND ? AND (? = 0 OR version <= ?) AND "
		"(JSON_TYPE(JSON_EXTRACT(data, ?)) IN "
		"('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE') OR JSON_VALUE(data, ?) REGEXP "
		"'^-?[0-9]+(\\\\.[0-9]+)?([eE][-+]?[0-9]+)?$')) AS h "
		"GROUP BY b ORDER BY b",
		DB_PARAMS(DB_D(since), DB_D(width), DB_S(path.data), DB_I(widget_id), DB_S(from), DB_S(to),
			  DB_I(max_version), DB_I(max_version), DB_S(path.data), DB_S(path.data)),
		&r, err);
	buf_free(&path);
	if (rc)
		return -1;
	*out = xcalloc((size_t)r.nrows + 1, sizeof **out);
	for (int i = 0; i < r.nrows; i++) {
		struct history_point *p = &(*out)[i];
		p->t = strtod(db_cell(&r, i, 1), NULL);
		snprintf(p->at, sizeof p->at, "%s", db_cell(&r, i, 2));
		p->last = strtod(db_cell(&r, i, 3), NULL);
		p->min = strtod(db_cell(&r, i, 4), NULL);
		p->max = strtod(db_cell(&r, i, 5), NULL);
		p->avg = strtod(db_cell(&r, i, 6), NULL);
	}
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

/* "-24h" and the like: a duration before now. */
static int relative_time(const char *s, double now, double *out)
{
	long secs;
	if (s[0] != '-' || parse_duration(s + 1, &secs))
		return -1;
	*out = now - (double)secs;
	return 0;
}

int history_time(const char *text, double now, double *out)
{
	if (!text || strlen(text) > 64)
		return -1;
	if (!strcmp(text, "now")) {
		*out = now;
		return 0;
	}
	/* A time needs a zone: a zone-less time would be read differently on
	 * every machine. */
	return text[0] == '-' ? relative_time(text, now, out) : parse_iso_time(text, 1, out);
}

int history_range(const struct md_config *cfg, const char *since, const char *until, const char *points,
		  struct history_range *out, struct buf *err)
{
	double now = now_wall();
	long n = HISTORY_POINTS;
	if (history_time(until ? until : "now", now, &out->until)) {
		buf_puts(err,
			 "until: not a time: use ISO-8601 such as 2026-12-04T07:00:00Z, \"now\", or -24h, -90m, -7d");
		return -1;
	}
	if (history_time(since ? since : "-24h", now, &out->since)) {
		buf_puts(err,
			 "since: not a time: use ISO-8601 such as 2026-12-04T07:00:00Z, \"now\", or -24h, -90m, -7d");
		return -1;
	}
	if (points && parse_long(points, 1, HISTORY_POINTS_MAX, &n)) {
		buf_printf(err, "points: must be a whole number from 1 to %d", HISTORY_POINTS_MAX);
		return -1;
	}
	if (out->since >= out->until) {
		buf_puts(err, "since: must be before until");
		return -1;
	}
	/* A second of slack: "-90d" read a moment after the cut-off. */
	if (out->since < now - (double)cfg->history_days * 86400 - 1) {
		buf_printf(err, "since: before the oldest history kept (History.MaxAge is %ld days)",
			   cfg->history_days);
		return -1;
	}
	out->points = (int)n;
	return 0;
}

/* A number as JSON and CSV show it: no more digits than a double holds. */
static void number_text(double v, char out[32])
{
	snprintf(out, 32, "%.15g", v);
}

static json_object *number(double v)
{
	char text[32];
	number_text(v, text);
	return json_object_new_double_s(v, text);
}

static json_object *iso(double t)
{
	char text[64], at[32];
	datetime_text(t, text);
	/* "YYYY-MM-DD HH:MM:SS.mmm" to ISO-8601 UTC */
	snprintf(at, sizeof at, "%.10sT%.12sZ", text, text + 11);
	return json_object_new_string(at);
}

void history_json(const char *widget, const char *field, const struct history_range *range,
		  const struct history_point *p, int n, struct buf *out)
{
	json_object *o = json_object_new_object(), *list = json_object_new_array();
	json_object_object_add(o, "widget", json_object_new_string(widget));
	json_object_object_add(o, "field", json_object_new_string(field));
	json_object_object_add(o, "since", iso(range->since));
	json_object_object_add(o, "until", iso(range->until));
	for (int i = 0; i < n; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "t", json_object_new_string(p[i].at));
		json_object_object_add(e, "v", number(p[i].last));
		json_object_object_add(e, "min", number(p[i].min));
		json_object_object_add(e, "max", number(p[i].max));
		json_object_object_add(e, "avg", number(p[i].avg));
		json_object_array_add(list, e);
	}
	json_object_object_add(o, "points", list);
	buf_puts(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void history_csv(const struct history_point *p, int n, struct buf *out)
{
	buf_puts(out, "t,v,min,max,avg\r\n");
	for (int i = 0; i < n; i++) {
		char v[32], lo[32], hi[32], avg[32];
		number_text(p[i].last, v);
		number_text(p[i].min, lo);
		number_text(p[i].max, hi);
		number_text(p[i].avg, avg);
		buf_printf(out, "%s,%s,%s,%s,%s\r\n", p[i].at, v, lo, hi, avg);
	}
}
