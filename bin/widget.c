/* SPDX-License-Identifier: MIT */
/* widget.c: `mdash widget list|add|show|set|rm`. add and set build the same
 * object the declarative file has and check it the same way (spec.c), so
 * a widget made here could have come from `mdash apply`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "commands.h"
#include "dashboard.h"
#include "db.h"
#include "ident.h"
#include "render.h"
#include "source.h"
#include "series.h"
#include "spec.h"
#include "widget.h"

static const char usage[] =
	"usage: mdash widget list\n"
	"       mdash widget add NAME --type TYPE [KEY=VALUE]...\n"
	"       mdash widget show NAME\n"
	"       mdash widget set NAME KEY=VALUE...\n"
	"       mdash widget rm NAME\n"
	"KEYs are the declarative file's: dashboard, title, sizex, sizey, col, row,\n"
	"interval, enabled (true/false), source and options (JSON objects), type.\n"
	"Example: mdash widget add signups --type number dashboard=ops interval=60 \\\n"
	"           'source={\"kind\":\"http\",\"url\":\"https://example.org/s.json\",\"pointer\":\"/n\"}'\n";

static int list(void)
{
	struct md_widget *ws;
	int n;
	struct buf err = {0};
	if (widget_list_all(0, &ws, &n, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf("%s\t%s\t%s\t%s\t%lld\t%s\n", ws[i].name, ws[i].type, ws[i].dashboard ? ws[i].dashboard : "-",
		       ws[i].enabled ? widget_state(&ws[i]) : "disabled", ws[i].version,
		       ws[i].updated_at ? ws[i].updated_at : "never");
	widget_list_free(ws, n);
	return 0;
}

/* Applies KEY=VALUE to the spec object; the dashboard goes to *dashboard. */
static int set_pair(json_object *o, const char *arg, const char **dashboard)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return fail("\"%s\": expected KEY=VALUE", arg);
	char key[32];
	snprintf(key, sizeof key, "%.*s", (int)(eq - arg) < 31 ? (int)(eq - arg) : 31, arg);
	const char *v = eq + 1;
	if (!strcmp(key, "dashboard")) {
		*dashboard = v;
		return 0;
	}
	if (!strcmp(key, "name"))
		return fail("a widget's name cannot change; add a new one and rm this one");
	json_object *val;
	if (!strcmp(key, "title") || !strcmp(key, "type")) {
		val = json_object_new_string(v);
	} else if (!strcmp(key, "enabled")) {
		if (strcmp(v, "true") && strcmp(v, "false"))
			return fail("enabled: must be true or false");
		val = json_object_new_boolean(!strcmp(v, "true"));
	} else if (!strcmp(key, "source") || !strcmp(key, "options")) {
		struct buf err = {0};
		val = source_parse(v, strlen(v), &err);
		if (!val) {
			fail("%s: %s", key, buf_str(&err));
			buf_free(&err);
			return 1;
		}
	} else {
		long n;
		if (parse_long(v, -1000000000L, 1000000000L, &n))
			return fail("%s: \"%s\" is not a whole number (or not a key: %s)", key, v,
				    "dashboard title type sizex sizey col row interval enabled source options");
		val = json_object_new_int64(n);
	}
	json_object_object_add(o, key, val);
	return 0;
}

/* Checks the spec and writes it, placing it on its dashboard. */
static int save(const struct md_config *cfg, json_object *o, const char *slug, int placed)
{
	struct wspec s = {0};
	struct buf err = {0};
	struct md_dashboard d = {0};
	int rc = 1;
	if (spec_widget(o, "widget", cfg, &s, &err)) {
		fail("%s", buf_str(&err));
		goto out;
	}
	if (slug) {
		int found = dashboard_load(slug, &d, &err);
		if (found <= 0) {
			fail("%s", found < 0 ? buf_str(&err) : "no dashboard of that name");
			goto out;
		}
		if (!placed || !s.col || !s.row) {
			/* Place it among the dashboard's other widgets. */
			struct md_widget *ws;
			int n;
			if (widget_list_dashboard(d.id, &ws, &n, &err)) {
				fail("%s", buf_str(&err));
				goto out;
			}
			struct dspec ds = {.columns = d.columns,
					   .widgets = xcalloc((size_t)n + 1, sizeof(struct wspec))};
			for (int i = 0; i < n; i++)
				if (strcmp(ws[i].name, s.name))
					ds.widgets[ds.nwidgets++] = (struct wspec){.name = ws[i].name,
										   .col = ws[i].col,
										   .row = ws[i].row,
										   .sizex = ws[i].sizex,
										   .sizey = ws[i].sizey};
			s.col = s.row = 0;
			ds.widgets[ds.nwidgets++] = s;
			spec_place(&ds);
			s.col = ds.widgets[ds.nwidgets - 1].col;
			s.row = ds.widgets[ds.nwidgets - 1].row;
			free(ds.widgets);
			widget_list_free(ws, n);
		}
	}
	struct series_bumped graphs = {0};
	if (db_begin(&err) || widget_lock_all(&err) || spec_write_widget(&s, d.id, &err) || series_sync(&err) ||
	    series_touch(s.name, &graphs, &err) || db_commit(&err)) {
		db_rollback();
		series_bumped_free(&graphs);
		fail("%s", buf_str(&err));
		goto out;
	}
	if (announce_bumped(cfg, &graphs, &err))
		fprintf(stderr, "Could not tell the open pages of a graph that draws %s (will retry): %s\n", s.name,
			buf_str(&err));
	series_bumped_free(&graphs);
	rc = 0;
out:
	buf_free(&s.own_source);
	if (d.slug)
		dashboard_free(&d);
	buf_free(&err);
	return rc;
}

