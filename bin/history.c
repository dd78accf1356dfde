/* SPDX-License-Identifier: MIT */
/* history.c: `mdash history NAME`: a widget's stored values over a time
 * range, as GET /api/widgets/NAME/history answers them (JSON or CSV). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "history.h"
#include "widget.h"
#include "wtype.h"

static const char usage[] = "usage: mdash history NAME [--since TIME] [--until TIME] [--points N] [--csv]\n"
			    "Prints widget NAME's stored values from --since (default -24h) to --until\n"
			    "(default now) in at most N buckets (default 500), each with its time and the\n"
			    "newest, least, greatest and mean value, as JSON or, with --csv, as CSV.\n"
			    "TIME is ISO-8601 (2026-12-04T07:00:00Z), \"now\", or relative: -24h, -90m, -7d, -2w.\n";

int cmd_history(const struct md_config *cfg, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"since", required_argument, NULL, 's'},  {"until", required_argument, NULL, 'u'},
		{"points", required_argument, NULL, 'p'}, {"csv", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	const char *since = NULL, *until = NULL, *points = NULL;
	int csv = 0, c;
	if (wants_help(argc, argv, usage))
		return 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': since = optarg; break;
		case 'u': until = optarg; break;
		case 'p': points = optarg; break;
		case 'c': csv = 1; break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc - 1)
		return fail("history takes one widget name\n%s", usage);
	struct buf err = {0}, out = {0};
	struct history_range range;
	struct history_point *p = NULL;
	struct md_widget w;
	int n = 0, rc = 1, found = 0;
	const char *name = argv[optind];
	if (history_range(cfg, since, until, points, &range, &err)) {
		fail("--%s", buf_str(&err));
		goto out;
	}
	if ((found = widget_load(name, &w, &err)) <= 0) {
		fail(found ? "%s" : "no widget named %s", found ? buf_str(&err) : name);
		goto out;
	}
	const struct mdash_widget_type *t = wtype_find(w.type);
	if (!t)
		fail("widget type %s is not installed", w.type);
	else if (history_read(w.id, t->value_field, range.since, range.until, 0, range.points, &p, &n, &err))
		fail("%s", buf_str(&err));
	else {
		if (csv)
			history_csv(p, n, &out);
		else
			history_json(w.name, t->value_field, &range, p, n, &out);
		fputs(buf_str(&out), stdout);
		if (!csv)
			putchar('\n');
		rc = 0;
	}
	widget_free(&w);
out:
	free(p);
	buf_free(&err);
	buf_free(&out);
	return rc;
}
