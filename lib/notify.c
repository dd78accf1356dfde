/* SPDX-License-Identifier: MIT */
/* notify.c: notifiers, their message formats, and the outbox (see
 * notify.h). */
#include "notify.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "subprocess.h"
#include "token.h"

/* ---- what people read ------------------------------------------------------ */

static const char *get(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

/* Appends s with control characters (a line break too, unless lines)
 * turned into spaces. */
static void put_clean(struct buf *out, const char *s, int lines)
{
	for (; s && *s; s++)
		buf_putc(out, ((unsigned char)*s < ' ' && !(lines && *s == '\n')) || *s == 0x7f ? ' ' : *s);
}

void notify_subject(json_object *p, struct buf *out)
{
	const char *state = get(p, "state");
	buf_puts(out, "[mdash] ");
	if (state && !strcmp(state, "test")) {
		put_clean(out, get(p, "title"), 0);
		return;
	}
	put_clean(out, get(p, "title"), 0);
	buf_puts(out, " is ");
	put_clean(out, state, 0);
}

void notify_text(json_object *p, struct buf *out)
{
	const char *state = get(p, "state"), *dash = get(p, "dashboard"), *previous = get(p, "previous");
	json_object *value;
	if (state && !strcmp(state, "test")) {
		put_clean(out, get(p, "title"), 0);
		buf_puts(out, ": alerts will arrive here.");
	} else {
		if (dash) {
			buf_putc(out, '[');
			put_clean(out, dash, 0);
			buf_puts(out, "] ");
		}
		put_clean(out, get(p, "title"), 0);
		buf_puts(out, " is ");
		put_clean(out, state, 0);
		if (previous) {
			buf_puts(out, " (was ");
			put_clean(out, previous, 0);
			buf_putc(out, ')');
		}
		if (json_object_object_get_ex(p, "value", &value) && value) {
			buf_puts(out, ": ");
			put_clean(out, json_object_get_string(value), 0);
		}
		buf_puts(out, strcmp(state ? state : "", "resolved") ? ", since " : ", at ");
		put_clean(out, get(p, "at"), 0);
		if (get(p, "error")) {
			buf_puts(out, "\nError: ");
			put_clean(out, get(p, "error"), 0);
		}
	}
	if (get(p, "url")) {
		buf_putc(out, '\n');
		put_clean(out, get(p, "url"), 0);
	}
}

/* Slack's (and Mattermost's, Rocket.Chat's) text: &, < and > escaped,
 * so that a value cannot make a link or mention everyone. */
static void slack_body(json_object *p, struct buf *out)
{
	struct buf text = {0}, esc = {0};
	notify_text(p, &text);
	for (const char *c = buf_str(&text); *c; c++)
		buf_puts(&esc, *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : *c == '>' ? "&gt;" : (char[]){*c, 0});
	json_object *o = json_object_new_object();
	json_object_object_add(o, "text", json_object_new_string(buf_str(&esc)));
	buf_puts(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	buf_free(&text);
	buf_free(&esc);
}

/* A header's text: ASCII as it is, else one RFC 2047 encoded word. */
static void mail_header_text(struct buf *out, const char *s)
{
	int ascii = 1;
	for (const char *c = s; *c; c++)
		ascii &= (unsigned char)*c < 0x80;
	if (ascii) {
		buf_puts(out, s);
		return;
	}
	size_t n = strlen(s);
	char *b64 = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)s, (int)n);
	buf_printf(out, "=?UTF-8?B?%s?=", b64);
	free(b64);
}

static void mail_body(const struct md_notifier *n, json_object *p, const char *key, struct buf *out)
{
	struct buf subject = {0};
	char date[64], host[256] = "localhost";
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (gethostname(host, sizeof host - 1) || !*host)
		strcpy(host, "localhost");
	host[strcspn(host, " \t\r\n<>")] = '\0';
	notify_subject(p, &subject);
	buf_printf(out, "To: %s\nSubject: ", n->mailto);
	mail_header_text(out, buf_str(&subject));
	buf_printf(out,
		   "\nDate: %s\nMessage-ID: <%s.mdash@%s>\nMIME-Version: 1.0\n"
		   "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
		   "Auto-Submitted: auto-generated\n\n",
		   date, key, host);
	notify_text(p, out);
	buf_putc(out, '\n');
	buf_free(&subject);
}

