/* SPDX-License-Identifier: MIT */
/* check.c: `mdash check-config`: is this installation ready? It checks
 * what the app and the updater need, each on its own line, and goes on
 * after a failure so that one run shows everything to fix:
 *
 *   the settings file (already parsed when the command runs; a syntax
 *   error stops mdash before, as FILE:LINE), the database connection,
 *   that every migration in SchemaDir is applied, the account of sql
 *   sources when it has settings of its own, the templates (present and
 *   parsed by ClearSilver, a widget template for every registered type),
 *   the nchan publisher (a POST to a channel no page follows), PluginDir,
 *   and that the updater may write its lock file.
 *
 * Run as root, it checks the lock file for the user "mdash" (the one the
 * systemd units and the cron example use) when that user exists. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "alert.h"
#include "cs.h"
#include "db.h"
#include "pass.h"
#include "publish.h"
#include "render.h"
#include "schema.h"
#include "source.h"
#include "wtype.h"

static const char usage[] = "usage: mdash check-config\n"
			    "Checks the settings file, the database connection, that the schema is fully\n"
			    "migrated, the templates, the publisher URL, PluginDir and the lock file's\n"
			    "directory. Prints one line per check, \"ok   WHAT\" or \"FAIL WHAT: WHY\", and\n"
			    "exits 1 if any check failed.\n";

/* The pages the app renders; dashboard, index, error and login include the
 * layout files, widget.cs wraps every widget type's template. */
static const char *const pages[] = {"dashboard.cs", "index.cs", "error.cs", "login.cs"};
static const char *const parts[] = {"layout-head.cs", "layout-foot.cs", "widget.cs"};
#define UNKNOWN_TEMPLATE "widgets/unknown.cs"
/* The publisher check's channel: a dashboard channel's shape, so that the
 * site's /pub/ location takes it; pages ignore its message. */
#define CHECK_CHANNEL "_d_check"
#define UPDATER_USER "mdash"

static int failures;

