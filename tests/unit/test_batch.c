/* SPDX-License-Identifier: MIT */
/* test_batch.c: the push loop (cgi/push_loop.c) and the push socket's
 * server on it (cgi/push_server.c, cgi/batch.c), with a committer that
 * stores nothing.
 *
 * Many threads push at once through their links to the loop, as
 * libfcgi's threads do: every push must be committed exactly once and
 * answered, none may wait for ever, and pushes must share batches. Clients of the loop, as nginx:
 * many requests on kept connections, at once, answered in order; a
 * connection the client closes; bytes that are not FastCGI, which cost
 * the sender its connection only; and idle connections, closed after a
 * while, and closed, the idlest first, to let a request in when there are
 * too many. The push socket through the real route table: pushes only,
 * refused as their rule says; and libfcgi's threads, which serve the rest
 * and hand their pushes to the loop. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "batch.h"
#include "config.h"
#include "fcgi_threads.h"
#include "fcgi_wire.h"
#include "push_loop.h"
#include "push_server.h"
#include "tests.h"

/* The settings' defaults. */
static void defaults(struct md_config *cfg)
{
	struct buf err = {0};
	ck_assert_int_eq(config_parse("", 0, "defaults", cfg, &err), 0);
}

#define THREADS 48
#define PUSHES 300 /* per thread */

static atomic_long committed, batches, twice, largest;
static _Thread_local unsigned seed;

/* Now and then a yield or a short sleep, to shuffle the interleavings. */
static void jitter(void)
{
	unsigned r = (unsigned)rand_r(&seed) % 8;
	if (r == 0)
		usleep((useconds_t)(rand_r(&seed) % 50));
	else if (r < 3)
		sched_yield();
}

static void commit_nothing(struct batched_push **v, int n, const struct md_config *cfg)
{
	(void)cfg;
	atomic_fetch_add(&batches, 1);
	if (n > atomic_load(&largest))
		atomic_store(&largest, n);
	jitter();
	for (int i = 0; i < n; i++) {
		if (v[i]->status)
			atomic_fetch_add(&twice, 1);
		v[i]->status = !v[i]->token || !strcmp(v[i]->token, "wrong") ? 401 : 204;
	}
	atomic_fetch_add(&committed, n);
	jitter();
}

static void reset_counts(void)
{
	atomic_store(&committed, 0);
	atomic_store(&batches, 0);
	atomic_store(&twice, 0);
	atomic_store(&largest, 0);
}

/* A listening socket in the abstract namespace (no file), and a client. */
static int listener(struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "mdash-test-push-%d", (int)getpid());
	ck_assert_int_eq(bind(fd, (struct sockaddr *)a, sizeof *a), 0);
	ck_assert_int_eq(listen(fd, 128), 0);
	return fd;
}

/* A user of the loop that answers at the round's end with the body it
 * got; a body "now" is answered at once. */
static atomic_long kept, rounds, largest_round;

static int echo_begin(struct loop_request *q)
{
	if (strcmp(buf_str(&q->fr.body), "now"))
		return 1;
	buf_puts(&q->out, "Status: 400\r\n\r\nnow");
	return 0;
}

static void echo_round(struct loop_request **v, int n)
{
	atomic_fetch_add(&rounds, 1);
	atomic_fetch_add(&kept, n);
	if (n > atomic_load(&largest_round))
		atomic_store(&largest_round, n);
	for (int i = 0; i < n; i++)
		buf_printf(&v[i]->out, "Status: 204\r\n\r\n%s", buf_str(&v[i]->fr.body));
}

static void echo_release(struct loop_request *q)
{
	(void)q;
}

/* Starts the loop on a new listening socket, with the echo. */
static void serve_on_socket(const struct md_config *cfg, struct sockaddr_un *a)
{
	int lfd = listener(a);
	atomic_store(&kept, 0);
	atomic_store(&rounds, 0);
	atomic_store(&largest_round, 0);
	struct push_loop_callbacks echo = {echo_begin, echo_round, echo_release, 1 << 20};
	ck_assert_int_eq(push_loop_start(lfd, 0, cfg, &echo), 0);
}

static int client(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fd, (const struct sockaddr *)a, sizeof *a), 0);
	return fd;
}

static void send_all(int fd, const struct buf *b)
{
	for (size_t off = 0; off < b->len;) {
		ssize_t n = send(fd, b->data + off, b->len - off, MSG_NOSIGNAL);
		ck_assert_int_gt(n, 0);
		off += (size_t)n;
	}
}

/* Reads one answer's records: its stdout into out, up to the end of the
 * request. 0, or -1 when the connection ends first. */
