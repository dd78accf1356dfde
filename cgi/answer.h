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
/* Sends o as JSON with status, and frees it. */
struct json_object;
void resp_json_object(struct req *r, int status, struct json_object *o);
/* 400 {"error": message, "field": path}: the path is what comes before
 * the message's first ": " (messages of fields.h and spec.h start with the
 * field's path); for "<path>: unknown key "foo"" it is "<path>.foo", the
 * key's own path (just "foo" at the top). */
void resp_field_error(struct req *r, const char *message);
/* A message of the validator (spec.h) about the body, which it called
 * where: the same message without where, and the field it names
 * ("widget.source.url: ..." answers "source.url: ..." for source.url). */
void resp_spec_error(struct req *r, const char *where, const char *message);
/* The body as a JSON object (the caller frees), or NULL having answered
 * 400 or 413. */
struct json_object *req_json_body(struct req *r);
/* After an authoring change: tells every open page of dashboard slug (if
 * any) the event: "layout" re-checks the dashboard's widgets, their places
 * and versions (adding and removing widgets in place), "reload" reloads
 * the page. A failure is logged; the change stands. */
void author_tell_pages(struct req *r, const char *slug, const char *event);
/* Publishes the graphs a change bumped (series.h), each marked published
 * when it was; one that could not be stays pending for the updater. */
struct series_bumped;
void author_tell_graphs(struct req *r, const struct series_bumped *graphs);
/* 503 when the database is gone, 500 otherwise, logging the detail. */
void resp_db_error(struct req *r, const struct buf *err);
/* The body (request.h's req_read_body), or NULL when it is too big or cut
 * short, having answered 400 or 413. */
const struct buf *req_body(struct req *r);
/* A page's data tree: render_hdf plus who is logged in and the CSRF token
 * (or, for a share link, the link's own address for the page's script). */
HDF *page_hdf(struct req *r);

#endif
