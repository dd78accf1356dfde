/* SPDX-License-Identifier: MIT */
/* viewer.c: what a request asks for and who is asking (see viewer.h):
 * from this process's cache (read_cache.h) while the change feed is
 * followed, else in one query. Session validity and grants are spelt once,
 * in auth.h. */
#include "viewer.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "ident.h"
#include "metrics.h"
#include "read_cache.h"

/* Without the cache: the widget and the session in one statement. */
static int widget_read(const struct session_key *k, const char *name, struct md_widget *w, struct md_user *u,
		       int *has_user, int *granted, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT " WIDGET_COLS ", " SESSION_COLS
		    " " WIDGET_FROM SESSION_JOIN("w.dashboard_id") "WHERE w.name = ?",
		    DB_PARAMS(SESSION_PARAMS(k), DB_S(name)), &r, err))
		return -1;
	int found = r.nrows > 0;
	if (found) {
		widget_from_row(&r, 0, w);
		*has_user = session_from_row(&r, 0, WIDGET_NCOLS, k, u);
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

/* Without the cache: every dashboard and the session in one statement. */
static int dashboards_read(const struct session_key *k, struct md_dashboard **list, int *n, int **granted,
			   struct md_user *u, int *has_user, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT " DASHBOARD_COLS ", " SESSION_COLS " FROM dashboards d " SESSION_JOIN("d.id")
			    DASHBOARD_ORDER,
		    DB_PARAMS(SESSION_PARAMS(k)), &r, err))
		return -1;
	dashboards_from_rows(&r, 0, k, list, n, granted, u, has_user);
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

/* Without the cache: the dashboards, the session and the widgets of slug's
 * dashboard in one statement. */
static int dashboard_widgets_read(const struct session_key *k, const char *slug, struct md_dashboard **list, int *n,
				  int **granted, struct md_user *u, int *has_user, struct md_widget **ws, int *nw,
				  struct buf *err)
{
	struct db_result r;
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
		    DB_PARAMS(SESSION_PARAMS(k), DB_S(slug)), &r, err))
		return -1;
	dashboards_from_rows(&r, WIDGET_NCOLS, k, list, n, granted, u, has_user);
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

/* Through the cache (read_cache.h): each part of what a request reads is
 * taken from it, or read alone and kept. */

static void count(int hit)
{
	metrics_add(hit ? M_READ_CACHE_HITS : M_READ_CACHE_MISSES, 1);
}

/* The live session of k: 1 and *s, 0 when there is none (no cookie, or
 * not live: that is never kept, so a stranger's cookies fill nothing), -1
 * on an error. A kept one expires and is touched by the clock, as the
 * database would do it. */
static int session_of(const struct session_key *k, const struct read_ticket *t, struct cached_session *s,
		      struct buf *err)
{
	if (!*k->hash)
		return 0;
	if (read_cache_session(k->hash, s)) {
		long long now = now_ms();
		if (now - s->seen_ms < k->idle_minutes * 60000 && now - s->created_ms < k->max_days * 86400000) {
			if (now - s->seen_ms >= SESSION_TOUCH_SECONDS * 1000LL) {
				session_touch(k->hash);
				read_cache_session_seen(k->hash, now);
			}
			count(1);
			return 1;
		}
		cached_session_free(s);
	}
	count(0);
	struct db_result r;
	/* The session's grants come one per row (or one row of NULL). */
	if (db_exec("SELECT " SESSION_COLS ", TIMESTAMPDIFF(SECOND, s.created_at, UTC_TIMESTAMP(3)), "
		    "g2.dashboard_id FROM (SELECT 1) one " SESSION_JOIN("0")
		    "LEFT JOIN user_dashboards g2 ON g2.user_id = u.id WHERE s.id_hash IS NOT NULL",
		    DB_PARAMS(SESSION_PARAMS(k)), &r, err))
		return -1;
	int live = r.nrows > 0 && session_from_row(&r, 0, 0, k, &s->user);
	if (live) {
		long long seen = db_cell_int(&r, 0, 5, 0);
		/* session_from_row touched it if it was last seen that long ago. */
		s->seen_ms = seen >= SESSION_TOUCH_SECONDS ? now_ms() : t->at_ms - seen * 1000;
		s->created_ms = t->at_ms - db_cell_int(&r, 0, 7, 0) * 1000;
		s->grants = xcalloc((size_t)r.nrows + 1, sizeof *s->grants);
		for (int i = 0; i < r.nrows; i++)
			if (db_cell(&r, i, 8))
				s->grants[s->ngrants++] = db_cell_int(&r, i, 8, 0);
		read_cache_put_session(k->hash, s, t);
	}
	db_result_free(&r);
	return live;
}

static int holds_grant(const struct cached_session *s, long long dashboard_id)
{
	for (int i = 0; i < s->ngrants; i++)
		if (s->grants[i] == dashboard_id)
			return 1;
	return 0;
}

/* A widget kept at read_at_ms, as it would read now: its age and the time
 * to its next pull move on with the clock. */
static void bring_forward(struct md_widget *w, long long read_at_ms)
{
	long long elapsed = now_ms() - read_at_ms;
	if (w->age >= 0)
		w->age += elapsed / 1000;
	w->due_in_ms -= elapsed;
}

