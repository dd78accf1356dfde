/* SPDX-License-Identifier: MIT */
/* dbadmin.c: the database and its account, as MariaDB's administrator
 * (see dbadmin.h). */
#include "dbadmin.h"

#include <mysql.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct dbadmin {
	MYSQL *m;
	char who[200];
};

int dbadmin_name_ok(const char *name)
{
	size_t n = strlen(name);
	return n >= 1 && n <= 64 && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

const char *dbadmin_account_host(const struct md_config *cfg)
{
	const char *h = cfg->db.host;
	if (*cfg->db.socket || !strcmp(h, "localhost"))
		return "localhost";
	if (!strcmp(h, "127.0.0.1") || !strcmp(h, "::1"))
		return h;
	return "%";
}

/* Where the settings say the server is: socket, or host and port. */
static MYSQL *open_conn(const struct md_config *cfg, const char *defaults_file, const char *user,
			const char *password, struct buf *err)
{
	MYSQL *m = mysql_init(NULL);
	if (!m) {
		buf_puts(err, "out of memory");
		return NULL;
	}
	unsigned timeout = 5;
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (defaults_file) {
		mysql_optionsv(m, MYSQL_READ_DEFAULT_FILE, defaults_file);
		mysql_optionsv(m, MYSQL_READ_DEFAULT_GROUP, "client");
	}
	const char *sock = *cfg->db.socket ? cfg->db.socket : NULL;
	const char *host = sock ? "localhost" : cfg->db.host;
	if (!mysql_real_connect(m, host, user, password, NULL, (unsigned)cfg->db.port, sock, 0)) {
		buf_printf(err, "%s", mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

int dbadmin_connect(const struct md_config *cfg, const char *defaults_file, struct dbadmin **out, struct buf *err)
{
	*out = NULL;
	/* With an option file, it names the account; else root, who needs no
	 * password over the socket when this process is root. */
	MYSQL *m = open_conn(cfg, defaults_file, defaults_file ? NULL : "root", NULL, err);
	if (!m)
		return -1;
	struct dbadmin *a = xcalloc(1, sizeof *a);
	a->m = m;
	snprintf(a->who, sizeof a->who, "%s", "the administrator");
	if (!mysql_query(m, "SELECT CURRENT_USER()")) {
		MYSQL_RES *r = mysql_store_result(m);
		MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
		if (row && row[0])
			snprintf(a->who, sizeof a->who, "%s", row[0]);
		mysql_free_result(r);
	}
	*out = a;
	return 0;
}

void dbadmin_close(struct dbadmin *a)
{
	if (!a)
		return;
	mysql_close(a->m);
	free(a);
}

const char *dbadmin_who(struct dbadmin *a)
{
	return a->who;
}

static int run(struct dbadmin *a, const struct buf *sql, struct buf *err)
{
	if (mysql_real_query(a->m, sql->data, sql->len)) {
		buf_printf(err, "%s", mysql_error(a->m));
		return -1;
	}
	MYSQL_RES *r = mysql_store_result(a->m);
	mysql_free_result(r);
	return 0;
}

/* Runs sql; *rows gets how many rows it gave, *text (when not NULL) the
 * first column of them all, one per line. */
static int rows_of(struct dbadmin *a, const struct buf *sql, int *rows, struct buf *text, struct buf *err)
{
	if (mysql_real_query(a->m, sql->data, sql->len)) {
		buf_printf(err, "%s", mysql_error(a->m));
		return -1;
	}
	MYSQL_RES *r = mysql_store_result(a->m);
	MYSQL_ROW row;
	*rows = 0;
	while (r && (row = mysql_fetch_row(r))) {
		(*rows)++;
		if (text && row[0])
			buf_printf(text, "%s\n", row[0]);
	}
	mysql_free_result(r);
	return 0;
}

/* 'user'@'host', for names already checked with dbadmin_name_ok (hosts
 * come from dbadmin_account_host). */
static void account(struct buf *b, const char *user, const char *host)
{
	buf_printf(b, "'%s'@'%s'", user, host);
}

int dbadmin_database_exists(struct dbadmin *a, const char *name, int *yes, struct buf *err)
{
	struct buf sql = {0};
	buf_printf(&sql, "SELECT 1 FROM information_schema.schemata WHERE schema_name = '%s'", name);
	int rc = rows_of(a, &sql, yes, NULL, err);
	buf_free(&sql);
	return rc;
}

int dbadmin_user_exists(struct dbadmin *a, const char *user, const char *host, int *yes, struct buf *err)
{
	struct buf sql = {0};
	buf_printf(&sql, "SELECT 1 FROM mysql.user WHERE User = '%s' AND Host = '%s'", user, host);
	int rc = rows_of(a, &sql, yes, NULL, err);
	buf_free(&sql);
	return rc;
}

int dbadmin_has_grant(struct dbadmin *a, const char *user, const char *host, const char *db, int *yes,
		      struct buf *err)
{
	struct buf sql = {0}, grants = {0}, want = {0};
	int n;
	buf_puts(&sql, "SHOW GRANTS FOR ");
	account(&sql, user, host);
	int rc = rows_of(a, &sql, &n, &grants, err);
	buf_printf(&want, "GRANT ALL PRIVILEGES ON `%s`.* TO ", db);
	*yes = rc == 0 && strstr(buf_str(&grants), want.data) != NULL;
	buf_free(&sql);
	buf_free(&grants);
	buf_free(&want);
	return rc;
}

int dbadmin_first_admin(struct dbadmin *a, const char *db, char **name, struct buf *err)
{
	struct buf sql = {0};
	*name = NULL;
	buf_printf(&sql, "SELECT name FROM `%s`.users WHERE role = 'admin' ORDER BY name LIMIT 1", db);
	int rc = 0;
	if (mysql_real_query(a->m, sql.data, sql.len)) {
		unsigned e = mysql_errno(a->m);
		/* No database or no users table yet: no administrator either. */
		if (e != 1049 && e != 1146) {
			buf_printf(err, "%s", mysql_error(a->m));
			rc = -1;
		}
	} else {
		MYSQL_RES *r = mysql_store_result(a->m);
		MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
		if (row && row[0])
			*name = xstrdup(row[0]);
		mysql_free_result(r);
	}
	buf_free(&sql);
	return rc;
}

int dbadmin_create_database(struct dbadmin *a, const char *name, struct buf *err)
{
	struct buf sql = {0};
	buf_printf(&sql, "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", name);
	int rc = run(a, &sql, err);
	buf_free(&sql);
	return rc;
}

/* mysql_native_password's form: '*' and the upper-case hex of
 * SHA1(SHA1(password)). */
static void native_hash(const char *password, char out[42])
{
	unsigned char one[EVP_MAX_MD_SIZE], two[EVP_MAX_MD_SIZE];
	unsigned n1 = 0, n2 = 0;
	EVP_Digest(password, strlen(password), one, &n1, EVP_sha1(), NULL);
	EVP_Digest(one, n1, two, &n2, EVP_sha1(), NULL);
	out[0] = '*';
	for (unsigned i = 0; i < 20; i++)
		snprintf(out + 1 + 2 * i, 3, "%02X", two[i]);
}

int dbadmin_set_user(struct dbadmin *a, const char *user, const char *host, const char *password, int create,
		     struct buf *err)
{
	struct buf sql = {0};
	char hash[42];
	native_hash(password, hash);
	buf_puts(&sql, create ? "CREATE USER " : "ALTER USER ");
	account(&sql, user, host);
	buf_printf(&sql, " IDENTIFIED BY PASSWORD '%s'", hash);
	int rc = run(a, &sql, err);
	buf_free(&sql);
	return rc;
}

int dbadmin_grant(struct dbadmin *a, const char *user, const char *host, const char *db, struct buf *err)
{
	struct buf sql = {0};
	buf_printf(&sql, "GRANT ALL PRIVILEGES ON `%s`.* TO ", db);
	account(&sql, user, host);
	int rc = run(a, &sql, err);
	buf_free(&sql);
	return rc;
}

int dbadmin_try_login(const struct md_config *cfg, const char *password, struct buf *err)
{
	MYSQL *m = open_conn(cfg, NULL, cfg->db.user, password, err);
	if (!m)
		return -1;
	mysql_close(m);
	return 0;
}
