/* pass.h: fragment passes. A pass lets nginx serve a widget's fragment from
 * its cache without asking the app: the widget's dashboard, an expiry time
 * and nginx's secure_link MD5 of "<expiry><base>widget/<name> <dashboard>
 * <key>", where the key is shared with nginx through one file both read:
 *     set $mdash_fragment_key "<64 hex digits>";
 * The app hands passes only to viewers allowed to see the dashboard (with
 * the dashboard's JSON). A pass is good for one widget on one dashboard
 * until it expires: revoked access ends within PASS_LIFETIME, and a widget
 * moved to another dashboard is out of reach of the old one's passes (nginx
 * keys its copies by dashboard, and the app caches a copy only when the
 * widget is on the dashboard named). */
#ifndef MDASH_PASS_H
#define MDASH_PASS_H

#include <time.h>

#include "config.h"
#include "util.h"

/* Seconds a pass stays good. Pages refresh theirs every few minutes. */
#define PASS_LIFETIME (15 * 60)

/* Reads the key from cfg->fragment_key_file (once per process). 1 when
 * passes are on, 0 when the file is absent (passes off: pages fetch
 * fragments from the app), -1 when it exists but is unusable (why in err). */
int pass_enabled(const struct md_config *cfg, struct buf *err);

/* Appends "d=<dashboard>&e=<expires>&p=<signature>" for widget name on
 * dashboard (a slug) to out; nothing when passes are off. */
void pass_query(const struct md_config *cfg, const char *name, const char *dashboard, time_t expires, struct buf *out);

/* Forgets the key (tests, and the end of a process). */
void pass_reset(void);

#endif