/* 1 and the widget, 0 when there is none, -1 on an error. */
static int widget_of(const char *name, const struct read_ticket *t, struct md_widget *w, struct buf *err)
{
	long long read_at;
	if (read_cache_widget(name, w, &read_at)) {
		bring_forward(w, read_at);
		count(1);
		return 1;
	}
	count(0);
	int found = widget_load(name, w, err);
	if (found == 1)
		read_cache_put_widget(w, t);
	return found;
}

/* Every dashboard: 0, or -1 on an error. */
static int dashboards_of(const struct read_ticket *t, struct md_dashboard **list, int *n, struct buf *err)
{
	if (read_cache_dashboards(list, n)) {
		count(1);
		return 0;
	}
	count(0);
	if (dashboard_list(list, n, err))
		return -1;
	read_cache_put_dashboards(*list, *n, t);
	return 0;
}

/* The widgets of a dashboard in reading order: 0, or -1 on an error. */
static int widgets_on(long long dashboard_id, const struct read_ticket *t, struct md_widget **ws, int *nw,
		      struct buf *err)
{
	char **names;
	int n, k = 0;
	if (read_cache_dashboard_widgets(dashboard_id, &names, &n)) {
		long long read_at;
		*ws = xcalloc((size_t)n + 1, sizeof **ws);
		while (k < n && read_cache_widget(names[k], &(*ws)[k], &read_at))
			bring_forward(&(*ws)[k++], read_at);
		for (int i = 0; i < n; i++)
			free(names[i]);
		free(names);
		if (k == n) {
			*nw = n;
			count(1);
			return 0;
		}
		widget_list_free(*ws, k);
	}
	count(0);
	*ws = NULL;
	if (widget_list_dashboard(dashboard_id, ws, nw, err))
		return -1;
	for (int i = 0; i < *nw; i++)
		read_cache_put_widget(&(*ws)[i], t);
	read_cache_put_dashboard_widgets(dashboard_id, *ws, *nw, t);
	return 0;
}

/* Hands the session's user to the caller. */
static void give_user(struct cached_session *s, struct md_user *u, int *has_user)
{
	*u = s->user;
	memset(&s->user, 0, sizeof s->user);
	*has_user = 1;
}

int viewer_widget(const struct md_config *cfg, const char *cookie, const char *name, struct md_widget *w,
		  struct md_user *u, int *has_user, int *granted, struct buf *err)
{
	struct session_key k;
	struct read_ticket t;
	session_key(cfg, cookie, &k);
	*has_user = *granted = 0;
	if (!read_cache_ticket(&t))
		return widget_read(&k, name, w, u, has_user, granted, err);
	struct cached_session s = {0};
	int live = session_of(&k, &t, &s, err);
	int found = live < 0 ? -1 : widget_of(name, &t, w, err);
	if (found == 1 && live) {
		*granted = holds_grant(&s, w->dashboard_id);
		give_user(&s, u, has_user);
	}
	cached_session_free(&s);
	return found;
}

/* The list and the session, as dashboards_from_rows gives them. */
static int dashboards_and_session(const struct session_key *k, const struct read_ticket *t,
				  struct md_dashboard **list, int *n, int **granted, struct md_user *u, int *has_user,
				  struct buf *err)
{
	struct cached_session s = {0};
	int live = session_of(k, t, &s, err);
	if (live < 0 || dashboards_of(t, list, n, err)) {
		cached_session_free(&s);
		return -1;
	}
	/* As the statement: nothing is learnt of the session without a dashboard. */
	if (*n) {
		*granted = xcalloc((size_t)*n, sizeof **granted);
		for (int i = 0; live && i < *n; i++)
			(*granted)[i] = holds_grant(&s, (*list)[i].id);
		if (live)
			give_user(&s, u, has_user);
	}
	cached_session_free(&s);
	return 0;
}

int viewer_dashboards(const struct md_config *cfg, const char *cookie, struct md_dashboard **list, int *n,
		      int **granted, struct md_user *u, int *has_user, struct buf *err)
{
	struct session_key k;
	struct read_ticket t;
	session_key(cfg, cookie, &k);
	*list = NULL;
	*granted = NULL;
	*n = *has_user = 0;
	if (!read_cache_ticket(&t))
		return dashboards_read(&k, list, n, granted, u, has_user, err);
	return dashboards_and_session(&k, &t, list, n, granted, u, has_user, err);
}

int viewer_dashboard_widgets(const struct md_config *cfg, const char *cookie, const char *slug,
			     struct md_dashboard **list, int *n, int **granted, struct md_user *u, int *has_user,
			     struct md_widget **ws, int *nw, struct buf *err)
{
	struct session_key k;
	struct read_ticket t;
	session_key(cfg, cookie, &k);
	*list = NULL;
	*granted = NULL;
	*ws = NULL;
	*n = *nw = *has_user = 0;
	if (!read_cache_ticket(&t))
		return dashboard_widgets_read(&k, slug, list, n, granted, u, has_user, ws, nw, err);
	if (dashboards_and_session(&k, &t, list, n, granted, u, has_user, err))
		return -1;
	struct md_dashboard *d = dashboard_find(*list, *n, slug);
	if (d && widgets_on(d->id, &t, ws, nw, err)) {
		/* As a failed statement: nothing read. */
		dashboard_list_free(*list, *n);
		free(*granted);
		if (*has_user)
			user_free(u);
		*list = NULL, *granted = NULL, *n = *has_user = 0;
		return -1;
	}
	return 0;
}
