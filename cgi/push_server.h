/* SPDX-License-Identifier: MIT */
/* push_server.h: the thread of each worker that stores pushes: the push
 * loop (push_loop.h) serving the push socket (App.PushSocket) through the
 * route table, and the batch (batch.h). nginx passes the push routes
 * there and keeps its connections open. The rest of the app stays with
 * libfcgi's threads (main.c). */
#ifndef MDASH_PUSH_SERVER_H
#define MDASH_PUSH_SERVER_H

#include "config.h"

/* Starts it, serving listen_fd's connections (-1: none; it still stores
 * the pushes of libfcgi's threads). 0, or -1 when it cannot start. */
int push_server_start(int listen_fd, const struct md_config *cfg);
/* Answers the pushes in hand and stops (push_loop_stop). */
void push_server_stop(void);

#endif
