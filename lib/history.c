/* SPDX-License-Identifier: MIT */
/* history.c: widget_history and its roll-ups (see history.h), the one
 * place that reads or writes the roll-up tables (schema/010).
 *
 * Roll-ups. Rows are rolled up in the order of their ids, and each
 * widget's state row holds the newest id rolled up (its watermark): the
 * roll-ups hold exactly the rows up to it. That order is safe because a
 * widget's updates are stored under its row lock, so an update committed
 * later always has a higher id than every one committed before: a roll-up
 * never passes a gap that a slower transaction fills later. The watermark
 * moves in the same transaction as the roll-up rows, so a crash repeats
 * or loses nothing. Retention deletes only raw rows already rolled up.
 * None of it runs when an update is stored.
 *
 * Reads. A range is cut into buckets of equal length. When a bucket spans
 * a minute or more, the buckets are whole minutes (an hour or more: whole
 * hours) counted from the epoch, so that every bucket is made of whole
 * roll-up rows; the range's ragged ends and the updates not yet rolled up
 * come from the raw rows. Every update counted lies within the range, and
 * the answer is the one the raw rows would give, as long as they are kept
 * for the range's ragged first minute. */
#include "history.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "db.h"
#include "wtype.h"

#define MINUTE 60
#define HOUR 3600
/* Raw rows per roll-up transaction: short enough not to hold a widget's
 * roll-ups for long, long enough to amortise the round trips. */
#define ROLLUP_ROWS 10000
/* The main field's text as the reads take it: a bounded VARCHAR, so that
 * the temporary tables of a read stay in memory (JSON_VALUE's own type is
 * LONGTEXT, whose temporary tables go to disk). */
#define FIELD_TEXT "CAST(JSON_VALUE(data, ?) AS CHAR(101))"
/* What counts as a number: a JSON number, or a string that reads as one,
 * of at most 100 characters (a longer one was cut by FIELD_TEXT). The
 * regular expression is for MariaDB, inside an SQL string literal. */
#define NUMERIC(text) "(" text " REGEXP '^-?[0-9]+(\\\\.[0-9]+)?([eE][-+]?[0-9]+)?$' AND CHAR_LENGTH(" text ") <= 100)"

