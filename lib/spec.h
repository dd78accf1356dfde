/* SPDX-License-Identifier: MIT */
/* spec.h: dashboards and widgets as the declarative file describes them
 * (see spec.c). */
#ifndef MDASH_SPEC_H
#define MDASH_SPEC_H

#include <json-c/json.h>

#include "util.h"

#define MAX_COLUMNS 24
#define MAX_ROWS 1000

/* A widget, checked and with its defaults filled in. */
struct wspec {
	const char *name, *type, *title;
	long sizex, sizey, col, row, interval, enabled;
	int explicit_pos;             /* the file gave col and row */
	const char *source, *options; /* JSON text, owned by the parsed file or own_source */
	struct buf own_source;
};

struct dspec {
	const char *slug, *title, *description;
	long columns;
	struct wspec *widgets;
	int nwidgets;
};

/* Checks o as a dashboard object limited to keys (NULL-ended, some of the
 * declarative file's): an unknown key fails, named with where. */
int spec_dashboard_keys(json_object *o, const char *const *keys, const char *where, struct buf *err);
/* Checks one widget or dashboard object; where names it in errors
 * ("dashboards[0].widgets[2]"). Strings point into the object. */
struct md_config;
/* cfg: the settings, which name the notifiers an alert rule may use. */
int spec_widget(json_object *w, const char *where, const struct md_config *cfg, struct wspec *s, struct buf *err);
int spec_dashboard(json_object *d, const char *where, const struct md_config *cfg, struct dspec *s, struct buf *err);
/* Places widgets without col/row in the first free spot, reading order;
 * explicit positions are kept and are obstacles. */
void spec_place(struct dspec *d);
/* How `mdash apply` writes: layout: the file's positions and sizes win
 * over the ones saved since the last apply; prune: the widgets the file
 * does not name will go (they are no obstacles when placing). kept gets
 * the names of widgets whose saved place differs from the file's and
 * stays, separated by ", ". */
struct spec_write_opts {
	int layout, prune;
	struct buf kept;
	int nkept;
};
/* Writes dashboards and their widgets (upserts); the caller holds the
 * transaction. A widget new to its dashboard goes where the file says, or
 * to the first free spot; one already there keeps its place unless the
 * file's position (or size) differs from where the last apply put it. */
int spec_write(struct dspec *ds, int n, struct spec_write_opts *o, struct buf *err);
/* One dashboard (position: its place in the navigation) or one widget
 * (dashboard_id 0: on no dashboard). */
int spec_write_dashboard(const struct dspec *d, int position, long long *id, struct buf *err);
int spec_write_widget(const struct wspec *w, long long dashboard_id, struct buf *err);
void spec_free(struct dspec *ds, int n);

/* A widget as the file describes it (a new object): name, type, title,
 * position, size, interval and source always; enabled only when false,
 * options only when not empty. */
struct md_widget;
json_object *spec_of_widget(const struct md_widget *w);

#endif
