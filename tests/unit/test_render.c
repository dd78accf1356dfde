/* SPDX-License-Identifier: MIT */
/* test_render.c: widget fragments from the real templates, escaping on. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "widget.h"
#include "wtype.h"
#include "tests.h"

#define MAX_LINE 512

static struct md_config cfg;

static void setup(void)
{
	const char *top = getenv("top_srcdir");
	struct buf err = {0}, text = {0};
	buf_printf(&text, "TemplateDir = %s/templates\nRequireLogin = 0\n", top ? top : ".");
	ck_assert_int_eq(config_parse(text.data, text.len, "test", &cfg, &err), 0);
	buf_free(&text);
}

static void teardown(void)
{
	config_free(&cfg);
}

/* A widget as the tests render it: on time, from a push source. */
static struct md_widget widget_of(const char *type)
{
	struct md_widget w = {0};
	w.name = "w1";
	w.type = (char *)type;
	w.title = "Title";
	w.col = w.row = w.sizex = w.sizey = 1;
	w.version = 7;
	w.age = 1;
	w.interval = 60;
	w.updated_at = "2026-11-28 10:00:00.000";
	return w;
}

/* Renders w with its data, options and source given as JSON text. */
static char *render_row(struct md_widget *w, const char *data, const char *options, const char *source)
{
	struct buf out = {0}, err = {0};
	w->data_obj = json_tokener_parse(data);
	w->options_obj = json_tokener_parse(options);
	w->source_obj = json_tokener_parse(source);
	int rc = render_widget(&cfg, w, &out, &err);
	ck_assert_msg(rc == 0, "render failed: %s", buf_str(&err));
	json_object_put(w->data_obj);
	json_object_put(w->options_obj);
	json_object_put(w->source_obj);
	w->data_obj = w->options_obj = w->source_obj = NULL;
	return buf_steal(&out);
}

static char *render_opts(const char *type, const char *data, const char *error, const char *options)
{
	struct md_widget w = widget_of(type);
	w.last_error = (char *)error;
	return render_row(&w, data, options, "{\"kind\":\"push\"}");
}

static char *render(const char *type, const char *data, const char *error)
{
	return render_opts(type, data, error, "{}");
}

START_TEST(number_shows_value_and_change)
{
	char *html = render("number", "{\"current\":1250,\"last\":1000}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "data-widget=\"w1\""));
	ck_assert_ptr_nonnull(strstr(html, "data-version=\"7\""));
	ck_assert_ptr_nonnull(strstr(html, "data-state=\"ok\""));
	ck_assert_ptr_nonnull(strstr(html, ">1,250<"));
	ck_assert_ptr_nonnull(strstr(html, "+25.0%"));
	ck_assert_ptr_nonnull(strstr(html, "datetime=\"2026-11-28T10:00:00.000Z\""));
	free(html);
}
END_TEST

START_TEST(markup_in_data_is_escaped)
{
	char *html = render("list",
			    "{\"title\":\"<script>alert(1)</script>\",\"items\":[{\"label\":\"\\\"onmouseover=x\","
			    "\"value\":\"<b>v</b>\"}],\"moreinfo\":\"a&b\"}",
			    "<img src=x onerror=alert(2)>");
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_null(strstr(html, "<b>"));
	ck_assert_ptr_null(strstr(html, "<img"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "&quot;onmouseover=x"));
	ck_assert_ptr_nonnull(strstr(html, "a&amp;b"));
	ck_assert_ptr_nonnull(strstr(html, "data-state=\"error\""));
	free(html);
}
END_TEST

START_TEST(hostile_keys_do_not_make_hdf_paths)
{
	char *html = render("text", "{\"text\":\"ok\",\"a.b\":\"x\",\"Config\":{\"VarEscapeMode\":\"none\"}}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "<p class=\"text\">ok</p>"));
	free(html);
	/* Data cannot switch escaping off: it lives under Widget.data only. */
	html = render("text", "{\"text\":\"<i>\"}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "&lt;i&gt;"));
	free(html);
}
END_TEST

