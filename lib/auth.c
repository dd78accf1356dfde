/* SPDX-License-Identifier: MIT */
/* auth.c: users, passwords, sessions, throttling (see auth.h). */
#include "auth.h"

#include <crypt.h>
#include <json-c/json.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "token.h"

/* Back-off: after `free` failures a subject waits 2^(n-free) s, at most
 * THROTTLE_MAX_S; failures older than THROTTLE_WINDOW_S are forgotten. An
 * address gets more free tries than an account: many people may share it. */
#define THROTTLE_FREE_USER 5
#define THROTTLE_FREE_ADDR 20
#define THROTTLE_MAX_S 900
#define THROTTLE_WINDOW_S 3600
/* A browser that logged in to an account is trusted for it this long, and
 * an account remembers at most this many such browsers. */
#define DEVICE_DAYS 180
#define DEVICE_MAX 20

int password_hash(const char *password, char **hash, struct buf *err)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	memset(&data, 0, sizeof data);
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt)) {
		buf_puts(err, "cannot make a yescrypt salt (libcrypt)");
		return -1;
	}
	const char *h = crypt_r(password, salt, &data);
	if (!h || h[0] == '*') {
		buf_puts(err, "cannot hash the password (libcrypt)");
		return -1;
	}
	*hash = xstrdup(h);
	explicit_bzero(&data, sizeof data);
	return 0;
}

int password_check(const char *password, const char *hash)
{
	struct crypt_data data;
	memset(&data, 0, sizeof data);
	const char *h = crypt_r(password, hash, &data);
	int ok = h && h[0] != '*' && strlen(h) == strlen(hash) && CRYPTO_memcmp(h, hash, strlen(hash)) == 0;
	explicit_bzero(&data, sizeof data);
	return ok;
}

int user_add(const char *name, const char *password, enum role role, struct buf *err)
{
	char *hash;
	if (password_hash(password, &hash, err))
		return -1;
	int rc = db_exec("INSERT INTO users (name, password_hash, role, all_dashboards) VALUES (?, ?, ?, ?)",
			 DB_PARAMS(DB_S(name), DB_S(hash), DB_S(role == ROLE_ADMIN ? "admin" : "viewer"),
				   DB_I(role == ROLE_ADMIN)),
			 NULL, err);
	free(hash);
	return rc;
}

int user_first_admin(char **name, struct buf *err)
{
	struct db_result r;
	*name = NULL;
	if (db_exec("SELECT name FROM users WHERE role = 'admin' ORDER BY name LIMIT 1", DB_NOPARAMS, &r, err))
		return -1;
	if (r.nrows)
		*name = xstrdup(db_cell(&r, 0, 0));
	db_result_free(&r);
	return 0;
}

int user_set_password(const char *name, const char *password, struct buf *err)
{
	char *hash;
	struct db_result r;
	if (password_hash(password, &hash, err))
		return -1;
	int rc = db_exec("UPDATE users SET password_hash = ? WHERE name = ?", DB_PARAMS(DB_S(hash), DB_S(name)), &r,
			 err);
	free(hash);
	if (rc == 0 && r.affected == 0) {
		buf_printf(err, "no user named %s", name);
		return -1;
	}
	/* A new password ends every session of the old one. */
	return rc ? -1
		  : db_exec("DELETE s FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = ?",
			    DB_PARAMS(DB_S(name)), NULL, err);
}

int user_set_admin(const char *name, int admin, struct buf *err)
{
	/* An administrator sees every dashboard; one made a viewer, those
	 * granted. (MariaDB assigns left to right: role is still the old one.) */
	if (db_exec("UPDATE users SET all_dashboards = IF(? = 1, 1, IF(role = 'admin', 0, all_dashboards)), role = ? "
		    "WHERE name = ?",
		    DB_PARAMS(DB_I(admin), DB_S(admin ? "admin" : "viewer"), DB_S(name)), NULL, err))
		return -1;
	return user_exists(name, err);
}

int user_exists(const char *name, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT 1 FROM users WHERE name = ?", DB_PARAMS(DB_S(name)), &r, err))
		return -1;
	int found = r.nrows > 0;
	db_result_free(&r);
	return found;
}

