/* SPDX-License-Identifier: MIT */
/* page.c: full HTML pages: the dashboard list and a dashboard with every
 * widget rendered in place, so the page shows data without JavaScript. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dashboard.h"
#include "handlers.h"
#include "pass.h"
#include "render.h"
#include "widget.h"

static void nav_tree(HDF *hdf, const struct md_dashboard *list, int n, const char *current)
{
	char name[64];
	for (int k = 0; k < n; k++) {
		snprintf(name, sizeof name, "Nav.%d.slug", k);
		hdf_set_value(hdf, name, list[k].slug);
		snprintf(name, sizeof name, "Nav.%d.title", k);
		hdf_set_value(hdf, name, *list[k].title ? list[k].title : list[k].slug);
		if (current && !strcmp(current, list[k].slug)) {
			snprintf(name, sizeof name, "Nav.%d.current", k);
			hdf_set_value(hdf, name, "1");
		}
	}
}

/* A card's colour: red for errors and danger, amber for warnings and
 * stale data. */
static const char *card_health(const struct widget_tally *t)
{
	return t->error + t->danger ? "danger" : t->warning + t->stale ? "warning" : t->widgets ? "ok" : "empty";
}

/* Card k of the list (Nav.k, as nav_tree named it): d's description and
 * its widgets' tally. */
static void nav_card(HDF *hdf, int k, const struct md_dashboard *d, const struct widget_tally *t)
{
	const struct {
		const char *key;
		int count;
	} counts[] = {{"widgets", t->widgets}, {"error", t->error},
		      {"danger", t->danger},   {"warning", t->warning},
		      {"stale", t->stale},     {"problems", t->error + t->danger + t->warning + t->stale}};
	char name[64];
	for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
		snprintf(name, sizeof name, "Nav.%d.%s", k, counts[c].key);
		hdf_set_int_value(hdf, name, counts[c].count);
	}
	snprintf(name, sizeof name, "Nav.%d.health", k);
	hdf_set_value(hdf, name, card_health(t));
	if (d->description && *d->description) {
		snprintf(name, sizeof name, "Nav.%d.description", k);
		hdf_set_value(hdf, name, d->description);
	}
}

/* The list's cards, one per dashboard nav_tree showed (those this viewer
 * may see): the tally comes from one query. */
static int nav_cards(HDF *hdf, const struct md_dashboard *list, int n, struct buf *err)
{
	long long *ids = xcalloc((size_t)(n ? n : 1), sizeof *ids);
	struct widget_tally *t = xcalloc((size_t)(n ? n : 1), sizeof *t);
	int troubled = 0;
	for (int i = 0; i < n; i++)
		ids[i] = list[i].id;
	int rc = widget_tally(ids, n, t, err);
	for (int k = 0; !rc && k < n; k++) {
		nav_card(hdf, k, &list[k], &t[k]);
		troubled += t[k].error + t[k].danger + t[k].warning + t[k].stale > 0;
	}
	hdf_set_int_value(hdf, "List.troubled", troubled);
	free(ids);
	free(t);
	return rc;
}

void page_index(struct req *r)
{
	struct md_dashboard *list;
	int n;
	struct buf err = {0}, html = {0};
	if (!req_dashboards(r, &list, &n)) {
		/* answered */
	} else if (n == 1) {
		/* One dashboard: it is the default. */
		struct buf to = {0};
		buf_printf(&to, "/d/%s", list[0].slug);
		resp_redirect(r, to.data);
		buf_free(&to);
	} else {
		HDF *hdf = page_hdf(r);
		hdf_set_value(hdf, "Page.title", "Dashboards");
		nav_tree(hdf, list, n, NULL);
		if (nav_cards(hdf, list, n, &err))
			resp_db_error(r, &err);
		else if (render_file(hdf, "index.cs", &html, &err))
			resp_error(r, 500, buf_str(&err));
		else
			resp_html(r, 200, &html);
		hdf_destroy(&hdf);
	}
	dashboard_list_free(list, n);
	buf_free(&err);
	buf_free(&html);
}