START_TEST(meter_draws_an_arc)
{
	char *html = render("meter", "{\"value\":50,\"min\":0,\"max\":100}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "class=\"gauge-fill\" d=\"M20.0,100.0 A80,80 0 0 1 100.00,20.00\""));
	free(html);
	html = render("meter", "{}", NULL);
	ck_assert_ptr_nonnull(strstr(html, ">–<"));
	free(html);
}
END_TEST

START_TEST(meter_outside_its_range_shows_the_true_value_and_says_so)
{
	static const struct {
		const char *data, *options;
		const char *want[5]; /* each in the HTML */
	} cases[] = {
		/* Over: the number as it is, the arc full, a mark in words. */
		{"{\"value\":8.2}",
		 "{\"min\":0,\"max\":4}",
		 {"<p class=\"value\">8.2</p>", "class=\"gauge-fill\" d=\"M20.0,100.0 A80,80 0 0 1 180.00,100.00\"",
		  "<div class=\"meter\" data-range=\"over\">",
		  "<p class=\"meter-range\" data-range=\"over\"><span aria-hidden=\"true\">▲</span> over 4</p>",
		  "aria-label=\"8.2 (over the range 0 to 4)\""}},
		/* Under, with the range from the data. */
		{"{\"value\":-1250,\"min\":0,\"max\":100}",
		 "{}",
		 {"<p class=\"value\">-1,250</p>", "class=\"gauge-fill\" d=\"M20.0,100.0 A80,80 0 0 1 20.00,100.00\"",
		  "<span aria-hidden=\"true\">▼</span> under 0</p>",
		  "aria-label=\"-1,250 (under the range 0 to 100)\""}},
		/* At either end it is in range: no mark. */
		{"{\"value\":100}", "{}", {"aria-label=\"100 (100% of the range 0 to 100)\""}},
		{"{\"value\":0}", "{}", {"aria-label=\"0 (0% of the range 0 to 100)\""}},
		/* Not a number: nothing to mark. */
		{"{\"value\":\"nan\"}", "{}", {"<p class=\"value\">–</p>"}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *html = render_opts("meter", cases[i].data, NULL, cases[i].options);
		for (int k = 0; k < 5 && cases[i].want[k]; k++)
			ck_assert_msg(strstr(html, cases[i].want[k]), "%s: no %s in %s", cases[i].data,
				      cases[i].want[k], html);
		ck_assert_int_eq(strstr(html, "data-range") != NULL, i < 2);
		free(html);
	}
}
END_TEST

START_TEST(graph_draws_0_1_and_10000_points)
{
	char *html = render("graph", "{}", NULL);
	ck_assert_ptr_null(strstr(html, "<svg"));
	ck_assert_ptr_nonnull(strstr(html, ">–<"));
	free(html);
	html = render("graph", "{\"points\":[{\"x\":1,\"y\":5}]}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "class=\"graph-line\" d=\"M150.0,50.0\""));
	ck_assert_ptr_nonnull(strstr(html, "graph-dot"));
	free(html);
	struct buf data = {0};
	buf_puts(&data, "{\"points\":[");
	for (int i = 0; i < 10000; i++)
		buf_printf(&data, "%s{\"x\":%d,\"y\":%d}", i ? "," : "", i, i == 5000 ? 999999 : i % 100);
	buf_puts(&data, "]}");
	html = render("graph", data.data, NULL);
	ck_assert_ptr_nonnull(strstr(html, "10000 points from 0 to 999,999"));
	/* Thinned to at most 400 drawn points, the spike kept at the top. */
	const char *d = strstr(html, "class=\"graph-line\" d=\"");
	ck_assert_ptr_nonnull(d);
	int segments = 0;
	for (const char *p = d; *p && *p != '>'; p++)
		segments += *p == 'L';
	ck_assert_int_le(segments, 400);
	ck_assert_int_ge(segments, 100);
	ck_assert_ptr_nonnull(strstr(d, ",4.0"));
	free(html);
	buf_free(&data);
}
END_TEST

/* Merges each push (JSON text) into data in turn, as the store does, the
 * i-th at time at[i]; returns data. */
static json_object *graph_pushes(json_object *data, const char *const *pushes, const double *at, int n,
				 const char *options)
{
	json_object *opts = json_tokener_parse(options);
	for (int i = 0; i < n; i++) {
		json_object *fields = json_tokener_parse(pushes[i]);
		ck_assert_ptr_nonnull(fields);
		widget_merge(data, "graph", opts, fields, at[i]);
		json_object_put(fields);
	}
	json_object_put(opts);
	return data;
}

