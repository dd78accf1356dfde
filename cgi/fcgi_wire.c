/* SPDX-License-Identifier: MIT */
/* fcgi_wire.c: FastCGI records in and out (fcgi_wire.h). */
#include "fcgi_wire.h"

#include <fastcgi.h>
#include <stdlib.h>
#include <string.h>

enum stage {
	IDLE,   /* waiting for a request to begin */
	PARAMS, /* reading its parameters */
	STDIN,  /* reading its body */
	READY,  /* complete, not yet taken */
};

/* A parameter's length: one byte below 128, else four (high bit set). */
static int pair_length(const unsigned char **p, const unsigned char *end, size_t *len)
{
	if (*p >= end)
		return -1;
	if (!(**p & 0x80)) {
		*len = *(*p)++;
		return 0;
	}
	if (end - *p < 4)
		return -1;
	*len = ((size_t)((*p)[0] & 0x7f) << 24) | ((size_t)(*p)[1] << 16) | ((size_t)(*p)[2] << 8) | (*p)[3];
	*p += 4;
	return 0;
}

/* Turns the parameters' name-value pairs into "NAME=value" strings, in one
 * allocation: the pointers, then the strings. */
static int decode_params(const struct buf *raw, char ***envp)
{
	const unsigned char *start = (const unsigned char *)buf_str(raw), *end = start + raw->len, *p = start;
	size_t count = 0, nlen, vlen;
	while (p < end) {
		if (pair_length(&p, end, &nlen) || pair_length(&p, end, &vlen) || nlen > (size_t)(end - p) ||
		    vlen > (size_t)(end - p) - nlen)
			return -1;
		/* A NUL would cut the string short, an '=' in a name move
		 * where the value starts: no client sends either. */
		if (!nlen || memchr(p, '\0', nlen + vlen) || memchr(p, '=', nlen))
			return -1;
		p += nlen + vlen;
		count++;
	}
	/* Each pair's bytes, plus '=' and NUL, never exceed raw->len + 2. */
	char **v = xmalloc((count + 1) * sizeof *v + raw->len + 2 * count + 1);
	char *s = (char *)(v + count + 1);
	p = start;
	for (size_t i = 0; i < count; i++) {
		pair_length(&p, end, &nlen);
		pair_length(&p, end, &vlen);
		v[i] = s;
		memcpy(s, p, nlen);
		s[nlen] = '=';
		memcpy(s + nlen + 1, p + nlen, vlen);
		s[nlen + 1 + vlen] = '\0';
		s += nlen + vlen + 2;
		p += nlen + vlen;
	}
	v[count] = NULL;
	*envp = v;
	return 0;
}

/* Takes one record's content; FCGI_INVALID and why when it breaks the
 * protocol. */
static enum fcgi_result take_record(struct fcgi_parser *p, int type, int id, const unsigned char *c, size_t n,
				    const char **why)
{
	if (id == FCGI_NULL_REQUEST_ID)
		return FCGI_MORE; /* management records (FCGI_GET_VALUES): nothing to say */
	if (type == FCGI_BEGIN_REQUEST) {
		if (p->stage != IDLE) {
			*why = "a second request on a connection at once";
			return FCGI_INVALID;
		}
		if (n < 8 || ((c[0] << 8) | c[1]) != FCGI_RESPONDER) {
			*why = "not a responder's request";
			return FCGI_INVALID;
		}
		p->req.id = id;
		p->req.keep_conn = c[2] & FCGI_KEEP_CONN;
		p->stage = PARAMS;
		return FCGI_MORE;
	}
	if (p->stage == IDLE || id != p->req.id) {
		*why = "a record for no request";
		return FCGI_INVALID;
	}
	if (type == FCGI_PARAMS && p->stage == PARAMS) {
		if (n && p->params.len + n > FCGI_PARAMS_MAX) {
			*why = "request parameters too large";
			return FCGI_INVALID;
		}
		if (n) {
			buf_append(&p->params, (const char *)c, n);
			return FCGI_MORE;
		}
		if (decode_params(&p->params, &p->req.envp)) {
			*why = "malformed request parameters";
			return FCGI_INVALID;
		}
		buf_reset(&p->params);
		buf_append(&p->req.body, "", 0);
		p->stage = STDIN;
		return FCGI_MORE;
	}
	if (type == FCGI_STDIN && p->stage == STDIN) {
		if (!n) {
			p->stage = READY;
			return FCGI_READY;
		}
		size_t room = p->max_body - p->req.body.len;
		buf_append(&p->req.body, (const char *)c, n < room ? n : room);
		p->req.body_truncated |= n > room;
		return FCGI_MORE;
	}
	*why = type == FCGI_ABORT_REQUEST ? "request aborted" : "an unexpected record";
	return FCGI_INVALID;
}