/* Epoch milliseconds as MariaDB's DATETIME(3) text, in UTC as the rows are. */
static void datetime_ms(long long ms, char out[64])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(out, 64, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* Epoch seconds, likewise (to the millisecond). */
static void datetime_text(double t, char out[64])
{
	datetime_ms(llround(t * 1000), out);
}

/* The JSON path of a type's main field ("$" matches no number: a type
 * without a main field rolls up nothing). */
static void field_path(const char *field, struct buf *out)
{
	if (field && *field)
		buf_printf(out, "$.%s", field);
	else
		buf_puts(out, "$");
}

/* ---- rolling up ---- */

/* One update: its time (epoch microseconds), row id and value. */
struct sample {
	long long us, id;
	double v;
};

/* A roll-up row: the updates of one minute or hour. */
struct unit {
	long long start; /* epoch seconds */
	long long n;
	double total, lo, hi, last;
	long long last_us, last_id;
};

static int by_time(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;
	if (x->us != y->us)
		return x->us < y->us ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static long long floor_div(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Samples in time order into units of `seconds`; the number of units. The
 * newest of a unit is its last sample: the greatest time, then id. */
static int units_of(const struct sample *s, int n, long long seconds, struct unit *u)
{
	int k = -1;
	for (int i = 0; i < n; i++) {
		long long start = floor_div(s[i].us, seconds * 1000000) * seconds;
		if (k < 0 || u[k].start != start)
			u[++k] = (struct unit){.start = start, .lo = s[i].v, .hi = s[i].v};
		u[k].n++;
		u[k].total += s[i].v;
		u[k].lo = fmin(u[k].lo, s[i].v);
		u[k].hi = fmax(u[k].hi, s[i].v);
		u[k].last = s[i].v;
		u[k].last_us = s[i].us;
		u[k].last_id = s[i].id;
	}
	return k + 1;
}

/* Adds units to a roll-up table: counts and sums add up, the extremes
 * widen, and the newest stays the newest by (time, id). */
#define UPSERT_UNITS(table)                                                                                            \
	"INSERT INTO " table " (widget_id, start, n, total, lo, hi, last_v, last_at, last_id) "                        \
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n), "                               \
	"total = total + VALUES(total), lo = LEAST(lo, VALUES(lo)), hi = GREATEST(hi, VALUES(hi)), "                   \
	"last_v = IF((VALUES(last_at), VALUES(last_id)) > (last_at, last_id), VALUES(last_v), last_v), "               \
	"last_id = IF((VALUES(last_at), VALUES(last_id)) > (last_at, last_id), VALUES(last_id), last_id), "            \
	"last_at = GREATEST(last_at, VALUES(last_at))"

static int store_units(const char *sql, long long widget_id, const struct unit *u, int n, struct buf *err)
{
	if (n == 0)
		return 0;
	struct db_param *p = xcalloc((size_t)n * 9, sizeof *p);
	char(*times)[2][64] = xcalloc((size_t)n, sizeof *times);
	for (int i = 0; i < n; i++) {
		datetime_ms(u[i].start * 1000, times[i][0]);
		datetime_ms(floor_div(u[i].last_us, 1000), times[i][1]);
		struct db_param *r = &p[i * 9];
		r[0] = DB_I(widget_id);
		r[1] = DB_S(times[i][0]);
		r[2] = DB_I(u[i].n);
		r[3] = DB_D(u[i].total);
		r[4] = DB_D(u[i].lo);
		r[5] = DB_D(u[i].hi);
		r[6] = DB_D(u[i].last);
		r[7] = DB_S(times[i][1]);
		r[8] = DB_I(u[i].last_id);
	}
	int rc = db_exec_rows(sql, p, 9, n, err);
	free(times);
	free(p);
	return rc;
}

/* The numeric samples of a chunk of raw rows (id, us, is-a-number, text),
 * in time order; their count. */
static int samples_of(const struct db_result *rows, struct sample *s)
{
	int n = 0;
	for (int i = 0; i < rows->nrows; i++) {
		if (db_cell_int(rows, i, 2, 0) != 1)
			continue;
		/* The text as MariaDB would cast it: both round correctly. */
		s[n++] = (struct sample){db_cell_int(rows, i, 1, 0), db_cell_int(rows, i, 0, 0),
					 strtod(db_cell(rows, i, 3), NULL)};
	}
	qsort(s, (size_t)n, sizeof *s, by_time);
	return n;
}

/* The rows of a chunk into the minute and hour roll-ups. */
static int store_chunk(long long widget_id, const struct db_result *rows, struct buf *err)
{
	struct sample *s = xcalloc((size_t)rows->nrows + 1, sizeof *s);
	struct unit *u = xcalloc((size_t)rows->nrows + 1, sizeof *u);
	int n = samples_of(rows, s);
	int rc = store_units(UPSERT_UNITS("widget_history_minutes"), widget_id, u, units_of(s, n, MINUTE, u), err) ||
		 store_units(UPSERT_UNITS("widget_history_hours"), widget_id, u, units_of(s, n, HOUR, u), err);
	free(u);
	free(s);
	return rc ? -1 : 0;
}

/* The roll-ups were of another field (the widget's type changed): they go,
 * and the raw rows still kept are rolled up again. */
static int restart_rollups(long long widget_id, const char *field, struct buf *err)
{
	return db_exec("DELETE FROM widget_history_minutes WHERE widget_id = ?", DB_PARAMS(DB_I(widget_id)), NULL,
		       err) ||
			       db_exec("DELETE FROM widget_history_hours WHERE widget_id = ?",
				       DB_PARAMS(DB_I(widget_id)), NULL, err) ||
			       db_exec("UPDATE widget_history_rollup SET field = ?, rolled_id = 0, minutes_pruned = "
				       "NULL "
				       "WHERE widget_id = ?",
				       DB_PARAMS(DB_S(field), DB_I(widget_id)), NULL, err)
		       ? -1
		       : 0;
}

/* Up to ROLLUP_ROWS rows past the watermark into the roll-ups, and the
 * watermark past them, in one transaction. 1 when more rows may follow,
 * 0 when all are rolled up, -1 on error (nothing changed). */
static int rollup_chunk(long long widget_id, const char *field, long long *rolled, struct buf *err)
{
	struct db_result state = {0}, rows = {0};
	struct buf path = {0};
	int rc = -1;
	field = field ? field : "";
	field_path(field, &path);
	if (db_begin(err)) {
		buf_free(&path);
		return -1;
	}
	/* The state row, made if need be and locked: one roll-up at a time. */
	if (db_exec("INSERT INTO widget_history_rollup (widget_id, field) VALUES (?, ?) "
		    "ON DUPLICATE KEY UPDATE widget_id = widget_id",
		    DB_PARAMS(DB_I(widget_id), DB_S(field)), NULL, err) ||
	    db_exec("SELECT rolled_id, field FROM widget_history_rollup WHERE widget_id = ? FOR UPDATE",
		    DB_PARAMS(DB_I(widget_id)), &state, err))
		goto out;
	long long from = db_cell_int(&state, 0, 0, 0);
	if (strcmp(db_cell(&state, 0, 1) ? db_cell(&state, 0, 1) : "", field)) {
		if (restart_rollups(widget_id, field, err))
			goto out;
		from = 0;
	}
	/* A derived table with a LIMIT is materialised: JSON_VALUE once a row. */
	if (db_exec("SELECT id, us, " NUMERIC(
			    "vt") ", vt FROM (SELECT id, "
				  "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', created_at) AS us, " FIELD_TEXT " AS vt "
				  "FROM widget_history WHERE widget_id = ? AND id > ? ORDER BY id LIMIT ?) AS h",
		    DB_PARAMS(DB_S(path.data), DB_I(widget_id), DB_I(from), DB_I(ROLLUP_ROWS)), &rows, err))
		goto out;
	long long newest = from;
	for (int i = 0; i < rows.nrows; i++)
		if (db_cell_int(&rows, i, 0, 0) > newest)
			newest = db_cell_int(&rows, i, 0, 0);
	if (rows.nrows && (store_chunk(widget_id, &rows, err) ||
			   db_exec("UPDATE widget_history_rollup SET rolled_id = ? WHERE widget_id = ?",
				   DB_PARAMS(DB_I(newest), DB_I(widget_id)), NULL, err)))
		goto out;
	if (db_commit(err))
		goto out;
	*rolled += rows.nrows;
	rc = rows.nrows == ROLLUP_ROWS;
out:
	if (rc < 0)
		db_rollback();
	db_result_free(&state);
	db_result_free(&rows);
	buf_free(&path);
	return rc;
}

int history_rollup(long long widget_id, const char *field, long long deadline_ms, long long *rolled, struct buf *err)
{
	int more;
	do
		more = rollup_chunk(widget_id, field, rolled, err);
	while (more == 1 && (!deadline_ms || now_ms() < deadline_ms));
	return more < 0 ? -1 : 0;
}

/* ---- retention ---- */

/* Notes in the state row that raw rows up to time `newest` were deleted
 * (before deleting them: a crash in between leaves a note too many, which
 * only makes reads take the roll-ups). */
static int note_pruned(const char *sql, long long widget_id, const char *newest, struct buf *err)
{
	return newest ? db_exec(sql, DB_PARAMS(DB_S(newest), DB_S(newest), DB_I(widget_id)), NULL, err) : 0;
}

#define NOTE_RAW                                                                                                       \
	"UPDATE widget_history_rollup SET raw_pruned = IF(raw_pruned IS NULL OR raw_pruned < ?, ?, raw_pruned) WHERE " \
	"widget_id = ?"
#define NOTE_MINUTES                                                                                                   \
	"UPDATE widget_history_rollup SET minutes_pruned = IF(minutes_pruned IS NULL OR minutes_pruned < ?, ?, "       \
	"minutes_pruned) WHERE widget_id = ?"

/* Raw rows older than History.MaxAge days or beyond the History.Keep
 * newest, of those rolled up. */
static int prune_raw(const struct md_config *cfg, long long widget_id, long long *deleted, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT rolled_id, (SELECT MAX(created_at) FROM widget_history WHERE widget_id = ? AND "
		    "created_at < UTC_TIMESTAMP(3) - INTERVAL ? DAY AND id <= s.rolled_id), "
		    "(SELECT id FROM widget_history WHERE widget_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?) "
		    "FROM widget_history_rollup s WHERE widget_id = ?",
		    DB_PARAMS(DB_I(widget_id), DB_I(cfg->history_days), DB_I(widget_id), DB_I(cfg->history_keep),
			      DB_I(widget_id)),
		    &r, err))
		return -1;
	long long rolled = db_cell_int(&r, 0, 0, 0), cut = db_cell_int(&r, 0, 2, 0);
	int rc = 0;
	if (db_cell(&r, 0, 1)) {
		struct db_result d;
		rc = note_pruned(NOTE_RAW, widget_id, db_cell(&r, 0, 1), err) ||
		     db_exec("DELETE FROM widget_history WHERE widget_id = ? AND created_at <= ? AND id <= ?",
			     DB_PARAMS(DB_I(widget_id), DB_S(db_cell(&r, 0, 1)), DB_I(rolled)), &d, err);
		if (!rc)
			*deleted += (long long)d.affected;
	}
	db_result_free(&r);
	if (rc || (cut = cut < rolled ? cut : rolled) <= 0)
		return rc ? -1 : 0;
	if (db_exec("SELECT MAX(created_at) FROM widget_history WHERE widget_id = ? AND id <= ?",
		    DB_PARAMS(DB_I(widget_id), DB_I(cut)), &r, err))
		return -1;
	rc = note_pruned(NOTE_RAW, widget_id, db_cell(&r, 0, 0), err);
	db_result_free(&r);
	if (rc || db_exec("DELETE FROM widget_history WHERE widget_id = ? AND id <= ?",
			  DB_PARAMS(DB_I(widget_id), DB_I(cut)), &r, err))
		return -1;
	*deleted += (long long)r.affected;
	return 0;
}

/* Roll-up rows older than their level's days. Hours are kept at least as
 * long as the minutes and the raw rows, so that a range the settings keep
 * is always whole at the hour level. */
static int prune_rollups(const struct md_config *cfg, long long widget_id, long long *deleted, struct buf *err)
{
	long hour_days = cfg->history_hour_days;
	hour_days = hour_days < cfg->history_minute_days ? cfg->history_minute_days : hour_days;
	hour_days = hour_days < cfg->history_days ? cfg->history_days : hour_days;
	struct db_result r;
	if (db_exec("SELECT MAX(start) FROM widget_history_minutes WHERE widget_id = ? AND "
		    "start < UTC_TIMESTAMP() - INTERVAL ? DAY",
		    DB_PARAMS(DB_I(widget_id), DB_I(cfg->history_minute_days)), &r, err))
		return -1;
	int rc = 0;
	if (db_cell(&r, 0, 0)) {
		struct db_result d;
		rc = note_pruned(NOTE_MINUTES, widget_id, db_cell(&r, 0, 0), err) ||
		     db_exec("DELETE FROM widget_history_minutes WHERE widget_id = ? AND start <= ?",
			     DB_PARAMS(DB_I(widget_id), DB_S(db_cell(&r, 0, 0))), &d, err);
		if (!rc)
			*deleted += (long long)d.affected;
	}
	db_result_free(&r);
	if (rc || db_exec("DELETE FROM widget_history_hours WHERE widget_id = ? AND "
			  "start < UTC_TIMESTAMP() - INTERVAL ? DAY",
			  DB_PARAMS(DB_I(widget_id), DB_I(hour_days)), &r, err))
		return -1;
	*deleted += (long long)r.affected;
	return 0;
}

int history_widgets(int pending, struct history_widget **out, int *n, struct buf *err)
{
	struct db_result r;
	/* Each widget's newest id is one step down its (widget_id, id) index. */
	int rc = pending ? db_exec("SELECT w.id, w.name, w.type FROM widgets w LEFT JOIN widget_history_rollup s "
				   "ON s.widget_id = w.id WHERE (SELECT h.id FROM widget_history h FORCE INDEX "
				   "(widget_history_widget_id) WHERE h.widget_id = w.id "
				   "ORDER BY h.id DESC LIMIT 1) > COALESCE(s.rolled_id, 0) ORDER BY w.name",
				   DB_NOPARAMS, &r, err)
			 : db_exec("SELECT id, name, type FROM widgets ORDER BY name", DB_NOPARAMS, &r, err);
	if (rc)
		return -1;
	*out = xcalloc((size_t)r.nrows + 1, sizeof **out);
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (struct history_widget){db_cell_int(&r, i, 0, 0), xstrdup(db_cell(&r, i, 1)),
						    xstrdup(db_cell(&r, i, 2))};
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

void history_widgets_free(struct history_widget *ws, int n)
{
	for (int i = 0; i < n; i++) {
		free(ws[i].name);
		free(ws[i].type);
	}
	free(ws);
}

int history_maintain(const struct md_config *cfg, const struct history_widget *w, long long deadline_ms,
		     struct history_work *done, struct buf *err)
{
	const struct mdash_widget_type *t = wtype_find(w->type);
	if (!t) {
		buf_printf(err,
			   "widget type %s is not installed: its history is neither rolled up nor pruned until it is",
			   w->type);
		return 1;
	}
	return history_rollup(w->id, t->value_field, deadline_ms, &done->rolled, err) ||
			       prune_raw(cfg, w->id, &done->deleted, err) ||
			       prune_rollups(cfg, w->id, &done->rollups_deleted, err)
		       ? -1
		       : 0;
}

int history_forget_deleted(long long *deleted, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT s.widget_id FROM widget_history_rollup s LEFT JOIN widgets w ON w.id = s.widget_id "
		    "WHERE w.id IS NULL",
		    DB_NOPARAMS, &r, err))
		return -1;
	int rc = 0;
	for (int i = 0; i < r.nrows && !rc; i++) {
		long long id = db_cell_int(&r, i, 0, 0);
		struct db_result m, h;
		rc = db_exec("DELETE FROM widget_history_minutes WHERE widget_id = ?", DB_PARAMS(DB_I(id)), &m, err) ||
		     db_exec("DELETE FROM widget_history_hours WHERE widget_id = ?", DB_PARAMS(DB_I(id)), &h, err) ||
		     db_exec("DELETE FROM widget_history_rollup WHERE widget_id = ?", DB_PARAMS(DB_I(id)), NULL, err);
		if (!rc)
			*deleted += (long long)(m.affected + h.affected);
	}
	db_result_free(&r);
	return rc ? -1 : 0;
}