int user_list_json(json_object **out, struct buf *err)
{
	struct db_result r;
	*out = NULL;
	if (db_exec("SELECT u.name, u.role = 'admin', u.all_dashboards, d.slug FROM users u "
		    "LEFT JOIN user_dashboards ud ON ud.user_id = u.id LEFT JOIN dashboards d ON d.id = "
		    "ud.dashboard_id "
		    "ORDER BY u.name, d.slug",
		    DB_NOPARAMS, &r, err))
		return -1;
	json_object *list = json_object_new_array(), *user = NULL, *slugs = NULL;
	for (int i = 0; i < r.nrows; i++) {
		if (!user || strcmp(db_cell(&r, i, 0), db_cell(&r, i - 1, 0))) {
			user = json_object_new_object();
			slugs = json_object_new_array();
			json_object_object_add(user, "name", json_object_new_string(db_cell(&r, i, 0)));
			json_object_object_add(user, "admin", json_object_new_boolean(db_cell_int(&r, i, 1, 0) == 1));
			json_object_object_add(user, "dashboards", slugs);
			json_object_array_add(list, user);
			if (db_cell_int(&r, i, 2, 0))
				json_object_array_add(slugs, json_object_new_string("*"));
		}
		if (db_cell(&r, i, 3))
			json_object_array_add(slugs, json_object_new_string(db_cell(&r, i, 3)));
	}
	db_result_free(&r);
	*out = list;
	return 0;
}

int user_remove(const char *name, struct buf *err)
{
	struct db_result r;
	if (db_exec("DELETE FROM users WHERE name = ?", DB_PARAMS(DB_S(name)), &r, err))
		return -1;
	if (r.affected == 0) {
		buf_printf(err, "no user named %s", name);
		return -1;
	}
	return 0;
}

int user_grant(const char *name, const char *slug, int grant, struct buf *err)
{
	struct db_result r;
	if (!strcmp(slug, "*"))
		return db_exec("UPDATE users SET all_dashboards = ? WHERE name = ?", DB_PARAMS(DB_I(grant), DB_S(name)),
			       NULL, err);
	const char *sql = grant ? "INSERT IGNORE INTO user_dashboards (user_id, dashboard_id) "
				  "SELECT u.id, d.id FROM users u, dashboards d WHERE u.name = ? AND d.slug = ?"
				: "DELETE ud FROM user_dashboards ud JOIN users u ON u.id = ud.user_id "
				  "JOIN dashboards d ON d.id = ud.dashboard_id WHERE u.name = ? AND d.slug = ?";
	if (db_exec(sql, DB_PARAMS(DB_S(name), DB_S(slug)), &r, err))
		return -1;
	if (grant && r.affected == 0) {
		if (db_exec("SELECT (SELECT COUNT(*) FROM users WHERE name = ?), (SELECT COUNT(*) FROM dashboards "
			    "WHERE slug = ?)",
			    DB_PARAMS(DB_S(name), DB_S(slug)), &r, err))
			return -1;
		int nu = (int)db_cell_int(&r, 0, 0, 0), nd = (int)db_cell_int(&r, 0, 1, 0);
		db_result_free(&r);
		if (!nu || !nd) {
			buf_printf(err, "no %s named %s", nu ? "dashboard" : "user", nu ? slug : name);
			return -1;
		}
	}
	return 0;
}

/* Seconds a subject must still wait, from its failures. */
static long wait_for(const char *subject, long free_tries, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT failures, TIMESTAMPDIFF(SECOND, last_at, UTC_TIMESTAMP(3)) FROM login_failures "
		    "WHERE subject = ?",
		    DB_PARAMS(DB_S(subject)), &r, err))
		return -1;
	long wait = 0;
	if (r.nrows) {
		long n = (long)db_cell_int(&r, 0, 0, 0), age = (long)db_cell_int(&r, 0, 1, 0);
		if (n >= free_tries && age < THROTTLE_WINDOW_S) {
			long pause = n - free_tries >= 10 ? THROTTLE_MAX_S : 1L << (n - free_tries);
			pause = pause > THROTTLE_MAX_S ? THROTTLE_MAX_S : pause;
			wait = pause - age > 0 ? pause - age : 0;
		}
	}
	db_result_free(&r);
	return wait;
}

