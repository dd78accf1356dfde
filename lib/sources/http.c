/* SPDX-License-Identifier: MIT */
/* http.c: GET a JSON document with libcurl. */
#include <curl/curl.h>
#include <string.h>

#include "ident.h"
#include "source.h"

static const struct field kind_fields[] = {
	{.key = "url", .kind = FIELD_TEXT, .required = 1},
	{.key = "headers", .kind = FIELD_ANY},
	{.key = "auth", .kind = FIELD_ANY},
	{0},
};

static int validate(json_object *src, struct buf *err)
{
	json_object *u, *h;
	if (!json_object_object_get_ex(src, "url", &u) || !json_object_is_type(u, json_type_string)) {
		buf_puts(err, "source.url: missing");
		return -1;
	}
	const char *url = json_object_get_string(u);
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		buf_printf(err, "source.url: \"%s\" is not an http:// or https:// URL", url);
		return -1;
	}
	json_object *a;
	if (json_object_object_get_ex(src, "auth", &a)) {
		int one = json_object_is_type(a, json_type_object) && json_object_object_length(a) == 1;
		json_object *name = NULL;
		if (one && !json_object_object_get_ex(a, "bearer", &name))
			json_object_object_get_ex(a, "basic", &name);
		if (!name || !json_object_is_type(name, json_type_string) ||
		    !ident_valid(json_object_get_string(name))) {
			buf_puts(err, "source.auth: must be {\"bearer\": SECRET} or {\"basic\": SECRET}, naming a "
				      "Secret.<name> of the settings file");
			return -1;
		}
	}
	if (json_object_object_get_ex(src, "headers", &h)) {
		if (!json_object_is_type(h, json_type_object)) {
			buf_puts(err, "source.headers: must be an object of header name to value");
			return -1;
		}
		json_object_object_foreach (h, name, val) {
			const char *v = json_object_get_string(val);
			if (!json_object_is_type(val, json_type_string) || strpbrk(name, ":\r\n") ||
			    strpbrk(v, "\r\n")) {
				buf_printf(err, "source.headers.%s: must be a one-line string", name);
				return -1;
			}
		}
	}
	return 0;
}

struct sink {
	struct buf *out;
	int overflow;
};

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	if (s->out->len + size * n > SOURCE_MAX_BYTES) {
		s->overflow = 1;
		return 0;
	}
	buf_append(s->out, p, size * n);
	return size * n;
}

static int fetch(json_object *src, struct md_fetch *f, struct buf *out, struct buf *err)
{
	json_object *u, *h;
	CURL *c = f->curl ? f->curl : curl_easy_init();
	if (!c) {
		buf_puts(err, "cannot start libcurl");
		return -1;
	}
	json_object_object_get_ex(src, "url", &u);
	const char *url = json_object_get_string(u);
	struct curl_slist *hdrs = curl_slist_append(NULL, "Accept: application/json");
	if (json_object_object_get_ex(src, "headers", &h)) {
		json_object_object_foreach (h, name, val) {
			struct buf line = {0};
			buf_printf(&line, "%s: %s", name, json_object_get_string(val));
			hdrs = curl_slist_append(hdrs, line.data);
			buf_free(&line);
		}
	}
	json_object *a, *secret;
	curl_easy_reset(c);
	if (json_object_object_get_ex(src, "auth", &a)) {
		int bearer = json_object_object_get_ex(a, "bearer", &secret);
		if (!bearer)
			json_object_object_get_ex(a, "basic", &secret);
		const char *value = config_secret(f->cfg, json_object_get_string(secret));
		if (!value) {
			buf_printf(err, "%s: Secret.%s is not in the settings file", url,
				   json_object_get_string(secret));
			curl_slist_free_all(hdrs);
			if (!f->curl)
				curl_easy_cleanup(c);
			return -1;
		}
		if (bearer) {
			curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
			curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, value);
		} else {
			curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
			curl_easy_setopt(c, CURLOPT_USERPWD, value); /* "user:password" */
		}
	}
	struct sink sink = {out, 0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, f->timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, f->timeout < 5 ? f->timeout : 5L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mdash-updater/" MDASH_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	if (!f->curl)
		curl_easy_cleanup(c);
	if (sink.overflow) {
		buf_printf(err, "%s: response larger than %d bytes", url, SOURCE_MAX_BYTES);
		return -1;
	}
	if (rc != CURLE_OK) {
		buf_printf(err, "%s: %s", url, rc == CURLE_OPERATION_TIMEDOUT ? "timed out" : curl_easy_strerror(rc));
		return -1;
	}
	if (status < 200 || status > 299) {
		buf_printf(err, "%s: HTTP %ld", url, status);
		return -1;
	}
	return 0;
}

const struct md_source_kind source_http = {
	.name = "http",
	.fields = kind_fields,
	.maps = 1,
	.validate = validate,
	.fetch = fetch,
};
