/* SPDX-License-Identifier: MIT */
/* exec.c: run a command without a shell (argv), with a timeout; its
 * stdout is the JSON document. */
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "subprocess.h"

static const struct field kind_fields[] = {{.key = "command", .kind = FIELD_ANY}, {0}};

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
	.fields = kind_fields,
	.maps = 1,
	.validate = validate,
	.fetch = fetch,
};

/* Calls each(entry, len, arg) for every entry of a Sources.Exec list,
 * until one returns nonzero; returns that. */
static int each_entry(const char *list, int (*each)(const char *entry, size_t len, void *arg), void *arg)
{
	for (const char *p = list; *p;) {
		size_t skip = strspn(p, " \t,"), len = strcspn(p + skip, " \t,");
		int rc = len ? each(p + skip, len, arg) : 0;
		if (rc)
			return rc;
		p += skip + len;
	}
	return 0;
}

/* Names the entry in err (a struct buf) when it is not absolute. */
static int not_absolute(const char *entry, size_t len, void *err)
{
	if (entry[0] == '/')
		return 0;
	buf_printf(err, "\"%.*s\" is not an absolute path: name commands, or directories ending in \"/\"",
		   (int)(len > 200 ? 200 : len), entry);
	return 1;
}

int source_exec_list_check(const char *list, struct buf *err)
{
	return each_entry(list, not_absolute, err) ? -1 : 0;
}

/* The entry allows command: it is that command, or its directory. */
static int allows(const char *entry, size_t len, void *arg)
{
	const char *command = arg;
	if (entry[len - 1] == '/')
		return !strncmp(command, entry, len) && !strchr(command + len, '/');
	return strlen(command) == len && !strncmp(command, entry, len);
}

int source_exec_allowed(json_object *src, const struct md_config *cfg, struct buf *err)
{
	json_object *kind, *argv;
	if (!json_object_object_get_ex(src, "kind", &kind) || strcmp(json_object_get_string(kind), "exec"))
		return 0;
	json_object_object_get_ex(src, "command", &argv);
	const char *command = json_object_get_string(json_object_array_get_idx(argv, 0));
	/* Absolute, and no way out of an allowed directory. */
	if (command && command[0] == '/' && !strstr(command, "/.") &&
	    each_entry(cfg->sources_exec, allows, (void *)command))
		return 0;
	buf_printf(err, "source.command: %s is not a command this site lets the browser run (Sources.Exec%s)",
		   command ? command : "(none)", *cfg->sources_exec ? " names the allowed ones" : " is empty");
	return -1;
}

static int add_entry(const char *entry, size_t len, void *arg)
{
	json_object_array_add(arg, json_object_new_string_len(entry, (int)len));
	return 0;
}

json_object *source_exec_list(const struct md_config *cfg)
{
	json_object *list = json_object_new_array();
	each_entry(cfg->sources_exec, add_entry, list);
	return list;
}