void notify_body(const struct md_notifier *n, const char *payload, const char *key, struct buf *out)
{
	json_object *p = json_tokener_parse(payload);
	if (!p)
		p = json_object_new_object();
	if (n->mailto)
		mail_body(n, p, key, out);
	else if (n->format && !strcmp(n->format, "slack"))
		slack_body(p, out);
	else
		buf_puts(out, payload);
	json_object_put(p);
}

void notify_signature(const char *secret, const char *body, size_t len, char out[72])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, len, md, &mdlen);
	memcpy(out, "sha256=", 7);
	hex_encode(md, 32, out + 7);
}

void notify_new_key(char out[33])
{
	unsigned char raw[16];
	if (random_bytes(raw, sizeof raw)) {
		/* No randomness from the kernel: unique enough per host and time. */
		unsigned long long t = (unsigned long long)now_ms(), pid = (unsigned long long)getpid();
		memcpy(raw, &t, 8);
		memcpy(raw + 8, &pid, 8);
	}
	hex_encode(raw, sizeof raw, out);
}

json_object *notify_test_payload(const struct md_config *cfg)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "widget", NULL);
	json_object_object_add(o, "dashboard", NULL);
	json_object_object_add(o, "title", json_object_new_string("Test message from mdash"));
	json_object_object_add(o, "state", json_object_new_string("test"));
	json_object_object_add(o, "previous", NULL);
	json_object_object_add(o, "value", NULL);
	json_object_object_add(o, "at", json_object_new_string(when));
	json_object_object_add(o, "url", *cfg->public_url ? json_object_new_string(cfg->public_url) : NULL);
	return o;
}

/* ---- sending -------------------------------------------------------------- */

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static int send_webhook(const struct md_config *cfg, const struct md_notifier *n, const char *body, const char *key,
			struct buf *err)
{
	CURL *c = curl_easy_init();
	if (!c) {
		buf_puts(err, "cannot start libcurl");
		return NOTIFY_DOWN;
	}
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	struct buf line = {0};
	buf_printf(&line, "Idempotency-Key: %s", key);
	h = curl_slist_append(h, buf_str(&line));
	if (n->secret) {
		char sig[72];
		notify_signature(n->secret, body, strlen(body), sig);
		buf_reset(&line);
		buf_printf(&line, NOTIFY_SIGNATURE_HEADER ": %s", sig);
		h = curl_slist_append(h, buf_str(&line));
	}
	buf_free(&line);
	curl_easy_setopt(c, CURLOPT_URL, n->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg->source_timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, cfg->source_timeout < 5 ? cfg->source_timeout : 5L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mdash/" MDASH_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		buf_puts(err, rc == CURLE_OPERATION_TIMEDOUT ? "timed out" : curl_easy_strerror(rc));
		return NOTIFY_DOWN;
	}
	if (status >= 200 && status <= 299)
		return NOTIFY_SENT;
	buf_printf(err, "HTTP %ld", status);
	return status >= 500 || status == 429 || status == 408 ? NOTIFY_DOWN : NOTIFY_REFUSED;
}

