/* share.c: a share link, /s/<secret>: one dashboard, read-only, with no
 * login, for a wall screen. The link's routes mirror the page's own
 * (widget fragments, versions, stream) and reuse their handlers; access
 * checks (access.c) then allow exactly the link's dashboard. */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "share.h"

/* 1 when params[0] is a live link; otherwise answers 404. */
static int share_open(struct req *r)
{
	struct buf err = {0};
	int ok = share_find(r->params[0], &r->share_id, &r->share_dashboard, r->share_slug, &err);
	if (ok < 0)
		resp_db_error(r, &err);
	else if (!ok)
		resp_error(r, 404, "This link does not exist, or it was revoked.");
	if (ok <= 0)
		r->share_id = 0;
	buf_free(&err);
	return ok > 0;
}

void share_page(struct req *r)
{
	if (!share_open(r))
		return;
	r->target = r->share_slug;
	page_dashboard(r);
}

void share_fragment(struct req *r)
{
	if (share_open(r))
		fragment_widget(r);
}

void share_api_dashboard(struct req *r)
{
	if (share_open(r))
		api_dashboard(r);
}

void share_sub(struct req *r)
{
	if (share_open(r))
		sub_dashboard(r);
}
