/* SPDX-License-Identifier: MIT */
/* announce.h: tells open pages that a widget changed, with its fragment
 * when small (render_widget_inline, publish_widget): the CLI's way, one
 * widget at a time. The app's push loop does the same for a whole batch
 * (cgi/batch.c). */
#ifndef MDASH_ANNOUNCE_H
#define MDASH_ANNOUNCE_H

#include "config.h"
#include "util.h"

/* Publishes widget name's version. A fragment that cannot be rendered is
 * left out of the message (the pages fetch it), not an error. Returns 0,
 * or -1 with the reason the publish failed in err. */
int announce_widget(const struct md_config *cfg, const char *name, long long version, struct buf *err);

/* Publishes the graphs a store bumped (series.h), each marked published
 * when it was; one that could not be stays pending for the updater. 0, or
 * -1 when some failed (the last reason in err). */
struct series_bumped;
int announce_bumped(const struct md_config *cfg, const struct series_bumped *b, struct buf *err);

/* Tells every app process that anything may have changed (a user, a
 * session, a grant, a dashboard, a widget's definition...): each clears
 * its read cache (read_cache.h), this process at once. Writes other than
 * widgets' data call it after their commit; a widget's own message tells
 * the app by itself. 0, or -1 (nobody follows the feed then: without
 * nginx every app reads the database). */
int announce_change(const struct md_config *cfg, struct buf *err);

#endif
