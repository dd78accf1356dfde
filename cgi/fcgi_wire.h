/* SPDX-License-Identifier: MIT */
/* fcgi_wire.h: the FastCGI protocol, parsed by hand for the push loop
 * (push_loop.c). libfcgi (fcgi_threads.c) ties a thread to each connection
 * and reads it with blocking calls; the push loop serves all of a worker's
 * push connections from one thread, so it takes records as they arrive.
 * libfcgi's threads hand their pushes to the loop as a client would
 * (fcgi_request_encode, fcgi_answer_feed). The record layouts and
 * constants are libfcgi's own (<fastcgi.h>).
 *
 * No I/O here: the caller reads bytes into a buffer and feeds them; the
 * parser consumes whole records only. One request at a time per connection,
 * as nginx sends them. */
#ifndef MDASH_FCGI_WIRE_H
#define MDASH_FCGI_WIRE_H

#include <stddef.h>

#include "util.h"

/* Bytes of one record at most: header, content, padding. */
#define FCGI_RECORD_MAX (8 + 0xffff + 0xff)
/* Bytes of a request's parameters at most (nginx sends every request
 * header as one; its own limit is 32 KiB of headers). */
#define FCGI_PARAMS_MAX (64 * 1024)

/* A complete request. Owns envp (one block) and body. */
struct fcgi_request {
	int id;
	int keep_conn;      /* the client keeps the connection after the answer */
	char **envp;        /* "NAME=value" strings, NULL-terminated, as libfcgi's */
	struct buf body;    /* the stdin stream, at most the parser's max_body bytes */
	int body_truncated; /* more came, and was dropped */
};

/* One connection's parser. Zero it and set max_body; fcgi_parser_free
 * releases what it holds. */
struct fcgi_parser {
	size_t max_body;
	/* The parser's own. */
	int stage; /* enum in fcgi_wire.c */
	struct buf params;
	struct fcgi_request req;
};

enum fcgi_result {
	FCGI_MORE,    /* every whole record consumed; no request complete yet */
	FCGI_READY,   /* a request is complete: take it with fcgi_take */
	FCGI_INVALID, /* not FastCGI as a responder speaks it: close the connection */
};

/* Consumes the whole records at the start of data[0..len), stopping after
 * the one that completes a request. *used: the bytes consumed (the rest
 * belongs to later calls). On FCGI_INVALID, *why says what was wrong. */
enum fcgi_result fcgi_feed(struct fcgi_parser *p, const unsigned char *data, size_t len, size_t *used,
			   const char **why);
/* After FCGI_READY: moves the request to *r (the caller frees it with
 * fcgi_request_free) and makes the parser ready for the next one. */
void fcgi_take(struct fcgi_parser *p, struct fcgi_request *r);
void fcgi_request_free(struct fcgi_request *r);
/* 1 between requests: no part of one has come. */
int fcgi_idle(const struct fcgi_parser *p);
void fcgi_parser_free(struct fcgi_parser *p);

/* Appends to out the records that answer request id: resp (a CGI
 * response: header lines, a blank line, the body) on stdout, then the end
 * of the request. */
void fcgi_reply(struct buf *out, int id, const char *resp, size_t len);

/* The value of NAME among "NAME=value" strings (a request's envp), or
 * NULL. */
const char *fcgi_param(char **envp, const char *name);

/* The client's side. Appends to out the records of request id: its
 * parameters (envp, "NAME=value" strings), its body, and whether the
 * connection stays open after the answer. */
void fcgi_request_encode(struct buf *out, int id, int keep, char **envp, const char *body, size_t len);
/* Consumes the whole records of an answer at the start of data[0..len),
 * appending its stdout to out, up to the end of the request (*done set).
 * The bytes consumed, or -1 when data is not FastCGI. */
long fcgi_answer_feed(const unsigned char *data, size_t len, struct buf *out, int *done);

#endif
