/* push.c: data pushed in by any client. POST /widgets/<name> speaks
 * Dashing/Smashing's wire format (auth_token in the JSON body; 204, or 401
 * "Invalid API key"); POST /api/widgets/<name> takes the same body with
 * "Authorization: Bearer <token>". Either way the fields are stored with
 * a history row in one transaction, then published to the widget's
 * channel. A failed publish leaves the update pending for the updater. */
#include <json-c/json.h>
#include <string.h>

#include "dashboard.h"
#include "db.h"
#include "ident.h"
#include "handlers.h"
#include "log.h"
#include "publish.h"
#include "source.h"
#include "token.h"
#include "widget.h"

/* Parses the body as a JSON object; answers 400/413 itself on failure. */
static json_object *read_fields(struct req *r)
{
	struct buf body = {0}, err = {0};
	json_object *o = NULL;
	if (req_body(r, &body) == 0) {
		o = source_parse(buf_str(&body), body.len, &err);
		if (!o) {
			resp_error(r, 400, buf_str(&err));
		} else if (!json_object_is_type(o, json_type_object)) {
			resp_error(r, 400, "the body must be a JSON object of widget fields");
			json_object_put(o);
			o = NULL;
		}
	}
	buf_free(&body);
	buf_free(&err);
	return o;
}

static void store_and_publish(struct req *r, json_object *fields)
{
	struct buf err = {0};
	long long version;
	/* Not marked pending: the 204 comes after the publish, so a pusher whose
	 * request died in between sees it and sends again. */
	int rc = widget_store(r->params[0], fields, 0, &version, &err);
	if (rc == WIDGET_NOT_FOUND) {
		resp_error(r, 404, "no widget of that name");
	} else if (rc) {
		resp_db_error(r, &err);
	} else {
		if (publish_widget(r->cfg->publish_url, r->params[0], version, &err)) {
			log_warn("widget %s: stored version %lld, publish pending: %s", r->params[0], version,
				 buf_str(&err));
			buf_reset(&err);
			if (widget_unpublished(r->params[0], version, &err))
				log_warn("widget %s: version %lld not marked pending: %s", r->params[0], version,
					 buf_str(&err));
		}
		resp_empty(r, 204);
	}
	buf_free(&err);
}

/* 1 when the token is good; otherwise answers and returns 0. */
static int authorised(struct req *r, const char *token, int bearer)
{
	struct buf err = {0};
	int ok = token_check(token, &err);
	if (ok < 0)
		resp_db_error(r, &err);
	else if (!ok && bearer) {
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"mdash\"");
		resp_error(r, 401, "invalid or missing bearer token");
	} else if (!ok)
		resp_send(r, 401, "text/plain; charset=utf-8", "Invalid API key\n", 16);
	buf_free(&err);
	return ok > 0;
}

void push_dashing(struct req *r)
{
	json_object *fields = read_fields(r), *tok;
	if (!fields)
		return;
	const char *token = json_object_object_get_ex(fields, "auth_token", &tok) ? json_object_get_string(tok) : NULL;
	if (authorised(r, token, 0)) {
		json_object_object_del(fields, "auth_token");
		store_and_publish(r, fields);
	}
	json_object_put(fields);
}

void push_bearer(struct req *r)
{
	const char *auth = req_env(r, "HTTP_AUTHORIZATION");
	const char *token = auth && !strncasecmp(auth, "Bearer ", 7) ? auth + 7 : NULL;
	if (!authorised(r, token, 1))
		return;
	json_object *fields = read_fields(r);
	if (!fields)
		return;
	/* A Dashing client's auth_token is not a credential here: drop it. */
	json_object_object_del(fields, "auth_token");
	store_and_publish(r, fields);
	json_object_put(fields);
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
	if (!authorised(r, token, 0))
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
