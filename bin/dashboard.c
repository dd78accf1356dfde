/* SPDX-License-Identifier: MIT */
/* dashboard.c: `mdash dashboard list|add|rm`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dashboard.h"
#include "db.h"
#include "ident.h"
#include "spec.h"

static const char usage[] = "usage: mdash dashboard list\n"
			    "       mdash dashboard add SLUG [--title TITLE] [--description TEXT] [--columns N]\n"
			    "       mdash dashboard rm SLUG     (its widgets stay, on no dashboard)\n";

static int list(void)
{
	struct md_dashboard *ds;
	int n;
	struct buf err = {0};
	if (dashboard_list(&ds, &n, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf("%s\t%s\n", ds[i].slug, ds[i].title);
	dashboard_list_free(ds, n);
	return 0;
}

static int add(int argc, char **argv)
{
	json_object *o = json_object_new_object();
	struct dspec d = {0};
	struct buf err = {0};
	struct md_dashboard old;
	int rc = 1;
	json_object_object_add(o, "slug", json_object_new_string(argv[2]));
	int i;
	for (i = 3; i < argc; i++) {
		long n;
		if (i + 1 == argc)
			goto bad;
		if (!strcmp(argv[i], "--title") || !strcmp(argv[i], "--description"))
			json_object_object_add(o, argv[i] + 2, json_object_new_string(argv[i + 1]));
		else if (!strcmp(argv[i], "--columns") && !parse_long(argv[i + 1], 1, MAX_COLUMNS, &n))
			json_object_object_add(o, "columns", json_object_new_int((int)n));
		else
			goto bad;
		i++;
	}
	int found = dashboard_load(argv[2], &old, &err);
	if (found > 0) {
		dashboard_free(&old);
		fail("a dashboard named %s exists", argv[2]);
	} else if (found < 0 || spec_dashboard(o, "dashboard", NULL, &d, &err)) {
		fail("%s", buf_str(&err));
	} else {
		long long id;
		if (spec_write_dashboard(&d, 0, &id, &err))
			fail("%s", buf_str(&err));
		else {
			printf("Added dashboard %s.\n", d.slug);
			rc = 0;
		}
	}
	free(d.widgets);
	json_object_put(o);
	buf_free(&err);
	return rc;
bad:
	json_object_put(o);
	if (i + 1 < argc)
		return fail("%s: bad value \"%s\"\n%s", argv[i], argv[i + 1], usage);
	return fail("bad option \"%s\"\n%s", argv[i], usage);
}

static int rm(const char *slug)
{
	struct buf done = {0};
	buf_printf(&done, "Removed dashboard %s; its widgets are on no dashboard now.", slug);
	int rc = delete_named(dashboard_remove, slug, "dashboard", done.data);
	buf_free(&done);
	return rc;
}

int cmd_dashboard(const struct md_config *cfg, int argc, char **argv)
{
	(void)cfg;
	if (wants_help(argc, argv, usage))
		return 0;
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "list") && argc == 2)
		return list();
	if (!strcmp(sub, "add") && argc >= 3)
		return ident_valid(argv[2]) ? add(argc, argv)
					    : fail("slug \"%s\" must match [a-z0-9][a-z0-9_-]{0,63}", argv[2]);
	if (!strcmp(sub, "rm") && argc == 3)
		return rm(argv[2]);
	fputs(usage, stderr);
	return 2;
}
