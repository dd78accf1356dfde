/* SPDX-License-Identifier: MIT */
/* backup.c: `mdash backup FILE` and `mdash restore [--yes] FILE`.
 *
 * A backup is one gzip-compressed tar file (tar -tzf lists it):
 *   mdash-backup.json  what it is: the format, when and where it was made,
 *                      the schema version, what the database held, and the
 *                      size and SHA-256 of database.sql
 *   database.sql       a consistent dump of the database (mariadb-dump
 *                      --single-transaction), as the settings' account
 *   mdash.hdf          the settings file, for the Secret.* credentials and
 *                      the rest that was set there; restore does not apply it
 * The fragment key is left out: it belongs to the machine (mdash setup or
 * the package makes one), and passes signed with an old one only expire.
 *
 * The database password reaches mariadb-dump and mariadb through a pipe
 * read as --defaults-file=/dev/fd/3: never on a command line, never on
 * disk. Restore checks the whole file before it changes anything, replaces
 * every table of the database, holds the updaters' lock meanwhile, applies
 * the migrations the backup lacks and raises the widgets' versions past
 * any the database had, so that no cached fragment of before is taken for
 * a restored one. Both show their progress on a terminal. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "commands.h"
#include "dashboard.h"
#include "db.h"
#include "publish.h"
#include "run.h"
#include "schema.h"
#include "widget.h"

static const char backup_usage[] =
	"usage: mdash backup FILE\n"
	"Writes a consistent dump of the database (mariadb-dump --single-transaction,\n"
	"as the settings' account) and a copy of the settings file into FILE, a\n"
	"gzip-compressed tar file of mode 0600. An existing FILE is replaced when\n"
	"the new one is complete.\n";
static const char restore_usage[] =
	"usage: mdash restore [--yes] FILE\n"
	"Replaces everything in the database with the backup in FILE (made by mdash\n"
	"backup), then applies the migrations it lacks. Asks first when the database\n"
	"is not empty, unless --yes.\n";

#define MANIFEST "mdash-backup.json"
#define DUMP "database.sql"
#define SETTINGS "mdash.hdf"
#define FORMAT "mdash-backup"
#define FORMAT_VERSION 1
#define MANIFEST_MAX (64 * 1024)
#define SETTINGS_MAX (1 << 20)

/* ---- Talking to the MariaDB client programs ---- */

/* key="value" for an option file: quoted, so that '#' or spaces in a
 * password stay part of it. */
static void option(struct buf *o, const char *key, const char *v)
{
	buf_printf(o, "%s=\"", key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			buf_putc(o, '\\');
		buf_putc(o, *v);
	}
	buf_puts(o, "\"\n");
}

/* The settings' connection as a [client] group of an option file. */
static void client_options(const struct md_config *cfg, struct buf *o)
{
	buf_puts(o, "[client]\n");
	option(o, "user", cfg->db.user);
	option(o, "password", cfg->db.password);
	if (*cfg->db.socket) {
		option(o, "socket", cfg->db.socket);
	} else {
		option(o, "host", cfg->db.host);
		buf_printf(o, "port=%ld\n", cfg->db.port);
	}
	buf_puts(o, "default-character-set=utf8mb4\n");
}

/* Starts the first of the programs found, with the settings' connection on
 * fd 3; -1 (message printed) when none could start. */
static pid_t start_client(const struct md_config *cfg, const char *const *names, char **argv, int in, int out)
{
	struct buf opts = {0};
	client_options(cfg, &opts);
	int fd3 = run_text_fd(buf_str(&opts));
	explicit_bzero(opts.data, opts.len);
	buf_free(&opts);
	if (fd3 < 0) {
		fail("cannot pass the connection settings: %s", strerror(errno));
		return -1;
	}
	pid_t pid = -1;
	for (int i = 0; names[i] && pid < 0; i++) {
		argv[0] = (char *)names[i];
		pid = run_start(argv, in, out, fd3);
		if (pid < 0 && errno != ENOENT)
			break;
	}
	int e = errno;
	close(fd3);
	if (pid < 0)
		fail("cannot run %s: %s%s", names[0], strerror(e),
		     e == ENOENT ? " (install the MariaDB client: apt install mariadb-client)" : "");
	return pid;
}

