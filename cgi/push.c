/* SPDX-License-Identifier: MIT */
/* push.c: data pushed in by any client. POST /widgets/<name> speaks
 * Dashing/Smashing's wire format (auth_token in the JSON body; 204, or 401
 * "Invalid API key"); POST /api/widgets/<name> takes the same body with
 * "Authorization: Bearer <token>". Either way the fields are stored with
 * a history row, then published to the widget's channel, together with
 * the pushes that arrived at the same time (batch.h). A failed publish
 * leaves the update pending for the updater. The push loop (batch.c)
 * serves the same two routes in two halves, push_begin and push_end. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dashboard.h"
#include "db.h"
#include "ident.h"
#include "handlers.h"
#include "log.h"
#include "metrics.h"
#include "publish.h"
#include "source.h"
#include "token.h"
#include "widget.h"

/* Reads and parses the body; answers 400/413 itself on failure. */
static json_object *read_fields(struct req *r)
{
	struct buf body = {0}, why = {0};
	json_object *o = NULL;
	if (req_body(r, &body) == 0 && !(o = source_parse_fields(buf_str(&body), body.len, &why)))
		resp_error(r, 400, buf_str(&why));
	buf_free(&body);
	buf_free(&why);
	return o;
}

/* Answers a batched push's status. */
static void answer(struct req *r, int status, int bearer)
{
	switch (status) {
	case 204: resp_empty(r, 204); break;
	case 401:
		if (bearer) {
			resp_header(r, "WWW-Authenticate", "Bearer realm=\"mdash\"");
			resp_error(r, 401, "invalid or missing bearer token");
		} else {
			resp_send(r, 401, "text/plain; charset=utf-8", "Invalid API key\n", 16);
		}
		break;
	case 404: resp_error(r, 404, "no widget of that name"); break;
	case 503:
		resp_header(r, "Retry-After", "5");
		resp_error(r, 503, "The database cannot be reached. mdash will retry; reload in a moment.");
		break;
	default: resp_error(r, 500, "Something went wrong on the server; the details are in its log.");
	}
}

/* The Dashing route: the token is a field of the body. */
static struct batched_push *begin_dashing(struct req *r)
{
	json_object *fields = read_fields(r), *tok;
	if (!fields)
		return NULL;
	struct batched_push *p = xcalloc(1, sizeof *p);
	if (json_object_object_get_ex(fields, "auth_token", &tok) && json_object_get_string(tok))
		p->token = xstrdup(json_object_get_string(tok));
	json_object_object_del(fields, "auth_token");
	p->fields = fields;
	return p;
}

/* The bearer route: a bad body still goes to the batch, for its token
 * only (fields NULL), so that a client without a good token learns
 * nothing but 401. */
static struct batched_push *begin_bearer(struct req *r)
{
	struct batched_push *p = xcalloc(1, sizeof *p);
	const char *auth = req_env(r, "HTTP_AUTHORIZATION");
	p->bearer = 1;
	if (auth && !strncasecmp(auth, "Bearer ", 7) && auth[7])
		p->token = xstrdup(auth + 7);
	struct buf body = {0};
	const char *unread = NULL;
	p->bad = 400;
	if (req_read_body(r, &body, &p->bad, &unread))
		buf_puts(&p->why, unread);
	else if ((p->fields = source_parse_fields(buf_str(&body), body.len, &p->why)))
		/* A Dashing client's auth_token is not a credential here. */
		json_object_object_del(p->fields, "auth_token");
	buf_free(&body);
	return p;
}

struct batched_push *push_begin(struct req *r)
{
	struct batched_push *p = strncmp(r->path, "/api/", 5) ? begin_dashing(r) : begin_bearer(r);
	if (p)
		p->widget = r->params[0];
	else
		metrics_add(M_PUSHES_REFUSED, 1);
	return p;
}

void push_end(struct req *r, struct batched_push *p)
{
	metrics_add(p->status == 204 && p->fields ? M_PUSHES_STORED : M_PUSHES_REFUSED, 1);
	if (p->status == 204 && !p->fields)
		resp_error(r, p->bad, buf_str(&p->why));
	else
		answer(r, p->status, p->bearer);
	free(p->token);
	json_object_put(p->fields);
	buf_free(&p->why);
	free(p);
}

/* Outside the worker lock (main.c): the body is read and parsed on the
 * request's own thread, the database work done in a batch (batch.h). */
void push_widget(struct req *r)
{
	struct batched_push *p = push_begin(r);
	if (!p)
		return;
	batch_push(p);
	push_end(r, p);
}

/* Under the worker lock: 1 when the token is good; otherwise answers and
 * returns 0. */
static int authorised(struct req *r, const char *token)
{
	struct buf err = {0};
	int ok = token_check(token, &err);
	if (ok < 0)
		resp_db_error(r, &err);
	else if (!ok)
		answer(r, 401, 0);
	buf_free(&err);
	return ok > 0;
}

/* POST /dashboards/<slug> (or /dashboards/ then "*" for all), Dashing's way to
 * make open pages do something: {"auth_token":...,"event":"reload"}. Not
 * stored; pages that are not open miss nothing they need. */
void push_dashboard_event(struct req *r)
{
	json_object *body = read_fields(r), *tok, *ev;
	struct buf err = {0};
	struct md_dashboard *list = NULL;
	int n = 0;
	if (!body)
		return;
	const char *token = json_object_object_get_ex(body, "auth_token", &tok) ? json_object_get_string(tok) : NULL;
	const char *event = json_object_object_get_ex(body, "event", &ev) ? json_object_get_string(ev) : "";
	if (!authorised(r, token))
		goto out;
	if (!ident_valid(event) || strlen(event) > 32) {
		resp_error(r, 400, "\"event\" must be a short name such as \"reload\"");
		goto out;
	}
	if (r->nparams == 1) {
		struct md_dashboard d;
		int found = dashboard_load(r->params[0], &d, &err);
		if (found <= 0) {
			if (found < 0)
				resp_db_error(r, &err);
			else
				resp_error(r, 404, "no dashboard of that name");
			goto out;
		}
		list = xcalloc(1, sizeof *list);
		list[0] = d;
		n = 1;
	} else if (dashboard_list(&list, &n, &err)) {
		resp_db_error(r, &err);
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (publish_dashboard_event(r->cfg->publish_url, list[i].slug, event, &err)) {
			log_error("%s", buf_str(&err));
			resp_error(r, 503, "the push service is not reachable; try again");
			goto out;
		}
	resp_empty(r, 204);
out:
	dashboard_list_free(list, n);
	json_object_put(body);
	buf_free(&err);
}
