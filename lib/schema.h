/* SPDX-License-Identifier: MIT */
/* schema.h: which database schema this build of mdash needs, and whether
 * the database has it. The app and the updater refuse to start on another
 * one, with a message that says what to do. */
#ifndef MDASH_SCHEMA_H
#define MDASH_SCHEMA_H

#include "util.h"

/* The number of the newest migration (schema/NNN_name.sql) this build's
 * code relies on. A unit test holds it to the files in schema/. */
#define MDASH_SCHEMA_VERSION 13

/* 0 when the database's schema is this build's; 1 when it is behind or
 * ahead, with what to do in err ("run mdash migrate", "upgrade mdash");
 * -1 when the database could not be asked (err says why). */
int schema_check(struct buf *err);

/* Every migration the database has, in order (*versions: the caller
 * frees it). -1 with the database's error when it cannot be read (a
 * database without tables: "... doesn't exist"). */
int schema_applied(long long **versions, int *n, struct buf *err);

/* The newest migration the database has (0: none, or no mdash tables). */
int schema_version(long long *version, struct buf *err);

/* The tables of the database (any, not only mdash's): for restore, which
 * replaces them all. The caller frees each name and the array. */
int schema_tables(char ***names, int *n, struct buf *err);

/* What the database holds, for people to judge a backup or a restore by
 * (the tables must exist). */
struct schema_counts {
	long long dashboards, widgets, users, history;
};
int schema_counts(struct schema_counts *c, struct buf *err);

/* Keeps updaters from running a pass on any host (the database lock that
 * `mdash update` takes) while this connection lives or until
 * schema_release_updates: 1 held, 0 an updater kept it for wait_s seconds,
 * -1 error. */
int schema_hold_updates(int wait_s, struct buf *err);
void schema_release_updates(void);

#endif
