/* fragment.c: one widget's element, exactly as the dashboard page has it,
 * for the page's script to swap in when the widget changes. */
#include "handlers.h"
#include "render.h"
#include "widget.h"

void fragment_widget(struct req *r)
{
	struct md_widget w;
	struct buf err = {0}, html = {0};
	int hit;
	if (!req_widget(r, &w))
		return;
	if (render_widget_cached(r->cfg, &w, &html, &err, &hit))
		resp_error(r, 500, buf_str(&err));
	else {
		resp_header(r, "Cache-Control", "no-cache");
		/* Rendered for this request, or not: benchmarks count renders by it. */
		resp_header(r, "X-Cache", hit ? "hit" : "miss");
		resp_html(r, 200, &html);
	}
	widget_free(&w);
	buf_free(&err);
	buf_free(&html);
}