/* ---- reading ---- */

/* How a read is cut, in epoch seconds: bucket b holds the times t with
 * floor((t - origin) / width) == b. Raw rows give [since, a) whole and
 * [a, until] past the watermark; below it, the roll-ups give the minutes
 * of [a, c) but for the hours of [sh, uh), and the minute at c, which the
 * range may end inside, comes whole from its roll-up when it holds
 * nothing past the range's end, else from the raw rows of [c, until]. */
struct plan {
	double origin, width;
	double since, until;
	long long a, c, sh, uh;
	long long max_version;
	double version_end; /* the time of max_version's update (NAN: none, or no bound) */
	/* The state row as this plan read it: its watermark and field. */
	int has_state;
	long long rolled_id;
	char *field;
	int fresh; /* the roll-ups are of the field read (else: raw only) */
	int units; /* the read takes roll-ups where they fit (else: raw only) */
};

/* How far retention has deleted (NAN: nothing). */
struct kept {
	double raw_pruned;     /* the newest raw row deleted */
	double minutes_pruned; /* the newest minute deleted */
};

static double cell_time(const struct db_result *r, int col, double scale)
{
	const char *s = db_cell(r, 0, col);
	return s ? strtod(s, NULL) / scale : NAN;
}

static void take_state(struct plan *p, int has, long long rolled_id, const char *field, const char *want)
{
	free(p->field);
	p->has_state = has;
	p->rolled_id = has ? rolled_id : 0;
	p->field = has ? xstrdup(field) : NULL;
	p->fresh = has && !strcmp(field, want);
}

