/* SPDX-License-Identifier: MIT */
/* alert.c: alert rules, episodes and the updater's alert step (see
 * alert.h). */
#include "alert.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "fields.h"
#include "ident.h"
#include "notify.h"
#include "widget.h"
#include "wtype.h"

static const char *const level_names[LEVEL_COUNT] = {"ok", "warning", "danger", "stale", "error"};

const char *alert_level_name(int level)
{
	return level >= 0 && level < LEVEL_COUNT ? level_names[level] : "ok";
}

int alert_level_parse(const char *name)
{
	for (int i = 0; name && i < LEVEL_COUNT; i++)
		if (!strcmp(name, level_names[i]))
			return i;
	return -1;
}

/* ---- rules ------------------------------------------------------------- */

/* An alert rule's keys. when and notify are lists read_when and
 * read_notify check entry by entry, saying what an entry may be. */
static const struct field rule_fields[] = {
	{.key = "when", .kind = FIELD_ANY},
	{.key = "for", .kind = FIELD_INT, .max = ALERT_MAX_SECONDS, .unit = "seconds"},
	{.key = "repeat", .kind = FIELD_INT, .min = ALERT_MIN_REPEAT, .max = ALERT_MAX_SECONDS, .unit = "seconds"},
	{.key = "notify", .kind = FIELD_ANY},
	{0},
};
enum { R_WHEN, R_FOR, R_REPEAT, R_NOTIFY, R_FIELDS };

static int read_when(json_object *a, struct alert_rule *rule, struct buf *err)
{
	json_object *v;
	if (!json_object_object_get_ex(a, "when", &v)) {
		rule->when = 1u << LEVEL_DANGER | 1u << LEVEL_ERROR | 1u << LEVEL_STALE;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0) {
		buf_puts(err, "options.alert.when: must be a non-empty array of \"warning\", \"danger\", \"stale\" "
			      "and \"error\"");
		return -1;
	}
	rule->when = 0;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *x = json_object_array_get_idx(v, i);
		int level =
			json_object_is_type(x, json_type_string) ? alert_level_parse(json_object_get_string(x)) : -1;
		if (level <= LEVEL_OK) {
			buf_printf(err,
				   "options.alert.when[%zu]: must be \"warning\", \"danger\", \"stale\" or \"error\"",
				   i);
			return -1;
		}
		rule->when |= 1u << level;
	}
	return 0;
}

static int read_notify(json_object *a, const struct md_config *cfg, struct alert_rule *rule, struct buf *err)
{
	json_object *v;
	if (!json_object_object_get_ex(a, "notify", &v) || !json_object_is_type(v, json_type_array) ||
	    json_object_array_length(v) == 0 || json_object_array_length(v) > ALERT_MAX_NOTIFY) {
		buf_printf(err,
			   "options.alert.notify: must be an array of 1 to %d notifier names (Notify.<name> in the "
			   "settings file)",
			   ALERT_MAX_NOTIFY);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *x = json_object_array_get_idx(v, i);
		const char *name = json_object_is_type(x, json_type_string) ? json_object_get_string(x) : NULL;
		if (!name || !ident_valid(name)) {
			buf_printf(err,
				   "options.alert.notify[%zu]: must be a notifier's name, matching "
				   "[a-z0-9][a-z0-9_-]{0,63}",
				   i);
			return -1;
		}
		if (cfg && !config_notifier(cfg, name)) {
			buf_printf(err,
				   "options.alert.notify[%zu]: no notifier \"%s\" in %s (Notify.%s.URL or "
				   "Notify.%s.Mailto)",
				   i, name, cfg->path ? cfg->path : "the settings file", name, name);
			return -1;
		}
		rule->notify[rule->nnotify++] = name;
	}
	return 0;
}

int alert_rule_read(json_object *options, const struct md_config *cfg, struct alert_rule *rule, struct buf *err)
{
	json_object *a;
	memset(rule, 0, sizeof *rule);
	if (!options || !json_object_object_get_ex(options, "alert", &a))
		return 0;
	if (!json_object_is_type(a, json_type_object)) {
		buf_puts(err,
			 "options.alert: must be an object: {\"when\": [...], \"for\": SECONDS, \"repeat\": SECONDS, "
			 "\"notify\": [...]}");
		return -1;
	}
	struct field_value in[R_FIELDS];
	if (fields_json(rule_fields, FIELDS_STRICT, a, "options.alert", in, err))
		return -1;
	rule->for_s = in[R_FOR].number;
	rule->repeat_s = in[R_REPEAT].number;
	fields_free(in, R_FIELDS);
	if (read_when(a, rule, err) || read_notify(a, cfg, rule, err))
		return -1;
	return 1;
}