static void note_failure(const char *subject, struct buf *err)
{
	/* Failures older than the window start a new count. */
	db_exec("INSERT INTO login_failures (subject, failures, last_at) VALUES (?, 1, UTC_TIMESTAMP(3)) "
		"ON DUPLICATE KEY UPDATE failures = IF(TIMESTAMPDIFF(SECOND, last_at, UTC_TIMESTAMP(3)) > ?, 1, "
		"failures + 1), last_at = UTC_TIMESTAMP(3)",
		DB_PARAMS(DB_S(subject), DB_I(THROTTLE_WINDOW_S)), NULL, err);
}

/* Row i's id, name, role and all_dashboards, from column col. */
static void load_user(const struct db_result *r, int i, int col, struct md_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = db_cell_int(r, i, col, 0);
	u->name = xstrdup(db_cell(r, i, col + 1));
	u->role = !strcmp(db_cell(r, i, col + 2), "admin") ? ROLE_ADMIN : ROLE_VIEWER;
	u->all_dashboards = (int)db_cell_int(r, i, col + 3, 0);
}

/* The throttle subject of a device cookie that an earlier login to the
 * account `name` set, in subject (e.g. "d:<hash>"); 0 when the cookie is
 * no such thing, -1 on error. */
static int trusted_device(const char *name, const char *device, struct buf *subject, struct buf *err)
{
	char hash[65];
	struct db_result r;
	if (!device || strlen(device) != 64)
		return 0;
	sha256_hex(device, 64, hash);
	if (db_exec("SELECT 1 FROM login_devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ? AND "
		    "u.name = ? AND d.created_at > UTC_TIMESTAMP(3) - INTERVAL ? DAY",
		    DB_PARAMS(DB_S(hash), DB_S(name), DB_I(DEVICE_DAYS)), &r, err))
		return -1;
	int found = r.nrows > 0;
	db_result_free(&r);
	if (found)
		buf_printf(subject, "d:%s", hash);
	return found;
}

int login_check(const struct md_config *cfg, const char *name, const char *password, const char *client,
		const char *device, struct md_user *u, long *wait_s, struct buf *err)
{
	(void)cfg;
	struct buf by_user = {0}, by_addr = {0};
	struct db_result r;
	int rc = -1;
	*wait_s = 0;
	/* A browser this account logged in from answers for itself alone: others'
	 * failures (per account, per address) do not hold it up, and its own
	 * failures slow only it. */
	int trusted = trusted_device(name, device, &by_user, err);
	if (trusted < 0)
		goto out;
	if (!trusted) {
		/* The name's hash: a name no account has may be a password. */
		char hash[65];
		sha256_hex(name, strlen(name), hash);
		buf_printf(&by_user, "u:%s", hash);
		buf_printf(&by_addr, "a:%.64s", client && *client ? client : "unknown");
	}
	long w1 = wait_for(by_user.data, THROTTLE_FREE_USER, err);
	long w2 = w1 < 0 || trusted ? w1 : wait_for(by_addr.data, THROTTLE_FREE_ADDR, err);
	if (w1 < 0 || w2 < 0)
		goto out;
	if (w1 || w2) {
		*wait_s = w1 > w2 ? w1 : w2;
		rc = 0;
		goto out;
	}
	if (db_exec("SELECT id, name, role, all_dashboards, password_hash FROM users WHERE name = ?",
		    DB_PARAMS(DB_S(name)), &r, err))
		goto out;
	/* Hash even for an unknown name, so timing does not tell. */
	static char *decoy;
	if (!decoy && password_hash("no such user", &decoy, err)) {
		db_result_free(&r);
		goto out;
	}
	int ok = password_check(password, r.nrows ? db_cell(&r, 0, 4) : decoy) && r.nrows;
	if (ok) {
		load_user(&r, 0, 0, u);
		db_exec("DELETE FROM login_failures WHERE subject = ?", DB_PARAMS(DB_S(by_user.data)), NULL, err);
		db_exec("UPDATE users SET last_login_at = UTC_TIMESTAMP(3) WHERE id = ?", DB_PARAMS(DB_I(u->id)), NULL,
			err);
	} else {
		/* A name no account has is often a password typed in the wrong
		 * box: it stays out of the log. */
		if (r.nrows)
			log_warn("failed login for \"%.64s\" from %s", name, client && *client ? client : "unknown");
		else
			log_warn("failed login for an unknown user name from %s",
				 client && *client ? client : "unknown");
		note_failure(by_user.data, err);
		if (!trusted)
			note_failure(by_addr.data, err);
	}
	db_result_free(&r);
	rc = ok;
out:
	buf_free(&by_user);
	buf_free(&by_addr);
	return rc;
}

