/* SPDX-License-Identifier: MIT */
/* origin.c: the origin of a URL (see origin.h). Browsers serialise origins
 * in this form (RFC 6454): lower case, no default port, IPv6 hosts in
 * brackets, international names in punycode, so a plain comparison of two
 * normalised origins is the whole check. */
#include "origin.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static int host_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

static int ipv6_char(char c)
{
	return isxdigit((unsigned char)c) || c == ':' || c == '.';
}

/* The host at p: a name or a bracketed IPv6 address; its length, or 0. */
static size_t host_len(const char *p)
{
	size_t n = 0;
	if (*p == '[') {
		for (n = 1; ipv6_char(p[n]); n++)
			;
		return p[n] == ']' && n > 2 ? n + 1 : 0;
	}
	while (host_char(p[n]))
		n++;
	return n;
}

int url_origin(const char *url, struct buf *out)
{
	int https;
	if (!strncasecmp(url, "http://", 7))
		https = 0;
	else if (!strncasecmp(url, "https://", 8))
		https = 1;
	else
		return -1;
	const char *host = url + (https ? 8 : 7);
	size_t n = host_len(host);
	const char *p = host + n;
	/* One trailing dot names the same host ("dash.lan." is "dash.lan"). */
	if (n > 1 && host[n - 1] == '.' && host[0] != '[')
		n--;
	if (n == 0 || host[0] == '.')
		return -1;
	long port = https ? 443 : 80;
	if (*p == ':') {
		const char *digits = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		char num[8];
		size_t len = (size_t)(p - digits);
		if (len == 0 || len >= sizeof num)
			return -1;
		memcpy(num, digits, len);
		num[len] = '\0';
		if (parse_long(num, 1, 65535, &port))
			return -1;
	}
	/* A user part ("http://evil@host") or anything else in the authority. */
	if (*p && *p != '/' && *p != '?' && *p != '#')
		return -1;
	buf_reset(out);
	buf_puts(out, https ? "https://" : "http://");
	for (size_t i = 0; i < n; i++)
		buf_putc(out, (char)tolower((unsigned char)host[i]));
	if (port != (https ? 443 : 80))
		buf_printf(out, ":%ld", port);
	return 0;
}
