/* SPDX-License-Identifier: MIT */
/* config.c: reads the settings file (see config.h for the format). */
#include "config.h"

#include "ident.h"
#include "log.h"
#include "notifier.h"
#include "origin.h"
#include "proxy.h"
#include "publish.h"
#include "source.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MDASH_SYSCONFDIR
#define MDASH_SYSCONFDIR "/etc"
#endif
#ifndef MDASH_DATADIR
#define MDASH_DATADIR "/usr/share"
#endif
/* Where the nginx site's publisher listens (MDASH_PUBLISH_SOCKET in
 * packaging/Makefile.inc). */
#ifndef MDASH_PUBLISH_SOCKET
#define MDASH_PUBLISH_SOCKET "/run/mdash/publish/nchan.sock"
#endif
#ifndef MDASH_PKGLIBDIR
#define MDASH_PKGLIBDIR "/usr/lib/mdash"
#endif

enum kind { K_BOOL, K_INT, K_STR, K_DIR, K_LEVEL };

struct setting {
	const char *name;
	enum kind kind;
	size_t off;
	const char *dflt;
	long min, max;
};

#define S(n, k, f, d, lo, hi)                                                                                          \
	{                                                                                                              \
		n, k, offsetof(struct md_config, f), d, lo, hi                                                         \
	}
