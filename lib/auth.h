/* SPDX-License-Identifier: MIT */
/* auth.h: users, passwords (yescrypt through libcrypt), sessions and
 * login throttling. */
#ifndef MDASH_AUTH_H
#define MDASH_AUTH_H

#include "config.h"
#include "util.h"

enum role { ROLE_VIEWER, ROLE_ADMIN };

/* Who is asking. Owns its strings. */
struct md_user {
	long long id;
	char *name;
	enum role role;
	int all_dashboards;
	char *csrf;       /* the session's CSRF token, when from a session */
	char session[17]; /* the session's tag (16 hex of its id), or "" */
};

/* A session's push channel, for a reload when its access ends: one of
 * SESSION_CHANNELS shared by the sessions whose tags begin alike
 * (_x_<2 hex>: the tag's first 7 bits), so that nginx keeps one channel
 * list per dashboard and channel, not per viewer (BENCHMARKS.md §10). The
 * reload names the session; its pages alone obey (stream.js), and the
 * channel's deletion then ends every stream on it, which the others reopen
 * at once: fewer channels cost nginx less memory, and a logout reopens more
 * streams (one in SESSION_CHANNELS). */
#define SESSION_CHANNELS 128
#define SESSION_CHANNEL_SIZE 6
void session_channel(const char *tag, char channel[SESSION_CHANNEL_SIZE]);

/* A request's session read in the same query as what the request asks for
 * (viewer.c): SESSION_JOIN(dashboard id column) goes after that query's
 * FROM clause and takes SESSION_PARAMS; SESSION_COLS end its column list,
 * the session's user and whether it holds a grant for that dashboard, NULLs
 * when there is no live session. */
struct session_key {
	char hash[65]; /* of the cookie; "" (matching nothing) without one */
	long long idle_minutes, max_days;
};
void session_key(const struct md_config *cfg, const char *cookie, struct session_key *k);
#define SESSION_JOIN(dashboard_id)                                                                                     \
	"LEFT JOIN sessions s ON s.id_hash = ? AND s.seen_at > UTC_TIMESTAMP(3) - INTERVAL ? MINUTE "                  \
	"AND s.created_at > UTC_TIMESTAMP(3) - INTERVAL ? DAY LEFT JOIN users u ON u.id = s.user_id "                  \
	"LEFT JOIN user_dashboards g ON g.user_id = u.id AND g.dashboard_id = " dashboard_id " "
#define SESSION_PARAMS(k) DB_S((k)->hash), DB_I((k)->idle_minutes), DB_I((k)->max_days)
#define SESSION_COLS                                                                                                   \
	"u.id, u.name, u.role, u.all_dashboards, s.csrf, TIMESTAMPDIFF(SECOND, s.seen_at, UTC_TIMESTAMP(3)), "         \
	"g.user_id IS NOT NULL"
/* Row i's session columns, from col: 1 and the user in u (its session
 * touched as session_find does), or 0 when there is no live session. */
struct db_result;
int session_from_row(const struct db_result *r, int i, int col, const struct session_key *k, struct md_user *u);
/* Marks the session of that hash seen now; a session is touched once it
 * was last seen this long ago (not on every read). */
#define SESSION_TOUCH_SECONDS 60
void session_touch(const char *hash);
/* Whether row i's user holds a grant for the row's dashboard. */
int session_granted(const struct db_result *r, int i, int col);

/* The tags of a user's sessions, to tell their pages to reload when
 * access changes (publish_session_ended): calls fn for each. */
int user_sessions(const char *name, void (*fn)(const char *tag, void *ctx), void *ctx, struct buf *err);

/* A yescrypt hash of password into *hash (caller frees). */
int password_hash(const char *password, char **hash, struct buf *err);
/* 1 when password matches hash, else 0. Constant-time in the comparison. */
int password_check(const char *password, const char *hash);

/* The shortest password a user may have. */
#define PASSWORD_MIN 8
int user_add(const char *name, const char *password, enum role role, struct buf *err);
/* The first administrator's name (by name) into *name (caller frees), or
 * NULL when there is none: 0, or -1 on an error. */
int user_first_admin(char **name, struct buf *err);
int user_set_password(const char *name, const char *password, struct buf *err);
/* Also ends the user's sessions. */
int user_remove(const char *name, struct buf *err);
/* Every user, by name: name, role, the dashboards granted ("*" for all,
 * "-" for none, else slugs joined by commas), last login ("YYYY-MM-DD
 * HH:MM" or "never"). 0, or -1 with err. */
int user_list(struct db_result *rows, struct buf *err);
/* Makes name an administrator (who sees every dashboard) or a viewer (an
 * administrator made one sees the dashboards granted alone): 1, 0 when
 * there is no such user, -1. */
int user_set_admin(const char *name, int admin, struct buf *err);
/* 1 when there is a user of that name, 0 when not, -1 on an error. */
int user_exists(const char *name, struct buf *err);
/* Every user, by name, as the authoring API lists them: a JSON array of
 * {"name", "admin", "dashboards": [slugs]} ("*" for every dashboard). */
struct json_object;
int user_list_json(struct json_object **out, struct buf *err);
/* slug "*" grants every dashboard. */
int user_grant(const char *name, const char *slug, int grant, struct buf *err);

/* Checks a login. 1 and *u filled on success; 0 on a wrong name or
 * password, or while back-off holds (then *wait_s > 0); -1 on error.
 * Failures are counted per account and per client address, except for a
 * browser whose device cookie (device, or NULL) an earlier login to this
 * account set: its failures count for it alone, and others' do not hold
 * it up. */
int login_check(const struct md_config *cfg, const char *name, const char *password, const char *client,
		const char *device, struct md_user *u, long *wait_s, struct buf *err);
/* After a login: a new device cookie for the browser in *cookie (caller
 * frees), replacing its old one (device, or NULL). */
int device_remember(long long user_id, const char *device, char **cookie, struct buf *err);

/* Starts a session for u: *cookie gets the secret for the browser. */
int session_start(struct md_user *u, char **cookie, struct buf *err);
/* 1 and *u when cookie names a live session (idle and absolute expiry
 * from the settings), 0 when not, -1 on error. */
int session_find(const struct md_config *cfg, const char *cookie, struct md_user *u, struct buf *err);
int session_end(const char *cookie, struct buf *err);

/* 1 when u may see the dashboard, 0 when not, -1 on error. */
int user_can_see(const struct md_user *u, long long dashboard_id, struct buf *err);

void user_free(struct md_user *u);

#endif
