/* SPDX-License-Identifier: MIT */
/* log.h: one line per event on stderr (the journal under systemd), each
 * starting with its syslog priority as sd-daemon(3) describes ("<3>" for
 * an error), which journald takes as the line's priority. */
#ifndef MDASH_LOG_H
#define MDASH_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level min);
/* "debug", "info", "warning" or "error" into *lvl; 0, or -1 for another word. */
int log_level_parse(const char *word, int *lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