static int read_state(long long widget_id, const char *field, struct plan *p, struct kept *k, struct buf *err)
{
	struct db_result r;
	char to[64];
	datetime_text(p->until, to);
	/* The newest update up to max_version, found newest first from the end
	 * of the range: only the updates after it are passed over. */
	if (db_exec("SELECT s.rolled_id, s.field, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', s.raw_pruned), "
		    "TIMESTAMPDIFF(SECOND, '1970-01-01', s.minutes_pruned), "
		    "(SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01', created_at) FROM widget_history "
		    "WHERE widget_id = ? AND ? > 0 AND created_at <= ? AND version <= ? "
		    "ORDER BY created_at DESC LIMIT 1) "
		    "FROM (SELECT 1) AS one LEFT JOIN widget_history_rollup s ON s.widget_id = ?",
		    DB_PARAMS(DB_I(widget_id), DB_I(p->max_version), DB_S(to), DB_I(p->max_version), DB_I(widget_id)),
		    &r, err))
		return -1;
	take_state(p, db_cell(&r, 0, 1) != NULL, db_cell_int(&r, 0, 0, 0), db_cell(&r, 0, 1), field);
	k->raw_pruned = cell_time(&r, 2, 1e6);
	k->minutes_pruned = cell_time(&r, 3, 1);
	p->version_end = cell_time(&r, 4, 1e6);
	db_result_free(&r);
	return 0;
}

