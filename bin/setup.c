/* SPDX-License-Identifier: MIT */
/* setup.c: `mdash setup`, a server's whole first run after installing the
 * package (or `make install`), and safe to run again:
 *
 *   the settings file       mode 0640, owner root, group mdash
 *   the database            created as MariaDB's administrator (root over
 *                           the local socket, or --db-admin FILE) with its
 *                           account and a random password, which goes into
 *                           the settings file (Database.Password)
 *   the schema              the migrations the database lacks
 *   the fragment key        FragmentKeyFile, made when there is none
 *   the first administrator when there is none (password from the terminal
 *                           or one line of stdin, asked before any change)
 *   the nginx site          linked into sites-enabled, checked, reloaded
 *   the systemd units       mdash-fcgi.socket and mdash-update.timer
 *
 * Each step prints one line: "ok" (already so), "done" (done now), "will"
 * (--dry-run), "todo" (what it could not do, for the administrator: one
 * line each, e.g. another default nginx site) or "FAIL". Then mdash
 * check-config's lines and verdict, and the address to open. A run that
 * changes nothing says so.
 *
 * For tests and unusual systems: MDASH_NGINX_DIR (default /etc/nginx) and
 * MDASH_NGINX_SITE (the site to link), MDASH_SYSTEMCTL (the systemctl
 * program; empty: there is no systemd). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "commands.h"
#include "db.h"
#include "dbadmin.h"
#include "ident.h"
#include "pass.h"
#include "run.h"
#include "schema.h"
#include "token.h"

static const char usage[] =
	"usage: mdash setup [--dry-run] [--admin NAME] [--db-admin FILE]\n"
	"A server's first run, safe to run again: creates the database and its account\n"
	"(as MariaDB's root over the local socket, or as the account in FILE, a MariaDB\n"
	"option file with user and password) with a random password that goes into the\n"
	"settings file, applies the migrations, makes the fragment key, adds the first\n"
	"administrator NAME (default admin; the password from the terminal, or one line\n"
	"of stdin), enables the nginx site and the systemd units, and ends with mdash\n"
	"check-config's verdict and the address to open.\n"
	"  --dry-run  print what it would do, and change nothing\n";

#ifndef MDASH_DATADIR
#define MDASH_DATADIR "/usr/share"
#endif
#ifndef MDASH_SYSCONFDIR
#define MDASH_SYSCONFDIR "/etc"
#endif
#define SERVICE_USER "mdash"
#define UNITS "mdash-fcgi.socket", "mdash-update.timer"
#define APP_SERVICE "mdash-fcgi.service"

enum mark { OK, DONE, WILL, TODO, FAILED };

struct setup {
	const struct md_config *cfg; /* as read at start */
	struct md_config fresh;      /* as written, once the password changed */
	int dry, changed, planned, todo, failed, settings_changed, key_made;
	const char *admin, *db_admin;
	gid_t group; /* the group mdash, or (gid_t)-1 when there is none */
	char password[49]; /* a new database password, or "" */
	int db_ready;      /* the settings' account reaches the database */
	int need_admin;    /* no administrator yet (or no tables) */
	char *admin_found; /* the first administrator, when there is one */
	struct dbadmin *dba; /* as MariaDB's administrator, when needed */
	struct buf dba_err;  /* why that connection failed */
	struct buf admin_pw;
};

