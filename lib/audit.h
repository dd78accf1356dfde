/* SPDX-License-Identifier: MIT */
/* audit.h: the audit log, every change an administrator makes: who (a
 * user, an admin token, or a login on the server using the CLI), from
 * which address, what (an action such as "layout.save" or "user.grant"),
 * to what, the state before and after when it has one, and when. */
#ifndef MDASH_AUDIT_H
#define MDASH_AUDIT_H

#include "util.h"

/* Who acts: "user:alice", "token:deploy", "cli:root"; and from where
 * ("192.0.2.7", or "local" for the CLI). */
struct audit_actor {
	char who[160];
	char address[64];
};
/* The person at the CLI: their login (and the one sudo came from). */
void audit_cli_actor(struct audit_actor *a);

/* Records one change; before and after may be NULL. Call it inside the
 * change's own transaction where there is one, so that both or neither
 * are stored. 0, or -1 (in err). */
int audit_record(const struct audit_actor *a, const char *action, const char *target, const char *before,
		 const char *after, struct buf *err);

/* Removes the row name with remove (1 removed, 0 none, -1 error) and
 * records it as action on name, in one transaction: 1 removed and
 * recorded, 0 no such row (nothing written), -1 error (nothing written). */
int audit_remove(const struct audit_actor *a, const char *action, int (*remove)(const char *name, struct buf *err),
		 const char *name, struct buf *err);

/* One entry as read back. Owns its strings. */
struct audit_entry {
	char *at; /* ISO-8601 UTC with milliseconds */
	char *actor, *address, *action, *target, *before, *after;
};
/* The entries since `since` (epoch seconds), oldest first, at most limit.
 * The caller frees with audit_free. */
int audit_list(double since, int limit, struct audit_entry **out, int *n, struct buf *err);
void audit_free(struct audit_entry *e, int n);
/* The most entries one listing gives. */
#define AUDIT_LIST_MAX 100000
/* One entry as `mdash audit --json` and the API show it: {"at", "actor",
 * "address", "action", "target", "before", "after"}. */
struct json_object;
struct json_object *audit_json(const struct audit_entry *e);
/* Drops entries older than days; adds how many to *deleted. */
int audit_prune(long days, long long *deleted, struct buf *err);

#endif
