/* SPDX-License-Identifier: MIT */
/* render.c: ClearSilver rendering (see render.h). */
#include "render.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "history.h"
#include "series.h"
#include "wtype.h"

#define JSON_MAX_DEPTH 8
#define JSON_MAX_ITEMS 10000

/* What a type's context function fills, and what it borrows meanwhile:
 * history it read (mdash_history), freed when the render ends. */
#define CONTEXT_HISTORIES 8
struct mdash_context {
	HDF *hdf;
	struct mdash_point *history[CONTEXT_HISTORIES];
	int nhistory;
	char *labels[CONTEXT_HISTORIES]; /* mdash_series_history's */
	int nlabels;
	struct buf failed; /* why mdash_history could not read, if it could not */
};

static void take_error(NEOERR *nerr, const char *what, struct buf *err)
{
	STRING s;
	string_init(&s);
	nerr_error_string(nerr, &s);
	buf_printf(err, "%s: %s", what, s.buf ? s.buf : "template error");
	string_clear(&s);
	nerr_ignore(&nerr);
}

HDF *render_hdf(const struct md_config *cfg)
{
	HDF *hdf;
	if (hdf_init(&hdf) != STATUS_OK)
		return NULL;
	/* Escaping is read by cs_init: it must be in the tree before that. */
	hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	hdf_set_value(hdf, "hdf.loadpaths.0", cfg->template_dir);
	hdf_set_value(hdf, "Page.base", cfg->base_path);
	return hdf;
}

static NEOERR *append_out(void *ctx, char *s)
{
	buf_puts(ctx, s);
	return STATUS_OK;
}

/* Parsed templates, kept for the life of the process: parsing costs more
 * than rendering, and a worker renders the same few templates all day.
 * ClearSilver binds a parse to a data tree at cs_init; each render points
 * the kept parse at that render's tree (CSPARSE.hdf) and back. Templates
 * changed on disk are seen after the app restarts. */
#define TEMPLATE_CACHE 64

static struct {
	char *key;
	CSPARSE *cs;
	HDF *hdf; /* the tree it was parsed with: escaping and load path */
} parsed[TEMPLATE_CACHE];
static int nparsed;

/* Parses the files, in order, into one template over hdf. */
static NEOERR *parse_files(HDF *hdf, const char *const *files, int n, CSPARSE **cs)
{
	NEOERR *nerr = cs_init(cs, hdf);
	if (nerr == STATUS_OK)
		nerr = cgi_register_strfuncs(*cs);
	for (int i = 0; nerr == STATUS_OK && i < n; i++)
		nerr = cs_parse_file(*cs, files[i]);
	return nerr;
}

