/* SPDX-License-Identifier: MIT */
/* push_server.c: the push socket's server (push_server.h). Each request of
 * the push loop goes through the route table like any other (routes.c),
 * where only the BATCHED routes are served; a push waits for the round's
 * end, when the batch stores every push of the round together with those
 * libfcgi's threads queued (batch.h), and then each is answered. */
#include "push_server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "log.h"
#include "push_loop.h"
#include "routes.h"

static const struct md_config *config;

static int begin(struct loop_request *q)
{
	struct req *r = xcalloc(1, sizeof *r);
	q->data = r;
	r->own = &q->fr;
	r->out = &q->out;
	r->envp = q->fr.envp;
	req_init(r, config);
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

static void stopped(void)
{
	batch_close(config); /* with the pushes queued since the last round */
}

int push_server_start(int listen_fd, const struct md_config *cfg)
{
	config = cfg;
	if (batch_init()) {
		log_error("push loop: no queue for the threads' pushes: %s", strerror(errno));
		return -1;
	}
	struct push_loop_callbacks cb = {begin, end_round, release, stopped, batch_queue_fd(), REQ_MAX_BODY};
	return push_loop_start(listen_fd, cfg, &cb);
}

void push_server_stop(void)
{
	push_loop_stop();
}
