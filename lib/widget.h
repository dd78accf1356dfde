/* SPDX-License-Identifier: MIT */
/* widget.h: widget instances, as rows of the widgets table. */
#ifndef MDASH_WIDGET_MODEL_H
#define MDASH_WIDGET_MODEL_H

#include <json-c/json.h>

#include "mdash/widget.h"
#include "util.h"

/* One widget instance. Owns every string and parsed object in it. */
struct md_widget {
	long long id;
	char *name, *type, *title;
	char *dashboard;        /* slug, or NULL when on no dashboard */
	long long dashboard_id; /* 0 when on no dashboard */
	int col, row, sizex, sizey;
	long interval; /* seconds between pulls */
	int enabled;
	char *source;  /* JSON object text */
	char *options; /* JSON object text */
	char *data;    /* JSON object text, NULL before the first update */
	long long version;
	char *updated_at;    /* "YYYY-MM-DD HH:MM:SS.mmm" UTC, or NULL */
	long long age;       /* seconds since updated_at, -1 if never */
	long long due_in_ms; /* until the next pull is due (<= 0: due now) */
	char *last_error;
	int publish_pending;
	json_object *data_obj;    /* parsed data ({} when none), on first widget_data(); owned */
	json_object *options_obj; /* parsed options; owned */
	json_object *source_obj;  /* parsed source; owned */
	json_object *settings;    /* free-form settings, when loaded; owned */
	json_object *saved;       /* settings saved since, to store; owned */
};

/* ok, stale (overdue, and it can go stale) or error (last update failed). */
const char *widget_state(const struct md_widget *w);
/* 1 when no update came for twice its interval, or none ever: stale, if
 * its data can go stale (widget_can_go_stale). Reads the row alone. */
int widget_overdue(const struct md_widget *w);
/* ok, warning or danger: the data's own "status" field (the status type's
 * "critical" is danger), else what options.thresholds make of the value in
 * t's value_field; NULL when neither says anything. t may be NULL. */
const char *widget_status(const struct md_widget *w, const struct mdash_widget_type *t);
/* What its page shows of the widget first: "error", "stale", "danger",
 * "warning" or "ok" (the order of widget_tally_add). Alerts judge by it. */
const char *widget_level(const struct md_widget *w);
/* 1 when the widget's data can go stale: not for a push source (data comes
 * when it comes), nor for a type that shows the time of the render. */
int widget_can_go_stale(const struct md_widget *w);
/* The source's kind ("http", "exec", "push", ...), or "push" if unset. */
const char *widget_source_kind(const struct md_widget *w);

json_object *widget_data(const struct md_widget *w);
/* A widget's value as a notification shows it: its type's value field
 * when that is a number, a string (at most 200 bytes kept) or a boolean,
 * as JSON text (the caller frees it); NULL otherwise. */
char *widget_value_text(const struct md_widget *w);
/* 1 when options holds an alert rule (alert.h), whatever it says: the
 * store tracks the level of those widgets only. */
int widget_has_alert(json_object *options);
/* A JSON number, or a string that is a whole decimal number: 0 and *out
 * set, or -1 (also for NULL). */
int json_number(json_object *v, double *out);
json_object *widget_options(const struct md_widget *w);
json_object *widget_source(const struct md_widget *w);

/* The one column list every loader uses, in struct order, and its table
 * (w, with the dashboard as d); widget_from_row reads one row of it. */
#define WIDGET_COLS                                                                                                    \
	"w.id, w.name, w.type, w.title, d.slug, w.col, w.`row`, w.sizex, w.sizey, "                                    \
	"w.update_interval, w.enabled, w.source, w.options, w.data, w.version, "                                       \
	"DATE_FORMAT(w.updated_at, '%Y-%m-%d %H:%i:%s.%f'), "                                                          \
	"IFNULL(TIMESTAMPDIFF(SECOND, w.updated_at, UTC_TIMESTAMP(3)), -1), "                                          \
	"IFNULL(CAST(w.update_interval AS SIGNED) * 1000 - TIMESTAMPDIFF(MICROSECOND, w.attempted_at, "                \
	"UTC_TIMESTAMP(3)) DIV 1000, 0), "                                                                             \
	"w.last_error, w.publish_pending, IFNULL(w.dashboard_id, 0) "
#define WIDGET_NCOLS 21
#define WIDGET_FROM "FROM widgets w LEFT JOIN dashboards d ON d.id = w.dashboard_id "
struct db_result;
void widget_from_row(const struct db_result *r, int i, struct md_widget *w);

/* Loaders: 1 found, 0 not found, -1 database error (in err). */
int widget_load(const char *name, struct md_widget *w, struct buf *err);
/* All widgets of a dashboard, in reading order (row, col). */
int widget_list_dashboard(long long dashboard_id, struct md_widget **out, int *n, struct buf *err);
/* Every widget, by name; enabled_only skips disabled ones. */
int widget_list_all(int enabled_only, struct md_widget **out, int *n, struct buf *err);

/* How a dashboard's widgets are doing, as its page shows them: each widget
 * counts once, in the first of error, stale, danger and warning that
 * applies (none of them: it is fine). */
struct widget_tally {
	int widgets, error, stale, danger, warning;
};
/* Tallies the widgets of dashboards ids[0..n-1] into out[0..n-1], in one
 * query that reads no other dashboard's widgets. 0, or -1 (in err). */