static int read_answer(int fd, struct buf *out)
{
	buf_reset(out);
	buf_append(out, "", 0);
	for (;;) {
		unsigned char h[8];
		size_t got = 0;
		while (got < 8) {
			ssize_t n = recv(fd, h + got, 8 - got, 0);
			if (n <= 0)
				return -1;
			got += (size_t)n;
		}
		size_t len = ((size_t)h[4] << 8 | h[5]) + h[6];
		char *c = xmalloc(len + 1);
		for (got = 0; got < len;) {
			ssize_t n = recv(fd, c + got, len - got, 0);
			if (n <= 0) {
				free(c);
				return -1;
			}
			got += (size_t)n;
		}
		if (h[1] == 6)
			buf_append(out, c, (size_t)h[4] << 8 | h[5]);
		free(c);
		if (h[1] == 3)
			return 0;
	}
}

/* The next answer on fd is want, whole. */
static void expect_answer(int fd, const char *want)
{
	struct buf out = {0};
	ck_assert_int_eq(read_answer(fd, &out), 0);
	ck_assert_str_eq(out.data, want);
	buf_free(&out);
}

/* Appends a request; header: one more parameter, or NULL. */
static void ask_with(struct buf *req, const char *method, const char *path, const char *header, const char *body,
		     int keep)
{
	struct buf m = {0}, u = {0}, l = {0};
	buf_printf(&m, "REQUEST_METHOD=%s", method);
	buf_printf(&u, "DOCUMENT_URI=%s", path);
	buf_printf(&l, "CONTENT_LENGTH=%zu", strlen(body));
	const char *const env[] = {m.data, u.data, l.data, "CONTENT_TYPE=application/json", header, NULL};
	fcgi_test_request(req, 1, keep, env, body, strlen(body));
	buf_free(&m);
	buf_free(&u);
	buf_free(&l);
}

static void ask(struct buf *req, const char *method, const char *path, const char *body, int keep)
{
	ask_with(req, method, path, NULL, body, keep);
}

/* One thread's pushes through its link to the loop, one at a time, as
 * libfcgi's threads hand theirs over: the number not answered 204. */
static void *pusher(void *arg)
{
	int link = push_loop_link((int)(size_t)arg);
	long bad = 0;
	struct buf req = {0}, out = {0};
	seed = (unsigned)(size_t)arg * 7919u + 1;
	for (int i = 0; i < PUSHES; i++) {
		buf_reset(&req);
		ask(&req, "POST", "/widgets/w1", "{\"auth_token\":\"t\",\"current\":1}", 1);
		ssize_t sent = send(link, req.data, req.len, MSG_NOSIGNAL);
		bad += sent != (ssize_t)req.len || read_answer(link, &out) || strncmp(out.data, "Status: 204", 11);
		jitter();
	}
	buf_free(&req);
	buf_free(&out);
	return (void *)bad;
}

START_TEST(every_push_of_the_threads_is_committed_once_and_answered)
{
	struct md_config cfg;
	defaults(&cfg);
	reset_counts();
	batch_set_committer(commit_nothing);
	ck_assert_int_eq(push_server_start(-1, THREADS, &cfg), 0);
	pthread_t t[THREADS];
	for (size_t i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, pusher, (void *)i), 0);
	long unanswered = 0;
	for (size_t i = 0; i < THREADS; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		unanswered += (long)bad;
	}
	push_server_stop();
	batch_set_committer(NULL);
	ck_assert_int_eq(unanswered, 0);
	ck_assert_int_eq(atomic_load(&twice), 0);
	ck_assert_int_eq(atomic_load(&committed), (long)THREADS * PUSHES);
	/* Pushes met in shared batches. */
	ck_assert_int_lt(atomic_load(&batches), (long)THREADS * PUSHES);
	config_free(&cfg);
}
END_TEST

#define CLIENTS 32
#define ROUNDS 20

