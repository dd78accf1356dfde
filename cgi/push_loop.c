/* SPDX-License-Identifier: MIT */
/* push_loop.c: a FastCGI server on one thread (push_loop.h): one epoll
 * loop over the listening socket, its connections and the links.
 *
 * Each round reads what arrived, parses it (fcgi_wire.h) and begins the
 * requests it completes; then the callbacks answer those they kept, and
 * the loop sends every answer.
 *
 * A connection owns its buffers and its request in hand.
 *
 * Connections are listed from the most recently active to the least. One
 * idle for App.PushIdleTimeout is closed; at App.PushConnections, a new
 * connection closes the one idle longest (never one whose request waits
 * for the round's end). So idle connections, however many, never keep a
 * request out. */
#include "push_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

#define MAX_EVENTS 256
/* Descriptors a worker keeps for the rest besides its threads' (their
 * connections, both ends of their links): the database, publishing, logs. */
#define OTHER_FDS 64
/* Seconds a stop waits for connections in the middle of a request. */
#define STOP_GRACE 5

struct conn {
	int fd;
	struct fcgi_parser parser;
	struct buf in; /* read, not yet parsed from in_off */
	size_t in_off;
	struct buf out; /* records to write from out_off */
	size_t out_off;
	int writing;           /* waiting for the socket to take out */
	int closing;           /* close once out is written */
	long long active;      /* when it last read or wrote a byte */
	struct loop_request q; /* the request in hand */
	int kept;              /* q waits for the round's end */
	int link;              /* one of the links: in no list, never closed for idling */
	struct conn *prev, *next;
};

static struct {
	const struct md_config *cfg;
	struct push_loop_callbacks cb;
	int ep, listen_fd, stop_fd, listening, stopping;
	long long stop_by;     /* when stopping: the end of the grace period */
	long long accept_from; /* after running out of descriptors: when to try again */
	struct conn *conns;    /* every open connection, most recently active first */
	struct conn *idlest;   /* the last of them */
	int nconns, max_conns;
	long long idle_ms;
	/* Connections whose request waits for the round's end. */
	struct conn **ready;
	int nready;
	/* The links: the loop's ends, and the clients' (push_loop_link). */
	struct conn **links;
	int *link_fds, nlinks;
	pthread_t thread;
	int running;
} L;

/* Markers for the epoll entries that are not connections. */
static char listen_mark, stop_mark;

static int watch(int op, int fd, unsigned events, void *ptr)
{
	struct epoll_event ev = {.events = events, .data.ptr = ptr};
	return epoll_ctl(L.ep, op, fd, &ev);
}

static void listen_on(int on)
{
	if (L.listen_fd < 0 || L.listening == on)
		return;
	/* EPOLLEXCLUSIVE: a new connection wakes one worker's loop, not all. */
	if (on ? watch(EPOLL_CTL_ADD, L.listen_fd, EPOLLIN | EPOLLEXCLUSIVE, &listen_mark)
	       : epoll_ctl(L.ep, EPOLL_CTL_DEL, L.listen_fd, NULL))
		log_error("push loop: %s", strerror(errno));
	else
		L.listening = on;
}

static void unlink_conn(struct conn *c)
{
	if (c->link)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		L.conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		L.idlest = c->prev;
	c->prev = c->next = NULL;
}

/* Puts c, not in the list, first in it: it is new, or just read or wrote. */
static void link_first(struct conn *c)
{
	c->active = now_ms();
	if (c->link)
		return;
	c->next = L.conns;
	if (L.conns)
		L.conns->prev = c;
	else
		L.idlest = c;
	L.conns = c;
}

static void touch(struct conn *c)
{
	unlink_conn(c);
	link_first(c);
}

/* Lets go of the request in hand. */
static void forget(struct conn *c)
{
	if (c->q.data)
		L.cb.release(&c->q);
	c->q.data = NULL;
	c->kept = 0;
	fcgi_request_free(&c->q.fr);
}

