/* SPDX-License-Identifier: MIT */
/* test_schema.c: the schema version the code needs is the newest migration. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "tests.h"

START_TEST(schema_version_is_the_newest_migration)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/schema", top ? top : ".");
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot read %s", dir);
	long newest = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strlen(e->d_name) > 4 && !strcmp(e->d_name + strlen(e->d_name) - 4, ".sql")) {
			long n = strtol(e->d_name, NULL, 10);
			newest = n > newest ? n : newest;
		}
	closedir(d);
	ck_assert_msg(newest == MDASH_SCHEMA_VERSION,
		      "schema/ ends at %03ld but lib/schema.h says MDASH_SCHEMA_VERSION %d: a migration was added "
		      "without telling the code (or the other way round)",
		      newest, MDASH_SCHEMA_VERSION);
}
END_TEST

TCase *tcase_schema(void)
{
	TCase *tc = tcase_create("schema");
	tcase_add_test(tc, schema_version_is_the_newest_migration);
	return tc;
}
