/* SPDX-License-Identifier: MIT */
/* metrics.c: GET /metrics, the Prometheus text format (names and meanings:
 * mdash.fcgi(8)). The app's own counters (lib/metrics.h) come from memory
 * its workers share; the widgets' states, pending publishes and the
 * updater's totals from the database, which the updater writes. Readable
 * from this host (loopback) or with an admin token (the route's rule): the
 * figures say what the dashboards hold and how busy the site is. */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "handlers.h"
#include "metrics.h"
#include "publish.h"
#include "stats.h"
#include "widget.h"

static void family(struct buf *o, const char *name, const char *type, const char *help)
{
	buf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void label(struct buf *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			buf_putc(o, '\\');
		if (*v == '\n')
			buf_puts(o, "\\n");
		else
			buf_putc(o, *v);
	}
}

static void app_counters(struct buf *o)
{
	family(o, "mdash_pushes_total", "counter", "Pushes answered, by result: stored (204) or refused.");
	buf_printf(o, "mdash_pushes_total{result=\"stored\"} %llu\n", metrics_get(M_PUSHES_STORED));
	buf_printf(o, "mdash_pushes_total{result=\"refused\"} %llu\n", metrics_get(M_PUSHES_REFUSED));
	family(o, "mdash_push_batch_size", "histogram", "Pushes stored per database transaction.");
	for (int i = 0; i < METRICS_BATCH_BUCKETS; i++) {
		int bound = metrics_batch_bound(i);
		if (bound)
			buf_printf(o, "mdash_push_batch_size_bucket{le=\"%d\"} %llu\n", bound, metrics_batch_bucket(i));
		else
			buf_printf(o, "mdash_push_batch_size_bucket{le=\"+Inf\"} %llu\n", metrics_batch_bucket(i));
	}
	buf_printf(o, "mdash_push_batch_size_sum %llu\nmdash_push_batch_size_count %llu\n", metrics_batch_sum(),
		   metrics_batch_count());
	family(o, "mdash_publish_failures_total", "counter",
	       "Widget messages the app could not hand to nchan (the updater publishes them later).");
	buf_printf(o, "mdash_publish_failures_total %llu\n", metrics_get(M_PUBLISH_FAILED));
	family(o, "mdash_worker_restarts_total", "counter", "App workers that died and were replaced.");
	buf_printf(o, "mdash_worker_restarts_total %llu\n", metrics_get(M_WORKER_RESTARTS));
	family(o, "mdash_read_cache_total", "counter",
	       "Reads of sessions, widgets and dashboards: from the app's cache (hit) or the database (miss).");
	buf_printf(o, "mdash_read_cache_total{result=\"hit\"} %llu\n", metrics_get(M_READ_CACHE_HITS));
	buf_printf(o, "mdash_read_cache_total{result=\"miss\"} %llu\n", metrics_get(M_READ_CACHE_MISSES));
	family(o, "mdash_database_errors_total", "counter", "The app's database calls that failed.");
	buf_printf(o, "mdash_database_errors_total %llu\n", metrics_get(M_DB_ERRORS));
	family(o, "mdash_requests_total", "counter", "Requests the app answered, by route and status code.");
	for (int route = 0; route < METRICS_ROUTES; route++)
		for (int slot = 0; slot < METRICS_STATUS_SLOTS; slot++) {
			unsigned long long n = metrics_requests(route, slot);
			if (!n)
				continue;
			buf_puts(o, "mdash_requests_total{route=\"");
			if (route < metrics_nroutes()) {
				label(o, metrics_route_method(route));
				buf_putc(o, ' ');
				label(o, metrics_route_pattern(route));
			} else {
				buf_puts(o, "other");
			}
			int code = metrics_status_of(slot);
			if (code)
				buf_printf(o, "\",code=\"%d\"} %llu\n", code, n);
			else
				buf_printf(o, "\",code=\"other\"} %llu\n", n);
		}
}

/* What the database says; 0, or -1 when it could not be asked. */
static int database_figures(struct buf *o, struct buf *err)
{
	struct md_widget *ws;
	struct update_stat *st;
	int n, ns;
	if (widget_list_all(1, &ws, &n, err))
		return -1;
	struct widget_tally t = {0};
	int pending = 0;
	for (int i = 0; i < n; i++) {
		widget_tally_add(&ws[i], &t);
		pending += ws[i].publish_pending != 0;
	}
	widget_list_free(ws, n);
	if (stats_load(&st, &ns, err))
		return -1;
	family(o, "mdash_widgets", "gauge",
	       "Enabled widgets by the state their page shows first: error, stale, danger, warning, else ok.");
	buf_printf(o,
		   "mdash_widgets{state=\"ok\"} %d\nmdash_widgets{state=\"warning\"} %d\n"
		   "mdash_widgets{state=\"danger\"} %d\nmdash_widgets{state=\"stale\"} %d\n"
		   "mdash_widgets{state=\"error\"} %d\n",
		   t.widgets - t.error - t.stale - t.danger - t.warning, t.warning, t.danger, t.stale, t.error);
	family(o, "mdash_publishes_pending", "gauge",
	       "Widgets whose newest version nchan has not been told of yet (the updater retries).");
	buf_printf(o, "mdash_publishes_pending %d\n", pending);
	family(o, "mdash_updates_total", "counter", "Widgets the updater pulled, by source kind.");
	for (int i = 0; i < ns; i++) {
		buf_puts(o, "mdash_updates_total{kind=\"");
		label(o, st[i].kind);
		buf_printf(o, "\"} %llu\n", st[i].updates);
	}
	family(o, "mdash_update_failures_total", "counter", "Pulls that ended in an error, by source kind.");
	for (int i = 0; i < ns; i++) {
		buf_puts(o, "mdash_update_failures_total{kind=\"");
		label(o, st[i].kind);
		buf_printf(o, "\"} %llu\n", st[i].failures);
	}
	family(o, "mdash_update_seconds_total", "counter", "Seconds the updater's fetches took, by source kind.");
	for (int i = 0; i < ns; i++) {
		buf_puts(o, "mdash_update_seconds_total{kind=\"");
		label(o, st[i].kind);
		buf_printf(o, "\"} %.3f\n", st[i].seconds);
	}
	stats_free(st, ns);
	return 0;
}

void metrics_scrape(struct req *r)
{
	struct buf o = {0}, err = {0};
	/* The database's figures first: a failing call counts in the errors. */
	struct buf db = {0};
	int db_up = database_figures(&db, &err) == 0;
	app_counters(&o);
	family(&o, "mdash_database_up", "gauge",
	       "1 when the app could read the figures below from the database, else 0.");
	buf_printf(&o, "mdash_database_up %d\n", db_up);
	long subscribers;
	buf_reset(&err);
	if (publish_subscribers(r->cfg->publish_url, &subscribers, &err) == 0) {
		family(&o, "mdash_subscribers", "gauge",
		       "Open push streams, as nchan counts them (one per channel a stream follows; each app "
		       "process's change feed among them).");
		buf_printf(&o, "mdash_subscribers %ld\n", subscribers);
	}
	if (db_up)
		buf_append(&o, buf_str(&db), db.len);
	resp_header(r, "Cache-Control", "no-store");
	resp_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf_str(&o), o.len);
	buf_free(&o);
	buf_free(&db);
	buf_free(&err);
}
