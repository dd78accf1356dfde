/* SPDX-License-Identifier: MIT */
/* config.h: the settings file shared by the app and the CLI.
 *
 * The file is a subset of ClearSilver's HDF: one `Name = value` per line,
 * `#` comments, dotted names. Unknown names are errors, so a typo is caught
 * at start-up instead of silently falling back to a default. */
#ifndef MDASH_CONFIG_H
#define MDASH_CONFIG_H

#include "util.h"

struct md_config {
	char *path;                /* the file it came from */
	int require_login;         /* RequireLogin (seed: DASHBOARD_REQUIRE_LOGIN) */
	char *publish_url;         /* PublishURL (seed: DASHBOARD_MESSENGER_URL), ends in '/' */
	char *base_path;           /* BasePath: where nginx mounts the app, ends in '/' */
	char *public_url;          /* PublicURL: the site's address, for links; or "" */
	char *proxy_trusted;       /* Proxy.Trusted: proxies in front of nginx (proxy.h), or "" */
	char *proxy_header;        /* Proxy.Header: where they put the client's address */
	char *lock_file;           /* LockFile (seed: UPDATE_WIDGET_DATA_LOCKFILE) */
	char *template_dir;        /* TemplateDir */
	char *schema_dir;          /* SchemaDir */
	char *plugin_dir;          /* PluginDir */
	char *fragment_key_file;   /* FragmentKeyFile: key shared with nginx (pass.h) */
	long workers;              /* App.Workers: FastCGI worker processes */
	long threads;              /* App.Threads: connections each worker serves at once */
	char *push_socket;         /* App.PushSocket: the push loop's socket, or "" */
	long push_idle_timeout;    /* App.PushIdleTimeout: seconds a push connection may idle */
	long push_connections;     /* App.PushConnections: push connections at once */
	long cache_seconds;        /* App.CacheSeconds: longest a read is kept (read_cache.h); 0: none */
	long update_threads;       /* Update.Threads: concurrent source fetches */
	long source_timeout;       /* Update.Timeout: seconds per source fetch */
	long history_keep;         /* History.Keep: newest updates kept per widget */
	long history_days;         /* History.MaxAge: days an update is kept */
	long history_minute_days;  /* History.MinuteDays: days minute roll-ups are kept */
	long history_hour_days;    /* History.HourDays: days hour roll-ups are kept (at least the two above) */
	long audit_days;           /* Audit.MaxAge: days an audit log entry is kept */
	long session_idle_minutes; /* Session.IdleMinutes */
	long session_max_days;     /* Session.MaxDays: absolute lifetime */
	int secure_cookies;        /* Session.SecureCookie: also on without TLS seen */
	int log_level;             /* Log.Level: the least enum log_level logged */
	struct md_dsn {
		char *host;
		long port;
		char *socket;
		char *name;
		char *user;
		char *password;
	} db, sql;       /* SQL.*: the account sql sources use; empty parts come from db */
	long db_timeout; /* Database.Timeout: seconds the database may take to answer */
	/* Secret.<name> = value: credentials sources refer to by name, so that
	 * they stay out of the database and the declarative file. */
	struct md_secret {
		char *name, *value;
	} * secrets;
	int nsecrets;
	/* Notify.<name>.*: where alerts go (see notify.h). */
	struct md_notifier {
		char *name;
		char *url;    /* URL: a webhook, http:// or https://; or NULL */
		char *format; /* Format: "json" or "slack"; NULL means json */
		char *secret; /* Secret: the key of the body's HMAC-SHA256, or NULL */
		char *mailto; /* Mailto: addresses, separated by commas; or NULL */
		int line;     /* where the file first names it, for errors */
	} * notifiers;
	int nnotifiers;
	char *sendmail; /* Notify.Sendmail: the program Mailto notifiers run */
	/* Sources.Exec: the commands (absolute paths) and directories (ending
	 * in '/') that exec sources made through the app's API may run,
	 * separated by spaces; "" (the default): none. */
	char *sources_exec;
};

/* A Secret.<name>'s value, or NULL. */
const char *config_secret(const struct md_config *cfg, const char *name);
/* The notifier Notify.<name>, or NULL. */
const struct md_notifier *config_notifier(const struct md_config *cfg, const char *name);

/* The settings file's path: $MDASH_CONFIG, else the installed default,
 * which is under this build's sysconfdir (/etc, or /usr/local/etc ...). */
const char *config_default_path(void);
const char *config_installed_path(void);

/* Loads and validates a settings file. On error returns -1 and puts
 * "FILE:LINE: what is wrong" into err; cfg is then left freed. */
int config_load(const char *path, struct md_config *cfg, struct buf *err);
int config_parse(const char *text, size_t len, const char *name, struct md_config *cfg, struct buf *err);
void config_free(struct md_config *cfg);

/* The settings file's text (text, len) with name set to value, into out:
 * the last line that sets name (the one that counts) gets the value;
 * without one, a line goes after the last commented-out "#name =" sample,
 * or at the end. Every other line, comment and blank stays as it was. */
void config_set_text(const char *text, size_t len, const char *name, const char *value, struct buf *out);

#endif
