/* SPDX-License-Identifier: MIT */
/* test_config.c: the settings file parser. */
#include <string.h>

#include "config.h"
#include "tests.h"

static int parse(const char *text, struct md_config *c, struct buf *err)
{
	return config_parse(text, strlen(text), "t.hdf", c, err);
}

START_TEST(defaults_are_secure)
{
	struct md_config c;
	struct buf err = {0};
	ck_assert_int_eq(parse("", &c, &err), 0);
	ck_assert_int_eq(c.require_login, 1);
	ck_assert_str_eq(c.base_path, "/");
	ck_assert_int_eq(c.workers, 2);
	ck_assert_int_eq(c.threads, 32);
	ck_assert_int_eq(c.db_timeout, 5);
	config_free(&c);
}
END_TEST

START_TEST(values_comments_and_spaces)
{
	struct md_config c;
	struct buf err = {0};
	const char *text = "# comment\n\n  RequireLogin = off\nPublishURL=http://127.0.0.1:9/pub\r\n"
			   "Database.Socket = /tmp/my sock \nDatabase.Port = 3307\n";
	ck_assert_int_eq(parse(text, &c, &err), 0);
	ck_assert_int_eq(c.require_login, 0);
	ck_assert_str_eq(c.publish_url, "http://127.0.0.1:9/pub/"); /* trailing slash added */
	ck_assert_str_eq(c.db.socket, "/tmp/my sock");
	ck_assert_int_eq(c.db.port, 3307);
	config_free(&c);
}
END_TEST

START_TEST(unknown_setting_names_file_and_line)
{
	struct md_config c;
	struct buf err = {0};
	ck_assert_int_eq(parse("RequireLogin = 1\nRequireLogn = 0\n", &c, &err), -1);
	ck_assert_str_eq(err.data, "t.hdf:2: unknown setting \"RequireLogn\"");
	buf_free(&err);
}
END_TEST

START_TEST(bad_values_are_errors)
{
	struct md_config c;
	struct buf err = {0};
	ck_assert_int_eq(parse("App.Workers = 0\n", &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "t.hdf:1: App.Workers must be a whole number from 1 to 256"));
	buf_reset(&err);
	ck_assert_int_eq(parse("RequireLogin = maybe\n", &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "t.hdf:1:"));
	buf_reset(&err);
	ck_assert_int_eq(parse("\n\njust words\n", &c, &err), -1);
	ck_assert_str_eq(err.data, "t.hdf:3: expected \"Name = value\"");
	buf_free(&err);
}
END_TEST

START_TEST(secrets_are_kept_by_name)
{
	struct md_config c;
	struct buf err = {0};
	ck_assert_int_eq(parse("Secret.stats-api = s3cr3t = yes\nSecret.basic = user:pw\n", &c, &err), 0);
	ck_assert_str_eq(config_secret(&c, "stats-api"), "s3cr3t = yes");
	ck_assert_str_eq(config_secret(&c, "basic"), "user:pw");
	ck_assert_ptr_null(config_secret(&c, "other"));
	config_free(&c);
	ck_assert_int_eq(parse("Secret.Bad.Name = x\n", &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "t.hdf:1: Secret.Bad.Name: the name must match"));
	buf_free(&err);
}
END_TEST

START_TEST(missing_file_is_named)
{
	struct md_config c;
	struct buf err = {0};
	ck_assert_int_eq(config_load("/nonexistent/mdash.hdf", &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "/nonexistent/mdash.hdf: cannot read settings file"));
	buf_free(&err);
}
END_TEST

TCase *tcase_config(void)
{
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, defaults_are_secure);
	tcase_add_test(tc, values_comments_and_spaces);
	tcase_add_test(tc, unknown_setting_names_file_and_line);
	tcase_add_test(tc, bad_values_are_errors);
	tcase_add_test(tc, missing_file_is_named);
	tcase_add_test(tc, secrets_are_kept_by_name);
	return tc;
}
