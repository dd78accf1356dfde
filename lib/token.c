/* SPDX-License-Identifier: MIT */
/* token.c: push API tokens (see token.h). */
#include "token.h"

#include <errno.h>
#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "db.h"

int random_bytes(unsigned char *out, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(out + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/* Fetched once per process: EVP_sha256() and EVP_md5() only name an
 * algorithm, and a digest made with a name looks it up in OpenSSL's
 * providers again (a page hashes its session and signs its pass: the
 * look-ups were half of that). Never freed: the process keeps them. */
static EVP_MD *fetched_sha256, *fetched_md5;
static pthread_once_t fetched = PTHREAD_ONCE_INIT;

static void fetch_digests(void)
{
	fetched_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	fetched_md5 = EVP_MD_fetch(NULL, "MD5", NULL);
}

const struct evp_md_st *digest_sha256(void)
{
	pthread_once(&fetched, fetch_digests);
	return fetched_sha256 ? fetched_sha256 : EVP_sha256();
}

const struct evp_md_st *digest_md5(void)
{
	pthread_once(&fetched, fetch_digests);
	return fetched_md5 ? fetched_md5 : EVP_md5();
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(data, len, md, &mdlen, digest_sha256(), NULL);
	hex_encode(md, 32, out);
}

int token_create(const char *name, int admin, char **secret, struct buf *err)
{
	unsigned char raw[24];
	char text[49], hash[65];
	if (random_bytes(raw, sizeof raw)) {
		buf_printf(err, "no random bytes from the kernel: %s", strerror(errno));
		return -1;
	}
	hex_encode(raw, sizeof raw, text);
	sha256_hex(text, strlen(text), hash);
	if (db_exec("INSERT INTO api_tokens (name, token_hash, admin) VALUES (?, ?, ?)",
		    DB_PARAMS(DB_S(name), DB_S(hash), DB_I(admin != 0)), NULL, err))
		return -1;
	*secret = xstrdup(text);
	return 0;
}

/* 1 when secret is a token (an admin token when admin_only), 0 when not,
 * -1 on an error; hash gets its hash. */
static int find(const char *secret, int admin_only, char hash[65], char name[IDENT_MAX + 1], struct buf *err)
{
	struct db_result r;
	if (!secret || !*secret || strlen(secret) > 256)
		return 0;
	sha256_hex(secret, strlen(secret), hash);
	if (db_exec("SELECT token_hash, name FROM api_tokens WHERE token_hash = ? AND admin >= ?",
		    DB_PARAMS(DB_S(hash), DB_I(admin_only != 0)), &r, err))
		return -1;
	/* The lookup is by a hash the client cannot steer; the final check is
	 * constant-time all the same. */
	int ok = r.nrows == 1 && CRYPTO_memcmp(db_cell(&r, 0, 0), hash, 64) == 0;
	if (ok && name)
		snprintf(name, IDENT_MAX + 1, "%s", db_cell(&r, 0, 1) ? db_cell(&r, 0, 1) : "");
	db_result_free(&r);
	return ok;
}

int token_check(const char *secret, struct buf *err)
{
	char hash[65];
	int ok = find(secret, 0, hash, NULL, err);
	if (ok <= 0)
		return ok;
	/* The last use, for `mdash token list`; written at most once a minute so
	 * that a busy pusher does not add a write to every push, and not even
	 * tried again within the minute for the token this process last wrote
	 * (callers use the database one at a time: the app's worker lock). */
	static char written_hash[65];
	static long long written_ms;
	long long now = now_ms();
	if (ok && !strcmp(written_hash, hash) && now - written_ms < 60000)
		return ok;
	if (ok) {
		memcpy(written_hash, hash, sizeof written_hash);
		written_ms = now;
	}
	if (ok)
		db_exec("UPDATE api_tokens SET last_used_at = UTC_TIMESTAMP(3) WHERE token_hash = ? AND "
			"(last_used_at IS NULL OR last_used_at < UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE)",
			DB_PARAMS(DB_S(hash)), NULL, err);
	return ok;
}

static json_object *iso_or_null(const char *t)
{
	return t ? json_object_new_string(t) : NULL;
}

int token_list_json(json_object **out, struct buf *err)
{
	struct db_result r;
	*out = NULL;
	if (db_exec("SELECT name, admin, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ'), "
		    "DATE_FORMAT(last_used_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM api_tokens ORDER BY name",
		    DB_NOPARAMS, &r, err))
		return -1;
	*out = json_object_new_array();
	for (int i = 0; i < r.nrows; i++) {
		json_object *t = json_object_new_object();
		json_object_object_add(t, "name", json_object_new_string(db_cell(&r, i, 0)));
		json_object_object_add(t, "admin", json_object_new_boolean(db_cell_int(&r, i, 1, 0) != 0));
		json_object_object_add(t, "created", iso_or_null(db_cell(&r, i, 2)));
		json_object_object_add(t, "last_used", iso_or_null(db_cell(&r, i, 3)));
		json_object_array_add(*out, t);
	}
	db_result_free(&r);
	return 0;
}

int token_check_admin(const char *secret, char name[IDENT_MAX + 1], struct buf *err)
{
	char hash[65];
	return find(secret, 1, hash, name, err);
}

int token_list(struct db_result *rows, struct buf *err)
{
	return db_exec("SELECT name, IF(admin, 'admin', 'push'), created_at, IFNULL(last_used_at, 'never') "
		       "FROM api_tokens ORDER BY name",
		       DB_NOPARAMS, rows, err);
}

int token_remove(const char *name, struct buf *err)
{
	struct db_result r;
	if (db_exec("DELETE FROM api_tokens WHERE name = ?", DB_PARAMS(DB_S(name)), &r, err))
		return -1;
	return r.affected > 0;
}
