/* SPDX-License-Identifier: MIT */
/* dashboard.h: dashboards, as rows of the dashboards table. */
#ifndef MDASH_DASHBOARD_H
#define MDASH_DASHBOARD_H

#include "util.h"

/* One dashboard. Owns its strings. */
struct md_dashboard {
	long long id;
	char *slug, *title, *description;
	int columns;
};

/* The columns every loader reads (of dashboards d), and one row of them,
 * starting at column col. */
#define DASHBOARD_COLS "d.id, d.slug, d.title, d.description, d.columns "
#define DASHBOARD_NCOLS 5
#define DASHBOARD_ORDER "ORDER BY d.position, d.slug"
struct db_result;
void dashboard_from_row(const struct db_result *r, int i, int col, struct md_dashboard *d);

/* 1 found, 0 not found, -1 database error (in err). */
int dashboard_load(const char *slug, struct md_dashboard *d, struct buf *err);
/* Every dashboard, in their display order. */
int dashboard_list(struct md_dashboard **out, int *n, struct buf *err);
/* The dashboard of that slug in a list, or NULL. */
struct md_dashboard *dashboard_find(struct md_dashboard *list, int n, const char *slug);
void dashboard_free(struct md_dashboard *d);
/* A copy of from, with its own strings. */
void dashboard_copy(struct md_dashboard *to, const struct md_dashboard *from);
void dashboard_list_free(struct md_dashboard *list, int n);

/* Creates the dashboard or changes the one of that slug (position: its
 * place in the navigation); *id gets its id. */
int dashboard_save(const char *slug, const char *title, const char *description, int columns, int position,
		   long long *id, struct buf *err);
/* Changes a dashboard's title, description and columns (its place in the
 * navigation stays). 0, or -1 (in err). */
int dashboard_change(const char *slug, const char *title, const char *description, int columns, struct buf *err);
/* Removes a dashboard (its widgets stay, on no dashboard): 1 removed, 0 no
 * such dashboard, -1 error. */
int dashboard_remove(const char *slug, struct buf *err);

/* Where one widget goes on its dashboard's grid. Borrows name. */
struct dashboard_place {
	const char *name;
	long col, row, sizex, sizey;
};
/* Moves and resizes widgets (places[0..n-1]) and records it in the audit
 * log as action "layout.save" on slug, before and after being the layout
 * as JSON text: one transaction, so both or neither. 0, or -1 with err. */
struct audit_actor;
int dashboard_layout_save(const char *slug, const struct dashboard_place *places, int n, const struct audit_actor *who,
			  const char *before, const char *after, struct buf *err);

#endif
