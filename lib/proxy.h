/* SPDX-License-Identifier: MIT */
/* proxy.h: the proxies in front of nginx (Proxy.Trusted, Proxy.Header).
 * Behind one, every connection comes from the proxy: nginx's realip module
 * takes the client's address from what a trusted proxy says, so that
 * REMOTE_ADDR, the login back-off and nginx's rate limit see the client.
 * The settings are mdash's; the lines nginx reads are made from them. */
#ifndef MDASH_PROXY_H
#define MDASH_PROXY_H

#include "config.h"

/* Proxy.Trusted: addresses and ranges ("10.0.0.5 192.168.1.0/24 ::1"),
 * separated by spaces or commas. 0, or -1 with why naming the bad one. */
int proxy_trusted_check(const char *list, struct buf *why);
/* Proxy.Header: X-Forwarded-For, X-Real-IP or proxy_protocol. */
int proxy_header_check(const char *header, struct buf *why);
/* The nginx lines for the site's server: set_real_ip_from per trusted
 * proxy, real_ip_header and real_ip_recursive; only comments when no
 * proxy is trusted. */
void proxy_nginx_conf(const struct md_config *cfg, struct buf *out);

#endif