int widget_tally(const long long *ids, int n, struct widget_tally *out, struct buf *err);
/* Counts one widget into t. */
void widget_tally_add(const struct md_widget *w, struct widget_tally *t);

/* Stores new field values (merged over the current ones) in one
 * transaction with a history row and bumps the version. Returns 0 and the
 * new version, WIDGET_NOT_FOUND, or -1 with nothing written.
 * pending = 1 marks the publish as pending in the same transaction, for a
 * caller whose crash before publishing nobody would notice (the updater);
 * 0 for one whose client sees that crash and retries (the push API), which
 * spares a second commit: it calls widget_unpublished if the publish fails. */
#define WIDGET_NOT_FOUND (-2)
/* Merges a push's fields over a widget's data (of type), in place, as the
 * store does; the type's store hook runs first (mdash/widget.h). now is the
 * time of the update, in Unix seconds. */
void widget_merge(json_object *data, const char *type, json_object *options, json_object *fields, double now);
struct series_bumped;
/* Graphs that follow the widget (series.h) are bumped in the same
 * transaction; bumped (may be NULL) gets them, to publish. */
int widget_store(const char *name, json_object *fields, int pending, long long *version, struct series_bumped *bumped,
		 struct buf *err);
/* One push for widget_store_batch: the caller fills name and fields
 * (borrowed); the batch fills status (0 stored, WIDGET_NOT_FOUND, or -1
 * refused by the database, logged) and version. seq is the batch's own. */
struct widget_push {
	const char *name;
	json_object *fields;
	int status;
	long long version;
	int seq;
};
/* Stores many pushes in one transaction, as widget_store would one by one
 * (pending = 0): each push its own version and history row, in order per
 * widget, each widget's row written once. If the database refuses the
 * batch, the pushes are stored one by one, each with its own status.
 * Returns 0, or -1 with nothing written (the connection was lost). The
 * batch keeps no reference to any push's fields and leaves them as they
 * were. */
int widget_store_batch(struct widget_push *pushes, int n, struct series_bumped *bumped, struct buf *err);
/* Records a failed update: the last good value stays, the error shows. */
int widget_store_error(const char *name, const char *message, long long *version, struct buf *err);
/* Records that version was published (a newer pending one stays pending). */
int widget_published(const char *name, long long version, struct buf *err);
/* The same for many widgets (each push's name and version; the rest
 * unused) in one transaction: 0, or -1 with nothing recorded. Sorts p
 * into the lock order (widget_lock_all). */
int widget_published_all(struct widget_push *p, int n, struct buf *err);
/* Marks version's publish as pending, for the updater to retry. */
int widget_unpublished(const char *name, long long version, struct buf *err);

/* Loads the free-form settings (before an update function runs) and
 * stores those it saved (after). */
int widget_settings_load(struct md_widget *w, struct buf *err);
int widget_settings_store(struct md_widget *w, struct buf *err);

void widget_free(struct md_widget *w);
void widget_list_free(struct md_widget *list, int n);

/* A widget as the declarative file (or `mdash widget add|set`) describes
 * it, for widget_save. Borrows its strings. */
struct widget_def {
	const char *name, *type, *title;
	long long dashboard_id; /* 0: on no dashboard */
	long col, row, sizex, sizey, interval;
	int enabled;
	const char *source, *options; /* JSON object text */
	/* Where `mdash apply` put it, "col,row,sizex,sizey", or NULL to leave
	 * the record as it is (see widget_place). */
	const char *applied_layout;
};
/* Creates the widget, or changes the one of that name; its data, version
 * and history stay. */
int widget_save(const struct widget_def *d, struct buf *err);
/* Raises the widget's version by one, its data unchanged: after a change
 * to how it looks (title, type, options), pages and caches that hold the
 * old version's fragment fetch the new one. 0, or -1 (in err). */
int widget_bump_version(const char *name, struct buf *err);
/* The lock order of widget rows (so that two transactions never wait on
 * each other): ascending name, in the name index's order. A store locks
 * the rows it writes in one statement, and the graphs that follow them
 * (series.h) only after those if their names come later, else it starts
 * again with all of them in one statement. A change of the widgets
 * themselves (apply, the authoring API, `mdash widget`, a layout) first
 * locks every widget row, with this, in the caller's transaction: it then
 * holds all it may touch before it touches any. 0, or -1 (in err). */
int widget_lock_all(struct buf *err);
/* Removes a widget and its history, in the caller's transaction (which
 * holds widget_lock_all): 1 removed, 0 no such widget, -1 error. The
 * graphs that drew it forget it (series_forget); bumped (may be NULL)
 * gets them, to publish after the commit. */
int widget_remove(const char *name, struct series_bumped *bumped, struct buf *err);

/* Where a widget is, and where the last `mdash apply` put it (applied:
 * "col,row,sizex,sizey", or NULL when no apply placed it), so that apply
 * can keep positions saved from the browser since. Owns its strings. */
struct widget_place {
	char *name;
	long long dashboard_id; /* 0: on no dashboard */
	int col, row, sizex, sizey;
	char *applied;
};
/* Every widget's place, by name. */
int widget_places(struct widget_place **out, int *n, struct buf *err);
void widget_places_free(struct widget_place *list, int n);

/* The highest version of any widget, and every version raised by the same
 * amount: after a restore, versions must not repeat ones that pages and
 * caches saw before it. The raise is a transaction of its own. */
int widget_versions_max(long long *max, struct buf *err);
int widget_versions_raise(long long by, struct buf *err);

#endif
