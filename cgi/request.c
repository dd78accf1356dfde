/* SPDX-License-Identifier: MIT */
/* request.c: reading a request and writing the answer, through its
 * transport (request.h). */
#include "request.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"

/* Sent with every answer: no inline script, no framing by other sites. The
 * grid places widgets with style attributes, hence style-src-attr; image
 * widgets show pictures from anywhere (an image runs no code). */
static const char security_headers[] =
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: same-origin\r\n"
	"Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; "
	"style-src-attr 'unsafe-inline'; img-src 'self' data: https: http:; connect-src 'self'; "
	"frame-ancestors 'self'; base-uri 'none'; form-action 'self'\r\n";

const char *req_env(const struct req *r, const char *name)
{
	return r->io->param(r->conn, name);
}

/* The path below the mount point, or NULL when outside it. */
static const char *local_path(const struct md_config *cfg, const char *uri)
{
	size_t n = strlen(cfg->base_path) - 1; /* keep the base's trailing '/' */
	if (!uri || strncmp(uri, cfg->base_path, n) || uri[n] != '/')
		return NULL;
	return uri + n;
}

void req_init(struct req *r, const struct req_io *io, void *conn, const struct md_config *cfg)
{
	r->io = io;
	r->conn = conn;
	r->cfg = cfg;
	r->method = req_env(r, "REQUEST_METHOD");
	r->query = req_env(r, "QUERY_STRING");
	r->path = local_path(cfg, req_env(r, "DOCUMENT_URI"));
	if (!r->method)
		r->method = "GET";
	if (!r->query)
		r->query = "";
	r->uri = req_env(r, "REQUEST_URI");
	if (!r->uri || !r->path || strncmp(r->uri, "/", 1))
		r->uri = r->path;
	else if (strlen(cfg->base_path) > 1)
		r->uri += strlen(cfg->base_path) - 1; /* below the mount point, like path */
}

int req_wants_json(const struct req *r)
{
	if (!strncmp(r->path, "/api/", 5) || !strncmp(r->path, "/widgets/", 9) || !strncmp(r->path, "/dashboards/", 12))
		return 1;
	const char *accept = req_env(r, "HTTP_ACCEPT");
	return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

/* Reads the body into body: NULL, or why not (and the status to answer). */
static const char *read_body(struct req *r, struct buf *body, int *status)
{
	long len = 0;
	const char *cl = req_env(r, "CONTENT_LENGTH");
	*status = 400;
	if (cl && *cl && parse_long(cl, 0, 1L << 40, &len))
		return "bad Content-Length";
	if (len > REQ_MAX_BODY) {
		*status = 413;
		return "request body larger than 1 MiB";
	}
	buf_append(body, "", 0);
	if (r->io->read(r->conn, body, (size_t)len))
		return "request body shorter than its Content-Length";
	return NULL;
}

const struct buf *req_read_body(struct req *r, int *status, const char **why)
{
	if (!r->body_read) {
		r->body_read = 1;
		r->body_why = read_body(r, &r->body, &r->body_status);
	}
	*status = r->body_status;
	*why = r->body_why;
	return r->body_why ? NULL : &r->body;
}

const char *req_param(const struct req *r, enum route_param p)
{
	return r->params[p][0] ? r->params[p] : NULL;
}

void req_release(struct req *r)
{
	buf_free(&r->headers);
	buf_free(&r->success_headers);
	/* A body may hold a password (the login) or a token (a push). */
	if (r->body.data)
		explicit_bzero(r->body.data, r->body.len);
	buf_free(&r->body);
	json_object_put(r->fields);
	r->fields = NULL;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

const char *resp_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

void resp_send(struct req *r, int status, const char *content_type, const char *body, size_t len)
{
	if (r->answered)
		return;
	if (status < 300 && !r->allowed) {
		/* A handler that answers before its route's rule was enforced. */
		log_error("%s %s: answered %d before the route's rule was enforced", r->method, r->path, status);
		status = 500, content_type = "text/plain; charset=utf-8";
		body = "The server refused to answer: see its log.\n", len = strlen(body);
	}
	r->answered = 1;
	r->status = status;
	metrics_request(r->metrics_slot, status);
	struct buf head = {0};
	buf_printf(&head, "Status: %d %s\r\n", status, resp_reason(status));
	if (content_type)
		buf_printf(&head, "Content-Type: %s\r\n", content_type);
	/* The length, as a HEAD's GET would send it: nginx then sends (and
	 * keeps with its copies) a plain body rather than a chunked one. */
	if (status != 204 && status != 304)
		buf_printf(&head, "Content-Length: %zu\r\n", len);
	buf_append(&head, security_headers, sizeof security_headers - 1);
	buf_append(&head, r->headers.data, r->headers.len);
	if (status < 400)
		buf_append(&head, r->success_headers.data, r->success_headers.len);
	buf_append(&head, "\r\n", 2);
	r->io->write(r->conn, head.data, head.len);
	buf_free(&head);
	if (len && strcmp(r->method, "HEAD"))
		r->io->write(r->conn, body, len);
}

void resp_html(struct req *r, int status, const struct buf *html)
{
	resp_send(r, status, "text/html; charset=utf-8", buf_str(html), html->len);
}

void resp_json(struct req *r, int status, const char *json)
{
	resp_send(r, status, "application/json", json, strlen(json));
}

void resp_empty(struct req *r, int status)
{
	resp_send(r, status, NULL, NULL, 0);
}

void resp_redirect(struct req *r, const char *path)
{
	struct buf loc = {0};
	/* base_path ends in '/', path starts with one. */
	buf_printf(&loc, "%s%s", r->cfg->base_path, path + 1);
	resp_header(r, "Location", loc.data);
	buf_free(&loc);
	resp_empty(r, 302);
}
