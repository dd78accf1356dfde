/* SPDX-License-Identifier: MIT */
/* subprocess.h: runs a program without a shell (argv as given), feeds it its
 * input, collects what it prints, and kills it (with whatever it started)
 * when it takes too long. For exec sources and for sendmail. */
#ifndef MDASH_SUBPROCESS_H
#define MDASH_SUBPROCESS_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* Starts argv: stdin from in (-1: /dev/null), stdout to out and stderr to
 * err (-1: the caller's), and fd3 as its descriptor 3 (-1: none); none of
 * the caller's other descriptors. A command of the user's (own) gets a
 * process group of its own, so that a kill reaches what it started too,
 * and no signal blocked or ignored. The pid, or -1 with errno set. */
pid_t subprocess_start(char *const argv[], int in, int out, int err, int fd3, int own);

struct spawn_run {
	char *const *argv;   /* argv[0] is looked up in PATH unless it has a '/' */
	const char *input;   /* its stdin (input_len bytes); NULL: /dev/null */
	size_t input_len;
	long timeout;        /* seconds */
	size_t max_out;      /* more on stdout than this is an error */
	struct buf *out;     /* its stdout */
};

/* 0 when it ran and exited with status 0; else -1 and why in err, as
 * "argv[0]: timed out after N s", "...: exit status N: <first line of
 * its stderr>", "...: killed by signal N", "...: cannot run: ...". */
int spawn_run(const struct spawn_run *r, struct buf *err);

#endif
