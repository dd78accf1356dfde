/* SPDX-License-Identifier: MIT */
/* handlers.h: every route's handler, one file per family. */
#ifndef MDASH_HANDLERS_H
#define MDASH_HANDLERS_H

#include <time.h>

#include "access.h"
#include "answer.h"
#include "request.h"

/* page.c: full HTML pages */
void page_index(struct req *r);
void page_dashboard(struct req *r);
void page_admin(struct req *r);
/* fragment.c: one widget's element, as the page re-fetches it */
void fragment_widget(struct req *r);
/* api.c: read-only JSON */
void api_widget(struct req *r);
void api_widget_history(struct req *r);
void api_dashboard(struct req *r);
void api_dashboards(struct req *r);
/* push_api.c: data pushed in (Dashing wire format and bearer API).
 * push_widget, the handler of BATCHED routes, begins a push (r->push) for
 * the batch; push_end answers by its status once stored, and frees it. */
void push_widget(struct req *r);
void push_end(struct req *r);
void push_dashboard_event(struct req *r);
/* layout.c: an admin saves positions and sizes after drag and resize */
void layout_save(struct req *r);
/* author_widgets.c: the authoring API's widgets (README: "Authoring API") */
void author_widget_spec(struct req *r);
void author_widget_put(struct req *r);
void author_widget_delete(struct req *r);
void author_widget_test(struct req *r);
void author_types(struct req *r);
/* author_dashboards.c: the authoring API's dashboards */
void author_dashboard_create(struct req *r);
void author_dashboard_change(struct req *r);
void author_dashboard_delete(struct req *r);
/* author_access.c: the authoring API's users, grants, tokens, share links
 * and audit log */
void author_users(struct req *r);
void author_user_create(struct req *r);
void author_user_change(struct req *r);
void author_user_delete(struct req *r);
void author_grant_put(struct req *r);
void author_grant_delete(struct req *r);
void author_tokens(struct req *r);
void author_token_create(struct req *r);
void author_token_delete(struct req *r);
void author_shares(struct req *r);
void author_share_delete(struct req *r);
void author_audit(struct req *r);
/* sub.c: the nchan subscription, authorised here and handed to nginx */
void sub_dashboard(struct req *r);
/* stream.c: a dashboard's push stream, as this principal follows it: its
 * channels, comma-separated, appended to ids; and a stream pass (pass.h)
 * into pass, left empty where the principal follows another address (a
 * share link). */
struct md_dashboard;
struct md_widget;
void stream_channels(struct req *r, const struct md_dashboard *d, const struct md_widget *ws, int n, struct buf *ids);
void stream_pass(struct req *r, const struct md_dashboard *d, const struct md_widget *ws, int n, time_t expires,
		 struct buf *pass);
/* share_api.c: an admin makes a share link (a link's own routes are the
 * page's handlers, under the SHARE_LINK rule) */
void share_create_api(struct req *r);
/* login.c: the login form, login and logout */
void login_form(struct req *r);
void login_submit(struct req *r);
void logout(struct req *r);
/* health.c */
void health_check(struct req *r);
/* metrics.c: Prometheus text, from loopback or with an admin token */
void metrics_scrape(struct req *r);

#endif
