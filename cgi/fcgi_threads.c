/* SPDX-License-Identifier: MIT */
/* fcgi_threads.c: libfcgi's threads (fcgi_threads.h) and their transport:
 * a request's parameters, body and answer through libfcgi's streams. */
#include "fcgi_threads.h"

#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer.h"
#include "fcgi_wire.h"
#include "log.h"
#include "push_loop.h"
#include "routes.h"

/* Threads need little stack: requests keep their data on the heap. */
#define THREAD_STACK (2u << 20)

static const struct md_config *config;
static int listen_on;
/* Set when the worker stops; requests in hand. */
static atomic_int stopping, busy;
/* Each thread's index, for its link to the push loop. */
static atomic_int next_index;

static const char *fcgx_param(void *conn, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)conn)->envp);
}

static int fcgx_read(void *conn, struct buf *body, size_t len)
{
	FCGX_Stream *in = ((FCGX_Request *)conn)->in;
	for (size_t got = 0; got < len;) {
		char chunk[8192];
		size_t want = len - got;
		int n = FCGX_GetStr(chunk, (int)(want < sizeof chunk ? want : sizeof chunk), in);
		if (n <= 0)
			return -1;
		buf_append(body, chunk, (size_t)n);
		got += (size_t)n;
	}
	return 0;
}

static void fcgx_write(void *conn, const char *data, size_t len)
{
	FCGX_PutStr(data, (int)len, ((FCGX_Request *)conn)->out);
}

static const struct req_io fcgx_io = {fcgx_param, fcgx_read, fcgx_write};

/* Sends all of b on fd: 0, or -1. */
static int send_all(int fd, const struct buf *b)
{
	for (size_t off = 0; off < b->len;) {
		ssize_t n = send(fd, b->data + off, b->len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Hands a push to the push loop over link, as a client of the loop, and
 * relays the answer: 0, or -1 when the loop could not be reached. The
 * body goes as far as it was read: the loop answers a body too big or cut
 * short as the dispatcher does. */
static int hand_over(int link, struct req *r, FCGX_Request *fr)
{
	struct buf out = {0}, in = {0}, answer = {0};
	int status, done = 0;
	const char *why;
	req_read_body(r, &status, &why);
	fcgi_request_encode(&out, 1, 1, fr->envp, r->body.data, r->body.len);
	int rc = send_all(link, &out);
	size_t off = 0;
	while (!rc && !done) {
		char chunk[8192];
		ssize_t n = recv(link, chunk, sizeof chunk, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		buf_append(&in, chunk, (size_t)n);
		long used = fcgi_answer_feed((const unsigned char *)in.data + off, in.len - off, &answer, &done);
		if (used < 0)
			rc = -1;
		else
			off += (size_t)used;
	}
	if (!rc)
		FCGX_PutStr(answer.data, (int)answer.len, fr->out);
	buf_free(&out);
	buf_free(&in);
	buf_free(&answer);
	return rc;
}

static void handle(int link, FCGX_Request *fr)
{
	struct req r = {0};
	req_init(&r, &fcgx_io, fr, config);
	if (!dispatch_batched(&r)) {
		dispatch(&r);
	} else if (link < 0 || hand_over(link, &r, fr)) {
		log_error("%s %s: the push loop cannot be reached", r.method, r.path);
		resp_header(&r, "Retry-After", "5");
		resp_error(&r, 503, "Pushes cannot be stored at the moment; try again.");
	}
	dispatch_free(&r);
}

/* Ends a request and closes its connection without waiting for nginx's
 * side to close. libfcgi would shut the socket down and wait (poll) until
 * nginx closes, reading whatever else arrives: a sleep and a wake-up of
 * the thread per request, about a tenth of the app's CPU time for a
 * fragment. Reading the request's input to its end instead leaves nothing
 * unread (nginx sends nothing after it), so closing at once ends the
 * connection as cleanly; nginx has the whole answer by then. */
static void finish(FCGX_Request *fr)
{
	char sink[4096];
	while (FCGX_GetStr(sink, sizeof sink, fr->in) > 0)
		;
	FCGX_Detach(fr);
	FCGX_Finish_r(fr);
}

/* One thread's loop: a connection at a time, a request at a time. */
static void *serve(void *arg)
{
	(void)arg;
	int link = push_loop_link(atomic_fetch_add(&next_index, 1));
	FCGX_Request fr;
	if (FCGX_InitRequest(&fr, listen_on, 0))
		return NULL;
	while (!atomic_load(&stopping) && FCGX_Accept_r(&fr) >= 0) {
		atomic_fetch_add(&busy, 1);
		handle(link, &fr);
		finish(&fr);
		atomic_fetch_sub(&busy, 1);
	}
	if (!atomic_load(&stopping)) {
		log_error("worker: cannot accept connections any more");
		_exit(1);
	}
	return NULL;
}

int fcgi_threads_start(int listen_fd, const struct md_config *cfg)
{
	config = cfg;
	listen_on = listen_fd;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	long started = 0;
	for (; started < cfg->threads; started++) {
		pthread_t t;
		int e = pthread_create(&t, &attr, serve, NULL);
		if (e) {
			log_error("worker: started %ld of %ld threads: %s", started, cfg->threads, strerror(e));
			break;
		}
	}
	pthread_attr_destroy(&attr);
	return started > 0;
}

void fcgi_threads_stop(void)
{
	atomic_store(&stopping, 1);
	while (atomic_load(&busy))
		usleep(2000);
}
