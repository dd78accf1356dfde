/* SPDX-License-Identifier: MIT */
/* mdash/widget.h: the public C API for widget types, built in or plug-in.
 *
 * A widget *type* is code: a template, a default size and update interval,
 * a function that fills the template's data (the seed's get_context_data)
 * and optionally one that fetches fresh data (the seed's
 * update_widget_data). A widget *instance* is a row in the database that
 * names its type; the functions below read it.
 *
 * A plug-in is a shared object md_<name>.so in the plug-in directory that
 * exports `const struct mdash_widget_type *mdash_widget_types[]`, a
 * NULL-terminated array. Each type's api_version must be one this mdash
 * speaks, MDASH_WIDGET_API_OLDEST to MDASH_WIDGET_API_VERSION, or the type
 * is refused. A type of an older version is read as one with every field
 * added since zero, so a plug-in built for version 1 loads unchanged.
 *
 * Version 2 added: flags (MDASH_TYPE_SHOWS_TIME, MDASH_TYPE_DRAWS_SERIES,
 * MDASH_TYPE_NUMERIC), the store hook, and
 * mdash_data, mdash_options and mdash_json_number for types whose data is
 * more than flat fields. The built-in types use this API and nothing else.
 *
 * Ownership: every string the API returns belongs to the widget or the
 * context and lives until the call that received it returns. */
#ifndef MDASH_WIDGET_H
#define MDASH_WIDGET_H

#ifdef __cplusplus
extern "C" {
#endif

#define MDASH_WIDGET_API_VERSION 2
#define MDASH_WIDGET_API_OLDEST 1

typedef struct md_widget mdash_widget;      /* one widget instance */
typedef struct mdash_context mdash_context; /* its template's data */
struct json_object;                         /* json-c's */

/* The type's widgets show the time of the render, not stored data (a
 * clock): they are never stale, never say "No data yet", and are rendered
 * afresh for every request. */
#define MDASH_TYPE_SHOWS_TIME 1u
/* The type draws the widgets its options.series names
 * (mdash_series_history): `mdash apply` checks that list, and each update
 * stored to one of them bumps this widget's version, so that its fragment
 * follows. */
#define MDASH_TYPE_DRAWS_SERIES 2u
/* The type's value_field holds a number (a number's current, a meter's
 * value): its history can be drawn, so a graph's options.series may name
 * its widgets. A type without it is refused there, by name. */
#define MDASH_TYPE_NUMERIC 4u

struct mdash_widget_type {
	int api_version;         /* MDASH_WIDGET_API_VERSION */
	const char *name;        /* [a-z0-9][a-z0-9_-]*, unique */
	const char *template;    /* .cs file: relative to the template dir, or
				  * absolute. HTML escaping is on: keep data
				  * out of uvar (unescaped text could, among
				  * other harm, receive the viewer's CSRF token
				  * where it holds the page's mark for it) */
	int sizex, sizey;        /* default size in grid cells */
	int update_interval;     /* default seconds between updates */
	const char *value_field; /* the field a source's single value lands in */
	/* Fills the template's data beyond the stored fields (which the template
	 * already sees as w.data.*). Returns 0, or -1 to render the error state. */
	int (*context)(const mdash_widget *w, mdash_context *ctx);
	/* Optional: fetches fresh data and returns it as a malloc'd JSON object
	 * text in *json, or -1 with a malloc'd message in *error. Runs in an
	 * updater thread: use no globals. A widget of this type uses it when its
	 * source is {"kind": "<type name>"}, the default for such a type. */
	int (*update)(mdash_widget *w, char **json, char **error);

	/* Since version 2 (read only from a type whose api_version says so). */
	unsigned flags; /* MDASH_TYPE_* */
	/* Optional: runs each time new fields (a push's, or an update's) are
	 * stored over a widget's data, before they are merged in (each field
	 * then replaces the stored one of its name). It may change data, the
	 * widget's stored data (a JSON object, the same as mdash_data(w));
	 * fields are to read only. now is the time of the update, in Unix
	 * seconds. The graph appends a pushed "value" to its series here. It
	 * runs inside the store's transaction: keep it quick, without I/O. */
	void (*store)(const mdash_widget *w, struct json_object *data, struct json_object *fields, double now);
};

/* The instance's name, type and title. */
const char *mdash_widget_name(const mdash_widget *w);
const char *mdash_widget_title(const mdash_widget *w);

/* A stored data field (numbers and booleans as text), or NULL. */
const char *mdash_field(const mdash_widget *w, const char *key);
/* A stored data field as a number: 0 and *out set, or -1 when absent or
 * not a number. */
int mdash_field_number(const mdash_widget *w, const char *key, double *out);
/* The same for the instance's options (the declarative file's "options"). */
const char *mdash_option(const mdash_widget *w, const char *key);
int mdash_option_number(const mdash_widget *w, const char *key, double *out);

/* Since version 2: the stored data and the options as json-c objects,
 * for types whose data is more than flat fields (a graph's series).
 * Borrowed: they live as long as w; do not change them. A plug-in that
 * uses them links json-c. */
struct json_object *mdash_data(const mdash_widget *w);
struct json_object *mdash_options(const mdash_widget *w);
/* A JSON number, or a string that is a decimal number, as mdash_field_number
 * reads fields: 0 and *out set, or -1 (also for NULL). */
int mdash_json_number(struct json_object *v, double *out);

/* The seed's per-widget settings, for update functions. IS_ENABLED ("1"
 * or "0") and LAST_UPDATE (UTC, ISO 8601, or NULL) are the widget's own;
 * other keys are free-form and kept in the widget_settings table. A value
 * saved during an update is stored when the update function returns. */
const char *mdash_get_setting(const mdash_widget *w, const char *key);
void mdash_save_setting(mdash_widget *w, const char *key, const char *value);

/* A widget's history, for graphs over time: the numeric values of field
 * stored in the `seconds` before its newest update (so that what a version
 * shows is the same for every viewer and can be kept), in at most `points`
 * buckets of equal length, oldest first. Each bucket has the time of its
 * newest update (Unix seconds), that update's value, and the bucket's least,
 * greatest and mean. The points live as long as ctx. Returns how many (0
 * when there is no data), or -1 when the history cannot be read: the
 * render then fails, and is not kept. */
struct mdash_point {
	double t, v, min, max, avg;
};
int mdash_history(const mdash_widget *w, mdash_context *ctx, const char *field, double seconds, int points,
		  const struct mdash_point **out);

/* Since version 2: a graph of other widgets (the graph's options.series,
 * widgets of its own dashboard as `mdash apply` checked them). Each named
 * widget's history of its type's value field over the `seconds` before the
 * newest update of any of them (*end, Unix seconds; NAN when none has
 * any), in at most `points` buckets as mdash_history gives them, into
 * out[0..max), in the order named. Labels and points live as long as ctx.
 * Returns how many, or -1 when they cannot be read (the render fails). */
struct mdash_series {
	const char *label; /* the widget's title, or its name */
	const struct mdash_point *points;
	int n;
};
int mdash_series_history(const mdash_widget *w, mdash_context *ctx, double seconds, int points,
			 struct mdash_series *out, int max, double *end);

/* Sets w.ctx.<key> for the template; the key may contain dots for nesting. */
void mdash_set(mdash_context *ctx, const char *key, const char *value);
void mdash_setf(mdash_context *ctx, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif
