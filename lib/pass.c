/* SPDX-License-Identifier: MIT */
/* pass.c: fragment, stream and page passes (see pass.h).
 *
 * The key file is read again when it changes (checked at most once a
 * second): after a key rotation and an nginx reload, the passes the app
 * hands out are signed with the key nginx checks, without a restart. */
#include "pass.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "token.h"

#define KEY_MIN 32 /* hex digits: 128 bits */
#define KEY_MAX 256
#define RECHECK_MS 1000

/* Under key_lock: the key, what it came from, and when the file was last
 * looked at. */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static char key[KEY_MAX + 1];
static int state;        /* 0 not read yet, 1 on, 2 off, 3 unusable */
static struct stat seen; /* the file as read; st_ino 0 when there was none */
static long long checked_at;
static char why_unusable[600]; /* when state is 3 */

/* The key is the quoted hex string on the first line that names
 * $mdash_fragment_key with a quoted value (nginx's "set" line). */
static int read_key(const char *path, struct buf *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 2;
		buf_printf(err, "%s: %s", path, strerror(errno));
		return 3;
	}
	char line[512];
	int got = 3;
	while (fgets(line, sizeof line, f)) {
		const char *q = strstr(line, "$mdash_fragment_key");
		const char *open = q ? strchr(q, '"') : NULL;
		const char *close = open ? strchr(open + 1, '"') : NULL;
		size_t n = close ? (size_t)(close - open - 1) : 0;
		if (!close)
			continue;
		if (n >= KEY_MIN && n <= KEY_MAX && strspn(open + 1, "0123456789abcdef") == n) {
			memcpy(key, open + 1, n);
			key[n] = '\0';
			got = 1;
		}
		break;
	}
	fclose(f);
	if (got != 1)
		buf_printf(err, "%s: no line 'set $mdash_fragment_key \"<%d to %d hex digits>\";'", path, KEY_MIN,
			   KEY_MAX);
	return got;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Under key_lock: reads the key file if it is new or changed since it was
 * read. A file that went away or went bad turns passes off. */
static void refresh(const struct md_config *cfg)
{
	const char *path = cfg->fragment_key_file;
	struct stat st = {0};
	if (state && now_ms() - checked_at < RECHECK_MS)
		return;
	checked_at = now_ms();
	if (!path || !*path) {
		state = 2;
		return;
	}
	if (stat(path, &st))
		memset(&st, 0, sizeof st);
	if (state && same_file(&st, &seen))
		return;
	int was = state;
	struct buf why = {0};
	state = read_key(path, &why);
	seen = st;
	snprintf(why_unusable, sizeof why_unusable, "%s", buf_str(&why));
	if (was && state == 1)
		log_info("fragment key: %s changed; passes are signed with the new key", path);
	else if (was && state != was)
		log_warn("fragment key: %s changed; passes off: %s", path, state == 2 ? "no such file" : buf_str(&why));
	buf_free(&why);
}

int pass_enabled(const struct md_config *cfg, struct buf *err)
{
	pthread_mutex_lock(&key_lock);
	refresh(cfg);
	int s = state;
	if (s == 3)
		buf_puts(err, why_unusable);
	pthread_mutex_unlock(&key_lock);
	return s == 1 ? 1 : s == 2 ? 0 : -1;
}

/* nginx's secure_link compares base64url without padding. */
static void base64url(const unsigned char *in, size_t n, struct buf *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		size_t chars = n - i >= 3 ? 4 : n - i + 1;
		for (size_t c = 0; c < chars; c++)
			buf_putc(out, abc[(v >> (18 - 6 * c)) & 63]);
	}
}

static int on(const struct md_config *cfg)
{
	struct buf err = {0};
	int enabled = pass_enabled(cfg, &err) == 1;
	buf_free(&err);
	return enabled;
}

/* Appends the signature of text, which ends with the key, as nginx's
 * secure_link_md5 computes it: 0, or -1 (nothing appended) when MD5 is not
 * available (a FIPS-only OpenSSL). Frees text. */
static int sign(struct buf *text, struct buf *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	pthread_mutex_lock(&key_lock);
	buf_puts(text, key);
	pthread_mutex_unlock(&key_lock);
	int ok = EVP_Digest(text->data, text->len, md, &mdlen, digest_md5(), NULL) == 1 && mdlen == 16;
	explicit_bzero(text->data, text->len);
	buf_free(text);
	if (ok)
		base64url(md, mdlen, out);
	return ok ? 0 : -1;
}

/* Appends "<field>=<value>&e=<expires>&p=<signature>" for the path below
 * the mount point, as nginx checks it: secure_link $arg_p,$arg_e and
 * secure_link_md5 "$secure_link_expires$uri $arg_<field> <key>". */
