/* SPDX-License-Identifier: MIT */
/* feed.c: follows the change feed (see feed.h). nginx sends it as an
 * http-raw-stream, one message a line: {"changed":["a","b"]} names widgets
 * that changed (publish_widgets); anything else, {"changed":"*"} included,
 * means that anything may have changed (announce_change). */
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

#define NAMES_PREFIX "{\"changed\":[\""
/* The longest line kept whole: a longer one counts as "anything". */
#define FEED_LINE_MAX 32768

static pthread_t thread;
static int started;
static atomic_int stopping;

struct follow {
	struct buf line; /* what came of the line so far */
	int too_long;    /* it passed FEED_LINE_MAX */
	int ok;          /* the answer is 200: nginx follows for us */
	int up;          /* read_cache_feed_up was called */
};

/* The widgets of a line {"changed":["a","b"]}: 1 when it is one, each
 * name told to the cache. */
static int widgets_changed(const char *p, size_t len)
{
	size_t n = sizeof NAMES_PREFIX - 1;
	if (len < n + 3 || memcmp(p, NAMES_PREFIX, n) || memcmp(p + len - 3, "\"]}", 3))
		return 0;
	const char *end = p + len - 3;
	if (end <= p + n)
		return 0; /* no name at all */
	/* Checked whole before any is told: a line that is not all names is
	 * "anything". Names are separated by "," and the last ends at end. */
	for (int tell = 0; tell < 2; tell++)
		for (const char *name = p + n;;) {
			const char *q = memchr(name, '"', (size_t)(end - name));
			size_t k = q ? (size_t)(q - name) : (size_t)(end - name);
			if (!tell && (!ident_validn(name, k) || (q && (end - q < 3 || memcmp(q, "\",\"", 3)))))
				return 0;
			if (tell)
				read_cache_widget_changed(name, k);
			if (!q)
				break;
			name = q + 3;
		}
	return 1;
}

void feed_heard(const char *line, size_t len)
{
	if (!widgets_changed(line, len))
		read_cache_clear();
}

static void on_line(struct follow *f)
{
	if (f->too_long)
		read_cache_clear();
	else
		feed_heard(buf_str(&f->line), f->line.len);
	buf_reset(&f->line);
	f->too_long = 0;
}

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct follow *f = ctx;
	size_t len = size * n;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t k = nl ? (size_t)(nl - (data + i)) : len - i;
		if (f->line.len + k > FEED_LINE_MAX)
			f->too_long = 1;
		else
			buf_append(&f->line, data + i, k);
		i += k;
		if (nl) {
			if (f->line.len || f->too_long)
				on_line(f);
			i++;
		}
	}
	return len;
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
	buf_free(&f.line);
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
	publish_target(cfg->publish_url, ANNOUNCE_CHANNEL, &url, &socket);
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
