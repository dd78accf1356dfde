/* SPDX-License-Identifier: MIT */
/* feed.c: follows the change feed (see feed.h). nginx sends it as an
 * http-raw-stream, one message a line: a widget's message begins
 * {"widget":"<name>" (publish_message); anything else means that anything
 * may have changed (announce_change). Only a line's beginning is kept: a
 * widget's message may carry its fragment, which the cache does not need. */
#include "feed.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "ident.h"
#include "log.h"
#include "publish.h"
#include "read_cache.h"

#define WIDGET_PREFIX "{\"widget\":\""
/* Enough for the prefix and the longest name, and its closing quote. */
#define HEAD_MAX 96

static pthread_t thread;
static int started;
static atomic_int stopping;

struct follow {
	char head[HEAD_MAX]; /* the line's beginning */
	size_t len;          /* its length so far (may pass HEAD_MAX) */
	int ok;              /* the answer is 200: nginx follows for us */
	int up;              /* read_cache_feed_up was called */
};

static void on_line(const char *head, size_t len)
{
	size_t p = sizeof WIDGET_PREFIX - 1;
	const char *end = len > p ? memchr(head + p, '"', (len < HEAD_MAX ? len : HEAD_MAX) - p) : NULL;
	if (end && !memcmp(head, WIDGET_PREFIX, p) && ident_validn(head + p, (size_t)(end - head - p)))
		read_cache_widget_changed(head + p, (size_t)(end - head - p));
	else
		read_cache_clear();
}

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct follow *f = ctx;
	for (size_t i = 0; i < size * n; i++) {
		if (data[i] == '\n') {
			if (f->len)
				on_line(f->head, f->len);
			f->len = 0;
		} else {
			if (f->len < HEAD_MAX)
				f->head[f->len] = data[i];
			f->len++;
		}
	}
	return size * n;
}

/* The answer's head: the cache goes on once all of a 200's has come
 * (nginx has the subscription by then). */
static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct follow *f = ctx;
	size_t len = size * n;
	if (len >= 12 && !memcmp(data, "HTTP/", 5))
		f->ok = !memcmp(memchr(data, ' ', len) ? (char *)memchr(data, ' ', len) + 1 : data, "200", 3);
	else if (len <= 2 && f->ok && !f->up) {
		f->up = 1;
		read_cache_feed_up();
	}
	return len;
}

/* The transfer in hand, so that feed_stop can wake it. */
static pthread_mutex_t multi_lock = PTHREAD_MUTEX_INITIALIZER;
static CURLM *multi;

/* Runs c until it ends or a stop: its result. */
static CURLcode perform(CURL *c)
{
	CURLM *m = curl_multi_init();
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	if (!m || curl_multi_add_handle(m, c) != CURLM_OK) {
		curl_multi_cleanup(m);
		return rc;
	}
	pthread_mutex_lock(&multi_lock);
	multi = m;
	pthread_mutex_unlock(&multi_lock);
	int running = 1;
	while (running && !atomic_load(&stopping)) {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (running)
			curl_multi_poll(m, NULL, 0, 60 * 1000, NULL);
	}
	rc = running ? CURLE_ABORTED_BY_CALLBACK : CURLE_RECV_ERROR;
	for (CURLMsg *msg; (msg = curl_multi_info_read(m, &(int){0}));)
		if (msg->msg == CURLMSG_DONE)
			rc = msg->data.result;
	pthread_mutex_lock(&multi_lock);
	multi = NULL;
	pthread_mutex_unlock(&multi_lock);
	curl_multi_remove_handle(m, c);
	curl_multi_cleanup(m);
	return rc;
}

/* Follows the feed until it ends (nginx stopped or reloaded, or a stop). */
static void follow_once(const char *url, const char *socket, int *said)
{
	struct follow f = {0};
	CURL *c = curl_easy_init();
	if (!c)
		return;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, *socket ? socket : NULL);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &f);
	CURLcode rc = perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (f.up)
		read_cache_feed_down();
	/* Said once until it is back: it is retried every second. */
	if (!atomic_load(&stopping) && (f.up || !*said)) {
		if (rc != CURLE_OK && rc != CURLE_ABORTED_BY_CALLBACK)
			log_info("change feed at %s: %s; the app reads the database until it is back", url,
				 curl_easy_strerror(rc));
		else
			log_info("change feed at %s: %s (HTTP %ld); the app reads the database until it is back", url,
				 f.up ? "ended" : "not followed", status);
	}
	*said = !f.up;
	curl_easy_cleanup(c);
}

static void *run(void *arg)
{
	const struct md_config *cfg = arg;
	struct buf url = {0}, socket = {0};
	int said = 0;
	publish_target(cfg->publish_url, "_feed", &url, &socket);
	while (!atomic_load(&stopping)) {
		follow_once(url.data, buf_str(&socket), &said);
		/* Again in a second: nginx restarting, or a site without a feed. */
		for (int i = 0; i < 10 && !atomic_load(&stopping); i++)
			usleep(100 * 1000);
	}
	buf_free(&url);
	buf_free(&socket);
	return NULL;
}

int feed_start(const struct md_config *cfg)
{
	if (!cfg->cache_seconds)
		return 0;
	atomic_store(&stopping, 0);
	if (pthread_create(&thread, NULL, run, (void *)cfg)) {
		log_error("cannot start the change feed's thread: the app reads the database for every request");
		return -1;
	}
	started = 1;
	return 0;
}

void feed_stop(void)
{
	if (!started)
		return;
	atomic_store(&stopping, 1);
	pthread_mutex_lock(&multi_lock);
	if (multi)
		curl_multi_wakeup(multi);
	pthread_mutex_unlock(&multi_lock);
	pthread_join(thread, NULL);
	started = 0;
}
