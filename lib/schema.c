/* SPDX-License-Identifier: MIT */
/* schema.c: the database's schema version against this build's (schema.h). */
#include "schema.h"

#include "db.h"

int schema_applied(long long **versions, int *n, struct buf *err)
{
	struct db_result r;
	*versions = NULL;
	*n = 0;
	if (db_exec("SELECT version FROM schema_migrations ORDER BY version", DB_NOPARAMS, &r, err))
		return -1;
	*versions = xcalloc((size_t)r.nrows + 1, sizeof **versions);
	for (int i = 0; i < r.nrows; i++)
		(*versions)[i] = db_cell_int(&r, i, 0, -1);
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

int schema_version(long long *version, struct buf *err)
{
	struct db_result r;
	*version = 0;
	if (db_exec("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND "
		    "table_name = 'schema_migrations'",
		    DB_NOPARAMS, &r, err))
		return -1;
	int have_table = db_cell_int(&r, 0, 0, 0) > 0;
	db_result_free(&r);
	if (have_table) {
		if (db_exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", DB_NOPARAMS, &r, err))
			return -1;
		*version = db_cell_int(&r, 0, 0, 0);
		db_result_free(&r);
	}
	return 0;
}

int schema_check(struct buf *err)
{
	long long version;
	if (schema_version(&version, err))
		return -1;
	if (version == MDASH_SCHEMA_VERSION)
		return 0;
	if (version == 0)
		buf_puts(err, "the database has no mdash tables yet: run mdash migrate");
	else if (version < MDASH_SCHEMA_VERSION)
		buf_printf(err, "the database schema is at version %lld, this mdash needs %d: run mdash migrate",
			   version, MDASH_SCHEMA_VERSION);
	else
		buf_printf(err,
			   "the database schema is at version %lld, newer than this mdash knows (%d): upgrade mdash, "
			   "or restore a backup made with this version",
			   version, MDASH_SCHEMA_VERSION);
	return 1;
}

int schema_tables(char ***names, int *n, struct buf *err)
{
	struct db_result r;
	*names = NULL;
	*n = 0;
	if (db_exec("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
		    "ORDER BY table_name",
		    DB_NOPARAMS, &r, err))
		return -1;
	*names = xcalloc((size_t)r.nrows + 1, sizeof **names);
	for (int i = 0; i < r.nrows; i++)
		(*names)[i] = xstrdup(db_cell(&r, i, 0));
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

int schema_counts(struct schema_counts *c, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT (SELECT COUNT(*) FROM dashboards), (SELECT COUNT(*) FROM widgets), "
		    "(SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM widget_history)",
		    DB_NOPARAMS, &r, err))
		return -1;
	c->dashboards = db_cell_int(&r, 0, 0, 0);
	c->widgets = db_cell_int(&r, 0, 1, 0);
	c->users = db_cell_int(&r, 0, 2, 0);
	c->history = db_cell_int(&r, 0, 3, 0);
	db_result_free(&r);
	return 0;
}

/* The lock's name is the one bin/update.c takes. */
int schema_hold_updates(int wait_s, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT GET_LOCK(CONCAT(DATABASE(), '.mdash_update'), ?)", DB_PARAMS(DB_I(wait_s)), &r, err))
		return -1;
	int held = db_cell_int(&r, 0, 0, 0) == 1;
	db_result_free(&r);
	return held;
}

void schema_release_updates(void)
{
	struct buf err = {0};
	db_exec("SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.mdash_update'))", DB_NOPARAMS, NULL, &err);
	buf_free(&err);
}