/* The level a read takes: the coarsest whose unit fits in a bucket, or a
 * coarser one when retention has deleted the finer one's rows at since.
 * 0 (raw), MINUTE or HOUR. A unit a little wider than the buckets asked
 * for still fits (UNIT_SLACK): an hour in 64 buckets is read as 62 whole
 * minutes from the roll-ups, not as every raw update of the hour. */
#define UNIT_SLACK 0.9
static long long level_of(const struct plan *p, int points, const struct kept *k)
{
	double width = (p->until - p->since) / points;
	long long unit = width >= HOUR * UNIT_SLACK ? HOUR : width >= MINUTE * UNIT_SLACK ? MINUTE : 0;
	if (unit == 0 && !isnan(k->raw_pruned) && k->raw_pruned >= p->since)
		unit = MINUTE;
	if (unit == MINUTE && !isnan(k->minutes_pruned) && k->minutes_pruned + MINUTE > p->since)
		unit = HOUR;
	return unit;
}

static long long floor_to(double t, long long unit)
{
	return (long long)floor(t / (double)unit) * unit;
}

static long long ceil_to(double t, long long unit)
{
	return (long long)ceil(t / (double)unit) * unit;
}

/* Buckets of whole units: the narrowest multiple of the unit that cuts
 * [since, until) into at most `points` buckets from the epoch. (An update
 * at until itself, on a bucket's edge, makes one more, as in raw reads.) */
static double bucket_width(double since, double until, int points, long long unit)
{
	long long k = (long long)ceil((until - since) / points / (double)unit);
	k = k < 1 ? 1 : k;
	while (ceil(until / (double)(k * unit)) - floor(since / (double)(k * unit)) > points)
		k++;
	return (double)(k * unit);
}

