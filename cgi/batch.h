/* SPDX-License-Identifier: MIT */
/* batch.h: group commit for pushes. Storing each push in its own
 * transaction would cost a commit (a disk flush) and a publish apiece. In
 * each worker one thread, the push loop (push_loop.h), stores pushes in
 * batches instead: every push that arrived while one batch was stored
 * goes into the next, in one transaction; tokens are checked once per
 * distinct token, and each changed widget is published once, with its
 * newest version.
 *
 * Every push comes through the loop, from nginx's connections to the push
 * socket or from libfcgi's threads (fcgi_threads.h): the loop alone calls
 * batch_commit. */
#ifndef MDASH_BATCH_H
#define MDASH_BATCH_H

#include <json-c/json.h>

#include "config.h"
#include "util.h"

/* One push. Whoever makes it (push_api.c) owns token, fields and why. */
struct batched_push {
	const char *widget;  /* a valid identifier */
	char *token;         /* the client's secret, as sent (may be NULL) */
	json_object *fields; /* the widget's new fields, or NULL to check the token alone */
	int status;          /* out: 204, 401 (token), 404 (widget), 500 or 503 (database) */
	/* push_api.c's, for the answer: why the body was refused (status bad)
	 * when fields is NULL. */
	int bad;
	struct buf why;
};

/* Stores v[0..n) in one batch and sets each one's status (the push
 * loop's thread). */
void batch_commit(struct batched_push **v, int n, const struct md_config *cfg);

/* What storing a batch of n pushes means: set each one's status. By
 * default: check the tokens, store the pushes and publish them. Tests of
 * the queue give their own (NULL: the default again). */
typedef void batch_committer(struct batched_push **v, int n, const struct md_config *cfg);
void batch_set_committer(batch_committer *fn);

#endif