static int send_mail(const struct md_config *cfg, const struct md_notifier *n, const char *mail, struct buf *err)
{
	/* sendmail -oi -- ADDRESS...: no shell, and a lone "." line is text. */
	struct buf list = {0};
	buf_puts(&list, n->mailto);
	char **argv = xcalloc(strlen(n->mailto) + 4, sizeof *argv);
	int argc = 0;
	argv[argc++] = cfg->sendmail;
	argv[argc++] = "-oi";
	argv[argc++] = "--";
	for (char *save = NULL, *a = strtok_r(list.data, ", \t", &save); a; a = strtok_r(NULL, ", \t", &save))
		argv[argc++] = a;
	struct buf out = {0};
	struct spawn_run r = {.argv = argv,
			      .input = mail,
			      .input_len = strlen(mail),
			      .timeout = cfg->source_timeout,
			      .max_out = 65536,
			      .out = &out};
	int rc = spawn_run(&r, err);
	buf_free(&out);
	buf_free(&list);
	free(argv);
	return rc ? NOTIFY_DOWN : NOTIFY_SENT;
}

int notify_send(const struct md_config *cfg, const struct md_notifier *n, const char *payload, const char *key,
		struct buf *err)
{
	struct buf body = {0};
	notify_body(n, payload, key, &body);
	int rc = n->mailto ? send_mail(cfg, n, buf_str(&body), err) : send_webhook(cfg, n, buf_str(&body), key, err);
	buf_free(&body);
	return rc;
}

/* ---- the outbox ---------------------------------------------------------- */

int notify_queue(const char *notifier, const char *widget, const char *state, const char *payload, struct buf *err)
{
	char key[33];
	notify_new_key(key);
	return db_exec("INSERT INTO alert_outbox (notifier, widget, state, idempotency_key, body, created_at, next_at) "
		       "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
		       DB_PARAMS(DB_S(notifier), DB_S(widget), DB_S(state), DB_S(key), DB_S(payload)), NULL, err);
}

/* The outbox's columns as notify_deliver reads them. */
enum { O_ID, O_NOTIFIER, O_WIDGET, O_STATE, O_KEY, O_BODY, O_ATTEMPTS, O_DUE, O_OLD };

/* A delivery run: what waits, by notifier and widget. */
struct run {
	const struct db_result *r;
	int *blocked; /* rows whose notifier and widget wait */
	const char **down;
	int ndown;
};

static int is_down(const struct run *run, const char *notifier)
{
	for (int i = 0; i < run->ndown; i++)
		if (!strcmp(run->down[i], notifier))
			return 1;
	return 0;
}

/* Row i waits when an earlier row of its notifier and widget waits. */
static int waits(const struct run *run, int i)
{
	for (int k = 0; k < i; k++)
		if (run->blocked[k] && !strcmp(db_cell(run->r, k, O_NOTIFIER), db_cell(run->r, i, O_NOTIFIER)) &&
		    !strcmp(db_cell(run->r, k, O_WIDGET), db_cell(run->r, i, O_WIDGET)))
			return 1;
	return 0;
}

/* Records a failed attempt: the next one after a back-off, or none after
 * a day. */
static void failed_attempt(const struct db_result *r, int i, const char *why, notify_say *say, void *ctx)
{
	long long attempts = db_cell_int(r, i, O_ATTEMPTS, 0);
	long delay = attempts >= 6 ? 300 : 5L << attempts;
	int give_up = db_cell_int(r, i, O_OLD, 0) != 0;
	struct buf err = {0}, line = {0};
	if (db_exec("UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?, "
		    "next_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND, failed_at = IF(?, UTC_TIMESTAMP(3), NULL) WHERE "
		    "id = ?",
		    DB_PARAMS(DB_S(why), DB_I(delay), DB_I(give_up), DB_I(db_cell_int(r, i, O_ID, 0))), NULL, &err))
		buf_printf(&line, "Could not record a failed alert delivery: %s. ", buf_str(&err));
	buf_printf(&line, "Could not send alert %s %s to %s (attempt %lld): %s; %s", db_cell(r, i, O_WIDGET),
		   db_cell(r, i, O_STATE), db_cell(r, i, O_NOTIFIER), attempts + 1, why,
		   give_up ? "failing for a day, given up (mdash alert retry sends it again)" : "will retry");
	if (!give_up)
		buf_printf(&line, " in %ld s", delay);
	say(0, buf_str(&line), ctx);
	buf_free(&line);
	buf_free(&err);
}

