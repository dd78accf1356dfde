/* SPDX-License-Identifier: MIT */
/* answer.h: the answers every handler shares (answer.c): errors, as an
 * HTML page or as JSON by what the client asked for, and the data tree
 * every page starts from. */
#ifndef MDASH_ANSWER_H
#define MDASH_ANSWER_H

#include "cs.h"
#include "request.h"

/* An error as an HTML page or as {"error": message}, by what the client
 * asked for. */
void resp_error(struct req *r, int status, const char *message);
/* 503 when the database is gone, 500 otherwise, logging the detail. */
void resp_db_error(struct req *r, const struct buf *err);
/* The body (request.h's req_read_body), or NULL when it is too big or cut
 * short, having answered 400 or 413. */
const struct buf *req_body(struct req *r);
/* A page's data tree: render_hdf plus who is logged in and the CSRF token
 * (or, for a share link, the link's own address for the page's script). */
HDF *page_hdf(struct req *r);

#endif
