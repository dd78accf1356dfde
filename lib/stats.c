/* SPDX-License-Identifier: MIT */
/* stats.c: the updater's totals per source kind (see stats.h). */
#include "stats.h"

#include <stdlib.h>

#include "db.h"

int stats_add(const struct update_stat *s, int n, struct buf *err)
{
	if (n == 0)
		return 0;
	if (db_begin(err))
		return -1;
	for (int i = 0; i < n; i++)
		if (db_exec("INSERT INTO update_stats (kind, updates, failures, seconds) VALUES (?, ?, ?, ?) "
			    "ON DUPLICATE KEY UPDATE updates = updates + VALUES(updates), "
			    "failures = failures + VALUES(failures), seconds = seconds + VALUES(seconds)",
			    DB_PARAMS(DB_S(s[i].kind), DB_I((long long)s[i].updates), DB_I((long long)s[i].failures),
				      DB_D(s[i].seconds)),
			    NULL, err)) {
			db_rollback();
			return -1;
		}
	return db_commit(err);
}

int stats_load(struct update_stat **out, int *n, struct buf *err)
{
	struct db_result r;
	*out = NULL;
	*n = 0;
	if (db_exec("SELECT kind, updates, failures, seconds FROM update_stats ORDER BY kind", DB_NOPARAMS, &r, err))
		return -1;
	*out = xcalloc((size_t)r.nrows + 1, sizeof **out);
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (struct update_stat){
			xstrdup(db_cell(&r, i, 0)), (unsigned long long)db_cell_int(&r, i, 1, 0),
			(unsigned long long)db_cell_int(&r, i, 2, 0), strtod(db_cell(&r, i, 3), NULL)};
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

void stats_free(struct update_stat *s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i].kind);
	free(s);
}
