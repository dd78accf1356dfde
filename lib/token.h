/* SPDX-License-Identifier: MIT */
/* token.h: push API tokens. The secret is shown once; only its SHA-256 is
 * stored, so a leaked database does not leak working tokens. */
#ifndef MDASH_TOKEN_H
#define MDASH_TOKEN_H

#include "util.h"

/* Creates token NAME, an admin token when admin is 1; *secret gets the new
 * secret (caller frees). */
int token_create(const char *name, int admin, char **secret, struct buf *err);
/* 1 when secret is a current token, 0 when not, -1 on a database error. */
int token_check(const char *secret, struct buf *err);
/* 1 when secret is a current admin token, 0 when not, -1 on an error. */
int token_check_admin(const char *secret, struct buf *err);
/* Fills out (at least len bytes) with random bytes from the kernel. */
int random_bytes(unsigned char *out, size_t len);
/* Lower-case hex SHA-256 of data into out[65]. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
