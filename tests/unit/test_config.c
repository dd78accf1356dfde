/* SPDX-License-Identifier: MIT */
/* test_config.c: the settings file parser. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "proxy.h"
#include "publish.h"
#include "log.h"
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

START_TEST(publisher_on_a_unix_socket)
{
	struct md_config c;
	struct buf err = {0}, path = {0};
	ck_assert_int_eq(parse("", &c, &err), 0);
	ck_assert_str_eq(c.publish_url, "unix:" MDASH_PUBLISH_SOCKET ":/pub/"); /* never the public server */
	config_free(&c);
	ck_assert_int_eq(parse("PublishURL = unix:/run/x/nchan.sock:/pub\n", &c, &err), 0);
	ck_assert_str_eq(c.publish_url, "unix:/run/x/nchan.sock:/pub/");
	ck_assert_int_eq(publish_socket(c.publish_url, &path), 1);
	ck_assert_str_eq(path.data, "/run/x/nchan.sock");
	config_free(&c);
	ck_assert_int_eq(publish_socket("http://127.0.0.1:9/pub/", &path), 0);
	buf_free(&path);
	buf_free(&err);
}
END_TEST

START_TEST(trusted_proxies)
{
	struct md_config c;
	struct buf err = {0}, out = {0};
	ck_assert_int_eq(parse("", &c, &err), 0);
	proxy_nginx_conf(&c, &out);
	ck_assert_ptr_null(strstr(out.data, "set_real_ip_from")); /* nobody is trusted by default */
	ck_assert_ptr_null(strstr(out.data, "real_ip_header"));
	config_free(&c);
	buf_reset(&out);
	ck_assert_int_eq(parse("Proxy.Trusted = 127.0.0.1, 10.0.0.0/8  fd00::/8\n", &c, &err), 0);
	proxy_nginx_conf(&c, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "\nset_real_ip_from 127.0.0.1;\nset_real_ip_from 10.0.0.0/8;\n"
					       "set_real_ip_from fd00::/8;\nreal_ip_header X-Forwarded-For;\n"
					       "real_ip_recursive on;\n"));
	config_free(&c);
	const char *bad[] = {"Proxy.Trusted = proxy.lan", "Proxy.Trusted = 0.0.0.0/0", "Proxy.Trusted = 10.0.0.0/33",
			     "Proxy.Trusted = 10.0.0.1;", "Proxy.Header = X-Client-IP"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		buf_reset(&err);
		ck_assert_int_eq(parse(bad[i], &c, &err), -1);
		ck_assert_msg(!strncmp(err.data, "t.hdf:1: Proxy.", 15), "%s: %s", bad[i], err.data);
	}
	buf_free(&out);
	buf_free(&err);
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
	buf_reset(&err);
	ck_assert_int_eq(parse("PublicURL = dash.example.org\n", &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.data, "t.hdf:1: PublicURL must be the site's address"));
	buf_reset(&err);
	ck_assert_int_eq(parse("PublicURL = https://dash.example.org:8443/mdash/\n", &c, &err), 0);
	config_free(&c);
	const char *bad_publish[] = {"127.0.0.1/pub/", "unix:run/nchan.sock:/pub/", "unix:/run/nchan.sock",
				     "unix:/run/nchan.sock:pub/", "unix::/pub/"};
	for (size_t i = 0; i < sizeof bad_publish / sizeof *bad_publish; i++) {
		struct buf text = {0};
		buf_printf(&text, "PublishURL = %s\n", bad_publish[i]);
		buf_reset(&err);
		ck_assert_int_eq(parse(text.data, &c, &err), -1);
		ck_assert_msg(strstr(err.data, "t.hdf:1: PublishURL must be nchan's publisher location") != NULL, "%s",
			      err.data);
		buf_free(&text);
	}
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