/* ---- episodes ------------------------------------------------------------ */

static int listed(const struct alert_rule *r, int level)
{
	return level >= 0 && level < LEVEL_COUNT && (r->when >> level & 1u);
}

static void emit_event(enum alert_kind kind, const char *state, int previous, double at, const char *value,
		       alert_emit *emit, void *ctx)
{
	struct alert_event e = {kind, state, alert_level_name(previous), at, value};
	emit(&e, ctx);
}

/* Notifies the stay in t's level, which has lasted `for` by now. */
static void fire(struct alert_track *t, double now, alert_emit *emit, void *ctx)
{
	emit_event(ALERT_FIRING, alert_level_name(t->level), t->previous, t->since, t->value, emit, ctx);
	t->notified = t->open = 1;
	t->sent = now;
}

void alert_track_change(struct alert_track *t, const struct alert_rule *r, int level, double at, const char *value,
			alert_emit *emit, void *ctx)
{
	if (level == t->level)
		return;
	if (listed(r, t->level) && !t->notified && at - t->since >= r->for_s)
		fire(t, at, emit, ctx);
	if (t->open && !listed(r, level)) {
		emit_event(ALERT_RESOLVED, "resolved", t->level, at, value, emit, ctx);
		t->open = 0;
	}
	t->previous = t->level;
	t->level = level;
	t->since = at;
	free(t->value);
	t->value = value ? xstrdup(value) : NULL;
	t->notified = 0;
}

void alert_track_tick(struct alert_track *t, const struct alert_rule *r, double now, const char *value,
		      alert_emit *emit, void *ctx)
{
	if (!listed(r, t->level))
		return;
	if (!t->notified) {
		if (now - t->since >= r->for_s)
			fire(t, now, emit, ctx);
	} else if (r->repeat_s && now - t->sent >= r->repeat_s) {
		emit_event(ALERT_REPEAT, alert_level_name(t->level), t->previous, t->since, value, emit, ctx);
		t->sent = now;
	}
}

double alert_track_due(const struct alert_track *t, const struct alert_rule *r)
{
	if (!listed(r, t->level))
		return 0;
	if (!t->notified)
		return t->since + (double)r->for_s;
	return r->repeat_s ? t->sent + (double)r->repeat_s : 0;
}

/* ---- the updater's step ---------------------------------------------------- */

/* One widget with a rule, as the step sees it. */
struct tracked {
	struct md_widget *w;
	struct alert_rule rule;
	struct alert_track t, was; /* now, and as loaded (see was_value) */
	char *was_value;           /* owned copy of the loaded value, to compare */
	int stored;                /* it has a row in alert_state */
	int judged;                /* the step sets widgets.alert_level */
	int level;                 /* to this */
};

struct step {
	const struct md_config *cfg;
	double now;
	struct md_widget *ws;
	int nw;
	struct tracked *tr; /* by widget id, as ws */
	int ntr;
	int queued;
	int failed;
	struct buf *err;
	const struct tracked *cur; /* whose events are being emitted */
};

