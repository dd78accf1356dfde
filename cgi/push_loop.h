/* SPDX-License-Identifier: MIT */
/* push_loop.h: the thread of each worker that stores pushes (batch.h) and
 * serves the push socket (App.PushSocket). nginx passes the push routes
 * there and keeps its connections open; one thread serves them all, so a
 * burst of pushes costs one wake-up, not a thread's sleep and wake-up per
 * push. The rest of the app stays with libfcgi (main.c). */
#ifndef MDASH_PUSH_LOOP_H
#define MDASH_PUSH_LOOP_H

#include "config.h"

/* Starts the loop, serving listen_fd's connections (-1: none; it still
 * stores the pushes of libfcgi's threads). 0, or -1 when it cannot start. */
int push_loop_start(int listen_fd, const struct md_config *cfg);
/* Stops accepting (and closes the listening socket), answers the requests
 * in hand, closes the connections and returns when the loop has ended (at
 * most a few seconds). */
void push_loop_stop(void);

#endif