int device_remember(long long user_id, const char *device, char **cookie, struct buf *err)
{
	unsigned char raw[32];
	char id[65], hash[65];
	*cookie = NULL;
	if (device && strlen(device) == 64) {
		/* The browser's cookie of an earlier login: forget it, this login
		 * gives a new one (so a cookie never outlives its account's use). */
		sha256_hex(device, 64, hash);
		if (db_exec("DELETE FROM login_devices WHERE token_hash = ?", DB_PARAMS(DB_S(hash)), NULL, err))
			return -1;
	}
	if (random_bytes(raw, sizeof raw)) {
		buf_puts(err, "no random bytes from the kernel");
		return -1;
	}
	hex_encode(raw, sizeof raw, id);
	explicit_bzero(raw, sizeof raw);
	sha256_hex(id, 64, hash);
	if (db_exec("INSERT INTO login_devices (token_hash, user_id) VALUES (?, ?)",
		    DB_PARAMS(DB_S(hash), DB_I(user_id)), NULL, err))
		return -1;
	/* Only the newest DEVICE_MAX browsers of an account stay trusted, and
	 * none older than DEVICE_DAYS. */
	if (db_exec("DELETE FROM login_devices WHERE user_id = ? AND (created_at <= UTC_TIMESTAMP(3) - INTERVAL ? DAY "
		    "OR token_hash NOT IN (SELECT token_hash FROM (SELECT token_hash FROM login_devices WHERE user_id "
		    "= ? "
		    "ORDER BY created_at DESC LIMIT ?) AS newest))",
		    DB_PARAMS(DB_I(user_id), DB_I(DEVICE_DAYS), DB_I(user_id), DB_I(DEVICE_MAX)), NULL, err))
		return -1;
	*cookie = xstrdup(id);
	return 0;
}

int session_start(struct md_user *u, char **cookie, struct buf *err)
{
	unsigned char raw[32], craw[32];
	char id[65], csrf[65], hash[65];
	if (random_bytes(raw, sizeof raw) || random_bytes(craw, sizeof craw)) {
		buf_puts(err, "no random bytes from the kernel");
		return -1;
	}
	hex_encode(raw, sizeof raw, id);
	hex_encode(craw, sizeof craw, csrf);
	sha256_hex(id, 64, hash);
	if (db_exec("INSERT INTO sessions (id_hash, user_id, csrf) VALUES (?, ?, ?)",
		    DB_PARAMS(DB_S(hash), DB_I(u->id), DB_S(csrf)), NULL, err))
		return -1;
	free(u->csrf);
	u->csrf = xstrdup(csrf);
	*cookie = xstrdup(id);
	explicit_bzero(raw, sizeof raw);
	return 0;
}

void session_key(const struct md_config *cfg, const char *cookie, struct session_key *k)
{
	k->hash[0] = '\0';
	if (cookie && strlen(cookie) == 64)
		sha256_hex(cookie, 64, k->hash);
	k->idle_minutes = cfg->session_idle_minutes;
	k->max_days = cfg->session_max_days;
}