#define T0 1795860000.0 /* 2026-11-28T10:00:00Z */

START_TEST(graph_grows_from_values)
{
	const char *const pushes[] = {"{\"value\":3}", "{\"value\":4}", "{\"value\":5}"};
	const double at[] = {T0, T0 + 1.5, T0 + 60};
	json_object *data = graph_pushes(json_object_new_object(), pushes, at, 3, "{\"points\":2}");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(data, "points")),
			 "[ { \"x\": 1795860001, \"y\": 4 }, { \"x\": 1795860060, \"y\": 5 } ]");
	json_object_put(data);
}
END_TEST

/* The drawn line: the points of the graph-line path. */
struct line {
	int n;
	double x[MAX_LINE], y[MAX_LINE];
};

static void line_of(const char *html, struct line *l)
{
	static const char mark[] = "class=\"graph-line\" d=\"";
	const char *d = strstr(html, mark);
	ck_assert_msg(d != NULL, "no line in %s", html);
	d += strlen(mark);
	l->n = 0;
	for (int used; *d == 'M' || *d == 'L' || *d == ' '; d += used) {
		used = 1;
		if (*d == ' ')
			continue;
		ck_assert_int_lt(l->n, MAX_LINE);
		ck_assert_int_eq(sscanf(d + 1, "%lf,%lf%n", &l->x[l->n], &l->y[l->n], &used), 2);
		used++;
		l->n++;
	}
}

/* Renders data as a graph and checks its line: n points across the whole
 * width, left to right, rising (each case's y grow), inside the viewBox;
 * at x_at[i] (0..1 of the width), or evenly spaced when x_at is NULL. */
static void assert_line(json_object *data, int n, const double *x_at)
{
	char *html = render("graph", json_object_to_json_string(data), NULL);
	struct line l;
	line_of(html, &l);
	ck_assert_msg(l.n == n, "%d points drawn, not %d: %s", l.n, n, html);
	for (int i = 0; i < n; i++) {
		double want = (x_at ? x_at[i] : (double)i / (n - 1)) * 300;
		ck_assert_msg(fabs(l.x[i] - want) < 0.06, "point %d at x=%.1f, not %.1f: %s", i, l.x[i], want, html);
		ck_assert_msg(l.y[i] >= 0 && l.y[i] <= 100, "point %d at y=%.1f: %s", i, l.y[i], html);
		ck_assert_msg(i == 0 || l.y[i] < l.y[i - 1], "point %d does not rise: %s", i, html);
	}
	free(html);
	json_object_put(data);
}

/* The forms of x a push may give. */
enum xform { X_INDEXES, X_ISO, X_MILLIS, X_SECONDS, X_BARE };

/* A push of n points, y = 1..n; x = 1..n, or minute 1..n after T0 in
 * one of the time forms, or none (bare numbers). */
static char *points_push(enum xform form, int n)
{
	struct buf b = {0};
	buf_puts(&b, "{\"points\":[");
	for (int i = 1; i <= n; i++) {
		buf_puts(&b, i > 1 ? "," : "");
		if (form == X_BARE)
			buf_printf(&b, "%d", i);
		else if (form == X_INDEXES)
			buf_printf(&b, "{\"x\":%d,\"y\":%d}", i, i);
		else if (form == X_ISO)
			buf_printf(&b, "{\"x\":\"2026-11-28T10:%02d:00Z\",\"y\":%d}", i, i);
		else
			buf_printf(&b, "{\"x\":%.0f,\"y\":%d}", (T0 + i * 60) * (form == X_MILLIS ? 1000 : 1), i);
	}
	buf_puts(&b, "]}");
	return buf_steal(&b);
}

