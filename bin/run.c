/* SPDX-License-Identifier: MIT */
/* run.c: running other programs (see run.h). */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* stderr to err (-1: ours); see run_start for the rest. */
static pid_t spawn(char *const argv[], int in, int out, int err, int fd3)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (err >= 0)
		posix_spawn_file_actions_adddup2(&fa, err, 2);
	if (fd3 >= 0)
		posix_spawn_file_actions_adddup2(&fa, fd3, 3);
	posix_spawn_file_actions_addclosefrom_np(&fa, fd3 >= 0 ? 4 : 3);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		errno = rc;
		return -1;
	}
	return pid;
}

pid_t run_start(char *const argv[], int in, int out, int fd3)
{
	return spawn(argv, in, out, -1, fd3);
}

int run_wait(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

int run_capture(char *const argv[], struct buf *out)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC)) {
		buf_printf(out, "%s: %s", argv[0], strerror(errno));
		return -1;
	}
	/* Its stderr too: both go to the pipe, read to the end below. */
	pid_t pid = spawn(argv, -1, p[1], p[1], -1);
	int e = errno;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		buf_printf(out, "%s: %s", argv[0], strerror(e));
		return -1;
	}
	char chunk[4096];
	ssize_t n;
	while ((n = read(p[0], chunk, sizeof chunk)) != 0)
		if (n > 0 && out->len < (1u << 20))
			buf_append(out, chunk, (size_t)n);
		else if (n < 0 && errno != EINTR)
			break;
	close(p[0]);
	return run_wait(pid);
}

int run_text_fd(const char *text)
{
	int p[2];
	size_t len = strlen(text);
	/* Small enough for the pipe's buffer: written whole before anyone reads. */
	if (len > 4096 || pipe2(p, O_CLOEXEC))
		return -1;
	ssize_t w = write(p[1], text, len);
	close(p[1]);
	if (w != (ssize_t)len) {
		close(p[0]);
		return -1;
	}
	return p[0];
}
