/* publish.c: nchan publisher client over libcurl (see publish.h). */
#include "publish.h"

#include <curl/curl.h>
#include <stdio.h>

static CURL *curl;

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

int publish_widget(const char *publish_url, const char *name, long long version, struct buf *err)
{
	struct buf body = {0};
	/* name is a validated identifier: no JSON escaping needed. */
	buf_printf(&body, "{\"widget\":\"%s\",\"version\":%lld}", name, version);
	int rc = publish_raw(publish_url, name, body.data, err);
	buf_free(&body);
	return rc;
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

int publish_reload(const char *publish_url, const char *channel, struct buf *err)
{
	return publish_raw(publish_url, channel, "{\"dashboard\":\"*\",\"event\":\"reload\"}", err);
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
	struct buf url = {0}, body = {0};
	buf_printf(&url, "%s%s", publish_url, channel);
	buf_puts(&body, text);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept: text/json");
	curl_easy_setopt(curl, CURLOPT_URL, url.data);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	*status_out = rc == CURLE_OK ? status : 0;
	curl_slist_free_all(h);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	int ok = rc == CURLE_OK && status >= 200 && status < 300;
	if (rc != CURLE_OK)
		buf_printf(err, "publish to %s: %s", url.data, curl_easy_strerror(rc));
	else if (!ok)
		buf_printf(err, "publish to %s: HTTP %ld", url.data, status);
	buf_free(&url);
	buf_free(&body);
	return ok ? 0 : -1;
}

void publish_cleanup(void)
{
	if (curl)
		curl_easy_cleanup(curl);
	curl = NULL;
}
