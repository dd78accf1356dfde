/* SPDX-License-Identifier: MIT */
/* feed.h: a thread of each app process that follows nginx's change feed
 * (the channel _feed at PublishURL) and keeps the read cache current
 * (read_cache.h): the cache is used only while the feed is followed. */
#ifndef MDASH_FEED_H
#define MDASH_FEED_H

#include "config.h"

/* 0, or -1 when the thread could not start (the cache then stays off). */
int feed_start(const struct md_config *cfg);
void feed_stop(void);
/* What one line of the feed tells the read cache. */
#include <stddef.h>
void feed_heard(const char *line, size_t len);

#endif
