/* SPDX-License-Identifier: MIT */
/* plugin.c: loading widget types from shared objects (see plugin.h and
 * mdash/widget.h). Plug-ins stay loaded for the life of the process. */
#include "plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"
#include "wtype.h"

static int is_plugin(const char *name)
{
	size_t n = strlen(name);
	return n > 6 && !strncmp(name, "md_", 3) && !strcmp(name + n - 3, ".so");
}

static int load_one(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		log_error("plug-in %s refused: %s", path, dlerror());
		return 0;
	}
	const struct mdash_widget_type *const *types = dlsym(h, "mdash_widget_types");
	if (!types) {
		log_error("plug-in %s refused: it exports no mdash_widget_types", path);
		dlclose(h);
		return 0;
	}
	int added = 0;
	struct buf err = {0};
	for (int i = 0; types[i]; i++) {
		buf_reset(&err);
		if (wtype_register(types[i], 0, &err))
			log_error("plug-in %s: %s; type refused", path, buf_str(&err));
		else
			added++;
	}
	buf_free(&err);
	if (!added)
		dlclose(h);
	return added;
}

int plugin_load_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0; /* no plug-in directory: no plug-ins */
	struct dirent *e;
	char **names = NULL;
	int n = 0, added = 0;
	while ((e = readdir(d)))
		if (is_plugin(e->d_name)) {
			names = xrealloc(names, sizeof *names * (size_t)(n + 1));
			names[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	/* Load in name order, so that which of two clashing types wins is stable. */
	for (int i = 0; i < n; i++)
		for (int k = i + 1; k < n; k++)
			if (strcmp(names[k], names[i]) < 0) {
				char *t = names[i];
				names[i] = names[k];
				names[k] = t;
			}
	for (int i = 0; i < n; i++) {
		struct buf path = {0};
		buf_printf(&path, "%s/%s", dir, names[i]);
		added += load_one(path.data);
		buf_free(&path);
		free(names[i]);
	}
	free(names);
	return added;
}