static void sign_query(const struct md_config *cfg, const char *path, const char *field, const char *value,
		       time_t expires, struct buf *out)
{
	struct buf text = {0};
	size_t len = out->len;
	if (!on(cfg))
		return;
	buf_printf(&text, "%lld%s%s %s ", (long long)expires, cfg->base_path, path, value);
	buf_printf(out, "%s=%s&e=%lld&p=", field, value, (long long)expires);
	if (sign(&text, out))
		buf_truncate(out, len); /* no pass rather than one without a signature */
}

void pass_query(const struct md_config *cfg, const char *name, const char *dashboard, time_t expires, struct buf *out)
{
	struct buf path = {0};
	buf_printf(&path, "widget/%s", name);
	sign_query(cfg, path.data, "d", dashboard, expires, out);
	buf_free(&path);
}

int pass_query_good(const struct md_config *cfg, const char *name, const char *dashboard, long long expires,
		    const char *sig, time_t now)
{
	if (expires < (long long)now || !sig)
		return 0;
	struct buf want = {0}, path = {0};
	buf_printf(&path, "widget/%s", name);
	sign_query(cfg, path.data, "d", dashboard, (time_t)expires, &want);
	/* want is "d=<dashboard>&e=<expires>&p=<signature>": compare the last. */
	const char *p = want.len ? strstr(want.data, "&p=") : NULL;
	int good = p && strlen(p + 3) == strlen(sig) && !CRYPTO_memcmp(p + 3, sig, strlen(sig));
	buf_free(&want);
	buf_free(&path);
	return good;
}

void pass_stream(const struct md_config *cfg, const char *slug, const char *channels, time_t expires, struct buf *out)
{
	struct buf path = {0};
	buf_printf(&path, "sub/d/%s", slug);
	sign_query(cfg, path.data, "c", channels, expires, out);
	buf_free(&path);
}

/* What nginx's maps accept as a token (nginx/mdash-site.conf.in). */
static int token_fits(const char *csrf)
{
	size_t n = csrf ? strlen(csrf) : 0;
	return n >= 16 && n <= 128 && strspn(csrf, "0123456789abcdef") == n;
}

int pass_page(const struct md_config *cfg, long long user, const char *csrf, time_t expires, struct buf *out)
{
	struct buf text = {0};
	if (!on(cfg) || !token_fits(csrf))
		return -1;
	size_t len = out->len;
	buf_printf(&text, "%lld page %lld %s ", (long long)expires, user, csrf);
	buf_printf(out, "%lld.%s.%lld.", user, csrf, (long long)expires);
	if (sign(&text, out)) {
		buf_truncate(out, len);
		return -1;
	}
	return 0;
}

int pass_page_good(const struct md_config *cfg, const char *cookie, long long user, const char *csrf, time_t now)
{
	/* The expiry is the third field: sign again with it and compare. */
	const char *e = cookie ? strchr(cookie, '.') : NULL;
	e = e ? strchr(e + 1, '.') : NULL;
	long long expires;
	char *end;
	if (!e || !(e[1] >= '0' && e[1] <= '9'))
		return 0;
	errno = 0;
	expires = strtoll(e + 1, &end, 10);
	if (errno || *end != '.' || expires < (long long)now)
		return 0;
	struct buf want = {0};
	int good = !pass_page(cfg, user, csrf, (time_t)expires, &want) && want.len == strlen(cookie) &&
		   !CRYPTO_memcmp(want.data, cookie, want.len);
	buf_free(&want);
	return good;
}

void pass_reset(void)
{
	pthread_mutex_lock(&key_lock);
	state = 0;
	key[0] = '\0';
	checked_at = 0;
	memset(&seen, 0, sizeof seen);
	pthread_mutex_unlock(&key_lock);
}

int pass_make_key(const char *path, gid_t gid, struct buf *err)
{
	if (access(path, F_OK) == 0)
		return 0;
	unsigned char raw[32];
	char hex[65];
	struct buf line = {0};
	if (random_bytes(raw, sizeof raw)) {
		buf_printf(err, "no random bytes: %s", strerror(errno));
		return -1;
	}
	hex_encode(raw, sizeof raw, hex);
	buf_printf(&line, "set $mdash_fragment_key \"%s\";\n", hex);
	int rc = file_replace(path, line.data, line.len, 0640, gid, err);
	explicit_bzero(line.data, line.len);
	explicit_bzero(hex, sizeof hex);
	buf_free(&line);
	return rc ? -1 : 1;
}
