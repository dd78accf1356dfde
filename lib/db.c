/* SPDX-License-Identifier: MIT */
/* db.c: MariaDB through Connector/C (see db.h).
 *
 * No call waits for the server longer than Database.Timeout: it is the
 * connection's connect, read and write timeout. A connection that failed
 * (the server went away, or did not answer in time) is dropped at once and
 * a new one opened by the next call. After a server that did not answer,
 * no new connection is tried for RETRY_MS: the requests queued behind the
 * one that waited fail at once, instead of each waiting in turn. */
#include "db.h"

#include <errmsg.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"

#define STMT_CACHE 64
/* How long calls fail at once after the server did not answer. Short, so
 * that a server back from a stall serves again within a second or two. */
#define RETRY_MS 1000

static const struct md_config *conf;
static MYSQL *conn;
static int in_txn;
/* The connection was lost inside a transaction: until the caller ends the
 * transaction, its statements fail, rather than run on a new connection,
 * each in its own transaction, as part of a whole. */
static int txn_lost;
static int last_lost;
static unsigned last_error;
static long long retry_at;
static int long_statements;
/* Prepared statements by their SQL's address, a string literal's; the
 * text is kept too, so that a text built at run time (whose address a
 * later, different text may reuse) is never taken for another. */
static struct {
	const char *sql;
	char *text;
	MYSQL_STMT *stmt;
} cache[STMT_CACHE];
static int ncache;

void db_init(const struct md_config *cfg)
{
	conf = cfg;
}

void db_allow_long_statements(void)
{
	long_statements = 1;
}

static long timeout_s(void)
{
	return conf && conf->db_timeout > 0 ? conf->db_timeout : 5;
}

static void drop_cache(void)
{
	for (int i = 0; i < ncache; i++) {
		mysql_stmt_close(cache[i].stmt);
		free(cache[i].text);
	}
	ncache = 0;
}

/* Lets the connection go, and its statements with it. A transaction it
 * held ends on the server when the server notices. */
static void drop(void)
{
	drop_cache();
	if (conn)
		mysql_close(conn);
	conn = NULL;
	txn_lost |= in_txn;
}

void db_close(void)
{
	drop();
	in_txn = 0;
	txn_lost = 0;
}

static int is_conn_error(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
	       e == CR_CONN_HOST_ERROR || e == CR_SERVER_LOST_EXTENDED || e == 1927 /* ER_CONNECTION_KILLED */ ||
	       e == 1053 /* ER_SERVER_SHUTDOWN */;
}

int db_lost(void)
{
	return last_lost;
}

int db_deadlock(void)
{
	return last_error == 1213; /* ER_LOCK_DEADLOCK */
}

/* A call begun at started failed with error e and message msg: says so in
 * err, and drops the connection when it is the cause. A connection error
 * that took half the timeout or more is a server that does not answer. */
static void failed(unsigned e, const char *msg, long long started, struct buf *err)
{
	metrics_add(M_DB_ERRORS, 1);
	last_error = e;
	last_lost = is_conn_error(e);
	int stalled = last_lost && now_ms() - started >= timeout_s() * 1000 / 2;
	if (stalled) {
		buf_printf(err, "database: no answer within %ld s (Database.Timeout): %s", timeout_s(), msg);
		retry_at = now_ms() + RETRY_MS;
	} else {
		buf_printf(err, "database: %s", *msg ? msg : "unknown error");
	}
	if (last_lost)
		drop();
}

/* Whether a call whose connection failed may be made once more, on a new
 * one: the server went away since the last call (it restarted, say), not
 * in the middle of a transaction, and it did not leave us waiting. */
static int may_retry(void)
{
	return last_lost && !in_txn && now_ms() >= retry_at;
}

