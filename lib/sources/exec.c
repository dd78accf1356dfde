/* SPDX-License-Identifier: MIT */
/* exec.c: run a command without a shell (argv), with a timeout; its
 * stdout is the JSON document. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source.h"

extern char **environ;

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

/* Reads what is ready on fd into b; returns 0 at EOF, 1 if more may come. */
static int drain(int fd, struct buf *b, int *overflow)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n > 0) {
		if (b->len + (size_t)n > SOURCE_MAX_BYTES)
			*overflow = 1;
		else
			buf_append(b, chunk, (size_t)n);
		return 1;
	}
	return n < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
}

static void first_line(const char *s, struct buf *err)
{
	size_t n = strcspn(s, "\n");
	buf_append(err, s, n > 200 ? 200 : n);
}

static int fetch(json_object *src, struct md_fetch *f, struct buf *out, struct buf *err)
{
	json_object *c;
	json_object_object_get_ex(src, "command", &c);
	size_t argc = json_object_array_length(c);
	char **argv = xcalloc(argc + 1, sizeof *argv);
	for (size_t i = 0; i < argc; i++)
		argv[i] = (char *)json_object_get_string(json_object_array_get_idx(c, i));

	int po[2], pe[2];
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
		buf_printf(err, "%s: pipe: %s", argv[0], strerror(errno));
		free(argv);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	/* Nothing else of ours: an inherited database socket would keep the
	 * updater's named lock alive after the updater itself died. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	/* Its own process group, so a timeout kills whatever it started too. */
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setpgroup(&attr, 0);
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(po[1]);
	close(pe[1]);
	if (rc) {
		buf_printf(err, "%s: cannot run: %s", argv[0], strerror(rc));
		close(po[0]);
		close(pe[0]);
		free(argv);
		return -1;
	}

	struct buf errout = {0};
	int overflow = 0, timed_out = 0;
	struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
	long long deadline = now_ms() + f->timeout * 1000;
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if (poll(fds, 2, (int)left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (fds[i].fd >= 0 && fds[i].revents && !drain(fds[i].fd, i ? &errout : out, &overflow)) {
				close(fds[i].fd);
				fds[i].fd = -1;
			}
		if (overflow)
			break;
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	if (timed_out || overflow)
		kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = -1;
	if (timed_out)
		buf_printf(err, "%s: timed out after %ld s", argv[0], f->timeout);
	else if (overflow)
		buf_printf(err, "%s: printed more than %d bytes", argv[0], SOURCE_MAX_BYTES);
	else if (WIFSIGNALED(status))
		buf_printf(err, "%s: killed by signal %d", argv[0], WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0) {
		buf_printf(err, "%s: exit status %d", argv[0], WEXITSTATUS(status));
		if (errout.len) {
			buf_puts(err, ": ");
			first_line(errout.data, err);
		}
	} else
		rc = 0;
	buf_free(&errout);
	free(argv);
	return rc;
}

const struct md_source_kind source_exec = {
	.name = "exec",
	.keys = keys,
	.validate = validate,
	.fetch = fetch,
};
