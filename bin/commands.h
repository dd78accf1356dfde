/* SPDX-License-Identifier: MIT */
/* commands.h: the mdash CLI's subcommands, one file each. */
#ifndef MDASH_COMMANDS_H
#define MDASH_COMMANDS_H

#include "config.h"

/* Each returns the process exit status. argv[0] is the subcommand. */
int cmd_setup(const struct md_config *cfg, int argc, char **argv);
int cmd_migrate(const struct md_config *cfg, int argc, char **argv);
int cmd_update(const struct md_config *cfg, int argc, char **argv);
int cmd_apply(const struct md_config *cfg, int argc, char **argv);
int cmd_export(const struct md_config *cfg, int argc, char **argv);
int cmd_widget(const struct md_config *cfg, int argc, char **argv);
int cmd_dashboard(const struct md_config *cfg, int argc, char **argv);
int cmd_push(const struct md_config *cfg, int argc, char **argv);
int cmd_user(const struct md_config *cfg, int argc, char **argv);
int cmd_share(const struct md_config *cfg, int argc, char **argv);
int cmd_prune(const struct md_config *cfg, int argc, char **argv);
int cmd_history(const struct md_config *cfg, int argc, char **argv);
int cmd_audit(const struct md_config *cfg, int argc, char **argv);
int cmd_token(const struct md_config *cfg, int argc, char **argv);
int cmd_backup(const struct md_config *cfg, int argc, char **argv);
int cmd_restore(const struct md_config *cfg, int argc, char **argv);
int cmd_check_config(const struct md_config *cfg, int argc, char **argv);
int cmd_proxy_conf(const struct md_config *cfg, int argc, char **argv);
int cmd_alert(const struct md_config *cfg, int argc, char **argv);

/* migrate.c: the NNN_name.sql files in dir, sorted (caller frees each and
 * the array); -1 when dir cannot be read. */
int migration_files(const char *dir, char ***files);

/* user.c: a new password from the terminal (without echo, twice) or one
 * line of stdin, checked: 0, or 1 with the message printed. */
int ask_password(struct buf *pw);

/* cli.c: what every subcommand shares. */
/* True when argv holds -h or --help; prints usage then. */
int wants_help(int argc, char **argv, const char *usage);
/* Removes the row NAME with remove (1 removed, 0 none, -1 error) and
 * records it in the audit log as WHAT.remove, in one transaction; prints
 * done, or "no WHAT named NAME". Returns the exit status. */
int delete_named(int (*remove)(const char *name, struct buf *err), const char *name, const char *what,
		 const char *done);
/* Prints rows as lines of tab-separated values (a tab or line break in a
 * value becomes a space). Returns how many. */
struct db_result;
int print_rows(const struct db_result *r);
/* Records a change made from the CLI in the audit log (audit.h), as the
 * person at the terminal. 0, or -1 (in err). */
int cli_audit(const char *action, const char *target, const char *before, const char *after, struct buf *err);
/* Prints "mdash: ..." on stderr and returns 1. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
