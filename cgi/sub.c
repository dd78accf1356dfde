/* SPDX-License-Identifier: MIT */
/* sub.c: a page's one push connection. The app checks that the dashboard
 * exists (and, with login, that the client may see it), then hands the
 * stream to nchan with X-Accel-Redirect to the internal subscriber
 * location, multiplexing every widget channel of the dashboard
 * (stream.c).
 *
 * The app answers the subscription itself, rather than nginx asking it
 * with nchan_authorize_request: with the nchan of Debian 12 (1.3.6, on
 * nginx 1.22) that directive crashes nginx's workers. */
#include "dashboard.h"
#include "handlers.h"
#include "widget.h"

void sub_dashboard(struct req *r)
{
	struct md_dashboard d;
	struct md_widget *ws;
	int n;
	struct buf to = {0}, ids = {0};
	if (req_dashboard(r, &d, &ws, &n, NULL, NULL)) {
		stream_channels(r, &d, ws, n, &ids); /* the same list a stream pass names */
		buf_printf(&to, "/internal/sub/%s", ids.data);
		resp_header(r, "X-Accel-Redirect", to.data);
		resp_header(r, "Cache-Control", "no-store");
		resp_empty(r, 200);
	}
	widget_list_free(ws, n);
	dashboard_free(&d);
	buf_free(&ids);
	buf_free(&to);
}
