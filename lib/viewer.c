/* SPDX-License-Identifier: MIT */
/* viewer.c: what a request asks for and who is asking, in one query (see
 * viewer.h). Session validity and grants are spelt once, in auth.h. */
#include "viewer.h"

#include <stdlib.h>

#include "db.h"

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
	if (r.nrows) {
		*list = xcalloc((size_t)r.nrows, sizeof **list);
		*granted = xcalloc((size_t)r.nrows, sizeof **granted);
		*has_user = session_from_row(&r, 0, DASHBOARD_NCOLS, &k, u);
	}
	for (int i = 0; i < r.nrows; i++) {
		dashboard_from_row(&r, i, &(*list)[i]);
		(*granted)[i] = *has_user && session_granted(&r, i, DASHBOARD_NCOLS);
	}
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}
