/* SPDX-License-Identifier: MIT */
/* push_server.c: the push socket's server (push_server.h). Each request of
 * the push loop, from nginx or from one of the app's threads, goes through
 * the route table like any other (routes.c), where only the BATCHED routes
 * are served; a push waits for the round's end, when the batch stores
 * every push of the round (batch.h), and then each is answered. */
#include "push_server.h"

#include <stdlib.h>

#include "batch.h"
#include "push_loop.h"
#include "routes.h"

static const struct md_config *config;

static const char *loop_param(void *conn, const char *name)
{
	return fcgi_param(((struct loop_request *)conn)->fr.envp, name);
}

/* The loop has read the body (up to REQ_MAX_BODY). */
static int loop_read(void *conn, struct buf *body, size_t len)
{
	const struct buf *got = &((struct loop_request *)conn)->fr.body;
	buf_append(body, got->data, got->len < len ? got->len : len);
	return got->len < len ? -1 : 0;
}

static void loop_write(void *conn, const char *data, size_t len)
{
	buf_append(&((struct loop_request *)conn)->out, data, len);
}

const struct req_io loop_request_io = {loop_param, loop_read, loop_write};

static int begin(struct loop_request *q)
{
	struct req *r = xcalloc(1, sizeof *r);
	q->data = r;
	req_init(r, &loop_request_io, q, config);
	return dispatch_begin(r);
}

static void end_round(struct loop_request **kept, int n)
{
	struct batched_push **pushes = xcalloc((size_t)n + 1, sizeof *pushes);
	for (int i = 0; i < n; i++)
		pushes[i] = ((struct req *)kept[i]->data)->push;
	batch_commit(pushes, n, config);
	for (int i = 0; i < n; i++)
		dispatch_end(kept[i]->data);
	free(pushes);
}

static void release(struct loop_request *q)
{
	struct req *r = q->data;
	if (r->push) /* its connection went before the round's end */
		dispatch_end(r);
	dispatch_free(r);
	free(r);
}

int push_server_start(int listen_fd, int links, const struct md_config *cfg)
{
	config = cfg;
	struct push_loop_callbacks cb = {begin, end_round, release, REQ_MAX_BODY};
	return push_loop_start(listen_fd, links, cfg, &cb);
}

void push_server_stop(void)
{
	push_loop_stop();
}
