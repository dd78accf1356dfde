/* SPDX-License-Identifier: MIT */
/* fcgi_threads.h: libfcgi's threads, the transport of the main socket:
 * App.Threads threads per worker, each serving one connection at a time,
 * each request through the route table (routes.h). The pushes among their
 * requests go to the push loop (push_server.h), the one way into the
 * batch: each thread hands them over its own connection to the loop, as
 * nginx's connections to the push socket do. */
#ifndef MDASH_FCGI_THREADS_H
#define MDASH_FCGI_THREADS_H

#include "config.h"

/* Starts cfg's App.Threads threads on listen_fd; thread i hands its pushes
 * over the push loop's link i (push_loop_link). 0 when none could start. */
int fcgi_threads_start(int listen_fd, const struct md_config *cfg);
/* Lets the threads finish the requests in hand and accept no more; returns
 * when none is left in hand. */
void fcgi_threads_stop(void);

#endif
