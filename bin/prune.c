/* SPDX-License-Identifier: MIT */
/* prune.c: `mdash prune` applies history retention to every widget (the
 * updater does it for each widget it updates). */
#include <stdio.h>

#include "audit.h"
#include "commands.h"
#include "db.h"
#include "history.h"

static const char usage[] = "usage: mdash prune\n"
			    "Deletes history beyond History.Keep updates per widget or older than\n"
			    "History.MaxAge days.\n";

int cmd_prune(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	if (argc != 1)
		return fail("prune takes no arguments\n%s", usage);
	/* Deleting a long history may take longer than a page may wait. */
	db_allow_long_statements();
	struct buf err = {0};
	long long deleted = 0;
	long long audited = 0;
	int rc = history_prune(cfg, 0, &deleted, &err) || audit_prune(cfg->audit_days, &audited, &err);
	if (rc)
		fail("prune: %s", buf_str(&err));
	else
		printf("Pruned %lld history rows (keeping %ld per widget, %ld days) and %lld audit log entries "
		       "(keeping %ld days).\n",
		       deleted, cfg->history_keep, cfg->history_days, audited, cfg->audit_days);
	buf_free(&err);
	return rc ? 1 : 0;
}