enum fcgi_result fcgi_feed(struct fcgi_parser *p, const unsigned char *data, size_t len, size_t *used, const char **why)
{
	*used = 0;
	if (p->stage == READY)
		return FCGI_READY;
	while (len - *used >= FCGI_HEADER_LEN) {
		const unsigned char *h = data + *used;
		size_t n = (size_t)h[4] << 8 | h[5], total = FCGI_HEADER_LEN + n + h[6];
		if (h[0] != FCGI_VERSION_1) {
			*why = "not FastCGI version 1";
			return FCGI_INVALID;
		}
		if (len - *used < total)
			break;
		*used += total;
		enum fcgi_result res = take_record(p, h[1], h[2] << 8 | h[3], h + FCGI_HEADER_LEN, n, why);
		if (res != FCGI_MORE)
			return res;
	}
	return FCGI_MORE;
}

void fcgi_take(struct fcgi_parser *p, struct fcgi_request *r)
{
	*r = p->req;
	memset(&p->req, 0, sizeof p->req);
	p->stage = IDLE;
}

void fcgi_request_free(struct fcgi_request *r)
{
	free(r->envp);
	buf_free(&r->body);
	memset(r, 0, sizeof *r);
}

int fcgi_idle(const struct fcgi_parser *p)
{
	return p->stage == IDLE;
}

void fcgi_parser_free(struct fcgi_parser *p)
{
	fcgi_request_free(&p->req);
	buf_free(&p->params);
	p->stage = IDLE;
}

static void record(struct buf *out, int type, int id, const char *content, size_t n)
{
	const char h[FCGI_HEADER_LEN] = {
		FCGI_VERSION_1, (char)type, (char)(id >> 8), (char)id, (char)(n >> 8), (char)n, 0, 0};
	buf_append(out, h, sizeof h);
	buf_append(out, content, n);
}

static void stream(struct buf *out, int type, int id, const char *content, size_t n);

void fcgi_reply(struct buf *out, int id, const char *resp, size_t len)
{
	stream(out, FCGI_STDOUT, id, resp, len);
	const char end[8] = {0, 0, 0, 0, FCGI_REQUEST_COMPLETE, 0, 0, 0};
	record(out, FCGI_END_REQUEST, id, end, sizeof end);
}

const char *fcgi_param(char **envp, const char *name)
{
	size_t n = strlen(name);
	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* A parameter's length, as pair_length reads it. */
static void put_length(struct buf *out, size_t n)
{
	if (n < 0x80) {
		buf_putc(out, (char)n);
		return;
	}
	const char b[4] = {(char)(0x80 | (n >> 24)), (char)(n >> 16), (char)(n >> 8), (char)n};
	buf_append(out, b, sizeof b);
}

/* Content of any length as records of type, and the empty one that ends
 * the stream. */
static void stream(struct buf *out, int type, int id, const char *content, size_t n)
{
	for (size_t off = 0; off < n; off += FCGI_MAX_LENGTH)
		record(out, type, id, content + off, n - off < FCGI_MAX_LENGTH ? n - off : FCGI_MAX_LENGTH);
	record(out, type, id, "", 0);
}

void fcgi_request_encode(struct buf *out, int id, int keep, char **envp, const char *body, size_t len)
{
	const char begin[8] = {0, FCGI_RESPONDER, keep ? FCGI_KEEP_CONN : 0, 0, 0, 0, 0, 0};
	record(out, FCGI_BEGIN_REQUEST, id, begin, sizeof begin);
	struct buf params = {0};
	for (; envp && *envp; envp++) {
		const char *eq = strchr(*envp, '=');
		if (!eq)
			continue;
		put_length(&params, (size_t)(eq - *envp));
		put_length(&params, strlen(eq + 1));
		buf_append(&params, *envp, (size_t)(eq - *envp));
		buf_puts(&params, eq + 1);
	}
	stream(out, FCGI_PARAMS, id, params.data, params.len);
	buf_free(&params);
	stream(out, FCGI_STDIN, id, body, len);
}

long fcgi_answer_feed(const unsigned char *data, size_t len, struct buf *out, int *done)
{
	size_t used = 0;
	*done = 0;
	while (!*done && len - used >= FCGI_HEADER_LEN) {
		const unsigned char *h = data + used;
		size_t n = (size_t)h[4] << 8 | h[5], total = FCGI_HEADER_LEN + n + h[6];
		if (h[0] != FCGI_VERSION_1)
			return -1;
		if (len - used < total)
			break;
		if (h[1] == FCGI_STDOUT)
			buf_append(out, (const char *)h + FCGI_HEADER_LEN, n);
		*done = h[1] == FCGI_END_REQUEST;
		used += total;
	}
	return (long)used;
}
