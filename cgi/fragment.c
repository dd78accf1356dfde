/* fragment.c: one widget's element, exactly as the dashboard page has it,
 * for the page's script to swap in when the widget changes. */
#include "handlers.h"
#include "render.h"
#include "widget.h"

void fragment_widget(struct req *r)
{
	struct md_widget w;
	struct buf err = {0}, html = {0};
	if (!page_allowed(r))
		return;
	int found = widget_load(r->params[0], &w, &err);
	if (found < 0)
		resp_db_error(r, &err);
	else if (found == 0)
		resp_error(r, 404, "There is no widget of that name.");
	else if (!dashboard_allowed(r, w.dashboard_id))
		; /* answered */
	else if (render_widget(r->cfg, &w, &html, &err))
		resp_error(r, 500, buf_str(&err));
	else {
		resp_header(r, "Cache-Control", "no-cache");
		resp_html(r, 200, &html);
	}
	if (found > 0)
		widget_free(&w);
	buf_free(&err);
	buf_free(&html);
}
