/* SPDX-License-Identifier: MIT */
/* share_api.c: POST /api/dashboards/<slug>/shares: an admin makes a share link
 * from the page; the answer holds the link, shown once. A link's own
 * routes (/s/<secret>/...) are the page's handlers under the SHARE_LINK
 * rule (routes.c, access.c). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dashboard.h"
#include "handlers.h"
#include "log.h"
#include "share_link.h"

void share_create_api(struct req *r)
{
	struct md_dashboard d;
	struct buf err = {0}, url = {0};
	char *secret;
	long long id;
	if (!req_dashboard(r, &d, NULL, NULL, NULL, NULL)) {
		/* answered */
	} else if (share_create(d.slug, &secret, &id, &err)) {
		resp_db_error(r, &err);
	} else {
		/* The audit log names the link by its id, never its secret. */
		struct audit_actor a;
		char link[48];
		snprintf(link, sizeof link, "link %lld", id);
		req_audit_actor(r, &a);
		if (audit_record(&a, "share.add", d.slug, NULL, link, &err))
			log_warn("share link %lld made, but not written to the audit log: %s", id, buf_str(&err));
		const char *site = *r->cfg->public_url ? r->cfg->public_url : r->cfg->base_path;
		size_t n = strlen(site);
		buf_printf(&url, "%s%ss/%s", site, n && site[n - 1] == '/' ? "" : "/", secret);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(id));
		json_object_object_add(o, "url", json_object_new_string(url.data));
		resp_json(r, 201, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		free(secret);
	}
	dashboard_free(&d);
	buf_free(&err);
	buf_free(&url);
}