static struct tracked *find_tracked(struct step *s, long long id)
{
	int lo = 0, hi = s->ntr - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (s->tr[mid].w->id == id)
			return &s->tr[mid];
		if (s->tr[mid].w->id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* "2026-11-28T10:00:00.123Z" */
static void iso_time(double t, char out[32])
{
	time_t secs = (time_t)floor(t);
	int ms = (int)((t - (double)secs) * 1000 + 0.5);
	if (ms > 999)
		ms = 999;
	struct tm tm;
	gmtime_r(&secs, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", ms);
}

json_object *alert_payload(const struct md_config *cfg, const struct md_widget *w, const char *state,
			   const char *previous, double at, const char *value)
{
	char when[32];
	iso_time(at, when);
	json_object *o = json_object_new_object(), *v = value ? json_tokener_parse(value) : NULL;
	json_object_object_add(o, "widget", json_object_new_string(w->name));
	json_object_object_add(o, "dashboard", w->dashboard ? json_object_new_string(w->dashboard) : NULL);
	json_object_object_add(o, "title", json_object_new_string(w->title ? w->title : w->name));
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "previous", previous ? json_object_new_string(previous) : NULL);
	json_object_object_add(o, "value", v);
	json_object_object_add(o, "at", json_object_new_string(when));
	json_object *url = NULL;
	if (w->dashboard && cfg->public_url && *cfg->public_url) {
		struct buf u = {0};
		size_t n = strlen(cfg->public_url);
		buf_printf(&u, "%s%sd/%s", cfg->public_url, cfg->public_url[n - 1] == '/' ? "" : "/", w->dashboard);
		url = json_object_new_string(buf_str(&u));
		buf_free(&u);
	}
	json_object_object_add(o, "url", url);
	if (!strcmp(state, "error") && w->last_error)
		json_object_object_add(o, "error", json_object_new_string(w->last_error));
	return o;
}

/* Queues an event of s->cur for each of its rule's notifiers. */
static void queue_event(const struct alert_event *e, void *ctx)
{
	struct step *s = ctx;
	const struct tracked *tr = s->cur;
	if (s->failed)
		return;
	json_object *p = alert_payload(s->cfg, tr->w, e->state, e->previous, e->at, e->value);
	const char *body = json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	for (int i = 0; i < tr->rule.nnotify && !s->failed; i++) {
		if (notify_queue(tr->rule.notify[i], tr->w->name, e->state, body, s->err))
			s->failed = 1;
		else
			s->queued++;
	}
	json_object_put(p);
}

/* Widgets with a rule, by id; rules that do not parse are skipped (the
 * updater's start and `mdash apply` report them). */
static int load_tracked(struct step *s)
{
	struct db_result r;
	if (db_exec("SELECT " WIDGET_COLS WIDGET_FROM "WHERE w.options LIKE '%\"alert\"%' ORDER BY w.id", DB_NOPARAMS,
		    &r, s->err))
		return -1;
	s->nw = r.nrows;
	s->ws = xcalloc((size_t)r.nrows + 1, sizeof *s->ws);
	s->tr = xcalloc((size_t)r.nrows + 1, sizeof *s->tr);
	for (int i = 0; i < r.nrows; i++) {
		widget_from_row(&r, i, &s->ws[i]);
		struct buf ignored = {0};
		struct tracked *t = &s->tr[s->ntr];
		if (alert_rule_read(widget_options(&s->ws[i]), NULL, &t->rule, &ignored) == 1) {
			t->w = &s->ws[i];
			t->t.level = t->t.previous = -1; /* none yet */
			s->ntr++;
		}
		buf_free(&ignored);
	}
	db_result_free(&r);
	return 0;
}

/* The episodes stored; rows of widgets without a rule now are deleted. */
static int load_states(struct step *s)
{
	struct db_result r;
	if (db_exec("SELECT widget_id, level, UNIX_TIMESTAMP(since), previous, value, notified, open, "
		    "UNIX_TIMESTAMP(sent_at) FROM alert_state",
		    DB_NOPARAMS, &r, s->err))
		return -1;
	int rc = 0;
	for (int i = 0; i < r.nrows && !rc; i++) {
		struct tracked *t = find_tracked(s, db_cell_int(&r, i, 0, 0));
		if (!t) {
			rc = db_exec("DELETE FROM alert_state WHERE widget_id = ?",
				     DB_PARAMS(DB_I(db_cell_int(&r, i, 0, 0))), NULL, s->err);
			continue;
		}
		t->stored = 1;
		t->t.level = alert_level_parse(db_cell(&r, i, 1));
		t->t.since = db_cell(&r, i, 2) ? strtod(db_cell(&r, i, 2), NULL) : s->now;
		t->t.previous = alert_level_parse(db_cell(&r, i, 3));
		t->t.value = db_cell(&r, i, 4) ? xstrdup(db_cell(&r, i, 4)) : NULL;
		t->t.notified = (int)db_cell_int(&r, i, 5, 0);
		t->t.open = (int)db_cell_int(&r, i, 6, 0);
		t->t.sent = db_cell(&r, i, 7) ? strtod(db_cell(&r, i, 7), NULL) : 0;
	}
	db_result_free(&r);
	return rc;
}

/* A widget seen for the first time starts as ok (before its first logged
 * change) or in the level it is in now. */
static void start_track(struct tracked *t, int level, double at, const char *value)
{
	if (t->t.level >= 0)
		return;
	t->t.level = level;
	t->t.previous = LEVEL_OK;
	t->t.since = at;
	t->t.value = value ? xstrdup(value) : NULL;
}

/* Applies the logged changes in order, and deletes them. */
static int replay_changes(struct step *s)
{
	struct db_result r;
	if (db_exec("SELECT id, widget_id, level, value, UNIX_TIMESTAMP(at) FROM alert_changes ORDER BY id LIMIT 10000",
		    DB_NOPARAMS, &r, s->err))
		return -1;
	struct db_param *ids = xcalloc((size_t)r.nrows + 1, sizeof *ids);
	for (int i = 0; i < r.nrows && !s->failed; i++) {
		ids[i] = DB_I(db_cell_int(&r, i, 0, 0));
		struct tracked *t = find_tracked(s, db_cell_int(&r, i, 1, 0));
		int level = alert_level_parse(db_cell(&r, i, 2));
		double at = db_cell(&r, i, 4) ? strtod(db_cell(&r, i, 4), NULL) : s->now;
		if (!t || level < 0)
			continue;
		start_track(t, LEVEL_OK, at, NULL);
		s->cur = t;
		alert_track_change(&t->t, &t->rule, level, at, db_cell(&r, i, 3), queue_event, s);
	}
	/* By id, not "up to the last id": a change with a smaller id may
	 * commit later, and this transaction did not see it. */
	int rc = s->failed ||
		 (r.nrows && db_exec_rows("DELETE FROM alert_changes WHERE id = ?", ids, 1, r.nrows, s->err));
	free(ids);
	db_result_free(&r);
	return rc ? -1 : 0;
}

/* Judges each widget as its page would now (staleness, a changed rule or
 * thresholds), then lets time pass. */
static int by_widget_name(const void *a, const void *b)
{
	return ident_cmp((*(struct tracked *const *)a)->w->name, (*(struct tracked *const *)b)->w->name);
}

/* What pushes compare with from now on; not if one came since this
 * transaction's view (it logged its own change). In the rows' lock order
 * (widget_lock_all), which pushes keep too. */
static int save_levels(struct step *s)
{
	struct tracked **order = xcalloc((size_t)s->ntr + 1, sizeof *order);
	int n = 0, rc = 0;
	for (int i = 0; i < s->ntr; i++)
		if (s->tr[i].judged)
			order[n++] = &s->tr[i];
	qsort(order, (size_t)n, sizeof *order, by_widget_name);
	for (int i = 0; i < n && !rc; i++)
		rc = db_exec("UPDATE widgets SET alert_level = ? WHERE id = ? AND version = ?",
			     DB_PARAMS(DB_S(alert_level_name(order[i]->level)), DB_I(order[i]->w->id),
				       DB_I(order[i]->w->version)),
			     NULL, s->err);
	free(order);
	return rc ? -1 : 0;
}

static int judge_now(struct step *s)
{
	for (int i = 0; i < s->ntr && !s->failed; i++) {
		struct tracked *t = &s->tr[i];
		int level = alert_level_parse(widget_level(t->w));
		char *value = widget_value_text(t->w);
		s->cur = t;
		if (t->t.level < 0) {
			start_track(t, level, s->now, value);
			t->judged = 1;
		} else if (level != t->t.level) {
			alert_track_change(&t->t, &t->rule, level, s->now, value, queue_event, s);
			t->judged = 1;
		}
		alert_track_tick(&t->t, &t->rule, s->now, value, queue_event, s);
		free(value);
		t->level = level;
	}
	return s->failed ? -1 : save_levels(s);
}

static int same_track(const struct tracked *t)
{
	const struct alert_track *a = &t->t, *b = &t->was;
	return t->stored && a->level == b->level && a->previous == b->previous && a->since == b->since &&
	       a->notified == b->notified && a->open == b->open && a->sent == b->sent &&
	       !(a->value ? !t->was_value || strcmp(a->value, t->was_value) : t->was_value != NULL);
}

static int save_states(struct step *s)
{
	for (int i = 0; i < s->ntr; i++) {
		struct tracked *t = &s->tr[i];
		if (same_track(t))
			continue;
		double due = alert_track_due(&t->t, &t->rule);
		if (db_exec("INSERT INTO alert_state (widget_id, level, since, previous, value, notified, open, "
			    "sent_at, "
			    "due_at) VALUES (?, ?, FROM_UNIXTIME(?), ?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?)) "
			    "ON DUPLICATE KEY UPDATE level = VALUES(level), since = VALUES(since), "
			    "previous = VALUES(previous), value = VALUES(value), notified = VALUES(notified), "
			    "open = VALUES(open), sent_at = VALUES(sent_at), due_at = VALUES(due_at)",
			    DB_PARAMS(DB_I(t->w->id), DB_S(alert_level_name(t->t.level)), DB_D(t->t.since),
				      DB_S(alert_level_name(t->t.previous)), DB_S(t->t.value), DB_I(t->t.notified),
				      DB_I(t->t.open), t->t.sent > 0 ? DB_D(t->t.sent) : DB_S(NULL),
				      due > 0 ? DB_D(due) : DB_S(NULL)),
			    NULL, s->err))
			return -1;
	}
	return 0;
}

static void step_free(struct step *s)
{
	for (int i = 0; i < s->ntr; i++) {
		free(s->tr[i].t.value);
		free(s->tr[i].was_value);
	}
	free(s->tr);
	widget_list_free(s->ws, s->nw);
}

int alert_step(const struct md_config *cfg, int *queued, struct buf *err)
{
	struct step s = {.cfg = cfg, .err = err};
	struct db_result r;
	*queued = 0;
	/* One view of everything (REPEATABLE READ): the widgets' rows and the
	 * log of their changes agree. */
	if (db_begin(err))
		return -1;
	int rc = db_exec("SELECT UNIX_TIMESTAMP(UTC_TIMESTAMP(3))", DB_NOPARAMS, &r, err);
	if (!rc) {
		s.now = strtod(db_cell(&r, 0, 0) ? db_cell(&r, 0, 0) : "0", NULL);
		db_result_free(&r);
		rc = load_tracked(&s) || load_states(&s);
	}
	for (int i = 0; !rc && i < s.ntr; i++) {
		s.tr[i].was = s.tr[i].t;
		s.tr[i].was_value = s.tr[i].t.value ? xstrdup(s.tr[i].t.value) : NULL;
	}
	rc = rc || replay_changes(&s) || judge_now(&s) || save_states(&s) || db_commit(err);
	if (rc)
		db_rollback();
	else
		*queued = s.queued;
	step_free(&s);
	return rc ? -1 : 0;
}

int alert_due(long long cap_ms, long long *next_ms, struct buf *err)
{
	struct db_result r;
	*next_ms = cap_ms;
	if (db_exec("SELECT EXISTS(SELECT 1 FROM alert_changes), "
		    "TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), (SELECT MIN(due_at) FROM alert_state)) DIV 1000, "
		    "TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), "
		    "(SELECT MIN(next_at) FROM alert_outbox WHERE failed_at IS NULL)) DIV 1000",
		    DB_NOPARAMS, &r, err))
		return -1;
	int due = db_cell_int(&r, 0, 0, 0) != 0;
	for (int c = 1; c <= 2; c++)
		if (db_cell(&r, 0, c)) {
			long long ms = db_cell_int(&r, 0, c, cap_ms);
			due |= ms <= 0;
			if (ms > 0 && ms < *next_ms)
				*next_ms = ms;
		}
	db_result_free(&r);
	if (due)
		*next_ms = 0;
	return due;
}

int alert_check_rules(const struct md_config *cfg, void (*report)(const char *line, void *ctx), void *ctx,
		      struct buf *err)
{
	struct md_widget *ws;
	int n, bad = 0;
	if (widget_list_all(0, &ws, &n, err))
		return -1;
	for (int i = 0; i < n; i++) {
		struct alert_rule rule;
		struct buf why = {0}, line = {0};
		if (alert_rule_read(widget_options(&ws[i]), cfg, &rule, &why) < 0) {
			buf_printf(&line, "widget %s: %s", ws[i].name, buf_str(&why));
			report(buf_str(&line), ctx);
			bad++;
		}
		buf_free(&why);
		buf_free(&line);
	}
	widget_list_free(ws, n);
	return bad;
}