/* The grid and the cut of a read at `unit` (see struct plan). */
static void plan_cut(struct plan *p, long long unit, int points)
{
	if (unit == 0) {
		/* All raw, in buckets from since, as [since, until) and [until, until]. */
		p->origin = p->since;
		p->width = (p->until - p->since) / points;
		p->a = p->c = p->sh = p->uh = (long long)ceil(p->until) + 1;
		p->units = 0;
		return;
	}
	p->units = 1;
	p->origin = 0;
	p->width = bucket_width(p->since, p->until, points, unit);
	/* Past the update of max_version, only raw rows tell the versions. */
	double end = p->max_version <= 0 ? p->until : isnan(p->version_end) ? p->since : fmin(p->until, p->version_end);
	long long a = ceil_to(p->since, MINUTE), c = floor_to(end, MINUTE);
	a = a > c ? c : a;
	long long sh = ceil_to(p->since, HOUR), uh = floor_to(end, HOUR);
	if (unit == MINUTE || sh > uh)
		sh = uh = c;
	p->a = a;
	p->c = c;
	p->sh = sh;
	p->uh = uh;
}

/* A raw row as reads take it, and raw rows in buckets. */
#define RAW_ROW                                                                                                        \
	"SELECT id, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', created_at) AS us, " FIELD_TEXT " AS vt "                 \
	"FROM widget_history WHERE widget_id = ? AND (? = 0 OR version <= ?) AND created_at >= ? AND "                 \
	"created_at <= ? AND "
#define RAW_BUCKETS(kind, rows)                                                                                        \
	"SELECT " kind ", FLOOR((us / 1e6 - ?) / ?), COUNT(*), SUM(v), MIN(v), MAX(v), "                               \
	"MAX(CONCAT(LPAD(us, 17, '0'), ' ', LPAD(id, 20, '0'), ' ', vt)) FROM (SELECT id, us, vt, "                    \
	"CAST(vt AS DOUBLE) AS v FROM (" rows ") AS r WHERE " NUMERIC("vt") ") AS h GROUP BY 2 "
/* Roll-up rows in buckets (cond: more of the WHERE). */
#define UNIT_BUCKETS(kind, table, cond)                                                                                \
	"SELECT " kind ", FLOOR((TIMESTAMPDIFF(SECOND, '1970-01-01', start) - ?) / ?), SUM(n), SUM(total), "           \
	"MIN(lo), MAX(hi), MAX(CONCAT(LPAD(TIMESTAMPDIFF(MICROSECOND, '1970-01-01', last_at), 17, '0'), ' ', "         \
	"LPAD(last_id, 20, '0'), ' ', last_v)) FROM " table " WHERE widget_id = ? AND start >= ? AND start < ? " cond  \
	" GROUP BY 2 "

/* The pieces of a read, the first column of its rows. */
enum piece { STATE_ROW, ALWAYS, EDGE_RAW, EDGE_MINUTE };

/* Runs the read of plan p: the state row and each piece's buckets, in no
 * order (points_of puts them in place). */
static int run_plan(long long widget_id, const char *path, const struct plan *p, struct db_result *r, struct buf *err)
{
	char since[64], until[64], a[64], c[64], c1[64], sh[64], uh[64];
	datetime_text(p->since, since);
	datetime_text(p->until, until);
	datetime_ms(p->a * 1000, a);
	datetime_ms(p->c * 1000, c);
	datetime_ms(p->c * 1000 + MINUTE * 1000, c1);
	datetime_ms(p->sh * 1000, sh);
	datetime_ms(p->uh * 1000, uh);
	int rollups = p->fresh && p->units;
	long long wm = rollups ? p->rolled_id : 0, v = p->max_version;
	/* Without roll-ups to read, their ranges are empty. */
	const char *m0 = rollups ? a : since, *m1 = rollups ? c : since, *e0 = rollups ? c : since,
		   *e1 = rollups ? c1 : since, *h0 = rollups ? sh : since, *h1 = rollups ? uh : since;
	return db_exec(
		"SELECT 0, NULL, rolled_id, NULL, NULL, NULL, field FROM widget_history_rollup WHERE widget_id = ? "
		"UNION ALL " RAW_BUCKETS("1", RAW_ROW "created_at < ? UNION ALL " RAW_ROW "created_at >= ? AND id > ?") "UNION ALL " RAW_BUCKETS(
			"2", RAW_ROW
			"created_at >= ? AND id <= ?") "UNION ALL " UNIT_BUCKETS("3", "widget_history_minutes",
										 "") "UNION ALL " UNIT_BUCKETS("1",
													       "widget_"
													       "history"
													       "_minute"
													       "s",
													       "AND "
													       "(start "
													       "< ? OR "
													       "start "
													       ">= ?)") "UNION ALL " UNIT_BUCKETS("1",
																		  "widget_history_hours",
																		  ""),
		DB_PARAMS(DB_I(widget_id),
			  /* [since, a), and [a, until] past the watermark */
			  DB_D(p->origin), DB_D(p->width), DB_S(path), DB_I(widget_id), DB_I(v), DB_I(v), DB_S(since),
			  DB_S(until), DB_S(a), DB_S(path), DB_I(widget_id), DB_I(v), DB_I(v), DB_S(since), DB_S(until),
			  DB_S(a), DB_I(wm),
			  /* [c, until] up to the watermark */
			  DB_D(p->origin), DB_D(p->width), DB_S(path), DB_I(widget_id), DB_I(v), DB_I(v), DB_S(since),
			  DB_S(until), DB_S(c), DB_I(wm),
			  /* the minute at c */
			  DB_D(p->origin), DB_D(p->width), DB_I(widget_id), DB_S(e0), DB_S(e1),
			  /* the minutes of [a, c) but [sh, uh) */
			  DB_D(p->origin), DB_D(p->width), DB_I(widget_id), DB_S(m0), DB_S(m1), DB_S(sh), DB_S(uh),
			  /* the hours of [sh, uh) */
			  DB_D(p->origin), DB_D(p->width), DB_I(widget_id), DB_S(h0), DB_S(h1)),
		r, err);
}