int render_parse(const struct md_config *cfg, const char *const *files, int n, struct buf *err)
{
	HDF *hdf = render_hdf(cfg);
	CSPARSE *cs = NULL;
	if (!hdf) {
		buf_puts(err, "out of memory");
		return -1;
	}
	NEOERR *nerr = parse_files(hdf, files, n, &cs);
	int rc = nerr == STATUS_OK ? 0 : -1;
	if (nerr != STATUS_OK) {
		/* One line, for a report of one line per check. */
		STRING s;
		string_init(&s);
		nerr_error_string(nerr, &s);
		for (char *p = s.buf; p && *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		for (size_t len = s.buf ? strlen(s.buf) : 0; len && s.buf[len - 1] == ' '; len--)
			s.buf[len - 1] = '\0';
		buf_puts(err, s.buf && *s.buf ? s.buf : "ClearSilver error");
		string_clear(&s);
		nerr_ignore(&nerr);
	}
	cs_destroy(&cs);
	hdf_destroy(&hdf);
	return rc;
}

/* The files parsed in order into one template (so that a type's macro file
 * comes before the wrapper that calls it), from the cache or now. */
static CSPARSE *template_for(HDF *hdf, const char *const *files, int n, struct buf *err)
{
	struct buf key = {0};
	buf_puts(&key, hdf_get_value(hdf, "hdf.loadpaths.0", ""));
	for (int i = 0; i < n; i++)
		buf_printf(&key, "\n%s", files[i]);
	for (int i = 0; i < nparsed; i++)
		if (!strcmp(parsed[i].key, key.data)) {
			buf_free(&key);
			return parsed[i].cs;
		}
	HDF *base = NULL;
	CSPARSE *cs = NULL;
	NEOERR *nerr = hdf_init(&base);
	if (nerr == STATUS_OK)
		nerr = hdf_set_value(base, "Config.VarEscapeMode", "html");
	if (nerr == STATUS_OK)
		nerr = hdf_set_value(base, "hdf.loadpaths.0", hdf_get_value(hdf, "hdf.loadpaths.0", "."));
	if (nerr == STATUS_OK)
		nerr = parse_files(base, files, n, &cs);
	if (nerr != STATUS_OK) {
		take_error(nerr, "template", err);
		cs_destroy(&cs);
		hdf_destroy(&base);
		buf_free(&key);
		return NULL;
	}
	if (nparsed == TEMPLATE_CACHE) {
		/* More template sets than expected (many plug-ins): drop the oldest. */
		free(parsed[0].key);
		cs_destroy(&parsed[0].cs);
		hdf_destroy(&parsed[0].hdf);
		memmove(parsed, parsed + 1, sizeof parsed[0] * (TEMPLATE_CACHE - 1));
		nparsed--;
	}
	parsed[nparsed].key = buf_steal(&key);
	parsed[nparsed].cs = cs;
	parsed[nparsed].hdf = base;
	return parsed[nparsed++].cs;
}

static int render_files(HDF *hdf, const char *const *files, int n, struct buf *out, struct buf *err)
{
	CSPARSE *cs = template_for(hdf, files, n, err);
	if (!cs)
		return -1;
	HDF *kept = cs->hdf;
	cs->hdf = hdf;
	NEOERR *nerr = cs_render(cs, out, append_out);
	cs->hdf = kept;
	if (nerr != STATUS_OK) {
		take_error(nerr, "template", err);
		return -1;
	}
	return 0;
}

void render_cleanup(void)
{
	for (int i = 0; i < nparsed; i++) {
		free(parsed[i].key);
		cs_destroy(&parsed[i].cs);
		hdf_destroy(&parsed[i].hdf);
	}
	nparsed = 0;
}

int render_file(HDF *hdf, const char *file, struct buf *out, struct buf *err)
{
	return render_files(hdf, &file, 1, out, err);
}

static int key_ok(const char *k)
{
	size_t n = 0;
	for (; k[n]; n++) {
		char c = k[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return n > 0 && n <= 64;
}

static void json_walk(HDF *hdf, struct buf *path, json_object *v, int depth)
{
	size_t mark = path->len;
	switch (json_object_get_type(v)) {
	case json_type_object:
		if (depth >= JSON_MAX_DEPTH)
			return;
		json_object_object_foreach (v, key, val) {
			if (!key_ok(key))
				continue;
			buf_printf(path, ".%s", key);
			json_walk(hdf, path, val, depth + 1);
			path->len = mark;
			path->data[mark] = '\0';
		}
		return;
	case json_type_array: {
		if (depth >= JSON_MAX_DEPTH)
			return;
		size_t n = json_object_array_length(v);
		for (size_t i = 0; i < n && i < JSON_MAX_ITEMS; i++) {
			buf_printf(path, ".%zu", i);
			json_walk(hdf, path, json_object_array_get_idx(v, i), depth + 1);
			path->len = mark;
			path->data[mark] = '\0';
		}
		return;
	}
	case json_type_null: return;
	case json_type_boolean: hdf_set_value(hdf, path->data, json_object_get_boolean(v) ? "1" : "0"); return;
	default: hdf_set_value(hdf, path->data, json_object_get_string(v)); return;
	}
}

void render_json(HDF *hdf, const char *prefix, json_object *v)
{
	struct buf path = {0};
	buf_puts(&path, prefix);
	json_walk(hdf, &path, v, 0);
	buf_free(&path);
}

void render_iso_time(const char *t, char *out, size_t n)
{
	/* The database gives "YYYY-MM-DD HH:MM:SS.mmm" in UTC. */
	if (!t || strlen(t) < 19) {
		snprintf(out, n, "%s", "");
		return;
	}
	snprintf(out, n, "%.10sT%sZ", t, t + 11);
}

static void set_int(HDF *hdf, const char *name, long long v)
{
	char num[32];
	snprintf(num, sizeof num, "%lld", v);
	hdf_set_value(hdf, name, num);
}

/* w.* for the templates: identity, placement, state, then data and ctx. */
static void widget_tree(HDF *hdf, const struct md_widget *w, const struct mdash_widget_type *t)
{
	const char *status = widget_status(w, t);
	const char *title = mdash_field(w, "title");
	const char *moreinfo = mdash_field(w, "moreinfo");
	hdf_set_value(hdf, "Widget.name", w->name);
	hdf_set_value(hdf, "Widget.type", w->type);
	hdf_set_value(hdf, "Widget.title", title ? title : w->title);
	if (moreinfo)
		hdf_set_value(hdf, "Widget.moreinfo", moreinfo);
	set_int(hdf, "Widget.col", w->col);
	set_int(hdf, "Widget.row", w->row);
	set_int(hdf, "Widget.sizex", w->sizex);
	set_int(hdf, "Widget.sizey", w->sizey);
	set_int(hdf, "Widget.version", w->version);
	/* The page's script marks data stale after twice this; 0: never. */
	set_int(hdf, "Widget.interval", widget_can_go_stale(w) ? w->interval : 0);
	hdf_set_value(hdf, "Widget.state", widget_state(w));
	if (t && (t->flags & MDASH_TYPE_SHOWS_TIME))
		hdf_set_value(hdf, "Widget.shows_time", "1");
	if (status)
		hdf_set_value(hdf, "Widget.status", status);
	if (w->updated_at) {
		char iso[40];
		render_iso_time(w->updated_at, iso, sizeof iso);
		hdf_set_value(hdf, "Widget.updated_at", iso);
		char hms[9];
		snprintf(hms, sizeof hms, "%.8s", w->updated_at + 11);
		hdf_set_value(hdf, "Widget.updated_time", hms);
	}
	if (w->last_error)
		hdf_set_value(hdf, "Widget.error", w->last_error);
	render_json(hdf, "Widget.data", widget_data(w));
}

int render_widget(const struct md_config *cfg, const struct md_widget *w, struct buf *out, struct buf *err)
{
	HDF *hdf = render_hdf(cfg);
	if (!hdf) {
		buf_puts(err, "template: out of memory");
		return -1;
	}
	const struct mdash_widget_type *t = wtype_find(w->type);
	widget_tree(hdf, w, t);
	const char *files[2] = {t ? t->template : "widgets/unknown.cs", "widget.cs"};
	if (!t) {
		hdf_set_value(hdf, "Widget.state", "error");
		hdf_set_value(hdf, "Widget.error", "this widget's type is not installed");
	} else if (t->context) {
		struct mdash_context ctx = {.hdf = hdf};
		int bad = t->context(w, &ctx);
		for (int i = 0; i < ctx.nhistory; i++)
			free(ctx.history[i]);
		for (int i = 0; i < ctx.nlabels; i++)
			free(ctx.labels[i]);
		if (ctx.failed.len) {
			/* The database failed: this render must not be kept. */
			buf_puts(err, buf_str(&ctx.failed));
			buf_free(&ctx.failed);
			hdf_destroy(&hdf);
			return -1;
		}
		if (bad) {
			hdf_set_value(hdf, "Widget.state", "error");
			hdf_set_value(hdf, "Widget.error", "the widget type could not show this data");
		}
	}
	size_t mark = out->len;
	struct buf why = {0};
	int rc = render_files(hdf, files, 2, out, &why);
	if (rc && t) {
		/* The type's template is missing or broken: this widget shows the
		 * error; the rest of the page does not suffer. */
		out->len = mark;
		if (out->data)
			out->data[mark] = '\0';
		hdf_set_value(hdf, "Widget.state", "error");
		hdf_set_value(hdf, "Widget.error", buf_str(&why));
		files[0] = "widgets/unknown.cs";
		buf_reset(&why);
		rc = render_files(hdf, files, 2, out, &why);
	}
	if (rc)
		buf_puts(err, buf_str(&why));
	buf_free(&why);
	hdf_destroy(&hdf);
	return rc;
}

/* The context half of mdash/widget.h. */

int mdash_history(const mdash_widget *w, mdash_context *ctx, const char *field, double seconds, int points,
		  const struct mdash_point **out)
{
	double end;
	struct history_point *hp;
	int n;
	*out = NULL;
	if (!w->updated_at || parse_iso_time(w->updated_at, 0, &end) || !(seconds > 0) || points < 1)
		return 0;
	if (ctx->nhistory == CONTEXT_HISTORIES) {
		buf_printf(&ctx->failed, "a widget type asked for its history more than %d times in one render",
			   CONTEXT_HISTORIES);
		return -1;
	}
	/* The version's own row may be stamped a moment after the widget's
	 * updated_at (another statement of its transaction): the window ends a
	 * second later, and at this version, so that it holds exactly what this
	 * version knew. */
	if (history_read(w->id, field, end - seconds, end + 1, w->version, points > 2000 ? 2000 : points, &hp, &n,
			 &ctx->failed))
		return -1;
	struct mdash_point *p = xcalloc((size_t)n + 1, sizeof *p);
	for (int i = 0; i < n; i++)
		p[i] = (struct mdash_point){hp[i].t, hp[i].last, hp[i].min, hp[i].max, hp[i].avg};
	free(hp);
	ctx->history[ctx->nhistory++] = p;
	*out = p;
	return n;
}

/* Why the render must not be kept: the database failed a context. */
static void render_context_failed(mdash_context *ctx, const char *why)
{
	buf_puts(&ctx->failed, why);
}

/* "YYYY-MM-DD HH:MM:SS.mmm" UTC, as widgets' updated_at. */
static void db_time(double t, char out[32])
{
	time_t s = (time_t)floor(t);
	struct tm tm;
	gmtime_r(&s, &tm);
	size_t len = strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out + len, 32 - len, ".%03d", (int)((t - floor(t)) * 1000) % 1000);
}

/* The newest update of w and of the widgets m names (NAN: none). */
static double series_end(const mdash_widget *w, const struct series_member *m, int nm)
{
	double end = NAN, own;
	if (w->updated_at && parse_iso_time(w->updated_at, 0, &own) == 0)
		end = own;
	for (int k = 0; k < nm; k++)
		if (!isnan(m[k].updated) && !(m[k].updated <= end))
			end = m[k].updated;
	return end;
}

int mdash_series_history(const mdash_widget *w, mdash_context *ctx, double seconds, int points,
			 struct mdash_series *out, int max, double *end)
{
	struct series_member *m;
	int nm, nd = 0;
	struct buf err = {0};
	*end = NAN;
	if (series_of(w->id, &m, &nm, &err)) {
		render_context_failed(ctx, buf_str(&err));
		buf_free(&err);
		return -1;
	}
	*end = series_end(w, m, nm);
	char at[32];
	if (!isnan(*end))
		db_time(*end, at);
	for (int k = 0; !isnan(*end) && k < nm && nd < max && ctx->nlabels < CONTEXT_HISTORIES; k++) {
		const struct mdash_widget_type *t = wtype_find(m[k].type);
		if (!t || !t->value_field)
			continue;
		/* The window ends at the graph's version: the graph's own values up
		 * to it; another widget's as they were when the graph was bumped. */
		struct md_widget one = {.id = m[k].id, .updated_at = at, .version = m[k].id == w->id ? w->version : 0};
		out[nd].n = mdash_history(&one, ctx, t->value_field, seconds, points, &out[nd].points);
		if (out[nd].n < 0) {
			nd = -1;
			break;
		}
		char *label = xstrdup(m[k].title && *m[k].title ? m[k].title : m[k].name);
		ctx->labels[ctx->nlabels++] = label;
		out[nd++].label = label;
	}
	series_members_free(m, nm);
	return nd;
}

void mdash_set(mdash_context *ctx, const char *key, const char *value)
{
	char name[256];
	snprintf(name, sizeof name, "Widget.ctx.%s", key);
	hdf_set_value(ctx->hdf, name, value);
}

void mdash_setf(mdash_context *ctx, const char *key, const char *fmt, ...)
{
	struct buf v = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&v, fmt, ap);
	va_end(ap);
	mdash_set(ctx, key, buf_str(&v));
	buf_free(&v);
}