/* The database name goes on the command line: it must not pass for an
 * option there. */
static int name_ok(const struct md_config *cfg)
{
	if (cfg->db.name[0] && cfg->db.name[0] != '-')
		return 1;
	fail("Database.Name \"%s\" cannot be passed to the MariaDB client", cfg->db.name);
	return 0;
}

/* ---- Progress on a terminal ---- */

struct progress {
	int on;
	long long total, last_ms;
	const char *what;
};

static void progress_start(struct progress *p, const char *what, long long total)
{
	p->on = isatty(2);
	p->what = what;
	p->total = total;
	p->last_ms = 0;
}

static void progress_show(struct progress *p, long long done, int last)
{
	if (!p->on)
		return;
	long long now = now_ms();
	if (!last && now - p->last_ms < 200)
		return;
	p->last_ms = now;
	if (p->total > 0)
		fprintf(stderr, "\r%s: %3d%% (%.1f of %.1f MiB)\033[K", p->what, (int)(done * 100 / p->total),
			(double)done / 1048576, (double)p->total / 1048576);
	else
		fprintf(stderr, "\r%s: %.1f MiB\033[K", p->what, (double)done / 1048576);
	if (last)
		fputc('\n', stderr);
}

/* ---- Small helpers ---- */

static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void digest_hex(EVP_MD_CTX *md, char out[65])
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EVP_DigestFinal_ex(md, raw, &len);
	hex_encode(raw, 32, out);
}

/* An anonymous file in dir (gone when closed), for the dump. */
static int scratch_file(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	struct buf path = {0};
	buf_printf(&path, "%s/.mdash-dump-XXXXXX", dir);
	fd = mkostemp(path.data, O_CLOEXEC);
	if (fd >= 0)
		unlink(path.data);
	buf_free(&path);
	return fd;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
}

/* 2.9 KiB, 12.3 MiB, 1.2 GiB. */
static void size_text(struct buf *b, long long bytes)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		buf_printf(b, "%lld bytes", bytes);
	else
		buf_printf(b, "%.1f %s", v, units[u]);
}

static void plural(struct buf *b, long long n, const char *one, const char *many)
{
	buf_printf(b, "%lld %s", n, n == 1 ? one : many);
}

static void describe_counts(struct buf *b, const struct schema_counts *c)
{
	plural(b, c->dashboards, "dashboard", "dashboards");
	buf_puts(b, ", ");
	plural(b, c->widgets, "widget", "widgets");
	buf_puts(b, ", ");
	plural(b, c->users, "user", "users");
	buf_puts(b, " and ");
	plural(b, c->history, "history row", "history rows");
}

/* ---- backup ---- */