static void report(int good, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(int good, const char *fmt, ...)
{
	va_list ap;
	fputs(good ? "ok   " : "FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	if (!good)
		failures++;
}

/* "database NAME on WHERE as USER", as the connection will be made. */
static void describe_dsn(struct buf *b, const char *name, const char *host, long port, const char *sock,
			 const char *user)
{
	buf_printf(b, "database %s ", name);
	if (sock && *sock)
		buf_printf(b, "on socket %s", sock);
	else if (!strcmp(host, "localhost"))
		buf_puts(b, "on localhost (the client library's default socket)");
	else
		buf_printf(b, "on %s:%ld", host, port ? port : 3306);
	buf_printf(b, " as %s", user);
}

static void check_settings(const struct md_config *cfg)
{
	struct stat st;
	/* A webhook's URL is often its secret. */
	int secret = *cfg->db.password || *cfg->sql.password || cfg->nsecrets > 0 || cfg->nnotifiers > 0;
	if (stat(cfg->path, &st) == 0 && (st.st_mode & S_IROTH) && secret)
		report(0, "settings %s: every user may read it, and it holds passwords (chmod 0640, group %s)",
		       cfg->path, UPDATER_USER);
	else
		report(1, "settings %s", cfg->path);
}

static int check_database(const struct md_config *cfg)
{
	struct buf what = {0}, err = {0};
	describe_dsn(&what, cfg->db.name, cfg->db.host, cfg->db.port, cfg->db.socket, cfg->db.user);
	int rc = db_ping(&err);
	if (rc)
		report(0, "%s: %s", buf_str(&what), buf_str(&err));
	else
		report(1, "%s", buf_str(&what));
	buf_free(&what);
	buf_free(&err);
	return rc == 0;
}

/* Every NNN_*.sql in SchemaDir must have its row in schema_migrations. */
static void check_schema(const struct md_config *cfg, int db_ok)
{
	char **files = NULL;
	int nfiles = migration_files(cfg->schema_dir, &files);
	if (nfiles < 0) {
		report(0, "schema: cannot read SchemaDir %s: %s", cfg->schema_dir, strerror(errno));
		return;
	}

	long long *applied = NULL;
	struct buf err = {0}, missing = {0}, extra = {0};
	int nmissing = 0, nextra = 0, napplied = 0;
	if (nfiles == 0) {
		report(0, "schema: no migrations (NNN_name.sql) in SchemaDir %s", cfg->schema_dir);
	} else if (!db_ok) {
		report(0, "schema: not checked: no connection to the database");
	} else if (schema_applied(&applied, &napplied, &err)) {
		if (strstr(buf_str(&err), "doesn't exist"))
			report(0, "schema: the database has no tables yet: run mdash migrate");
		else
			report(0, "schema: %s", buf_str(&err));
	} else {
		for (int i = 0; i < nfiles; i++) {
			long version = strtol(files[i], NULL, 10);
			int found = 0;
			for (int k = 0; k < napplied && !found; k++)
				found = applied[k] == version;
			if (!found)
				buf_printf(&missing, "%s%s", nmissing++ ? ", " : "", files[i]);
		}
		for (int k = 0; k < napplied; k++) {
			long long version = applied[k];
			int found = 0;
			for (int i = 0; i < nfiles && !found; i++)
				found = strtol(files[i], NULL, 10) == version;
			if (!found)
				buf_printf(&extra, "%s%03lld", nextra++ ? ", " : "", version);
		}
		if (nmissing)
			report(0, "schema: %d of %d migrations not applied (%s): run mdash migrate", nmissing, nfiles,
			       buf_str(&missing));
		else if (nextra)
			report(0,
			       "schema: the database has migrations that SchemaDir %s lacks (%s): "
			       "this mdash is older than the database",
			       cfg->schema_dir, buf_str(&extra));
		else
			report(1, "schema: all %d migrations applied (SchemaDir %s)", nfiles, cfg->schema_dir);
	}
	free(applied);
	buf_free(&err);
	buf_free(&missing);
	buf_free(&extra);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
}

static void report_rule(const char *line, void *ctx)
{
	(void)ctx;
	report(0, "alert rule of %s", line);
}

/* The notifiers (sendmail for Mailto ones) and every widget's alert rule
 * against them. */
static void check_alerts(const struct md_config *cfg, int db_ok)
{
	struct buf names = {0}, err = {0};
	int mail = 0;
	for (int i = 0; i < cfg->nnotifiers; i++) {
		buf_printf(&names, "%s%s", i ? ", " : "", cfg->notifiers[i].name);
		mail |= cfg->notifiers[i].mailto != NULL;
	}
	if (mail && access(cfg->sendmail, X_OK))
		report(0, "Notify.Sendmail %s: %s (the Mailto notifiers need it)", cfg->sendmail, strerror(errno));
	int bad = db_ok ? alert_check_rules(cfg, report_rule, NULL, &err) : 0;
	if (!db_ok)
		report(0, "alert rules: not checked: no connection to the database");
	else if (bad < 0)
		report(0, "alert rules: %s", buf_str(&err));
	else if (!bad)
		report(1, "alert rules; notifiers: %s", cfg->nnotifiers ? buf_str(&names) : "none");
	buf_free(&names);
	buf_free(&err);
}

/* The account of sql sources, when any SQL.* setting is given. */
static void check_sql_account(const struct md_config *cfg)
{
	const struct md_dsn *s = &cfg->sql;
	if (!*s->host && !s->port && !*s->socket && !*s->name && !*s->user && !*s->password)
		return;
	struct md_dsn a;
	struct buf what = {0}, err = {0};
	source_sql_account(cfg, &a);
	buf_puts(&what, "sql sources' account: ");
	describe_dsn(&what, a.name, a.host, a.port, a.socket, a.user);
	if (source_sql_try(cfg, 3, &err))
		report(0, "%s: %s", buf_str(&what), buf_str(&err));
	else
		report(1, "%s", buf_str(&what));
	buf_free(&what);
	buf_free(&err);
}

static void template_path(const struct md_config *cfg, const char *file, struct buf *out)
{
	buf_reset(out);
	if (file[0] == '/')
		buf_puts(out, file);
	else
		buf_printf(out, "%s/%s", cfg->template_dir, file);
}

/* A file the app reads: present and readable. */
static int readable_template(const struct md_config *cfg, const char *file, struct buf *path)
{
	template_path(cfg, file, path);
	if (access(path->data, R_OK) == 0)
		return 1;
	report(0, "template %s: %s: %s", file, path->data, strerror(errno));
	return 0;
}

static void check_templates(const struct md_config *cfg)
{
	struct buf path = {0}, err = {0}, out = {0};
	int bad = failures, npages = 0, ntypes = 0;
	struct stat st;
	if (stat(cfg->template_dir, &st) || !S_ISDIR(st.st_mode)) {
		report(0, "templates: TemplateDir %s: %s", cfg->template_dir,
		       access(cfg->template_dir, F_OK) ? strerror(errno) : "not a directory");
		return;
	}
	int wrapper = 1;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (!readable_template(cfg, parts[i], &path) && !strcmp(parts[i], "widget.cs"))
			wrapper = 0;
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		if (!readable_template(cfg, pages[i], &path))
			continue;
		buf_reset(&err);
		if (render_parse(cfg, &pages[i], 1, &err))
			report(0, "template %s: %s", pages[i], buf_str(&err));
		else
			npages++;
	}
	/* Each type's template is parsed before the wrapper that calls it (i < 0:
	 * the template of widgets whose type is not installed). */
	for (int i = -1; i < wtype_count(); i++) {
		const char *file = i < 0 ? UNKNOWN_TEMPLATE : wtype_at(i)->template;
		struct buf what = {0};
		if (i < 0)
			buf_printf(&what, "template %s", file);
		else
			buf_printf(&what, "template %s (widget type %s)", file ? file : "", wtype_at(i)->name);
		if (!file || !*file)
			report(0, "%s: the type names none", buf_str(&what));
		else if (readable_template(cfg, file, &path)) {
			const char *files[2] = {file, "widget.cs"};
			buf_reset(&err);
			if (render_parse(cfg, files, wrapper ? 2 : 1, &err))
				report(0, "%s: %s", buf_str(&what), buf_str(&err));
			else if (i >= 0)
				ntypes++;
		}
		buf_free(&what);
	}
	/* The error page must also render: it is what the app shows when
	 * everything else fails. */
	HDF *hdf = render_hdf(cfg);
	buf_reset(&err);
	if (hdf && failures == bad && render_file(hdf, "error.cs", &out, &err))
		report(0, "template error.cs: does not render: %s", buf_str(&err));
	hdf_destroy(&hdf);
	if (failures == bad)
		report(1, "templates: %d pages and %d widget types (TemplateDir %s)", npages, ntypes,
		       cfg->template_dir);
	buf_free(&path);
	buf_free(&err);
	buf_free(&out);
}

/* Why a publish over the unix socket path found no answer, when the
 * system says more than libcurl: the socket is missing, or this user may
 * not reach it. */
static void socket_trouble(const char *path, struct buf *why)
{
	struct stat st;
	if (stat(path, &st))
		buf_printf(why, "%s: %s (is nginx running with the mdash site, whose publisher listens there?)", path,
			   strerror(errno));
	else if (access(path, W_OK))
		buf_printf(why, "%s: %s (only root and the group mdash may publish)", path, strerror(errno));
}

/* A POST as the updater makes it; nchan answers 201 or 202. */
static void check_publisher(const struct md_config *cfg)
{
	struct buf url = {0}, err = {0}, path = {0}, why = {0};
	long status;
	buf_printf(&url, "%s%s", cfg->publish_url, CHECK_CHANNEL);
	publish_status(cfg->publish_url, CHECK_CHANNEL, "{\"check\":\"mdash check-config\"}", &status, &err);
	if (status == 0 && publish_socket(cfg->publish_url, &path) == 1)
		socket_trouble(path.data, &why);
	if (status == 0 && why.len)
		report(0, "publisher %s: %s", url.data, why.data);
	else if (status == 0)
		report(0, "publisher %s: %s (is nginx running, and PublishURL right?)", url.data, buf_str(&err));
	else if (status >= 200 && status < 300)
		report(1, "publisher %s (HTTP %ld)", url.data, status);
	else if (status == 403)
		report(0, "publisher %s: HTTP 403: nginx does not let this host publish", url.data);
	else if (status == 404)
		report(0,
		       "publisher %s: HTTP 404: no nchan publisher there (PublishURL must name the mdash nginx "
		       "site's publisher socket, unix:SOCKET:/pub/)",
		       url.data);
	else
		report(0, "publisher %s: HTTP %ld", url.data, status);
	buf_free(&url);
	buf_free(&err);
	buf_free(&path);
	buf_free(&why);
}

static void check_plugins(const struct md_config *cfg)
{
	DIR *d = opendir(cfg->plugin_dir);
	if (!d) {
		report(0, "plug-ins: cannot read PluginDir %s: %s", cfg->plugin_dir, strerror(errno));
		return;
	}
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		n += len > 6 && !strncmp(e->d_name, "md_", 3) && !strcmp(e->d_name + len - 3, ".so");
	}
	closedir(d);
	report(1, "plug-ins: PluginDir %s (%d plug-in%s, %d widget types in all)", cfg->plugin_dir, n,
	       n == 1 ? "" : "s", wtype_count());
}

