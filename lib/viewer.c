/* SPDX-License-Identifier: MIT */
/* viewer.c: what a request asks for and who is asking, in one query (see
 * viewer.h). Session validity and grants are spelt once, in auth.h. */
#include "viewer.h"

#include <stdlib.h>

#include "db.h"
#include "ident.h"

int viewer_widget(const struct md_config *cfg, const char *cookie, const char *name, struct md_widget *w,
		  struct md_user *u, int *has_user, int *granted, struct buf *err)
{
	struct session_key k;
	struct db_result r;
	session_key(cfg, cookie, &k);
	*has_user = *granted = 0;
	if (db_exec("SELECT " WIDGET_COLS ", " SESSION_COLS
		    " " WIDGET_FROM SESSION_JOIN("w.dashboard_id") "WHERE w.name = ?",
		    DB_PARAMS(SESSION_PARAMS(&k), DB_S(name)), &r, err))
		return -1;
	int found = r.nrows > 0;
	if (found) {
		widget_from_row(&r, 0, w);
		*has_user = session_from_row(&r, 0, WIDGET_NCOLS, &k, u);
		*granted = *has_user && session_granted(&r, 0, WIDGET_NCOLS);
	}
	db_result_free(&r);
	return found;
}

/* The dashboards of r (one row each, or one per widget read beside it),
 * their dashboard columns from col and the session's after them. */
static void dashboards_from_rows(const struct db_result *r, int col, const struct session_key *k,
				 struct md_dashboard **list, int *n, int **granted, struct md_user *u, int *has_user)
{
	if (r->nrows) {
		*list = xcalloc((size_t)r->nrows, sizeof **list);
		*granted = xcalloc((size_t)r->nrows, sizeof **granted);
		*has_user = session_from_row(r, 0, col + DASHBOARD_NCOLS, k, u);
	}
	for (int i = 0; i < r->nrows; i++) {
		/* A dashboard's widgets come in consecutive rows. */
		if (*n && (*list)[*n - 1].id == db_cell_int(r, i, col, 0))
			continue;
		dashboard_from_row(r, i, col, &(*list)[*n]);
		(*granted)[*n] = *has_user && session_granted(r, i, col + DASHBOARD_NCOLS);
		(*n)++;
	}
}

int viewer_dashboards(const struct md_config *cfg, const char *cookie, struct md_dashboard **list, int *n,
		      int **granted, struct md_user *u, int *has_user, struct buf *err)
{
	struct session_key k;
	struct db_result r;
	session_key(cfg, cookie, &k);
	*list = NULL;
	*granted = NULL;
	*n = *has_user = 0;
	if (db_exec("SELECT " DASHBOARD_COLS ", " SESSION_COLS " FROM dashboards d " SESSION_JOIN("d.id")
			    DASHBOARD_ORDER,
		    DB_PARAMS(SESSION_PARAMS(&k)), &r, err))
		return -1;
	dashboards_from_rows(&r, 0, &k, list, n, granted, u, has_user);
	db_result_free(&r);
	return 0;
}

/* A dashboard's reading order, as widget_list_dashboard's ORDER BY. */
static int by_place(const void *pa, const void *pb)
{
	const struct md_widget *a = pa, *b = pb;
	if (a->row != b->row)
		return a->row < b->row ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return ident_cmp(a->name, b->name);
}

int viewer_dashboard_widgets(const struct md_config *cfg, const char *cookie, const char *slug,
			     struct md_dashboard **list, int *n, int **granted, struct md_user *u, int *has_user,
			     struct md_widget **ws, int *nw, struct buf *err)
{
	struct session_key k;
	struct db_result r;
	session_key(cfg, cookie, &k);
	*list = NULL;
	*granted = NULL;
	*ws = NULL;
	*n = *nw = *has_user = 0;
	/* Each dashboard once, but the one of slug once per widget (or once,
	 * with NULL widget columns, when it has none). WIDGET_COLS name the
	 * widget's dashboard d, which is the row's. Ordered by the dashboards
	 * alone, and the widgets read by their index: ordering by both, or
	 * joining the widgets through a join buffer, makes MariaDB copy every
	 * row, TEXT columns and all, into an on-disk temporary table (four
	 * times the two queries' cost). The widgets are put in order here. */
	if (db_exec("SELECT " WIDGET_COLS ", " DASHBOARD_COLS ", " SESSION_COLS " FROM dashboards d " SESSION_JOIN(
			    "d.id") "LEFT JOIN widgets w FORCE INDEX (widgets_dashboard) "
				    "ON w.dashboard_id = d.id AND d.slug = ? " DASHBOARD_ORDER,
		    DB_PARAMS(SESSION_PARAMS(&k), DB_S(slug)), &r, err))
		return -1;
	dashboards_from_rows(&r, WIDGET_NCOLS, &k, list, n, granted, u, has_user);
	if (r.nrows)
		*ws = xcalloc((size_t)r.nrows, sizeof **ws);
	for (int i = 0; i < r.nrows; i++)
		if (db_cell(&r, i, 0))
			widget_from_row(&r, i, &(*ws)[(*nw)++]);
	db_result_free(&r);
	if (*nw > 1)
		qsort(*ws, (size_t)*nw, sizeof **ws, by_place);
	return 0;
}