START_TEST(graph_draws_any_mix_of_points_and_values_across_its_width)
{
	const char *values[] = {"{\"value\":11}", "{\"value\":12}", "{\"value\":13}", "{\"value\":14}"};
	const double seconds[] = {T0 + 600, T0 + 660, T0 + 720, T0 + 780}, same[] = {T0, T0, T0 + 0.5, T0 + 0.9};
	const double gaps[] = {T0, T0 + 10, T0 + 30, T0 + 70}, x_gaps[] = {0, 10 / 70.0, 30 / 70.0, 1};
	/* Points only, x an index. */
	char *idx = points_push(X_INDEXES, 10);
	assert_line(graph_pushes(json_object_new_object(), (const char *[]){idx}, seconds, 1, "{}"), 10, NULL);
	/* Values only: x is the time, to scale; values within one second are
	 * drawn evenly, not stacked at one x. */
	assert_line(graph_pushes(json_object_new_object(), values, gaps, 4, "{}"), 4, x_gaps);
	assert_line(graph_pushes(json_object_new_object(), values, same, 4, "{}"), 4, NULL);
	/* Indexed points, then values: the values continue the index. */
	json_object *data = graph_pushes(json_object_new_object(), (const char *[]){idx}, seconds, 1, "{}");
	graph_pushes(data, values, seconds, 4, "{}");
	json_object *last = json_object_array_get_idx(json_object_object_get(data, "points"), 13);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(last, "x")), 14);
	assert_line(data, 14, NULL);
	/* Values, then points: the points replace the series. */
	data = graph_pushes(json_object_new_object(), values, seconds, 4, "{}");
	assert_line(graph_pushes(data, (const char *[]){idx}, seconds, 1, "{}"), 10, NULL);
	/* Points as ISO times, as Unix milliseconds and as Unix seconds, then
	 * values: all times, one minute apart, so evenly spaced. */
	for (enum xform form = X_ISO; form <= X_SECONDS; form++) {
		char *push = points_push(form, 9);
		data = graph_pushes(json_object_new_object(), (const char *[]){push}, seconds, 1, "{}");
		assert_line(graph_pushes(data, values, seconds, 4, "{}"), 13, NULL);
		free(push);
	}
	/* A mix of every form in one push, and bare numbers then a value:
	 * drawn evenly, in the order given. */
	data = graph_pushes(
		json_object_new_object(),
		(const char *[]){"{\"points\":[{\"x\":1,\"y\":1},{\"x\":1795860000,\"y\":2},"
				 "{\"x\":\"2026-11-28T10:00:00Z\",\"y\":3},{\"y\":4},5,{\"x\":\"soon\",\"y\":6}]}"},
		seconds, 1, "{}");
	assert_line(data, 6, NULL);
	char *bare = points_push(X_BARE, 5);
	data = graph_pushes(json_object_new_object(), (const char *[]){bare}, seconds, 1, "{}");
	assert_line(graph_pushes(data, values, seconds, 4, "{}"), 9, NULL);
	free(idx);
	free(bare);
}
END_TEST

/* 1 when the text of the element with class cls is a time HH:MM. */
static int shows_hh_mm(const char *html, const char *cls)
{
	const char *p = strstr(html, cls);
	p = p ? strchr(p, '>') : NULL;
	if (!p)
		return 0;
	int h, m, n = 0;
	return sscanf(p + 1, "%2d:%2d%n", &h, &m, &n) == 2 && n == 5 && h < 24 && m < 60;
}

/* A clock as it must always be: the time, ok, never marked stale by the
 * page (data-interval 0), no "Updated" line and no "No data yet". Frees. */
static void assert_on_time(char *html)
{
	ck_assert_msg(shows_hh_mm(html, "class=\"value clock\""), "no time in %s", html);
	ck_assert_ptr_nonnull(strstr(html, "data-state=\"ok\""));
	ck_assert_ptr_nonnull(strstr(html, "data-interval=\"0\""));
	ck_assert_ptr_null(strstr(html, "No data yet"));
	ck_assert_ptr_null(strstr(html, "class=\"updated\""));
	free(html);
}

