/* SPDX-License-Identifier: MIT */
/* schema.h: which database schema this build of mdash needs, and whether
 * the database has it. The app and the updater refuse to start on another
 * one, with a message that says what to do. */
#ifndef MDASH_SCHEMA_H
#define MDASH_SCHEMA_H

#include "util.h"

/* The number of the newest migration (schema/NNN_name.sql) this build's
 * code relies on. A unit test holds it to the files in schema/. */
#define MDASH_SCHEMA_VERSION 8

/* 0 when the database's schema is this build's; 1 when it is behind or
 * ahead, with what to do in err ("run mdash migrate", "upgrade mdash");
 * -1 when the database could not be asked (err says why). */
int schema_check(struct buf *err);

#endif
