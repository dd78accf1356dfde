/* SPDX-License-Identifier: MIT */
/* pass.c: fragment, stream and page passes (see pass.h). */
#include "pass.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MIN 32 /* hex digits: 128 bits */
#define KEY_MAX 256

static char key[KEY_MAX + 1];
static int state; /* 0 not read yet, 1 on, 2 off, 3 unusable */

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

int pass_enabled(const struct md_config *cfg, struct buf *err)
{
	if (!state)
		state = cfg->fragment_key_file && *cfg->fragment_key_file ? read_key(cfg->fragment_key_file, err) : 2;
	else if (state == 3)
		buf_printf(err, "%s: unusable fragment key", cfg->fragment_key_file);
	return state == 1 ? 1 : state == 2 ? 0 : -1;
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
	buf_puts(text, key);
	int ok = EVP_Digest(text->data, text->len, md, &mdlen, EVP_md5(), NULL) == 1 && mdlen == 16;
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
	state = 0;
	key[0] = '\0';
}
