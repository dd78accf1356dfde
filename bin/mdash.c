/* SPDX-License-Identifier: MIT */
/* mdash.c: the CLI's entry point: global options, then one subcommand. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "announce.h"
#include "commands.h"
#include "db.h"
#include "log.h"
#include "plugin.h"
#include "publish.h"
#include "wtype.h"

static const struct {
	const char *name;
	int (*run)(const struct md_config *, int, char **);
	const char *help;
	/* READS: reads alone, the app's read caches need not hear of it. */
	enum { CHANGES, READS } does;
} commands[] = {
	{"setup", cmd_setup, "a server's first run: database, password, schema, key, first admin, site, units", CHANGES},
	{"migrate", cmd_migrate, "apply the database schema migrations", CHANGES},
	{"update", cmd_update, "pull every due widget's source, store and publish (the cron job)", CHANGES},
	{"apply", cmd_apply, "create or update dashboards and widgets from a JSON file", CHANGES},
	{"export", cmd_export, "print dashboards and widgets as the JSON file apply takes", READS},
	{"widget", cmd_widget, "list, add, show, change or remove widgets", CHANGES},
	{"dashboard", cmd_dashboard, "list, add or remove dashboards", CHANGES},
	{"push", cmd_push, "store a widget's data and tell open dashboards", CHANGES},
	{"token", cmd_token, "manage push API tokens", CHANGES},
	{"user", cmd_user, "manage users, their passwords and dashboards", CHANGES},
	{"share", cmd_share, "read-only links to a dashboard for wall screens", CHANGES},
	{"audit", cmd_audit, "who changed what, when: the audit log", READS},
	{"history", cmd_history, "print a widget's stored values over a time range (JSON or CSV)", READS},
	{"prune", cmd_prune, "roll the history up; drop what is past retention (History.*, Audit.MaxAge)", CHANGES},
	{"alert", cmd_alert, "list alert deliveries, send failed ones again, test a notifier", CHANGES},
	{"backup", cmd_backup, "write the database and the settings into one file", READS},
	{"restore", cmd_restore, "replace the database with a backup's", CHANGES},
	{"check-config", cmd_check_config, "check the settings, database, schema, templates and publisher", READS},
	{"proxy-conf", cmd_proxy_conf, "print nginx's lines for the proxies in front of it (Proxy.Trusted)", READS},
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mdash [-c SETTINGS] COMMAND [ARGS]\n\n"
		"The settings file is -c, else $MDASH_CONFIG, else %s.\n\nCommands:\n",
		config_installed_path());
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nRun 'mdash COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	const char *path = config_default_path();
	int i = 1;
	if (i + 1 < argc && (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config"))) {
		path = argv[i + 1];
		i += 2;
	}
	if (i >= argc || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "help")) {
		usage(i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	if (!strcmp(argv[i], "--version")) {
		printf("mdash %s\n", MDASH_VERSION);
		return 0;
	}
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
		if (strcmp(argv[i], commands[c].name))
			continue;
		struct md_config cfg;
		struct buf err = {0};
		/* Help needs no settings file. */
		if (wants_help(argc - i, argv + i, ""))
			return commands[c].run(NULL, argc - i, argv + i);
		if (config_load(path, &cfg, &err)) {
			fail("%s", buf_str(&err));
			buf_free(&err);
			return 1;
		}
		log_set_level(cfg.log_level);
		curl_global_init(CURL_GLOBAL_DEFAULT);
		wtype_register_builtin();
		plugin_load_dir(cfg.plugin_dir);
		db_init(&cfg);
		int rc = commands[c].run(&cfg, argc - i, argv + i);
		/* Whatever it changed, even in part: the app's caches are cleared
		 * (nobody to tell when nginx is not running, and then nothing is
		 * cached). */
		if (commands[c].does == CHANGES)
			announce_change(&cfg, &err);
		buf_free(&err);
		db_close();
		publish_cleanup();
		curl_global_cleanup();
		config_free(&cfg);
		return rc;
	}
	fail("unknown command \"%s\"", argv[i]);
	usage(stderr);
	return 2;
}
