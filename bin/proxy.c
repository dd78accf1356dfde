/* SPDX-License-Identifier: MIT */
/* proxy.c: `mdash proxy-conf` prints the nginx lines that make nginx take
 * the client's address from the trusted proxies in front of it
 * (Proxy.Trusted, lib/proxy.h), for the file the site includes. */
#include <stdio.h>

#include "commands.h"
#include "proxy.h"

static const char usage[] =
	"usage: mdash proxy-conf\n"
	"Prints the nginx lines for the proxies in front of nginx (Proxy.Trusted,\n"
	"Proxy.Header): with them nginx, the app's login back-off and the rate limit\n"
	"see each client's own address instead of the proxy's. The site includes\n"
	"them from " MDASH_SYSCONFDIR "/mdash/proxies.conf:\n"
	"  mdash proxy-conf >" MDASH_SYSCONFDIR "/mdash/proxies.conf && systemctl reload nginx\n";

int cmd_proxy_conf(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	if (argc != 1)
		return fail("proxy-conf takes no arguments\n%s", usage);
	struct buf out = {0};
	proxy_nginx_conf(cfg, &out);
	fputs(out.data, stdout);
	buf_free(&out);
	return fflush(stdout) ? fail("proxy-conf: cannot write the lines") : 0;
}
