/* SPDX-License-Identifier: MIT */
/* read_cache.h: what the viewer's reads returned (viewer.c), kept in this
 * process between requests so that a page, a fragment or the widget API
 * answers without a statement, for as long as the change feed says the
 * copies are current.
 *
 * The feed (cgi/feed.c follows nginx's channel _feed) carries the names of
 * the widgets each publish changed (publish_widgets) and a "clear all"
 * after any other write (announce_change). While it is not followed, nothing is kept: every read
 * goes to the database, as without a cache. Each entry is also read again
 * after App.CacheSeconds at most, which bounds what a change made outside
 * mdash (SQL by hand) or a message lost with nginx can leave stale.
 *
 * A read that fills the cache takes a ticket before its statement: a copy
 * is kept only if nothing it may depend on was announced since, so a read
 * that raced a change never leaves the old value behind. The app's
 * processes on one host share their record of changes (read_cache_share):
 * a push stored or a logout made by one is seen by all before it is
 * answered; other hosts' and the CLI's writes arrive through the feed.
 *
 * Thread-safe: one lock, held only to copy in or out. Callers own what they
 * are given and give up what they put. */
#ifndef MDASH_READ_CACHE_H
#define MDASH_READ_CACHE_H

#include "auth.h"
#include "dashboard.h"
#include "widget.h"

/* Makes the record of changes shared by the processes forked after it (the
 * app's workers): 0, or -1 (each then knows its own writes at once and the
 * others' through the feed). */
int read_cache_share(void);
/* Seconds an entry may be kept (App.CacheSeconds); 0: nothing is kept. */
void read_cache_setup(long max_age_seconds);

/* The feed's side: followed from now (clears), no longer followed (clears
 * and turns the cache off). And a change: one widget, or anything; every
 * process sharing the record (read_cache_share) knows it at once. */
void read_cache_feed_up(void);
void read_cache_feed_down(void);
void read_cache_widget_changed(const char *name, size_t len);
void read_cache_clear(void);

/* A fill's ticket, taken before the statement: 0 when nothing may be kept
 * now (the caller reads the database and keeps nothing). */
struct read_ticket {
	unsigned long long seq; /* the count of changes then */
	unsigned long long gen; /* this process's feed generation then */
	long long at_ms;        /* and the time: what was read is at least this old */
};
int read_cache_ticket(struct read_ticket *t);

/* A live session: its user, when it was last seen and made (to expire and
 * touch it by the clock, as the database would), and its grants. */
struct cached_session {
	struct md_user user;
	long long seen_ms, created_ms; /* on now_ms's clock */
	long long *grants;             /* dashboard ids granted */
	int ngrants;
};
void cached_session_free(struct cached_session *s);

/* 1 and a copy in *s, or 0. */
int read_cache_session(const char *hash, struct cached_session *s);
/* Keeps a copy of s under hash, unless t is stale. */
void read_cache_put_session(const char *hash, const struct cached_session *s, const struct read_ticket *t);
/* The session was touched now (seen_at), by this process. */
void read_cache_session_seen(const char *hash, long long seen_ms);

/* A widget's row as read at *read_at_ms: the caller brings its age and
 * due time forward to now. 1 and a copy in *w, or 0. */
int read_cache_widget(const char *name, struct md_widget *w, long long *read_at_ms);
void read_cache_put_widget(struct md_widget *w, const struct read_ticket *t);

/* Every dashboard, in display order. */
int read_cache_dashboards(struct md_dashboard **list, int *n);
void read_cache_put_dashboards(struct md_dashboard *list, int n, const struct read_ticket *t);

/* The names of a dashboard's widgets in reading order (the caller frees
 * each and the array); kept from the widgets as read, in order. */
int read_cache_dashboard_widgets(long long dashboard_id, char ***names, int *n);
void read_cache_put_dashboard_widgets(long long dashboard_id, const struct md_widget *ws, int n,
				      const struct read_ticket *t);

/* Frees everything (at exit, for leak checkers). */
void read_cache_cleanup(void);

#endif
