/* SPDX-License-Identifier: MIT */
/* test_origin.c: origins of URLs, as the same-origin checks compare them. */
#include "origin.h"
#include "tests.h"

/* url_origin(url) as a string, or "-" when it is refused. */
static const char *origin(const char *url, struct buf *out)
{
	return url_origin(url, out) ? "-" : out->data;
}

START_TEST(scheme_host_and_port)
{
	struct buf b = {0};
	ck_assert_str_eq(origin("http://dash.lan:8080", &b), "http://dash.lan:8080");
	ck_assert_str_eq(origin("http://dash.lan:8080/d/ops?x=1#top", &b), "http://dash.lan:8080");
	ck_assert_str_eq(origin("HTTPS://Dash.LAN/", &b), "https://dash.lan");
	ck_assert_str_eq(origin("http://[::1]:8090/login", &b), "http://[::1]:8090");
	ck_assert_str_eq(origin("http://127.0.0.1:80", &b), "http://127.0.0.1");
	ck_assert_str_eq(origin("https://dash.lan:443/", &b), "https://dash.lan");
	ck_assert_str_eq(origin("https://dash.lan:80", &b), "https://dash.lan:80");
	ck_assert_str_eq(origin("http://dash.lan.:08080", &b), "http://dash.lan:8080");
	buf_free(&b);
}
END_TEST

START_TEST(what_is_no_origin)
{
	struct buf b = {0};
	const char *bad[] = {"null", "", "ftp://dash.lan", "http://", "http:///x", "http://:80", "http://dash.lan:",
			     "http://dash.lan:0", "http://dash.lan:65536", "http://dash.lan:80x", "http://evil@dash.lan",
			     "http://dash lan", "http://[::1", "http://[]", "//dash.lan", "http://./",
			     "http://dash.lan:123456789012"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(url_origin(bad[i], &b) == -1, "\"%s\" gave %s", bad[i], buf_str(&b));
	buf_free(&b);
}
END_TEST

TCase *tcase_origin(void)
{
	TCase *tc = tcase_create("origin");
	tcase_add_test(tc, scheme_host_and_port);
	tcase_add_test(tc, what_is_no_origin);
	return tc;
}
