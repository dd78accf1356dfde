/* SPDX-License-Identifier: MIT */
/* push_server.h: the thread of each worker that stores pushes: the push
 * loop (push_loop.h) serving the push socket (App.PushSocket) through the
 * route table, and the batch (batch.h). nginx passes the push routes
 * there and keeps its connections open; libfcgi's threads (fcgi_threads.h)
 * hand theirs over the loop's links. The loop is the one way into the
 * batch. */
#ifndef MDASH_PUSH_SERVER_H
#define MDASH_PUSH_SERVER_H

#include "config.h"
#include "request.h"

/* The transport of the push loop's requests (struct loop_request), read
 * whole before they begin, answered into their buffer. */
extern const struct req_io loop_request_io;

/* Starts it, serving listen_fd's connections (-1: none) and links
 * connections of the app's own threads (push_loop_link). 0, or -1 when it
 * cannot start. */
int push_server_start(int listen_fd, int links, const struct md_config *cfg);
/* Answers the pushes in hand and stops (push_loop_stop). */
void push_server_stop(void);

#endif
