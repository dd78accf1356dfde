/* SPDX-License-Identifier: MIT */
/* util.h: allocation, growable strings and small helpers shared by every part.
 *
 * Allocation failures abort the process with a message (as redis does): a
 * process that cannot get a few bytes cannot do anything useful, and checking
 * at every call site would bury the logic. Every allocation is still checked. */
#ifndef MDASH_UTIL_H
#define MDASH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable, always NUL-terminated byte string. The struct owns data;
 * buf_free releases it, buf_steal hands it to the caller. A zeroed buf is
 * a valid empty one. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_reset(struct buf *b);
/* Cuts b back to its first len bytes (nothing when it is not longer). */
void buf_truncate(struct buf *b, size_t len);
void buf_free(struct buf *b);
char *buf_steal(struct buf *b);
/* The text, or "" for a buf that never held anything. */
const char *buf_str(const struct buf *b);

/* Parses a whole decimal integer in [min, max]; 0 on success. */
int parse_long(const char *s, long min, long max, long *out);
/* A duration such as "30s", "90m", "24h", "7d" or "2w" (a whole number
 * and one unit, up to 100 years) in seconds; 0 on success. */
int parse_duration(const char *s, long *seconds);

/* 1 when s[0..n) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF); else 0 and *bad = the offset of the first
 * bad byte. */
int utf8_valid(const char *s, size_t n, size_t *bad);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* An ISO 8601 time, YYYY-MM-DD with an optional [T ]HH:MM[:SS[.frac]] and
 * zone (Z, +HH:MM, +HHMM or +HH), as Unix seconds: 0 and *out set, or -1
 * for anything else (trailing text too). A date alone is midnight UTC; a
 * time of day without a zone is UTC, or refused when zone_needed (a query
 * whose meaning must not depend on where it is read). */
int parse_iso_time(const char *s, int zone_needed, double *out);

/* Milliseconds on the monotonic clock, and seconds of wall time. */
long long now_ms(void);
double now_wall(void);

/* Replaces the file at path with data, atomically (a temporary file in the
 * same directory, synced, then renamed over it): readers see the old file
 * or the new one, never part of one. The new file gets mode and, when gid
 * is not (gid_t)-1, that group. 0, or -1 with why in err. */
int file_replace(const char *path, const char *data, size_t len, mode_t mode, gid_t gid, struct buf *err);

#endif
