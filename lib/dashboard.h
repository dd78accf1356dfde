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

/* 1 found, 0 not found, -1 database error (in err). */
int dashboard_load(const char *slug, struct md_dashboard *d, struct buf *err);
/* Every dashboard, in their display order. */
int dashboard_list(struct md_dashboard **out, int *n, struct buf *err);
void dashboard_free(struct md_dashboard *d);
void dashboard_list_free(struct md_dashboard *list, int n);

#endif