static void report(struct setup *s, enum mark m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(struct setup *s, enum mark m, const char *fmt, ...)
{
	static const char *const words[] = {"ok  ", "done", "will", "todo", "FAIL"};
	va_list ap;
	printf("%s  ", words[m]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	s->changed += m == DONE;
	s->planned += m == WILL;
	s->todo += m == TODO;
	s->failed += m == FAILED;
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v ? v : dflt;
}

/* ---- The settings file ---- */

static void step_settings_mode(struct setup *s)
{
	const char *path = s->cfg->path;
	struct stat st;
	if (stat(path, &st)) {
		report(s, FAILED, "settings %s: %s", path, strerror(errno));
		return;
	}
	int mode_ok = (st.st_mode & 07777) == 0640;
	int group_ok = s->group == (gid_t)-1 || st.st_gid == s->group;
	int owner_ok = geteuid() != 0 || st.st_uid == 0;
	const char *who = s->group == (gid_t)-1 ? "" : ", group " SERVICE_USER;
	if (mode_ok && group_ok && owner_ok) {
		report(s, OK, "settings %s (mode 0640%s)", path, who);
	} else if (s->dry) {
		report(s, WILL, "settings %s: mode 0640%s%s", path, owner_ok ? "" : ", owner root", who);
	} else if (chmod(path, 0640) || (!owner_ok && chown(path, 0, (gid_t)-1)) ||
		   (!group_ok && chown(path, (uid_t)-1, s->group))) {
		report(s, FAILED, "settings %s: cannot set its mode or owner: %s", path, strerror(errno));
	} else {
		report(s, DONE, "settings %s: mode 0640%s%s", path, owner_ok ? "" : ", owner root", who);
	}
}

/* Writes Database.Password into the settings file, the rest as it was. */
static int write_password(struct setup *s)
{
	const char *path = s->cfg->path;
	struct buf err = {0}, out = {0};
	FILE *f = fopen(path, "r");
	struct buf text = {0};
	char chunk[4096];
	size_t n;
	if (!f) {
		report(s, FAILED, "settings %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&text, chunk, n);
	fclose(f);
	config_set_text(buf_str(&text), text.len, "Database.Password", s->password, &out);
	int rc = file_replace(path, out.data, out.len, 0640, s->group, &err);
	if (rc)
		report(s, FAILED, "Database.Password: %s", buf_str(&err));
	else
		report(s, DONE, "Database.Password: the new password is in %s (mode 0640%s)", path,
		       s->group == (gid_t)-1 ? "" : ", group " SERVICE_USER);
	s->settings_changed |= rc == 0;
	explicit_bzero(out.data, out.len);
	explicit_bzero(text.data, text.len);
	buf_free(&out);
	buf_free(&text);
	buf_free(&err);
	return rc;
}

/* ---- The database and its account ---- */

static int new_password(struct setup *s)
{
	unsigned char raw[24];
	int rc = random_bytes(raw, sizeof raw);
	if (rc == 0)
		hex_encode(raw, sizeof raw, s->password);
	explicit_bzero(raw, sizeof raw);
	return rc;
}

/* The database, the account, its grant and its password, as the
 * administrator. Only when the settings' account does not get in. */
static void step_database_as_admin(struct setup *s)
{
	const struct md_config *c = s->cfg;
	const char *host = dbadmin_account_host(c);
	struct dbadmin *a = NULL;
	struct buf err = {0};
	int have_db = 0, have_user = 0, granted = 0;
	if (!dbadmin_name_ok(c->db.name) || !dbadmin_name_ok(c->db.user)) {
		report(s, FAILED, "database: Database.Name and Database.User must be letters, digits and _ for setup "
				  "to create them");
		return;
	}
	if (!(a = s->dba)) {
		report(s, FAILED, "database: cannot connect as %s: %s (run mdash setup as root on the database's host, "
				  "or name an administrator's option file with --db-admin FILE)",
		       s->db_admin ? s->db_admin : "MariaDB's root", buf_str(&s->dba_err));
		goto out;
	}
	if (dbadmin_database_exists(a, c->db.name, &have_db, &err) ||
	    dbadmin_user_exists(a, c->db.user, host, &have_user, &err) ||
	    (have_user && dbadmin_has_grant(a, c->db.user, host, c->db.name, &granted, &err))) {
		report(s, FAILED, "database: %s", buf_str(&err));
		goto out;
	}
	if (have_db)
		report(s, OK, "database %s", c->db.name);
	else if (s->dry)
		report(s, WILL, "database %s: create it (utf8mb4) as %s", c->db.name,
		       s->db_admin ? s->db_admin : "root");
	else if (dbadmin_create_database(a, c->db.name, &err))
		report(s, FAILED, "database %s: %s", c->db.name, buf_str(&err));
	else
		report(s, DONE, "database %s created (utf8mb4) as %s", c->db.name, dbadmin_who(a));
	/* The settings' password if it gets in; else that one, or a new one
	 * when there is none. */
	struct buf why = {0};
	int gets_in = have_user && *c->db.password && dbadmin_try_login(c, c->db.password, &why) == 0;
	buf_free(&why);
	if (!gets_in && !*c->db.password && new_password(s)) {
		report(s, FAILED, "database: no random bytes for a password: %s", strerror(errno));
		goto out;
	}
	const char *pw = *s->password ? s->password : c->db.password;
	const char *how = *s->password ? "a new random password" : "the password in the settings file";
	if (gets_in)
		report(s, OK, "account '%s'@'%s': the settings' password gets in", c->db.user, host);
	else if (s->dry)
		report(s, WILL, "account '%s'@'%s': %s, with %s", c->db.user, host,
		       have_user ? "set its password" : "create it", how);
	else if (dbadmin_set_user(a, c->db.user, host, pw, !have_user, &err))
		report(s, FAILED, "account '%s'@'%s': %s", c->db.user, host, buf_str(&err));
	else
		report(s, DONE, "account '%s'@'%s' %s, with %s", c->db.user, host,
		       have_user ? "given a password" : "created", how);
	if (granted)
		report(s, OK, "account '%s'@'%s' may use all of database %s", c->db.user, host, c->db.name);
	else if (s->dry)
		report(s, WILL, "account '%s'@'%s': grant it all of database %s", c->db.user, host, c->db.name);
	else if (dbadmin_grant(a, c->db.user, host, c->db.name, &err))
		report(s, FAILED, "account '%s'@'%s': %s", c->db.user, host, buf_str(&err));
	else
		report(s, DONE, "account '%s'@'%s' may use all of database %s", c->db.user, host, c->db.name);
	if (*s->password) {
		if (s->dry)
			report(s, WILL, "Database.Password: write the new password into %s", c->path);
		else if (!s->failed)
			write_password(s);
	}
out:
	buf_free(&err);
}

/* The settings as written, for everything after the database steps. */
static const struct md_config *settings_now(struct setup *s)
{
	return s->fresh.path ? &s->fresh : s->cfg;
}

static int reload_settings(struct setup *s)
{
	struct buf err = {0};
	if (config_load(s->cfg->path, &s->fresh, &err)) {
		report(s, FAILED, "%s", buf_str(&err));
		buf_free(&err);
		return -1;
	}
	db_close();
	db_init(&s->fresh);
	return 0;
}

/* ---- The schema ---- */

static void step_schema(struct setup *s)
{
	const struct md_config *c = settings_now(s);
	char **files = NULL;
	int nfiles = migration_files(c->schema_dir, &files), pending = 0;
	long long version = 0;
	struct buf err = {0}, names = {0};
	if (nfiles <= 0) {
		report(s, FAILED, "schema: no migrations in SchemaDir %s", c->schema_dir);
		goto out;
	}
	if (s->db_ready && schema_version(&version, &err)) {
		report(s, FAILED, "schema: %s", buf_str(&err));
		goto out;
	}
	for (int i = 0; i < nfiles; i++)
		if (strtol(files[i], NULL, 10) > version)
			buf_printf(&names, "%s%s", pending++ ? ", " : "", files[i]);
	if (!pending) {
		report(s, OK, "schema: all %d migrations applied", nfiles);
	} else if (s->dry) {
		report(s, WILL, "schema: apply %d migration%s (%s)", pending, pending == 1 ? "" : "s", buf_str(&names));
	} else {
		/* migrate's own lines would come between ours: only its errors show. */
		char *argv[] = {"migrate", NULL};
		fflush(stdout);
		int saved = dup(1), devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (saved >= 0 && devnull >= 0)
			dup2(devnull, 1);
		int rc = cmd_migrate(c, 1, argv);
		fflush(stdout);
		if (saved >= 0)
			dup2(saved, 1);
		if (saved >= 0)
			close(saved);
		if (devnull >= 0)
			close(devnull);
		if (rc)
			report(s, FAILED, "schema: the migrations failed (see above)");
		else
			report(s, DONE, "schema: applied %d migration%s", pending, pending == 1 ? "" : "s");
	}
out:
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	buf_free(&err);
	buf_free(&names);
}

/* ---- The fragment key ---- */

static void step_key(struct setup *s)
{
	const struct md_config *c = settings_now(s);
	const char *path = c->fragment_key_file;
	struct buf err = {0};
	if (!*path) {
		report(s, OK, "fragment key: FragmentKeyFile is empty, so the app serves every page itself");
		return;
	}
	int on = pass_enabled(c, &err);
	if (on > 0) {
		report(s, OK, "fragment key %s", path);
	} else if (on < 0) {
		report(s, TODO, "fragment key: %s: remove it (mdash setup makes a new one) or mend it", buf_str(&err));
	} else if (s->dry) {
		report(s, WILL, "fragment key %s: make one", path);
	} else if (pass_make_key(path, s->group, &err) < 0) {
		report(s, FAILED, "fragment key: %s", buf_str(&err));
	} else {
		report(s, DONE, "fragment key %s made (mode 0640%s)", path,
		       s->group == (gid_t)-1 ? "" : ", group " SERVICE_USER);
		s->key_made = 1;
		pass_reset();
	}
	buf_free(&err);
}

/* ---- The first administrator ---- */

/* Before any change: is there an administrator, and if not, the password. */
static int plan_admin(struct setup *s)
{
	struct buf err = {0};
	long long version = 0;
	if (s->db_ready) {
		if (!schema_version(&version, &err) && version > 0)
			user_first_admin(&s->admin_found, &err);
	} else if (s->dba) {
		dbadmin_first_admin(s->dba, s->cfg->db.name, &s->admin_found, &err);
	}
	s->need_admin = !s->admin_found;
	buf_free(&err);
	if (!s->need_admin || s->dry)
		return 0;
	if (isatty(0))
		fprintf(stderr, "The first administrator, %s, needs a password.\n", s->admin);
	return ask_password(&s->admin_pw);
}

static void step_admin(struct setup *s)
{
	struct buf err = {0};
	if (!s->need_admin)
		report(s, OK, "administrator %s", s->admin_found);
	else if (s->dry)
		report(s, WILL, "administrator %s: add it (its password is asked first)", s->admin);
	else if (user_add(s->admin, s->admin_pw.data, ROLE_ADMIN, &err))
		report(s, FAILED, "administrator %s: %s", s->admin, buf_str(&err));
	else
		report(s, DONE, "administrator %s added", s->admin);
	buf_free(&err);
}

/* ---- nginx ---- */

/* Another enabled site that takes every name nobody else does. */
static char *other_default_site(const char *enabled, const char *site)
{
	char *found = NULL;
	char **names = NULL;
	int n = 0;
	DIR *d = opendir(enabled);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, sizeof *names * (size_t)(n + 1));
		names[n++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	char real_site[PATH_MAX], real[PATH_MAX];
	int have_site = realpath(site, real_site) != NULL;
	for (int i = 0; i < n && !found; i++) {
		struct buf path = {0};
		buf_printf(&path, "%s/%s", enabled, names[i]);
		FILE *f = (have_site && realpath(path.data, real) && !strcmp(real, real_site)) ? NULL
											 : fopen(path.data, "r");
		char line[1024];
		while (f && !found && fgets(line, sizeof line, f)) {
			const char *p = line + strspn(line, " \t");
			if (*p != '#' && strstr(p, "listen") && strstr(p, "default_server"))
				found = xstrdup(path.data);
		}
		if (f)
			fclose(f);
		buf_free(&path);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return found;
}

/* The site's link among the enabled ones, or NULL. */
static char *site_link(const char *enabled, const char *site)
{
	char real_site[PATH_MAX], real[PATH_MAX];
	char *found = NULL;
	if (!realpath(site, real_site))
		return NULL;
	DIR *d = opendir(enabled);
	struct dirent *e;
	while (d && !found && (e = readdir(d))) {
		struct buf path = {0};
		buf_printf(&path, "%s/%s", enabled, e->d_name);
		if (e->d_name[0] != '.' && realpath(path.data, real) && !strcmp(real, real_site))
			found = buf_steal(&path);
		buf_free(&path);
	}
	if (d)
		closedir(d);
	return found;
}

/* The line of a program's output that says what went wrong (nginx's
 * "[emerg]" one), else its last line: for a one-line report. */
static const char *last_line(struct buf *out)
{
	while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
		out->data[--out->len] = '\0';
	char *emerg = out->len ? strstr(out->data, "[emerg]") : NULL;
	if (emerg) {
		char *nl = strchr(emerg, '\n');
		if (nl)
			*nl = '\0';
		return emerg;
	}
	const char *nl = out->len ? strrchr(out->data, '\n') : NULL;
	return nl ? nl + 1 : buf_str(out);
}

static int have_systemd(void)
{
	const char *prog = env_or("MDASH_SYSTEMCTL", "systemctl");
	return *prog && (getenv("MDASH_SYSTEMCTL") || access("/run/systemd/system", F_OK) == 0);
}

/* Tells nginx to read its configuration again: 0, or -1 and why. */
static int reload_nginx(const char *conf, struct buf *why)
{
	char *sysd[] = {(char *)env_or("MDASH_SYSTEMCTL", "systemctl"), "reload", "nginx", NULL};
	char *own[] = {"nginx", "-s", "reload", conf ? "-c" : NULL, (char *)conf, NULL};
	return run_capture(have_systemd() ? sysd : own, why) == 0 ? 0 : -1;
}

static void step_nginx(struct setup *s)
{
	const char *dir = env_or("MDASH_NGINX_DIR", "/etc/nginx");
	const char *site = env_or("MDASH_NGINX_SITE", MDASH_SYSCONFDIR "/nginx/sites-available/mdash");
	/* A directory of one's own (tests) has its own nginx.conf to check. */
	const char *conf_dir = getenv("MDASH_NGINX_DIR");
	struct buf enabled = {0}, link = {0}, out = {0}, conf = {0};
	buf_printf(&enabled, "%s/sites-enabled", dir);
	buf_printf(&link, "%s/mdash", enabled.data);
	if (conf_dir)
		buf_printf(&conf, "%s/nginx.conf", conf_dir);
	char *have = site_link(enabled.data, site), *other = NULL;
	struct stat st;
	if (have) {
		report(s, OK, "nginx site %s enabled (%s)", site, have);
		if (s->key_made && !s->dry && reload_nginx(conf.data, &out))
			report(s, TODO, "nginx: reload it, so that it reads the new fragment key: %s", last_line(&out));
	} else if (access(site, R_OK)) {
		report(s, TODO, "nginx: the site %s is not there (%s): install mdash's package (or make install "
				"with --sysconfdir=/etc)",
		       site, strerror(errno));
	} else if (stat(enabled.data, &st) || !S_ISDIR(st.st_mode)) {
		report(s, TODO, "nginx: no %s: include %s in nginx's http block yourself", enabled.data, site);
	} else if ((other = other_default_site(enabled.data, site))) {
		report(s, TODO,
		       "nginx: %s is another default site, which would answer instead of mdash: remove it "
		       "(rm %s) or give the mdash site a server_name in a copy, then run mdash setup again",
		       other, other);
	} else if (s->dry) {
		report(s, WILL, "nginx site: link %s to %s, check nginx's configuration and reload it", link.data,
		       site);
	} else if (symlink(site, link.data)) {
		report(s, FAILED, "nginx site: cannot link %s: %s", link.data, strerror(errno));
	} else {
		char *test[] = {"nginx", "-t", "-q", conf.data ? "-c" : NULL, conf.data, NULL};
		if (run_capture(test, &out) != 0) {
			unlink(link.data);
			report(s, FAILED, "nginx site: nginx -t refuses it, so it is not enabled: %s", last_line(&out));
		} else {
			report(s, DONE, "nginx site enabled: %s -> %s", link.data, site);
			buf_reset(&out);
			if (reload_nginx(conf.data, &out))
				report(s, TODO, "nginx: the site is enabled, but nginx did not reload: %s: reload it",
				       last_line(&out));
		}
	}
	free(have);
	free(other);
	buf_free(&enabled);
	buf_free(&link);
	buf_free(&out);
	buf_free(&conf);
}

/* ---- systemd ---- */

static int systemctl(const char *verb, char *const *units, struct buf *out)
{
	char *argv[8] = {(char *)env_or("MDASH_SYSTEMCTL", "systemctl"), (char *)verb};
	int n = 2;
	if (!strcmp(verb, "enable"))
		argv[n++] = "--now";
	for (int i = 0; units[i] && n < 7; i++)
		argv[n++] = units[i];
	argv[n] = NULL;
	return run_capture(argv, out);
}

static void step_units(struct setup *s)
{
	char *units[] = {UNITS, NULL};
	struct buf out = {0};
	if (!have_systemd()) {
		report(s, TODO,
		       "systemd is not running here: start the app with spawn-fcgi (man mdash.fcgi) and the "
		       "updater from cron (" MDASH_DATADIR "/doc/mdash/examples/mdash.cron)");
		return;
	}
	int enabled = systemctl("is-enabled", units, &out) == 0;
	buf_reset(&out);
	int active = systemctl("is-active", units, &out) == 0;
	buf_reset(&out);
	if (enabled && active) {
		report(s, OK, "systemd: mdash-fcgi.socket and mdash-update.timer enabled and started");
		if (s->settings_changed && !s->dry) {
			char *app[] = {APP_SERVICE, NULL};
			if (systemctl("try-restart", app, &out))
				report(s, TODO, "systemd: restart " APP_SERVICE " (it reads the settings at start): %s",
				       last_line(&out));
		}
	} else if (s->dry) {
		report(s, WILL, "systemd: systemctl enable --now mdash-fcgi.socket mdash-update.timer");
	} else if (systemctl("enable", units, &out)) {
		report(s, FAILED, "systemd: systemctl enable --now mdash-fcgi.socket mdash-update.timer: %s",
		       last_line(&out));
	} else {
		report(s, DONE, "systemd: mdash-fcgi.socket and mdash-update.timer enabled and started");
	}
	buf_free(&out);
}

/* ---- The end: check-config and the address ---- */

static int check_and_address(struct setup *s)
{
	const struct md_config *c = settings_now(s);
	char *argv[] = {"check-config", NULL};
	printf("\nmdash check-config:\n");
	fflush(stdout);
	pass_reset();
	int bad = cmd_check_config(c, 1, argv);
	printf("\n");
	if (!s->changed && !s->failed)
		printf("Nothing to do: this server was set up already%s.\n",
		       s->todo ? "; the todo lines above are for you" : "");
	if (bad)
		printf("mdash check-config: some checks FAIL (above).\n");
	else
		printf("mdash check-config: all checks ok.\n");
	struct buf url = {0};
	char host[256] = "localhost";
	if (*c->public_url) {
		buf_puts(&url, c->public_url);
	} else {
		gethostname(host, sizeof host - 1);
		buf_printf(&url, "http://%s%s", host, c->base_path);
	}
	printf("Open %s and log in as %s.\n", url.data, s->need_admin ? s->admin : s->admin_found);
	buf_free(&url);
	return bad;
}

int cmd_setup(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	struct setup s = {.cfg = cfg, .admin = "admin", .group = (gid_t)-1};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			s.dry = 1;
		else if (!strcmp(argv[i], "--admin") && i + 1 < argc)
			s.admin = argv[++i];
		else if (!strcmp(argv[i], "--db-admin") && i + 1 < argc)
			s.db_admin = argv[++i];
		else
			return fail("setup: unknown option %s\n%s", argv[i], usage);
	}
	if (!ident_valid(s.admin))
		return fail("--admin: \"%s\" must match [a-z0-9][a-z0-9_-]{0,63}", s.admin);
	struct group *g = getgrnam(SERVICE_USER);
	if (g)
		s.group = g->gr_gid;
	printf("mdash setup%s: settings %s\n", s.dry ? " --dry-run (nothing changes)" : "", cfg->path);

	/* Whether the settings' account gets in already decides the rest. */
	struct buf err = {0};
	s.db_ready = *cfg->db.password && db_ping(&err) == 0;
	buf_free(&err);
	if (!s.db_ready && dbadmin_name_ok(cfg->db.name) && dbadmin_name_ok(cfg->db.user))
		dbadmin_connect(cfg, s.db_admin, &s.dba, &s.dba_err);
	if (plan_admin(&s)) {
		dbadmin_close(s.dba);
		buf_free(&s.dba_err);
		buf_free(&s.admin_pw);
		free(s.admin_found);
		return 1;
	}
	if (!g)
		report(&s, TODO,
		       "system user " SERVICE_USER ": there is none (the package makes it): adduser --system "
		       "--group --home /var/lib/mdash " SERVICE_USER ", then run mdash setup again");
	step_settings_mode(&s);
	if (s.db_ready)
		report(&s, OK, "database %s and account %s: the settings' password gets in", cfg->db.name,
		       cfg->db.user);
	else
		step_database_as_admin(&s);
	if (!s.dry && !s.failed && !s.db_ready && (!s.settings_changed || reload_settings(&s) == 0)) {
		struct buf e = {0};
		s.db_ready = db_ping(&e) == 0;
		if (!s.db_ready)
			report(&s, FAILED, "database: the settings' account still does not get in: %s", buf_str(&e));
		buf_free(&e);
	}
	if (s.db_ready || s.dry)
		step_schema(&s);
	step_key(&s);
	if (s.db_ready || s.dry)
		step_admin(&s);
	step_nginx(&s);
	step_units(&s);

	int bad = 0;
	if (s.dry)
		printf("\n%s\n", s.planned ? "Dry run: nothing was changed."
					   : "Nothing to do: this server is set up.");
	else
		bad = check_and_address(&s);
	if (s.fresh.path) {
		db_close();
		db_init(cfg);
		config_free(&s.fresh);
	}
	if (s.admin_pw.data)
		explicit_bzero(s.admin_pw.data, s.admin_pw.len);
	buf_free(&s.admin_pw);
	free(s.admin_found);
	dbadmin_close(s.dba);
	buf_free(&s.dba_err);
	explicit_bzero(s.password, sizeof s.password);
	return s.failed ? 1 : !s.dry && (s.todo || bad) ? 3 : 0;
}
