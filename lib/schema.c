/* SPDX-License-Identifier: MIT */
/* schema.c: the database's schema version against this build's (schema.h). */
#include "schema.h"

#include "db.h"

int schema_check(struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND "
		    "table_name = 'schema_migrations'",
		    DB_NOPARAMS, &r, err))
		return -1;
	int have_table = db_cell_int(&r, 0, 0, 0) > 0;
	db_result_free(&r);
	long long version = 0;
	if (have_table) {
		if (db_exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", DB_NOPARAMS, &r, err))
			return -1;
		version = db_cell_int(&r, 0, 0, 0);
		db_result_free(&r);
	}
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
