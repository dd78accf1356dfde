/* SPDX-License-Identifier: MIT */
/* batch.c: group commit for pushes (see batch.h).
 *
 * libfcgi's threads add their pushes to a lock-free stack and tell the
 * loop through an eventfd; each then sleeps on its own semaphore, which
 * the loop posts once the push is stored. Only the loop commits: the
 * worker's publishing connections (lib/publish.c) are the loop's alone. */
#include "batch.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "metrics.h"
#include "publish.h"
#include "token.h"
#include "widget.h"
#include "worker_lock.h"

/* Pushes queued by threads, newest first (many threads add, the loop
 * takes), and the eventfd that wakes the loop. */
static _Atomic(struct batched_push *) queued;
static int queue_fd = -1;
/* Set when the loop has ended: no one would take a push any more. */
static atomic_int closed;

/* One batch being stored: its pushes in arrival order, and those with a
 * good token as widget_store_batch takes them. */
struct batch {
	struct batched_push **v;
	int n;
	struct widget_push *w;
	struct batched_push **owner; /* w[i] is owner[i]'s push */
	int nstored;                 /* 0 when nothing was stored */
};

int batch_init(void)
{
	if (queue_fd >= 0)
		close(queue_fd);
	atomic_store(&closed, 0);
	queue_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return queue_fd < 0 ? -1 : 0;
}

int batch_queue_fd(void)
{
	return queue_fd;
}

void batch_push(struct batched_push *p)
{
	if (atomic_load(&closed)) { /* the worker is stopping */
		p->status = 503;
		return;
	}
	sem_init(&p->wake, 0, 0);
	struct batched_push *head = atomic_load(&queued);
	do
		p->next = head;
	while (!atomic_compare_exchange_weak(&queued, &head, p));
	/* Only the push that found the stack empty wakes the loop: the loop
	 * takes the whole stack at once. */
	if (!head && eventfd_write(queue_fd, 1))
		log_error("push queue: %s", strerror(errno));
	while (sem_wait(&p->wake) && errno == EINTR)
		;
	sem_destroy(&p->wake);
}

/* Takes every queued push, oldest first, followed by own[0..n), into a new
 * array of *total. */
static struct batched_push **take_queued(struct batched_push **own, int n, int *total)
{
	eventfd_t ignored;
	eventfd_read(queue_fd, &ignored); /* before the take: a push after it wakes the loop again */
	struct batched_push *list = NULL, *p = atomic_exchange(&queued, NULL), *next;
	int k = 0;
	for (; p; p = next, k++) {
		next = p->next;
		p->next = list;
		list = p;
	}
	struct batched_push **v = xcalloc((size_t)(k + n) + 1, sizeof *v);
	for (int i = 0; list; list = list->next)
		v[i++] = list;
	if (n)
		memcpy(v + k, own, (size_t)n * sizeof *v);
	*total = k + n;
	return v;
}

/* The status for a failed database call. */
static int db_status(void)
{
	return db_lost() ? 503 : 500;
}

/* Checks each push's token, asking the database once per distinct token
 * (a batch usually carries one). Sets status 401 or 500/503 on failure. */
static void check_tokens(struct batched_push **v, int n)
{
	struct buf err = {0};
	for (int i = 0; i < n; i++) {
		int j = 0;
		while (j < i && !(v[j]->token && v[i]->token && !strcmp(v[j]->token, v[i]->token)))
			j++;
		if (j < i) {
			v[i]->status = v[j]->status;
			continue;
		}
		int ok = token_check(v[i]->token, &err);
		if (ok < 0) {
			log_error("push to %s: %s", v[i]->widget, buf_str(&err));
			buf_reset(&err);
		}
		v[i]->status = ok > 0 ? 204 : ok == 0 ? 401 : db_status();
	}
	buf_free(&err);
}

/* Under the worker lock: checks the tokens and stores the pushes; sets
 * every push's status. */