/* Closes and frees c, with the request in hand (unanswered). */
static void release(struct conn *c)
{
	close(c->fd);
	unlink_conn(c);
	L.nconns -= !c->link;
	if (c->link)
		L.links[c->link - 1] = NULL;
	forget(c);
	fcgi_parser_free(&c->parser);
	buf_free(&c->in);
	buf_free(&c->out);
	buf_free(&c->q.out);
	free(c);
	if (!L.stopping && L.nconns < L.max_conns && !L.accept_from)
		listen_on(1);
}

/* A connection that is gone or broken. One whose request waits for the
 * round's end stays until then (it is in L.ready): its answer then finds
 * the socket gone. */
static void drop(struct conn *c)
{
	if (!c->kept) {
		release(c);
		return;
	}
	c->closing = 1;
	epoll_ctl(L.ep, EPOLL_CTL_DEL, c->fd, NULL);
	shutdown(c->fd, SHUT_RDWR);
}

/* Closes the connection idle longest whose request (if any) is not
 * waiting for the round's end: 0 when there is none. */
static int close_idlest(void)
{
	for (struct conn *c = L.idlest; c; c = c->prev)
		if (!c->kept) {
			release(c);
			return 1;
		}
	return 0;
}

/* Closes the connections idle for App.PushIdleTimeout. */
static void close_idle_long(void)
{
	long long before = now_ms() - L.idle_ms;
	struct conn *c = L.idlest, *prev;
	for (; c && c->active <= before; c = prev) {
		prev = c->prev;
		if (!c->kept)
			release(c);
	}
}

/* Milliseconds until the idlest connection has been idle too long, or -1. */
static int idle_wait(void)
{
	if (!L.idlest)
		return -1;
	long long ms = L.idlest->active + L.idle_ms - now_ms();
	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

/* A new connection on fd (link: its number, from 1, or 0): NULL when it
 * cannot be watched (fd closed). */
static struct conn *add_conn(int fd, int link)
{
	struct conn *c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->link = link;
	c->parser.max_body = L.cb.max_body;
	if (watch(EPOLL_CTL_ADD, fd, EPOLLIN, c)) {
		log_error("push loop: %s", strerror(errno));
		close(fd);
		free(c);
		return NULL;
	}
	link_first(c);
	return c;
}

static void accept_all(void)
{
	if (L.listen_fd < 0)
		return; /* closed by a stop since the event */
	for (;;) {
		int fd = accept4(L.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
				return;
			/* Out of descriptors or memory: the waiting connection
			 * would wake the loop at once again. Pause a moment. */
			log_error("push loop: accept: %s; trying again in a second", strerror(errno));
			listen_on(0);
			L.accept_from = now_ms() + 1000;
			return;
		}
		if (!add_conn(fd, 0))
			return;
		L.nconns++;
		if (L.nconns > L.max_conns && !close_idlest()) {
			listen_on(0); /* every request waits for the round: the kernel's queue holds the rest */
			return;
		}
	}
}

/* Empties b, letting go of its memory when a large request or answer
 * grew it: a kept connection lives long. */
static void shrink(struct buf *b)
{
	if (b->cap > 65536)
		buf_free(b);
	else
		buf_reset(b);
}

/* Writes what it can of out; -1 when the connection is gone (dropped). */
static int flush(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Nothing more is read until the client takes its answers. */
			if (!c->writing && !watch(EPOLL_CTL_MOD, c->fd, EPOLLOUT, c))
				c->writing = 1;
			return 0;
		}
		if (n < 0) {
			drop(c);
			return -1;
		}
		c->out_off += (size_t)n;
		touch(c);
	}
	shrink(&c->out);
	c->out_off = 0;
	if (c->closing) {
		release(c);
		return -1;
	}
	if (c->writing && !watch(EPOLL_CTL_MOD, c->fd, EPOLLIN, c))
		c->writing = 0;
	return 0;
}

/* Sends the answer of the request in hand and lets it go. */
static int finish(struct conn *c)
{
	fcgi_reply(&c->out, c->q.fr.id, c->q.out.data, c->q.out.len);
	c->closing |= !c->q.fr.keep_conn;
	forget(c);
	buf_reset(&c->q.out);
	return flush(c);
}

