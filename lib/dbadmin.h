/* SPDX-License-Identifier: MIT */
/* dbadmin.h: what `mdash setup` does as MariaDB's administrator: the
 * database and the account that the settings name. A connection of its
 * own, apart from db.h's (which is the settings' account). Names must be
 * plain (dbadmin_name_ok): they go into SQL text, where values cannot be
 * parameters. Passwords go to the server only as mysql_native_password
 * hashes, so not even the server's query log sees them. */
#ifndef MDASH_DBADMIN_H
#define MDASH_DBADMIN_H

#include "config.h"
#include "util.h"

struct dbadmin;

/* 1 when name is letters, digits and '_' (1 to 64 of them). */
int dbadmin_name_ok(const char *name);

/* Where the settings' account logs in from, as MariaDB names hosts:
 * "localhost" for a socket (or host localhost), the address itself for a
 * loopback one, "%" for any other host. */
const char *dbadmin_account_host(const struct md_config *cfg);

/* Connects as the administrator: as defaults_file says (a MariaDB option
 * file with user and password, its [client] group), or else as root over
 * the settings' socket (unix_socket authentication: run as root). Where
 * the server is comes from the settings. */
int dbadmin_connect(const struct md_config *cfg, const char *defaults_file, struct dbadmin **out, struct buf *err);
void dbadmin_close(struct dbadmin *a);
/* Who the connection is, "root@localhost". */
const char *dbadmin_who(struct dbadmin *a);

/* Each: 0 and *yes, or -1 with err. */
int dbadmin_database_exists(struct dbadmin *a, const char *name, int *yes, struct buf *err);
int dbadmin_user_exists(struct dbadmin *a, const char *user, const char *host, int *yes, struct buf *err);
/* Whether the account holds ALL PRIVILEGES on the database. */
int dbadmin_has_grant(struct dbadmin *a, const char *user, const char *host, const char *db, int *yes,
		      struct buf *err);

/* The first mdash administrator in database db (by name) into *name
 * (caller frees), NULL when there is none or no users table yet. */
int dbadmin_first_admin(struct dbadmin *a, const char *db, char **name, struct buf *err);

int dbadmin_create_database(struct dbadmin *a, const char *name, struct buf *err);
/* Creates the account (create = 1) or sets its password. */
int dbadmin_set_user(struct dbadmin *a, const char *user, const char *host, const char *password, int create,
		     struct buf *err);
int dbadmin_grant(struct dbadmin *a, const char *user, const char *host, const char *db, struct buf *err);

/* 0 when the settings' account logs in with password (to no database in
 * particular), else -1 and why. */
int dbadmin_try_login(const struct md_config *cfg, const char *password, struct buf *err);

#endif
