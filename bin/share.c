/* SPDX-License-Identifier: MIT */
/* share.c: `mdash share add|list|rm`: read-only links to one dashboard for
 * wall screens, opened without a login. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "ident.h"
#include "publish.h"
#include "share_link.h"

static const char usage[] = "usage: mdash share add SLUG   prints the new link alone on the last line\n"
			    "       mdash share list       one link per line: id, dashboard, created\n"
			    "       mdash share rm ID      revokes a link; its open pages stop\n";

static int add(const struct md_config *cfg, const char *slug)
{
	char *secret;
	long long id;
	struct buf err = {0};
	if (!ident_valid(slug))
		return fail("no dashboard named %s", slug);
	if (share_create(slug, &secret, &id, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	/* The audit log names the link by its id, never its secret. */
	char link[48];
	snprintf(link, sizeof link, "link %lld", id);
	if (cli_audit("share.add", slug, NULL, link, &err))
		fprintf(stderr, "mdash: done, but not written to the audit log: %s\n", buf_str(&err));
	buf_free(&err);
	/* PublicURL makes the link whole; without it, the path. */
	const char *site = *cfg->public_url ? cfg->public_url : cfg->base_path;
	size_t n = strlen(site);
	printf("Share link %lld for dashboard %s: read-only, no login. Revoke it with: mdash share rm %lld\n"
	       "%s%ss/%s\n",
	       id, slug, id, site, n && site[n - 1] == '/' ? "" : "/", secret);
	free(secret);
	return 0;
}

static int list(void)
{
	struct db_result r;
	struct buf err = {0};
	if (share_list(&r, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	print_rows(&r);
	db_result_free(&r);
	return 0;
}

static int rm(const struct md_config *cfg, const char *arg)
{
	long id;
	struct buf err = {0}, channel = {0};
	if (parse_long(arg, 1, 1L << 40, &id))
		return fail("\"%s\" is not a share id (see mdash share list)", arg);
	int rc = share_revoke(id, &err);
	if (rc < 0)
		fail("%s", buf_str(&err));
	else if (rc == 0)
		fail("no share link %ld", id);
	else {
		/* Pages open on the link reload, and find it gone. */
		buf_printf(&channel, "_s_%ld", id);
		if (publish_reload(cfg->publish_url, channel.data, &err))
			fprintf(stderr,
				"mdash: revoked, but open pages could not be told (they stop within 5 minutes): %s\n",
				buf_str(&err));
		printf("Revoked share link %ld.\n", id);
		char target[32];
		snprintf(target, sizeof target, "%ld", id);
		buf_reset(&err);
		if (cli_audit("share.revoke", target, NULL, NULL, &err))
			fprintf(stderr, "mdash: done, but not written to the audit log: %s\n", buf_str(&err));
	}
	buf_free(&err);
	buf_free(&channel);
	return rc > 0 ? 0 : 1;
}

int cmd_share(const struct md_config *cfg, int argc, char **argv)
{
	if (wants_help(argc, argv, usage))
		return 0;
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "add") && argc == 3)
		return add(cfg, argv[2]);
	if (!strcmp(sub, "list") && argc == 2)
		return list();
	if (!strcmp(sub, "rm") && argc == 3)
		return rm(cfg, argv[2]);
	fputs(usage, stderr);
	return 2;
}