/* The columns of SESSION_COLS, from col. */
int session_from_row(const struct db_result *r, int i, int col, const struct session_key *k, struct md_user *u)
{
	if (!db_cell(r, i, col))
		return 0;
	load_user(r, i, col, u);
	u->csrf = xstrdup(db_cell(r, i, col + 4));
	snprintf(u->session, sizeof u->session, "%.16s", k->hash);
	/* Touch the session at most once a minute: reads stay reads. */
	if (db_cell_int(r, i, col + 5, 0) >= SESSION_TOUCH_SECONDS)
		session_touch(k->hash);
	return 1;
}

void session_touch(const char *hash)
{
	struct buf err = {0};
	db_exec("UPDATE sessions SET seen_at = UTC_TIMESTAMP(3) WHERE id_hash = ?", DB_PARAMS(DB_S(hash)), NULL, &err);
	buf_free(&err);
}

int session_granted(const struct db_result *r, int i, int col)
{
	return db_cell_int(r, i, col + 6, 0) == 1;
}

int session_find(const struct md_config *cfg, const char *cookie, struct md_user *u, struct buf *err)
{
	struct session_key k;
	struct db_result r;
	session_key(cfg, cookie, &k);
	if (!*k.hash)
		return 0;
	/* The session alone, through the same join the combined queries use, so
	 * that what makes a session live is written once (SESSION_JOIN). */
	if (db_exec("SELECT " SESSION_COLS " FROM (SELECT 1) one " SESSION_JOIN("0") "WHERE s.id_hash IS NOT NULL",
		    DB_PARAMS(SESSION_PARAMS(&k)), &r, err))
		return -1;
	int found = r.nrows == 1 && session_from_row(&r, 0, 0, &k, u);
	db_result_free(&r);
	return found;
}

void session_channel(const char *tag, char channel[SESSION_CHANNEL_SIZE])
{
	char first[3] = {0};
	strncpy(first, tag, 2);
	unsigned long bits = strtoul(first, NULL, 16);
	snprintf(channel, SESSION_CHANNEL_SIZE, "_x_%02lx", bits % SESSION_CHANNELS);
}

int user_sessions(const char *name, void (*fn)(const char *tag, void *ctx), void *ctx, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT LEFT(s.id_hash, 16) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = ?",
		    DB_PARAMS(DB_S(name)), &r, err))
		return -1;
	for (int i = 0; i < r.nrows; i++)
		fn(db_cell(&r, i, 0), ctx);
	db_result_free(&r);
	return 0;
}

int session_end(const char *cookie, struct buf *err)
{
	char hash[65];
	if (!cookie || strlen(cookie) != 64)
		return 0;
	sha256_hex(cookie, 64, hash);
	return db_exec("DELETE FROM sessions WHERE id_hash = ?", DB_PARAMS(DB_S(hash)), NULL, err);
}

int user_can_see(const struct md_user *u, long long dashboard_id, struct buf *err)
{
	struct db_result r;
	if (u->role == ROLE_ADMIN || u->all_dashboards)
		return 1;
	if (db_exec("SELECT 1 FROM user_dashboards WHERE user_id = ? AND dashboard_id = ?",
		    DB_PARAMS(DB_I(u->id), DB_I(dashboard_id)), &r, err))
		return -1;
	int ok = r.nrows > 0;
	db_result_free(&r);
	return ok;
}

void user_free(struct md_user *u)
{
	free(u->name);
	if (u->csrf)
		explicit_bzero(u->csrf, strlen(u->csrf));
	free(u->csrf);
	memset(u, 0, sizeof *u);
}

int user_list(struct db_result *rows, struct buf *err)
{
	return db_exec(
		"SELECT u.name, u.role, IF(u.all_dashboards, '*', IFNULL(GROUP_CONCAT(d.slug ORDER BY d.slug), "
		"'-')), IFNULL(DATE_FORMAT(u.last_login_at, '%Y-%m-%d %H:%i'), 'never') FROM users u "
		"LEFT JOIN user_dashboards ud ON ud.user_id = u.id LEFT JOIN dashboards d ON d.id = ud.dashboard_id "
		"GROUP BY u.id ORDER BY u.name",
		DB_NOPARAMS, rows, err);
}
