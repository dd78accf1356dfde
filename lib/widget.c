/* SPDX-License-Identifier: MIT */
/* widget.c: widget instances in the database (see widget.h). */
#include "widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ident.h"
#include "log.h"
#include "series.h"
#include "wtype.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static json_object *parse_object(const char *text)
{
	json_object *o = text ? json_tokener_parse(text) : NULL;
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o ? o : json_object_new_object();
}

void widget_from_row(const struct db_result *r, int i, struct md_widget *w)
{
	memset(w, 0, sizeof *w);
	w->id = db_cell_int(r, i, 0, 0);
	w->name = dup_or_null(db_cell(r, i, 1));
	w->type = dup_or_null(db_cell(r, i, 2));
	w->title = dup_or_null(db_cell(r, i, 3));
	w->dashboard = dup_or_null(db_cell(r, i, 4));
	w->col = (int)db_cell_int(r, i, 5, 1);
	w->row = (int)db_cell_int(r, i, 6, 1);
	w->sizex = (int)db_cell_int(r, i, 7, 1);
	w->sizey = (int)db_cell_int(r, i, 8, 1);
	w->interval = (long)db_cell_int(r, i, 9, 60);
	w->enabled = (int)db_cell_int(r, i, 10, 1);
	w->source = dup_or_null(db_cell(r, i, 11));
	w->options = dup_or_null(db_cell(r, i, 12));
	w->data = dup_or_null(db_cell(r, i, 13));
	w->version = db_cell_int(r, i, 14, 0);
	const char *ts = db_cell(r, i, 15);
	/* %f gives microseconds; keep milliseconds. */
	w->updated_at = ts ? xstrndup(ts, strlen(ts) > 23 ? 23 : strlen(ts)) : NULL;
	w->age = db_cell_int(r, i, 16, -1);
	w->due_in_ms = db_cell_int(r, i, 17, 0);
	w->last_error = dup_or_null(db_cell(r, i, 18));
	w->publish_pending = (int)db_cell_int(r, i, 19, 0);
	w->dashboard_id = db_cell_int(r, i, 20, 0);
	/* Options and source are parsed on first use (widget_options,
	 * widget_source): a widget served from the render cache needs neither
	 * its options, and a page reads a dozen rows. Without text, {} now. */
	if (!w->options)
		w->options_obj = json_object_new_object();
	if (!w->source)
		w->source_obj = json_object_new_object();
}

