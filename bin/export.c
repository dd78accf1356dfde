/* SPDX-License-Identifier: MIT */
/* export.c: `mdash export [SLUG...]` prints the dashboards and their
 * widgets as the declarative file that `mdash apply` takes: every widget
 * with its type, title, position, size, interval, source and options, one
 * widget per line so that two exports compare well with diff. Applying the
 * output to an empty database gives the same pages; applying it where it
 * came from changes nothing. Widgets on no dashboard have no place in the
 * file: they are named on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dashboard.h"
#include "spec.h"
#include "widget.h"

static const char usage[] = "usage: mdash export [SLUG...]\n"
			    "Prints the dashboards (all, or the ones named) and their widgets as the\n"
			    "declarative file that mdash apply takes.\n";

/* JSON on one line as people write it: {"a": 1, "b": [1, 2]}. */
static void put_json(json_object *o)
{
	if (json_object_is_type(o, json_type_object)) {
		int first = 1;
		putchar('{');
		json_object_object_foreach (o, key, val) {
			json_object *k = json_object_new_string(key);
			printf("%s%s: ", first ? "" : ", ",
			       json_object_to_json_string_ext(k, JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(k);
			put_json(val);
			first = 0;
		}
		putchar('}');
	} else if (json_object_is_type(o, json_type_array)) {
		putchar('[');
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			fputs(i ? ", " : "", stdout);
			put_json(json_object_array_get_idx(o, i));
		}
		putchar(']');
	} else {
		fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_NOSLASHESCAPE), stdout);
	}
}

static void put_string(const char *s)
{
	json_object *o = json_object_new_string(s);
	put_json(o);
	json_object_put(o);
}

static int print_dashboard(const struct md_dashboard *d, int first, struct buf *err)
{
	struct md_widget *ws;
	int n;
	if (widget_list_dashboard(d->id, &ws, &n, err))
		return -1;
	printf("%s\n  {\"slug\": ", first ? "" : ",");
	put_string(d->slug);
	fputs(", \"title\": ", stdout);
	put_string(d->title);
	if (d->description && *d->description) {
		fputs(", \"description\": ", stdout);
		put_string(d->description);
	}
	printf(", \"columns\": %d,\n   \"widgets\": [", d->columns);
	for (int i = 0; i < n; i++) {
		json_object *o = spec_of_widget(&ws[i]);
		fputs(i ? ",\n    " : "\n    ", stdout);
		put_json(o);
		json_object_put(o);
	}
	fputs(n ? "\n   ]}" : "]}", stdout);
	widget_list_free(ws, n);
	return 0;
}

/* Widgets on no dashboard cannot be written in the file: say which. */
static void name_homeless(struct buf *err)
{
	struct widget_place *p;
	int n;
	if (widget_places(&p, &n, err))
		return;
	for (int i = 0; i < n; i++)
		if (!p[i].dashboard_id)
			fprintf(stderr, "mdash: widget %s is on no dashboard, so the file cannot hold it\n", p[i].name);
	widget_places_free(p, n);
}

int cmd_export(const struct md_config *cfg, int argc, char **argv)
{
	(void)cfg;
	if (wants_help(argc, argv, usage))
		return 0;
	struct md_dashboard *ds;
	int n, rc = 0, printed = 0;
	struct buf err = {0};
	if (dashboard_list(&ds, &n, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	for (int i = 1; i < argc; i++)
		if (!dashboard_find(ds, n, argv[i]))
			rc = fail("no dashboard named %s", argv[i]);
	if (rc)
		goto out;
	fputs("{\"dashboards\": [", stdout);
	for (int i = 0; i < n && !rc; i++) {
		int wanted = argc == 1;
		for (int k = 1; k < argc && !wanted; k++)
			wanted = !strcmp(argv[k], ds[i].slug);
		if (wanted && print_dashboard(&ds[i], !printed++, &err))
			rc = fail("%s", buf_str(&err));
	}
	fputs(printed ? "\n]}\n" : "]}\n", stdout);
	if (!rc && argc == 1)
		name_homeless(&err);
	if (fflush(stdout) || ferror(stdout))
		rc = fail("export: cannot write the output");
out:
	dashboard_list_free(ds, n);
	buf_free(&err);
	return rc;
}
