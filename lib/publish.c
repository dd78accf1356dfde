/* SPDX-License-Identifier: MIT */
/* publish.c: nchan publisher client over libcurl (see publish.h). */
#include "publish.h"

#include <curl/curl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "metrics.h"

static CURL *curl;

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

int publish_socket(const char *publish_url, struct buf *path)
{
	if (strncmp(publish_url, "unix:", 5))
		return 0;
	const char *p = publish_url + 5, *colon = strchr(p, ':');
	if (*p != '/' || !colon || colon - p < 2 || colon - p > PUBLISH_SOCKET_MAX || colon[1] != '/')
		return -1;
	buf_reset(path);
	buf_append(path, p, (size_t)(colon - p));
	return 1;
}

void publish_target(const char *publish_url, const char *channel, struct buf *url, struct buf *socket)
{
	buf_reset(url);
	buf_reset(socket);
	if (publish_socket(publish_url, socket) == 1)
		buf_printf(url, "http://localhost%s%s", strchr(publish_url + 5, ':') + 1, channel);
	else
		buf_printf(url, "%s%s", publish_url, channel);
}

/* Sets c up to POST body (JSON) to url, over socket unless it is empty,
 * with headers; time limits keep a hung nchan from holding a worker. */
static void set_post(CURL *c, const char *url, const struct buf *socket, const char *body, size_t len,
		     struct curl_slist *headers)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket->len ? socket->data : NULL);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
}

static struct curl_slist *json_headers(void)
{
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	return curl_slist_append(h, "Accept: text/json");
}

int publish_widget(const char *publish_url, const char *name, long long version, const char *html, struct buf *err)
{
	int failed;
	return publish_widgets(publish_url, &name, &version, &html, 1, &failed, err) ? -1 : 0;
}