/* Optional: without the key file the app serves every page and fragment. */
static void check_fragment_key(const struct md_config *cfg)
{
	struct buf err = {0};
	int on = pass_enabled(cfg, &err);
	if (on > 0)
		report(1, "fragment key %s (nginx serves cached fragments and pages)", cfg->fragment_key_file);
	else if (on == 0)
		report(1, "fragment key %s: none, so the app serves every page and fragment (see mdash.conf(5))",
		       cfg->fragment_key_file);
	else
		report(0, "fragment key: %s", buf_str(&err));
	buf_free(&err);
}

/* May uid (with these groups) do what `bits` (02 write, 04 read, 01
 * search, as for "other") allows on a file of this stat? Mode bits only. */
static int may(const struct stat *st, uid_t uid, const gid_t *groups, int ngroups, mode_t bits)
{
	if (uid == 0)
		return 1;
	if (st->st_uid == uid)
		return ((st->st_mode >> 6) & bits) == bits;
	for (int i = 0; i < ngroups; i++)
		if (groups[i] == st->st_gid)
			return ((st->st_mode >> 3) & bits) == bits;
	return (st->st_mode & bits) == bits;
}

static void check_lock_file(const struct md_config *cfg)
{
	const char *file = cfg->lock_file;
	const char *slash = strrchr(file, '/');
	char *dir = slash ? xstrndup(file, slash == file ? 1 : (size_t)(slash - file)) : xstrdup(".");
	gid_t groups[64];
	int ngroups = 64;
	uid_t uid = geteuid();
	const char *who = "you";
	struct passwd *pw = getpwuid(uid);
	char *name = xstrdup(pw ? pw->pw_name : "?");
	if (uid == 0 && (pw = getpwnam(UPDATER_USER))) {
		/* root may write anywhere: what matters is the updater's user. */
		uid = pw->pw_uid;
		free(name);
		name = xstrdup(pw->pw_name);
		who = "the updater's user";
		if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &ngroups) < 0) {
			groups[0] = pw->pw_gid;
			ngroups = 1;
		}
	} else {
		int n = getgroups(63, groups + 1);
		groups[0] = getegid();
		ngroups = n < 0 ? 1 : n + 1;
	}
	struct stat st;
	if (stat(dir, &st)) {
		report(0, "lock file %s: its directory %s: %s%s", file, dir, strerror(errno),
		       !strcmp(dir, "/run/mdash") ? " (systemd-tmpfiles --create mdash.conf makes it)" : "");
	} else if (!S_ISDIR(st.st_mode)) {
		report(0, "lock file %s: %s is not a directory", file, dir);
	} else if (!may(&st, uid, groups, ngroups, 03)) {
		report(0, "lock file %s: user %s (%s) may not create files in %s", file, name, who, dir);
	} else if (stat(file, &st) == 0 && !may(&st, uid, groups, ngroups, 06)) {
		report(0, "lock file %s: user %s (%s) may not write it: remove it (mdash update makes it again)", file,
		       name, who);
	} else {
		report(1, "lock file %s: writable by user %s (%s)", file, name, who);
	}
	free(dir);
	free(name);
}

int cmd_check_config(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	if (argc != 1)
		return fail("check-config takes no arguments\n%s", usage);
	failures = 0;
	check_settings(cfg);
	int db_ok = check_database(cfg);
	check_schema(cfg, db_ok);
	check_sql_account(cfg);
	check_templates(cfg);
	check_publisher(cfg);
	check_plugins(cfg);
	check_fragment_key(cfg);
	check_lock_file(cfg);
	check_alerts(cfg, db_ok);
	return failures ? 1 : 0;
}
