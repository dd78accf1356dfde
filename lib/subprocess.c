/* SPDX-License-Identifier: MIT */
/* subprocess.c: run a program without a shell, with a timeout (see subprocess.h). */
#include "subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Reads what is ready on fd into b (up to max bytes, beyond that only
 * *overflow is set); returns 0 at EOF, 1 if more may come. */
static int drain(int fd, struct buf *b, size_t max, int *overflow)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n > 0) {
		if (b->len + (size_t)n > max)
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

pid_t subprocess_start(char *const argv[], int in, int out, int err, int fd3, int own)
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
	/* Nothing else of ours: an inherited database socket would keep the
	 * updater's named lock alive after the updater itself died. */
	posix_spawn_file_actions_addclosefrom_np(&fa, fd3 >= 0 ? 4 : 3);
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	if (own) {
		sigset_t none, pipe;
		sigemptyset(&none);
		sigemptyset(&pipe);
		sigaddset(&pipe, SIGPIPE);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
		posix_spawnattr_setpgroup(&attr, 0);
		posix_spawnattr_setsigmask(&attr, &none);
		posix_spawnattr_setsigdefault(&attr, &pipe);
	}
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* What the run came to. */
struct outcome {
	int timed_out, overflow;
};

/* Feeds the input and reads stdout and stderr until both end, the time is
 * up or stdout overflows. */
static void talk(const struct spawn_run *r, int in, int out, int errfd, struct buf *errout, struct outcome *o)
{
	size_t fed = 0;
	int ignored = 0; /* stderr past 64 KiB is dropped, not an error */
	struct pollfd fds[3] = {{out, POLLIN, 0}, {errfd, POLLIN, 0}, {in, POLLOUT, 0}};
	long long deadline = now_ms() + r->timeout * 1000;
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			o->timed_out = 1;
			break;
		}
		if (poll(fds, 3, (int)left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (fds[i].fd >= 0 && fds[i].revents &&
			    !drain(fds[i].fd, i ? errout : r->out, i ? 65536 : r->max_out, i ? &ignored : &o->overflow)) {
				close(fds[i].fd);
				fds[i].fd = -1;
			}
		if (fds[2].fd >= 0 && fds[2].revents) {
			ssize_t n = fds[2].revents & POLLOUT ? write(in, r->input + fed, r->input_len - fed) : -1;
			if (n > 0)
				fed += (size_t)n;
			/* All given, or the program stopped reading: its EOF. */
			if (fed == r->input_len || (n < 0 && errno != EINTR && errno != EAGAIN)) {
				close(fds[2].fd);
				fds[2].fd = -1;
			}
		}
		if (o->overflow)
			break;
	}
	for (int i = 0; i < 3; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
}

/* Writing to a program that stopped reading raises SIGPIPE: blocked in
 * this thread while it runs, and a pending one taken back afterwards. */
static void pipe_signal(int block, sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (block) {
		pthread_sigmask(SIG_BLOCK, &set, old);
		return;
	}
	struct timespec zero = {0, 0};
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void close_pipes(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int spawn_run(const struct spawn_run *r, struct buf *err)
{
	const char *prog = r->argv[0];
	/* stdout, stderr and stdin: read end, write end each. */
	int p[6] = {-1, -1, -1, -1, -1, -1};
	if (pipe2(p, O_CLOEXEC) || pipe2(p + 2, O_CLOEXEC) || (r->input && pipe2(p + 4, O_CLOEXEC | O_NONBLOCK))) {
		buf_printf(err, "%s: pipe: %s", prog, strerror(errno));
		close_pipes(p, 6);
		return -1;
	}
	/* The program's end of stdin blocks as usual; ours does not. */
	if (r->input)
		fcntl(p[4], F_SETFL, 0);
	pid_t pid = subprocess_start(r->argv, p[4], p[1], p[3], -1, 1);
	int rc = pid < 0 ? errno : 0;
	close_pipes((int[]){p[1], p[3], p[4]}, 3);
	if (rc) {
		buf_printf(err, "%s: cannot run: %s", prog, strerror(rc));
		close_pipes((int[]){p[0], p[2], p[5]}, 3);
		return -1;
	}
	struct buf errout = {0};
	struct outcome o = {0};
	sigset_t old;
	pipe_signal(1, &old);
	talk(r, p[5], p[0], p[2], &errout, &o);
	pipe_signal(0, &old);
	if (o.timed_out || o.overflow)
		kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = -1;
	if (o.timed_out)
		buf_printf(err, "%s: timed out after %ld s", prog, r->timeout);
	else if (o.overflow)
		buf_printf(err, "%s: printed more than %zu bytes", prog, r->max_out);
	else if (WIFSIGNALED(status))
		buf_printf(err, "%s: killed by signal %d", prog, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0) {
		buf_printf(err, "%s: exit status %d", prog, WEXITSTATUS(status));
		if (errout.len) {
			buf_puts(err, ": ");
			first_line(errout.data, err);
		}
	} else
		rc = 0;
	buf_free(&errout);
	return rc;
}
