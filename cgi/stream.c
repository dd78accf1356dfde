/* SPDX-License-Identifier: MIT */
/* stream.c: a dashboard's push stream, as the one asking follows it (see
 * handlers.h): the page subscribes to these channels (sub.c), or opens
 * them with a stream pass that nginx checks alone (pass.h). */
#include <string.h>

#include "dashboard.h"
#include "handlers.h"
#include "log.h"
#include "pass.h"
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
	const struct md_user *u = r->who.kind == WHO_SHARE ? NULL : req_user(r);
	if (r->who.kind == WHO_SHARE)
		buf_printf(ids, ",_s_%lld", r->who.share_id), used++;
	else if (u && u->session[0]) {
		char channel[SESSION_CHANNEL_SIZE];
		session_channel(u->session, channel);
		buf_printf(ids, ",%s", channel), used++;
	}
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

void stream_pass(struct req *r, const struct md_dashboard *d, const struct md_widget *ws, int n, time_t expires,
		 struct buf *pass)
{
	/* A share link's page gets one too, naming the link's channel: a
	 * revoked link's streams are told to reload and end there, and a pass
	 * already held opens the dashboard's stream for its 2 minutes at most,
	 * as a signed-in page's does after a logout. */
	struct buf ids = {0};
	stream_channels(r, d, ws, n, &ids);
	pass_stream(r->cfg, d->slug, ids.data, expires, pass);
	buf_free(&ids);
}
