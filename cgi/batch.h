/* batch.h: group commit for pushes. Many pushes arrive at once on a
 * worker's threads; storing each in its own transaction would cost a
 * commit (a disk flush) and a publish apiece. A thread queues its push;
 * when no batch is being stored, it takes every queued push, checks their
 * tokens, stores them in one transaction under the worker lock and
 * publishes each changed widget once, with its newest version. Then the
 * thread of a push queued meanwhile does the same with the next batch. */
#ifndef MDASH_BATCH_H
#define MDASH_BATCH_H

#include <json-c/json.h>
#include <semaphore.h>

#include "config.h"

struct batched_push {
	const char *widget;  /* a valid identifier */
	const char *token;   /* the client's secret, as sent (may be NULL) */
	json_object *fields; /* the widget's new fields, or NULL to check the token
				alone; the batch keeps no reference */
	int status;          /* out: 204, 401 (token), 404 (widget), 500 or 503 (database) */
	/* The queue's own. */
	struct batched_push *next;
	int leads; /* set before wake is posted: commit the next batch */
	sem_t wake;
};

/* Stores p (with any others queued meanwhile) and publishes it; returns
 * when p->status is set. Called without the worker lock. */
void batch_push(struct batched_push *p, const struct md_config *cfg);

/* What the committer does with a batch of n pushes: sets each one's
 * status. By default it checks the tokens, stores the pushes and publishes
 * them; tests of the queue give their own (NULL: the default again). */
typedef void batch_committer(struct batched_push **v, int n, const struct md_config *cfg);
void batch_set_committer(batch_committer *fn);

/* The worker lock (main.c): one thread of a worker at a time uses the
 * database connection, libcurl's handle and ClearSilver. */
void app_lock(void);
void app_unlock(void);

#endif
