/* list.c: `mdash widget list` and `mdash dashboard list`: one per line,
 * name first, tab-separated, for people and for scripts. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dashboard.h"
#include "widget.h"

static const char widget_usage[] = "usage: mdash widget list\n"
				   "Prints one widget per line: name, type, dashboard, state, version, last update.\n";
static const char dashboard_usage[] = "usage: mdash dashboard list\n"
				      "Prints one dashboard per line: slug, title.\n";

int cmd_widget(const struct md_config *cfg, int argc, char **argv)
{
	(void)cfg;
	if (wants_help(argc, argv, widget_usage))
		return 0;
	if (argc != 2 || strcmp(argv[1], "list"))
		return fail("unknown widget command\n%s", widget_usage);
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

int cmd_dashboard(const struct md_config *cfg, int argc, char **argv)
{
	(void)cfg;
	if (wants_help(argc, argv, dashboard_usage))
		return 0;
	if (argc != 2 || strcmp(argv[1], "list"))
		return fail("unknown dashboard command\n%s", dashboard_usage);
	struct md_dashboard *ds;
	int n;
	struct buf err = {0};
	if (dashboard_list(&ds, &n, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	for (int i = 0; i < n; i++)
		printf("%s\t%s\n", ds[i].slug, ds[i].title);
	dashboard_list_free(ds, n);
	return 0;
}
