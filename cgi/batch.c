/* SPDX-License-Identifier: MIT */
/* batch.c: group commit for pushes (see batch.h). Only the push loop
 * commits: the worker's publishing connections (lib/publish.c) are the
 * loop's alone. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "metrics.h"
#include "publish.h"
#include "read_cache.h"
#include "render.h"
#include "series.h"
#include "token.h"
#include "widget.h"
#include "worker_lock.h"

/* One batch being stored: its pushes in arrival order, and those with a
 * good token as widget_store_batch takes them. */
struct batch {
	struct batched_push **v;
	int n;
	struct widget_push *w;
	struct batched_push **owner; /* w[i] is owner[i]'s push */
	int nstored;                 /* 0 when nothing was stored */
	struct series_bumped bumped; /* graphs following the widgets stored */
};

/* The status for a failed database call. */
static int db_status(void)
{
	return db_lost() ? 503 : 500;
}

/* Checks each push's token, asking the database once per distinct token
 * (a batch usually carries one). Sets status 401 or 500/503 on failure. */
static void check_tokens(struct batched_push **v, int n)
{
	struct buf err = {0};
	for (int i = 0; i < n; i++) {
		int j = 0;
		while (j < i && !(v[j]->token && v[i]->token && !strcmp(v[j]->token, v[i]->token)))
			j++;
		if (j < i) {
			v[i]->status = v[j]->status;
			continue;
		}
		int ok = token_check(v[i]->token, &err);
		if (ok < 0) {
			log_error("push to %s: %s", v[i]->widget, buf_str(&err));
			buf_reset(&err);
		}
		v[i]->status = ok > 0 ? 204 : ok == 0 ? 401 : db_status();
	}
	buf_free(&err);
}

/* Under the worker lock: checks the tokens and stores the pushes; sets
 * every push's status. */
static void store(struct batch *b)
{
	check_tokens(b->v, b->n);
	int ngood = 0;
	for (int i = 0; i < b->n; i++)
		if (b->v[i]->status == 204 && b->v[i]->fields) {
			b->w[ngood] = (struct widget_push){.name = b->v[i]->widget, .fields = b->v[i]->fields};
			b->owner[ngood++] = b->v[i];
		}
	struct buf err = {0};
	if (widget_store_batch(b->w, ngood, &b->bumped, &err)) {
		log_error("pushes (%d): %s", ngood, buf_str(&err));
		int status = db_status();
		for (int i = 0; i < ngood; i++)
			b->owner[i]->status = status;
	} else {
		for (int i = 0; i < ngood; i++)
			b->owner[i]->status = !b->w[i].status                      ? 204
					      : b->w[i].status == WIDGET_NOT_FOUND ? 404
										   : db_status();
		b->nstored = ngood;
	}
	buf_free(&err);
}

/* A batch that publishes more widgets than this sends them without their
 * fragments: pushes are then coming in faster than one at a time, each
 * render (a read and a template, under the worker lock) would hold up the
 * next batch, halving the pushes stored a second, and a version that a
 * newer one soon replaces is rendered for nothing. Pages fetch those
 * through nginx's cache, once per version. */
#define INLINE_BATCH_MAX 2

/* The fragments of names[i] at versions[i] that are small enough to travel
 * in the message (render_widget_inline), or NULL each: rendered once per
 * version here, for every open page. The caller frees them. */
static char **render_inline(const struct md_config *cfg, const char *const *names, const long long *versions, int n)
{
	char **html = xcalloc((size_t)n + 1, sizeof *html);
	if (n > INLINE_BATCH_MAX)
		return html;
	struct buf one = {0}, err = {0};
	worker_lock();
	for (int i = 0; i < n; i++) {
		if (render_widget_inline(cfg, names[i], versions[i], &one, &err) == 1)
			html[i] = buf_steal(&one);
		else if (err.len) {
			log_warn("widget %s: published without its fragment: %s", names[i], buf_str(&err));
			buf_reset(&err);
		}
	}
	worker_unlock();
	buf_free(&one);
	buf_free(&err);
	return html;
}

/* Publishes each stored widget once, with its newest version (a page that
 * is sent no fragment fetches the current one, so the newest covers the
 * rest), all at once. Not marked pending when stored: the 204 comes after
 * the publish, so a pusher whose request died in between sees it and sends
 * again. A failed publish is marked pending, for the updater to retry. */
static void publish(const struct md_config *cfg, const struct batch *b)
{
	const struct widget_push *w = b->w;
	int n = b->nstored, k = 0, all = n + b->bumped.n;
	const char **names = xcalloc((size_t)all + 1, sizeof *names);
	long long *versions = xcalloc((size_t)all + 1, sizeof *versions);
	int *failed = xcalloc((size_t)all + 1, sizeof *failed);
	for (int i = 0; i < n; i++) {
		int newer = 0;
		for (int j = i + 1; j < n && !newer; j++)
			newer = !w[j].status && !strcmp(w[j].name, w[i].name);
		if (w[i].status || newer)
			continue;
		names[k] = w[i].name;
		versions[k++] = w[i].version;
	}
	/* The graphs that follow them: their newest versions, once each. */
	for (int i = 0; i < b->bumped.n; i++) {
		names[k] = b->bumped.names[i];
		versions[k++] = b->bumped.versions[i];
	}
	/* This process reads them again at once, whether the messages (which
	 * tell every process, this one too) get through or not. */
	for (int i = 0; i < k; i++)
		read_cache_widget_changed(names[i], strlen(names[i]));
	char **html = render_inline(cfg, names, versions, k);
	struct buf err = {0};
	if (publish_widgets(cfg->publish_url, names, versions, (const char *const *)html, k, failed, &err)) {
		log_warn("pushes stored, publish pending: %s", buf_str(&err));
		worker_lock();
		for (int i = 0; i < k; i++) {
			buf_reset(&err);
			if (failed[i] && widget_unpublished(names[i], versions[i], &err))
				log_warn("widget %s: version %lld not marked pending: %s", names[i], versions[i],
					 buf_str(&err));
		}
		worker_unlock();
	}
	buf_free(&err);
	for (int i = 0; i < k; i++)
		free(html[i]);
	free(html);
	free(failed);
	free(versions);
	free(names);
}

/* What a committer does with a batch; batch_set_committer's. */
static void store_and_publish(struct batched_push **v, int n, const struct md_config *cfg)
{
	struct batch b = {.v = v, .n = n};
	metrics_batch(n);
	b.w = xcalloc((size_t)n + 1, sizeof *b.w);
	b.owner = xcalloc((size_t)n + 1, sizeof *b.owner);
	worker_lock();
	store(&b);
	worker_unlock();
	/* The next batch waits for this one's publish: batches stay large
	 * (each costs round trips whatever its size), and a channel's last
	 * message is its newest version. */
	if (b.nstored)
		publish(cfg, &b);
	series_bumped_free(&b.bumped);
	free(b.owner);
	free(b.w);
}

static batch_committer *committer = store_and_publish;

void batch_set_committer(batch_committer *fn)
{
	committer = fn ? fn : store_and_publish;
}

void batch_commit(struct batched_push **v, int n, const struct md_config *cfg)
{
	if (n)
		committer(v, n, cfg);
}