static int connect_db(struct buf *err)
{
	if (conn)
		return 0;
	last_lost = 1;
	if (txn_lost) {
		buf_puts(err, "database: the connection was lost in the middle of a transaction");
		return -1;
	}
	if (!conf) {
		buf_puts(err, "database: not configured");
		last_lost = 0;
		return -1;
	}
	if (now_ms() < retry_at) {
		metrics_add(M_DB_ERRORS, 1); /* a call that failed, if without trying */
		buf_printf(err, "database: no answer within %ld s (Database.Timeout); trying again in a moment",
			   timeout_s());
		return -1;
	}
	conn = mysql_init(NULL);
	if (!conn) {
		buf_puts(err, "database: out of memory");
		return -1;
	}
	unsigned timeout = (unsigned)timeout_s();
	mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if (!long_statements) {
		mysql_optionsv(conn, MYSQL_OPT_READ_TIMEOUT, &timeout);
		mysql_optionsv(conn, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	}
	mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* All times are stored and compared in UTC. A row lock that long in
	 * coming is a fault somewhere: the server gives up on it a little
	 * before the client would give up on the server (which would drop a
	 * healthy connection). */
	long lock_wait = long_statements ? 10 : timeout_s() > 10 ? 10 : timeout_s() > 1 ? timeout_s() - 1 : 1;
	char init[160];
	snprintf(init, sizeof init,
		 "SET collation_connection=utf8mb4_unicode_ci, time_zone='+00:00', innodb_lock_wait_timeout=%ld",
		 lock_wait);
	mysql_optionsv(conn, MYSQL_INIT_COMMAND, init);
	const char *sock = conf->db.socket && *conf->db.socket ? conf->db.socket : NULL;
	const char *host = sock ? "localhost" : conf->db.host;
	long long started = now_ms();
	if (!mysql_real_connect(conn, host, conf->db.user, conf->db.password, conf->db.name, (unsigned)conf->db.port,
				sock, 0)) {
		/* Counted as the calls that fail on a connection are (failed()). */
		metrics_add(M_DB_ERRORS, 1);
		buf_printf(err, "cannot connect to the database (%s): ", sock ? sock : host);
		if (now_ms() - started >= timeout_s() * 1000 / 2) {
			buf_printf(err, "no answer within %ld s (Database.Timeout): ", timeout_s());
			retry_at = now_ms() + RETRY_MS;
		}
		buf_puts(err, mysql_error(conn));
		mysql_close(conn);
		conn = NULL;
		return -1;
	}
	last_lost = 0;
	return 0;
}

/* Pings the server (query NULL) or runs a query that returns no rows; once
 * more on a new connection if the server went away since the last call. */
static int call(const char *query, struct buf *err)
{
	size_t mark = err->len;
	last_lost = 0;
	for (int attempt = 0;; attempt++) {
		if (connect_db(err))
			return -1;
		long long started = now_ms();
		if (!(query ? mysql_real_query(conn, query, strlen(query)) : mysql_ping(conn)))
			return 0;
		failed(mysql_errno(conn), mysql_error(conn), started, err);
		if (attempt || !may_retry())
			return -1;
		buf_truncate(err, mark);
	}
}

int db_ping(struct buf *err)
{
	return call(NULL, err);
}

static MYSQL_STMT *prepared(const char *sql, struct buf *err)
{
	for (int i = 0; i < ncache; i++)
		if (cache[i].sql == sql && !strcmp(cache[i].text, sql))
			return cache[i].stmt;
	MYSQL_STMT *st = mysql_stmt_init(conn);
	if (!st) {
		buf_puts(err, "database: out of memory");
		return NULL;
	}
	long long started = now_ms();
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		unsigned e = mysql_stmt_errno(st);
		char *msg = xstrdup(mysql_stmt_error(st));
		mysql_stmt_close(st);
		failed(e, msg, started, err);
		free(msg);
		return NULL;
	}
	if (ncache == STMT_CACHE) {
		mysql_stmt_close(cache[0].stmt);
		free(cache[0].text);
		memmove(cache, cache + 1, sizeof cache[0] * (STMT_CACHE - 1));
		ncache--;
	}
	cache[ncache].sql = sql;
	cache[ncache].text = xstrdup(sql);
	cache[ncache].stmt = st;
	ncache++;
	return st;
}

/* The length of each column's bind buffer: longer values are fetched
 * whole, one more call each. */
#define BIND_LEN 256

/* Copies the row just fetched into res as its row nrows, all of its cells
 * in one block (rowmem): a page reads hundreds of cells. */
