/* SPDX-License-Identifier: MIT */
/* alert.c: `mdash alert list|test|retry`: the outbox of alert messages,
 * and a test message to a notifier (lib/notify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "db.h"
#include "ident.h"
#include "notify.h"

static const char usage[] = "usage: mdash alert list | test NAME | retry [ID...]\n"
			    "Alert messages wait in an outbox until their notifier (Notify.<name>.* in the\n"
			    "settings file) took them; the updater delivers them, with retries.\n"
			    "  list        prints each pending or failed delivery, one per line, tab-separated:\n"
			    "              id, pending or failed, notifier, widget, state, queued at,\n"
			    "              attempts, next attempt (or when it failed), last error\n"
			    "  test NAME   sends a test message to notifier NAME now and says how it went\n"
			    "  retry [ID]  sends failed deliveries (all, or those given) again\n";

static int list(void)
{
	struct db_result r;
	struct buf err = {0};
	if (notify_outbox_list(&r, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	if (print_rows(&r) == 0 && isatty(STDOUT_FILENO))
		printf("No pending or failed alert deliveries.\n");
	db_result_free(&r);
	return 0;
}

static int test(const struct md_config *cfg, const char *name)
{
	const struct md_notifier *n = ident_valid(name) ? config_notifier(cfg, name) : NULL;
	if (!n)
		return fail("no notifier \"%s\" in %s (Notify.%s.URL or Notify.%s.Mailto)", name, cfg->path, name,
			    name);
	json_object *p = notify_test_payload(cfg);
	char key[33];
	struct buf err = {0};
	notify_new_key(key);
	int rc = notify_send(cfg, n,
			     json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
			     key, &err);
	json_object_put(p);
	if (rc == NOTIFY_SENT)
		printf("Sent a test message to %s (%s).\n", name, n->url ? n->url : n->mailto);
	else
		fail("could not send a test message to %s (%s): %s", name, n->url ? n->url : n->mailto, buf_str(&err));
	buf_free(&err);
	return rc == NOTIFY_SENT ? 0 : 1;
}

static int retry(int argc, char **argv)
{
	struct buf err = {0};
	long long count = 0, one;
	int rc = argc == 0 ? notify_outbox_retry(0, &count, &err) : 0;
	for (int i = 0; i < argc && !rc; i++) {
		long id;
		if (parse_long(argv[i], 1, 0x7fffffffL, &id)) {
			buf_printf(&err, "\"%s\" is not a delivery's id (mdash alert list shows them)", argv[i]);
			rc = -1;
		} else if (!(rc = notify_outbox_retry(id, &one, &err))) {
			count += one;
		}
	}
	if (rc) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	printf("%lld failed deliver%s queued again; the updater sends %s next.\n", count, count == 1 ? "y" : "ies",
	       count == 1 ? "it" : "them");
	return 0;
}

int cmd_alert(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	if (argc == 2 && !strcmp(argv[1], "list"))
		return list();
	if (argc == 3 && !strcmp(argv[1], "test"))
		return test(cfg, argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "retry"))
		return retry(argc - 2, argv + 2);
	fputs(usage, stderr);
	return 2;
}
