/* SPDX-License-Identifier: MIT */
/* history.c: retention of widget_history (see history.h). */
#include "history.h"

#include "db.h"

/* Rows beyond the newest `keep` of one widget. */
static int prune_count(long long widget_id, long keep, long long *deleted, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT id FROM widget_history WHERE widget_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
		    DB_PARAMS(DB_I(widget_id), DB_I(keep)), &r, err))
		return -1;
	long long cut = r.nrows ? db_cell_int(&r, 0, 0, 0) : 0;
	db_result_free(&r);
	if (!cut)
		return 0;
	if (db_exec("DELETE FROM widget_history WHERE widget_id = ? AND id <= ?", DB_PARAMS(DB_I(widget_id), DB_I(cut)),
		    &r, err))
		return -1;
	*deleted += (long long)r.affected;
	return 0;
}

int history_prune(const struct md_config *cfg, long long widget_id, long long *deleted, struct buf *err)
{
	struct db_result r;
	if (widget_id) {
		if (db_exec("DELETE FROM widget_history WHERE widget_id = ? AND created_at < UTC_TIMESTAMP(3) - "
			    "INTERVAL ? DAY",
			    DB_PARAMS(DB_I(widget_id), DB_I(cfg->history_days)), &r, err))
			return -1;
		*deleted += (long long)r.affected;
		return prune_count(widget_id, cfg->history_keep, deleted, err);
	}
	if (db_exec("DELETE FROM widget_history WHERE created_at < UTC_TIMESTAMP(3) - INTERVAL ? DAY",
		    DB_PARAMS(DB_I(cfg->history_days)), &r, err))
		return -1;
	*deleted += (long long)r.affected;
	if (db_exec("SELECT id FROM widgets", DB_NOPARAMS, &r, err))
		return -1;
	int rc = 0;
	for (int i = 0; i < r.nrows && rc == 0; i++)
		rc = prune_count(db_cell_int(&r, i, 0, 0), cfg->history_keep, deleted, err);
	db_result_free(&r);
	return rc;
}
