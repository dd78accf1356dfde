/* SPDX-License-Identifier: MIT */
/* sub.c: a page's one push connection. The app checks that the dashboard
 * exists (and, with login, that the client may see it), then hands the
 * stream to nchan with X-Accel-Redirect to the internal subscriber
 * location, multiplexing every widget channel of the dashboard.
 *
 * This is the checked way of authorising nchan subscribers on this nginx:
 * nchan_authorize_request crashes workers (see STACK-NOTES §9). */
#include <string.h>

#include "dashboard.h"
#include "handlers.h"
#include "log.h"
#include "widget.h"

/* nchan's limits for a multiplexed subscriber. */
#define MAX_CHANNELS 255
#define MAX_IDS_LEN 1000

void stream_channels(struct req *r, const struct md_dashboard *d, const struct md_widget *ws, int n, struct buf *ids)
{
	/* Channel ids are validated identifiers: nothing here needs escaping.
	 * Besides the widgets: the dashboard's own channel, and the share link's
	 * or the session's, which say "reload" when access ends. */
	buf_printf(ids, "_d_%s", d->slug);
	int used = 1;
	const struct md_user *u = req_user(r);
	if (r->share_id)
		buf_printf(ids, ",_s_%lld", r->share_id), used++;
	else if (u && u->channel[0])
		buf_printf(ids, ",%s", u->channel), used++;
	for (int i = 0; i < n; i++) {
		if (used == MAX_CHANNELS || ids->len + 1 + strlen(ws[i].name) > MAX_IDS_LEN) {
			log_warn("dashboard %s: %d widgets exceed one push connection; the rest update on reconnect",
				 d->slug, n);
			break;
		}
		buf_printf(ids, ",%s", ws[i].name);
		used++;
	}
}

void sub_dashboard(struct req *r)
{
	struct md_dashboard d;
	struct md_widget *ws;
	int n;
	struct buf to = {0};
	if (!req_dashboard(r, &d, &ws, &n))
		return;
	struct buf ids = {0};
	stream_channels(r, &d, ws, n, &ids); /* the same list a stream pass names */
	buf_printf(&to, "/internal/sub/%s", ids.data);
	buf_free(&ids);
	resp_header(r, "X-Accel-Redirect", to.data);
	resp_header(r, "Cache-Control", "no-store");
	resp_empty(r, 200);
	widget_list_free(ws, n);
	dashboard_free(&d);
	buf_free(&to);
}
