/* SPDX-License-Identifier: MIT */
/* batch.h: group commit for pushes. Storing each push in its own
 * transaction would cost a commit (a disk flush) and a publish apiece. In
 * each worker one thread, the push loop (push_loop.h), stores pushes in
 * batches instead: every push that arrived while one batch was stored
 * goes into the next, in one transaction; tokens are checked once per
 * distinct token, and each changed widget is published once, with its
 * newest version.
 *
 * The loop's own pushes come in on its FastCGI connections. libfcgi's
 * threads, which serve the push routes on the main socket, queue theirs
 * here and sleep until the loop has stored them. */
#ifndef MDASH_BATCH_H
#define MDASH_BATCH_H

#include <json-c/json.h>
#include <semaphore.h>

#include "config.h"
#include "util.h"

/* One push. Whoever makes it (push.c) owns token, fields and why. */
struct batched_push {
	const char *widget;  /* a valid identifier */
	char *token;         /* the client's secret, as sent (may be NULL) */
	json_object *fields; /* the widget's new fields, or NULL to check the token alone */
	int status;          /* out: 204, 401 (token), 404 (widget), 500 or 503 (database) */
	/* push.c's, for the answer: why the body was refused (status bad)
	 * when fields is NULL. */
	int bad;
	struct buf why;
	/* The queue's own. */
	struct batched_push *next;
	sem_t wake;
};

/* In a worker, before its threads start: 0, or -1 when the queue cannot be
 * made. */
int batch_init(void);
/* From a libfcgi thread: queues p for the loop's next batch and returns
 * when it is stored (p->status set; 503 once the loop has ended). */
void batch_push(struct batched_push *p);

/* The loop's side. Readable when threads have queued pushes. */
int batch_queue_fd(void);
/* Stores own[0..n) with every queued push (those first: they came
 * earlier), sets each one's status and wakes the queued pushes' threads. */
void batch_commit(struct batched_push **own, int n, const struct md_config *cfg);
/* When the loop ends: stores what is queued; later pushes get 503. */
void batch_close(const struct md_config *cfg);

/* What storing a batch of n pushes means: set each one's status. By
 * default: check the tokens, store the pushes and publish them. Tests of
 * the queue give their own (NULL: the default again). */
typedef void batch_committer(struct batched_push **v, int n, const struct md_config *cfg);
void batch_set_committer(batch_committer *fn);

#endif
