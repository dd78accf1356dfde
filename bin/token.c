/* SPDX-License-Identifier: MIT */
/* token.c: `mdash token add|list|rm`: API tokens, for pushing, and with
 * --admin also for /metrics and the authoring API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "ident.h"
#include "token.h"

static const char usage[] = "usage: mdash token add NAME [--admin] | list | rm NAME\n"
			    "  add NAME  creates a push token and prints its secret, alone on the last line;\n"
			    "            --admin: an admin token, which may also read /metrics and author\n"
			    "            dashboards (keep it as safe as an admin's password)\n"
			    "  list      prints each token's name, kind (push or admin), creation and last use\n"
			    "  rm NAME   revokes a token\n";

int cmd_token(const struct md_config *cfg, int argc, char **argv)
{
	(void)cfg;
	struct buf err = {0};
	struct db_result r;
	int rc = 0;
	if (wants_help(argc, argv, usage))
		return 0;
	int admin = argc == 4 && !strcmp(argv[3], "--admin");
	if ((argc == 3 || admin) && !strcmp(argv[1], "add")) {
		char *secret;
		if (!ident_valid(argv[2]))
			return fail("token name \"%s\" must match [a-z0-9][a-z0-9_-]{0,63}", argv[2]);
		if (token_create(argv[2], admin, &secret, &err))
			rc = fail("cannot create token %s: %s", argv[2], buf_str(&err));
		else {
			printf("Created %s token %s. Keep the secret below; it is not shown again.\n%s\n",
			       admin ? "admin" : "push", argv[2], secret);
			if (cli_audit("token.add", argv[2], NULL, admin ? "admin" : "push", &err))
				fprintf(stderr, "mdash: done, but not written to the audit log: %s\n", buf_str(&err));
			free(secret);
		}
	} else if (argc == 2 && !strcmp(argv[1], "list")) {
		if (token_list(&r, &err))
			rc = fail("%s", buf_str(&err));
		else
			print_rows(&r);
		db_result_free(&r);
	} else if (argc == 3 && !strcmp(argv[1], "rm")) {
		struct buf done = {0};
		buf_printf(&done, "Revoked token %s.", argv[2]);
		rc = delete_named(token_remove, argv[2], "token", done.data);
		buf_free(&done);
	} else {
		fputs(usage, stderr);
		rc = 2;
	}
	buf_free(&err);
	return rc;
}
