/* SPDX-License-Identifier: MIT */
/* util.c: allocation, growable strings and small helpers. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void *oom(size_t n)
{
	fprintf(stderr, "mdash: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom(n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void buf_grow(struct buf *b, size_t extra)
{
	if (extra >= SIZE_MAX / 2 - b->len)
		oom(extra);
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *buf_steal(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

int parse_long(const char *s, long min, long max, long *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int utf8_valid(const char *str, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned min, cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, min = 0x10000, cp = c & 0x07;
		} else {
			break;
		}
		if (i + len > n)
			break;
		size_t k = 1;
		for (; k < len && (s[i + k] & 0xc0) == 0x80; k++)
			cp = cp << 6 | (s[i + k] & 0x3f);
		if (k < len || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			break;
		i += len;
	}
	if (i < n && bad)
		*bad = i;
	return i == n;
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Reads exactly n digits at *s into *out and moves *s past them. */
static int read_digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

/* A zone suffix (Z, +HH:MM, +HHMM, +HH, or none unless needed) as seconds
 * east of UTC. */
static int read_zone(const char **s, int needed, long *east)
{
	int h, m = 0;
	*east = 0;
	if (**s == 'Z' || **s == 'z') {
		(*s)++;
		return 0;
	}
	if (**s != '+' && **s != '-')
		return needed ? -1 : 0;
	int sign = *(*s)++ == '-' ? -1 : 1;
	if (read_digits(s, 2, &h))
		return -1;
	if (**s == ':')
		(*s)++;
	if (**s && read_digits(s, 2, &m))
		return -1;
	if (h > 23 || m > 59)
		return -1;
	*east = sign * (h * 3600L + m * 60L);
	return 0;
}

int parse_iso_time(const char *s, int zone_needed, double *out)
{
	int year, mon, day, hour = 0, min = 0, sec = 0;
	double frac = 0;
	long east = 0;
	if (read_digits(&s, 4, &year) || *s++ != '-' || read_digits(&s, 2, &mon) || *s++ != '-' ||
	    read_digits(&s, 2, &day))
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (read_digits(&s, 2, &hour) || *s++ != ':' || read_digits(&s, 2, &min))
			return -1;
		if (*s == ':') {
			s++;
			if (read_digits(&s, 2, &sec))
				return -1;
			if (*s == '.' || *s == ',') {
				s++;
				if (*s < '0' || *s > '9')
					return -1;
				for (double scale = 0.1; *s >= '0' && *s <= '9'; s++, scale /= 10)
					frac += (*s - '0') * scale;
			}
		}
		if (read_zone(&s, zone_needed, &east))
			return -1;
	}
	if (*s || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
		return -1;
	/* Seconds are added after timegm, so that a leap second (60) does not
	 * hide a bad date that timegm would roll into the next month. */
	struct tm tm = {.tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = day, .tm_hour = hour, .tm_min = min};
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mon != mon - 1 || tm.tm_mday != day)
		return -1;
	*out = (double)t + sec + frac - east;
	return 0;
}

long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double now_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int parse_duration(const char *s, long *seconds)
{
	static const struct {
		char unit;
		long secs;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
	size_t n = strlen(s);
	long count;
	char number[24];
	if (n < 2 || n > sizeof number || s[0] < '0' || s[0] > '9')
		return -1;
	memcpy(number, s, n - 1);
	number[n - 1] = '\0';
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (s[n - 1] == units[i].unit) {
			if (parse_long(number, 0, 100L * 365 * 86400 / units[i].secs, &count))
				return -1;
			*seconds = count * units[i].secs;
			return 0;
		}
	return -1;
}

int file_replace(const char *path, const char *data, size_t len, mode_t mode, gid_t gid, struct buf *err)
{
	struct buf tmp = {0};
	buf_printf(&tmp, "%s.new-XXXXXX", path);
	int fd = mkostemp(tmp.data, O_CLOEXEC);
	if (fd < 0) {
		buf_printf(err, "%s: cannot write: %s", path, strerror(errno));
		buf_free(&tmp);
		return -1;
	}
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno != EINTR)
			rc = -1;
	}
	if (rc == 0 && fchmod(fd, mode))
		rc = -1;
	if (rc == 0 && gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid))
		rc = -1;
	if (rc == 0 && fsync(fd))
		rc = -1;
	int e = errno;
	if (close(fd) && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0 && rename(tmp.data, path)) {
		rc = -1;
		e = errno;
	}
	if (rc) {
		buf_printf(err, "%s: cannot write: %s", path, strerror(e));
		unlink(tmp.data);
	}
	buf_free(&tmp);
	return rc;
}