static int add(const struct md_config *cfg, int argc, char **argv)
{
	const char *name = argv[2], *dashboard = NULL;
	struct md_widget w;
	struct buf err = {0};
	if (!ident_valid(name))
		return fail("widget name \"%s\" must match [a-z0-9][a-z0-9_-]{0,63}", name);
	int found = widget_load(name, &w, &err);
	if (found) {
		if (found > 0)
			widget_free(&w);
		fail("%s", found < 0 ? buf_str(&err) : "a widget of that name exists; change it with mdash widget set");
		buf_free(&err);
		return 1;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	int rc = 0;
	for (int i = 3; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "--type") && i + 1 < argc)
			json_object_object_add(o, "type", json_object_new_string(argv[++i]));
		else
			rc = set_pair(o, argv[i], &dashboard);
	}
	if (!rc)
		rc = save(cfg, o, dashboard, 0);
	if (!rc)
		printf("Added widget %s.\n", name);
	json_object_put(o);
	return rc;
}

static int set(const struct md_config *cfg, int argc, char **argv)
{
	struct md_widget w;
	struct buf err = {0};
	int found = widget_load(argv[2], &w, &err);
	if (found <= 0) {
		fail("%s", found < 0 ? buf_str(&err) : "no widget of that name");
		buf_free(&err);
		return 1;
	}
	json_object *o = spec_of_widget(&w);
	const char *dashboard = w.dashboard;
	int moved = 0, rc = 0;
	for (int i = 3; i < argc && !rc; i++) {
		const char *before = dashboard;
		rc = set_pair(o, argv[i], &dashboard);
		moved |= dashboard != before;
	}
	if (!rc)
		rc = save(cfg, o, dashboard && *dashboard ? dashboard : NULL, !moved);
	if (!rc)
		printf("Changed widget %s.\n", w.name);
	json_object_put(o);
	widget_free(&w);
	return rc;
}

static int show(const char *name)
{
	struct md_widget w;
	struct buf err = {0};
	int found = widget_load(name, &w, &err);
	if (found <= 0) {
		fail("%s", found < 0 ? buf_str(&err) : "no widget of that name");
		buf_free(&err);
		return 1;
	}
	char iso[40];
	render_iso_time(w.updated_at, iso, sizeof iso);
	printf("name\t%s\ntype\t%s\ntitle\t%s\ndashboard\t%s\nposition\tcol %d, row %d\nsize\t%d x %d\n"
	       "interval\t%ld s\nenabled\t%s\nstate\t%s\nversion\t%lld\nupdated\t%s\nerror\t%s\n",
	       w.name, w.type, w.title, w.dashboard ? w.dashboard : "-", w.col, w.row, w.sizex, w.sizey, w.interval,
	       w.enabled ? "yes" : "no", widget_state(&w), w.version, *iso ? iso : "never",
	       w.last_error ? w.last_error : "-");
	printf("source\t%s\noptions\t%s\ndata\t%s\n",
	       json_object_to_json_string_ext(widget_source(&w), JSON_C_TO_STRING_PLAIN),
	       json_object_to_json_string_ext(widget_options(&w), JSON_C_TO_STRING_PLAIN),
	       json_object_to_json_string_ext(widget_data(&w), JSON_C_TO_STRING_PLAIN));
	widget_free(&w);
	return 0;
}

/* The graphs that drew the widget rm removes, to publish after its commit. */
static struct series_bumped forgotten;

static int remove_widget(const char *name, struct buf *err)
{
	return widget_lock_all(err) ? -1 : widget_remove(name, &forgotten, err);
}

static int rm(const struct md_config *cfg, const char *name)
{
	struct buf done = {0}, err = {0};
	buf_printf(&done, "Removed widget %s and its history.", name);
	int rc = delete_named(remove_widget, name, "widget", done.data);
	if (!rc && announce_bumped(cfg, &forgotten, &err))
		fprintf(stderr, "Could not tell the open pages of a graph that drew %s (will retry): %s\n", name,
			buf_str(&err));
	series_bumped_free(&forgotten);
	buf_free(&done);
	buf_free(&err);
	return rc;
}

int cmd_widget(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "list") && argc == 2)
		return list();
	if (!strcmp(sub, "add") && argc >= 3)
		return add(cfg, argc, argv);
	if (!strcmp(sub, "set") && argc >= 4)
		return set(cfg, argc, argv);
	if (!strcmp(sub, "show") && argc == 3)
		return show(argv[2]);
	if (!strcmp(sub, "rm") && argc == 3)
		return rm(cfg, argv[2]);
	fputs(usage, stderr);
	return 2;
}