/* What log_msg writes while fn runs: stderr goes to a pipe meanwhile. */
static void log_lines(void (*fn)(void), char *out, size_t cap)
{
	int p[2], saved = dup(2);
	ck_assert_int_eq(pipe(p), 0);
	dup2(p[1], 2);
	fn();
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	ssize_t n = read(p[0], out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
}

static void log_one_of_each(void)
{
	log_debug("d");
	log_info("i");
	log_warn("w");
	log_error("e");
}

START_TEST(log_level_filters_and_each_line_carries_its_syslog_priority)
{
	struct md_config c;
	struct buf err = {0};
	char out[512], want[512];
	ck_assert_int_eq(parse("Log.Level = warning\n", &c, &err), 0);
	ck_assert_int_eq(c.log_level, LOG_WARN);
	log_set_level(c.log_level);
	log_lines(log_one_of_each, out, sizeof out);
	snprintf(want, sizeof want, "<4>mdash[%d]: warning: w\n<3>mdash[%d]: error: e\n", (int)getpid(), (int)getpid());
	ck_assert_str_eq(out, want);
	config_free(&c);
	ck_assert_int_eq(parse("", &c, &err), 0);
	ck_assert_int_eq(c.log_level, LOG_INFO);
	log_set_level(LOG_DEBUG);
	log_lines(log_one_of_each, out, sizeof out);
	ck_assert_ptr_nonnull(strstr(out, "<7>mdash["));
	ck_assert_ptr_nonnull(strstr(out, "<6>mdash["));
	log_set_level(c.log_level);
	config_free(&c);
	ck_assert_int_eq(parse("Log.Level = loud\n", &c, &err), -1);
	ck_assert_str_eq(err.data, "t.hdf:1: Log.Level must be debug, info, warning or error, not \"loud\"");
	buf_free(&err);
}
END_TEST

/* config_set_text: what mdash setup writes into a settings file. */
static void set_text(const char *text, const char *name, const char *value, const char *want)
{
	struct buf out = {0};
	config_set_text(text, strlen(text), name, value, &out);
	ck_assert_str_eq(buf_str(&out), want);
	buf_free(&out);
}

START_TEST(setting_a_value_keeps_the_rest_of_the_file)
{
	/* The line that counts (the last) gets the value; comments stay. */
	set_text("# top\nDatabase.Password =\nRequireLogin = 1\n", "Database.Password", "s3",
		 "# top\nDatabase.Password = s3\nRequireLogin = 1\n");
	set_text("Database.Password = a\n  Database.Password=b # x\n", "Database.Password", "c",
		 "Database.Password = a\nDatabase.Password = c\n");
	/* After a commented-out sample, else at the end (newline added). */
	set_text("#Database.Name = mdash\n#Database.Password =\n\n# more\n", "Database.Password", "p",
		 "#Database.Name = mdash\n#Database.Password =\nDatabase.Password = p\n\n# more\n");
	set_text("RequireLogin = 0", "Database.Password", "p", "RequireLogin = 0\nDatabase.Password = p\n");
	set_text("", "Database.Password", "p", "Database.Password = p\n");
	/* A longer name that starts the same is another setting. */
	set_text("Database.PasswordX = 1\n", "Database.Password", "p",
		 "Database.PasswordX = 1\nDatabase.Password = p\n");
	/* The result parses, with the value set. */
	struct md_config c;
	struct buf out = {0}, err = {0};
	config_set_text("Database.Password = old\n", 23, "Database.Password", "new", &out);
	ck_assert_int_eq(parse(buf_str(&out), &c, &err), 0);
	ck_assert_str_eq(c.db.password, "new");
	config_free(&c);
	buf_free(&out);
	buf_free(&err);
}
END_TEST

TCase *tcase_config(void)
{
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, defaults_are_secure);
	tcase_add_test(tc, values_comments_and_spaces);
	tcase_add_test(tc, publisher_on_a_unix_socket);
	tcase_add_test(tc, trusted_proxies);
	tcase_add_test(tc, unknown_setting_names_file_and_line);
	tcase_add_test(tc, bad_values_are_errors);
	tcase_add_test(tc, missing_file_is_named);
	tcase_add_test(tc, secrets_are_kept_by_name);
	tcase_add_test(tc, log_level_filters_and_each_line_carries_its_syslog_priority);
	tcase_add_test(tc, setting_a_value_keeps_the_rest_of_the_file);
	return tc;
}
