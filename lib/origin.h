/* SPDX-License-Identifier: MIT */
/* origin.h: a web origin, as browsers write it in an Origin header. The
 * same-origin checks compare the Origin (or Referer) of a POST with the
 * site's own origin in this one form. */
#ifndef MDASH_ORIGIN_H
#define MDASH_ORIGIN_H

#include "util.h"

/* The origin of an http or https URL: "scheme://host", plus ":port" unless
 * it is the scheme's default; scheme and host in lower case, a host's
 * trailing dot dropped (nginx drops it from $host too). Anything after the
 * host and port (path, query) is ignored. 0 with *out set, or -1 when url
 * is not an http(s) URL with a plain host (no user part, a port from 1 to
 * 65535). */
int url_origin(const char *url, struct buf *out);

#endif
