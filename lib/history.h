/* SPDX-License-Identifier: MIT */
/* history.h: retention of widget_history, every stored update kept for
 * graphs and "change since" until it is older than History.MaxAge days or
 * beyond the History.Keep newest of its widget. */
#ifndef MDASH_HISTORY_H
#define MDASH_HISTORY_H

#include "config.h"
#include "util.h"

/* Applies both rules to one widget (by id), or to every widget when
 * widget_id is 0. Adds the rows removed to *deleted. */
int history_prune(const struct md_config *cfg, long long widget_id, long long *deleted, struct buf *err);

#endif