static void copy_row(MYSQL_STMT *st, MYSQL_BIND *b, const unsigned long *lens, const my_bool *nulls, int ncols,
		     struct db_result *res)
{
	size_t size = 1;
	for (int c = 0; c < ncols; c++)
		size += nulls[c] ? 0 : lens[c] + 1;
	char *block = xmalloc(size), *at = block;
	char **row = res->cells + (size_t)res->nrows * (size_t)ncols;
	res->rowmem[res->nrows] = block;
	for (int c = 0; c < ncols; c++) {
		if (nulls[c]) {
			row[c] = NULL;
			continue;
		}
		row[c] = at;
		if (lens[c] <= BIND_LEN) {
			memcpy(at, b[c].buffer, lens[c]);
		} else {
			/* Longer than the bind buffer: fetch this column whole. */
			MYSQL_BIND one = {0};
			one.buffer_type = MYSQL_TYPE_STRING;
			one.buffer = at;
			one.buffer_length = lens[c];
			mysql_stmt_fetch_column(st, &one, (unsigned)c, 0);
		}
		at[lens[c]] = '\0';
		at += lens[c] + 1;
	}
}

/* Reads the rows of st into res. A failure is said only after the last
 * use of st: a lost connection takes its statements with it. */
static int fetch_all(MYSQL_STMT *st, struct db_result *res, long long started, struct buf *err)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	if (!meta)
		return 0;
	int ncols = (int)mysql_num_fields(meta);
	mysql_free_result(meta);
	MYSQL_BIND *b = xcalloc((size_t)ncols, sizeof *b);
	unsigned long *lens = xcalloc((size_t)ncols, sizeof *lens);
	my_bool *nulls = xcalloc((size_t)ncols, sizeof *nulls);
	my_bool *errs = xcalloc((size_t)ncols, sizeof *errs);
	/* One bind buffer for all columns, BIND_LEN bytes each. */
	char *bufs = xmalloc((size_t)ncols * BIND_LEN);
	for (int c = 0; c < ncols; c++) {
		b[c].buffer_type = MYSQL_TYPE_STRING;
		b[c].buffer = bufs + (size_t)c * BIND_LEN;
		b[c].buffer_length = BIND_LEN;
		b[c].length = &lens[c];
		b[c].is_null = &nulls[c];
		b[c].error = &errs[c];
	}
	int rc = 0, cap = 0;
	unsigned e = 0;
	struct buf msg = {0};
	res->ncols = ncols;
	if (mysql_stmt_bind_result(st, b)) {
		e = mysql_stmt_errno(st);
		buf_puts(&msg, mysql_stmt_error(st));
		rc = -1;
		goto out;
	}
	for (;;) {
		int f = mysql_stmt_fetch(st);
		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			/* Row errors (an overflow, say) may leave the statement's
			 * message empty; the connection's has it then. */
			const char *why = *mysql_stmt_error(st) ? mysql_stmt_error(st) : mysql_error(conn);
			e = mysql_stmt_errno(st) ? mysql_stmt_errno(st) : mysql_errno(conn);
			buf_puts(&msg, *why ? why : "error while reading a row");
			rc = -1;
			break;
		}
		if (res->nrows == cap) {
			cap = cap ? cap * 2 : 8;
			res->cells = xrealloc(res->cells, sizeof(char *) * (size_t)cap * (size_t)ncols);
			res->rowmem = xrealloc(res->rowmem, sizeof(char *) * (size_t)cap);
		}
		copy_row(st, b, lens, nulls, ncols, res);
		res->nrows++;
	}
out:
	mysql_stmt_free_result(st);
	free(bufs);
	free(b);
	free(lens);
	free(nulls);
	free(errs);
	if (rc)
		failed(e, buf_str(&msg), started, err);
	buf_free(&msg);
	return rc;
}

static int exec_once(const char *sql, const struct db_param *params, int np, struct db_result *res, struct buf *err)
{
	last_lost = 0;
	if (connect_db(err))
		return -1;
	MYSQL_STMT *st = prepared(sql, err);
	if (!st)
		return -1;
	if ((int)mysql_stmt_param_count(st) != np) {
		buf_printf(err, "database: statement wants %lu parameters, got %d", mysql_stmt_param_count(st), np);
		return -1;
	}
	MYSQL_BIND *b = np ? xcalloc((size_t)np, sizeof *b) : NULL;
	my_bool is_null = 1;
	for (int i = 0; i < np; i++) {
		switch (params[i].type) {
		case DB_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			b[i].is_null = &is_null;
			break;
		case DB_STR:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)params[i].s;
			b[i].buffer_length = params[i].len;
			break;
		case DB_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&params[i].i;
			break;
		case DB_DBL:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = (void *)&params[i].d;
			break;
		}
	}
	int rc = 0;
	long long started = now_ms();
	if ((np && mysql_stmt_bind_param(st, b)) || mysql_stmt_execute(st)) {
		failed(mysql_stmt_errno(st), mysql_stmt_error(st), started, err);
		rc = -1;
	}
	free(b);
	if (rc)
		return -1;
	struct db_result scratch = {0};
	struct db_result *r = res ? res : &scratch;
	r->affected = mysql_stmt_affected_rows(st);
	r->insert_id = mysql_stmt_insert_id(st);
	rc = fetch_all(st, r, started, err);
	db_result_free(&scratch);
	return rc;
}

