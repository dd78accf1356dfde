/* test_batch.c: the push queue's hand-offs (cgi/batch.c), with a committer
 * that stores nothing. Many threads push at once, with random pauses at
 * every step, as pushes meet on a busy worker: every push must be
 * committed exactly once and answered, no thread may wait for ever, and
 * pushes must share batches. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "batch.h"
#include "tests.h"

/* The worker lock lives in the app's main.c. */
static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
void app_lock(void)
{
	pthread_mutex_lock(&worker_lock);
}
void app_unlock(void)
{
	pthread_mutex_unlock(&worker_lock);
}

#define THREADS 48
#define PUSHES 300 /* per thread */

static atomic_long committed, batches, twice;
static _Thread_local unsigned seed;

/* Now and then a yield or a short sleep, to shuffle the interleavings. */
static void jitter(void)
{
	unsigned r = (unsigned)rand_r(&seed) % 8;
	if (r == 0)
		usleep((useconds_t)(rand_r(&seed) % 50));
	else if (r < 3)
		sched_yield();
}

/* Called by batch.c between the steps of a hand-off (BATCH_TEST_PAUSE). */
void batch_test_pause(void);
void batch_test_pause(void)
{
	jitter();
}

static void commit_nothing(struct batched_push **v, int n, const struct md_config *cfg)
{
	(void)cfg;
	atomic_fetch_add(&batches, 1);
	jitter();
	for (int i = 0; i < n; i++) {
		if (v[i]->status)
			atomic_fetch_add(&twice, 1);
		v[i]->status = 204;
	}
	atomic_fetch_add(&committed, n);
	jitter();
}

/* One push from a fresh stack frame, which is scribbled over afterwards:
 * a late wake-up for a push already answered would land in it. */
static __attribute__((noinline)) int push_once(const struct md_config *cfg)
{
	struct batched_push p = {.widget = "w", .token = "t"};
	batch_push(&p, cfg);
	return p.status;
}

static __attribute__((noinline)) void scribble(void)
{
	volatile char junk[sizeof(struct batched_push) * 4];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)0xA5;
}

static void *pusher(void *arg)
{
	struct md_config cfg = {0};
	long bad = 0;
	seed = (unsigned)(size_t)arg * 7919u;
	for (int i = 0; i < PUSHES; i++) {
		bad += push_once(&cfg) != 204;
		scribble();
		jitter();
	}
	return (void *)bad;
}

START_TEST(every_push_is_committed_once_and_answered)
{
	batch_set_committer(commit_nothing);
	pthread_t t[THREADS];
	for (size_t i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, pusher, (void *)(i + 1)), 0);
	long unanswered = 0;
	for (size_t i = 0; i < THREADS; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		unanswered += (long)bad;
	}
	batch_set_committer(NULL);
	ck_assert_int_eq(unanswered, 0);
	ck_assert_int_eq(atomic_load(&twice), 0);
	ck_assert_int_eq(atomic_load(&committed), (long)THREADS * PUSHES);
	/* Pushes met in shared batches. */
	ck_assert_int_lt(atomic_load(&batches), (long)THREADS * PUSHES);
}
END_TEST

TCase *tcase_batch(void)
{
	TCase *tc = tcase_create("batch");
	/* A thread left waiting for ever shows as a timeout. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_push_is_committed_once_and_answered);
	return tc;
}