void publish_message(const char *name, long long version, const char *html, struct buf *out)
{
	buf_reset(out);
	if (!html) {
		/* names are validated identifiers: no JSON escaping needed. */
		buf_printf(out, "{\"widget\":\"%s\",\"version\":%lld}", name, version);
		return;
	}
	json_object *o = json_object_new_object();
	if (!o || json_object_object_add(o, "widget", json_object_new_string(name)) ||
	    json_object_object_add(o, "version", json_object_new_int64(version)) ||
	    json_object_object_add(o, "html", json_object_new_string(html))) {
		/* Out of memory: the message without the fragment still works. */
		json_object_put(o);
		publish_message(name, version, NULL, out);
		return;
	}
	buf_puts(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

int publish_dashboard_event(const char *publish_url, const char *slug, const char *event, struct buf *err)
{
	struct buf body = {0}, channel = {0};
	/* Both are validated identifiers. */
	buf_printf(&body, "{\"dashboard\":\"%s\",\"event\":\"%s\"}", slug, event);
	buf_printf(&channel, "_d_%s", slug);
	int rc = publish_raw(publish_url, channel.data, body.data, err);
	buf_free(&body);
	buf_free(&channel);
	return rc;
}

/* A handle for one request to <publish_url><channel> (url and socket hold
 * its strings until the caller is done), with the publisher's time limits;
 * NULL when libcurl cannot start. */
static CURL *one_request(const char *publish_url, const char *channel, struct buf *url, struct buf *socket,
			 struct buf *err)
{
	CURL *c = curl_easy_init();
	if (!c) {
		buf_puts(err, "publish: cannot start libcurl");
		return NULL;
	}
	publish_target(publish_url, channel, url, socket);
	curl_easy_setopt(c, CURLOPT_URL, url->data);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket->len ? socket->data : NULL);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	return c;
}

/* Deletes channel at the publisher. nchan then closes every stream that
 * follows it, a page's multiplexed stream of many channels included (the
 * whole stream ends). 404 means nobody followed it: nothing to end. */
static int close_channel(const char *publish_url, const char *channel, struct buf *err)
{
	struct buf url = {0}, socket = {0};
	CURL *c = one_request(publish_url, channel, &url, &socket, err);
	if (!c)
		return -1;
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	int ok = rc == CURLE_OK && ((status >= 200 && status < 300) || status == 404);
	if (rc != CURLE_OK)
		buf_printf(err, "closing %s%s: %s", publish_url, channel, curl_easy_strerror(rc));
	else if (!ok)
		buf_printf(err, "closing %s%s: HTTP %ld", publish_url, channel, status);
	curl_easy_cleanup(c);
	buf_free(&url);
	buf_free(&socket);
	return ok ? 0 : -1;
}

static size_t keep(char *p, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	if (b->len < 64 * 1024)
		buf_append(b, p, size * n);
	return size * n;
}

int publish_subscribers(const char *publish_url, long *subscribers, struct buf *err)
{
	struct buf url = {0}, socket = {0}, body = {0};
	CURL *c = one_request(publish_url, "_status", &url, &socket, err);
	if (!c)
		return -1;
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	const char *line = strstr(buf_str(&body), "\nsubscribers: ");
	int ok = rc == CURLE_OK && status == 200 && line;
	if (ok)
		*subscribers = strtol(line + 14, NULL, 10);
	else if (rc != CURLE_OK)
		buf_printf(err, "nchan status at %s_status: %s", publish_url, curl_easy_strerror(rc));
	else
		buf_printf(err, "nchan status at %s_status: HTTP %ld, no subscriber count", publish_url, status);
	curl_easy_cleanup(c);
	buf_free(&url);
	buf_free(&socket);
	buf_free(&body);
	return ok ? 0 : -1;
}

int publish_reload(const char *publish_url, const char *channel, struct buf *err)
{
	/* Pages that obey reload into the new rules; the channel's deletion then
	 * ends the streams of any that would not. */
	if (publish_raw(publish_url, channel, "{\"dashboard\":\"*\",\"event\":\"reload\"}", err))
		return -1;
	return close_channel(publish_url, channel, err);
}

int publish_session_ended(const char *publish_url, const char *tag, struct buf *err)
{
	/* The session's pages reload; the others on its channel ignore the
	 * message, and reopen their streams after the deletion. */
	char channel[SESSION_CHANNEL_SIZE], text[80];
	session_channel(tag, channel);
	snprintf(text, sizeof text, "{\"dashboard\":\"*\",\"event\":\"reload\",\"session\":\"%.16s\"}", tag);
	if (publish_raw(publish_url, channel, text, err))
		return -1;
	return close_channel(publish_url, channel, err);
}

int publish_raw(const char *publish_url, const char *channel, const char *text, struct buf *err)
{
	long status;
	return publish_status(publish_url, channel, text, &status, err);
}

int publish_status(const char *publish_url, const char *channel, const char *text, long *status_out, struct buf *err)
{
	*status_out = 0;
	if (!curl && !(curl = curl_easy_init())) {
		buf_puts(err, "publish: cannot start libcurl");
		return -1;
	}
	struct buf url = {0}, socket = {0}, body = {0};
	publish_target(publish_url, channel, &url, &socket);
	buf_puts(&body, text);
	struct curl_slist *h = json_headers();
	set_post(curl, url.data, &socket, body.data, body.len, h);
	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	*status_out = rc == CURLE_OK ? status : 0;
	curl_slist_free_all(h);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	int ok = rc == CURLE_OK && status >= 200 && status < 300;
	if (rc != CURLE_OK)
		buf_printf(err, "publish to %s%s: %s", publish_url, channel, curl_easy_strerror(rc));
	else if (!ok)
		buf_printf(err, "publish to %s%s: HTTP %ld", publish_url, channel, status);
	buf_free(&url);
	buf_free(&socket);
	buf_free(&body);
	return ok ? 0 : -1;
}

/* publish_widgets: up to this many at once, over as many kept connections,
 * and one more for the change feed's message. */
#define PARALLEL 16
static CURLM *multi;
static CURL *pool[PARALLEL + 1];

/* Runs pool[0..n), which publish names[0..n), and pool[n] too when extra
 * (the change feed's message, whose fate counts for nothing here), to the
 * end; failed[i] = 0 for each of names that succeeded. */
static void run_round(const char *publish_url, const char *const *names, int n, int extra, int *failed, struct buf *err)
{
	int running = 0;
	for (int i = 0; i < n + extra; i++)
		curl_multi_add_handle(multi, pool[i]);
	do {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		if (running)
			curl_multi_poll(multi, NULL, 0, 1000, NULL);
	} while (running);
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(multi, &left)))
		for (int i = 0; i < n; i++) {
			if (m->msg != CURLMSG_DONE || m->easy_handle != pool[i])
				continue;
			long status = 0;
			curl_easy_getinfo(pool[i], CURLINFO_RESPONSE_CODE, &status);
			if (m->data.result == CURLE_OK && status >= 200 && status < 300)
				failed[i] = 0;
			else if (!err->len && m->data.result != CURLE_OK)
				buf_printf(err, "publish to %s%s: %s", publish_url, names[i],
					   curl_easy_strerror(m->data.result));
			else if (!err->len)
				buf_printf(err, "publish to %s%s: HTTP %ld", publish_url, names[i], status);
		}
	for (int i = 0; i < n + extra; i++)
		curl_multi_remove_handle(multi, pool[i]);
}

