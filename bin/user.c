/* SPDX-License-Identifier: MIT */
/* user.c: `mdash user add|passwd|rm|list|grant|revoke`. Passwords are read
 * from the terminal without echo (twice), or as one line from stdin when
 * stdin is not a terminal; never from the command line, where other users
 * of the machine could read them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth.h"
#include "commands.h"
#include "db.h"
#include "ident.h"
#include "publish.h"

static const char usage[] = "usage: mdash user add NAME [--admin]\n"
			    "       mdash user passwd NAME\n"
			    "       mdash user rm NAME\n"
			    "       mdash user list\n"
			    "       mdash user grant NAME SLUG|*     (revoke NAME SLUG|* takes it back)\n"
			    "The password is asked on the terminal, or read as one line from stdin.\n";

static int read_line(const char *prompt, int tty, struct buf *out)
{
	struct termios old, quiet;
	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	buf_reset(out);
	if (n > 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		buf_append(out, line, (size_t)n);
	}
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	return n < 0 ? -1 : 0;
}

/* The new password (commands.h). */
int ask_password(struct buf *pw)
{
	int tty = isatty(0);
	struct buf again = {0};
	int rc = 0;
	if (read_line("Password: ", tty, pw) || pw->len == 0)
		rc = fail("no password given (type it, or pipe it on stdin)");
	else if (pw->len < PASSWORD_MIN)
		rc = fail("the password must have at least %d characters", PASSWORD_MIN);
	else if (memchr(pw->data, '\0', pw->len))
		rc = fail("the password must not contain a NUL byte");
	else if (tty && (read_line("Again: ", tty, &again) || strcmp(buf_str(&again), pw->data)))
		rc = fail("the passwords differ");
	if (again.data)
		explicit_bzero(again.data, again.len);
	buf_free(&again);
	return rc;
}

static int list(void)
{
	struct db_result r;
	struct buf err = {0};
	if (user_list(&r, &err)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	print_rows(&r);
	db_result_free(&r);
	return 0;
}

/* Collected before access changes, told after: those pages reload. */
struct sessions {
	char (*tags)[17];
	int n;
};

static void collect(const char *tag, void *ctx)
{
	struct sessions *c = ctx;
	c->tags = xrealloc(c->tags, sizeof *c->tags * (size_t)(c->n + 1));
	snprintf(c->tags[c->n++], sizeof *c->tags, "%s", tag);
}

static void tell_pages(const struct md_config *cfg, struct sessions *c)
{
	struct buf err = {0};
	for (int i = 0; i < c->n; i++)
		if (publish_session_ended(cfg->publish_url, c->tags[i], &err)) {
			fprintf(stderr, "mdash: open pages could not be told (they stop within 5 minutes): %s\n",
				buf_str(&err));
			break;
		}
	free(c->tags);
	buf_free(&err);
}

int cmd_user(const struct md_config *cfg, int argc, char **argv)
{
	struct sessions open_pages = {0};
	if (wants_help(argc, argv, usage))
		return 0;
	const char *sub = argc > 1 ? argv[1] : "";
	struct buf pw = {0}, err = {0};
	int rc = 0;
	if (!strcmp(sub, "list") && argc == 2)
		return list();
	if (argc < 3 || !ident_valid(argv[2])) {
		if (argc >= 3)
			return fail("user name \"%s\" must match [a-z0-9][a-z0-9_-]{0,63}", argv[2]);
		fputs(usage, stderr);
		return 2;
	}
	const char *name = argv[2];
	if (strcmp(sub, "add") && strcmp(sub, "grant"))
		user_sessions(name, collect, &open_pages, &err);
	if (!strcmp(sub, "add") && (argc == 3 || (argc == 4 && !strcmp(argv[3], "--admin")))) {
		if (!(rc = ask_password(&pw))) {
			if (user_add(name, pw.data, argc == 4 ? ROLE_ADMIN : ROLE_VIEWER, &err))
				rc = fail("cannot add %s: %s", name, buf_str(&err));
			else
				printf("Added %s %s.%s\n", argc == 4 ? "administrator" : "viewer", name,
				       argc == 4 ? "" : " Grant dashboards with: mdash user grant NAME SLUG");
		}
	} else if (!strcmp(sub, "passwd") && argc == 3) {
		if (!(rc = ask_password(&pw))) {
			if (user_set_password(name, pw.data, &err))
				rc = fail("%s", buf_str(&err));
			else
				printf("Changed the password of %s; their sessions have ended.\n", name);
		}
	} else if (!strcmp(sub, "rm") && argc == 3) {
		if (user_remove(name, &err))
			rc = fail("%s", buf_str(&err));
		else
			printf("Removed %s and ended their sessions.\n", name);
	} else if ((!strcmp(sub, "grant") || !strcmp(sub, "revoke")) && argc == 4) {
		int grant = !strcmp(sub, "grant");
		if (strcmp(argv[3], "*") && !ident_valid(argv[3]))
			rc = fail("no dashboard named %s", argv[3]);
		else if (user_grant(name, argv[3], grant, &err))
			rc = fail("%s", buf_str(&err));
		else
			printf("%s %s %s %s.\n", grant ? "Granted" : "Revoked",
			       !strcmp(argv[3], "*") ? "every dashboard" : argv[3], grant ? "to" : "from", name);
	} else {
		fputs(usage, stderr);
		rc = 2;
	}
	if (rc == 0) {
		/* The audit log says what changed, never the password. */
		struct buf action = {0};
		const char *detail = !strcmp(sub, "add") ? (argc == 4 ? "admin" : "viewer")
				     : argc == 4         ? argv[3]
							 : NULL;
		buf_printf(&action, "user.%s", !strcmp(sub, "rm") ? "remove" : sub);
		if (cli_audit(action.data, name, NULL, detail, &err))
			fprintf(stderr, "mdash: done, but not written to the audit log: %s\n", buf_str(&err));
		buf_free(&action);
		tell_pages(cfg, &open_pages);
	} else {
		free(open_pages.tags);
	}
	if (pw.data)
		explicit_bzero(pw.data, pw.len);
	buf_free(&pw);
	buf_free(&err);
	return rc;
}
