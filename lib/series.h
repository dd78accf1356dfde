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
 * (one EXISTS on an index, in the statement that locks its row). */
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
void series_bumped_free(struct series_bumped *b);
/* Bumps, in the caller's transaction, the graphs following any of the
 * widgets ids[0..n) (other than themselves): version + 1, updated_at now,
 * publish_pending as given. Adds them to *out (may be NULL). */
int series_bump(const long long *ids, int n, int pending, struct series_bumped *out, struct buf *err);
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
