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
 * NULL-terminated array. Each type's api_version must be
 * MDASH_WIDGET_API_VERSION, or the plug-in is refused.
 *
 * Ownership: every string the API returns belongs to the widget or the
 * context and lives until the call that received it returns. */
#ifndef MDASH_WIDGET_H
#define MDASH_WIDGET_H

#ifdef __cplusplus
extern "C" {
#endif

#define MDASH_WIDGET_API_VERSION 1

typedef struct md_widget mdash_widget;      /* one widget instance */
typedef struct mdash_context mdash_context; /* its template's data */

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

/* Sets w.ctx.<key> for the template; the key may contain dots for nesting. */
void mdash_set(mdash_context *ctx, const char *key, const char *value);
void mdash_setf(mdash_context *ctx, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif
