/* SPDX-License-Identifier: MIT */
/* cli.c: what every subcommand of the CLI shares (commands.h): errors,
 * --help, removing a named row, the audit log. mdash.c, which runs the
 * subcommands, is above them all. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "commands.h"
#include "db.h"

int fail(const char *fmt, ...)
{
	va_list ap;
	fputs("mdash: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int delete_named(const char *sql, const char *name, const char *what, const char *done)
{
	struct buf err = {0}, action = {0};
	struct db_result r;
	int rc = 0;
	buf_printf(&action, "%s.remove", what);
	if (db_begin(&err) || db_exec(sql, DB_PARAMS(DB_S(name)), &r, &err)) {
		db_rollback();
		rc = fail("%s", buf_str(&err));
	} else if (!r.affected) {
		db_rollback();
		rc = fail("no %s named %s", what, name);
	} else if (cli_audit(action.data, name, NULL, NULL, &err) || db_commit(&err)) {
		db_rollback();
		rc = fail("%s", buf_str(&err));
	} else {
		printf("%s\n", done);
	}
	buf_free(&err);
	buf_free(&action);
	return rc;
}

int cli_audit(const char *action, const char *target, const char *before, const char *after, struct buf *err)
{
	struct audit_actor a;
	audit_cli_actor(&a);
	return audit_record(&a, action, target, before, after, err);
}

int wants_help(int argc, char **argv, const char *text)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(text, stdout);
			return 1;
		}
	return 0;
}
