/* SPDX-License-Identifier: MIT */
/* sql.c: a read-only query. It runs on its own connection (the SQL.*
 * account, which defaults to the Database.* one: give it a read-only
 * user), in a READ ONLY transaction, with max_statement_time as the
 * timeout, as a prepared statement (so exactly one statement). Rows become
 * a document for the usual mapping:
 *   one row, one column  -> that value (it lands in the type's main field)
 *   two columns          -> {"items": [{"label": c1, "value": c2}, ...]}
 *   otherwise            -> {"rows": [{"col": value, ...}, ...]}          */
#include <errmsg.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

#define MAX_ROWS 1000

static const struct field kind_fields[] = {{.key = "query", .kind = FIELD_ANY}, {0}};

static int validate(json_object *src, struct buf *err)
{
	json_object *q;
	if (!json_object_object_get_ex(src, "query", &q) || !json_object_is_type(q, json_type_string) ||
	    !*json_object_get_string(q)) {
		buf_puts(err, "source.query: missing (one SELECT statement)");
		return -1;
	}
	return 0;
}

static const char *pick(const char *own, const char *main)
{
	return own && *own ? own : main;
}

void source_sql_account(const struct md_config *cfg, struct md_dsn *out)
{
	*out = (struct md_dsn){
		.host = (char *)pick(cfg->sql.host, cfg->db.host),
		.port = cfg->sql.port ? cfg->sql.port : cfg->db.port,
		.socket = (char *)pick(cfg->sql.socket, cfg->db.socket),
		.name = (char *)pick(cfg->sql.name, cfg->db.name),
		.user = (char *)pick(cfg->sql.user, cfg->db.user),
		.password = (char *)pick(cfg->sql.password, cfg->db.password),
	};
}

static MYSQL *open_conn(const struct md_config *cfg, long timeout, struct buf *err)
{
	struct md_dsn a;
	source_sql_account(cfg, &a);
	MYSQL *m = mysql_init(NULL);
	if (!m) {
		buf_puts(err, "out of memory");
		return NULL;
	}
	unsigned t = (unsigned)timeout;
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &t);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	const char *sock = a.socket && *a.socket ? a.socket : NULL;
	if (!mysql_real_connect(m, sock ? "localhost" : a.host, a.user, a.password, a.name, (unsigned)a.port, sock,
				0)) {
		buf_printf(err, "cannot connect: %s", mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	char set[128];
	snprintf(set, sizeof set, "SET SESSION max_statement_time = %ld", timeout);
	if (mysql_query(m, set) || mysql_query(m, "SET SESSION TRANSACTION READ ONLY") ||
	    mysql_query(m, "START TRANSACTION READ ONLY")) {
		buf_printf(err, "cannot start a read-only transaction: %s", mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

int source_sql_try(const struct md_config *cfg, long timeout, struct buf *err)
{
	MYSQL *m = open_conn(cfg, timeout, err);
	if (m)
		mysql_close(m);
	return m ? 0 : -1;
}

static int is_number(enum enum_field_types t)
{
	switch (t) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_FLOAT:
	case MYSQL_TYPE_DOUBLE:
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL: return 1;
	default: return 0;
	}
}

static json_object *cell(const char *v, unsigned long len, enum enum_field_types t)
{
	if (!v)
		return NULL;
	if (is_number(t)) {
		char *end;
		double d = strtod(v, &end);
		if (end != v && !*end)
			return strchr(v, '.') || strchr(v, 'e') ? json_object_new_double(d)
								: json_object_new_int64(strtoll(v, NULL, 10));
	}
	return json_object_new_string_len(v, (int)len);
}

/* The query's rows as a JSON document (see the top of this file). */
static json_object *to_doc(MYSQL_RES *res, struct buf *err)
{
	unsigned ncols = mysql_num_fields(res);
	MYSQL_FIELD *f = mysql_fetch_fields(res);
	my_ulonglong nrows = mysql_num_rows(res);
	MYSQL_ROW row;
	if (nrows > MAX_ROWS) {
		buf_printf(err, "the query returned %llu rows; at most %d are shown", (unsigned long long)nrows,
			   MAX_ROWS);
		return NULL;
	}
	if (nrows == 1 && ncols == 1) {
		row = mysql_fetch_row(res);
		if (!row[0])
			buf_puts(err, "the query returned NULL (no value to show)");
		return row[0] ? cell(row[0], mysql_fetch_lengths(res)[0], f[0].type) : NULL;
	}
	if (nrows == 0 && ncols == 1) {
		buf_puts(err, "the query returned no rows");
		return NULL;
	}
	json_object *list = json_object_new_array();
	while ((row = mysql_fetch_row(res))) {
		unsigned long *lens = mysql_fetch_lengths(res);
		json_object *o = json_object_new_object();
		for (unsigned c = 0; c < ncols; c++)
			json_object_object_add(o, ncols == 2 ? (c ? "value" : "label") : f[c].name,
					       cell(row[c], lens[c], f[c].type));
		json_object_array_add(list, o);
	}
	json_object *doc = json_object_new_object();
	json_object_object_add(doc, ncols == 2 ? "items" : "rows", list);
	return doc;
}

static int fetch(json_object *src, struct md_fetch *f, struct buf *out, struct buf *err)
{
	json_object *q;
	json_object_object_get_ex(src, "query", &q);
	const char *query = json_object_get_string(q);
	MYSQL *m = open_conn(f->cfg, f->timeout, err);
	if (!m)
		return -1;
	int rc = -1;
	/* A prepared statement is exactly one statement: "SELECT 1; DROP ..." fails. */
	MYSQL_STMT *st = mysql_stmt_init(m);
	if (!st || mysql_stmt_prepare(st, query, strlen(query))) {
		buf_printf(err, "query: %s", st ? mysql_stmt_error(st) : "out of memory");
		goto out;
	}
	if (mysql_stmt_param_count(st)) {
		buf_puts(err, "query: parameters (?) are not supported");
		goto out;
	}
	mysql_stmt_close(st);
	st = NULL;
	/* Prepared-checked; run it as text for the field types and names. */
	if (mysql_real_query(m, query, strlen(query))) {
		buf_printf(err, "query: %s", mysql_error(m));
		goto out;
	}
	MYSQL_RES *res = mysql_store_result(m);
	if (!res) {
		buf_puts(err, "query: returned no rows (is it a SELECT?)");
		goto out;
	}
	json_object *doc = to_doc(res, err);
	mysql_free_result(res);
	if (doc) {
		buf_puts(out, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
		json_object_put(doc);
		rc = 0;
	}
out:
	if (st)
		mysql_stmt_close(st);
	mysql_close(m);
	return rc;
}

const struct md_source_kind source_sql = {
	.name = "sql",
	.fields = kind_fields,
	.maps = 1,
	.validate = validate,
	.fetch = fetch,
};
