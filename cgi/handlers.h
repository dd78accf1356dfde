/* SPDX-License-Identifier: MIT */
/* handlers.h: every route's handler, one file per family. */
#ifndef MDASH_HANDLERS_H
#define MDASH_HANDLERS_H

#include "request.h"

/* page.c: full HTML pages */
void page_index(struct req *r);
void page_dashboard(struct req *r);
/* fragment.c: one widget's element, as the page re-fetches it */
void fragment_widget(struct req *r);
/* api.c: read-only JSON */
void api_widget(struct req *r);
void api_widget_history(struct req *r);
void api_dashboard(struct req *r);
void api_dashboards(struct req *r);
/* push.c: data pushed in (Dashing wire format and bearer API). The push
 * loop (push_loop.c) serves the same routes in two halves: push_begin
 * reads the request into a new push (NULL when it has answered already,
 * a bad body), push_end answers by the push's status and frees it. */
void push_widget(struct req *r);
struct batched_push;
struct batched_push *push_begin(struct req *r);
void push_end(struct req *r, struct batched_push *p);
void push_dashboard_event(struct req *r);
/* layout.c: an admin saves positions and sizes after drag and resize */
void layout_save(struct req *r);
/* sub.c: the nchan subscription, authorised here and handed to nginx */
void sub_dashboard(struct req *r);
/* Appends the channels of d's stream, comma-separated, to ids. */
struct md_dashboard;
struct md_widget;
void stream_channels(struct req *r, const struct md_dashboard *d, const struct md_widget *ws, int n, struct buf *ids);
/* share.c: a share link's page, fragments, versions and stream */
void share_page(struct req *r);
void share_fragment(struct req *r);
void share_api_dashboard(struct req *r);
void share_widget_history(struct req *r);
void share_sub(struct req *r);
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