static int load_list(const char *sql, const struct db_param *p, int np, struct md_widget **out, int *n, struct buf *err)
{
	struct db_result r;
	*out = NULL;
	*n = 0;
	if (db_exec(sql, p, np, &r, err))
		return -1;
	if (r.nrows) {
		*out = xcalloc((size_t)r.nrows, sizeof **out);
		for (int i = 0; i < r.nrows; i++)
			widget_from_row(&r, i, &(*out)[i]);
	}
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

int widget_load(const char *name, struct md_widget *w, struct buf *err)
{
	struct md_widget *list;
	int n;
	if (load_list("SELECT " WIDGET_COLS WIDGET_FROM "WHERE w.name = ?", DB_PARAMS(DB_S(name)), &list, &n, err))
		return -1;
	if (n == 0)
		return 0;
	*w = list[0];
	free(list);
	return 1;
}

int widget_list_dashboard(long long dashboard_id, struct md_widget **out, int *n, struct buf *err)
{
	return load_list("SELECT " WIDGET_COLS WIDGET_FROM "WHERE w.dashboard_id = ? ORDER BY w.`row`, w.col, w.name",
			 DB_PARAMS(DB_I(dashboard_id)), out, n, err);
}

int widget_list_all(int enabled_only, struct md_widget **out, int *n, struct buf *err)
{
	if (enabled_only)
		return load_list("SELECT " WIDGET_COLS WIDGET_FROM "WHERE w.enabled = 1 ORDER BY w.name", DB_NOPARAMS,
				 out, n, err);
	return load_list("SELECT " WIDGET_COLS WIDGET_FROM "ORDER BY w.name", DB_NOPARAMS, out, n, err);
}

int widget_can_go_stale(const struct md_widget *w)
{
	/* Pushed data comes when it comes; a type that shows the time of the
	 * render has no data to age. */
	const struct mdash_widget_type *t = wtype_find(w->type);
	return strcmp(widget_source_kind(w), "push") != 0 && !(t && (t->flags & MDASH_TYPE_SHOWS_TIME));
}

int widget_overdue(const struct md_widget *w)
{
	return w->age < 0 || (w->interval > 0 && w->age > 2 * w->interval);
}

const char *widget_state(const struct md_widget *w)
{
	if (w->last_error)
		return "error";
	if (widget_overdue(w) && widget_can_go_stale(w))
		return "stale";
	return "ok";
}

/* The colour a value earns from options.thresholds, {"warning": N,
 * "danger": M} (higher is worse; with "below": true, lower is worse), or
 * NULL when there are no thresholds or no number. */
static const char *threshold_status(const struct md_widget *w, const char *value_field)
{
	json_object *th, *x, *wx = NULL, *dx = NULL;
	double v;
	if (!value_field || !json_object_object_get_ex(widget_options(w), "thresholds", &th) ||
	    !json_object_is_type(th, json_type_object) || mdash_field_number(w, value_field, &v))
		return NULL;
	int below = json_object_object_get_ex(th, "below", &x) && json_object_get_boolean(x);
	int has_warn = json_object_object_get_ex(th, "warning", &wx);
	int has_danger = json_object_object_get_ex(th, "danger", &dx);
	double warn = has_warn ? json_object_get_double(wx) : 0, danger = has_danger ? json_object_get_double(dx) : 0;
	if (has_danger && (below ? v <= danger : v >= danger))
		return "danger";
	if (has_warn && (below ? v <= warn : v >= warn))
		return "warning";
	return has_warn || has_danger ? "ok" : NULL;
}

const char *widget_status(const struct md_widget *w, const struct mdash_widget_type *t)
{
	const char *status = mdash_field(w, "status");
	if (status && !strcmp(status, "critical"))
		status = "danger"; /* the status type's word for Dashing's */
	if (!status || (strcmp(status, "ok") && strcmp(status, "warning") && strcmp(status, "danger")))
		status = threshold_status(w, t ? t->value_field : NULL);
	return status;
}

const char *widget_level(const struct md_widget *w)
{
	/* An error (a type not installed is one too) hides the value's
	 * colour, and so does staleness. */
	const struct mdash_widget_type *type = wtype_find(w->type);
	const char *state = type ? widget_state(w) : "error";
	if (strcmp(state, "ok"))
		return state;
	const char *status = widget_status(w, type);
	return status ? status : "ok";
}

/* One widget into its dashboard's tally, in the one bucket its page shows
 * first. */
void widget_tally_add(const struct md_widget *w, struct widget_tally *t)
{
	const char *level = widget_level(w);
	t->widgets++;
	if (!strcmp(level, "error"))
		t->error++;
	else if (!strcmp(level, "stale"))
		t->stale++;
	else if (!strcmp(level, "danger"))
		t->danger++;
	else if (!strcmp(level, "warning"))
		t->warning++;
}

int widget_tally(const long long *ids, int n, struct widget_tally *out, struct buf *err)
{
	struct md_widget *ws;
	int nw;
	if (n <= 0)
		return 0;
	memset(out, 0, (size_t)n * sizeof *out);
	/* The ids as one JSON array, so that one statement of fixed text
	 * serves any number of dashboards. */
	struct buf want = {0};
	buf_putc(&want, '[');
	for (int i = 0; i < n; i++)
		buf_printf(&want, "%s%lld", i ? "," : "", ids[i]);
	buf_putc(&want, ']');
	int rc = load_list("SELECT " WIDGET_COLS WIDGET_FROM
			   "JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) want ON want.id = w.dashboard_id",
			   DB_PARAMS(DB_S(want.data)), &ws, &nw, err);
	buf_free(&want);
	if (rc)
		return -1;
	for (int k = 0; k < nw; k++) {
		int i = 0;
		while (i < n && ids[i] != ws[k].dashboard_id)
			i++;
		if (i < n)
			widget_tally_add(&ws[k], &out[i]);
		widget_free(&ws[k]);
	}
	free(ws);
	return 0;
}

json_object *widget_data(const struct md_widget *w)
{
	/* Parsed on first use: a widget served from the render cache never
	 * needs it, and a graph's data can be large. Never a const object. */
	if (!w->data_obj)
		((struct md_widget *)w)->data_obj = parse_object(w->data);
	return w->data_obj;
}

/* Options and source, parsed from their text on first use (as widget_data;
 * a widget put together in code may hold the object alone, or neither). */
json_object *widget_options(const struct md_widget *w)
{
	if (!w->options_obj && w->options)
		((struct md_widget *)w)->options_obj = parse_object(w->options);
	return w->options_obj;
}

json_object *widget_source(const struct md_widget *w)
{
	if (!w->source_obj && w->source)
		((struct md_widget *)w)->source_obj = parse_object(w->source);
	return w->source_obj;
}

const char *widget_source_kind(const struct md_widget *w)
{
	json_object *k, *source = widget_source(w);
	if (source && json_object_object_get_ex(source, "kind", &k) && json_object_is_type(k, json_type_string))
		return json_object_get_string(k);
	return "push";
}

/* Merges fields over the current data, in place (see widget.h). A
 * number's "last" defaults to the previous "current", so a source that
 * gives only the current value still shows the change (as Dashing's
 * sample jobs do by hand). */
void widget_merge(json_object *data, const char *type, json_object *options, json_object *fields, double now)
{
	const struct mdash_widget_type *t = wtype_find(type);
	if (t && t->store) {
		/* The widget as the hook sees it: its type, data and options. */
		struct md_widget w = {.type = (char *)type, .data_obj = data, .options_obj = options};
		t->store(&w, data, fields, now);
	}
	json_object *cur;
	if (!json_object_object_get_ex(fields, "last", NULL) && json_object_object_get_ex(fields, "current", NULL) &&
	    json_object_object_get_ex(data, "current", &cur))
		json_object_object_add(data, "last", json_object_get(cur));
	json_object_object_foreach (fields, key, val) {
		/* Arrays and objects are copied: a later push in the same batch
		 * may grow them (a graph's points), and fields stay as given. */
		json_object *copy = NULL;
		if (json_object_is_type(val, json_type_array) || json_object_is_type(val, json_type_object))
			json_object_deep_copy(val, &copy, NULL);
		json_object_object_add(data, key, copy ? copy : json_object_get(val));
	}
}

int widget_has_alert(json_object *options)
{
	return options && json_object_object_get_ex(options, "alert", NULL);
}

char *widget_value_text(const struct md_widget *w)
{
	const struct mdash_widget_type *t = wtype_find(w->type);
	json_object *v;
	if (!t || !t->value_field || !json_object_object_get_ex(widget_data(w), t->value_field, &v) || !v)
		return NULL;
	if (json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 200) {
		/* Cut at a character's start, not inside one. */
		const char *s = json_object_get_string(v);
		size_t n = 200;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		json_object *cut = json_object_new_string_len(s, (int)n);
		char *text = xstrdup(json_object_to_json_string_ext(cut, JSON_C_TO_STRING_PLAIN));
		json_object_put(cut);
		return text;
	}
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_string) && !json_object_is_type(v, json_type_boolean))
		return NULL;
	return xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

