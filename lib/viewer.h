/* SPDX-License-Identifier: MIT */
/* viewer.h: what a request asks for and who is asking, in one database
 * round trip. The page, fragment and API paths need both on every request;
 * each query here returns the rows asked for with the session's user (and
 * whether it holds a grant for each row's dashboard) joined beside them. */
#ifndef MDASH_VIEWER_H
#define MDASH_VIEWER_H

#include "auth.h"
#include "config.h"
#include "dashboard.h"
#include "util.h"
#include "widget.h"

/* The widget NAME and the session of COOKIE (NULL: none). 1: the widget is in
 * w, *has_user says whether u was filled, *granted whether that user holds a
 * grant for the widget's dashboard. 0: no such widget (nothing was learned
 * of the session). -1: database error (in err). The caller frees w and u. */
int viewer_widget(const struct md_config *cfg, const char *cookie, const char *name, struct md_widget *w,
		  struct md_user *u, int *has_user, int *granted, struct buf *err);

/* Every dashboard in display order, with the session of COOKIE: *granted gets
 * one flag per dashboard (caller frees). With no dashboard at all nothing is
 * learned of the session: *has_user is 0 and *n is 0. */
int viewer_dashboards(const struct md_config *cfg, const char *cookie, struct md_dashboard **list, int *n,
		      int **granted, struct md_user *u, int *has_user, struct buf *err);

/* The same, and in the same query the widgets of the dashboard of SLUG in
 * reading order (row, col, name), as widget_list_dashboard reads them: a
 * page's reads in one round trip. *ws gets *nw widgets (caller frees; none
 * when no dashboard has that slug). */
int viewer_dashboard_widgets(const struct md_config *cfg, const char *cookie, const char *slug,
			     struct md_dashboard **list, int *n, int **granted, struct md_user *u, int *has_user,
			     struct md_widget **ws, int *nw, struct buf *err);

#endif