START_TEST(serves_pushes_on_kept_connections)
{
	struct md_config cfg;
	defaults(&cfg);
	struct sockaddr_un a;
	serve_on_socket(&cfg, &a);
	int fds[CLIENTS];
	for (int i = 0; i < CLIENTS; i++)
		fds[i] = client(&a);
	struct buf req = {0}, out = {0}, want = {0};
	/* Every client sends, then every client reads: the loop sees them
	 * together and answers them in few rounds. */
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < CLIENTS; i++) {
			struct buf body = {0};
			buf_printf(&body, "c%d-r%d", i, round);
			buf_reset(&req);
			ask(&req, "POST", i % 2 ? "/widgets/w1" : "/api/widgets/w2", body.data, 1);
			send_all(fds[i], &req);
			buf_free(&body);
		}
		for (int i = 0; i < CLIENTS; i++) {
			ck_assert_int_eq(read_answer(fds[i], &out), 0);
			buf_reset(&want);
			buf_printf(&want, "Status: 204\r\n\r\nc%d-r%d", i, round);
			ck_assert_str_eq(out.data, want.data);
		}
	}
	ck_assert_int_eq(atomic_load(&kept), CLIENTS * ROUNDS);
	ck_assert_int_lt(atomic_load(&rounds), CLIENTS * ROUNDS);
	ck_assert_int_gt(atomic_load(&largest_round), 1);

	/* Two requests sent at once on one connection: answered in order. */
	buf_reset(&req);
	ask(&req, "POST", "/widgets/w1", "one", 1);
	ask(&req, "POST", "/widgets/w1", "two", 1);
	send_all(fds[0], &req);
	expect_answer(fds[0], "Status: 204\r\n\r\none");
	expect_answer(fds[0], "Status: 204\r\n\r\ntwo");

	/* One answered at once, between two kept: still in order. */
	buf_reset(&req);
	ask(&req, "POST", "/widgets/w1", "first", 1);
	ask(&req, "POST", "/widgets/w1", "now", 1);
	ask(&req, "POST", "/widgets/w1", "last", 1);
	send_all(fds[1], &req);
	expect_answer(fds[1], "Status: 204\r\n\r\nfirst");
	expect_answer(fds[1], "Status: 400\r\n\r\nnow");
	expect_answer(fds[1], "Status: 204\r\n\r\nlast");

	/* Without "keep the connection", it is closed after the answer. */
	buf_reset(&req);
	ask(&req, "POST", "/widgets/w1", "last", 0);
	send_all(fds[2], &req);
	ck_assert_int_eq(read_answer(fds[2], &out), 0);
	ck_assert_int_eq(read_answer(fds[2], &out), -1);

	/* Bytes that are not FastCGI: that connection ends, the others go on. */
	buf_reset(&req);
	buf_puts(&req, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	send_all(fds[3], &req);
	ck_assert_int_eq(read_answer(fds[3], &out), -1);
	/* A client that sends and goes at once. */
	buf_reset(&req);
	ask(&req, "POST", "/widgets/w1", "gone", 1);
	send_all(fds[4], &req);
	close(fds[4]);
	buf_reset(&req);
	ask(&req, "POST", "/widgets/w1", "still here", 1);
	send_all(fds[5], &req);
	expect_answer(fds[5], "Status: 204\r\n\r\nstill here");

	/* A stop closes the kept connections at once, and one in the middle
	 * of a request after a grace period of a few seconds. */
	buf_reset(&req);
	ask(&req, "POST", "/widgets/w1", "half", 1);
	buf_truncate(&req, req.len / 2);
	send_all(fds[7], &req);
	long long t0 = now_ms();
	push_loop_stop();
	ck_assert_int_lt(now_ms() - t0, 8000);
	ck_assert_int_eq(read_answer(fds[6], &out), -1);
	ck_assert_int_eq(read_answer(fds[7], &out), -1);
	for (int i = 0; i < CLIENTS; i++)
		if (i != 4)
			close(fds[i]);
	buf_free(&req);
	buf_free(&out);
	buf_free(&want);
	config_free(&cfg);
}
END_TEST

#define IDLE 24

START_TEST(idle_connections_never_keep_a_push_out)
{
	struct md_config cfg;
	defaults(&cfg);
	cfg.push_connections = 16;
	cfg.push_idle_timeout = 1;
	struct sockaddr_un a;
	serve_on_socket(&cfg, &a);
	int idle[IDLE];
	for (int i = 0; i < IDLE; i++)
		idle[i] = client(&a);
	/* More connections than allowed: the idlest go, the push gets in. */
	struct buf req = {0}, out = {0};
	int fd = client(&a);
	ask(&req, "POST", "/widgets/w1", "through", 1);
	send_all(fd, &req);
	expect_answer(fd, "Status: 204\r\n\r\nthrough");
	ck_assert_int_eq(read_answer(idle[0], &out), -1);
	/* The others go after a second of idling; the kept one too. */
	long long t0 = now_ms();
	ck_assert_int_eq(read_answer(idle[IDLE - 1], &out), -1);
	ck_assert_int_eq(read_answer(fd, &out), -1);
	ck_assert_int_gt(now_ms() - t0, 300);
	ck_assert_int_lt(now_ms() - t0, 10000);
	push_loop_stop();
	for (int i = 0; i < IDLE; i++)
		close(idle[i]);
	close(fd);
	buf_free(&req);
	buf_free(&out);
	config_free(&cfg);
}
END_TEST

