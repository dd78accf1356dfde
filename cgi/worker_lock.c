/* SPDX-License-Identifier: MIT */
/* worker_lock.c: the worker lock (worker_lock.h). */
#include "worker_lock.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void worker_lock(void)
{
	pthread_mutex_lock(&lock);
}

void worker_unlock(void)
{
	pthread_mutex_unlock(&lock);
}
