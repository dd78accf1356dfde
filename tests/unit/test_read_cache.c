/* SPDX-License-Identifier: MIT */
/* test_read_cache.c: what the read cache keeps, and when it must not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "feed.h"
#include "read_cache.h"
#include "tests.h"

static struct md_widget widget(const char *name, long long version)
{
	struct md_widget w = {0};
	w.name = xstrdup(name);
	w.type = xstrdup("number");
	w.data = xstrdup("{\"current\":7}");
	w.version = version;
	return w;
}

/* Fills name at version with a ticket taken now. */
static void fill(const char *name, long long version)
{
	struct read_ticket t;
	ck_assert(read_cache_ticket(&t));
	struct md_widget w = widget(name, version);
	read_cache_put_widget(&w, &t);
	widget_free(&w);
}

/* The version kept for name, or 0. */
static long long kept(const char *name)
{
	struct md_widget w;
	long long at;
	if (!read_cache_widget(name, &w, &at))
		return 0;
	long long v = w.version;
	widget_free(&w);
	return v;
}

static void setup(void)
{
	read_cache_setup(5);
	read_cache_feed_up();
}

static void teardown(void)
{
	read_cache_feed_down();
	read_cache_cleanup();
}

START_TEST(keeps_while_followed)
{
	fill("cpu", 3);
	ck_assert_int_eq(kept("cpu"), 3);
	ck_assert_int_eq(kept("cpu"), 3); /* a copy each time: the entry stays */
	ck_assert_int_eq(kept("mem"), 0);
}
END_TEST

START_TEST(nothing_without_the_feed)
{
	fill("cpu", 3);
	read_cache_feed_down();
	ck_assert_int_eq(kept("cpu"), 0);
	struct read_ticket t;
	ck_assert(!read_cache_ticket(&t));
	struct md_widget w = widget("cpu", 4);
	read_cache_put_widget(&w, &t);
	widget_free(&w);
	read_cache_feed_up();
	ck_assert_int_eq(kept("cpu"), 0); /* nothing from before it came back */
}
END_TEST

START_TEST(a_change_drops_the_widget_alone)
{
	fill("cpu", 3);
	fill("mem", 5);
	read_cache_widget_changed("cpu", 3);
	ck_assert_int_eq(kept("cpu"), 0);
	ck_assert_int_eq(kept("mem"), 5);
	read_cache_clear();
	ck_assert_int_eq(kept("mem"), 0);
}
END_TEST

/* A read that began before a change and ends after its message must not
 * leave what it read: that may be the old value. */
START_TEST(a_fill_that_raced_a_change_is_not_kept)
{
	struct read_ticket t;
	ck_assert(read_cache_ticket(&t));
	read_cache_widget_changed("cpu", 3); /* meanwhile */
	struct md_widget w = widget("cpu", 3);
	read_cache_put_widget(&w, &t);
	ck_assert_int_eq(kept("cpu"), 0);
	/* Another widget's read of the same moment is still good. */
	struct md_widget m = widget("mem", 5);
	read_cache_put_widget(&m, &t);
	ck_assert_int_eq(kept("mem"), 5);
	/* And after a "clear all", nothing from before it. */
	ck_assert(read_cache_ticket(&t));
	read_cache_clear();
	read_cache_put_widget(&w, &t);
	ck_assert_int_eq(kept("cpu"), 0);
	widget_free(&w);
	widget_free(&m);
}
END_TEST

START_TEST(entries_age_out)
{
	read_cache_setup(1);
	read_cache_feed_up();
	fill("cpu", 3);
	ck_assert_int_eq(kept("cpu"), 3);
	usleep(1100 * 1000);
	ck_assert_int_eq(kept("cpu"), 0);
	read_cache_setup(0); /* off */
	struct read_ticket t;
	ck_assert(!read_cache_ticket(&t));
}
END_TEST

START_TEST(sessions_are_copies)
{
	struct read_ticket t;
	ck_assert(read_cache_ticket(&t));
	long long grants[] = {4, 9};
	struct cached_session s = {.user = {.id = 1, .name = xstrdup("ann"), .csrf = xstrdup("tok")},
				   .seen_ms = 1,
				   .created_ms = 2,
				   .grants = grants,
				   .ngrants = 2};
	read_cache_put_session("ab12", &s, &t);
	free(s.user.name);
	free(s.user.csrf);
	struct cached_session c;
	ck_assert(read_cache_session("ab12", &c));
	ck_assert_str_eq(c.user.name, "ann");
	ck_assert_str_eq(c.user.csrf, "tok");
	ck_assert_int_eq(c.ngrants, 2);
	ck_assert_int_eq(c.grants[1], 9);
	cached_session_free(&c);
	ck_assert(!read_cache_session("ab13", &c));
	read_cache_clear(); /* a logout anywhere */
	ck_assert(!read_cache_session("ab12", &c));
}
END_TEST

/* The app's workers share their record of changes: a push stored by one
 * is not answered from another's copy, with no feed in between. */
START_TEST(another_process_s_change_is_seen_at_once)
{
	ck_assert_int_eq(read_cache_share(), 0);
	fill("cpu", 3);
	fill("mem", 5);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		read_cache_widget_changed("cpu", 3);
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(kept("cpu"), 0);
	ck_assert_int_eq(kept("mem"), 5);
	if (fork() == 0) {
		read_cache_clear();
		_exit(0);
	}
	wait(&status);
	ck_assert_int_eq(kept("mem"), 0);
}
END_TEST

/* The feed's lines: the widgets named, or anything else means everything. */
START_TEST(what_the_feed_says)
{
	static const char *const everything[] = {"{\"changed\":\"*\"}",         "{\"changed\":[]}",
						 "{\"changed\":[\"\"]}",        "{\"changed\":[\"cpu\",\"Bad\"]}",
						 "{\"changed\":[\"cpu\"",       "garbage",
						 "{\"changed\":[\"cpu\",\"\"]}"};
	fill("cpu", 3);
	fill("mem", 5);
	fill("disk", 7);
	const char *two = "{\"changed\":[\"cpu\",\"disk\"]}";
	feed_heard(two, strlen(two));
	ck_assert_int_eq(kept("cpu"), 0);
	ck_assert_int_eq(kept("disk"), 0);
	ck_assert_int_eq(kept("mem"), 5);
	for (size_t i = 0; i < sizeof everything / sizeof everything[0]; i++) {
		fill("mem", 5);
		feed_heard(everything[i], strlen(everything[i]));
		ck_assert_msg(kept("mem") == 0, "%s kept what it did not name", everything[i]);
	}
}
END_TEST

/* Many widgets: memory stays bounded, and what is kept is right. */
START_TEST(bounded)
{
	char name[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof name, "w%d", i);
		fill(name, i + 1);
	}
	int found = 0;
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof name, "w%d", i);
		long long v = kept(name);
		ck_assert(v == 0 || v == i + 1);
		found += v != 0;
	}
	ck_assert_int_gt(found, 0);
	ck_assert_int_le(found, 4096);
}
END_TEST

TCase *tcase_read_cache(void)
{
	TCase *tc = tcase_create("read_cache");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, keeps_while_followed);
	tcase_add_test(tc, nothing_without_the_feed);
	tcase_add_test(tc, a_change_drops_the_widget_alone);
	tcase_add_test(tc, a_fill_that_raced_a_change_is_not_kept);
	tcase_add_test(tc, entries_age_out);
	tcase_add_test(tc, sessions_are_copies);
	tcase_add_test(tc, another_process_s_change_is_seen_at_once);
	tcase_add_test(tc, what_the_feed_says);
	tcase_add_test(tc, bounded);
	return tc;
}