/* The state row of a read's result, or -1. */
static int state_row(const struct db_result *r)
{
	for (int i = 0; i < r->nrows; i++)
		if (db_cell_int(r, i, 0, -1) == STATE_ROW)
			return i;
	return -1;
}

/* 1 when the state row the read saw is the one it was planned with. */
static int same_state(const struct plan *p, const struct db_result *r)
{
	int i = state_row(r);
	if ((i >= 0) != p->has_state)
		return 0;
	return i < 0 || (db_cell_int(r, i, 2, 0) == p->rolled_id && !strcmp(db_cell(r, i, 6), p->field));
}

/* One bucket's figures as the pieces of a read add up. */
struct bucket {
	long long n;
	double total, lo, hi;
	const char *newest; /* "<us> <id> <value>", fixed-width: the greatest is the newest */
};

#define NEWEST_KEY 38 /* 17 digits of microseconds, a space, 20 of id */

static void bucket_add(struct bucket *k, const struct db_result *r, int i)
{
	long long n = db_cell_int(r, i, 2, 0);
	double total = strtod(db_cell(r, i, 3), NULL), lo = strtod(db_cell(r, i, 4), NULL),
	       hi = strtod(db_cell(r, i, 5), NULL);
	const char *newest = db_cell(r, i, 6);
	if (!k->n) {
		*k = (struct bucket){.n = n, .total = total, .lo = lo, .hi = hi, .newest = newest};
		return;
	}
	k->n += n;
	k->total += total;
	k->lo = fmin(k->lo, lo);
	k->hi = fmax(k->hi, hi);
	if (strncmp(newest, k->newest, NEWEST_KEY) > 0)
		k->newest = newest;
}

static void point_of(const struct bucket *k, struct history_point *p)
{
	long long us = strtoll(k->newest, NULL, 10);
	char text[64];
	datetime_ms(floor_div(us, 1000), text);
	/* "YYYY-MM-DD HH:MM:SS.mmm" to ISO-8601 UTC */
	snprintf(p->at, sizeof p->at, "%.10sT%.12sZ", text, text + 11);
	p->t = (double)us / 1e6;
	p->last = strtod(k->newest + NEWEST_KEY + 1, NULL);
	p->min = k->lo;
	p->max = k->hi;
	p->avg = k->total / (double)k->n;
}

/* Whether the minute at c comes whole from its roll-up: it starts in the
 * range and its newest update is not past the range's end (nor, with a
 * version bound, at or past that version's update). */
static int edge_minute_whole(const struct plan *p, const struct db_result *r)
{
	for (int i = 0; i < r->nrows; i++) {
		if (db_cell_int(r, i, 0, -1) != EDGE_MINUTE)
			continue;
		long long us = strtoll(db_cell(r, i, 6), NULL, 10);
		return (double)p->c >= p->since && us <= llround(p->until * 1000) * 1000 &&
		       (p->max_version <= 0 || (double)us < p->version_end * 1e6);
	}
	return 0;
}

/* The buckets of a read's result, oldest first. */
static int points_of(const struct plan *p, const struct db_result *r, struct history_point **out)
{
	enum piece skip = edge_minute_whole(p, r) ? EDGE_RAW : EDGE_MINUTE;
	double first = floor((p->since - p->origin) / p->width);
	int nb = (int)(floor((p->until - p->origin) / p->width) - first) + 1, n = 0;
	struct bucket *k = xcalloc((size_t)nb, sizeof *k);
	for (int i = 0; i < r->nrows; i++) {
		long long piece = db_cell_int(r, i, 0, -1);
		double b = piece == STATE_ROW || piece == skip ? -1 : strtod(db_cell(r, i, 1), NULL) - first;
		if (b >= 0 && b < nb)
			bucket_add(&k[(int)b], r, i);
	}
	*out = xcalloc((size_t)nb + 1, sizeof **out);
	for (int b = 0; b < nb; b++)
		if (k[b].n)
			point_of(&k[b], &(*out)[n++]);
	free(k);
	return n;
}