/* Runs mariadb-dump into fd; its size and SHA-256 into *bytes and sha. */
static int dump(const struct md_config *cfg, int fd, long long *bytes, char sha[65])
{
	static const char *const names[] = {"mariadb-dump", "mysqldump", NULL};
	char *argv[] = {NULL,          "--defaults-file=/dev/fd/3", "--single-transaction", "--quick",
			"--no-tablespaces", "--skip-lock-tables",        "--hex-blob",           cfg->db.name,
			NULL};
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return fail("cannot run mariadb-dump: %s", strerror(errno));
	pid_t pid = start_client(cfg, names, argv, -1, p[1]);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return 1;
	}
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	struct progress pr;
	progress_start(&pr, "Dumping the database", 0);
	char chunk[65536], tail[64] = "";
	size_t tlen = 0;
	ssize_t n;
	int bad = 0;
	*bytes = 0;
	while ((n = read(p[0], chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			bad = errno;
			break;
		}
		if (!bad && write_all(fd, chunk, (size_t)n))
			bad = errno ? errno : EIO;
		EVP_DigestUpdate(md, chunk, (size_t)n);
		/* The last bytes, to see that the dump ran to its end. */
		if ((size_t)n >= sizeof tail - 1) {
			memcpy(tail, chunk + n - (ssize_t)(sizeof tail - 1), sizeof tail - 1);
			tlen = sizeof tail - 1;
		} else {
			size_t drop = tlen + (size_t)n > sizeof tail - 1 ? tlen + (size_t)n - (sizeof tail - 1) : 0;
			memmove(tail, tail + drop, tlen - drop);
			memcpy(tail + tlen - drop, chunk, (size_t)n);
			tlen += (size_t)n - drop;
		}
		tail[tlen] = '\0';
		*bytes += n;
		progress_show(&pr, *bytes, 0);
	}
	close(p[0]);
	int status = run_wait(pid);
	progress_show(&pr, *bytes, 1);
	digest_hex(md, sha);
	EVP_MD_CTX_free(md);
	if (bad)
		return fail("cannot write the dump: %s", strerror(bad));
	if (status != 0)
		return fail("mariadb-dump failed (exit %d): nothing written", status);
	if (!strstr(tail, "-- Dump completed"))
		return fail("mariadb-dump stopped before the end of the dump: nothing written");
	return 0;
}

static json_object *manifest(const struct md_config *cfg, long long schema, const struct schema_counts *c,
			     long long bytes, const char *sha)
{
	char when[32], host[256] = "";
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	gethostname(host, sizeof host - 1);
	json_object *m = json_object_new_object(), *counts = json_object_new_object(), *db = json_object_new_object();
	json_object_object_add(m, "format", json_object_new_string(FORMAT));
	json_object_object_add(m, "version", json_object_new_int(FORMAT_VERSION));
	json_object_object_add(m, "made_by", json_object_new_string("mdash " MDASH_VERSION));
	json_object_object_add(m, "created", json_object_new_string(when));
	json_object_object_add(m, "host", json_object_new_string(host));
	json_object_object_add(m, "database", json_object_new_string(cfg->db.name));
	json_object_object_add(m, "schema", json_object_new_int64(schema));
	json_object_object_add(counts, "dashboards", json_object_new_int64(c->dashboards));
	json_object_object_add(counts, "widgets", json_object_new_int64(c->widgets));
	json_object_object_add(counts, "users", json_object_new_int64(c->users));
	json_object_object_add(counts, "history", json_object_new_int64(c->history));
	json_object_object_add(m, "counts", counts);
	json_object_object_add(db, "bytes", json_object_new_int64(bytes));
	json_object_object_add(db, "sha256", json_object_new_string(sha));
	json_object_object_add(m, DUMP, db);
	json_object_object_add(m, "settings", json_object_new_string(cfg->path));
	return m;
}

/* The archive: the manifest, the dump (from fd dumpfd), the settings. */
static int write_archive(int out, json_object *m, int dumpfd, long long bytes, const char *settings, size_t nsettings,
			 struct buf *err)
{
	time_t now = time(NULL);
	struct archive *a = archive_create(out, err);
	if (!a)
		return -1;
	const char *text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = archive_entry(a, MANIFEST, (long long)strlen(text), now, err) ||
		 archive_write(a, text, strlen(text), err) || archive_entry(a, DUMP, bytes, now, err);
	char chunk[65536];
	if (!rc && lseek(dumpfd, 0, SEEK_SET) != 0) {
		buf_printf(err, "cannot read the dump back: %s", strerror(errno));
		rc = -1;
	}
	for (long long left = bytes; !rc && left > 0;) {
		ssize_t n = read(dumpfd, chunk, left > (long long)sizeof chunk ? sizeof chunk : (size_t)left);
		if (n <= 0) {
			buf_printf(err, "cannot read the dump back: %s", n ? strerror(errno) : "it is shorter");
			rc = -1;
		} else {
			rc = archive_write(a, chunk, (size_t)n, err);
			left -= n;
		}
	}
	if (!rc && settings)
		rc = archive_entry(a, SETTINGS, (long long)nsettings, now, err) ||
		     archive_write(a, settings, nsettings, err);
	struct buf late = {0};
	if (archive_finish(a, &late) && !rc) {
		buf_puts(err, buf_str(&late));
		rc = -1;
	}
	buf_free(&late);
	return rc ? -1 : 0;
}

