/* SPDX-License-Identifier: MIT */
/* log.c: one line per event on stderr: its syslog priority for journald,
 * then who, then the level in words for people reading a plain file. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *const names[] = {"debug", "info", "warning", "error"};
static const int priorities[] = {7, 6, 4, 3}; /* syslog's LOG_DEBUG .. LOG_ERR */

int log_level_parse(const char *word, int *lvl)
{
	for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
		if (!strcmp(word, names[i])) {
			*lvl = i;
			return 0;
		}
	return -1;
}

void log_set_level(enum log_level min)
{
	min_level = min;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	if (lvl < min_level)
		return;
	char line[2048];
	int n = snprintf(line, sizeof line, "<%d>mdash[%d]: %s: ", priorities[lvl], (int)getpid(), names[lvl]);
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof line)
		vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per line so that lines from several workers do not interleave. */
	fprintf(stderr, "%s\n", line);
}