static const struct setting settings[] = {
	S("RequireLogin", K_BOOL, require_login, "1", 0, 1),
	S("PublishURL", K_DIR, publish_url, "unix:" MDASH_PUBLISH_SOCKET ":/pub/", 0, 0),
	S("BasePath", K_DIR, base_path, "/", 0, 0),
	S("PublicURL", K_STR, public_url, "", 0, 0),
	S("Proxy.Trusted", K_STR, proxy_trusted, "", 0, 0),
	S("Proxy.Header", K_STR, proxy_header, "X-Forwarded-For", 0, 0),
	S("LockFile", K_STR, lock_file, "/run/mdash/update.lock", 0, 0),
	S("TemplateDir", K_STR, template_dir, MDASH_DATADIR "/mdash/templates", 0, 0),
	S("SchemaDir", K_STR, schema_dir, MDASH_DATADIR "/mdash/schema", 0, 0),
	S("PluginDir", K_STR, plugin_dir, MDASH_PKGLIBDIR "/plugins", 0, 0),
	S("FragmentKeyFile", K_STR, fragment_key_file, MDASH_SYSCONFDIR "/mdash/fragment-key.conf", 0, 0),
	S("App.Workers", K_INT, workers, "2", 1, 256),
	S("App.Threads", K_INT, threads, "32", 1, 1024),
	S("App.PushSocket", K_STR, push_socket, "", 0, 0),
	S("App.PushIdleTimeout", K_INT, push_idle_timeout, "120", 1, 86400),
	S("App.PushConnections", K_INT, push_connections, "1024", 16, 1000000),
	S("App.CacheSeconds", K_INT, cache_seconds, "5", 0, 3600),
	S("Update.Threads", K_INT, update_threads, "16", 1, 256),
	S("Update.Timeout", K_INT, source_timeout, "10", 1, 3600),
	S("History.Keep", K_INT, history_keep, "10000", 1, 100000000),
	S("History.MaxAge", K_INT, history_days, "90", 1, 36500),
	S("History.MinuteDays", K_INT, history_minute_days, "30", 1, 36500),
	S("History.HourDays", K_INT, history_hour_days, "400", 1, 36500),
	S("Audit.MaxAge", K_INT, audit_days, "365", 1, 36500),
	S("Session.IdleMinutes", K_INT, session_idle_minutes, "720", 1, 525600),
	S("Session.MaxDays", K_INT, session_max_days, "30", 1, 3650),
	S("Session.SecureCookie", K_BOOL, secure_cookies, "0", 0, 1),
	S("Log.Level", K_LEVEL, log_level, "info", 0, 0),
	S("Database.Host", K_STR, db.host, "localhost", 0, 0),
	S("Database.Port", K_INT, db.port, "3306", 0, 65535),
	S("Database.Socket", K_STR, db.socket, "", 0, 0),
	S("Database.Name", K_STR, db.name, "mdash", 0, 0),
	S("Database.User", K_STR, db.user, "mdash", 0, 0),
	S("Database.Password", K_STR, db.password, "", 0, 0),
	S("Database.Timeout", K_INT, db_timeout, "5", 1, 3600),
	S("SQL.Host", K_STR, sql.host, "", 0, 0),
	S("SQL.Port", K_INT, sql.port, "0", 0, 65535),
	S("SQL.Socket", K_STR, sql.socket, "", 0, 0),
	S("SQL.Name", K_STR, sql.name, "", 0, 0),
	S("SQL.User", K_STR, sql.user, "", 0, 0),
	S("SQL.Password", K_STR, sql.password, "", 0, 0),
	S("Notify.Sendmail", K_STR, sendmail, "/usr/sbin/sendmail", 0, 0),
	S("Sources.Exec", K_STR, sources_exec, "", 0, 0),
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

const char *config_installed_path(void)
{
	return MDASH_SYSCONFDIR "/mdash/mdash.hdf";
}

const char *config_default_path(void)
{
	const char *p = getenv("MDASH_CONFIG");
	return p && *p ? p : config_installed_path();
}

/* PublishURL: nchan's publisher on a unix socket, or an http(s) URL. */
static int publish_url_ok(const char *v)
{
	struct buf scratch = {0};
	int kind = publish_socket(v, &scratch), ok = kind == 1 || (kind == 0 && !url_origin(v, &scratch));
	buf_free(&scratch);
	return ok;
}

/* What some text settings must look like, checked as they are read. */
static int check_text(const struct setting *s, const char *v, struct buf *why)
{
	struct buf scratch = {0};
	int bad = 1;
	if (!strcmp(s->name, "PublicURL") && *v && url_origin(v, &scratch))
		buf_printf(why,
			   "PublicURL must be the site's address as people type it (http:// or https://, a host, maybe "
			   "a port and a path), not \"%.200s\"",
			   v);
	else if (!strcmp(s->name, "PublishURL") && !publish_url_ok(v))
		buf_printf(why,
			   "PublishURL must be nchan's publisher location: unix:SOCKET:/PATH/ (an absolute path of at "
			   "most 107 bytes) or http://HOST[:PORT]/PATH/, not \"%.200s\"",
			   v);
	else if (!strcmp(s->name, "Notify.Sendmail") && v[0] != '/')
		buf_printf(why, "Notify.Sendmail must be the absolute path of a sendmail program, not \"%.200s\"", v);
	else if (!strcmp(s->name, "Sources.Exec") && source_exec_list_check(v, &scratch))
		buf_printf(why, "Sources.Exec: %s", scratch.data);
	else if ((!strcmp(s->name, "Proxy.Trusted") && proxy_trusted_check(v, &scratch)) ||
		 (!strcmp(s->name, "Proxy.Header") && proxy_header_check(v, &scratch)))
		buf_printf(why, "%s: %s", s->name, scratch.data);
	else
		bad = 0;
	buf_free(&scratch);
	return bad ? -1 : 0;
}

static int set_value(struct md_config *cfg, const struct setting *s, const char *v, struct buf *why)
{
	char *field = (char *)cfg + s->off;
	long n;
	switch (s->kind) {
	case K_BOOL:
		if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
			n = 1;
		else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
			n = 0;
		else {
			buf_printf(why, "%s must be 0 or 1, not \"%s\"", s->name, v);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case K_INT:
		if (parse_long(v, s->min, s->max, &n)) {
			buf_printf(why, "%s must be a whole number from %ld to %ld, not \"%s\"", s->name, s->min,
				   s->max, v);
			return -1;
		}
		*(long *)field = n;
		return 0;
	case K_LEVEL:
		if (log_level_parse(v, (int *)field)) {
			buf_printf(why, "%s must be debug, info, warning or error, not \"%s\"", s->name, v);
			return -1;
		}
		return 0;
	case K_STR:
	case K_DIR: {
		if (check_text(s, v, why))
			return -1;
		char **p = (char **)field;
		free(*p);
		size_t len = strlen(v);
		/* Paths and URLs joined with names must end in exactly one '/'. */
		if (s->kind == K_DIR && (len == 0 || v[len - 1] != '/')) {
			*p = xmalloc(len + 2);
			memcpy(*p, v, len);
			(*p)[len] = '/';
			(*p)[len + 1] = '\0';
		} else {
			*p = xstrdup(v);
		}
		return 0;
	}
	}
	return -1;
}

static const struct setting *find_setting(const char *name, size_t n)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strlen(settings[i].name) == n && !memcmp(settings[i].name, name, n))
			return &settings[i];
	return NULL;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int add_secret(struct md_config *cfg, const char *name, size_t n, const char *v, const char *end,
		      struct buf *why)
{
	char *key = xstrndup(name, n);
	if (!ident_valid(key)) {
		buf_printf(why, "Secret.%s: the name must match [a-z0-9][a-z0-9_-]{0,63}", key);
		free(key);
		return -1;
	}
	while (v < end && is_space(*v))
		v++;
	cfg->secrets = xrealloc(cfg->secrets, sizeof *cfg->secrets * (size_t)(cfg->nsecrets + 1));
	cfg->secrets[cfg->nsecrets].name = key;
	cfg->secrets[cfg->nsecrets].value = xstrndup(v, (size_t)(end - v));
	cfg->nsecrets++;
	return 0;
}

const char *config_secret(const struct md_config *cfg, const char *name)
{
	/* The last one wins, as for other settings. */
	for (int i = cfg->nsecrets - 1; i >= 0; i--)
		if (!strcmp(cfg->secrets[i].name, name))
			return cfg->secrets[i].value;
	return NULL;
}

const struct md_notifier *config_notifier(const struct md_config *cfg, const char *name)
{
	for (int i = 0; i < cfg->nnotifiers; i++)
		if (!strcmp(cfg->notifiers[i].name, name))
			return &cfg->notifiers[i];
	return NULL;
}

/* The notifier of that name, added when it is new. */
static struct md_notifier *notifier_named(struct md_config *cfg, const char *name, int line)
{
	struct md_notifier *n = (struct md_notifier *)config_notifier(cfg, name);
	if (n)
		return n;
	cfg->notifiers = xrealloc(cfg->notifiers, sizeof *cfg->notifiers * (size_t)(cfg->nnotifiers + 1));
	n = &cfg->notifiers[cfg->nnotifiers++];
	memset(n, 0, sizeof *n);
	n->name = xstrdup(name);
	n->line = line;
	return n;
}

/* Notify.<name>.<Field> = v (key is "<name>.<Field>", v trimmed). */
static int add_notify(struct md_config *cfg, const char *key, const char *v, int line, struct buf *why)
{
	const char *dot = strrchr(key, '.');
	char *name = dot ? xstrndup(key, (size_t)(dot - key)) : NULL;
	int rc = -1;
	if (!name || !ident_valid(name)) {
		buf_printf(why,
			   "Notify.%s: expected Notify.<name>.URL, .Format, .Secret or .Mailto, the name matching "
			   "[a-z0-9][a-z0-9_-]{0,63}",
			   key);
	} else if (strcmp(dot + 1, "URL") && strcmp(dot + 1, "Format") && strcmp(dot + 1, "Secret") &&
		   strcmp(dot + 1, "Mailto")) {
		buf_printf(why, "Notify.%s: unknown field \"%s\" (URL, Format, Secret and Mailto are known)", key,
			   dot + 1);
	} else if (notifier_field_check(key, dot + 1, v, why) == 0) {
		struct md_notifier *n = notifier_named(cfg, name, line);
		char **field = !strcmp(dot + 1, "URL")      ? &n->url
			       : !strcmp(dot + 1, "Format") ? &n->format
			       : !strcmp(dot + 1, "Secret") ? &n->secret
							    : &n->mailto;
		free(*field);
		*field = xstrdup(v);
		rc = 0;
	}
	free(name);
	return rc;
}

/* One line, without its '\n'. Returns 0, or -1 with the reason in why. */
static int parse_line(struct md_config *cfg, const char *p, const char *end, int line, struct buf *why)
{
	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if (p == end || *p == '#')
		return 0;
	const char *eq = memchr(p, '=', (size_t)(end - p));
	if (!eq) {
		buf_puts(why, "expected \"Name = value\"");
		return -1;
	}
	const char *ne = eq;
	while (ne > p && is_space(ne[-1]))
		ne--;
	const struct setting *s = find_setting(p, (size_t)(ne - p));
	if (!s && ne - p > 7 && !strncmp(p, "Secret.", 7))
		return add_secret(cfg, p + 7, (size_t)(ne - p - 7), eq + 1, end, why);
	if (!s && ne - p > 7 && !strncmp(p, "Notify.", 7)) {
		const char *v = eq + 1;
		while (v < end && is_space(*v))
			v++;
		char *key = xstrndup(p + 7, (size_t)(ne - p - 7)), *val = xstrndup(v, (size_t)(end - v));
		int rc = memchr(v, '\0', (size_t)(end - v)) ? -1 : add_notify(cfg, key, val, line, why);
		if (rc && !why->len)
			buf_printf(why, "Notify.%s: NUL byte in value", key);
		free(key);
		free(val);
		return rc;
	}
	if (!s) {
		buf_puts(why, "unknown setting \"");
		buf_append(why, p, (size_t)(ne - p) > 80 ? 80 : (size_t)(ne - p));
		buf_puts(why, "\"");
		return -1;
	}
	const char *v = eq + 1;
	while (v < end && is_space(*v))
		v++;
	if (memchr(v, '\0', (size_t)(end - v))) {
		buf_printf(why, "%s: NUL byte in value", s->name);
		return -1;
	}
	char *val = xstrndup(v, (size_t)(end - v));
	int rc = set_value(cfg, s, val, why);
	free(val);
	return rc;
}

int config_parse(const char *text, size_t len, const char *name, struct md_config *cfg, struct buf *err)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->path = xstrdup(name);
	struct buf why = {0};
	for (size_t i = 0; i < NSETTINGS; i++)
		set_value(cfg, &settings[i], settings[i].dflt, &why);

	const char *p = text, *end = text + len;
	for (int line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (parse_line(cfg, p, le, line, &why)) {
			buf_printf(err, "%s:%d: %s", name, line, buf_str(&why));
			buf_free(&why);
			config_free(cfg);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	/* A notifier is whole only with all its lines read. */
	for (int i = 0; i < cfg->nnotifiers; i++)
		if (notifier_check(&cfg->notifiers[i], &why)) {
			buf_printf(err, "%s:%d: %s", name, cfg->notifiers[i].line, buf_str(&why));
			buf_free(&why);
			config_free(cfg);
			return -1;
		}
	buf_free(&why);
	return 0;
}

int config_load(const char *path, struct md_config *cfg, struct buf *err)
{
	memset(cfg, 0, sizeof *cfg);
	FILE *f = fopen(path, "r");
	if (!f) {
		buf_printf(err, "%s: cannot read settings file: %s", path, strerror(errno));
		return -1;
	}
	struct buf text = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_append(&text, chunk, n);
		if (text.len > 1 << 20) {
			buf_printf(err, "%s: settings file larger than 1 MiB", path);
			fclose(f);
			buf_free(&text);
			return -1;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		buf_printf(err, "%s: read error", path);
		buf_free(&text);
		return -1;
	}
	int rc = config_parse(buf_str(&text), text.len, path, cfg, err);
	buf_free(&text);
	return rc;
}

void config_free(struct md_config *cfg)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (settings[i].kind == K_STR || settings[i].kind == K_DIR) {
			char **p = (char **)((char *)cfg + settings[i].off);
			free(*p);
			*p = NULL;
		}
	for (int i = 0; i < cfg->nsecrets; i++) {
		free(cfg->secrets[i].name);
		free(cfg->secrets[i].value);
	}
	free(cfg->secrets);
	cfg->secrets = NULL;
	cfg->nsecrets = 0;
	for (int i = 0; i < cfg->nnotifiers; i++) {
		struct md_notifier *n = &cfg->notifiers[i];
		free(n->name);
		free(n->url);
		free(n->format);
		free(n->secret);
		free(n->mailto);
	}
	free(cfg->notifiers);
	cfg->notifiers = NULL;
	cfg->nnotifiers = 0;
	free(cfg->path);
	cfg->path = NULL;
}

/* Whether line [p, end) sets name: "name =" after blanks, or with
 * comment "#name =" (a commented-out sample). */
static int line_sets(const char *p, const char *end, const char *name, int comment)
{
	while (p < end && is_space(*p))
		p++;
	if (comment) {
		if (p == end || *p != '#')
			return 0;
		p++;
	}
	size_t n = strlen(name);
	if ((size_t)(end - p) < n || memcmp(p, name, n))
		return 0;
	for (p += n; p < end && is_space(*p); p++)
		;
	return p < end && *p == '=';
}

void config_set_text(const char *text, size_t len, const char *name, const char *value, struct buf *out)
{
	const char *end = text + len, *set = NULL, *sample = NULL;
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (line_sets(p, le, name, 0))
			set = p;
		else if (line_sets(p, le, name, 1))
			sample = p;
		p = nl ? nl + 1 : end;
	}
	const char *at = set ? set : sample;
	if (!at) {
		buf_append(out, text, len);
		if (len && text[len - 1] != '\n')
			buf_putc(out, '\n');
		buf_printf(out, "%s = %s\n", name, value);
		return;
	}
	const char *nl = memchr(at, '\n', (size_t)(end - at));
	const char *after = nl ? nl + 1 : end;
	/* A set line is replaced; after a sample the line is added. */
	buf_append(out, text, (size_t)((set ? at : after) - text));
	if (!set && !nl)
		buf_putc(out, '\n');
	buf_printf(out, "%s = %s\n", name, value);
	buf_append(out, after, (size_t)(end - after));
}
