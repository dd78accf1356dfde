/* SPDX-License-Identifier: MIT */
/* prometheus.c: a PromQL query through Prometheus's HTTP API. An instant
 * query (/api/v1/query) gives one number for a number or meter widget; with
 * "range" (and "step") a range query (/api/v1/query_range) gives a graph's
 * points, x being each sample's time in epoch seconds, and one series per
 * result. The HTTP part is the http kind's (headers, auth, timeouts, size
 * cap); this file turns Prometheus's answer into the widget's fields. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "source.h"

static const struct field kind_fields[] = {
	{.key = "url", .kind = FIELD_ANY},
	{.key = "query", .kind = FIELD_ANY},
	{.key = "range", .kind = FIELD_ANY},
	{.key = "step", .kind = FIELD_ANY},
	{.key = "headers", .kind = FIELD_ANY},
	{.key = "auth", .kind = FIELD_ANY},
	{0},
};

/* A graph's points at most: range / step is held to this. */
#define MAX_POINTS 11000

static int duration(json_object *src, const char *key, long *secs, struct buf *err)
{
	json_object *v;
	if (!json_object_object_get_ex(src, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) || parse_duration(json_object_get_string(v), secs) ||
	    *secs <= 0) {
		buf_printf(err, "source.%s: must be a duration such as \"15s\", \"5m\", \"1h\" or \"7d\"", key);
		return -1;
	}
	return 1;
}

static int validate(json_object *src, struct buf *err)
{
	json_object *q, *u;
	long range = 0, step = 0;
	if (!json_object_object_get_ex(src, "query", &q) || !json_object_is_type(q, json_type_string) ||
	    !*json_object_get_string(q) || strlen(json_object_get_string(q)) > 4096) {
		buf_puts(err, "source.query: missing (a PromQL expression, at most 4096 bytes)");
		return -1;
	}
	int has_range = duration(src, "range", &range, err), has_step = duration(src, "step", &step, err);
	if (has_range < 0 || has_step < 0)
		return -1;
	if (has_step && !has_range) {
		buf_puts(err, "source.step: only with source.range (a range query)");
		return -1;
	}
	if (has_step && range / step > MAX_POINTS) {
		buf_printf(err, "source.step: range/step makes more than %d points", MAX_POINTS);
		return -1;
	}
	/* The rest (url, headers, auth) is checked as the http kind checks it. */
	if (!json_object_object_get_ex(src, "url", &u)) {
		buf_puts(err, "source.url: missing (Prometheus's address, such as http://prometheus:9090)");
		return -1;
	}
	json_object *http = json_object_new_object();
	json_object_object_foreach (src, key, val)
		if (!strcmp(key, "url") || !strcmp(key, "headers") || !strcmp(key, "auth"))
			json_object_object_add(http, key, json_object_get(val));
	int rc = source_http.validate(http, err);
	json_object_put(http);
	return rc;
}

/* Prometheus's sample value, a string ("42.5", "NaN", "+Inf"), as a finite
 * number; -1 when it is none. */
static int sample(json_object *pair, double *v)
{
	json_object *s = json_object_array_get_idx(pair, 1);
	const char *text = s && json_object_is_type(s, json_type_string) ? json_object_get_string(s) : NULL;
	char *end;
	if (!text || !*text)
		return -1;
	*v = strtod(text, &end);
	return *end || !isfinite(*v) ? -1 : 0;
}

static json_object *number(double v)
{
	return v == floor(v) && fabs(v) < 9007199254740991.0 ? json_object_new_int64((int64_t)v)
							     : json_object_new_double(v);
}

/* A series' name for a legend: its labels but __name__, or the metric name. */
static void series_name(json_object *metric, struct buf *out)
{
	json_object *name;
	json_object_object_foreach (metric, key, val) {
		if (!strcmp(key, "__name__"))
			continue;
		buf_printf(out, "%s%s=%s", out->len ? "," : "", key, json_object_get_string(val));
	}
	if (!out->len && json_object_object_get_ex(metric, "__name__", &name))
		buf_puts(out, json_object_get_string(name));
}

/* An instant query's vector or scalar as the widget's one value. */
static int instant(json_object *data, const char *type, struct buf *out, struct buf *err)
{
	json_object *result, *value;
	double v;
	json_object_object_get_ex(data, "result", &result);
	if (!strcmp(type, "scalar"))
		value = result;
	else if (!strcmp(type, "vector")) {
		size_t n = json_object_array_length(result);
		if (n != 1) {
			buf_printf(err,
				   n ? "the query gave %zu series; a widget shows one (aggregate them, e.g. sum(...))"
				     : "the query gave no data",
				   n);
			return -1;
		}
		json_object_object_get_ex(json_object_array_get_idx(result, 0), "value", &value);
	} else {
		buf_printf(err,
			   "the query gave a %s; a number or meter needs a vector or scalar (leave out "
			   "source.range)",
			   type);
		return -1;
	}
	if (sample(value, &v)) {
		buf_puts(err, "the query's value is not a finite number");
		return -1;
	}
	json_object *o = number(v);
	buf_puts(out, json_object_to_json_string(o));
	json_object_put(o);
	return 0;
}

/* A range query's matrix as a graph's points (and, for several results,
 * its series). */
