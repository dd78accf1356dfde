/* SPDX-License-Identifier: MIT */
/* test_alert.c: alert rules, episodes over time, and what notifiers are
 * sent (formats, signature, the settings' checks). */
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "config.h"
#include "notify.h"
#include "tests.h"
#include "widget.h"

/* The settings of these tests: two notifiers. */
static void settings(struct md_config *c)
{
	struct buf err = {0};
	const char *text = "Notify.oncall.URL = https://hooks.example.org/x\n"
			   "Notify.team.Mailto = ops@example.org\n";
	ck_assert_int_eq(config_parse(text, strlen(text), "t.hdf", c, &err), 0);
	buf_free(&err);
}

/* Reads a rule from options text; 1, 0 or -1 as alert_rule_read, err kept. */
static int rule_of(const char *options, const struct md_config *c, struct alert_rule *r, struct buf *err)
{
	static json_object *o; /* the rule borrows its names: kept until the next call */
	if (o)
		json_object_put(o);
	o = json_tokener_parse(options);
	ck_assert_ptr_nonnull(o);
	buf_reset(err);
	return alert_rule_read(o, c, r, err);
}

START_TEST(rules_and_their_errors)
{
	struct md_config c;
	struct alert_rule r;
	struct buf err = {0};
	settings(&c);
	ck_assert_int_eq(rule_of("{\"thresholds\":{\"danger\":9}}", &c, &r, &err), 0);
	ck_assert_int_eq(rule_of("{\"alert\":{\"when\":[\"danger\",\"error\",\"stale\"],\"for\":60,\"repeat\":3600,"
				 "\"notify\":[\"oncall\",\"team\"]}}",
				 &c, &r, &err),
			 1);
	ck_assert_uint_eq(r.when, 1u << LEVEL_DANGER | 1u << LEVEL_ERROR | 1u << LEVEL_STALE);
	ck_assert_int_eq(r.for_s, 60);
	ck_assert_int_eq(r.repeat_s, 3600);
	ck_assert_int_eq(r.nnotify, 2);
	ck_assert_str_eq(r.notify[1], "team");
	/* Defaults: for 0, no repeat, the bad levels. */
	ck_assert_int_eq(rule_of("{\"alert\":{\"notify\":[\"oncall\"]}}", &c, &r, &err), 1);
	ck_assert_int_eq(r.for_s, 0);
	ck_assert_int_eq(r.repeat_s, 0);
	ck_assert_uint_eq(r.when, 1u << LEVEL_DANGER | 1u << LEVEL_ERROR | 1u << LEVEL_STALE);

	static const struct {
		const char *options, *error;
	} bad[] = {
		{"{\"alert\":true}", "options.alert: must be an object"},
		{"{\"alert\":{\"notify\":[\"oncall\"],\"after\":5}}", "options.alert: unknown key \"after\""},
		{"{\"alert\":{\"notify\":[]}}", "options.alert.notify: must be an array of 1 to 16"},
		{"{\"alert\":{}}", "options.alert.notify: must be an array"},
		{"{\"alert\":{\"notify\":[\"oncall\",\"pager\"]}}",
		 "options.alert.notify[1]: no notifier \"pager\" in t.hdf"},
		{"{\"alert\":{\"notify\":[\"On Call\"]}}", "options.alert.notify[0]: must be a notifier's name"},
		{"{\"alert\":{\"notify\":[\"oncall\"],\"when\":[\"danger\",\"ok\"]}}",
		 "options.alert.when[1]: must be"},
		{"{\"alert\":{\"notify\":[\"oncall\"],\"when\":\"danger\"}}",
		 "options.alert.when: must be a non-empty"},
		{"{\"alert\":{\"notify\":[\"oncall\"],\"for\":-1}}",
		 "options.alert.for: must be a whole number of seconds"},
		{"{\"alert\":{\"notify\":[\"oncall\"],\"for\":1.5}}", "options.alert.for: must be a whole number"},
		{"{\"alert\":{\"notify\":[\"oncall\"],\"repeat\":5}}",
		 "options.alert.repeat: must be a whole number of "
		 "seconds from 60"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(rule_of(bad[i].options, &c, &r, &err), -1);
		ck_assert_msg(strstr(buf_str(&err), bad[i].error), "%s: got \"%s\", want \"%s\"", bad[i].options,
			      buf_str(&err), bad[i].error);
	}
	/* Without settings (the store, the updater's step) any name will do. */
	ck_assert_int_eq(rule_of("{\"alert\":{\"notify\":[\"pager\"]}}", NULL, &r, &err), 1);
	rule_of("{}", NULL, &r, &err);
	buf_free(&err);
	config_free(&c);
}
END_TEST

/* What a track emitted, as "KIND state previous at value" lines. */
static void record(const struct alert_event *e, void *ctx)
{
	static const char *const kinds[] = {"FIRING", "REPEAT", "RESOLVED"};
	buf_printf(ctx, "%s %s %s %.0f %s\n", kinds[e->kind], e->state, e->previous, e->at, e->value ? e->value : "-");
}

/* One widget's episodes under a rule for danger and error: what it was
 * sent is in out. */
struct episode {
	struct alert_rule r;
	struct alert_track t;
	struct buf out;
};

static void begin(struct episode *e, long for_s, long repeat_s)
{
	memset(e, 0, sizeof *e);
	e->r = (struct alert_rule){.when = 1u << LEVEL_DANGER | 1u << LEVEL_ERROR,
				   .for_s = for_s,
				   .repeat_s = repeat_s,
				   .nnotify = 1,
				   .notify = {"oncall"}};
	e->t.level = e->t.previous = LEVEL_OK;
}

/* The widget's level became level at time t, or time passed to t. */
static void becomes(struct episode *e, int level, double t, const char *value)
{
	alert_track_change(&e->t, &e->r, level, t, value, record, &e->out);
}

static void passes(struct episode *e, double t, const char *value)
{
	alert_track_tick(&e->t, &e->r, t, value, record, &e->out);
}

static void end(struct episode *e)
{
	free(e->t.value);
	buf_free(&e->out);
}

START_TEST(an_episode_is_notified_once_after_for_then_resolved)
{
	struct episode e;
	begin(&e, 60, 0);
	becomes(&e, LEVEL_DANGER, 100, "95");
	passes(&e, 159, "96");
	ck_assert_str_eq(buf_str(&e.out), ""); /* not yet: 59 s */
	ck_assert(alert_track_due(&e.t, &e.r) == 160);
	passes(&e, 160, "97");
	passes(&e, 5000, "97");
	ck_assert_str_eq(buf_str(&e.out), "FIRING danger ok 100 95\n"); /* once; the value it entered with */
	ck_assert(alert_track_due(&e.t, &e.r) == 0);
	becomes(&e, LEVEL_OK, 6000, "40");
	ck_assert_str_eq(buf_str(&e.out), "FIRING danger ok 100 95\nRESOLVED resolved danger 6000 40\n");
	becomes(&e, LEVEL_WARNING, 6001, "85");
	passes(&e, 9000, "85");
	ck_assert_str_eq(buf_str(&e.out), "FIRING danger ok 100 95\nRESOLVED resolved danger 6000 40\n");
	end(&e);
}
END_TEST

START_TEST(flapping_shorter_than_for_sends_nothing)
{
	struct episode e;
	begin(&e, 60, 0);
	for (int i = 0; i < 10; i++) {
		becomes(&e, LEVEL_DANGER, 100 + 50 * i, "95");
		passes(&e, 100 + 50 * i + 30, "95");
		becomes(&e, LEVEL_OK, 100 + 50 * i + 40, "40");
	}
	passes(&e, 10000, "40");
	ck_assert_str_eq(buf_str(&e.out), "");
	end(&e);
}
END_TEST

START_TEST(a_stay_seen_late_is_still_notified_before_its_resolution)
{
	/* The updater ran only after the widget had been in danger 90 s and
	 * back: both go out, in order, with their own times. */
	struct episode e;
	begin(&e, 60, 0);
	becomes(&e, LEVEL_DANGER, 100, "95");
	becomes(&e, LEVEL_OK, 190, "40");
	ck_assert_str_eq(buf_str(&e.out), "FIRING danger ok 100 95\nRESOLVED resolved danger 190 40\n");
	end(&e);
}
END_TEST

START_TEST(repeats_while_the_level_holds_and_a_new_listed_level_is_its_own)
{
	struct episode e;
	begin(&e, 0, 3600);
	becomes(&e, LEVEL_DANGER, 0, "95");
	passes(&e, 1, "95");
	ck_assert(alert_track_due(&e.t, &e.r) == 3601);
	passes(&e, 3600, "96");
	passes(&e, 3601, "97");
	passes(&e, 3602, "97");
	ck_assert_str_eq(buf_str(&e.out), "FIRING danger ok 0 95\nREPEAT danger ok 0 97\n");
	buf_reset(&e.out);
	/* From danger to error: no "resolved" (still listed), error on its own. */
	becomes(&e, LEVEL_ERROR, 4000, NULL);
	passes(&e, 4000, NULL);
	becomes(&e, LEVEL_OK, 4100, "10");
	ck_assert_str_eq(buf_str(&e.out), "FIRING error danger 4000 -\nRESOLVED resolved error 4100 10\n");
	end(&e);
}
END_TEST

/* The page's precedence, in one place: error, stale, danger, warning. */
START_TEST(levels_follow_the_page)
{
	json_object *data = json_tokener_parse("{\"current\":95}");
	json_object *opts = json_tokener_parse("{\"thresholds\":{\"warning\":80,\"danger\":90}}");
	struct md_widget w = {.type = "number", .data_obj = data, .options_obj = opts, .interval = 60, .age = 500};
	ck_assert_str_eq(widget_level(&w), "danger"); /* pushed data never goes stale... */
	w.source_obj = json_tokener_parse("{\"kind\":\"http\"}");
	ck_assert_str_eq(widget_level(&w), "stale"); /* ...pulled data does, and staleness hides the colour */
	w.last_error = "HTTP 500";
	ck_assert_str_eq(widget_level(&w), "error");
	w.last_error = NULL;
	w.age = 1;
	json_object_object_add(data, "current", json_object_new_int(85));
	ck_assert_str_eq(widget_level(&w), "warning");
	char *value = widget_value_text(&w);
	ck_assert_str_eq(value, "85");
	free(value);
	w.type = "no-such-type";
	ck_assert_str_eq(widget_level(&w), "error");
	json_object_put(w.source_obj);
	json_object_put(data);
	json_object_put(opts);
}
END_TEST

static json_object *payload(void)
{
	return json_tokener_parse("{\"widget\":\"cpu\",\"dashboard\":\"ops\",\"title\":\"CPU <load> & more\","
				  "\"state\":\"danger\",\"previous\":\"ok\",\"value\":95,"
				  "\"at\":\"2026-11-28T10:00:00.000Z\",\"url\":\"https://dash.example.org/d/ops\"}");
}

START_TEST(slack_text_is_escaped_and_complete)
{
	struct md_notifier n = {.name = "chat", .url = "https://x.example/hook", .format = "slack"};
	json_object *p = payload();
	struct buf body = {0};
	notify_body(&n, json_object_to_json_string(p), "k", &body);
	json_object *o = json_tokener_parse(buf_str(&body));
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(json_object_object_length(o), 1);
	json_object *text;
	ck_assert(json_object_object_get_ex(o, "text", &text));
	ck_assert_str_eq(json_object_get_string(text),
			 "[ops] CPU &lt;load&gt; &amp; more is danger (was ok): 95, since 2026-11-28T10:00:00.000Z\n"
			 "https://dash.example.org/d/ops");
	json_object_put(o);
	json_object_put(p);
	buf_free(&body);
}
END_TEST

START_TEST(mail_has_headers_that_cannot_be_injected)
{
	struct md_notifier n = {.name = "team", .mailto = "ops@example.org"};
	json_object *p = payload();
	json_object_object_add(p, "title", json_object_new_string("Température\r\nBcc: evil@example.org"));
	struct buf mail = {0};
	notify_body(&n, json_object_to_json_string(p), "0123abcd", &mail);
	const char *m = buf_str(&mail);
	ck_assert_msg(!strstr(m, "\nBcc:"), "%s", m);
	ck_assert_msg(strstr(m, "\nSubject: =?UTF-8?B?"), "%s", m); /* not ASCII: an encoded word */
	ck_assert_msg(strstr(m, "\nMessage-ID: <0123abcd.mdash@"), "%s", m);
	ck_assert_msg(!strncmp(m, "To: ops@example.org\n", 20), "%s", m);
	json_object_put(p);
	buf_free(&mail);
}
END_TEST

START_TEST(signature_is_hmac_sha256)
{
	/* RFC 4231's test case 2. */
	char sig[72];
	notify_signature("Jefe", "what do ya want for nothing?", 28, sig);
	ck_assert_str_eq(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

START_TEST(notifier_settings_are_checked)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
		{"Notify.x.URL = ftp://example.org/in\n", "t.hdf:1: Notify.x.URL: must be an http:// or https:// URL"},
		{"Notify.x.URL = https://ex ample.org/\n", "t.hdf:1: Notify.x.URL: must be an http://"},
		{"Notify.x.URL = https://a.example/\nNotify.x.Format = xml\n",
		 "t.hdf:2: Notify.x.Format: must be json or slack"},
		{"Notify.x.Fromat = json\n", "t.hdf:1: Notify.x.Fromat: unknown field \"Fromat\""},
		{"Notify.X Y.URL = https://a.example/\n", "t.hdf:1: Notify.X Y.URL: expected Notify.<name>.URL"},
		{"\nNotify.x.Format = slack\n", "t.hdf:2: Notify.x: needs URL (a webhook) or Mailto"},
		{"Notify.x.URL = https://a.example/\nNotify.x.Mailto = a@b.example\n",
		 "t.hdf:1: Notify.x: needs URL or "
		 "Mailto, not both"},
		{"Notify.x.Mailto = a@b.example\nNotify.x.Secret = s\n", "Notify.x.Secret: only for a webhook"},
		{"Notify.x.Mailto = a@b.example, -f@evil\n", "Notify.x.Mailto: \"-f@evil\" is not a mail address"},
		{"Notify.x.Mailto = Ops <ops@b.example>\n", "is not a mail address"},
		{"Notify.Sendmail = sendmail\n", "Notify.Sendmail must be the absolute path"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct md_config c;
		struct buf err = {0};
		ck_assert_int_eq(config_parse(bad[i].text, strlen(bad[i].text), "t.hdf", &c, &err), -1);
		ck_assert_msg(strstr(buf_str(&err), bad[i].error), "%s: got \"%s\"", bad[i].text, buf_str(&err));
		buf_free(&err);
	}
	struct md_config c;
	struct buf err = {0};
	const char *good =
		"Notify.a.URL = https://hooks.example.org/T/B?x=1\nNotify.a.Format = slack\n"
		"Notify.a.Secret = k\nNotify.m.Mailto = a@b.example,c+d@e.example\nNotify.Sendmail = /bin/true\n";
	ck_assert_int_eq(config_parse(good, strlen(good), "t.hdf", &c, &err), 0);
	ck_assert_int_eq(c.nnotifiers, 2);
	ck_assert_str_eq(config_notifier(&c, "a")->format, "slack");
	ck_assert_str_eq(config_notifier(&c, "m")->mailto, "a@b.example,c+d@e.example");
	ck_assert_ptr_null(config_notifier(&c, "b"));
	ck_assert_str_eq(c.sendmail, "/bin/true");
	config_free(&c);
}
END_TEST

TCase *tcase_alert(void)
{
	TCase *tc = tcase_create("alert");
	tcase_add_test(tc, rules_and_their_errors);
	tcase_add_test(tc, an_episode_is_notified_once_after_for_then_resolved);
	tcase_add_test(tc, flapping_shorter_than_for_sends_nothing);
	tcase_add_test(tc, a_stay_seen_late_is_still_notified_before_its_resolution);
	tcase_add_test(tc, repeats_while_the_level_holds_and_a_new_listed_level_is_its_own);
	tcase_add_test(tc, levels_follow_the_page);
	tcase_add_test(tc, slack_text_is_escaped_and_complete);
	tcase_add_test(tc, mail_has_headers_that_cannot_be_injected);
	tcase_add_test(tc, signature_is_hmac_sha256);
	tcase_add_test(tc, notifier_settings_are_checked);
	return tc;
}