/* The page needs the list of dashboards for its navigation: the dashboard
 * itself comes from that list, and the same query says who asks and reads
 * the dashboard's widgets (req_dashboard): one round trip for the whole
 * page. */
void page_dashboard(struct req *r)
{
	struct md_dashboard *nav = NULL, dd, *d = &dd;
	struct md_widget *ws = NULL;
	int nnav = 0, nw = 0;
	struct buf err = {0}, html = {0}, one = {0};
	/* A copy's age counts from before the reads: a change committed while
	 * they ran may be missing from it. */
	time_t read_at = time(NULL);
	if (!req_dashboard(r, d, &ws, &nw, &nav, &nnav))
		goto out;
	int cacheable = req_page_cacheable(r);
	/* A share link's page is the same for each of its viewers (no user, no
	 * token): nginx keeps it by address, as it keeps a user's page. */
	int shared = r->who.kind == WHO_SHARE;
	HDF *hdf = page_hdf(r);
	if (cacheable && hdf)
		hdf_set_value(hdf, "Page.cached", "1");
	char name[64];
	hdf_set_value(hdf, "Page.title", *d->title ? d->title : d->slug);
	hdf_set_value(hdf, "Dashboard.slug", d->slug);
	hdf_set_value(hdf, "Dashboard.title", *d->title ? d->title : d->slug);
	if (d->description)
		hdf_set_value(hdf, "Dashboard.description", d->description);
	hdf_set_int_value(hdf, "Dashboard.columns", d->columns);
	nav_tree(hdf, nav, nnav, d->slug);
	for (int i = 0; i < nw; i++) {
		int hit;
		buf_reset(&one);
		if (render_widget_cached(r->cfg, &ws[i], &one, &err, &hit))
			break;
		snprintf(name, sizeof name, "Dashboard.widgets.%d.html", i);
		hdf_set_value(hdf, name, buf_str(&one));
	}
	if (err.len || render_file(hdf, "dashboard.cs", &html, &err)) {
		resp_error(r, 500, buf_str(&err));
	} else {
		/* A copy nginx may keep (nginx/mdash-site.conf.in) lives to the end
		 * of the second its reads began in: X-Accel-Expires "@<time>"
		 * (nginx counts whole seconds and keeps a copy through the second
		 * named), after the Cache-Control that bounds its use while a new
		 * one renders to one more second (nginx 1.22 reads no Cache-Control
		 * after an X-Accel-Expires). nginx tells the browser "no-store". */
		if (cacheable || shared) {
			char expires[32];
			snprintf(expires, sizeof expires, "@%lld", (long long)read_at);
			resp_header(r, "Cache-Control", "max-age=1, stale-while-revalidate=1");
			resp_header(r, "X-Accel-Expires", expires);
		} else {
			resp_header(r, "X-Accel-Expires", "0");
			resp_header(r, "Cache-Control", "no-store");
		}
		resp_html(r, 200, &html);
	}
	hdf_destroy(&hdf);
out:
	widget_list_free(ws, nw);
	dashboard_list_free(nav, nnav);
	dashboard_free(d);
	buf_free(&err);
	buf_free(&html);
	buf_free(&one);
}

/* The administration page (admins only, by its route's rule): a shell
 * whose script (static/mdash/admin.js) lists and changes users, tokens,
 * share links and dashboards through the JSON API, and shows the audit
 * log. Nothing in it comes from the database: the API's answers do. */
void page_admin(struct req *r)
{
	struct buf err = {0}, html = {0};
	HDF *hdf = page_hdf(r);
	if (!hdf) {
		resp_error(r, 500, "The page could not be prepared.");
		return;
	}
	hdf_set_value(hdf, "Page.title", "Administration");
	hdf_set_value(hdf, "Page.adminpage", "1");
	if (render_file(hdf, "admin.cs", &html, &err))
		resp_error(r, 500, buf_str(&err));
	else
		resp_html(r, 200, &html);
	hdf_destroy(&hdf);
	buf_free(&err);
	buf_free(&html);
}
