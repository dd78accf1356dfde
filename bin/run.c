/* SPDX-License-Identifier: MIT */
/* run.c: running other programs (see run.h). */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subprocess.h"

pid_t run_start(char *const argv[], int in, int out, int fd3)
{
	return subprocess_start(argv, in, out, -1, fd3, 0);
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
	pid_t pid = subprocess_start(argv, -1, p[1], p[1], -1, 0);
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
