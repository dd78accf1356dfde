/* batch.c: group commit for pushes (see batch.h).
 *
 * Pushes wait on a lock-free stack. A thread that finds no committer
 * becomes it: it takes every pending push, stores them (tokens, rows,
 * history) under the worker lock and publishes them. Then it passes the
 * lead to the thread of a push that arrived meanwhile, and wakes the
 * threads of its batch, which answer their clients. No lock is held while
 * a thread waits. */
#include "batch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "publish.h"
#include "token.h"
#include "widget.h"

/* The unit test widens the windows between the steps of a hand-off. */
#ifdef BATCH_TEST_PAUSE
void BATCH_TEST_PAUSE(void);
#define PAUSE() BATCH_TEST_PAUSE()
#else
#define PAUSE() ((void)0)
#endif

/* Pushes waiting for a committer, newest first (many threads add, only the
 * committer takes), and whether a thread is committing. No lock: threads
 * that arrive together would queue on it, and each wait costs a sleep and
 * a wake-up. */
static _Atomic(struct batched_push *) pending;
static atomic_int committing;

/* One batch being stored: its pushes in arrival order, and those with a
 * good token as widget_store_batch takes them. */
struct batch {
	struct batched_push **v;
	int n;
	struct widget_push *w;
	struct batched_push **owner; /* w[i] is owner[i]'s push */
	int nstored;                 /* 0 when nothing was stored */
};

static void add_pending(struct batched_push *p)
{
	struct batched_push *head = atomic_load(&pending);
	do
		p->next = head;
	while (!atomic_compare_exchange_weak(&pending, &head, p));
}

/* Takes every pending push, oldest first, into a new array. Only the
 * committer calls it. */
static struct batched_push **take_pending(int *n)
{
	struct batched_push *list = NULL, *p = atomic_exchange(&pending, NULL), *next;
	*n = 0;
	for (; p; p = next, (*n)++) {
		next = p->next;
		p->next = list;
		list = p;
	}
	struct batched_push **v = xcalloc((size_t)*n + 1, sizeof *v);
	for (int i = 0; list; list = list->next)
		v[i++] = list;
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
		app_lock();
		for (int i = 0; i < k; i++) {
			buf_reset(&err);
			if (failed[i] && widget_unpublished(names[i], versions[i], &err))
				log_warn("widget %s: version %lld not marked pending: %s", names[i], versions[i],
					 buf_str(&err));
		}
		app_unlock();
	}
	buf_free(&err);
	free(failed);
	free(versions);
	free(names);
}

/* The committer hands the lead to the thread of a pending push, or lets
 * the next push to arrive take it. While a thread holds the lead no one
 * else takes pushes, so the head of the stack stays valid; once it lets
 * go, it must look again. */
static void pass_lead(void)
{
	for (;;) {
		struct batched_push *next = atomic_load(&pending);
		PAUSE();
		if (next) {
			next->leads = 1;
			sem_post(&next->wake);
			return;
		}
		atomic_store(&committing, 0);
		PAUSE();
		/* A push added since the look above saw a committer, and
		 * sleeps: take the lead back, unless someone else did. */
		if (!atomic_load(&pending) || atomic_exchange(&committing, 1))
			return;
	}
}

/* What a committer does with a batch; batch_set_committer's. */
static void store_and_publish(struct batched_push **v, int n, const struct md_config *cfg)
{
	struct batch b = {.v = v, .n = n};
	b.w = xcalloc((size_t)n + 1, sizeof *b.w);
	b.owner = xcalloc((size_t)n + 1, sizeof *b.owner);
	app_lock();
	store(&b);
	app_unlock();
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

/* One batch, from taking it to waking its threads. 1 when self's push was
 * in it (and is done). */
static int lead(struct batched_push *self, const struct md_config *cfg)
{
	int n, mine = 0;
	struct batched_push **v = take_pending(&n);
	if (n)
		committer(v, n, cfg);
	pass_lead();
	PAUSE();
	for (int i = 0; i < n; i++) {
		if (v[i] == self)
			mine = 1;
		else
			sem_post(&v[i]->wake); /* its thread may be gone once woken */
	}
	free(v);
	return mine;
}

/* A push's thread sleeps on its own semaphore, which is posted exactly
 * once unless the thread commits its push itself: when the push is done,
 * or (leads set) when the thread is to commit the next batch, its own push
 * included. A thread that finds no committer commits whatever is pending;
 * if an earlier batch took its push already, it then waits for that. */
void batch_push(struct batched_push *p, const struct md_config *cfg)
{
	p->leads = 0;
	sem_init(&p->wake, 0, 0);
	add_pending(p);
	PAUSE();
	int done = !atomic_exchange(&committing, 1) && lead(p, cfg);
	while (!done) {
		while (sem_wait(&p->wake) && errno == EINTR)
			;
		done = !p->leads || lead(p, cfg);
		p->leads = 0;
	}
	sem_destroy(&p->wake);
}