int db_exec(const char *sql, const struct db_param *params, int np, struct db_result *res, struct buf *err)
{
	if (res)
		memset(res, 0, sizeof *res);
	size_t mark = err->len;
	if (exec_once(sql, params, np, res, err) == 0)
		return 0;
	if (!may_retry())
		return -1;
	/* The connection was lost outside a transaction: nothing half-done can
	 * be repeated, so reconnect once and run the statement again. */
	buf_truncate(err, mark);
	if (res) {
		db_result_free(res);
		memset(res, 0, sizeof *res);
	}
	return exec_once(sql, params, np, res, err);
}

/* One column of a bulk execution: the values of every row, laid out as
 * Connector/C's column-wise array binding wants them. */
struct column {
	void *values;        /* long long[], double[] or const char *[] */
	unsigned long *lens; /* strings' lengths */
	char *indicators;    /* STMT_INDICATOR_NULL or _NONE per row */
};

static int bind_column(MYSQL_BIND *b, struct column *col, const struct db_param *params, int c, int ncols, int nrows,
		       struct buf *err)
{
	enum db_type t = DB_NULL;
	for (int r = 0; r < nrows; r++) {
		enum db_type rt = params[(size_t)r * (size_t)ncols + (size_t)c].type;
		if (rt != DB_NULL && t != DB_NULL && rt != t) {
			buf_printf(err, "database: column %d mixes value types", c + 1);
			return -1;
		}
		if (rt != DB_NULL)
			t = rt;
	}
	size_t n = (size_t)nrows;
	col->indicators = xcalloc(n, 1);
	b->u.indicator = col->indicators;
	b->buffer_type = t == DB_STR   ? MYSQL_TYPE_STRING
			 : t == DB_INT ? MYSQL_TYPE_LONGLONG
			 : t == DB_DBL ? MYSQL_TYPE_DOUBLE
				       : MYSQL_TYPE_NULL;
	if (t == DB_STR) {
		col->values = xcalloc(n, sizeof(char *));
		col->lens = xcalloc(n, sizeof *col->lens);
		b->length = col->lens;
	} else if (t != DB_NULL) {
		col->values = xcalloc(n, t == DB_INT ? sizeof(long long) : sizeof(double));
	}
	b->buffer = col->values;
	for (int r = 0; r < nrows; r++) {
		const struct db_param *p = &params[(size_t)r * (size_t)ncols + (size_t)c];
		col->indicators[r] = p->type == DB_NULL ? STMT_INDICATOR_NULL : STMT_INDICATOR_NONE;
		if (p->type == DB_STR) {
			((const char **)col->values)[r] = p->s;
			col->lens[r] = p->len;
		} else if (p->type == DB_INT) {
			((long long *)col->values)[r] = p->i;
		} else if (p->type == DB_DBL) {
			((double *)col->values)[r] = p->d;
		}
	}
	return 0;
}

/* Runs rows [first, first + nrows) in one round trip. */
static int exec_rows_once(MYSQL_STMT *st, const struct db_param *params, int ncols, int nrows, struct buf *err)
{
	MYSQL_BIND *b = xcalloc((size_t)ncols, sizeof *b);
	struct column *cols = xcalloc((size_t)ncols, sizeof *cols);
	int rc = 0;
	for (int c = 0; c < ncols && !rc; c++)
		rc = bind_column(&b[c], &cols[c], params, c, ncols, nrows, err);
	unsigned int size = (unsigned int)nrows;
	long long started = now_ms();
	unsigned e = 0;
	char *msg = NULL;
	if (!rc && (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &size) || mysql_stmt_bind_param(st, b) ||
		    mysql_stmt_execute(st))) {
		e = mysql_stmt_errno(st);
		msg = xstrdup(mysql_stmt_error(st));
		rc = -1;
	}
	/* The statement stays cached: back to one row per execution. */
	size = 0;
	mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &size);
	if (msg) /* after the last use of st: a lost connection takes it along */
		failed(e, msg, started, err);
	free(msg);
	for (int c = 0; c < ncols; c++) {
		free(cols[c].values);
		free(cols[c].lens);
		free(cols[c].indicators);
	}
	free(cols);
	free(b);
	return rc;
}

