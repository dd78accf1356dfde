/* SPDX-License-Identifier: MIT */
/* form.c: urlencoded forms and cookies (see form.h). */
#include "form.h"

#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int form_decode(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 1 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0')
			return -1;
		buf_putc(out, c);
	}
	return 0;
}

int form_each(const char *text, size_t len, int (*fn)(const char *name, const char *value, size_t vlen, void *ctx),
	      void *ctx)
{
	struct buf key = {0};
	int rc = 0, fields = 0;
	const char *p = text, *end = text + len;
	while (p < end && rc == 0) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fe = amp ? amp : end;
		if (fe > p) {
			const char *eq = memchr(p, '=', (size_t)(fe - p));
			const char *ke = eq ? eq : fe;
			buf_reset(&key);
			if (++fields > FORM_MAX_FIELDS || form_decode(p, (size_t)(ke - p), &key))
				rc = -1;
			else
				rc = fn(buf_str(&key), eq ? eq + 1 : NULL, eq ? (size_t)(fe - eq - 1) : 0, ctx);
		}
		p = amp ? amp + 1 : end;
	}
	buf_free(&key);
	return rc;
}

struct wanted {
	const char *name;
	struct buf *out;
	int found;
};

/* The first occurrence wins; later fields are still checked. */
static int take(const char *name, const char *value, size_t vlen, void *ctx)
{
	struct wanted *w = ctx;
	if (w->found || strcmp(name, w->name))
		return 0;
	w->found = 1;
	return value && form_decode(value, vlen, w->out) ? -1 : 0;
}

int form_get(const char *text, size_t len, const char *name, struct buf *out)
{
	struct wanted w = {name, out, 0};
	buf_reset(out);
	/* take goes on after a find: a text is malformed wherever the field
	 * asked for stands in it. */
	if (form_each(text, len, take, &w) < 0) {
		buf_reset(out);
		return -1;
	}
	return w.found;
}

int cookie_get(const char *header, const char *name, struct buf *out)
{
	size_t n = strlen(name);
	buf_reset(out);
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *semi = strchr(p, ';');
		const char *e = semi ? semi : p + strlen(p);
		if ((size_t)(e - p) > n && !strncmp(p, name, n) && p[n] == '=') {
			buf_append(out, p + n + 1, (size_t)(e - p - (ptrdiff_t)n - 1));
			return 1;
		}
		p = e;
	}
	return 0;
}

void url_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~/", c))
			buf_putc(out, (char)c);
		else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}
