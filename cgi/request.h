/* SPDX-License-Identifier: MIT */
/* request.h: one request and the ways to answer it. A request comes on a
 * transport: libfcgi's threads (fcgi_threads.c) or the push loop, which
 * parses its connections itself (push_server.c). Each gives the request
 * its parameters, its body and a way to write the answer (struct req_io);
 * nothing above this file knows which. */
#ifndef MDASH_REQUEST_H
#define MDASH_REQUEST_H

#include <json-c/json.h>

#include "auth.h"
#include "config.h"
#include "ident.h"
#include "router.h"
#include "util.h"

#define REQ_MAX_BODY (1 << 20)

struct route;
struct batched_push;

/* What a request needs of the connection it came on. */
struct req_io {
	/* A FastCGI parameter ("REQUEST_METHOD", "HTTP_COOKIE"), or NULL. */
	const char *(*param)(void *conn, const char *name);
	/* Appends the next len bytes of the body to body: 0, or -1 when the
	 * body ends first. */
	int (*read)(void *conn, struct buf *body, size_t len);
	/* Sends the next bytes of the answer (a CGI response: header lines, a
	 * blank line, the body). */
	void (*write)(void *conn, const char *data, size_t len);
};

/* Who is asking: what the dispatcher learnt enforcing the route's rule
 * (access.c), or, on the viewer routes, what the handler's read learnt
 * with the session. Owns user, grants and token. */
enum who { WHO_UNKNOWN, WHO_ANONYMOUS, WHO_USER, WHO_SHARE, WHO_PASS, WHO_TOKEN };
struct grant {
	long long dashboard;
	int ok;
};
struct principal {
	enum who kind;
	struct md_user user;  /* WHO_USER */
	struct grant *grants; /* the user's grants learnt so far */
	int ngrants;
	long long share_id, share_dashboard; /* WHO_SHARE: the link, its dashboard */
	char pass_dashboard[IDENT_MAX + 1];  /* WHO_PASS: the dashboard the pass is for */
	char *token;                         /* WHO_TOKEN: as sent; checked by the rule or by the batch */
	int admin_token;                     /* WHO_TOKEN: checked, and an admin's */
	char token_name[IDENT_MAX + 1];      /* an admin token's name, for the audit log */
	int lookup_failed;                   /* the session could not be looked up (database) */
};

struct req {
	const struct req_io *io;
	void *conn; /* the transport's, for io */
	const struct md_config *cfg;
	const char *method;
	const char *path; /* below the mount point, starting with '/' */
	const char *uri;  /* the same with the query string, for redirects back */
	const char *query;
	const struct route *route;                /* NULL when none matched */
	char params[ROUTE_PARAMS][IDENT_MAX + 1]; /* the route's named parameters: req_param */
	struct principal who;
	/* The rule is enforced (by the dispatcher, or by the read of a viewer
	 * route): only then may a success (2xx) be sent. */
	int allowed;
	json_object *fields;        /* DASHING_TOKEN routes: the JSON body, auth_token taken out; owned */
	struct batched_push *push;  /* BATCHED routes: the push the handler began */
	struct buf headers;         /* extra response header lines */
	struct buf success_headers; /* the same, sent only with a status below 400 */
	int answered, status;       /* the status answered */
	int metrics_slot;           /* the route's slot in the request counters (metrics.h) */
	struct buf body;            /* read once (req_read_body) */
	int body_read, body_status;
	const char *body_why;
};

/* The route's parameter p, or NULL when it has none of that name. */
const char *req_param(const struct req *r, enum route_param p);

/* Starts a request that came on conn: fills method, query, path and uri
 * from its parameters. */
void req_init(struct req *r, const struct req_io *io, void *conn, const struct md_config *cfg);
/* Frees what request.c keeps in the request (headers, body, fields). */
void req_release(struct req *r);
/* A request header or FastCGI parameter ("HTTP_AUTHORIZATION"), or NULL. */
const char *req_env(const struct req *r, const char *name);
/* The body (at most REQ_MAX_BODY, NUL-terminated), read once whoever asks
 * first: NULL, with the status to answer (400 or 413) and why, when too
 * big or cut short (answer.h's req_body answers it). */
const struct buf *req_read_body(struct req *r, int *status, const char **why);
/* True when the client wants JSON (API paths always do). */
int req_wants_json(const struct req *r);

void resp_header(struct req *r, const char *name, const char *value);
/* The reason phrase of a status ("Not Found"). */
const char *resp_reason(int status);
/* Sends status, the headers set so far, and the body. */
void resp_send(struct req *r, int status, const char *content_type, const char *body, size_t len);
void resp_html(struct req *r, int status, const struct buf *html);
void resp_json(struct req *r, int status, const char *json);
void resp_empty(struct req *r, int status);
/* 302 to a path below the mount point. */
void resp_redirect(struct req *r, const char *path);

#endif
