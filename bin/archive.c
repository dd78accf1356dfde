/* SPDX-License-Identifier: MIT */
/* archive.c: gzip-compressed ustar archives (see archive.h). Sizes beyond
 * the 11 octal digits of ustar (8 GiB) use the base-256 form GNU tar
 * writes and reads. */
#include "archive.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define BLOCK 512

struct archive {
	gzFile gz;
	long long left; /* bytes of the current file not yet written or read */
	long long pad;  /* zero bytes after it, to the next block */
	int ended;
};

static const char zeros[BLOCK];

static void gz_reason(struct archive *a, struct buf *err, const char *what)
{
	int code;
	const char *msg = gzerror(a->gz, &code);
	/* zlib's message starts with "<fd:N>: ". */
	const char *colon = msg ? strstr(msg, ">: ") : NULL;
	if (colon)
		msg = colon + 3;
	if (code == Z_ERRNO)
		buf_printf(err, "%s: %s", what, strerror(errno));
	else
		buf_printf(err, "%s: %s", what, code == Z_OK || !msg || !*msg ? "unexpected end of data" : msg);
}

static struct archive *wrap(int fd, const char *mode, struct buf *err)
{
	int own = dup(fd);
	gzFile gz = own < 0 ? NULL : gzdopen(own, mode);
	if (!gz) {
		if (own >= 0)
			close(own);
		buf_printf(err, "cannot start the archive: %s", strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	struct archive *a = xcalloc(1, sizeof *a);
	a->gz = gz;
	return a;
}

struct archive *archive_create(int fd, struct buf *err)
{
	return wrap(fd, "wb6", err);
}

/* A number field of width bytes (its last one a NUL when octal). */
static void put_number(char *field, size_t width, unsigned long long v)
{
	if (v < 1ull << (3 * (width - 1))) {
		snprintf(field, width, "%0*llo", (int)(width - 1), v);
		return;
	}
	memset(field, 0, width);
	field[0] = (char)0x80;
	for (size_t i = width - 1; i > 0 && v; i--, v >>= 8)
		field[i] = (char)(v & 0xff);
}

static unsigned checksum(const unsigned char *h)
{
	unsigned sum = 0;
	for (int i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return sum;
}

static int put(struct archive *a, const void *data, size_t n, struct buf *err)
{
	if (n && gzwrite(a->gz, data, (unsigned)n) != (int)n) {
		gz_reason(a, err, "cannot write the archive");
		return -1;
	}
	return 0;
}

static int end_entry(struct archive *a, struct buf *err)
{
	if (a->left) {
		buf_printf(err, "archive: %lld bytes of a file missing", a->left);
		return -1;
	}
	int rc = put(a, zeros, (size_t)a->pad, err);
	a->pad = 0;
	return rc;
}

int archive_entry(struct archive *a, const char *name, long long size, time_t mtime, struct buf *err)
{
	unsigned char h[BLOCK] = {0};
	char *c = (char *)h;
	if (end_entry(a, err))
		return -1;
	if (strlen(name) > 99 || size < 0) {
		buf_printf(err, "archive: bad entry %s", name);
		return -1;
	}
	memcpy(c, name, strlen(name));
	put_number(c + 100, 8, 0600);
	put_number(c + 108, 8, 0);
	put_number(c + 116, 8, 0);
	put_number(c + 124, 12, (unsigned long long)size);
	put_number(c + 136, 12, (unsigned long long)(mtime > 0 ? mtime : 0));
	c[156] = '0';
	memcpy(c + 257, "ustar", 6);
	memcpy(c + 263, "00", 2);
	snprintf(c + 148, 8, "%06o", checksum(h));
	c[155] = ' ';
	a->left = size;
	a->pad = (BLOCK - size % BLOCK) % BLOCK;
	return put(a, h, BLOCK, err);
}

int archive_write(struct archive *a, const void *data, size_t n, struct buf *err)
{
	if ((long long)n > a->left) {
		buf_puts(err, "archive: a file grew while it was written");
		return -1;
	}
	a->left -= (long long)n;
	return put(a, data, n, err);
}

int archive_finish(struct archive *a, struct buf *err)
{
	int rc = end_entry(a, err);
	for (int i = 0; rc == 0 && i < 2; i++)
		rc = put(a, zeros, BLOCK, err);
	int closed = gzclose(a->gz);
	if (rc == 0 && closed != Z_OK) {
		buf_printf(err, "cannot write the archive: %s", closed == Z_ERRNO ? strerror(errno) : "compression failed");
		rc = -1;
	}
	free(a);
	return rc;
}

struct archive *archive_open(int fd, struct buf *err)
{
	unsigned char magic[2];
	if (pread(fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		buf_puts(err, "not gzip-compressed data");
		return NULL;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		buf_printf(err, "cannot read from the start: %s", strerror(errno));
		return NULL;
	}
	return wrap(fd, "rb", err);
}

/* Reads exactly n bytes; a short read is damage. */
static int get(struct archive *a, void *data, size_t n, struct buf *err)
{
	int got = gzread(a->gz, data, (unsigned)n);
	if (got != (int)n) {
		gz_reason(a, err, "the archive is damaged or cut short");
		return -1;
	}
	return 0;
}

static int get_number(const char *field, size_t width, long long *out)
{
	unsigned long long v = 0;
	if ((unsigned char)field[0] & 0x80) {
		for (size_t i = 1; i < width; i++)
			v = v << 8 | (unsigned char)field[i];
	} else {
		size_t i = 0;
		while (i < width && field[i] == ' ')
			i++;
		for (; i < width && field[i] >= '0' && field[i] <= '7'; i++)
			v = v * 8 + (unsigned)(field[i] - '0');
		if (i < width && field[i] != '\0' && field[i] != ' ')
			return -1;
	}
	if (v > (unsigned long long)1 << 62)
		return -1;
	*out = (long long)v;
	return 0;
}

/* What is left of the current file, and its padding. */
static int skip_rest(struct archive *a, struct buf *err)
{
	char chunk[8192];
	for (long long n = a->left + a->pad; n > 0;) {
		size_t step = n > (long long)sizeof chunk ? sizeof chunk : (size_t)n;
		if (get(a, chunk, step, err))
			return -1;
		n -= (long long)step;
	}
	a->left = a->pad = 0;
	return 0;
}

/* After the end blocks: the rest must be the gzip trailer (its check
 * is what catches a damaged stream). */
static int drain(struct archive *a, struct buf *err)
{
	char chunk[8192];
	int got;
	while ((got = gzread(a->gz, chunk, sizeof chunk)) > 0)
		;
	if (got < 0) {
		gz_reason(a, err, "the archive is damaged");
		return -1;
	}
	return 0;
}

int archive_next(struct archive *a, char name[101], long long *size, struct buf *err)
{
	unsigned char h[BLOCK];
	const char *c = (const char *)h;
	if (a->ended)
		return 0;
	for (;;) {
		if (skip_rest(a, err) || get(a, h, BLOCK, err))
			return -1;
		if (!memcmp(h, zeros, BLOCK)) {
			a->ended = 1;
			return drain(a, err) ? -1 : 0;
		}
		long long sum;
		if (get_number(c + 148, 8, &sum) || sum != checksum(h) || memcmp(c + 257, "ustar", 5) ||
		    get_number(c + 124, 12, size)) {
			buf_puts(err, "the archive is damaged (a bad tar header)");
			return -1;
		}
		a->left = *size;
		a->pad = (BLOCK - *size % BLOCK) % BLOCK;
		if (c[156] != '0' && c[156] != '\0')
			continue; /* not a plain file: nothing of ours */
		snprintf(name, 101, "%.100s", c);
		return 1;
	}
}

ssize_t archive_read(struct archive *a, void *data, size_t n, struct buf *err)
{
	if ((long long)n > a->left)
		n = (size_t)a->left;
	if (n == 0)
		return 0;
	if (get(a, data, n, err))
		return -1;
	a->left -= (long long)n;
	return (ssize_t)n;
}

long long archive_offset(struct archive *a)
{
	return (long long)gzoffset(a->gz);
}

void archive_close(struct archive *a)
{
	if (!a)
		return;
	gzclose(a->gz);
	free(a);
}
