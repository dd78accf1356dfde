/* SPDX-License-Identifier: MIT */
/* share_link.h: share links: read-only, revocable access to one dashboard
 * without a login, for wall screens. The link holds a secret; only its
 * SHA-256 is stored. Open pages of a link follow the channel _s_<id>, so
 * revoking the link reloads them (into "revoked"). */
#ifndef MDASH_SHARE_LINK_H
#define MDASH_SHARE_LINK_H

#include "util.h"

/* A new link's secret for dashboard slug: *secret (64 hex, caller frees)
 * and its id. */
int share_create(const char *slug, char **secret, long long *id, struct buf *err);
/* 1 with the share's id, dashboard id and slug (slug[65]) when secret is
 * a live link, 0 when not, -1 on error. */
int share_find(const char *secret, long long *id, long long *dashboard_id, char *slug, struct buf *err);
/* The live links of dashboard slug, oldest first, as a JSON array of
 * {"id", "created", "expires"} (expires: null, as links last until
 * revoked), never their secrets. */
struct json_object;
int share_list_json(const char *slug, struct json_object **out, struct buf *err);
/* The dashboard of share id into slug (slug[65]): 1, 0 when no such share,
 * -1 on an error. */
int share_dashboard(long long id, char *slug, struct buf *err);
/* Deletes share id: 1 done, 0 no such share, -1 error. */
int share_revoke(long long id, struct buf *err);
/* Every share link, by id: id, dashboard slug, created ("YYYY-MM-DD
 * HH:MM"). 0, or -1 with err. */
struct db_result;
int share_list(struct db_result *rows, struct buf *err);

#endif
