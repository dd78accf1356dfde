/* SPDX-License-Identifier: MIT */
/* push_api.c: the push API: data pushed in by any client. POST /widgets/<name> speaks
 * Dashing/Smashing's wire format (auth_token in the JSON body; 204, or 401
 * "Invalid API key"); POST /api/widgets/<name> takes the same body with
 * "Authorization: Bearer <token>". Either way the fields are stored with
 * a history row, then published to the widget's channel, together with
 * the pushes that arrived at the same time (batch.h): push_widget begins
 * the push (the route is BATCHED), and once the batch has stored it,
 * push_end answers. A failed publish leaves the update pending for the
 * updater. The token is the route's rule's (access.c); the batch checks
 * it. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dashboard.h"
#include "db.h"
#include "fields.h"
#include "handlers.h"
#include "log.h"
#include "publish.h"
#include "source.h"
#include "widget.h"

/* Answers a batched push's status. */
static void answer(struct req *r, int status)
{
	switch (status) {
	case 204: resp_empty(r, 204); break;
	case 401: access_refuse_token(r); break;
	case 404: resp_error(r, 404, "no widget of that name"); break;
	case 503:
		resp_header(r, "Retry-After", "5");
		resp_error(r, 503, "The database cannot be reached. mdash will retry; reload in a moment.");
		break;
	default: resp_error(r, 500, "Something went wrong on the server; the details are in its log.");
	}
}

/* The bearer route's fields: a bad body still goes to the batch, for its
 * token only (fields NULL), so that a client without a good token learns
 * nothing but 401. */
static void read_fields(struct req *r, struct batched_push *p)
{
	const char *unread = NULL;
	const struct buf *body = req_read_body(r, &p->bad, &unread);
	if (!body) {
		buf_puts(&p->why, unread);
		return;
	}
	p->bad = 400;
	if ((p->fields = source_parse_fields(buf_str(body), body->len, &p->why)))
		/* A Dashing client's auth_token is not a credential here. */
		json_object_object_del(p->fields, "auth_token");
}

void push_widget(struct req *r)
{
	struct batched_push *p = xcalloc(1, sizeof *p);
	p->widget = req_param(r, P_WIDGET);
	p->token = r->who.token; /* the rule's: the batch checks it */
	r->who.token = NULL;
	if (r->fields) /* Dashing's route: the rule has read the body */
		p->fields = r->fields, r->fields = NULL;
	else
		read_fields(r, p);
	r->push = p;
}

void push_end(struct req *r)
{
	struct batched_push *p = r->push;
	if (p->status == 204 && !p->fields)
		resp_error(r, p->bad, buf_str(&p->why));
	else
		answer(r, p->status);
	free(p->token);
	json_object_put(p->fields);
	buf_free(&p->why);
	free(p);
	r->push = NULL;
}

/* POST /dashboards/<slug> (or /dashboards/ then "*" for all), Dashing's way to
 * make open pages do something: {"auth_token":...,"event":"reload"}. Not
 * stored; pages that are not open miss nothing they need. */
void push_dashboard_event(struct req *r)
{
	/* Open: a Dashing client may send keys of its own. */
	static const struct field body[] = {{.key = "event", .kind = FIELD_IDENT, .max = 32, .required = 1}, {0}};
	struct field_value in;
	struct buf err = {0};
	struct md_dashboard *list = NULL;
	int n = 0;
	const char *slug = req_param(r, P_DASHBOARD);
	if (fields_json(body, FIELDS_OPEN, r->fields, NULL, &in, &err)) {
		buf_puts(&err, " (a short name such as \"reload\")");
		resp_field_error(r, buf_str(&err));
		goto out;
	}
	const char *event = json_object_get_string(in.json);
	fields_free(&in, 1);
	if (slug) {
		struct md_dashboard d;
		int found = dashboard_load(slug, &d, &err);
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
	buf_free(&err);
}
