/* SPDX-License-Identifier: MIT */
/* alert.h: alert rules, and the episodes they judge.
 *
 * A widget's rule is its options.alert:
 *   {"when": ["danger", "error", "stale"], "for": 60, "repeat": 3600, "notify": ["oncall"]}
 * Its level is what its page shows first (widget_level: error, stale,
 * danger, warning or ok). A widget that enters a level the rule lists and
 * stays there `for` seconds causes one notification; another follows every
 * `repeat` seconds while the level holds; one "resolved" follows when it
 * leaves the listed levels. A stay shorter than `for` sends nothing.
 *
 * Whatever stores a widget's data logs each change of level of a widget
 * with a rule (widget.c, in the store's own transaction: cheap on the push
 * path). The updater runs alert_step after each pass: it reads that log in
 * order, judges staleness itself, and queues what is to be sent in the
 * outbox (notify.h), all in one transaction. */
#ifndef MDASH_ALERT_H
#define MDASH_ALERT_H

#include <json-c/json.h>

#include "config.h"
#include "util.h"

/* Levels, in the order a page lets one hide another (none hides ok). */
enum alert_level { LEVEL_OK, LEVEL_WARNING, LEVEL_DANGER, LEVEL_STALE, LEVEL_ERROR, LEVEL_COUNT };
const char *alert_level_name(int level);
/* The level of a name, or -1. */
int alert_level_parse(const char *name);

#define ALERT_MAX_NOTIFY 16
#define ALERT_MAX_SECONDS (7 * 86400)
#define ALERT_MIN_REPEAT 60

struct alert_rule {
	unsigned when;                        /* 1 << level for each level listed */
	long for_s;                           /* seconds a level must hold before it is notified */
	long repeat_s;                        /* seconds between repeats; 0: none */
	const char *notify[ALERT_MAX_NOTIFY]; /* borrowed from the options */
	int nnotify;
};

/* Reads options.alert into *rule: 1 when there is a rule, 0 when there
 * is none, -1 when it is malformed, with err naming the field
 * ("options.alert.notify[0]: ..."). Unless cfg is NULL, each notifier
 * must be one of its Notify.<name>. For `mdash apply`, the updater's
 * start, and the browser's editor. */
int alert_rule_read(json_object *options, const struct md_config *cfg, struct alert_rule *rule, struct buf *err);

/* One widget's episode: the level it is in, since when, and what was
 * sent about it. Owns value. */
struct alert_track {
	int level, previous; /* the level, and the one before it */
	double since;        /* when it entered level (Unix seconds) */
	char *value;         /* its value then (JSON text), or NULL */
	int notified;        /* this stay in level was notified */
	int open;            /* something was sent, and no "resolved" yet */
	double sent;         /* when the last notification was made */
};

enum alert_kind { ALERT_FIRING, ALERT_REPEAT, ALERT_RESOLVED };
/* What to send: state is the level (or "resolved"), previous the level
 * before it (for resolved: the level it left), at when it began. */
struct alert_event {
	enum alert_kind kind;
	const char *state, *previous;
	double at;
	const char *value; /* JSON text or NULL */
};
typedef void alert_emit(const struct alert_event *e, void *ctx);

/* The widget's level became level at time at (value: then). A stay in a
 * listed level that had lasted `for` but was not yet notified is notified
 * now (late, with its own time), before a "resolved". */
void alert_track_change(struct alert_track *t, const struct alert_rule *r, int level, double at, const char *value,
			alert_emit *emit, void *ctx);
/* Time passed to now: a listed level held for `for` is notified, a due
 * repeat is made (with the current value). */
void alert_track_tick(struct alert_track *t, const struct alert_rule *r, double now, const char *value,
		      alert_emit *emit, void *ctx);
/* When alert_track_tick next has something to do, or 0: not before a
 * change. */
double alert_track_due(const struct alert_track *t, const struct alert_rule *r);

/* The message about w, as every notifier gets it (the json format):
 * {"widget","dashboard","title","state","previous","value","at","url"},
 * url being the dashboard's page under PublicURL (null without it), and
 * "error" with the widget's error when state is "error". */
struct md_widget;
json_object *alert_payload(const struct md_config *cfg, const struct md_widget *w, const char *state,
			   const char *previous, double at, const char *value);

/* The updater's step, under its locks: reads the log of changes, judges
 * every widget with a rule (staleness too), queues what is to be sent;
 * one transaction. *queued: how many messages went into the outbox. 0, or
 * -1 with err. */
int alert_step(const struct md_config *cfg, int *queued, struct buf *err);
/* 1 when the step has work now (changes logged, a `for` or a repeat
 * due), or deliveries are due; *next_ms: how long until something is
 * due, at most cap_ms. 0 when nothing. -1 error. */
int alert_due(long long cap_ms, long long *next_ms, struct buf *err);
/* Checks every widget's rule against the settings: 0, or the number of
 * rules that are wrong, each reported through report(line). -1 error. */
int alert_check_rules(const struct md_config *cfg, void (*report)(const char *line, void *ctx), void *ctx,
		      struct buf *err);

#endif
