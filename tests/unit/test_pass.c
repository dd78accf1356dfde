/* SPDX-License-Identifier: MIT */
/* test_pass.c: fragment and page passes, signed as nginx's secure_link checks them
 * (the expected values come from `openssl md5 -binary | base64`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pass.h"
#include "tests.h"

#define KEY "00112233445566778899aabbccddeeff"

/* A settings struct whose FragmentKeyFile holds text (NULL: no file). */
static void with_key_file(struct md_config *c, char *path, const char *text, const char *base)
{
	memset(c, 0, sizeof *c);
	strcpy(path, "/tmp/mdash-pass-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	if (text)
		ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	if (!text)
		unlink(path);
	c->fragment_key_file = path;
	c->base_path = (char *)base;
	pass_reset();
}

START_TEST(signs_as_nginx_checks)
{
	struct md_config c;
	struct buf q = {0}, err = {0};
	char path[64];
	with_key_file(&c, path, "# made by the postinst\nset $mdash_fragment_key \"" KEY "\";\n", "/");
	ck_assert_int_eq(pass_enabled(&c, &err), 1);
	pass_query(&c, "cpu", "ops", 2000000000, &q);
	ck_assert_str_eq(buf_str(&q), "d=ops&e=2000000000&p=4mDW_u4HZSGesuWFZppzKg");
	/* Mounted below "/": nginx's $uri carries the prefix, and so does the signature. */
	c.base_path = "/mdash/";
	buf_reset(&q);
	pass_query(&c, "cpu", "ops", 2000000000, &q);
	ck_assert_str_eq(buf_str(&q), "d=ops&e=2000000000&p=1LvXrjvPHPVbi1zS9jMr5Q");
	/* A stream pass signs its path and its channels. */
	c.base_path = "/";
	buf_reset(&q);
	pass_stream(&c, "ops", "_d_ops,_x_ab12,cpu", 2000000000, &q);
	ck_assert_str_eq(buf_str(&q), "c=_d_ops,_x_ab12,cpu&e=2000000000&p=Qz5HfYYYb88-eaVNRghfGA");
	unlink(path);
	pass_reset();
	buf_free(&q);
	buf_free(&err);
}
END_TEST

START_TEST(no_file_means_no_passes)
{
	struct md_config c;
	struct buf q = {0}, err = {0};
	char path[64];
	with_key_file(&c, path, NULL, "/");
	ck_assert_int_eq(pass_enabled(&c, &err), 0);
	pass_query(&c, "cpu", "ops", 2000000000, &q);
	ck_assert_str_eq(buf_str(&q), "");
	pass_reset();
	buf_free(&q);
	buf_free(&err);
}
END_TEST

START_TEST(unusable_keys_are_named)
{
	static const char *const bad[] = {
		"",                                         /* empty */
		"set $mdash_fragment_key \"0123\";\n",      /* too short */
		"set $mdash_fragment_key \"" KEY "ZZ\";\n", /* not hex */
		"set $mdash_fragment_key " KEY ";\n",       /* not quoted */
		"set $other_key \"" KEY "\";\n",            /* another variable */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct md_config c;
		struct buf q = {0}, err = {0};
		char path[64];
		with_key_file(&c, path, bad[i], "/");
		ck_assert_int_eq(pass_enabled(&c, &err), -1);
		ck_assert_ptr_nonnull(strstr(buf_str(&err), path));
		pass_query(&c, "cpu", "ops", 2000000000, &q);
		ck_assert_str_eq(buf_str(&q), "");
		unlink(path);
		pass_reset();
		buf_free(&q);
		buf_free(&err);
	}
}
END_TEST

#define CSRF "0123456789abcdef0123456789abcdef"

/* A key file renamed over the old one, or made, or removed: within a
 * second the passes follow it. */
START_TEST(a_changed_key_file_is_read_again)
{
	struct md_config c;
	struct buf q = {0}, err = {0};
	char path[64], next[80];
	with_key_file(&c, path, "set $mdash_fragment_key \"" KEY "\";\n", "/");
	pass_query(&c, "cpu", "ops", 2000000000, &q);
	ck_assert_str_eq(buf_str(&q), "d=ops&e=2000000000&p=4mDW_u4HZSGesuWFZppzKg");
	snprintf(next, sizeof next, "%s.new", path);
	FILE *f = fopen(next, "w");
	ck_assert_ptr_nonnull(f);
	fputs("set $mdash_fragment_key \"ffeeddccbbaa99887766554433221100\";\n", f);
	fclose(f);
	ck_assert_int_eq(rename(next, path), 0);
	usleep(1100 * 1000);
	buf_reset(&q);
	pass_query(&c, "cpu", "ops", 2000000000, &q);
	ck_assert_str_ne(buf_str(&q), "d=ops&e=2000000000&p=4mDW_u4HZSGesuWFZppzKg");
	ck_assert_int_eq(strncmp(buf_str(&q), "d=ops&e=2000000000&p=", 21), 0);
	unlink(path);
	usleep(1100 * 1000);
	ck_assert_int_eq(pass_enabled(&c, &err), 0);
	pass_reset();
	buf_free(&q);
	buf_free(&err);
}
END_TEST

START_TEST(page_passes_sign_user_and_token)
{
	struct md_config c;
	struct buf p = {0};
	char path[64];
	with_key_file(&c, path, "set $mdash_fragment_key \"" KEY "\";\n", "/");
	ck_assert_int_eq(pass_page(&c, 7, CSRF, 2000000000, &p), 0);
	ck_assert_str_eq(buf_str(&p), "7." CSRF ".2000000000.y--DDPwBUy_HHMkmdAhNvw");
	ck_assert_int_eq(pass_page_good(&c, buf_str(&p), 7, CSRF, 1999999999), 1);
	ck_assert_int_eq(pass_page_good(&c, buf_str(&p), 7, CSRF, 2000000000), 1);
	/* Expired; another user; another session's token; altered; cut short. */
	ck_assert_int_eq(pass_page_good(&c, buf_str(&p), 7, CSRF, 2000000001), 0);
	ck_assert_int_eq(pass_page_good(&c, buf_str(&p), 8, CSRF, 1999999999), 0);
	ck_assert_int_eq(pass_page_good(&c, buf_str(&p), 7, "f123456789abcdef0123456789abcdef", 1999999999), 0);
	ck_assert_int_eq(pass_page_good(&c, "7." CSRF ".2000000000.y--DDPwBUy_HHMkmdAhNvv", 7, CSRF, 1), 0);
	ck_assert_int_eq(pass_page_good(&c, "7." CSRF ".2000000000", 7, CSRF, 1), 0);
	ck_assert_int_eq(pass_page_good(&c, "7." CSRF ".-5.y--DDPwBUy_HHMkmdAhNvw", 7, CSRF, 1), 0);
	ck_assert_int_eq(pass_page_good(&c, "", 7, CSRF, 1), 0);
	ck_assert_int_eq(pass_page_good(&c, NULL, 7, CSRF, 1), 0);
	/* A token nginx's maps would not take gets no pass. */
	buf_reset(&p);
	ck_assert_int_eq(pass_page(&c, 7, "not-hex\"><script>", 2000000000, &p), -1);
	ck_assert_int_eq(pass_page(&c, 7, NULL, 2000000000, &p), -1);
	unlink(path);
	/* No key: no page passes either. */
	with_key_file(&c, path, NULL, "/");
	ck_assert_int_eq(pass_page(&c, 7, CSRF, 2000000000, &p), -1);
	ck_assert_int_eq(pass_page_good(&c, "7." CSRF ".2000000000.y--DDPwBUy_HHMkmdAhNvw", 7, CSRF, 1), 0);
	pass_reset();
	buf_free(&p);
}
END_TEST

/* The app takes a fragment pass as nginx does: its own signature, for that
 * widget and dashboard, until it expires; nothing when passes are off. */
START_TEST(fragment_passes_are_checked_as_nginx_checks_them)
{
	struct md_config c;
	char path[64];
	const char *sig = "4mDW_u4HZSGesuWFZppzKg"; /* cpu on ops until 2000000000 (above) */
	with_key_file(&c, path, "set $mdash_fragment_key \"" KEY "\";\n", "/");
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, sig, 1999999999), 1);
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, sig, 2000000000), 1);
	/* Expired; another widget; another dashboard; another expiry; altered; cut short; none. */
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, sig, 2000000001), 0);
	ck_assert_int_eq(pass_query_good(&c, "mem", "ops", 2000000000, sig, 1), 0);
	ck_assert_int_eq(pass_query_good(&c, "cpu", "sales", 2000000000, sig, 1), 0);
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000001, sig, 1), 0);
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, "4mDW_u4HZSGesuWFZppzKh", 1), 0);
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, "4mDW_u4HZSGesuWFZppzK", 1), 0);
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, "", 1), 0);
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, NULL, 1), 0);
	/* Mounted below "/": signed with the prefix, as nginx's $uri has it. */
	c.base_path = "/mdash/";
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, sig, 1), 0);
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, "1LvXrjvPHPVbi1zS9jMr5Q", 1), 1);
	unlink(path);
	/* No key: no pass is good. */
	with_key_file(&c, path, NULL, "/");
	ck_assert_int_eq(pass_query_good(&c, "cpu", "ops", 2000000000, sig, 1), 0);
	pass_reset();
}
END_TEST

TCase *tcase_pass(void)
{
	TCase *tc = tcase_create("pass");
	tcase_add_test(tc, signs_as_nginx_checks);
	tcase_add_test(tc, no_file_means_no_passes);
	tcase_add_test(tc, unusable_keys_are_named);
	tcase_add_test(tc, page_passes_sign_user_and_token);
	tcase_add_test(tc, fragment_passes_are_checked_as_nginx_checks_them);
	tcase_add_test(tc, a_changed_key_file_is_read_again);
	return tc;
}