/* The change feed's message for these widgets (read_cache.h, cgi/feed.c):
 * {"changed":["a","b"]}, or {"changed":"*"} (anything may have changed)
 * past FEED_MESSAGE_MAX bytes. Names are identifiers: nothing to escape. */
#define FEED_MESSAGE_MAX 16384
static void feed_message(const char *const *names, int n, struct buf *out)
{
	buf_reset(out);
	buf_puts(out, "{\"changed\":[");
	for (int i = 0; i < n && out->len <= FEED_MESSAGE_MAX; i++)
		buf_printf(out, "%s\"%s\"", i ? "," : "", names[i]);
	buf_puts(out, "]}");
	if (out->len > FEED_MESSAGE_MAX) {
		buf_reset(out);
		buf_puts(out, ANNOUNCE_EVERYTHING);
	}
}

int publish_widgets(const char *publish_url, const char *const *names, const long long *versions,
		    const char *const *html, int n, int *failed, struct buf *err)
{
	int nfailed = 0;
	for (int i = 0; i < n; i++)
		failed[i] = 1;
	if (!multi && !(multi = curl_multi_init())) {
		buf_puts(err, "publish: cannot start libcurl");
		return n;
	}
	struct curl_slist *h = json_headers();
	struct buf urls[PARALLEL + 1] = {0}, bodies[PARALLEL + 1] = {0}, socket = {0};
	for (int start = 0; start < n; start += PARALLEL) {
		int k = n - start < PARALLEL ? n - start : PARALLEL, ready = 0, extra = 0;
		for (int i = 0; i < k; i++, ready++) {
			publish_target(publish_url, names[start + i], &urls[i], &socket);
			publish_message(names[start + i], versions[start + i], html ? html[start + i] : NULL,
					&bodies[i]);
			if (!pool[i] && !(pool[i] = curl_easy_init()))
				break;
			set_post(pool[i], urls[i].data, &socket, bodies[i].data, bodies[i].len, h);
		}
		/* With the last round, the change feed hears of them all: every
		 * app process (of every host) reads them again. */
		if (start + PARALLEL >= n && ready == k && (pool[k] || (pool[k] = curl_easy_init()))) {
			publish_target(publish_url, ANNOUNCE_CHANNEL, &urls[k], &socket);
			feed_message(names, n, &bodies[k]);
			set_post(pool[k], urls[k].data, &socket, bodies[k].data, bodies[k].len, h);
			extra = 1;
		}
		run_round(publish_url, names + start, ready, extra, failed + start, err);
	}
	buf_free(&socket);
	for (int i = 0; i < PARALLEL + 1; i++) {
		buf_free(&urls[i]);
		buf_free(&bodies[i]);
		if (pool[i])
			curl_easy_setopt(pool[i], CURLOPT_HTTPHEADER, NULL);
	}
	curl_slist_free_all(h);
	for (int i = 0; i < n; i++)
		nfailed += failed[i];
	metrics_add(M_PUBLISH_FAILED, (unsigned long)nfailed);
	if (nfailed && !err->len)
		buf_puts(err, "publish: cannot start libcurl");
	return nfailed;
}

void publish_cleanup(void)
{
	if (curl)
		curl_easy_cleanup(curl);
	curl = NULL;
	for (int i = 0; i < PARALLEL + 1; i++) {
		if (pool[i])
			curl_easy_cleanup(pool[i]);
		pool[i] = NULL;
	}
	if (multi)
		curl_multi_cleanup(multi);
	multi = NULL;
}