int history_read(long long widget_id, const char *field, double since, double until, long long max_version, int points,
		 struct history_point **out, int *n, struct buf *err)
{
	struct plan p = {.since = since, .until = until, .max_version = max_version};
	struct kept k;
	struct db_result r = {0};
	struct buf path = {0};
	*out = NULL;
	*n = 0;
	points = points > 0 ? points : 1;
	if (!(until > since))
		return 0;
	if (read_state(widget_id, field, &p, &k, err))
		return -1;
	plan_cut(&p, level_of(&p, points, &k), points);
	field_path(field, &path);
	/* A roll-up that commits between reading the state and the read would
	 * count its rows twice or not at all: the read checks that it saw the
	 * state it was planned with, and else goes again with the new one. */
	int rc = -1;
	for (int tries = 0; tries < 5 && rc; tries++) {
		db_result_free(&r);
		if (run_plan(widget_id, path.data, &p, &r, err))
			break;
		if (same_state(&p, &r))
			rc = 0;
		else if (state_row(&r) >= 0)
			take_state(&p, 1, db_cell_int(&r, state_row(&r), 2, 0), db_cell(&r, state_row(&r), 6), field);
		else
			take_state(&p, 0, 0, NULL, field);
	}
	if (rc == 0)
		*n = points_of(&p, &r, out);
	else if (!err->len)
		buf_puts(err, "the history kept changing while it was read: try again");
	db_result_free(&r);
	buf_free(&path);
	free(p.field);
	return rc;
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
	/* The hour roll-ups outlive the rest. A second of slack: "-400d" read
	 * a moment after the cut-off. */
	const char *setting = "History.HourDays";
	long days = cfg->history_hour_days;
	if (cfg->history_minute_days > days) {
		setting = "History.MinuteDays";
		days = cfg->history_minute_days;
	}
	if (cfg->history_days > days) {
		setting = "History.MaxAge";
		days = cfg->history_days;
	}
	if (out->since < now - (double)days * 86400 - 1) {
		buf_printf(err, "since: before the oldest history kept (%s is %ld days)", setting, days);
		return -1;
	}
	out->points = (int)n;
	return 0;
}

/* A point's numbers (v, min, max, avg) as JSON and CSV show them: no more
 * digits than a double holds. */
struct point_text {
	char v[32], min[32], max[32], avg[32];
};

static void point_text(const struct history_point *p, struct point_text *t)
{
	snprintf(t->v, sizeof t->v, "%.15g", p->last);
	snprintf(t->min, sizeof t->min, "%.15g", p->min);
	snprintf(t->max, sizeof t->max, "%.15g", p->max);
	snprintf(t->avg, sizeof t->avg, "%.15g", p->avg);
}

static json_object *iso(double t)
{
	char text[64], at[32];
	datetime_text(t, text);
	/* "YYYY-MM-DD HH:MM:SS.mmm" to ISO-8601 UTC */
	snprintf(at, sizeof at, "%.10sT%.12sZ", text, text + 11);
	return json_object_new_string(at);
}

/* The head as json-c writes it (the names escaped), the points by hand:
 * hundreds of them, of times and numbers only, which need no escaping (an
 * object each took a third of a request). */
void history_json(const char *widget, const char *field, const struct history_range *range,
		  const struct history_point *p, int n, struct buf *out)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "widget", json_object_new_string(widget));
	json_object_object_add(o, "field", json_object_new_string(field));
	json_object_object_add(o, "since", iso(range->since));
	json_object_object_add(o, "until", iso(range->until));
	const char *head = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	buf_append(out, head, strlen(head) - 1); /* all but its closing brace */
	buf_puts(out, ",\"points\":[");
	for (int i = 0; i < n; i++) {
		struct point_text t;
		point_text(&p[i], &t);
		buf_printf(out, "%s{\"t\":\"%s\",\"v\":%s,\"min\":%s,\"max\":%s,\"avg\":%s}", i ? "," : "", p[i].at,
			   t.v, t.min, t.max, t.avg);
	}
	buf_puts(out, "]}");
	json_object_put(o);
}

void history_csv(const struct history_point *p, int n, struct buf *out)
{
	buf_puts(out, "t,v,min,max,avg\r\n");
	for (int i = 0; i < n; i++) {
		struct point_text t;
		point_text(&p[i], &t);
		buf_printf(out, "%s,%s,%s,%s,%s\r\n", p[i].at, t.v, t.min, t.max, t.avg);
	}
}
