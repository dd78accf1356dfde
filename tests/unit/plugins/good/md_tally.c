/* SPDX-License-Identifier: MIT */
/* A plug-in of API version 2 that uses its hooks: a store hook that counts
 * the stores ("stores", kept across pushes that do not send it) and adds
 * each pushed "add" to a running "total", and the flag of a type that
 * shows the time of the render. */
#include <json-c/json.h>
#include <mdash/widget.h>
#include <stddef.h>

static void tally_store(const mdash_widget *w, struct json_object *data, struct json_object *fields, double now)
{
	double stores = 0, total = 0, add = 0, step = 1;
	struct json_object *v;
	(void)now;
	if (json_object_object_get_ex(data, "stores", &v))
		mdash_json_number(v, &stores);
	if (json_object_object_get_ex(data, "total", &v))
		mdash_json_number(v, &total);
	if (json_object_object_get_ex(fields, "add", &v))
		mdash_json_number(v, &add);
	mdash_option_number(w, "step", &step);
	json_object_object_add(data, "stores", json_object_new_double(stores + step));
	json_object_object_add(data, "total", json_object_new_double(total + add));
}

static const struct mdash_widget_type tally = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "tally",
	.template = "widgets/number.cs",
	.sizex = 1,
	.sizey = 1,
	.update_interval = 60,
	.value_field = "total",
	.flags = MDASH_TYPE_SHOWS_TIME,
	.store = tally_store,
};

const struct mdash_widget_type *const mdash_widget_types[] = {&tally, NULL};