/* The settings file as it is, or NULL when it cannot be read. */
static char *read_settings(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct buf b = {0};
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < SETTINGS_MAX)
		buf_append(&b, chunk, got);
	fclose(f);
	*n = b.len;
	char *text = buf_steal(&b);
	return text ? text : xstrdup("");
}

int cmd_backup(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, backup_usage))
		return 0;
	if (argc != 2 || argv[1][0] == '-')
		return fail("backup takes one file\n%s", backup_usage);
	const char *file = argv[1];
	struct buf err = {0}, tmp = {0}, what = {0};
	struct schema_counts c = {0};
	long long schema, bytes = 0;
	char sha[65];
	int rc = 1, out = -1, dumpfd = -1;
	char *dir = dir_of(file), *settings = NULL;
	json_object *m = NULL;
	if (!name_ok(cfg))
		goto done;
	if (schema_version(&schema, &err) || (schema > 0 && schema_counts(&c, &err))) {
		fail("%s", buf_str(&err));
		goto done;
	}
	if (schema == 0) {
		fail("the database %s has no mdash tables: nothing to back up", cfg->db.name);
		goto done;
	}
	/* The updaters may go on: the dump is one consistent snapshot. */
	if ((dumpfd = scratch_file(dir)) < 0) {
		fail("cannot write in %s: %s", dir, strerror(errno));
		goto done;
	}
	if (dump(cfg, dumpfd, &bytes, sha))
		goto done;
	size_t nsettings = 0;
	settings = read_settings(cfg->path, &nsettings);
	if (!settings)
		fprintf(stderr, "mdash: the settings file %s is left out: %s\n", cfg->path, strerror(errno));
	m = manifest(cfg, schema, &c, bytes, sha);
	buf_printf(&tmp, "%s.partial-XXXXXX", file);
	if ((out = mkostemp(tmp.data, O_CLOEXEC)) < 0) {
		fail("cannot write %s: %s", file, strerror(errno));
		goto done;
	}
	if (write_archive(out, m, dumpfd, bytes, settings, nsettings, &err) || fsync(out) ||
	    rename(tmp.data, file)) {
		fail("cannot write %s: %s", file, err.len ? buf_str(&err) : strerror(errno));
		unlink(tmp.data);
		goto done;
	}
	struct stat st;
	fstat(out, &st);
	describe_counts(&what, &c);
	buf_puts(&what, ")");
	buf_puts(&what, settings ? " and the settings file" : "");
	buf_printf(&what, " to %s (", file);
	size_text(&what, (long long)st.st_size);
	printf("Backed up the database %s (%s).\n", cfg->db.name, buf_str(&what));
	rc = 0;
done:
	if (out >= 0)
		close(out);
	if (dumpfd >= 0)
		close(dumpfd);
	if (settings) {
		explicit_bzero(settings, strlen(settings));
		free(settings);
	}
	json_object_put(m);
	free(dir);
	buf_free(&err);
	buf_free(&tmp);
	buf_free(&what);
	return rc;
}

/* ---- restore ---- */

/* What restore learns from the file before it changes anything. */
struct backup {
	json_object *manifest;
	long long schema, bytes;
	const char *sha256, *created, *made_by, *host;
	char *settings; /* the backup's settings file, or NULL */
};