static void store(struct batch *b)
{
	check_tokens(b->v, b->n);
	int ngood = 0;
	for (int i = 0; i < b->n; i++)
		if (b->v[i]->status == 204 && b->v[i]->fields) {
			b->w[ngood] = (struct widget_push){.name = b->v[i]->widget, .fields = b->v[i]->fields};
			b->owner[ngood++] = b->v[i];
		}
	struct buf err = {0};
	if (widget_store_batch(b->w, ngood, &err)) {
		log_error("pushes (%d): %s", ngood, buf_str(&err));
		int status = db_status();
		for (int i = 0; i < ngood; i++)
			b->owner[i]->status = status;
	} else {
		for (int i = 0; i < ngood; i++)
			b->owner[i]->status = !b->w[i].status                      ? 204
					      : b->w[i].status == WIDGET_NOT_FOUND ? 404
										   : db_status();
		b->nstored = ngood;
	}
	buf_free(&err);
}

/* Publishes each stored widget once, with its newest version (the page
 * fetches the widget's current fragment, so the newest covers the rest),
 * all at once. Not marked pending when stored: the 204 comes after the
 * publish, so a pusher whose request died in between sees it and sends
 * again. A failed publish is marked pending, for the updater to retry. */
static void publish(const struct md_config *cfg, const struct batch *b)
{
	const struct widget_push *w = b->w;
	int n = b->nstored, k = 0;
	const char **names = xcalloc((size_t)n + 1, sizeof *names);
	long long *versions = xcalloc((size_t)n + 1, sizeof *versions);
	int *failed = xcalloc((size_t)n + 1, sizeof *failed);
	for (int i = 0; i < n; i++) {
		int newer = 0;
		for (int j = i + 1; j < n && !newer; j++)
			newer = !w[j].status && !strcmp(w[j].name, w[i].name);
		if (w[i].status || newer)
			continue;
		names[k] = w[i].name;
		versions[k++] = w[i].version;
	}
	struct buf err = {0};
	if (publish_widgets(cfg->publish_url, names, versions, k, failed, &err)) {
		log_warn("pushes stored, publish pending: %s", buf_str(&err));
		worker_lock();
		for (int i = 0; i < k; i++) {
			buf_reset(&err);
			if (failed[i] && widget_unpublished(names[i], versions[i], &err))
				log_warn("widget %s: version %lld not marked pending: %s", names[i], versions[i],
					 buf_str(&err));
		}
		worker_unlock();
	}
	buf_free(&err);
	free(failed);
	free(versions);
	free(names);
}

/* What a committer does with a batch; batch_set_committer's. */
static void store_and_publish(struct batched_push **v, int n, const struct md_config *cfg)
{
	struct batch b = {.v = v, .n = n};
	metrics_batch(n);
	b.w = xcalloc((size_t)n + 1, sizeof *b.w);
	b.owner = xcalloc((size_t)n + 1, sizeof *b.owner);
	worker_lock();
	store(&b);
	worker_unlock();
	/* The next batch waits for this one's publish: batches stay large
	 * (each costs round trips whatever its size), and a channel's last
	 * message is its newest version. */
	if (b.nstored)
		publish(cfg, &b);
	free(b.owner);
	free(b.w);
}

static batch_committer *committer = store_and_publish;

void batch_set_committer(batch_committer *fn)
{
	committer = fn ? fn : store_and_publish;
}

void batch_commit(struct batched_push **own, int n, const struct md_config *cfg)
{
	int total;
	struct batched_push **v = take_queued(own, n, &total);
	if (total)
		committer(v, total, cfg);
	/* Once posted, a queued push may be gone: its thread frees it. */
	for (int i = 0; i < total - n; i++)
		sem_post(&v[i]->wake);
	free(v);
}

void batch_close(const struct md_config *cfg)
{
	atomic_store(&closed, 1);
	batch_commit(NULL, 0, cfg);
}
