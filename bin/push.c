/* SPDX-License-Identifier: MIT */
/* push.c: `mdash push NAME JSON`: the push API from the command line. The
 * fields are stored and published exactly as a POST /widgets/NAME would. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "announce.h"
#include "series.h"
#include "source.h"
#include "widget.h"

static const char usage[] = "usage: mdash push NAME JSON\n"
			    "Stores JSON (an object of widget fields, or - to read it from stdin) as\n"
			    "widget NAME's new data and tells the open dashboards.\n"
			    "Example: mdash push signups '{\"current\": 42}'\n";

int cmd_push(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	if (argc != 3)
		return fail("push takes a widget name and a JSON object\n%s", usage);
	struct buf text = {0}, err = {0};
	if (!strcmp(argv[2], "-")) {
		char chunk[8192];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0 && text.len < (1u << 20))
			buf_append(&text, chunk, n);
	} else {
		buf_puts(&text, argv[2]);
	}
	long long version;
	struct series_bumped bumped = {0};
	int rc = 1;
	json_object *fields = source_parse_fields(buf_str(&text), text.len, &err);
	if (!fields)
		fail("JSON: %s", buf_str(&err));
	else if (widget_store(argv[1], fields, 1, &version, &bumped, &err))
		fail("%s", buf_str(&err));
	else {
		rc = 0;
		if (announce_widget(cfg, argv[1], version, &err) == 0)
			widget_published(argv[1], version, &err);
		else
			fprintf(stderr, "mdash: stored, but could not tell the dashboards (the updater retries): %s\n",
				buf_str(&err));
		if (announce_bumped(cfg, &bumped, &err))
			fprintf(stderr,
				"mdash: could not tell the dashboards of a graph of %s (the updater retries): %s\n",
				argv[1], buf_str(&err));
		printf("Pushed to %s (version %lld).\n", argv[1], version);
	}
	series_bumped_free(&bumped);
	json_object_put(fields);
	buf_free(&text);
	buf_free(&err);
	return rc;
}
