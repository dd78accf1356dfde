/* SPDX-License-Identifier: MIT */
/* health.c: 200 when the database answers, 503 with the reason otherwise. */
#include <json-c/json.h>

#include "db.h"
#include "handlers.h"

void health_check(struct req *r)
{
	struct buf err = {0};
	json_object *o = json_object_new_object();
	int ok = db_ping(&err) == 0;
	json_object_object_add(o, "status", json_object_new_string(ok ? "ok" : "unavailable"));
	json_object_object_add(o, "database", json_object_new_string(ok ? "ok" : buf_str(&err)));
	resp_header(r, "Cache-Control", "no-store");
	resp_json(r, ok ? 200 : 503, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	buf_free(&err);
}