START_TEST(clock_shows_the_time_never_waits_nor_goes_stale)
{
	static const char exec[] = "{\"kind\":\"exec\",\"command\":[\"/bin/true\"]}";
	/* Never updated, on a source that pulls every minute: data widgets
	 * are stale and say "No data yet"; a clock shows the time. */
	struct md_widget w = widget_of("clock");
	w.updated_at = NULL;
	w.age = -1;
	assert_on_time(render_row(&w, "{}", "{}", exec));
	/* Ten minutes since its last update: still on time. */
	w.updated_at = "2026-11-28 10:00:00.000";
	w.age = 600;
	char *html = render_row(&w, "{\"moreinfo\":\"Head office\"}", "{\"timezone\":\"Europe/Berlin\"}", exec);
	ck_assert_ptr_nonnull(strstr(html, "Head office"));
	assert_on_time(html);
	/* The same row of a data widget is stale, and the page's script may
	 * mark it so (data-interval). */
	w.type = "number";
	html = render_row(&w, "{\"current\":1}", "{}", exec);
	ck_assert_ptr_nonnull(strstr(html, "data-state=\"stale\""));
	ck_assert_ptr_nonnull(strstr(html, "data-interval=\"60\""));
	free(html);
	/* A clock's HTML changes with the time: never reused from a cache. */
	ck_assert_int_eq(wtype_row_only(wtype_find("clock")), 0);
	ck_assert_int_eq(wtype_row_only(wtype_find("number")), 1);
}
END_TEST

START_TEST(image_refuses_script_urls_and_status_levels)
{
	char *html = render("image", "{\"image\":\"javascript:alert(1)\"}", NULL);
	ck_assert_ptr_null(strstr(html, "<img"));
	free(html);
	html = render("image", "{\"image\":\"https://example.org/a.png?x=<>\"}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "src=\"https://example.org/a.png?x=&lt;&gt;\""));
	free(html);
	html = render("status", "{\"status\":\"danger\",\"text\":\"db down\"}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "status-critical"));
	ck_assert_ptr_nonnull(strstr(html, "Critical"));
	free(html);
	html = render("clock", "{}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "data-tz=\"UTC\""));
	free(html);
}
END_TEST

START_TEST(image_shows_only_paths_of_this_site)
{
	static const char *const elsewhere[] = {"//evil.example/x.png",
						"/\\\\evil.example/x.png",
						"/\\/evil.example/x.png",
						"/%2F/evil.example/x.png",
						"/a/..%5c..%5cx.png",
						"/\\t/evil.example/x.png",
						"/ /x.png"};
	for (size_t i = 0; i < sizeof elsewhere / sizeof elsewhere[0]; i++) {
		char data[128];
		snprintf(data, sizeof data, "{\"image\":\"%s\"}", elsewhere[i]);
		char *html = render("image", data, NULL);
		ck_assert_msg(!strstr(html, "<img"), "shown: %s", elsewhere[i]);
		free(html);
	}
	char *html = render("image", "{\"image\":\"/static/logo.png\"}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "src=\"/static/logo.png\""));
	free(html);
}
END_TEST

START_TEST(thresholds_colour_the_widget)
{
	const char *th = "{\"thresholds\":{\"warning\":80,\"danger\":95}}";
	char *html = render_opts("meter", "{\"value\":50}", NULL, th);
	ck_assert_ptr_nonnull(strstr(html, "data-status=\"ok\""));
	free(html);
	html = render_opts("meter", "{\"value\":85}", NULL, th);
	ck_assert_ptr_nonnull(strstr(html, "data-status=\"warning\""));
	free(html);
	html = render_opts("number", "{\"current\":99}", NULL, "{\"thresholds\":{\"warning\":80,\"danger\":95}}");
	ck_assert_ptr_nonnull(strstr(html, "data-status=\"danger\""));
	free(html);
	/* An explicit status wins; "below" turns the scale around. */
	html = render_opts("number", "{\"current\":99,\"status\":\"ok\"}", NULL, th);
	ck_assert_ptr_nonnull(strstr(html, "data-status=\"ok\""));
	free(html);
	html = render_opts("number", "{\"current\":5}", NULL, "{\"thresholds\":{\"danger\":10,\"below\":true}}");
	ck_assert_ptr_nonnull(strstr(html, "data-status=\"danger\""));
	free(html);
	html = render("number", "{\"current\":5}", NULL);
	ck_assert_ptr_null(strstr(html, "data-status"));
	free(html);
}
END_TEST

