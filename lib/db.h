/* SPDX-License-Identifier: MIT */
/* db.h: the database layer. One connection per process, opened lazily,
 * re-opened after a loss (never inside a transaction), and prepared
 * statements only: values never enter SQL text. */
#ifndef MDASH_DB_H
#define MDASH_DB_H

#include <string.h>

#include "config.h"
#include "util.h"

enum db_type { DB_NULL, DB_STR, DB_INT, DB_DBL };

struct db_param {
	enum db_type type;
	const char *s;
	size_t len;
	long long i;
	double d;
};

/* Parameter constructors. DB_S(NULL) binds SQL NULL. */
static inline struct db_param DB_S(const char *s) {
	struct db_param p = {.type = s ? DB_STR : DB_NULL, .s = s, .len = s ? strlen(s) : 0};
	return p;
} static inline struct db_param DB_I(long long i) {
	struct db_param p = {.type = DB_INT, .i = i};
	return p;
} static inline struct db_param DB_D(double d) {
	struct db_param p = {.type = DB_DBL, .d = d};
	return p;
}

/* A whole result set as text. Owns its cells (each row's in one block of
 * rowmem); NULL cells are SQL NULL. */
struct db_result {
	int nrows, ncols;
	char **cells;
	char **rowmem;
	unsigned long long affected;
	unsigned long long insert_id;
};

#define DB_PARAMS(...)                                                                                                 \
	((const struct db_param[]){__VA_ARGS__}),                                                                      \
		(int)(sizeof((const struct db_param[]){__VA_ARGS__}) / sizeof(struct db_param))
#define DB_NOPARAMS NULL, 0

/* Remembers the settings; connects on first use. No call waits for the
 * server longer than Database.Timeout; after a server that did not answer,
 * calls fail at once for a moment (db_lost() is then true). */
void db_init(const struct md_config *cfg);
/* For maintenance (migrations, pruning): statements may run as long as
 * they need; connecting still waits Database.Timeout at most. Call it
 * before the first statement. */
void db_allow_long_statements(void);
void db_close(void);
/* Connects if needed and checks the server answers. */
int db_ping(struct buf *err);

/* Runs one prepared statement. res may be NULL when no rows are wanted.
 * sql should be a string literal: statements are cached by its address
 * (and checked against its text, so that a text built at run time is
 * never taken for another that used the same memory). */
int db_exec(const char *sql, const struct db_param *params, int nparams, struct db_result *res, struct buf *err);
/* Runs one prepared statement (an INSERT, say) for nrows rows of ncols
 * parameters each, params[row * ncols + col], in one round trip per 4 MiB
 * of text (MariaDB's array binding). A column's values are all of one
 * type or NULL. Not repeated after a lost connection: meant for inside a
 * transaction, where a failure leaves it to the caller to roll back. */
int db_exec_rows(const char *sql, const struct db_param *params, int ncols, int nrows, struct buf *err);
/* Runs trusted SQL text with no parameters (migrations). */
int db_script(const char *sql, struct buf *err);

int db_begin(struct buf *err);
int db_commit(struct buf *err);
void db_rollback(void);

const char *db_cell(const struct db_result *r, int row, int col);
long long db_cell_int(const struct db_result *r, int row, int col, long long dflt);
void db_result_free(struct db_result *r);

/* True when the last failure was the connection, not the statement. */
int db_lost(void);
/* True when the last failure was a deadlock: the server rolled the whole
 * transaction back, and trying it again may well succeed. */
int db_deadlock(void);

#endif
