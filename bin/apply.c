/* SPDX-License-Identifier: MIT */
/* apply.c: `mdash apply FILE` creates or updates dashboards and widgets
 * from the declarative JSON file. The whole file is checked first (unknown
 * keys, types, sources, sizes) and every error names the file and the
 * field; then everything is written in one transaction, or nothing is.
 * Widgets keep their data and version. With --prune, the dashboards and
 * widgets the file does not name are deleted, in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "commands.h"
#include "dashboard.h"
#include "db.h"
#include "fields.h"
#include "series.h"
#include "spec.h"
#include "widget.h"

static const char usage[] = "usage: mdash apply [--prune] [--layout] FILE\n"
			    "Creates or updates the dashboards and widgets that FILE describes (JSON),\n"
			    "all in one transaction. Applying the same file twice changes nothing.\n"
			    "A widget new to its dashboard goes where FILE says (or to the first free\n"
			    "spot); one already there keeps the place saved since (say, from the browser)\n"
			    "unless FILE's position or size changed since the last apply.\n"
			    "  --prune   also delete the dashboards and widgets that FILE does not name\n"
			    "  --layout  put every widget where FILE says, whatever was saved since\n";

/* "FILE:LINE:COL" of a byte offset, for JSON syntax errors. */
static void where_in(const char *text, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static char *read_file(const char *path, size_t *len, struct buf *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct buf b = {0};
	char chunk[8192];
	size_t n;
	if (!f) {
		buf_printf(err, "%s: cannot read: %m", path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (16u << 20))
		buf_append(&b, chunk, n);
	if (f != stdin)
		fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

static int file_names(const struct dspec *ds, int n, int widgets, const char *name)
{
	for (int i = 0; i < n; i++) {
		if (!widgets && !strcmp(ds[i].slug, name))
			return 1;
		for (int k = 0; widgets && k < ds[i].nwidgets; k++)
			if (!strcmp(ds[i].widgets[k].name, name))
				return 1;
	}
	return 0;
}

/* Deletes the widgets (or dashboards) in names that the file does not
 * name, and frees names; the "Deleted" lines print before the commit,
 * which follows at once. */
static int prune_names(const struct dspec *ds, int n, int widgets, const char **names, int count,
		       struct series_bumped *graphs, struct buf *err)
{
	int rc = 0;
	for (int i = 0; i < count && !rc; i++) {
		const char *name = names[i];
		if (file_names(ds, n, widgets, name))
			continue;
		if ((widgets ? widget_remove(name, graphs, err) : dashboard_remove(name, err)) < 0)
			rc = -1;
		else
			printf("Deleted %s %s\n", widgets ? "widget" : "dashboard", name);
	}
	free(names);
	return rc;
}

/* Deletes what the file does not name. Before the file is written: a
 * graph of the file that still names a widget deleted here is then
 * refused (series_sync), where afterwards it would silently forget it. */
static int prune(const struct dspec *ds, int n, struct series_bumped *graphs, struct buf *err)
{
	struct widget_place *ws;
	struct md_dashboard *dl;
	int nw, nd, rc;
	if (widget_places(&ws, &nw, err))
		return -1;
	const char **names = xcalloc((size_t)nw + 1, sizeof *names);
	for (int i = 0; i < nw; i++)
		names[i] = ws[i].name;
	rc = prune_names(ds, n, 1, names, nw, graphs, err);
	widget_places_free(ws, nw);
	if (rc || dashboard_list(&dl, &nd, err))
		return -1;
	names = xcalloc((size_t)nd + 1, sizeof *names);
	for (int i = 0; i < nd; i++)
		names[i] = dl[i].slug;
	rc = prune_names(ds, n, 0, names, nd, graphs, err);
	dashboard_list_free(dl, nd);
	return rc;
}

int cmd_apply(const struct md_config *cfg, int argc, char **argv)
{
	static const struct field top_fields[] = {{.key = "dashboards", .kind = FIELD_ARRAY, .required = 1}, {0}};
	if (wants_help(argc, argv, usage))
		return 0;
	struct spec_write_opts opts = {0};
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--prune"))
			opts.prune = 1;
		else if (!strcmp(argv[i], "--layout"))
			opts.layout = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return fail("apply: unknown option %s\n%s", argv[i], usage);
		else if (path)
			return fail("apply takes one file\n%s", usage);
		else
			path = argv[i];
	}
	if (!path)
		return fail("apply takes one file\n%s", usage);
	struct buf err = {0};
	size_t len;
	char *text = read_file(path, &len, &err);
	if (!text) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	struct dspec *ds = NULL;
	int nd = 0, rc = 1, nw = 0;
	json_tokener *tok = json_tokener_new();
	json_object *doc = json_tokener_parse_ex(tok, text, (int)len), *list;
	if (!doc || json_tokener_get_error(tok) != json_tokener_success) {
		int line, col;
		enum json_tokener_error e = json_tokener_get_error(tok);
		where_in(text, json_tokener_get_parse_end(tok), &line, &col);
		fail("%s:%d:%d: invalid JSON: %s", path, line, col,
		     e == json_tokener_continue ? "unexpected end of file" : json_tokener_error_desc(e));
		goto out;
	}
	struct field_value top;
	if (!json_object_is_type(doc, json_type_object)) {
		fail("%s: the file must hold a JSON object", path);
		goto out;
	}
	if (fields_json(top_fields, FIELDS_STRICT, doc, NULL, &top, &err)) {
		fail("%s: %s", path, buf_str(&err));
		goto out;
	}
	list = top.json;
	nd = (int)json_object_array_length(list);
	ds = xcalloc((size_t)nd + 1, sizeof *ds);
	for (int i = 0; i < nd; i++) {
		char at[64];
		snprintf(at, sizeof at, "dashboards[%d]", i);
		if (spec_dashboard(json_object_array_get_idx(list, (size_t)i), at, cfg, &ds[i], &err)) {
			fail("%s: %s", path, buf_str(&err));
			goto out;
		}
		for (int k = 0; k < i; k++)
			if (!strcmp(ds[k].slug, ds[i].slug)) {
				fail("%s: %s.slug: \"%s\" appears twice", path, at, ds[i].slug);
				goto out;
			}
		for (int k = 0; k < ds[i].nwidgets; k++)
			for (int j = 0; j < i; j++)
				for (int m = 0; m < ds[j].nwidgets; m++)
					if (!strcmp(ds[j].widgets[m].name, ds[i].widgets[k].name)) {
						fail("%s: %s.widgets[%d].name: \"%s\" is also on dashboard %s", path,
						     at, k, ds[i].widgets[k].name, ds[j].slug);
						goto out;
					}
		nw += ds[i].nwidgets;
	}
	struct buf summary = {0};
	buf_printf(&summary, "%d dashboard%s, %d widget%s%s", nd, nd == 1 ? "" : "s", nw, nw == 1 ? "" : "s",
		   opts.layout ? ", places from the file" : "");
	struct series_bumped graphs = {0};
	int failed = db_begin(&err) || widget_lock_all(&err) || (opts.prune && prune(ds, nd, &graphs, &err) < 0) ||
		     spec_write(ds, nd, &opts, &err) || series_sync(&err) ||
		     cli_audit("apply", path, NULL, summary.data, &err) || db_commit(&err);
	buf_free(&summary);
	if (failed) {
		db_rollback();
		series_bumped_free(&graphs);
		fail("%s: nothing applied: %s", path, buf_str(&err));
		goto out;
	}
	buf_reset(&err);
	if (announce_bumped(cfg, &graphs, &err))
		fprintf(stderr,
			"Could not tell the open pages of a graph that drew a deleted widget (will retry): %s\n",
			buf_str(&err));
	series_bumped_free(&graphs);
	printf("Applied %s: %d dashboard%s, %d widget%s.\n", path, nd, nd == 1 ? "" : "s", nw, nw == 1 ? "" : "s");
	if (opts.nkept)
		printf("Kept the saved place of %d widget%s (%s): the file's did not change since the last apply; "
		       "--layout puts %s where the file says.\n",
		       opts.nkept, opts.nkept == 1 ? "" : "s", buf_str(&opts.kept), opts.nkept == 1 ? "it" : "them");
	rc = 0;
out:
	buf_free(&opts.kept);
	spec_free(ds, nd);
	json_object_put(doc);
	json_tokener_free(tok);
	free(text);
	buf_free(&err);
	return rc;
}
