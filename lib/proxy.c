/* SPDX-License-Identifier: MIT */
/* proxy.c: trusted proxies and the nginx lines they make (see proxy.h). */
#include "proxy.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEPARATORS " \t,"

/* One address or range: an IPv4 or IPv6 address, maybe /prefix. */
static int range_check(const char *item, struct buf *why)
{
	char addr[INET6_ADDRSTRLEN + 8];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *slash = strchr(item, '/');
	size_t n = slash ? (size_t)(slash - item) : strlen(item);
	if (n == 0 || n >= INET6_ADDRSTRLEN) {
		buf_printf(why, "\"%.80s\" is not an IP address", item);
		return -1;
	}
	memcpy(addr, item, n);
	addr[n] = '\0';
	int v6 = inet_pton(AF_INET6, addr, bin) == 1;
	if (!v6 && inet_pton(AF_INET, addr, bin) != 1) {
		buf_printf(why, "\"%.80s\" is not an IP address (a host name would be looked up by nginx once, at start)",
			   item);
		return -1;
	}
	long prefix;
	if (slash && parse_long(slash + 1, 1, v6 ? 128 : 32, &prefix)) {
		buf_printf(why, "\"%.80s\": the prefix must be a number from 1 to %d (0 would trust everyone)", item,
			   v6 ? 128 : 32);
		return -1;
	}
	return 0;
}

int proxy_trusted_check(const char *list, struct buf *why)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *item = strtok_r(copy, SEPARATORS, &save); item && !rc; item = strtok_r(NULL, SEPARATORS, &save))
		rc = range_check(item, why);
	free(copy);
	return rc;
}

int proxy_header_check(const char *header, struct buf *why)
{
	if (!strcasecmp(header, "X-Forwarded-For") || !strcasecmp(header, "X-Real-IP") ||
	    !strcmp(header, "proxy_protocol"))
		return 0;
	buf_printf(why, "\"%.80s\" is not X-Forwarded-For, X-Real-IP or proxy_protocol", header);
	return -1;
}

void proxy_nginx_conf(const struct md_config *cfg, struct buf *out)
{
	buf_printf(out,
		   "# The proxies in front of nginx (Proxy.Trusted in %s), made by\n"
		   "# \"mdash proxy-conf\": run it again after changing them, then reload nginx.\n",
		   cfg->path);
	char *copy = xstrdup(cfg->proxy_trusted), *save = NULL;
	int n = 0;
	for (char *item = strtok_r(copy, SEPARATORS, &save); item; item = strtok_r(NULL, SEPARATORS, &save), n++)
		buf_printf(out, "set_real_ip_from %s;\n", item);
	free(copy);
	if (!n) {
		buf_puts(out, "# None: the client's address is the connection's.\n");
		return;
	}
	int pp = !strcmp(cfg->proxy_header, "proxy_protocol");
	/* From these, the client is the address the proxy names; with
	 * recursion, the last one in X-Forwarded-For that is not itself a
	 * trusted proxy (what a client wrote there itself comes before). */
	buf_printf(out, "real_ip_header %s;\n", cfg->proxy_header);
	if (pp)
		buf_puts(out, "# The proxy connects to a listen with proxy_protocol (add it in a copy of the site).\n");
	else
		buf_puts(out, "real_ip_recursive on;\n");
}