/* Rows per round trip are bounded by their text: well under MariaDB's
 * smallest usual max_allowed_packet (16 MiB). */
#define ROWS_BYTES (4u << 20)

int db_exec_rows(const char *sql, const struct db_param *params, int ncols, int nrows, struct buf *err)
{
	last_lost = 0;
	if (nrows <= 0)
		return 0;
	if (connect_db(err))
		return -1;
	MYSQL_STMT *st = prepared(sql, err);
	if (!st)
		return -1;
	if ((int)mysql_stmt_param_count(st) != ncols || ncols <= 0) {
		buf_printf(err, "database: statement wants %lu parameters, got %d", mysql_stmt_param_count(st), ncols);
		return -1;
	}
	for (int first = 0, end; first < nrows; first = end) {
		size_t bytes = 0;
		for (end = first; end < nrows; end++) {
			size_t row = 0;
			for (int c = 0; c < ncols; c++)
				row += params[(size_t)end * (size_t)ncols + (size_t)c].len;
			if (end > first && bytes + row > ROWS_BYTES)
				break;
			bytes += row;
		}
		if (exec_rows_once(st, params + (size_t)first * (size_t)ncols, ncols, end - first, err))
			return -1;
	}
	return 0;
}

int db_script(const char *sql, struct buf *err)
{
	last_lost = 0;
	if (connect_db(err))
		return -1;
	long long started = now_ms();
	if (mysql_real_query(conn, sql, strlen(sql))) {
		failed(mysql_errno(conn), mysql_error(conn), started, err);
		return -1;
	}
	MYSQL_RES *r = mysql_store_result(conn);
	if (r)
		mysql_free_result(r);
	return 0;
}

/* START TRANSACTION rather than turning autocommit off: nothing to turn back
 * on afterwards, and it doubles as the liveness check a transaction needs
 * (no reconnect may happen inside one), in one round trip instead of three. */
int db_begin(struct buf *err)
{
	if (call("START TRANSACTION", err))
		return -1;
	in_txn = 1;
	txn_lost = 0;
	return 0;
}

int db_commit(struct buf *err)
{
	int rc = 0;
	if (!conn) {
		buf_puts(err, "database: commit failed: the connection was lost in the middle of the transaction");
		last_lost = 1;
		rc = -1;
	} else {
		long long started = now_ms();
		if (mysql_commit(conn)) {
			struct buf msg = {0};
			buf_printf(&msg, "commit failed: %s", mysql_error(conn));
			failed(mysql_errno(conn), buf_str(&msg), started, err);
			buf_free(&msg);
			rc = -1;
		}
	}
	in_txn = 0;
	txn_lost = 0;
	return rc;
}

void db_rollback(void)
{
	long long started = now_ms();
	if (conn && mysql_rollback(conn)) {
		struct buf ignored = {0};
		failed(mysql_errno(conn), mysql_error(conn), started, &ignored);
		buf_free(&ignored);
	}
	in_txn = 0;
	txn_lost = 0;
}

const char *db_cell(const struct db_result *r, int row, int col)
{
	if (row < 0 || row >= r->nrows || col < 0 || col >= r->ncols)
		return NULL;
	return r->cells[(size_t)row * (size_t)r->ncols + (size_t)col];
}

long long db_cell_int(const struct db_result *r, int row, int col, long long dflt)
{
	const char *s = db_cell(r, row, col);
	if (!s)
		return dflt;
	char *end;
	long long v = strtoll(s, &end, 10);
	return end == s ? dflt : v;
}

void db_result_free(struct db_result *r)
{
	if (!r || !r->cells)
		return;
	for (int i = 0; i < r->nrows; i++)
		free(r->rowmem[i]);
	free(r->rowmem);
	free(r->cells);
	r->cells = NULL;
	r->rowmem = NULL;
	r->nrows = 0;
}
