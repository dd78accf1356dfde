/* SPDX-License-Identifier: MIT */
/* audit.c: `mdash audit`: who changed what, when (lib/audit.h). */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>

#include "audit.h"
#include "commands.h"
#include "history.h"

static const char usage[] = "usage: mdash audit [--since TIME] [--json]\n"
			    "Prints the audit log from TIME (default -7d; ISO-8601 such as 2026-12-04T07:00:00Z,\n"
			    "or -24h, -30d): one change a line, tab-separated: time (UTC), who, from where,\n"
			    "action, target. --json prints every entry with its state before and after.\n";

static void print_json(const struct audit_entry *e, int n)
{
	json_object *list = json_object_new_array();
	for (int i = 0; i < n; i++)
		json_object_array_add(list, audit_json(&e[i]));
	puts(json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(list);
}

int cmd_audit(const struct md_config *cfg, int argc, char **argv)
{
	(void)cfg;
	static const struct option longopts[] = {{"since", required_argument, NULL, 's'},
						 {"json", no_argument, NULL, 'j'},
						 {"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	const char *since = "-7d";
	int json = 0, c;
	if (wants_help(argc, argv, usage))
		return 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': since = optarg; break;
		case 'j': json = 1; break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc)
		return fail("audit takes no arguments but its options\n%s", usage);
	double from;
	if (history_time(since, now_wall(), &from))
		return fail("--since: not a time: use ISO-8601 such as 2026-12-04T07:00:00Z, or -24h, -30d");
	struct buf err = {0};
	struct audit_entry *e;
	int n;
	if (audit_list(from, AUDIT_LIST_MAX, &e, &n, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	if (json)
		print_json(e, n);
	else
		for (int i = 0; i < n; i++)
			printf("%s\t%s\t%s\t%s\t%s\n", e[i].at, e[i].actor, e[i].address, e[i].action, e[i].target);
	audit_free(e, n);
	buf_free(&err);
	return 0;
}