/* For a widget with an alert rule: its level as a store leaves it (data
 * just stored, or error set). NULL for one without a rule: only those are
 * tracked, so that other widgets' pushes pay nothing. */
static const char *stored_level(const char *type, json_object *data, json_object *opts, const char *error)
{
	if (!widget_has_alert(opts))
		return NULL;
	struct md_widget w = {.type = (char *)type, .data_obj = data, .options_obj = opts, .last_error = (char *)error};
	return widget_level(&w);
}

/* The value a notification shows for a store's data (widget_value_text). */
static char *stored_value(const char *type, json_object *data)
{
	struct md_widget w = {.type = (char *)type, .data_obj = data};
	return widget_value_text(&w);
}

/* Logs a change of a tracked widget's level (from was) in the caller's
 * transaction, for the updater's alert step (alert.h). */
static int log_level(long long id, const char *level, const char *was, const char *type, json_object *data,
		     struct buf *err)
{
	if (!level || (was && !strcmp(level, was)))
		return 0;
	char *value = stored_value(type, data);
	int rc = db_exec("INSERT INTO alert_changes (widget_id, level, value, at) VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
			 DB_PARAMS(DB_I(id), DB_S(level), DB_S(value)), NULL, err);
	free(value);
	return rc;
}

/* Pushes in the lock order of their widgets' names (widget_lock_all), and
 * in arrival order within a widget. */
