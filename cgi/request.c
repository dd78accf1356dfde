/* request.c: reading a FastCGI request and writing the answer. */
#include "request.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "render.h"

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
	return FCGX_GetParam(name, r->fcgx->envp);
}

int req_wants_json(const struct req *r)
{
	if (!strncmp(r->path, "/api/", 5) || !strncmp(r->path, "/widgets/", 9) || !strncmp(r->path, "/dashboards/", 12))
		return 1;
	const char *accept = req_env(r, "HTTP_ACCEPT");
	return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

int req_read_body(struct req *r, struct buf *body, int *status, const char **why)
{
	long len = 0;
	const char *cl = req_env(r, "CONTENT_LENGTH");
	*status = 400;
	if (cl && *cl && parse_long(cl, 0, 1L << 40, &len)) {
		*why = "bad Content-Length";
		return -1;
	}
	if (len > REQ_MAX_BODY) {
		*status = 413;
		*why = "request body larger than 1 MiB";
		return -1;
	}
	buf_reset(body);
	buf_append(body, "", 0);
	while (body->len < (size_t)len) {
		char chunk[8192];
		size_t want = (size_t)len - body->len;
		int n = FCGX_GetStr(chunk, (int)(want < sizeof chunk ? want : sizeof chunk), r->fcgx->in);
		if (n <= 0) {
			*why = "request body shorter than its Content-Length";
			return -1;
		}
		buf_append(body, chunk, (size_t)n);
	}
	return 0;
}

int req_body(struct req *r, struct buf *body)
{
	int status;
	const char *why;
	if (req_read_body(r, body, &status, &why) == 0)
		return 0;
	resp_error(r, status, why);
	return -1;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

static const char *reason(int status)
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
	r->answered = 1;
	FCGX_FPrintF(r->fcgx->out, "Status: %d %s\r\n", status, reason(status));
	if (content_type)
		FCGX_FPrintF(r->fcgx->out, "Content-Type: %s\r\n", content_type);
	FCGX_PutStr(security_headers, (int)sizeof security_headers - 1, r->fcgx->out);
	if (r->headers.len)
		FCGX_PutStr(r->headers.data, (int)r->headers.len, r->fcgx->out);
	FCGX_PutStr("\r\n", 2, r->fcgx->out);
	if (len && strcmp(r->method, "HEAD"))
		FCGX_PutStr(body, (int)len, r->fcgx->out);
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

void resp_error(struct req *r, int status, const char *message)
{
	if (req_wants_json(r)) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string(message));
		resp_json(r, status, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return;
	}
	struct buf html = {0}, err = {0};
	HDF *hdf = page_hdf(r);
	char code[16];
	snprintf(code, sizeof code, "%d", status);
	if (hdf) {
		hdf_set_value(hdf, "Error.status", code);
		hdf_set_value(hdf, "Error.reason", reason(status));
		hdf_set_value(hdf, "Error.message", message);
		hdf_set_value(hdf, "Page.title", reason(status));
	}
	if (!hdf || render_file(hdf, "error.cs", &html, &err)) {
		/* Templates missing or broken: still answer, in plain text. */
		log_error("error page: %s", buf_str(&err));
		buf_reset(&html);
		buf_printf(&html, "%d %s: %s\n", status, reason(status), message);
		resp_send(r, status, "text/plain; charset=utf-8", html.data, html.len);
	} else {
		resp_html(r, status, &html);
	}
	if (hdf)
		hdf_destroy(&hdf);
	buf_free(&html);
	buf_free(&err);
}

void resp_db_error(struct req *r, const struct buf *err)
{
	log_error("%s %s: %s", r->method, r->path, buf_str(err));
	if (db_lost()) {
		resp_header(r, "Retry-After", "5");
		resp_error(r, 503, "The database cannot be reached. mdash will retry; reload in a moment.");
	} else {
		resp_error(r, 500, "Something went wrong on the server; the details are in its log.");
	}
}
