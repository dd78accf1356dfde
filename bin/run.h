/* SPDX-License-Identifier: MIT */
/* run.h: other programs the CLI runs (mariadb-dump, mariadb, systemctl,
 * nginx), without a shell, found through PATH. */
#ifndef MDASH_RUN_H
#define MDASH_RUN_H

#include <sys/types.h>

#include "util.h"

/* Starts argv with stdin from in (-1: /dev/null), stdout to out (-1: ours)
 * and, when fd3 >= 0, that descriptor as its fd 3 (for --defaults-file=
 * /dev/fd/3: a password that never touches the disk or the command line);
 * stderr is ours. Returns the pid, or -1 with errno set (ENOENT: no such
 * program). */
pid_t run_start(char *const argv[], int in, int out, int fd3);
/* Waits for it: its exit status, 128 + the signal that ended it, or -1. */
int run_wait(pid_t pid);
/* Runs argv to its end with its stdout and stderr in out: the exit
 * status, or -1 when it could not start (out says why). */
int run_capture(char *const argv[], struct buf *out);
/* A pipe whose read end (returned; the caller closes it) holds text. */
int run_text_fd(const char *text);

#endif
