/* SPDX-License-Identifier: MIT */
/* prune.c: `mdash prune` rolls up and applies history retention to every
 * widget (the updater does it after each pass for the widgets with new
 * updates), and audit log retention. */
#include <stdio.h>

#include "audit.h"
#include "commands.h"
#include "db.h"
#include "history.h"

static const char usage[] = "usage: mdash prune\n"
			    "Rolls every widget's history up into per-minute and per-hour summaries,\n"
			    "then deletes what is past retention: updates beyond History.Keep per widget\n"
			    "or older than History.MaxAge days, minute roll-ups older than\n"
			    "History.MinuteDays, hour roll-ups older than History.HourDays; and audit\n"
			    "log entries older than Audit.MaxAge days.\n";

/* Every widget's history; the number of failures (each printed). */
static int prune_history(const struct md_config *cfg, struct history_work *done)
{
	struct buf err = {0};
	struct history_widget *ws;
	int n, failed = 0;
	if (history_widgets(0, &ws, &n, &err)) {
		fail("prune: %s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		buf_reset(&err);
		int rc = history_maintain(cfg, &ws[i], 0, done, &err);
		if (rc > 0)
			fprintf(stderr, "mdash: %s: %s\n", ws[i].name, buf_str(&err));
		else if (rc < 0)
			failed += fail("prune: %s: %s", ws[i].name, buf_str(&err));
	}
	history_widgets_free(ws, n);
	buf_reset(&err);
	if (history_forget_deleted(&done->rollups_deleted, &err))
		failed += fail("prune: %s", buf_str(&err));
	buf_free(&err);
	return failed;
}

int cmd_prune(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	if (argc != 1)
		return fail("prune takes no arguments\n%s", usage);
	/* Deleting a long history may take longer than a page may wait. */
	db_allow_long_statements();
	struct buf err = {0};
	struct history_work done = {0};
	long long audited = 0;
	int failed = prune_history(cfg, &done);
	if (audit_prune(cfg->audit_days, &audited, &err))
		failed += fail("prune: %s", buf_str(&err));
	printf("Pruned %lld history rows (keeping %ld per widget, %ld days), %lld roll-ups (minutes %ld days, hours "
	       "%ld) and %lld audit log entries (keeping %ld days); rolled up %lld updates first.\n",
	       done.deleted, cfg->history_keep, cfg->history_days, done.rollups_deleted, cfg->history_minute_days,
	       cfg->history_hour_days, audited, cfg->audit_days, done.rolled);
	buf_free(&err);
	return failed ? 1 : 0;
}
