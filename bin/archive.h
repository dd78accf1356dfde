/* SPDX-License-Identifier: MIT */
/* archive.h: gzip-compressed tar (ustar) archives, written and read as
 * streams, for `mdash backup` and `mdash restore`: a format every system
 * can list and unpack (tar -tzf FILE) without mdash. */
#ifndef MDASH_ARCHIVE_H
#define MDASH_ARCHIVE_H

#include <sys/types.h>
#include <time.h>

#include "util.h"

struct archive;

/* Writing: archive_entry, then archive_write exactly size bytes, for each
 * file; archive_finish ends the archive and says whether all of it was
 * written. The archive writes to its own copy of fd. */
struct archive *archive_create(int fd, struct buf *err);
int archive_entry(struct archive *a, const char *name, long long size, time_t mtime, struct buf *err);
int archive_write(struct archive *a, const void *data, size_t n, struct buf *err);
int archive_finish(struct archive *a, struct buf *err);

/* Reading (from the start of fd): NULL when fd is not gzip data (err says so). archive_next
 * moves to the next file (skipping what is left of the current one): 1
 * and its name and size, 0 at the end, -1 when the archive is damaged.
 * archive_read reads the current file: bytes read, 0 at its end, -1 on
 * damage. */
struct archive *archive_open(int fd, struct buf *err);
int archive_next(struct archive *a, char name[101], long long *size, struct buf *err);
ssize_t archive_read(struct archive *a, void *data, size_t n, struct buf *err);
/* Bytes of compressed input consumed so far (for progress). */
long long archive_offset(struct archive *a);
void archive_close(struct archive *a);

#endif