/* A complete request: kept for the round's end, or answered at once. */
static int begin(struct conn *c)
{
	if (L.cb.begin(&c->q)) {
		c->kept = 1;
		L.ready[L.nready++] = c;
		return 0;
	}
	return finish(c);
}

/* Parses what the connection has read, up to the end of a request. */
static int parse(struct conn *c)
{
	while (!c->kept && !c->closing && !c->writing) {
		size_t used;
		const char *why = NULL;
		enum fcgi_result res = fcgi_feed(&c->parser, (const unsigned char *)c->in.data + c->in_off,
						 c->in.len - c->in_off, &used, &why);
		c->in_off += used;
		if (res == FCGI_INVALID) {
			log_warn("push loop: dropped a connection: %s", why);
			drop(c);
			return -1;
		}
		if (res == FCGI_MORE)
			break;
		fcgi_take(&c->parser, &c->q.fr);
		if (begin(c))
			return -1;
	}
	/* Keep only the start of a record still arriving. */
	if (c->in_off == c->in.len) {
		shrink(&c->in);
	} else if (c->in_off) {
		memmove(c->in.data, c->in.data + c->in_off, c->in.len - c->in_off);
		buf_truncate(&c->in, c->in.len - c->in_off);
	}
	c->in_off = 0;
	return 0;
}

/* Reads what the socket has (at most a couple of records ahead). */
static void readable(struct conn *c)
{
	for (;;) {
		if (c->in.len - c->in_off > 2 * FCGI_RECORD_MAX)
			break; /* parse first */
		char chunk[16384];
		ssize_t n = recv(c->fd, chunk, sizeof chunk, 0);
		if (n > 0) {
			buf_append(&c->in, chunk, (size_t)n);
			touch(c);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		drop(c); /* closed by nginx, or broken */
		return;
	}
	parse(c);
}

/* The round's end: the callbacks answer the requests kept, the loop sends
 * the answers. A connection answered may hold its next request already. */
static void end_round(void)
{
	int n = L.nready;
	struct conn **mine = xcalloc((size_t)n + 1, sizeof *mine);
	struct loop_request **kept = xcalloc((size_t)n + 1, sizeof *kept);
	memcpy(mine, L.ready, (size_t)n * sizeof *mine);
	for (int i = 0; i < n; i++)
		kept[i] = &mine[i]->q;
	L.nready = 0;
	L.cb.round(kept, n);
	for (int i = 0; i < n; i++) {
		struct conn *c = mine[i];
		c->kept = 0;
		if (!finish(c))
			parse(c);
	}
	free(kept);
	free(mine);
}

/* When stopping: closes the connections with nothing in hand. */
static void close_idle(void)
{
	struct conn *c = L.conns, *next;
	for (; c; c = next) {
		next = c->next;
		if (!c->kept && c->in_off == c->in.len && c->out.len == 0 && fcgi_idle(&c->parser))
			release(c);
	}
}

static void *run(void *arg)
{
	(void)arg;
	struct epoll_event ev[MAX_EVENTS];
	for (;;) {
		if (L.stopping) {
			close_idle();
			if (!L.nconns || now_ms() > L.stop_by)
				break;
		}
		if (L.accept_from && now_ms() >= L.accept_from) {
			L.accept_from = 0;
			if (!L.stopping && L.nconns < L.max_conns)
				listen_on(1);
		}
		close_idle_long();
		int timeout = L.nready ? 0 : L.stopping || L.accept_from ? 100 : idle_wait();
		int n = epoll_wait(L.ep, ev, MAX_EVENTS, timeout);
		if (n < 0 && errno != EINTR) {
			/* Pushes would wait for ever: let the supervisor start a
			 * new worker. */
			log_error("push loop: %s", strerror(errno));
			_exit(1);
		}

		for (int i = 0; i < n; i++) {
			void *p = ev[i].data.ptr;
			if (p == &listen_mark)
				accept_all();
			else if (p == &stop_mark) {
				epoll_ctl(L.ep, EPOLL_CTL_DEL, L.stop_fd, NULL);
				L.stopping = 1;
				L.stop_by = now_ms() + STOP_GRACE * 1000;
				listen_on(0);
				/* Let go of the socket: a new app may bind it while
				 * this one finishes, if the supervisor is gone too. */
				if (L.listen_fd >= 0)
					close(L.listen_fd);
				L.listen_fd = -1;
			} else if (ev[i].events & EPOLLOUT) {
				struct conn *c = p;
				if (!flush(c))
					parse(c); /* answers taken: on to what it sent meanwhile */
			} else {
				readable(p);
			}
		}
		if (L.nready)
			end_round();
	}
	/* Past the grace period: whatever is left is cut short. */
	while (L.conns)
		release(L.conns);
	for (int i = 0; i < L.nlinks; i++)
		if (L.links[i])
			release(L.links[i]);
	return NULL;
}

/* App.PushConnections, or fewer when the worker may not open that many
 * descriptors (RLIMIT_NOFILE): at the limit, accept would fail, and a
 * push would wait in the kernel's queue behind idle connections. */
static int connection_cap(const struct md_config *cfg, int links)
{
	struct rlimit r;
	long others = cfg->threads + 2L * links + OTHER_FDS;
	long cap = cfg->push_connections, fds = cap + others;
	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur != RLIM_INFINITY && (rlim_t)fds > r.rlim_cur) {
		cap = (long)r.rlim_cur - others;
		cap = cap < 16 ? 16 : cap;
		log_warn("push loop: %ld connections at most, not App.PushConnections = %ld: the worker may open "
			 "%lu descriptors (raise LimitNOFILE, or ulimit -n)",
			 cap, cfg->push_connections, (unsigned long)r.rlim_cur);
	}
	return (int)cap;
}

