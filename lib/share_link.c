/* SPDX-License-Identifier: MIT */
/* share_link.c: share links (see share_link.h). */
#include "share_link.h"

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "token.h"

int share_create(const char *slug, char **secret, long long *id, struct buf *err)
{
	unsigned char raw[32];
	char text[65], hash[65];
	struct db_result r;
	if (random_bytes(raw, sizeof raw)) {
		buf_puts(err, "no random bytes from the kernel");
		return -1;
	}
	hex_encode(raw, sizeof raw, text);
	sha256_hex(text, 64, hash);
	if (db_exec("INSERT INTO shares (token_hash, dashboard_id) SELECT ?, id FROM dashboards WHERE slug = ?",
		    DB_PARAMS(DB_S(hash), DB_S(slug)), &r, err))
		return -1;
	if (r.affected == 0) {
		buf_printf(err, "no dashboard named %s", slug);
		return -1;
	}
	*id = (long long)r.insert_id;
	*secret = xstrdup(text);
	return 0;
}

int share_find(const char *secret, long long *id, long long *dashboard_id, char *slug, struct buf *err)
{
	char hash[65];
	struct db_result r;
	if (!secret || strlen(secret) != 64)
		return 0;
	sha256_hex(secret, 64, hash);
	if (db_exec("SELECT s.id, s.dashboard_id, s.token_hash, d.slug FROM shares s "
		    "JOIN dashboards d ON d.id = s.dashboard_id WHERE s.token_hash = ?",
		    DB_PARAMS(DB_S(hash)), &r, err))
		return -1;
	int ok = r.nrows == 1 && CRYPTO_memcmp(db_cell(&r, 0, 2), hash, 64) == 0;
	if (ok) {
		*id = db_cell_int(&r, 0, 0, 0);
		*dashboard_id = db_cell_int(&r, 0, 1, 0);
		snprintf(slug, 65, "%s", db_cell(&r, 0, 3));
	}
	db_result_free(&r);
	return ok;
}

int share_list_json(const char *slug, json_object **out, struct buf *err)
{
	struct db_result r;
	*out = NULL;
	if (db_exec("SELECT s.id, DATE_FORMAT(s.created_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM shares s "
		    "JOIN dashboards d ON d.id = s.dashboard_id WHERE d.slug = ? ORDER BY s.id",
		    DB_PARAMS(DB_S(slug)), &r, err))
		return -1;
	*out = json_object_new_array();
	for (int i = 0; i < r.nrows; i++) {
		json_object *s = json_object_new_object();
		json_object_object_add(s, "id", json_object_new_int64(db_cell_int(&r, i, 0, 0)));
		json_object_object_add(s, "created", json_object_new_string(db_cell(&r, i, 1)));
		json_object_object_add(s, "expires", NULL);
		json_object_array_add(*out, s);
	}
	db_result_free(&r);
	return 0;
}

int share_dashboard(long long id, char *slug, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT d.slug FROM shares s JOIN dashboards d ON d.id = s.dashboard_id WHERE s.id = ?",
		    DB_PARAMS(DB_I(id)), &r, err))
		return -1;
	int found = r.nrows > 0;
	if (found)
		snprintf(slug, 65, "%s", db_cell(&r, 0, 0));
	db_result_free(&r);
	return found;
}

int share_revoke(long long id, struct buf *err)
{
	struct db_result r;
	if (db_exec("DELETE FROM shares WHERE id = ?", DB_PARAMS(DB_I(id)), &r, err))
		return -1;
	return r.affected > 0;
}

int share_list(struct db_result *rows, struct buf *err)
{
	return db_exec("SELECT s.id, d.slug, DATE_FORMAT(s.created_at, '%Y-%m-%d %H:%i') FROM shares s "
		       "JOIN dashboards d ON d.id = s.dashboard_id ORDER BY s.id",
		       DB_NOPARAMS, rows, err);
}
