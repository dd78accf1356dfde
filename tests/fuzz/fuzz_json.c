/* SPDX-License-Identifier: MIT */
/* fuzz_json.c: JSON push bodies and widget source options: parsing,
 * validation, field mapping, and rendering the result into every widget
 * type with escaping on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "source.h"
#include "wtype.h"

static struct md_config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct buf err = {0};
	const char *top = getenv("top_srcdir");
	struct buf text = {0};
	buf_printf(&text, "TemplateDir = %s/templates\n", top ? top : ".");
	config_parse(text.data, text.len, "fuzz", &cfg, &err);
	buf_free(&text);
	wtype_register_builtin();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = {0}, html = {0};
	json_object *doc = source_parse((const char *)data, size, &err);
	if (!doc)
		goto out;
	/* As a source object from the declarative file. */
	source_validate(doc, &err);
	/* As a fetched document mapped by a pointer and by fields. */
	json_object *src = json_tokener_parse("{\"pointer\":\"/a/0\",\"fields\":{\"current\":\"/b\",\"x\":\"\"}}");
	json_object *fields = NULL;
	if (source_map(doc, src, "current", &fields, &err) == 0)
		json_object_put(fields);
	json_object_object_del(src, "fields");
	if (source_map(doc, src, "current", &fields, &err) == 0)
		json_object_put(fields);
	json_object_put(src);
	/* As pushed fields, rendered by every type. */
	if (json_object_is_type(doc, json_type_object))
		for (int i = 0; i < wtype_count(); i++) {
			struct md_widget w = {0};
			w.name = "w";
			w.title = "t";
			w.type = (char *)wtype_at(i)->name;
			w.col = w.row = w.sizex = w.sizey = 1;
			w.data_obj = doc;
			w.options_obj = doc;
			w.source_obj = doc;
			buf_reset(&html);
			if (render_widget(&cfg, &w, &html, &err) == 0 && strstr(buf_str(&html), "<script"))
				__builtin_trap(); /* data must never become markup */
		}
	json_object_put(doc);
out:
	buf_free(&err);
	buf_free(&html);
	return 0;
}