START_TEST(unknown_type_renders_an_error)
{
	char *html = render("nosuchtype", "{}", NULL);
	ck_assert_ptr_nonnull(strstr(html, "data-state=\"error\""));
	ck_assert_ptr_nonnull(strstr(html, "not installed"));
	free(html);
}
END_TEST

/* Renders widget id at version through the cache, as a page does, with
 * its source's text and age; its parsed JSON freed, its text borrowed.
 * *hit as render_widget_cached. */
static char *render_cached_row(long long id, long long version, const char *source, long long age, int *hit)
{
	struct md_widget w = widget_of("number");
	struct buf out = {0}, err = {0};
	char name[32];
	snprintf(name, sizeof name, "w%lld", id);
	w.id = id;
	w.name = name;
	w.version = version;
	w.data = "{\"current\":5}";
	w.options = "{}";
	w.source = (char *)source;
	w.age = age;
	int rc = render_widget_cached(&cfg, &w, &out, &err, hit);
	ck_assert_msg(rc == 0, "render failed: %s", buf_str(&err));
	json_object_put(w.data_obj);
	json_object_put(w.options_obj);
	json_object_put(w.source_obj);
	return buf_steal(&out);
}

static char *render_cached(long long id, long long version, int *hit)
{
	return render_cached_row(id, version, "{\"kind\":\"push\"}", 1, hit);
}

/* Every widget of a large page renders once, then comes from the cache
 * however their keys hash, until its row changes. */
START_TEST(render_cache_keeps_every_widget_of_a_page)
{
	enum { WIDGETS = 64 };
	int hit;
	for (int round = 0; round < 3; round++)
		for (int id = 1; id <= WIDGETS; id++) {
			free(render_cached(id, round < 2 ? 7 : 8, &hit));
			ck_assert_msg(hit == (round == 1), "widget %d, round %d: hit %d", id, round, hit);
		}
	render_cache_clear();
}
END_TEST

/* The cache's key is the row's text, unparsed: a widget whose source
 * changes, or that becomes overdue, renders anew, with its new state. */
START_TEST(render_cache_follows_source_and_age)
{
	const char *push = "{\"kind\":\"push\"}", *pulled = "{\"kind\":\"http\",\"url\":\"http://x/\"}";
	int hit;
	char *html = render_cached_row(1, 7, push, 1000, &hit);
	ck_assert_int_eq(hit, 0);
	ck_assert_ptr_nonnull(strstr(html, "data-state=\"ok\""));
	free(html);
	html = render_cached_row(1, 7, pulled, 1000, &hit);
	ck_assert_int_eq(hit, 0);
	ck_assert_ptr_nonnull(strstr(html, "data-state=\"stale\""));
	free(html);
	html = render_cached_row(1, 7, pulled, 1, &hit);
	ck_assert_int_eq(hit, 0);
	ck_assert_ptr_nonnull(strstr(html, "data-state=\"ok\""));
	free(html);
	free(render_cached_row(1, 7, pulled, 1, &hit));
	ck_assert_int_eq(hit, 1);
	render_cache_clear();
}
END_TEST

TCase *tcase_render(void)
{
	TCase *tc = tcase_create("render");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, number_shows_value_and_change);
	tcase_add_test(tc, markup_in_data_is_escaped);
	tcase_add_test(tc, hostile_keys_do_not_make_hdf_paths);
	tcase_add_test(tc, meter_draws_an_arc);
	tcase_add_test(tc, meter_outside_its_range_shows_the_true_value_and_says_so);
	tcase_add_test(tc, unknown_type_renders_an_error);
	tcase_add_test(tc, thresholds_colour_the_widget);
	tcase_add_test(tc, graph_draws_0_1_and_10000_points);
	tcase_add_test(tc, graph_grows_from_values);
	tcase_add_test(tc, graph_draws_any_mix_of_points_and_values_across_its_width);
	tcase_add_test(tc, image_refuses_script_urls_and_status_levels);
	tcase_add_test(tc, clock_shows_the_time_never_waits_nor_goes_stale);
	tcase_add_test(tc, image_shows_only_paths_of_this_site);
	tcase_add_test(tc, render_cache_keeps_every_widget_of_a_page);
	tcase_add_test(tc, render_cache_follows_source_and_age);
	return tc;
}
