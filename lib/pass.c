/* pass.c: fragment passes (see pass.h). */
#include "pass.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
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

void pass_query(const struct md_config *cfg, const char *name, const char *dashboard, time_t expires, struct buf *out)
{
	struct buf err = {0}, text = {0};
	int on = pass_enabled(cfg, &err);
	buf_free(&err);
	if (on != 1)
		return;
	buf_printf(&text, "%lld%swidget/%s %s %s", (long long)expires, cfg->base_path, name, dashboard, key);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(text.data, text.len, md, &mdlen, EVP_md5(), NULL);
	buf_free(&text);
	buf_printf(out, "d=%s&e=%lld&p=", dashboard, (long long)expires);
	base64url(md, mdlen, out);
}

void pass_reset(void)
{
	state = 0;
	key[0] = '\0';
}
