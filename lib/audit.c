/* SPDX-License-Identifier: MIT */
/* audit.c: the audit log (see audit.h). */
#include "audit.h"

#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"

void audit_cli_actor(struct audit_actor *a)
{
	const struct passwd *pw = getpwuid(geteuid());
	const char *sudo = getenv("SUDO_USER");
	snprintf(a->who, sizeof a->who, "cli:%.64s%s%.64s%s", pw ? pw->pw_name : "unknown", sudo ? " (sudo from " : "",
		 sudo ? sudo : "", sudo ? ")" : "");
	snprintf(a->address, sizeof a->address, "local");
}

int audit_record(const struct audit_actor *a, const char *action, const char *target, const char *before,
		 const char *after, struct buf *err)
{
	return db_exec("INSERT INTO audit_log (at, actor, address, action, target, before_state, after_state) "
		       "VALUES (UTC_TIMESTAMP(3), ?, ?, ?, LEFT(?, 200), ?, ?)",
		       DB_PARAMS(DB_S(a->who), DB_S(a->address), DB_S(action), DB_S(target), DB_S(before), DB_S(after)),
		       NULL, err);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int audit_list(double since, int limit, struct audit_entry **out, int *n, struct buf *err)
{
	struct db_result r;
	char from[32];
	time_t secs = (time_t)since;
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(from, sizeof from, "%Y-%m-%d %H:%M:%S", &tm);
	*out = NULL;
	*n = 0;
	if (db_exec("SELECT CONCAT(LEFT(DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), actor, address, action, "
		    "target, before_state, after_state FROM audit_log WHERE at >= ? ORDER BY id LIMIT ?",
		    DB_PARAMS(DB_S(from), DB_I(limit)), &r, err))
		return -1;
	*out = xcalloc((size_t)r.nrows + 1, sizeof **out);
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (struct audit_entry){xstrdup(db_cell(&r, i, 0)),    xstrdup(db_cell(&r, i, 1)),
						 xstrdup(db_cell(&r, i, 2)),    xstrdup(db_cell(&r, i, 3)),
						 xstrdup(db_cell(&r, i, 4)),    dup_or_null(db_cell(&r, i, 5)),
						 dup_or_null(db_cell(&r, i, 6))};
	*n = r.nrows;
	db_result_free(&r);
	return 0;
}

json_object *audit_json(const struct audit_entry *e)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "at", json_object_new_string(e->at));
	json_object_object_add(o, "actor", json_object_new_string(e->actor));
	json_object_object_add(o, "address", json_object_new_string(e->address));
	json_object_object_add(o, "action", json_object_new_string(e->action));
	json_object_object_add(o, "target", json_object_new_string(e->target));
	json_object_object_add(o, "before", e->before ? json_object_new_string(e->before) : NULL);
	json_object_object_add(o, "after", e->after ? json_object_new_string(e->after) : NULL);
	return o;
}

void audit_free(struct audit_entry *e, int n)
{
	for (int i = 0; i < n; i++) {
		free(e[i].at);
		free(e[i].actor);
		free(e[i].address);
		free(e[i].action);
		free(e[i].target);
		free(e[i].before);
		free(e[i].after);
	}
	free(e);
}

int audit_prune(long days, long long *deleted, struct buf *err)
{
	struct db_result r;
	if (db_exec("DELETE FROM audit_log WHERE at < UTC_TIMESTAMP(3) - INTERVAL ? DAY", DB_PARAMS(DB_I(days)), &r,
		    err))
		return -1;
	*deleted += (long long)r.affected;
	return 0;
}

int audit_remove(const struct audit_actor *a, const char *action, int (*remove)(const char *name, struct buf *err),
		 const char *name, struct buf *err)
{
	if (db_begin(err))
		return -1;
	int removed = remove(name, err);
	if (removed <= 0 || audit_record(a, action, name, NULL, NULL, err) || db_commit(err)) {
		db_rollback();
		return removed == 0 ? 0 : -1;
	}
	return 1;
}
