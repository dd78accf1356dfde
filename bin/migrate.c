/* SPDX-License-Identifier: MIT */
/* migrate.c: `mdash migrate` applies schema/NNN_name.sql files in order,
 * each once, and records them in schema_migrations. Running it again does
 * nothing. A database lock keeps two migrations from running at once. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"

static const char usage[] = "usage: mdash migrate\n"
			    "Applies the schema migrations in SchemaDir that the database lacks.\n";

static int is_migration(const char *name)
{
	size_t n = strlen(name);
	return n > 8 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9' && name[2] >= '0' &&
	       name[2] <= '9' && name[3] == '_' && !strcmp(name + n - 4, ".sql");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int migration_files(const char *dir, char ***files)
{
	DIR *d = opendir(dir);
	int n = 0;
	*files = NULL;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (is_migration(e->d_name)) {
			*files = xrealloc(*files, sizeof **files * (size_t)(n + 1));
			(*files)[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	if (n)
		qsort(*files, (size_t)n, sizeof **files, by_name);
	return n;
}

/* Runs a file's statements one by one: they end with ';' at a line end. */
static int run_file(const char *path, struct buf *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		buf_printf(err, "%s: cannot read", path);
		return -1;
	}
	struct buf stmt = {0};
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, lineno = 0;
	ssize_t n;
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		const char *p = line + strspn(line, " \t");
		if (!strncmp(p, "--", 2))
			continue;
		buf_append(&stmt, line, (size_t)n);
		while (stmt.len && strchr(" \t\r\n", stmt.data[stmt.len - 1]))
			stmt.data[--stmt.len] = '\0';
		if (stmt.len && stmt.data[stmt.len - 1] == ';') {
			if (db_script(stmt.data, err)) {
				buf_printf(err, " (%s, statement ending on line %d)", path, lineno);
				rc = -1;
			}
			buf_reset(&stmt);
		} else if (stmt.len) {
			buf_putc(&stmt, '\n');
		}
	}
	free(line);
	fclose(f);
	buf_free(&stmt);
	return rc;
}

int cmd_migrate(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	if (argc != 1)
		return fail("migrate takes no arguments\n%s", usage);
	/* A migration (an ALTER TABLE of a long history, say) may take longer than a page may wait. */
	db_allow_long_statements();
	struct buf err = {0};
	struct db_result r = {0};
	char **files = NULL;
	int nfiles = 0, applied = 0, rc = 1;
	nfiles = migration_files(cfg->schema_dir, &files);
	if (nfiles < 0)
		return fail("cannot read SchemaDir %s", cfg->schema_dir);

	if (db_exec("SELECT GET_LOCK('mdash_migrate', 30)", DB_NOPARAMS, &r, &err) || db_cell_int(&r, 0, 0, 0) != 1) {
		fail("%s", err.len ? buf_str(&err) : "another migration holds the lock");
		goto out;
	}
	if (db_script("CREATE TABLE IF NOT EXISTS schema_migrations ("
		      " version INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,"
		      " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)) ENGINE=InnoDB",
		      &err))
		goto fail;
	for (int i = 0; i < nfiles; i++) {
		long version = strtol(files[i], NULL, 10);
		db_result_free(&r);
		if (db_exec("SELECT 1 FROM schema_migrations WHERE version = ?", DB_PARAMS(DB_I(version)), &r, &err))
			goto fail;
		if (r.nrows)
			continue;
		struct buf path = {0};
		buf_printf(&path, "%s/%s", cfg->schema_dir, files[i]);
		int bad = run_file(path.data, &err);
		buf_free(&path);
		if (bad || db_exec("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
				   DB_PARAMS(DB_I(version), DB_S(files[i])), NULL, &err))
			goto fail;
		printf("Applied %s\n", files[i]);
		applied++;
	}
	if (!applied)
		printf("The database is up to date (%d migrations).\n", nfiles);
	rc = 0;
	goto out;
fail:
	fail("migration failed: %s", buf_str(&err));
out:
	db_result_free(&r);
	db_exec("SELECT RELEASE_LOCK('mdash_migrate')", DB_NOPARAMS, NULL, &err);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	buf_free(&err);
	return rc;
}
