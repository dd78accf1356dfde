/* SPDX-License-Identifier: MIT */
/* pass.h: passes, which let nginx serve what the app rendered from its cache
 * without asking the app again.
 *
 * Fragment passes. A pass lets nginx serve a widget's fragment: the widget's dashboard, an expiry time
 * and nginx's secure_link MD5 of "<expiry><base>widget/<name> <dashboard>
 * <key>", where the key is shared with nginx through one file both read:
 *     set $mdash_fragment_key "<64 hex digits>";
 * The app hands passes only to viewers allowed to see the dashboard (with
 * the dashboard's JSON). A pass is good for one widget on one dashboard
 * until it expires, at nginx's copies and at the app alike: a share link's
 * page fetches its fragments at <base>widget/<name> with their passes, as a
 * logged-in page does, so both share one address and one copy per version.
 * Revoked access ends within PASS_LIFETIME, and a widget
 * moved to another dashboard is out of reach of the old one's passes (nginx
 * keys its copies by dashboard, and the app caches a copy only when the
 * widget is on the dashboard named). */
#ifndef MDASH_PASS_H
#define MDASH_PASS_H

#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "util.h"

/* Seconds a pass stays good. Pages refresh theirs every few minutes. */
#define PASS_LIFETIME (15 * 60)

/* Stream passes. The dashboard's JSON gives its page one for its push
 * stream, GET <base>sub/d/<slug>?c=<channels>&e=<expiry>&p=<signature>,
 * the signature nginx's MD5 of "<expiry><base>sub/d/<slug> <channels>
 * <key>" (a share link's page too: nginx takes it at
 * /s/<secret>/sub/d/<slug> as well). nginx checks it and hands the stream
 * to nchan's channels c without asking the app: a wall of pages reconnecting at once (after an
 * nginx restart) asks nothing of the app, and nginx keeps no FastCGI
 * buffers for the life of each stream.
 *
 * A stream carries data (small fragments travel in its messages, publish.h),
 * so its pass is a bearer credential for that data and lives briefly: a
 * viewer whose access ended can open the stream with a pass still held for
 * STREAM_PASS_LIFETIME at most (a stream open when access ends is closed:
 * publish_reload, publish_session_ended). Pages fetch a new pass before each (re)connect once
 * theirs is a little older than that. Passes travel in the query string,
 * which the site's access log leaves out. */
#define STREAM_PASS_LIFETIME (2 * 60)

/* Page passes. A logged-in browser holds one in the cookie PAGE_PASS_COOKIE:
 * "<user id>.<csrf token>.<expiry>.<signature>", the signature nginx's MD5
 * of "<expiry> page <user id> <csrf token> <key>". nginx checks it and keeps
 * the user's dashboard pages, keyed by user, until the end of the second
 * they were made in, and gives a copy for one more second at most while a
 * new one renders: no copy is served 2 s after it was made. It puts the
 * session's CSRF token from the pass where the page has the marks
 * PAGE_CSRF_MARK (the page's meta) and PAGE_CSRF_FORM_MARK (the logout
 * form), each once, both in the page's head and top bar: having put both,
 * nginx sends the rest of the page (the widgets) without reading it. The
 * app writes the marks only in pages it lets nginx keep, and escaped text
 * never holds a "<" (a plug-in template that writes unescaped text could
 * show the viewer's token). A pass lives briefly: it
 * outlives a logout elsewhere or a revoked session by at most
 * PAGE_PASS_LIFETIME, and the app gives a new one with the pages it
 * renders. */
#define PAGE_PASS_COOKIE "mdash_page"
#define PAGE_PASS_LIFETIME (5 * 60)
#define PAGE_CSRF_MARK "<!--mdash-csrf-->"
#define PAGE_CSRF_FORM_MARK "<!--mdash-csrf-form-->"

/* What you change is what you see. A browser that holds a page pass and has
 * just changed something (any request but GET or HEAD that succeeds: a
 * layout saved, a dashboard or widget edited; cgi/main.c) gets the cookie
 * PAGE_FRESH_COOKIE for PAGE_FRESH_LIFETIME seconds. While it lasts nginx
 * asks the app for that browser's pages instead of serving a copy, and keeps
 * the new page in the old copy's place: the author's next load shows the
 * change, even within the second of the copy. Copies made before the change
 * are served for 2 s at most, so the cookie outlives them, and everyone
 * else gets the change live (the page's push stream) or at their first load
 * 2 s later. The page's script sets the same cookie itself when it reloads
 * because access ended, and when it is left with a layout still being saved
 * (static/mdash.js). */
#define PAGE_FRESH_COOKIE "mdash_fresh"
#define PAGE_FRESH_LIFETIME 3

/* Reads the key from cfg->fragment_key_file (once per process). 1 when
 * passes are on, 0 when the file is absent (passes off: pages fetch
 * fragments from the app), -1 when it exists but is unusable (why in err). */
int pass_enabled(const struct md_config *cfg, struct buf *err);

/* Appends "d=<dashboard>&e=<expires>&p=<signature>" for widget name on
 * dashboard (a slug) to out; nothing when passes are off. */
void pass_query(const struct md_config *cfg, const char *name, const char *dashboard, time_t expires, struct buf *out);

/* 1 when sig is the signature of a pass for widget name on dashboard (a
 * slug) that expires at expires, still good at time now; else 0 (also when
 * passes are off). The app takes such a pass as nginx does (the route rule
 * VIEWER_OR_PASS), so that what a pass opens at nginx's copies it opens at
 * the app on a miss, and nothing more. */
int pass_query_good(const struct md_config *cfg, const char *name, const char *dashboard, long long expires,
		    const char *sig, time_t now);

/* Appends "c=<channels>&e=<expires>&p=<signature>" for dashboard slug's
 * stream to out; nothing when passes are off. */
void pass_stream(const struct md_config *cfg, const char *slug, const char *channels, time_t expires, struct buf *out);

/* Appends a page pass for the user and the session's CSRF token to out:
 * 0, or -1 when passes are off or the token does not fit. */
int pass_page(const struct md_config *cfg, long long user, const char *csrf, time_t expires, struct buf *out);

/* 1 when cookie is a page pass for this user and token that is still good
 * at time now, else 0. */
int pass_page_good(const struct md_config *cfg, const char *cookie, long long user, const char *csrf, time_t now);

/* Forgets the key (tests, and the end of a process). */
void pass_reset(void);

/* Makes the key file at path if there is none: a new random key in
 * nginx's "set" line, mode 0640, group gid unless (gid_t)-1. 1 made, 0
 * there already (usable or not: pass_enabled says), -1 error. */
int pass_make_key(const char *path, gid_t gid, struct buf *err);

#endif
