/* SPDX-License-Identifier: MIT */
/* render.h: HTML from ClearSilver templates, with HTML escaping on for
 * every var: (set before cs_init, where ClearSilver reads it). */
#ifndef MDASH_RENDER_H
#define MDASH_RENDER_H

#include <json-c/json.h>

#include "config.h"
#include "cs.h"
#include "util.h"
#include "widget.h"

/* A fresh data tree with escaping on and the template dir as load path.
 * The caller owns it (hdf_destroy). */
HDF *render_hdf(const struct md_config *cfg);
/* Parses the files (relative to the template dir), in order, into one
 * template as a render does, without rendering (mdash check-config). 0, or
 * -1 with ClearSilver's message on one line in err. */
int render_parse(const struct md_config *cfg, const char *const *files, int n, struct buf *err);
/* Renders a template file (relative to the template dir) over hdf. */
int render_file(HDF *hdf, const char *file, struct buf *out, struct buf *err);
/* Renders one widget's whole element (the fragment the browser swaps in). */
int render_widget(const struct md_config *cfg, const struct md_widget *w, struct buf *out, struct buf *err);
/* The same through this process's cache of rendered widgets (render_cache.c):
 * *hit is 1 when the HTML came from the cache. */
int render_widget_cached(const struct md_config *cfg, const struct md_widget *w, struct buf *out, struct buf *err,
			 int *hit);
void render_cache_clear(void);
/* What a push message carries of a widget (lib/publish.h): its fragment,
 * so that open pages swap it in without fetching it. Only while small:
 * every subscriber is sent every byte, and nchan keeps each channel's last
 * message. */
#define RENDER_INLINE_MAX 4096
/* Renders widget name as stored now, through the cache (so that the pages
 * that still fetch it cost no second render), into html when it is at
 * version and its fragment takes at most RENDER_INLINE_MAX bytes. 1 when
 * html holds it; 0 when not (a newer version is stored, the widget is
 * gone, the fragment is larger: the page fetches it); -1 on a database or
 * template error (in err; the message goes without the fragment). */
int render_widget_inline(const struct md_config *cfg, const char *name, long long version, struct buf *html,
			 struct buf *err);
/* Copies a JSON value into the tree under prefix. Object keys that are not
 * [A-Za-z0-9_]{1,64} are skipped: untrusted keys must never make HDF paths. */
void render_json(HDF *hdf, const char *prefix, json_object *v);
/* Frees the parsed-template cache (at exit, for leak checkers). */
void render_cleanup(void);
/* "2026-11-28 17:05:03.123" (UTC) -> "2026-11-28T17:05:03.123Z". */
void render_iso_time(const char *db_time, char *out, size_t n);

#endif
