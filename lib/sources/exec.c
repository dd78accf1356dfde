/* SPDX-License-Identifier: MIT */
/* exec.c: run a command without a shell (argv), with a timeout; its
 * stdout is the JSON document. */
#include <stdlib.h>

#include "source.h"
#include "subprocess.h"

static const char *const keys[] = {"command", "pointer", "fields", NULL};

static int validate(json_object *src, struct buf *err)
{
	json_object *c;
	if (!json_object_object_get_ex(src, "command", &c) || !json_object_is_type(c, json_type_array) ||
	    json_object_array_length(c) == 0) {
		buf_puts(err, "source.command: must be a non-empty array of strings (argv, no shell)");
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(c); i++)
		if (!json_object_is_type(json_object_array_get_idx(c, i), json_type_string)) {
			buf_printf(err, "source.command[%zu]: must be a string", i);
			return -1;
		}
	return 0;
}

static int fetch(json_object *src, struct md_fetch *f, struct buf *out, struct buf *err)
{
	json_object *c;
	json_object_object_get_ex(src, "command", &c);
	size_t argc = json_object_array_length(c);
	char **argv = xcalloc(argc + 1, sizeof *argv);
	for (size_t i = 0; i < argc; i++)
		argv[i] = (char *)json_object_get_string(json_object_array_get_idx(c, i));
	struct spawn_run r = {.argv = argv, .timeout = f->timeout, .max_out = SOURCE_MAX_BYTES, .out = out};
	int rc = spawn_run(&r, err);
	free(argv);
	return rc;
}

const struct md_source_kind source_exec = {
	.name = "exec",
	.keys = keys,
	.validate = validate,
	.fetch = fetch,
};