static const char *manifest_string(json_object *m, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(m, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static long long manifest_int(json_object *m, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(m, key, &v) && json_object_is_type(v, json_type_int)
		       ? json_object_get_int64(v)
		       : -1;
}

/* Reads the manifest, the first file: 0, or -1 when this is no backup. */
static int read_manifest(struct archive *a, struct backup *b, struct buf *err)
{
	char name[101];
	long long size;
	if (archive_next(a, name, &size, err) != 1 || strcmp(name, MANIFEST) || size > MANIFEST_MAX)
		return -1;
	char *text = xmalloc((size_t)size + 1);
	ssize_t got = archive_read(a, text, (size_t)size, err);
	text[got > 0 ? got : 0] = '\0';
	b->manifest = got == size ? json_tokener_parse(text) : NULL;
	free(text);
	json_object *m = b->manifest, *db;
	if (!m || !json_object_is_type(m, json_type_object) || !manifest_string(m, "format") ||
	    strcmp(manifest_string(m, "format"), FORMAT))
		return -1;
	if (manifest_int(m, "version") != FORMAT_VERSION) {
		buf_printf(err, "it is in backup format %lld, which this mdash (%s) does not read: use a newer mdash",
			   manifest_int(m, "version"), MDASH_VERSION);
		return -2;
	}
	b->schema = manifest_int(m, "schema");
	b->created = manifest_string(m, "created");
	b->made_by = manifest_string(m, "made_by");
	b->host = manifest_string(m, "host");
	if (!json_object_object_get_ex(m, DUMP, &db) || (b->bytes = manifest_int(db, "bytes")) < 0 ||
	    !(b->sha256 = manifest_string(db, "sha256")) || b->schema < 1) {
		buf_puts(err, "its description (" MANIFEST ") is incomplete");
		return -2;
	}
	return 0;
}

/* Reads the whole file: the dump's size and SHA-256 must match the
 * manifest's. Keeps the backup's settings file. */
static int verify(struct archive *a, const char *file, off_t total, struct backup *b, struct buf *err)
{
	char name[101], chunk[65536], sha[65];
	long long size;
	int got_dump = 0, next;
	struct progress pr;
	progress_start(&pr, "Checking the backup", (long long)total);
	while ((next = archive_next(a, name, &size, err)) == 1) {
		if (!strcmp(name, SETTINGS) && size <= SETTINGS_MAX) {
			b->settings = xcalloc((size_t)size + 1, 1); /* a string even if cut short */
			ssize_t n = archive_read(a, b->settings, (size_t)size, err);
			if (n != size)
				return -1;
			b->settings[size] = '\0';
			continue;
		}
		if (strcmp(name, DUMP))
			continue;
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		ssize_t n;
		while ((n = archive_read(a, chunk, sizeof chunk, err)) > 0) {
			EVP_DigestUpdate(md, chunk, (size_t)n);
			progress_show(&pr, archive_offset(a), 0);
		}
		digest_hex(md, sha);
		EVP_MD_CTX_free(md);
		if (n < 0)
			return -1;
		if (size != b->bytes || strcmp(sha, b->sha256)) {
			buf_printf(err, "%s in %s is not the one the backup describes (size or SHA-256 differ)", DUMP,
				   file);
			return -1;
		}
		got_dump = 1;
	}
	progress_show(&pr, (long long)total, 1);
	if (next < 0)
		return -1;
	if (!got_dump) {
		buf_printf(err, "%s holds no %s", file, DUMP);
		return -1;
	}
	return 0;
}

/* Asks before an existing database is replaced: 1 go on, 0 not. */
static int confirm(const struct md_config *cfg, int ntables, const struct backup *b, int yes)
{
	struct buf what = {0};
	struct buf err = {0};
	struct schema_counts c;
	long long version = 0;
	if (!schema_version(&version, &err) && version > 0 && !schema_counts(&c, &err))
		describe_counts(&what, &c);
	else
		plural(&what, ntables, "table", "tables");
	buf_free(&err);
	int go = 0;
	if (yes) {
		go = 1;
	} else if (!isatty(0)) {
		fail("the database %s is not empty (%s): restore replaces all of it; run it again with --yes",
		     cfg->db.name, buf_str(&what));
	} else {
		fprintf(stderr, "The database %s holds %s.\nRestoring replaces all of it with the backup made %s%s%s.\n"
				"Type yes to go on: ",
			cfg->db.name, buf_str(&what), b->created ? b->created : "(unknown)", b->host ? " on " : "",
			b->host ? b->host : "");
		char *line = NULL;
		size_t cap = 0;
		go = getline(&line, &cap, stdin) > 0 && !strcmp(line, "yes\n");
		free(line);
		if (!go)
			fprintf(stderr, "Nothing was changed.\n");
	}
	buf_free(&what);
	return go;
}

/* The statements that empty the database, before the dump's. */
static void drop_statements(char **tables, int n, struct buf *sql)
{
	buf_puts(sql, "SET FOREIGN_KEY_CHECKS=0;\n");
	for (int i = 0; i < n; i++) {
		buf_puts(sql, "DROP TABLE IF EXISTS `");
		for (const char *p = tables[i]; *p; p++) {
			if (*p == '`')
				buf_putc(sql, '`');
			buf_putc(sql, *p);
		}
		buf_puts(sql, "`;\n");
	}
}

/* Feeds the drops and the dump from the archive to the mariadb client. */
static int load(const struct md_config *cfg, struct archive *a, const struct buf *drops, long long bytes,
		struct buf *err)
{
	static const char *const names[] = {"mariadb", "mysql", NULL};
	char *argv[] = {NULL, "--defaults-file=/dev/fd/3", "--batch", "--silent", cfg->db.name, NULL};
	char name[101], chunk[65536];
	long long size;
	int next;
	while ((next = archive_next(a, name, &size, err)) == 1 && strcmp(name, DUMP))
		;
	if (next != 1)
		return -1;
	int p[2];
	if (pipe2(p, O_CLOEXEC)) {
		buf_printf(err, "%s", strerror(errno));
		return -1;
	}
	pid_t pid = start_client(cfg, names, argv, p[0], -1);
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -1;
	}
	/* If the client stops early, writes fail with EPIPE instead of
	 * ending this process; its exit status says why. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	struct progress pr;
	progress_start(&pr, "Restoring the database", bytes);
	long long done = 0;
	int broken = write_all(p[1], drops->data, drops->len);
	ssize_t n;
	while (!broken && (n = archive_read(a, chunk, sizeof chunk, err)) > 0) {
		broken = write_all(p[1], chunk, (size_t)n);
		done += n;
		progress_show(&pr, done, 0);
	}
	close(p[1]);
	int status = run_wait(pid);
	signal(SIGPIPE, old);
	progress_show(&pr, done, 1);
	if (status != 0) {
		buf_printf(err, "the MariaDB client failed (exit %d) after %lld of %lld bytes", status, done, bytes);
		return -1;
	}
	if (done != bytes) {
		if (!err->len)
			buf_printf(err, "only %lld of %lld bytes of the dump were loaded", done, bytes);
		return -1;
	}
	return 0;
}

/* After the data: migrations, versions, the open pages. */
static int finish(const struct md_config *cfg, const struct backup *b, long long prior_max, struct buf *err)
{
	if (b->schema < MDASH_SCHEMA_VERSION) {
		char *margv[] = {"migrate", NULL};
		printf("The backup's schema is at version %lld; migrating it to %d.\n", b->schema,
		       MDASH_SCHEMA_VERSION);
		fflush(stdout);
		if (cmd_migrate(cfg, 1, margv))
			return -1;
	}
	if (prior_max > 0 && widget_versions_raise(prior_max, err))
		return -1;
	struct md_dashboard *ds;
	int n;
	struct buf why = {0};
	if (dashboard_list(&ds, &n, err))
		return -1;
	int told = 0;
	for (int i = 0; i < n; i++)
		told += publish_dashboard_event(cfg->publish_url, ds[i].slug, "reload", &why) == 0;
	if (told < n)
		fprintf(stderr, "mdash: open pages were not told to reload (reload them by hand): %s\n",
			buf_str(&why));
	dashboard_list_free(ds, n);
	buf_free(&why);
	return 0;
}

/* Secret.* credentials that the backup's settings had and these lack. */
static void missing_secrets(const struct md_config *cfg, const char *settings, const char *file)
{
	struct buf names = {0};
	for (const char *line = settings; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		line += strspn(line, " \t");
		if (!strncmp(line, "Secret.", 7)) {
			size_t n = strcspn(line + 7, " \t=\n");
			char *name = xstrndup(line + 7, n);
			if (!config_secret(cfg, name))
				buf_printf(&names, "%sSecret.%s", names.len ? ", " : "", name);
			free(name);
		}
		line = end ? end + 1 : line + len;
	}
	if (names.len)
		printf("The backup's settings file has credentials that %s lacks: %s (see them with: tar -xzOf %s %s).\n",
		       cfg->path, names.data, file, SETTINGS);
	buf_free(&names);
}

int cmd_restore(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, restore_usage))
		return 0;
	int yes = argc == 3 && !strcmp(argv[1], "--yes");
	if (argc != 2 + yes || argv[argc - 1][0] == '-')
		return fail("restore takes one file\n%s", restore_usage);
	const char *file = argv[argc - 1];
	struct backup b = {0};
	struct buf err = {0}, drops = {0}, what = {0};
	struct archive *a = NULL;
	char **tables = NULL;
	int ntables = 0, rc = 1, held = 0, why = 0;
	long long prior = 0, prior_max = 0;
	struct stat st;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fail("%s: %s", file, strerror(errno));
		goto done;
	}
	if (!name_ok(cfg))
		goto done;
	if (!(a = archive_open(fd, &err)) || (why = read_manifest(a, &b, &err)) < 0) {
		if (a && why == -2)
			fail("%s: %s", file, buf_str(&err));
		else
			fail("%s is not an mdash backup (one made by mdash backup)", file);
		goto done;
	}
	if (b.schema > MDASH_SCHEMA_VERSION) {
		fail("%s was made by a newer mdash (%s, schema %lld; this one knows %d): upgrade mdash first", file,
		     b.made_by ? b.made_by : "?", b.schema, MDASH_SCHEMA_VERSION);
		goto done;
	}
	if (verify(a, file, st.st_size, &b, &err)) {
		fail("%s is damaged: %s", file, buf_str(&err));
		goto done;
	}
	archive_close(a);
	a = NULL;
	if (schema_tables(&tables, &ntables, &err) || schema_version(&prior, &err)) {
		fail("%s", buf_str(&err));
		goto done;
	}
	if (ntables && !confirm(cfg, ntables, &b, yes))
		goto done;
	if ((held = schema_hold_updates(30, &err)) <= 0) {
		fail("%s", held < 0 ? buf_str(&err) : "an updater has been running for 30 seconds: try again");
		goto done;
	}
	if (prior > 0 && widget_versions_max(&prior_max, &err)) {
		fail("%s", buf_str(&err));
		goto done;
	}
	drop_statements(tables, ntables, &drops);
	if (!(a = archive_open(fd, &err)) || load(cfg, a, &drops, b.bytes, &err)) {
		fail("the restore stopped: %s. The database may be incomplete: run mdash restore again", buf_str(&err));
		goto done;
	}
	struct schema_counts c;
	if (finish(cfg, &b, prior_max, &err) || schema_counts(&c, &err)) {
		fail("%s", buf_str(&err));
		goto done;
	}
	describe_counts(&what, &c);
	printf("Restored the database %s from %s (made %s by %s on %s): %s.\n", cfg->db.name, file,
	       b.created ? b.created : "?", b.made_by ? b.made_by : "?", b.host ? b.host : "?", buf_str(&what));
	missing_secrets(cfg, b.settings, file);
	rc = 0;
done:
	if (held > 0)
		schema_release_updates();
	archive_close(a);
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < ntables; i++)
		free(tables[i]);
	free(tables);
	json_object_put(b.manifest);
	if (b.settings) {
		explicit_bzero(b.settings, strlen(b.settings));
		free(b.settings);
	}
	buf_free(&err);
	buf_free(&drops);
	buf_free(&what);
	return rc;
}
