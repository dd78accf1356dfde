/* fragment.c: one widget's element, exactly as the dashboard page has it,
 * for the page's script to swap in when the widget changes. */
#include "handlers.h"
#include "render.h"
#include "widget.h"

void fragment_widget(struct req *r)
{
	struct md_widget w;
	struct buf err = {0}, html = {0};
	if (!req_widget(r, &w))
		return;
	if (render_widget(r->cfg, &w, &html, &err))
		resp_error(r, 500, buf_str(&err));
	else {
		resp_header(r, "Cache-Control", "no-cache");
		resp_html(r, 200, &html);
	}
	widget_free(&w);
	buf_free(&err);
	buf_free(&html);
}
