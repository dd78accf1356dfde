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

int delete_named(int (*remove)(const char *name, struct buf *err), const char *name, const char *what, const char *done)
{
	struct buf err = {0}, action = {0};
	struct audit_actor a;
	int rc = 0;
	buf_printf(&action, "%s.remove", what);
	audit_cli_actor(&a);
	int removed = audit_remove(&a, action.data, remove, name, &err);
	if (removed < 0)
		rc = fail("%s", buf_str(&err));
	else if (!removed)
		rc = fail("no %s named %s", what, name);
	else
		printf("%s\n", done);
	buf_free(&err);
	buf_free(&action);
	return rc;
}

int print_rows(const struct db_result *r)
{
	for (int i = 0; i < r->nrows; i++) {
		for (int c = 0; c < r->ncols; c++) {
			/* One line per row, whatever a value holds. */
			const char *v = db_cell(r, i, c);
			if (c)
				putchar('\t');
			for (; v && *v; v++)
				putchar(*v == '\t' || *v == '\n' || *v == '\r' ? ' ' : *v);
		}
		putchar('\n');
	}
	return r->nrows;
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