/* Makes the links: each a pair of connected sockets, the loop's end
 * non-blocking. 0, or -1. */
static int make_links(int n)
{
	L.links = xcalloc((size_t)n + 1, sizeof *L.links);
	L.link_fds = xcalloc((size_t)n + 1, sizeof *L.link_fds);
	for (; L.nlinks < n; L.nlinks++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			return -1;
		fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
		L.link_fds[L.nlinks] = sv[1];
		if (!(L.links[L.nlinks] = add_conn(sv[0], L.nlinks + 1))) {
			close(sv[1]);
			return -1;
		}
	}
	return 0;
}

int push_loop_start(int listen_fd, int links, const struct md_config *cfg, const struct push_loop_callbacks *cb)
{
	memset(&L, 0, sizeof L);
	L.cfg = cfg;
	L.cb = *cb;
	L.listen_fd = listen_fd;
	L.idle_ms = cfg->push_idle_timeout * 1000;
	L.max_conns = listen_fd >= 0 ? connection_cap(cfg, links) : 0;
	/* One more than the cap: a new connection before it closes the idlest. */
	L.ready = xcalloc((size_t)L.max_conns + (size_t)links + 1, sizeof *L.ready);
	L.ep = epoll_create1(EPOLL_CLOEXEC);
	L.stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (L.ep < 0 || L.stop_fd < 0 || watch(EPOLL_CTL_ADD, L.stop_fd, EPOLLIN, &stop_mark) || make_links(links)) {
		log_error("push loop: %s", strerror(errno));
		return -1;
	}
	if (listen_fd >= 0) {
		fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
		listen_on(1);
	}
	int e = pthread_create(&L.thread, NULL, run, NULL);
	if (e) {
		log_error("push loop: %s", strerror(e));
		return -1;
	}
	L.running = 1;
	return 0;
}

int push_loop_link(int i)
{
	return i >= 0 && i < L.nlinks ? L.link_fds[i] : -1;
}

void push_loop_stop(void)
{
	if (!L.running)
		return;
	eventfd_write(L.stop_fd, 1);
	pthread_join(L.thread, NULL);
	L.running = 0;
	close(L.ep);
	close(L.stop_fd);
	for (int i = 0; i < L.nlinks; i++)
		close(L.link_fds[i]);
	free(L.links);
	free(L.link_fds);
	free(L.ready);
}
