/* SPDX-License-Identifier: MIT */
/* publish.h: tells nchan that a widget changed. The message says which
 * widget and its new version, {"widget":NAME,"version":N}, and carries the
 * widget's fragment when it is small, {"widget":..,"version":..,"html":..}
 * (render_widget_inline): open pages swap it in without a request, and
 * fetch the fragment (one render per version, nginx's cache) otherwise. */
#ifndef MDASH_PUBLISH_H
#define MDASH_PUBLISH_H

#include "util.h"

/* The change feed (read_cache.h): every app process follows this channel.
 * publish_widgets tells it {"changed":[names]}; a write of anything else
 * tells it ANNOUNCE_EVERYTHING (announce_change). */
#define ANNOUNCE_CHANNEL "_feed"
#define ANNOUNCE_EVERYTHING "{\"changed\":\"*\"}"

/* PublishURL is nchan's publisher location: an http URL, or on a unix
 * socket "unix:PATH:/URI/" (nginx's own way of naming one; the request
 * goes to /URI/<channel> over the socket PATH). For the latter: 1 and the
 * socket's path; 0 for an http URL; -1 when it is neither (no absolute
 * path of at most PUBLISH_SOCKET_MAX bytes, no "/URI/" after it). */
#define PUBLISH_SOCKET_MAX 107
int publish_socket(const char *publish_url, struct buf *path);
/* The URL of <publish_url><channel> for libcurl, and the unix socket to ask
 * it over (empty: the URL's own host and port). */
void publish_target(const char *publish_url, const char *channel, struct buf *url, struct buf *socket);

/* POSTs the message to <publish_url><name>, with html (the widget's
 * fragment at version) unless it is NULL: publish_widgets for one widget.
 * Returns 0, or -1 with the reason in err. */
int publish_widget(const char *publish_url, const char *name, long long version, const char *html, struct buf *err);
/* The message for a widget's version (and its fragment, unless html is
 * NULL), into out. */
void publish_message(const char *name, long long version, const char *html, struct buf *out);
/* Publishes several widgets' messages at once, over up to 16 parallel
 * connections (kept for the next call); html is NULL, or html[i] the
 * fragment of names[i] at versions[i] or NULL. Sets failed[i] to 1 for each that
 * failed, 0 for the others, and returns how many failed (the first reason
 * in err). With them, one message on the change feed names them all. */
int publish_widgets(const char *publish_url, const char *const *names, const long long *versions,
		    const char *const *html, int n, int *failed, struct buf *err);
/* POSTs a JSON body to <publish_url><channel>; channel must be a
 * validated name. */
int publish_raw(const char *publish_url, const char *channel, const char *body, struct buf *err);
/* The same, also giving the HTTP status (0 when there was no answer). */
int publish_status(const char *publish_url, const char *channel, const char *body, long *status, struct buf *err);
/* Tells the open pages of a dashboard about an event such as "reload":
 * {"dashboard":SLUG,"event":EVENT} on the channel _d_<slug>. */
int publish_dashboard_event(const char *publish_url, const char *slug, const char *event, struct buf *err);
/* Makes every page following channel reload: a revoked share link
 * (_s_<id>); they then meet the new rules. Then ends those pages' streams
 * (the channel is deleted), so that a client that ignores the message
 * hears no more. */
int publish_reload(const char *publish_url, const char *channel, struct buf *err);
/* The same for the pages of an ended session (its tag, md_user.session),
 * on its shared channel (session_channel): the message names the session,
 * the other sessions' pages there ignore it and reconnect. */
int publish_session_ended(const char *publish_url, const char *tag, struct buf *err);
/* nchan's count of subscribers (its stub status, at PublishURL "_status"),
 * for GET /metrics. 0, or -1 with the reason in err. */
int publish_subscribers(const char *publish_url, long *subscribers, struct buf *err);
void publish_cleanup(void);

#endif