static int matrix(json_object *data, struct buf *out, struct buf *err)
{
	json_object *result, *fields = json_object_new_object(), *series = json_object_new_array();
	json_object_object_get_ex(data, "result", &result);
	size_t n = json_object_array_length(result);
	if (n == 0) {
		buf_puts(err, "the query gave no data");
		json_object_put(fields);
		json_object_put(series);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(result, i), *values, *metric,
			    *points = json_object_new_array();
		json_object_object_get_ex(r, "values", &values);
		for (size_t k = 0; values && k < json_object_array_length(values); k++) {
			json_object *pair = json_object_array_get_idx(values, k), *p;
			double y;
			if (sample(pair, &y))
				continue; /* a gap (NaN) in the series */
			p = json_object_new_object();
			json_object_object_add(p, "x",
					       number(json_object_get_double(json_object_array_get_idx(pair, 0))));
			json_object_object_add(p, "y", number(y));
			json_object_array_add(points, p);
		}
		struct buf name = {0};
		if (json_object_object_get_ex(r, "metric", &metric))
			series_name(metric, &name);
		json_object *s = json_object_new_object();
		json_object_object_add(s, "name", json_object_new_string(name.len ? name.data : "value"));
		json_object_object_add(s, "points", points);
		json_object_array_add(series, s);
		buf_free(&name);
	}
	json_object *first;
	json_object_object_get_ex(json_object_array_get_idx(series, 0), "points", &first);
	json_object_object_add(fields, "points", json_object_get(first));
	if (n > 1)
		json_object_object_add(fields, "series", series);
	else
		json_object_put(series);
	buf_puts(out, json_object_to_json_string_ext(fields, JSON_C_TO_STRING_PLAIN));
	json_object_put(fields);
	return 0;
}

/* Prometheus's answer ({"status":"success","data":{...}} or an error) as
 * the widget's document. */
static int convert(const struct buf *body, struct buf *out, struct buf *err)
{
	json_object *doc = source_parse(buf_str(body), body->len, err), *status, *data, *type, *result;
	int rc = -1;
	if (!doc)
		return -1;
	if (!json_object_object_get_ex(doc, "status", &status) || strcmp(json_object_get_string(status), "success")) {
		json_object *e, *et;
		json_object_object_get_ex(doc, "error", &e);
		json_object_object_get_ex(doc, "errorType", &et);
		buf_printf(err, "Prometheus: %s%s%s", et ? json_object_get_string(et) : "error", e ? ": " : "",
			   e ? json_object_get_string(e) : "");
	} else if (!json_object_object_get_ex(doc, "data", &data) ||
		   !json_object_object_get_ex(data, "resultType", &type) ||
		   !json_object_object_get_ex(data, "result", &result)) {
		buf_puts(err, "Prometheus: an answer without data.resultType and data.result");
	} else if (!strcmp(json_object_get_string(type), "matrix")) {
		rc = json_object_is_type(result, json_type_array) ? matrix(data, out, err) : -1;
	} else {
		rc = instant(data, json_object_get_string(type), out, err);
	}
	if (rc && !err->len)
		buf_puts(err, "Prometheus: an answer of an unexpected shape");
	json_object_put(doc);
	return rc;
}

/* The query's URL: <url>/api/v1/query?query=... or .../query_range?... */
static void query_url(json_object *src, double now, struct buf *url)
{
	json_object *u, *q;
	long range = 0, step = 0;
	struct buf ignored = {0};
	json_object_object_get_ex(src, "url", &u);
	json_object_object_get_ex(src, "query", &q);
	const char *base = json_object_get_string(u);
	size_t n = strlen(base);
	buf_printf(url, "%.*s/api/v1/%s?query=", (int)(n && base[n - 1] == '/' ? n - 1 : n), base,
		   duration(src, "range", &range, &ignored) > 0 ? "query_range" : "query");
	url_encode(url, json_object_get_string(q));
	if (range) {
		/* About 120 points unless the step is given: a graph's width. */
		if (duration(src, "step", &step, &ignored) <= 0)
			step = range / 120 > 0 ? range / 120 : 1;
		buf_printf(url, "&start=%.3f&end=%.3f&step=%ld", now - (double)range, now, step);
	} else {
		buf_printf(url, "&time=%.3f", now);
	}
	buf_free(&ignored);
}

static int fetch(json_object *src, struct md_fetch *f, struct buf *out, struct buf *err)
{
	struct buf url = {0}, body = {0};
	query_url(src, now_wall(), &url);
	json_object *http = json_object_new_object(), *v;
	json_object_object_add(http, "url", json_object_new_string(url.data));
	if (json_object_object_get_ex(src, "headers", &v))
		json_object_object_add(http, "headers", json_object_get(v));
	if (json_object_object_get_ex(src, "auth", &v))
		json_object_object_add(http, "auth", json_object_get(v));
	int rc = source_http.fetch(http, f, &body, err);
	/* Prometheus answers a bad query with 400 and a JSON error: say that,
	 * not "HTTP 400". */
	if (rc && body.len) {
		struct buf why = {0};
		if (convert(&body, out, &why) && why.len) {
			buf_reset(err);
			buf_puts(err, buf_str(&why));
		}
		buf_free(&why);
		buf_reset(out);
	} else if (rc == 0) {
		rc = convert(&body, out, err);
	}
	json_object_put(http);
	buf_free(&url);
	buf_free(&body);
	return rc;
}

const struct md_source_kind source_prometheus = {
	.name = "prometheus",
	.fields = kind_fields,
	.validate = validate,
	.fetch = fetch,
};
