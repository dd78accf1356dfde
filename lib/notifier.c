/* SPDX-License-Identifier: MIT */
/* notifier.c: what a Notify.<name>.* setting may hold (see notifier.h).
 * The settings file's reader checks with it; sending is notify.c's. */
#include "notifier.h"

#include <string.h>

#include "origin.h"

/* One address of a Mailto list: a plain local@domain, nothing a mail
 * header or sendmail's command line would read as more. */
static int address_ok(const char *a, size_t n)
{
	const char *at = memchr(a, '@', n);
	if (n < 3 || n > 254 || a[0] == '-' || !at || at == a || at == a + n - 1 ||
	    memchr(at + 1, '@', n - (size_t)(at - a) - 1))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)a[i] <= ' ' || a[i] == 0x7f || strchr("<>()[]\\,;:\"", a[i]))
			return 0;
	return 1;
}

static int mailto_ok(const char *v, struct buf *why, const char *key)
{
	const char *p = v;
	int count = 0;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, ",");
		size_t m = n;
		while (m > 0 && (p[m - 1] == ' ' || p[m - 1] == '\t'))
			m--;
		if (!address_ok(p, m)) {
			buf_printf(why, "Notify.%s: \"%.*s\" is not a mail address (local@domain)", key,
				   (int)(m > 200 ? 200 : m), p);
			return -1;
		}
		count++;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!count)
		buf_printf(why, "Notify.%s: no address", key);
	return count ? 0 : -1;
}

int notifier_field_check(const char *key, const char *field, const char *v, struct buf *why)
{
	struct buf scratch = {0};
	int bad = 0;
	if (!strcmp(field, "URL")) {
		bad = url_origin(v, &scratch) != 0;
		for (const char *c = v; *c && !bad; c++)
			bad = (unsigned char)*c <= ' ' || *c == 0x7f;
		if (bad)
			buf_printf(why, "Notify.%s: must be an http:// or https:// URL, not \"%.200s\"", key, v);
	} else if (!strcmp(field, "Format")) {
		if ((bad = strcmp(v, "json") && strcmp(v, "slack")))
			buf_printf(why, "Notify.%s: must be json or slack, not \"%.200s\"", key, v);
	} else if (!strcmp(field, "Secret")) {
		if ((bad = !*v))
			buf_printf(why, "Notify.%s: must not be empty", key);
	} else if (!strcmp(field, "Mailto")) {
		bad = mailto_ok(v, why, key) != 0;
	}
	buf_free(&scratch);
	return bad ? -1 : 0;
}

int notifier_check(const struct md_notifier *n, struct buf *why)
{
	if (!n->url == !n->mailto) {
		buf_printf(why, "Notify.%s: needs %s", n->name,
			   n->url ? "URL or Mailto, not both (two notifiers can do both)"
				  : "URL (a webhook) or Mailto (mail through sendmail)");
		return -1;
	}
	if (n->mailto && (n->format || n->secret)) {
		buf_printf(why, "Notify.%s.%s: only for a webhook (URL), not for Mailto", n->name,
			   n->format ? "Format" : "Secret");
		return -1;
	}
	return 0;
}
