/* SPDX-License-Identifier: MIT */
/* push_loop.h: a FastCGI server on one thread: one epoll loop over a
 * listening socket and its connections, for requests best answered
 * together. nginx keeps its connections open; one thread serves them all,
 * so a burst of requests costs one wake-up, not a thread's sleep and
 * wake-up per request. Each round it reads what arrived and begins the
 * requests it completes; those its user keeps are answered together at
 * the round's end. What arrives meanwhile waits in the sockets for the
 * next round, so rounds grow with the load.
 *
 * The loop knows no route, handler or batch: its user's callbacks do
 * (push_server.c serves the push socket with it). */
#ifndef MDASH_PUSH_LOOP_H
#define MDASH_PUSH_LOOP_H

#include "config.h"
#include "fcgi_wire.h"
#include "util.h"

/* A request of one of the loop's connections. */
struct loop_request {
	struct fcgi_request fr; /* its parameters and body */
	struct buf out;         /* its answer, a CGI response: headers, a blank line, the body */
	void *data;             /* the callbacks' own */
};

/* Called on the loop's thread. */
struct push_loop_callbacks {
	/* A complete request: answers it into q->out and returns 0, or
	 * returns 1 to answer it at the round's end. */
	int (*begin)(struct loop_request *q);
	/* The round's end: answers the n requests kept. */
	void (*round)(struct loop_request **kept, int n);
	/* Lets go of q->data, once answered or when its connection goes. */
	void (*release)(struct loop_request *q);
	/* Bytes of a request's body kept at most (fcgi_wire.h: the rest is
	 * dropped, and the request says so). */
	size_t max_body;
};

/* Starts the loop, serving listen_fd's connections (-1: none), and links
 * connections of the process's own threads, made here (push_loop_link).
 * At most App.PushConnections connections from listen_fd (fewer when the
 * process may not open that many files); one idle for App.PushIdleTimeout
 * is closed. Links count in neither, and live as long as the loop. 0, or
 * -1 when it cannot start. */
int push_loop_start(int listen_fd, int links, const struct md_config *cfg, const struct push_loop_callbacks *cb);
/* The client's end of link i, a blocking socket for one thread's use, on
 * which it sends requests as nginx would, one at a time; -1 when there is
 * no such link. */
int push_loop_link(int i);
/* Stops accepting (and closes the listening socket), answers the requests
 * in hand, closes the connections and returns when the loop has ended (at
 * most a few seconds). */
void push_loop_stop(void);

#endif