/* The next answer on fd begins with status and holds says. */
static void expect_like(int fd, const char *status, const char *says)
{
	struct buf out = {0};
	ck_assert_int_eq(read_answer(fd, &out), 0);
	ck_assert_msg(!strncmp(out.data, status, strlen(status)) && strstr(out.data, says), "%s", out.data);
	buf_free(&out);
}

START_TEST(the_push_socket_serves_pushes_by_the_route_table)
{
	struct md_config cfg;
	defaults(&cfg);
	struct sockaddr_un a;
	int lfd = listener(&a);
	reset_counts();
	batch_set_committer(commit_nothing);
	ck_assert_int_eq(push_server_start(lfd, 0, &cfg), 0);
	int fd = client(&a);
	struct buf req = {0};
	ask(&req, "POST", "/widgets/w1", "{\"auth_token\":\"t\",\"current\":1}", 1);
	ask(&req, "POST", "/widgets/w1", "{\"auth_token\":\"wrong\"}", 1);
	ask_with(&req, "POST", "/api/widgets/w1", "HTTP_AUTHORIZATION=Bearer t", "{\"current\":1}", 1);
	ask(&req, "POST", "/api/widgets/w1", "{\"current\":1}", 1);
	ask(&req, "POST", "/widgets/w1", "not json", 1);
	ask(&req, "GET", "/d/ops", "", 1);
	ask(&req, "GET", "/widgets/w1", "", 1);
	send_all(fd, &req);
	expect_like(fd, "Status: 204", "");
	expect_like(fd, "Status: 401", "\r\n\r\nInvalid API key\n");
	expect_like(fd, "Status: 204", "");
	expect_like(fd, "Status: 401", "WWW-Authenticate: Bearer");
	expect_like(fd, "Status: 400", "\"error\"");
	expect_like(fd, "Status: 404", "Only pushes are served here.");
	expect_like(fd, "Status: 405", "This method is not allowed here.");
	ck_assert_int_eq(atomic_load(&committed), 4);
	push_server_stop();
	batch_set_committer(NULL);
	close(fd);
	buf_free(&req);
	config_free(&cfg);
}
END_TEST

/* One request on a connection of its own; the answer into out. */
static void ask_once(const struct sockaddr_un *a, const char *method, const char *path, const char *header,
		     const char *body, struct buf *out)
{
	int fd = client(a);
	struct buf req = {0};
	ask_with(&req, method, path, header, body, 0);
	send_all(fd, &req);
	ck_assert_int_eq(read_answer(fd, out), 0);
	close(fd);
	buf_free(&req);
}

START_TEST(the_threads_hand_their_pushes_to_the_loop)
{
	struct md_config cfg;
	defaults(&cfg);
	cfg.threads = 2;
	struct sockaddr_un a;
	int lfd = listener(&a);
	reset_counts();
	batch_set_committer(commit_nothing);
	FCGX_Init();
	ck_assert_int_eq(push_server_start(-1, (int)cfg.threads, &cfg), 0);
	ck_assert_int_eq(fcgi_threads_start(lfd, &cfg), 1);
	struct buf out = {0};
	ask_once(&a, "POST", "/widgets/w1", NULL, "{\"auth_token\":\"t\",\"current\":1}", &out);
	ck_assert_msg(!strncmp(out.data, "Status: 204", 11), "%s", out.data);
	ask_once(&a, "POST", "/api/widgets/w1", "HTTP_AUTHORIZATION=Bearer wrong", "{}", &out);
	ck_assert_msg(!strncmp(out.data, "Status: 401", 11) && strstr(out.data, "WWW-Authenticate"), "%s", out.data);
	ask_once(&a, "GET", "/nope", NULL, "", &out);
	ck_assert_msg(!strncmp(out.data, "Status: 404", 11) && strstr(out.data, "nothing at this address"), "%s",
		      out.data);
	ck_assert_int_eq(atomic_load(&committed), 2);
	fcgi_threads_stop();
	push_server_stop();
	batch_set_committer(NULL);
	buf_free(&out);
	config_free(&cfg);
}
END_TEST

TCase *tcase_batch(void)
{
	TCase *tc = tcase_create("batch");
	/* A thread left waiting for ever shows as a timeout. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_push_of_the_threads_is_committed_once_and_answered);
	tcase_add_test(tc, serves_pushes_on_kept_connections);
	tcase_add_test(tc, idle_connections_never_keep_a_push_out);
	tcase_add_test(tc, the_push_socket_serves_pushes_by_the_route_table);
	tcase_add_test(tc, the_threads_hand_their_pushes_to_the_loop);
	return tc;
}
