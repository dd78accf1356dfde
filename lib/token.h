/* SPDX-License-Identifier: MIT */
/* token.h: push API tokens. The secret is shown once; only its SHA-256 is
 * stored, so a leaked database does not leak working tokens. */
#ifndef MDASH_TOKEN_H
#define MDASH_TOKEN_H

#include "ident.h"
#include "util.h"

/* Creates token NAME, an admin token when admin is 1; *secret gets the new
 * secret (caller frees). */
int token_create(const char *name, int admin, char **secret, struct buf *err);
/* 1 when secret is a current token, 0 when not, -1 on a database error. */
int token_check(const char *secret, struct buf *err);
/* 1 when secret is a current admin token (its name into name, for the
 * audit log), 0 when not, -1 on an error. */
int token_check_admin(const char *secret, char name[IDENT_MAX + 1], struct buf *err);
/* Every token, by name: name, "admin" or "push", created, last used (or
 * "never"). 0, or -1 with err. */
struct db_result;
int token_list(struct db_result *rows, struct buf *err);
/* Revokes token NAME: 1 done, 0 no such token, -1 error. */
int token_remove(const char *name, struct buf *err);
/* Every token, by name, as a JSON array of {"name", "admin", "created",
 * "last_used"} (times ISO-8601 UTC, last_used null when never). */
struct json_object;
int token_list_json(struct json_object **out, struct buf *err);
/* Fills out (at least len bytes) with random bytes from the kernel. */
int random_bytes(unsigned char *out, size_t len);
/* Lower-case hex SHA-256 of data into out[65]. */
void sha256_hex(const void *data, size_t len, char out[65]);
/* SHA-256 and MD5 for EVP_Digest, looked up once per process. Where the
 * providers lack one (MD5 under FIPS), OpenSSL's name for it, with which
 * a digest fails as it would have. */
struct evp_md_st;
const struct evp_md_st *digest_sha256(void);
const struct evp_md_st *digest_md5(void);

#endif