/* Sends row i; 0 when it was sent. */
static int deliver_one(const struct md_config *cfg, struct run *run, int i, notify_say *say, void *ctx)
{
	const struct db_result *r = run->r;
	const char *name = db_cell(r, i, O_NOTIFIER);
	const struct md_notifier *n = config_notifier(cfg, name);
	struct buf err = {0}, line = {0};
	int rc;
	if (!n) {
		buf_printf(&err, "no Notify.%s in %s", name, cfg->path ? cfg->path : "the settings file");
		rc = NOTIFY_DOWN;
	} else {
		rc = notify_send(cfg, n, db_cell(r, i, O_BODY), db_cell(r, i, O_KEY), &err);
	}
	if (rc == NOTIFY_SENT) {
		struct buf ignored = {0};
		/* Sent: a failure to forget it only means it is sent again. */
		db_exec("DELETE FROM alert_outbox WHERE id = ?", DB_PARAMS(DB_I(db_cell_int(r, i, O_ID, 0))), NULL,
			&ignored);
		buf_free(&ignored);
		buf_printf(&line, "Sent alert %s %s to %s", db_cell(r, i, O_WIDGET), db_cell(r, i, O_STATE), name);
		say(1, buf_str(&line), ctx);
	} else {
		failed_attempt(r, i, buf_str(&err), say, ctx);
		if (rc == NOTIFY_DOWN)
			run->down[run->ndown++] = name;
	}
	buf_free(&line);
	buf_free(&err);
	return rc;
}

int notify_deliver(const struct md_config *cfg, notify_say *say, void *ctx, struct buf *err)
{
	struct db_result r;
	if (db_exec("SELECT id, notifier, widget, state, idempotency_key, body, attempts, "
		    "next_at <= UTC_TIMESTAMP(3), created_at < UTC_TIMESTAMP(3) - INTERVAL 1 DAY "
		    "FROM alert_outbox WHERE failed_at IS NULL ORDER BY id LIMIT 1000",
		    DB_NOPARAMS, &r, err))
		return -1;
	struct run run = {.r = &r};
	run.blocked = xcalloc((size_t)r.nrows + 1, sizeof *run.blocked);
	run.down = xcalloc((size_t)r.nrows + 1, sizeof *run.down);
	for (int i = 0; i < r.nrows; i++) {
		/* In order per notifier and widget: a message waits for the
		 * earlier ones, and for its notifier to come back. */
		if (waits(&run, i) || is_down(&run, db_cell(&r, i, O_NOTIFIER)) || !db_cell_int(&r, i, O_DUE, 0))
			run.blocked[i] = 1;
		else
			run.blocked[i] = deliver_one(cfg, &run, i, say, ctx) != NOTIFY_SENT;
	}
	free(run.down);
	free(run.blocked);
	db_result_free(&r);
	return 0;
}

int notify_outbox_list(struct db_result *rows, struct buf *err)
{
	return db_exec("SELECT id, IF(failed_at IS NULL, 'pending', 'failed'), notifier, widget, state, "
		       "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), attempts, "
		       "DATE_FORMAT(IFNULL(failed_at, next_at), '%Y-%m-%dT%H:%i:%sZ'), IFNULL(last_error, '-') "
		       "FROM alert_outbox ORDER BY id",
		       DB_NOPARAMS, rows, err);
}

int notify_outbox_retry(long long id, long long *count, struct buf *err)
{
	struct db_result r;
	*count = 0;
	if (db_exec("UPDATE alert_outbox SET failed_at = NULL, attempts = 0, next_at = UTC_TIMESTAMP(3), "
		    "created_at = UTC_TIMESTAMP(3) WHERE failed_at IS NOT NULL AND (? = 0 OR id = ?)",
		    DB_PARAMS(DB_I(id), DB_I(id)), &r, err))
		return -1;
	*count = (long long)r.affected;
	if (id && !r.affected) {
		buf_printf(err, "no failed delivery %lld", id);
		return -1;
	}
	return 0;
}