static int by_name(const void *a, const void *b)
{
	const struct widget_push *x = *(struct widget_push *const *)a, *y = *(struct widget_push *const *)b;
	int c = ident_cmp(x->name, y->name);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int names_in_order(const void *a, const void *b)
{
	return ident_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* The rows of up to LOCK_CHUNK widgets are read and locked in one round
 * trip, in the name index's order; a shorter list repeats its last name.
 * Chunks follow each other in that order too (ident_cmp). The index is
 * forced: on a small table the server would rather scan it all, locking
 * every row in the order of ids. */
#define LOCK_CHUNK 16
#define NAMES_IN "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
static const char lock_rows[] =
	"SELECT name, id, data, version, type, options, alert_level, " SERIES_FOLLOWED_SQL
	" FROM widgets FORCE INDEX (widgets_name) WHERE name IN " NAMES_IN " ORDER BY name FOR UPDATE";
/* After a try is rolled back for deadlock, how many tries in all. */
#define STORE_TRIES 5

/* A store being made: its pushes (sorted), the rows it locks, and the
 * rows to write. */
struct batch {
	struct widget_push **order; /* pushes by name, then arrival */
	int n;
	int pending;        /* publish_pending as stored (widget.h) */
	const char **names; /* rows to lock, distinct, in the lock order */
	int nnames;
	char **added; /* owned: names of graphs locked from the start */
	int nadded;
	struct db_result *locked; /* one result per chunk of names */
	int nlocked;
	struct db_param *updates; /* data, version, pending, alert_level, id per widget */
	int nupdates;
	struct db_param *history; /* widget_id, version, data per push */
	int nhistory;
	char **texts; /* owned: each push's merged data */
	/* Changes of alert level (widget_id, level, value), for the widgets
	 * with an alert rule; values owned. */
	struct db_param *changes;
	int nchanges;
	char **values;
	/* The widgets pushed to that graphs follow, the graphs (series.h),
	 * and the graphs bumped. */
	long long *followed;
	int nfollowed;
	struct series_graphs graphs;
	struct series_bumped bumped;
};

static int is_added(const struct batch *b, const char *name)
{
	for (int i = 0; i < b->nadded; i++)
		if (!strcmp(b->added[i], name))
			return 1;
	return 0;
}

static int lock_names(struct batch *b, const char *const *names, int n, struct buf *err)
{
	int nchunks = (n + LOCK_CHUNK - 1) / LOCK_CHUNK;
	b->locked = xrealloc(b->locked, (size_t)(b->nlocked + nchunks + 1) * sizeof *b->locked);
	for (int c = 0; c < nchunks; c++) {
		struct db_param q[LOCK_CHUNK];
		for (int i = 0; i < LOCK_CHUNK; i++) {
			int k = c * LOCK_CHUNK + i;
			q[i] = DB_S(names[k < n ? k : n - 1]);
		}
		if (db_exec(lock_rows, q, LOCK_CHUNK, &b->locked[b->nlocked], err))
			return -1;
		b->nlocked++;
	}
	return 0;
}

/* Locks the rows of b->names, and notes which pushed widgets graphs follow. */
static int lock_widgets(struct batch *b, struct buf *err)
{
	if (lock_names(b, b->names, b->nnames, err))
		return -1;
	for (int c = 0; c < b->nlocked; c++)
		for (int i = 0; i < b->locked[c].nrows; i++)
			if (db_cell_int(&b->locked[c], i, 7, 0) && !is_added(b, db_cell(&b->locked[c], i, 0)))
				b->followed[b->nfollowed++] = db_cell_int(&b->locked[c], i, 1, 0);
	return 0;
}

/* Locks the graphs that follow the widgets pushed to, after them in the
 * lock order. When one comes before a name already locked, it may not
 * be locked now (two stores could wait on each other): all of them join
 * b->names and this returns 1, for the caller to roll back and start
 * again; unless force (the graphs changed meanwhile: then a deadlock is
 * left to STORE_TRIES). 0 done, -1 error. */
static int lock_followers(struct batch *b, int force, struct buf *err)
{
	if (!b->nfollowed)
		return 0;
	if (series_followers(b->followed, b->nfollowed, &b->graphs, err))
		return -1;
	const char **late = xcalloc((size_t)b->graphs.n + 1, sizeof *late);
	int nlate = 0, early = 0;
	for (int i = 0; i < b->graphs.n; i++) {
		const char *g = b->graphs.names[i];
		int k = 0;
		while (k < b->nnames && strcmp(b->names[k], g))
			k++;
		if (k < b->nnames)
			continue; /* locked already */
		early |= ident_cmp(g, b->names[b->nnames - 1]) < 0;
		late[nlate++] = g;
	}
	int rc = 0;
	if (early && !force) {
		b->added = xrealloc(b->added, (size_t)(b->nadded + nlate) * sizeof *b->added);
		b->names = xrealloc(b->names, (size_t)(b->nnames + nlate) * sizeof *b->names);
		for (int i = 0; i < nlate; i++)
			b->names[b->nnames++] = b->added[b->nadded++] = xstrdup(late[i]);
		qsort(b->names, (size_t)b->nnames, sizeof *b->names, names_in_order);
		rc = 1;
	} else if (nlate) {
		rc = lock_names(b, late, nlate, err);
	}
	free(late);
	return rc;
}

/* The locked row of a name, or -1 (no such widget); sets *res. */
static int locked_row(const struct batch *b, const char *name, const struct db_result **res)
{
	for (int c = 0; c < b->nlocked; c++)
		for (int i = 0; i < b->locked[c].nrows; i++)
			if (!strcmp(db_cell(&b->locked[c], i, 0), name)) {
				*res = &b->locked[c];
				return i;
			}
	return -1;
}

/* Notes a change of a tracked widget's alert level, if it is one. */
static void note_level(struct batch *b, long long id, const char *level, const char **was, const char *type,
		       json_object *data)
{
	if (!level || (*was && !strcmp(level, *was)))
		return;
	struct db_param *c = &b->changes[b->nchanges * 3];
	b->values[b->nchanges] = stored_value(type, data);
	c[0] = DB_I(id);
	c[1] = DB_S(level);
	c[2] = DB_S(b->values[b->nchanges]);
	b->nchanges++;
	*was = level;
}

/* One widget's pushes, p[0..n): merged in turn onto its row, each its own
 * version and history row; the widget's row is written once. */
static void merge_widget_pushes(struct batch *b, struct widget_push **p, int n)
{
	const struct db_result *r;
	int row = locked_row(b, p[0]->name, &r);
	if (row < 0) {
		for (int i = 0; i < n; i++)
			p[i]->status = WIDGET_NOT_FOUND;
		return;
	}
	long long id = db_cell_int(r, row, 1, 0), v = db_cell_int(r, row, 3, 0);
	json_object *data = parse_object(db_cell(r, row, 2)), *opts = parse_object(db_cell(r, row, 5));
	const char *type = db_cell(r, row, 4) ? db_cell(r, row, 4) : "";
	const char *text = NULL, *level = NULL, *was = db_cell(r, row, 6);
	for (int i = 0; i < n; i++) {
		widget_merge(data, type, opts, p[i]->fields, now_wall());
		p[i]->version = ++v;
		p[i]->status = 0;
		text = b->texts[b->nhistory] = xstrdup(json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN));
		struct db_param *h = &b->history[b->nhistory++ * 3];
		h[0] = DB_I(id);
		h[1] = DB_I(v);
		h[2] = DB_S(text);
		level = stored_level(type, data, opts, NULL);
		note_level(b, id, level, &was, type, data);
	}
	struct db_param *u = &b->updates[b->nupdates++ * 5];
	u[0] = DB_S(text);
	u[1] = DB_I(v);
	u[2] = DB_I(b->pending);
	u[3] = DB_S(level);
	u[4] = DB_I(id);
	json_object_put(data);
	json_object_put(opts);
}

/* Forgets what an attempt computed. */
static void batch_reset(struct batch *b)
{
	for (int c = 0; c < b->nlocked; c++)
		db_result_free(&b->locked[c]);
	b->nlocked = 0;
	for (int i = 0; i < b->nhistory; i++)
		free(b->texts[i]);
	for (int i = 0; i < b->nchanges; i++)
		free(b->values[i]);
	b->nhistory = b->nupdates = b->nchanges = b->nfollowed = 0;
	series_graphs_free(&b->graphs);
	series_bumped_free(&b->bumped);
}

/* One try in one transaction: 0 committed, 1 to start again (see
 * lock_followers), -1 failed; the caller rolls back. */
static int store_batch(struct batch *b, int force, struct buf *err)
{
	batch_reset(b);
	if (db_begin(err) || lock_widgets(b, err))
		return -1;
	int more = lock_followers(b, force, err);
	if (more)
		return more;
	for (int i = 0, j; i < b->n; i = j) {
		for (j = i + 1; j < b->n && !strcmp(b->order[j]->name, b->order[i]->name); j++)
			;
		merge_widget_pushes(b, b->order + i, j - i);
	}
	if (db_exec_rows("UPDATE widgets SET data = ?, version = ?, updated_at = UTC_TIMESTAMP(3), "
			 "attempted_at = UTC_TIMESTAMP(3), last_error = NULL, error_at = NULL, "
			 "publish_pending = ?, alert_level = ? WHERE id = ?",
			 b->updates, 5, b->nupdates, err) ||
	    db_exec_rows("INSERT INTO widget_history (widget_id, version, data, created_at) "
			 "VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
			 b->history, 3, b->nhistory, err) ||
	    (b->nchanges && db_exec_rows("INSERT INTO alert_changes (widget_id, level, value, at) "
					 "VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
					 b->changes, 3, b->nchanges, err)) ||
	    (b->graphs.n && series_bump(&b->graphs, b->pending, &b->bumped, err)))
		return -1;
	return db_commit(err);
}

/* Stores b, trying again after a deadlock (the server rolled the whole
 * transaction back: something took rows in another order), up to
 * STORE_TRIES in all. 0, or -1 rolled back. */
static int store_tries(struct batch *b, struct buf *err)
{
	size_t mark = err->len;
	int restarts = 0;
	for (int tries = 1;;) {
		int rc = store_batch(b, restarts >= 2, err);
		if (!rc)
			return 0;
		db_rollback();
		if (rc == 1) {
			restarts++;
			continue;
		}
		if (db_lost() || !db_deadlock() || ++tries > STORE_TRIES)
			return -1;
		buf_truncate(err, mark);
	}
}

/* A batch of pushes[0..n), sorted, with room for what it writes. */
static void batch_init(struct batch *b, struct widget_push *pushes, int n, int pending)
{
	*b = (struct batch){.n = n, .pending = pending};
	b->order = xcalloc((size_t)n, sizeof *b->order);
	b->names = xcalloc((size_t)n, sizeof *b->names);
	b->updates = xcalloc((size_t)n * 5, sizeof *b->updates);
	b->history = xcalloc((size_t)n * 3, sizeof *b->history);
	b->texts = xcalloc((size_t)n, sizeof *b->texts);
	b->changes = xcalloc((size_t)n * 3, sizeof *b->changes);
	b->values = xcalloc((size_t)n, sizeof *b->values);
	b->followed = xcalloc((size_t)n, sizeof *b->followed);
	for (int i = 0; i < n; i++) {
		pushes[i].seq = i;
		b->order[i] = &pushes[i];
	}
	qsort(b->order, (size_t)n, sizeof *b->order, by_name);
	for (int i = 0; i < n; i++)
		if (!i || strcmp(b->order[i]->name, b->order[i - 1]->name))
			b->names[b->nnames++] = b->order[i]->name;
}

/* Hands the graphs bumped to *bumped (may be NULL) and frees b. */
static void batch_free(struct batch *b, struct series_bumped *bumped)
{
	if (bumped) {
		*bumped = b->bumped;
		b->bumped = (struct series_bumped){0};
	}
	batch_reset(b);
	for (int i = 0; i < b->nadded; i++)
		free(b->added[i]);
	free(b->added);
	free(b->locked);
	free(b->followed);
	free(b->values);
	free(b->changes);
	free(b->texts);
	free(b->history);
	free(b->updates);
	free(b->names);
	free(b->order);
}

int widget_store(const char *name, json_object *fields, int pending, long long *version, struct series_bumped *bumped,
		 struct buf *err)
{
	struct widget_push p = {.name = name, .fields = fields};
	struct batch b;
	batch_init(&b, &p, 1, pending);
	int rc = store_tries(&b, err);
	if (!rc && p.status == WIDGET_NOT_FOUND) {
		buf_printf(err, "no widget named %s", name);
		rc = WIDGET_NOT_FOUND;
	} else if (!rc) {
		*version = p.version;
	}
	batch_free(&b, rc ? NULL : bumped);
	return rc;
}

/* One push in its own transaction, as widget_store_batch's last resort. */
static void store_alone(struct widget_push *p, struct series_bumped *bumped)
{
	struct buf err = {0};
	struct series_bumped mine = {0};
	p->status = widget_store(p->name, p->fields, 0, &p->version, &mine, &err);
	if (p->status && p->status != WIDGET_NOT_FOUND) {
		log_error("push to %s: %s", p->name, buf_str(&err));
		p->status = -1;
	}
	for (int i = 0; i < mine.n; i++)
		series_bumped_add(bumped, mine.names[i], mine.versions[i]);
	series_bumped_free(&mine);
	buf_free(&err);
}

int widget_store_batch(struct widget_push *pushes, int n, struct series_bumped *bumped, struct buf *err)
{
	if (n <= 0)
		return 0;
	struct batch b;
	batch_init(&b, pushes, n, 0);
	/* After a failure other than a lost connection (and the tries after
	 * deadlocks), one push at a time, so that a push the database refuses
	 * fails alone. */
	size_t mark = err->len;
	int rc = store_tries(&b, err);
	if (rc && !db_lost()) {
		log_warn("%s; storing the batch's %d pushes one by one", buf_str(err), n);
		buf_truncate(err, mark);
		series_bumped_free(&b.bumped);
		for (int i = 0; i < n; i++)
			store_alone(&pushes[i], &b.bumped);
		rc = 0;
	}
	batch_free(&b, rc ? NULL : bumped);
	return rc ? -1 : 0;
}

int widget_store_error(const char *name, const char *message, long long *version, struct buf *err)
{
	struct db_result r;
	if (db_begin(err))
		return -1;
	if (db_exec("SELECT id, version, type, data, options, alert_level FROM widgets WHERE name = ? FOR UPDATE",
		    DB_PARAMS(DB_S(name)), &r, err))
		goto fail;
	if (r.nrows == 0) {
		buf_printf(err, "no widget named %s", name);
		db_result_free(&r);
		goto fail;
	}
	long long id = db_cell_int(&r, 0, 0, 0), v = db_cell_int(&r, 0, 1, 0) + 1;
	const char *type = db_cell(&r, 0, 2) ? db_cell(&r, 0, 2) : "";
	json_object *data = parse_object(db_cell(&r, 0, 3)), *opts = parse_object(db_cell(&r, 0, 4));
	const char *level = stored_level(type, data, opts, message);
	int rc = db_exec("UPDATE widgets SET version = ?, attempted_at = UTC_TIMESTAMP(3), last_error = ?, "
			 "error_at = UTC_TIMESTAMP(3), publish_pending = 1, alert_level = ? WHERE id = ?",
			 DB_PARAMS(DB_I(v), DB_S(message), DB_S(level), DB_I(id)), NULL, err) ||
		 log_level(id, level, db_cell(&r, 0, 5), type, data, err);
	json_object_put(data);
	json_object_put(opts);
	db_result_free(&r);
	if (rc || db_commit(err))
		goto fail;
	*version = v;
	return 0;
fail:
	db_rollback();
	return -1;
}

int widget_published(const char *name, long long version, struct buf *err)
{
	return db_exec("UPDATE widgets SET publish_pending = 0 WHERE name = ? AND version = ?",
		       DB_PARAMS(DB_S(name), DB_I(version)), NULL, err);
}

static int push_in_order(const void *a, const void *b)
{
	return ident_cmp(((const struct widget_push *)a)->name, ((const struct widget_push *)b)->name);
}

int widget_published_all(struct widget_push *p, int n, struct buf *err)
{
	/* Rows in the lock order (widget_lock_all). */
	qsort(p, (size_t)n, sizeof *p, push_in_order);
	if (db_begin(err))
		return -1;
	for (int i = 0; i < n; i++)
		if (widget_published(p[i].name, p[i].version, err)) {
			db_rollback();
			return -1;
		}
	if (db_commit(err)) {
		db_rollback();
		return -1;
	}
	return 0;
}

int widget_unpublished(const char *name, long long version, struct buf *err)
{
	return db_exec("UPDATE widgets SET publish_pending = 1 WHERE name = ? AND version = ?",
		       DB_PARAMS(DB_S(name), DB_I(version)), NULL, err);
}

void widget_free(struct md_widget *w)
{
	if (!w)
		return;
	free(w->name);
	free(w->type);
	free(w->title);
	free(w->dashboard);
	free(w->source);
	free(w->options);
	free(w->data);
	free(w->updated_at);
	free(w->last_error);
	if (w->data_obj)
		json_object_put(w->data_obj);
	if (w->options_obj)
		json_object_put(w->options_obj);
	if (w->source_obj)
		json_object_put(w->source_obj);
	if (w->settings)
		json_object_put(w->settings);
	if (w->saved)
		json_object_put(w->saved);
	memset(w, 0, sizeof *w);
}

void widget_list_free(struct md_widget *list, int n)
{
	for (int i = 0; i < n; i++)
		widget_free(&list[i]);
	free(list);
}

int widget_settings_load(struct md_widget *w, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT setting, value FROM widget_settings WHERE widget_id = ?", DB_PARAMS(DB_I(w->id)), &r, err))
		return -1;
	if (w->settings)
		json_object_put(w->settings);
	w->settings = json_object_new_object();
	for (int i = 0; i < r.nrows; i++)
		json_object_object_add(w->settings, db_cell(&r, i, 0), json_object_new_string(db_cell(&r, i, 1)));
	db_result_free(&r);
	return 0;
}

int widget_settings_store(struct md_widget *w, struct buf *err)
{
	if (!w->saved)
		return 0;
	json_object_object_foreach (w->saved, key, val) {
		if (db_exec("INSERT INTO widget_settings (widget_id, setting, value) VALUES (?, ?, ?) "
			    "ON DUPLICATE KEY UPDATE value = VALUES(value)",
			    DB_PARAMS(DB_I(w->id), DB_S(key), DB_S(json_object_get_string(val))), NULL, err))
			return -1;
	}
	json_object_put(w->saved);
	w->saved = NULL;
	return 0;
}

/* The public accessors of mdash/widget.h. */

const char *mdash_widget_name(const mdash_widget *w)
{
	return w->name;
}

const char *mdash_widget_title(const mdash_widget *w)
{
	return w->title;
}

static const char *get_string(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

int json_number(json_object *v, double *out)
{
	if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) {
		*out = json_object_get_double(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end;
		double d = strtod(s, &end);
		if (end != s && *end == '\0') {
			*out = d;
			return 0;
		}
	}
	return -1;
}

static int get_number(json_object *o, const char *key, double *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return -1;
	return json_number(v, out);
}

json_object *mdash_data(const mdash_widget *w)
{
	return widget_data(w);
}

json_object *mdash_options(const mdash_widget *w)
{
	return widget_options(w);
}

int mdash_json_number(json_object *v, double *out)
{
	return v ? json_number(v, out) : -1;
}

const char *mdash_field(const mdash_widget *w, const char *key)
{
	return get_string(widget_data(w), key);
}

int mdash_field_number(const mdash_widget *w, const char *key, double *out)
{
	return get_number(widget_data(w), key, out);
}

const char *mdash_option(const mdash_widget *w, const char *key)
{
	return get_string(widget_options(w), key);
}

int mdash_option_number(const mdash_widget *w, const char *key, double *out)
{
	return get_number(widget_options(w), key, out);
}

const char *mdash_get_setting(const mdash_widget *w, const char *key)
{
	static __thread char iso[32];
	if (!strcmp(key, "IS_ENABLED"))
		return w->enabled ? "1" : "0";
	if (!strcmp(key, "LAST_UPDATE")) {
		if (!w->updated_at)
			return NULL;
		snprintf(iso, sizeof iso, "%.10sT%sZ", w->updated_at, w->updated_at + 11);
		return iso;
	}
	const char *v = w->saved ? get_string(w->saved, key) : NULL;
	return v ? v : w->settings ? get_string(w->settings, key) : NULL;
}

void mdash_save_setting(mdash_widget *w, const char *key, const char *value)
{
	if (!key || !*key || strlen(key) > 64 || !strcmp(key, "IS_ENABLED") || !strcmp(key, "LAST_UPDATE"))
		return;
	if (!w->saved)
		w->saved = json_object_new_object();
	json_object_object_add(w->saved, key, json_object_new_string(value ? value : ""));
}

int widget_bump_version(const char *name, struct buf *err)
{
	return db_exec("UPDATE widgets SET version = version + 1 WHERE name = ?", DB_PARAMS(DB_S(name)), NULL, err);
}

int widget_save(const struct widget_def *d, struct buf *err)
{
	return db_exec("INSERT INTO widgets (name, type, dashboard_id, title, col, `row`, sizex, sizey, "
		       "update_interval, source, options, enabled, applied_layout) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		       "ON DUPLICATE KEY UPDATE type = VALUES(type), dashboard_id = VALUES(dashboard_id), "
		       "title = VALUES(title), col = VALUES(col), `row` = VALUES(`row`), sizex = VALUES(sizex), "
		       "sizey = VALUES(sizey), update_interval = VALUES(update_interval), "
		       "source = VALUES(source), options = VALUES(options), enabled = VALUES(enabled), "
		       "applied_layout = IFNULL(VALUES(applied_layout), applied_layout)",
		       DB_PARAMS(DB_S(d->name), DB_S(d->type), d->dashboard_id ? DB_I(d->dashboard_id) : DB_S(NULL),
				 DB_S(d->title ? d->title : d->name), DB_I(d->col ? d->col : 1),
				 DB_I(d->row ? d->row : 1), DB_I(d->sizex), DB_I(d->sizey), DB_I(d->interval),
				 DB_S(d->source), DB_S(d->options), DB_I(d->enabled), DB_S(d->applied_layout)),
		       NULL, err);
}

int widget_lock_all(struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT id FROM widgets FORCE INDEX (widgets_name) ORDER BY name FOR UPDATE", DB_NOPARAMS, &r, err))
		return -1;
	db_result_free(&r);
	return 0;
}

int widget_remove(const char *name, struct series_bumped *bumped, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT id FROM widgets WHERE name = ?", DB_PARAMS(DB_S(name)), &r, err))
		return -1;
	long long id = r.nrows ? db_cell_int(&r, 0, 0, 0) : 0;
	db_result_free(&r);
	if (!id)
		return 0;
	/* The graphs that draw it first: their pages redraw without it. */
	if (series_forget(id, name, bumped, err) ||
	    db_exec("DELETE FROM widgets WHERE id = ?", DB_PARAMS(DB_I(id)), NULL, err))
		return -1;
	return 1;
}

int widget_places(struct widget_place **out, int *n, struct buf *err)
{
	struct db_result r;
	*out = NULL;
	*n = 0;
	if (db_exec("SELECT name, IFNULL(dashboard_id, 0), col, `row`, sizex, sizey, applied_layout FROM widgets "
		    "ORDER BY name",
		    DB_NOPARAMS, &r, err))
		return -1;
	if (r.nrows)
		*out = xcalloc((size_t)r.nrows, sizeof **out);
	for (int i = 0; i < r.nrows; i++) {
		struct widget_place *p = &(*out)[i];
		p->name = xstrdup(db_cell(&r, i, 0));
		p->dashboard_id = db_cell_int(&r, i, 1, 0);
		p->col = (int)db_cell_int(&r, i, 2, 1);
		p->row = (int)db_cell_int(&r, i, 3, 1);
		p->sizex = (int)db_cell_int(&r, i, 4, 1);
		p->sizey = (int)db_cell_int(&r, i, 5, 1);
		p->applied = dup_or_null(db_cell(&r, i, 6));
	}
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

void widget_places_free(struct widget_place *list, int n)
{
	for (int i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].applied);
	}
	free(list);
}

int widget_versions_max(long long *max, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT IFNULL(MAX(version), 0) FROM widgets", DB_NOPARAMS, &r, err))
		return -1;
	*max = db_cell_int(&r, 0, 0, 0);
	db_result_free(&r);
	return 0;
}

int widget_versions_raise(long long by, struct buf *err)
{
	/* Every row, locked first in the order pushes keep (widget_lock_all):
	 * the statement alone would take them in the order of ids. */
	if (db_begin(err) || widget_lock_all(err) ||
	    db_exec("UPDATE widgets SET version = version + ?", DB_PARAMS(DB_I(by)), NULL, err) || db_commit(err)) {
		db_rollback();
		return -1;
	}
	return 0;
}
