/* SPDX-License-Identifier: MIT */
/* series.h: graphs that draw other widgets' history (widgets of a type
 * with MDASH_TYPE_DRAWS_SERIES, the graph). A ranged graph's
 * options.series names up to SERIES_MAX widgets of its own dashboard (the
 * graph itself among them, to draw its own values); widget_series holds
 * them, as the last `mdash apply` wrote the options.
 *
 * Why the same dashboard: a graph's fragment is shown to whoever may see
 * its dashboard (a share link, a viewer), so what it draws must be no more
 * than that dashboard already shows.
 *
 * A graph follows the widgets it names: storing an update to one of them
 * bumps the graph's version (and updated_at) in the same transaction, and
 * the graph is published with the widget, so its fragment changes once
 * per update for every page and cache. Only a widget's own updates bump
 * its followers: a bump is not an update, so graphs naming graphs make no
 * loop. A widget nobody follows costs nothing more to store than before
 * (one EXISTS on an index, in the statement that locks its row). A store
 * locks the graphs it bumps in the one order of widget rows
 * (widget_lock_all in widget.h), so that stores never deadlock.
 *
 * Only widgets of a type with MDASH_TYPE_NUMERIC may be named. A widget
 * deleted, or taken off the dashboard, leaves the graphs that named it
 * (series_forget); a change to one (its title) gives them a new version
 * (series_touch). */
#ifndef MDASH_SERIES_H
#define MDASH_SERIES_H

#include "util.h"

#define SERIES_MAX 6

/* Rebuilds widget_series from every widget's options.series, inside the
 * caller's transaction (mdash apply's). Fails on a malformed list or a name
 * that is no widget of the graph's dashboard, with an error naming the
 * graph and the field ("widget cpu: options.series[1]: ..."). */
int series_sync(struct buf *err);

/* The graphs bumped by storing updates (names and new versions), for the
 * caller to publish after its commit. Owns its strings. */
struct series_bumped {
	char **names;
	long long *versions;
	int n;
};
void series_bumped_add(struct series_bumped *b, const char *name, long long version);
void series_bumped_free(struct series_bumped *b);
/* The graphs that follow any of the widgets ids[0..n) (other than
 * themselves), by name in the lock order (ident_cmp): read without a
 * lock, for a store to lock them in that order (widget_lock_all). */
struct series_graphs {
	char **names;
	int n;
};
int series_followers(const long long *ids, int n, struct series_graphs *out, struct buf *err);
void series_graphs_free(struct series_graphs *g);
/* Bumps the graphs g, whose rows the caller's transaction holds: version
 * + 1, updated_at now, publish_pending as given. Adds them to *out (may be
 * NULL). */
int series_bump(const struct series_graphs *g, int pending, struct series_bumped *out, struct buf *err);
/* After a change to widget name itself (its title or type, which graphs
 * show in their legends), in the caller's transaction (which holds
 * widget_lock_all): bumps the graphs that follow it, marked pending and
 * added to *out (may be NULL) for the caller to publish after its commit. */
int series_touch(const char *name, struct series_bumped *out, struct buf *err);
/* Before widget widget_id (named name) is deleted or leaves its dashboard,
 * in the caller's transaction (which holds widget_lock_all): each graph
 * that names it drops the name from options.series, the stored options
 * too (so that the graph keeps working, and `mdash export` gives what it
 * draws; none left, the graph draws its own history), and gets a new
 * version, marked pending and added to *out (may be NULL) for the caller
 * to publish after its commit. 0, or -1 (in err). */
int series_forget(long long widget_id, const char *name, struct series_bumped *out, struct buf *err);
/* The SQL a store's locking SELECT adds to learn whether a row of
 * `widgets` is followed: 1 or 0. */
#define SERIES_FOLLOWED_SQL                                                                                            \
	"EXISTS (SELECT 1 FROM widget_series s WHERE s.widget_id = widgets.id AND s.graph_id <> widgets.id)"

/* What a graph draws: its series in order, each widget's id, name, title,
 * type and the time of its newest update (NAN: none). */
struct series_member {
	long long id;
	char *name, *title, *type;
	double updated;
};
int series_of(long long graph_id, struct series_member **out, int *n, struct buf *err);
void series_members_free(struct series_member *m, int n);

#endif
