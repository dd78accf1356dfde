/* SPDX-License-Identifier: MIT */
/* worker_lock.h: the worker lock. A worker holds one database connection,
 * one libcurl handle and ClearSilver's process-global state; the lock lets
 * one thread at a time use them: the handler of a LOCKED route (router.h)
 * runs under it, the push loop takes it around each batch's store. */
#ifndef MDASH_WORKER_LOCK_H
#define MDASH_WORKER_LOCK_H

void worker_lock(void);
void worker_unlock(void);

#endif
