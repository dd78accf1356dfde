/* SPDX-License-Identifier: MIT */
/* dashboard.c: dashboards in the database (see dashboard.h). */
#include "dashboard.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "widget.h"

void dashboard_from_row(const struct db_result *r, int i, int col, struct md_dashboard *d)
{
	const char *desc = db_cell(r, i, col + 3);
	d->id = db_cell_int(r, i, col, 0);
	d->slug = xstrdup(db_cell(r, i, col + 1));
	d->title = xstrdup(db_cell(r, i, col + 2));
	d->description = desc ? xstrdup(desc) : NULL;
	d->columns = (int)db_cell_int(r, i, col + 4, 6);
}

int dashboard_load(const char *slug, struct md_dashboard *d, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT " DASHBOARD_COLS "FROM dashboards d WHERE d.slug = ?", DB_PARAMS(DB_S(slug)), &r, err))
		return -1;
	int found = r.nrows > 0;
	if (found)
		dashboard_from_row(&r, 0, 0, d);
	db_result_free(&r);
	return found;
}

int dashboard_list(struct md_dashboard **out, int *n, struct buf *err)
{
	struct db_result r;
	*out = NULL;
	*n = 0;
	if (db_exec("SELECT " DASHBOARD_COLS "FROM dashboards d " DASHBOARD_ORDER, DB_NOPARAMS, &r, err))
		return -1;
	if (r.nrows)
		*out = xcalloc((size_t)r.nrows, sizeof **out);
	for (int i = 0; i < r.nrows; i++)
		dashboard_from_row(&r, i, 0, &(*out)[i]);
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

struct md_dashboard *dashboard_find(struct md_dashboard *list, int n, const char *slug)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i].slug, slug))
			return &list[i];
	return NULL;
}

void dashboard_copy(struct md_dashboard *to, const struct md_dashboard *from)
{
	*to = *from;
	to->slug = xstrdup(from->slug);
	to->title = xstrdup(from->title);
	to->description = from->description ? xstrdup(from->description) : NULL;
}

void dashboard_free(struct md_dashboard *d)
{
	free(d->slug);
	free(d->title);
	free(d->description);
	memset(d, 0, sizeof *d);
}

void dashboard_list_free(struct md_dashboard *list, int n)
{
	for (int i = 0; i < n; i++)
		dashboard_free(&list[i]);
	free(list);
}

int dashboard_save(const char *slug, const char *title, const char *description, int columns, int position,
		   long long *id, struct buf *err)
{
	struct db_result r;
	if (db_exec("INSERT INTO dashboards (slug, title, description, columns, position) VALUES (?, ?, ?, ?, ?) "
		    "ON DUPLICATE KEY UPDATE title = VALUES(title), description = VALUES(description), "
		    "columns = VALUES(columns), position = VALUES(position)",
		    DB_PARAMS(DB_S(slug), DB_S(title ? title : ""), DB_S(description), DB_I(columns), DB_I(position)),
		    NULL, err) ||
	    db_exec("SELECT id FROM dashboards WHERE slug = ?", DB_PARAMS(DB_S(slug)), &r, err))
		return -1;
	*id = db_cell_int(&r, 0, 0, 0);
	db_result_free(&r);
	return 0;
}

int dashboard_change(const char *slug, const char *title, const char *description, int columns, struct buf *err)
{
	return db_exec("UPDATE dashboards SET title = ?, description = ?, columns = ? WHERE slug = ?",
		       DB_PARAMS(DB_S(title ? title : ""), DB_S(description), DB_I(columns), DB_S(slug)), NULL, err);
}

int dashboard_remove(const char *slug, struct buf *err)
{
	struct db_result r;
	/* Its widgets' rows change too (they stay, on no dashboard). */
	if (widget_lock_all(err) || db_exec("DELETE FROM dashboards WHERE slug = ?", DB_PARAMS(DB_S(slug)), &r, err))
		return -1;
	return r.affected > 0;
}

int dashboard_layout_save(const char *slug, const struct dashboard_place *places, int n, const struct audit_actor *who,
			  const char *before, const char *after, struct buf *err)
{
	if (db_begin(err))
		return -1;
	/* The places are written in the body's order: locked first, in the
	 * global order (widget_lock_all). */
	int bad = widget_lock_all(err) != 0;
	for (int i = 0; i < n && !bad; i++)
		bad = db_exec("UPDATE widgets SET col = ?, `row` = ?, sizex = ?, sizey = ? WHERE name = ?",
			      DB_PARAMS(DB_I(places[i].col), DB_I(places[i].row), DB_I(places[i].sizex),
					DB_I(places[i].sizey), DB_S(places[i].name)),
			      NULL, err) != 0;
	if (bad || audit_record(who, "layout.save", slug, before, after, err) || db_commit(err)) {
		db_rollback();
		return -1;
	}
	return 0;
}
