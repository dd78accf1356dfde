/* SPDX-License-Identifier: MIT */
/* update.c: `mdash update`, the job cron runs (the seed's updater).
 *
 * One pass: take the lock file and the database lock (so updaters on two
 * hosts never overlap), pick every enabled widget whose interval has
 * elapsed, fetch their sources concurrently on a bounded pool of threads,
 * and as each fetch completes store its result in one transaction and
 * publish "widget changed" to nchan. A failed source keeps the widget's
 * last good value and records the error; a failed publish stays pending
 * and is retried by the next pass. --watch repeats passes, sleeping until
 * the next widget is due and holding the locks only while a pass runs. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "alert.h"
#include "db.h"
#include "history.h"
#include "notify.h"
#include "announce.h"
#include "series.h"
#include "schema.h"
#include "stats.h"
#include "source.h"
#include "widget.h"
#include "wtype.h"

static const char usage[] = "usage: mdash update [--force] [--widget NAME]... [--watch] [--quiet]\n"
			    "Pulls every enabled widget whose update interval has elapsed, stores the\n"
			    "result and tells open dashboards. Prints one line per widget. Exit status:\n"
			    "0 all went well, 1 it could not run (settings, lock, database, a name that\n"
			    "is no widget), 2 the command line is wrong, 3 it ran but some widgets\n"
			    "failed (each one's error is printed; their last good values stay).\n"
			    "  -f, --force        ignore update intervals\n"
			    "  -w, --widget NAME  update this widget only (may be repeated)\n"
			    "      --watch        keep running, waking when the next widget is due\n"
			    "  -q, --quiet        print errors only (for cron)\n";

struct opts {
	int force, watch, quiet;
	int quiet_lock; /* say nothing when another updater has the locks */
	char **names;
	int nnames;
};

/* One widget to pull. The worker fills fields or error; the main thread
 * stores and publishes. */
struct job {
	struct md_widget *w;
	const struct mdash_widget_type *type;
	int own_update; /* the type's update function, not a source kind */
	const char *value_field;
	json_object *fields;
	struct buf error;
	long long published; /* the version the dashboards were told of, or 0 */
	long long fetch_ms;  /* how long the pull took */
	int failed;          /* it ended in an error (finish) */
	struct job *next_done;
};

struct pool {
	const struct md_config *cfg;
	struct job **jobs;
	int njobs, next;
	struct job *done; /* completed, not yet stored */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* A type's own update function (a plug-in's update_widget_data). */
static void type_pull(struct job *j)
{
	char *json = NULL, *error = NULL;
	if (j->type->update(j->w, &json, &error)) {
		buf_puts(&j->error, error ? error : "the widget type's update failed");
	} else if (json) {
		struct buf why = {0};
		if (!(j->fields = source_parse_fields(json, strlen(json), &why)))
			buf_printf(&j->error, "%s's update: %s", j->type->name, buf_str(&why));
		buf_free(&why);
	} else {
		buf_printf(&j->error, "%s's update gave no data", j->type->name);
	}
	free(json);
	free(error);
}

static void *puller(void *arg)
{
	struct pool *p = arg;
	struct md_fetch f = {.cfg = p->cfg, .timeout = p->cfg->source_timeout, .curl = curl_easy_init()};
	for (;;) {
		pthread_mutex_lock(&p->mu);
		struct job *j = p->next < p->njobs ? p->jobs[p->next++] : NULL;
		pthread_mutex_unlock(&p->mu);
		if (!j)
			break;
		long long started = now_ms();
		if (j->own_update)
			type_pull(j);
		else
			source_pull(j->w, j->value_field, &f, &j->fields, &j->error);
		j->fetch_ms = now_ms() - started;
		pthread_mutex_lock(&p->mu);
		j->next_done = p->done;
		p->done = j;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	if (f.curl)
		curl_easy_cleanup(f.curl);
	return NULL;
}

/* Stores one result and publishes it; prints its line. 0 when all went well. */
static int finish(const struct md_config *cfg, const struct opts *o, struct job *j)
{
	struct buf err = {0};
	long long version;
	const char *name = j->w->name;
	int failed = 0;
	struct series_bumped bumped = {0};
	if (j->fields && widget_store(name, j->fields, 1, &version, &bumped, &err)) {
		/* The data came, but the database refused it: that is this widget's
		 * error, shown with its last good value. */
		buf_reset(&j->error);
		buf_printf(&j->error, "cannot store the new data: %s", buf_str(&err));
		buf_reset(&err);
		json_object_put(j->fields);
		j->fields = NULL;
	}
	if (!j->fields) {
		if (widget_store_error(name, buf_str(&j->error), &version, &err)) {
			fprintf(stderr, "Error updating %s: %s (and cannot record it: %s)\n", name, buf_str(&j->error),
				buf_str(&err));
			buf_free(&err);
			return 1;
		}
		fprintf(stderr, "Error updating %s: %s\n", name, buf_str(&j->error));
		failed = 1;
	}
	if (announce_widget(cfg, name, version, &err) == 0) {
		j->published = version;
		if (!failed && !o->quiet)
			printf("Successfully updated %s\n", name);
	} else {
		fprintf(stderr, "Updated %s, but could not tell the dashboards (will retry): %s\n", name,
			buf_str(&err));
		failed = 1;
	}
	if (announce_bumped(cfg, &bumped, &err)) {
		fprintf(stderr, "Updated %s, but could not tell the dashboards of a graph of it (will retry): %s\n",
			name, buf_str(&err));
		buf_reset(&err);
	}
	series_bumped_free(&bumped);
	if (widget_settings_store(j->w, &err)) {
		fprintf(stderr, "Could not save the settings of %s: %s\n", name, buf_str(&err));
		buf_reset(&err);
	}
	fflush(stdout);
	buf_free(&err);
	return failed;
}

/* A pass records its publishes in one transaction at its end: one disk sync
 * instead of one per widget. Until then (and if the pass dies first) they
 * stay pending and the next pass tells the dashboards again, which is
 * harmless: a page ignores a version it already shows. */
static void record_published(struct job **jobs, int n)
{
	struct buf err = {0};
	int any = 0;
	for (int i = 0; i < n; i++)
		any |= jobs[i]->published > 0;
	if (!any)
		return;
	struct widget_push *done = xcalloc((size_t)n, sizeof *done);
	int ndone = 0;
	for (int i = 0; i < n; i++)
		if (jobs[i]->published)
			done[ndone++] = (struct widget_push){.name = jobs[i]->w->name, .version = jobs[i]->published};
	widget_published_all(done, ndone, &err);
	free(done);
	if (err.len)
		fprintf(stderr, "Could not record the publishes (they will be repeated): %s\n", buf_str(&err));
	buf_free(&err);
}

/* Adds the pass's figures per source kind to the totals that GET /metrics
 * shows (the updater is a process of its own: they live in the database). */
static void record_stats(struct job **jobs, int n)
{
	struct update_stat *s = xcalloc((size_t)n + 1, sizeof *s);
	int ns = 0;
	for (int i = 0; i < n; i++) {
		const char *kind = jobs[i]->own_update ? jobs[i]->type->name : widget_source_kind(jobs[i]->w);
		int k = 0;
		while (k < ns && strcmp(s[k].kind, kind))
			k++;
		if (k == ns)
			s[ns++].kind = xstrdup(kind);
		s[k].updates++;
		s[k].failures += jobs[i]->failed != 0;
		s[k].seconds += (double)jobs[i]->fetch_ms / 1000;
	}
	struct buf err = {0};
	if (stats_add(s, ns, &err))
		fprintf(stderr, "Could not record the pass's figures for /metrics: %s\n", buf_str(&err));
	buf_free(&err);
	stats_free(s, ns);
}

/* Fetches every job on min(threads, jobs) threads, finishing each as it
 * completes, so a slow source delays only its own widget. */
static int run_jobs(const struct md_config *cfg, const struct opts *o, struct job **jobs, int n)
{
	struct pool p = {.cfg = cfg, .jobs = jobs, .njobs = n};
	int nthreads = n < cfg->update_threads ? n : (int)cfg->update_threads, failures = 0;
	pthread_t *t = xcalloc((size_t)nthreads, sizeof *t);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, puller, &p)) {
			nthreads = i;
			break;
		}
	if (nthreads == 0)
		puller(&p); /* no thread could start: do it here */
	for (int finished = 0; finished < n; finished++) {
		pthread_mutex_lock(&p.mu);
		while (!p.done)
			pthread_cond_wait(&p.cv, &p.mu);
		struct job *j = p.done;
		p.done = j->next_done;
		pthread_mutex_unlock(&p.mu);
		failures += j->failed = finish(cfg, o, j);
	}
	record_published(jobs, n);
	record_stats(jobs, n);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	free(t);
	return failures;
}

static int wanted(const struct opts *o, const char *name)
{
	if (!o->nnames)
		return 1;
	for (int i = 0; i < o->nnames; i++)
		if (!strcmp(o->names[i], name))
			return 1;
	return 0;
}

/* Retries publishes that an earlier pass (or a push) could not make. */
static int republish(const struct md_config *cfg, struct md_widget *w)
{
	struct buf err = {0};
	int rc = announce_widget(cfg, w->name, w->version, &err);
	if (rc == 0)
		widget_published(w->name, w->version, &err);
	else
		fprintf(stderr, "Could not tell the dashboards about %s (will retry): %s\n", w->name, buf_str(&err));
	buf_free(&err);
	return rc ? 1 : 0;
}

/* Exit statuses (the timer unit counts UPDATE_SOME_FAILED as a success, so
 * that one flaky source does not mark it failed every minute). */
enum { UPDATE_OK = 0, UPDATE_CANNOT_RUN = 1, UPDATE_USAGE = 2, UPDATE_SOME_FAILED = 3 };

/* How often --watch keeps the history up, and how long it may take at
 * most: a long backlog (the first pass after an upgrade) is done over
 * several passes rather than holding the widgets' updates back. */
#define HISTORY_EVERY_MS 10000
#define HISTORY_BUDGET_MS 2000

/* Rolls up the history of every widget with updates not yet rolled up
 * (pushed widgets too: never when a push is stored) and applies retention
 * to it. With --widget, those widgets only. */
static void keep_history(const struct md_config *cfg, const struct opts *o)
{
	static long long last;
	if (o->watch && last && now_ms() - last < HISTORY_EVERY_MS)
		return;
	last = now_ms();
	struct buf err = {0};
	struct history_widget *ws;
	struct history_work done = {0};
	int n;
	if (history_widgets(1, &ws, &n, &err)) {
		fprintf(stderr, "Could not roll up the history: %s\n", buf_str(&err));
		buf_free(&err);
		return;
	}
	long long deadline = now_ms() + HISTORY_BUDGET_MS;
	for (int i = 0; i < n && now_ms() < deadline; i++) {
		if (!wanted(o, ws[i].name))
			continue;
		buf_reset(&err);
		/* A type that is not installed is reported with the widget's update. */
		if (history_maintain(cfg, &ws[i], deadline, &done, &err) < 0)
			fprintf(stderr, "Could not roll up or prune the history of %s: %s\n", ws[i].name,
				buf_str(&err));
	}
	history_widgets_free(ws, n);
	buf_free(&err);
}

/* Everything after the locks. */
static int pass_locked(const struct md_config *cfg, const struct opts *o)
{
	struct buf err = {0};
	struct md_widget *ws;
	int n, failures = 0, njobs = 0;
	if (widget_list_all(o->nnames == 0, &ws, &n, &err)) {
		fail("cannot load widgets: %s", buf_str(&err));
		buf_free(&err);
		return UPDATE_CANNOT_RUN;
	}
	/* A name that is not a widget is a mistake in the command: nothing runs. */
	int unknown = 0;
	for (int i = 0; i < o->nnames; i++) {
		int found = 0;
		for (int k = 0; k < n; k++)
			found |= !strcmp(ws[k].name, o->names[i]);
		if (!found)
			unknown += fail("no widget named %s", o->names[i]);
	}
	if (unknown) {
		widget_list_free(ws, n);
		return UPDATE_CANNOT_RUN;
	}
	struct job *jobs = xcalloc((size_t)n, sizeof *jobs);
	struct job **queue = xcalloc((size_t)n, sizeof *queue);
	for (int i = 0; i < n; i++) {
		struct md_widget *w = &ws[i];
		const struct mdash_widget_type *t;
		enum source_way way = source_way(w, &t);
		int own = way == SOURCE_BY_TYPE;
		if (!wanted(o, w->name))
			continue;
		if (own && (o->force || w->due_in_ms <= 0)) {
			buf_reset(&err);
			if (widget_settings_load(w, &err)) {
				fprintf(stderr, "Error updating %s: cannot load its settings: %s\n", w->name,
					buf_str(&err));
				failures++;
			} else {
				jobs[njobs] =
					(struct job){.w = w, .type = t, .own_update = 1, .value_field = t->value_field};
				queue[njobs] = &jobs[njobs];
				njobs++;
			}
		} else if (own) {
			if (w->publish_pending)
				failures += republish(cfg, w);
			if (!o->quiet && !o->watch)
				printf("No update needed for %s\n", w->name);
		} else if (way == SOURCE_TYPE_UNKNOWN || way == SOURCE_KIND_UNKNOWN) {
			fprintf(stderr, "Error updating %s: unknown %s \"%s\"\n", w->name,
				t ? "source kind" : "widget type", t ? widget_source_kind(w) : w->type);
			failures++;
		} else if (way == SOURCE_PUSHED) {
			/* Pushed data: nothing to pull, but a missed publish is retried. */
			if (w->publish_pending)
				failures += republish(cfg, w);
			else if (o->nnames && !o->quiet)
				printf("No update needed for %s (it receives pushed data)\n", w->name);
		} else if (!o->force && w->due_in_ms > 0) {
			if (w->publish_pending)
				failures += republish(cfg, w);
			if (!o->quiet && !o->watch)
				printf("No update needed for %s\n", w->name);
		} else {
			jobs[njobs] = (struct job){.w = w, .type = t, .value_field = t->value_field};
			queue[njobs] = &jobs[njobs];
			njobs++;
		}
	}
	fflush(stdout);
	failures += run_jobs(cfg, o, queue, njobs);
	keep_history(cfg, o);
	for (int i = 0; i < njobs; i++) {
		if (jobs[i].fields)
			json_object_put(jobs[i].fields);
		buf_free(&jobs[i].error);
	}
	free(jobs);
	free(queue);
	widget_list_free(ws, n);
	buf_free(&err);
	return failures ? UPDATE_SOME_FAILED : UPDATE_OK;
}

/* Prints a delivery's line: a sent one unless quiet, a failed one always. */
static void say_delivery(int ok, const char *line, void *ctx)
{
	const struct opts *o = ctx;
	if (!ok)
		fprintf(stderr, "%s\n", line);
	else if (!o->quiet)
		printf("%s\n", line);
}

/* Judges the widgets with alert rules, queues what is to be sent and
 * delivers what is due (alert.h, notify.h). Its failures are not the
 * widgets': they are printed, and the exit status stays. */
static int alerts_locked(const struct md_config *cfg, const struct opts *o)
{
	struct buf err = {0};
	int queued;
	if (alert_step(cfg, &queued, &err))
		fprintf(stderr, "Could not judge the alerts (will retry): %s\n", buf_str(&err));
	else if (queued && !o->quiet)
		printf("Queued %d alert message%s\n", queued, queued == 1 ? "" : "s");
	buf_reset(&err);
	if (notify_deliver(cfg, say_delivery, (void *)o, &err))
		fprintf(stderr, "Could not read the alert outbox (will retry): %s\n", buf_str(&err));
	fflush(stdout);
	buf_free(&err);
	return UPDATE_OK;
}

/* A pass: the widgets, then the alerts. */
static int pass_and_alerts(const struct md_config *cfg, const struct opts *o)
{
	int rc = pass_locked(cfg, o);
	alerts_locked(cfg, o);
	return rc;
}

/* Runs fn under both locks. Another updater holding either is not an
 * error: it is doing the work. */
static int with_locks(const struct md_config *cfg, const struct opts *o,
		      int (*fn)(const struct md_config *, const struct opts *))
{
	struct buf err = {0};
	struct db_result r;
	int fd = open(cfg->lock_file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("cannot open the lock file %s: %s", cfg->lock_file, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		if (errno != EWOULDBLOCK)
			return fail("cannot lock %s: %s", cfg->lock_file, strerror(errno));
		if (!o->quiet && !o->quiet_lock)
			printf("Another mdash update is running (lock file %s); nothing to do.\n", cfg->lock_file);
		return 0;
	}
	int rc;
	if (db_exec("SELECT GET_LOCK(CONCAT(DATABASE(), '.mdash_update'), 0)", DB_NOPARAMS, &r, &err)) {
		rc = fail("%s", buf_str(&err));
	} else if (db_cell_int(&r, 0, 0, 0) != 1) {
		if (!o->quiet && !o->quiet_lock)
			printf("Another mdash update is running on another host (database lock); nothing to do.\n");
		rc = 0;
	} else {
		rc = fn(cfg, o);
		db_exec("SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.mdash_update'))", DB_NOPARAMS, NULL, &err);
	}
	db_result_free(&r);
	buf_free(&err);
	close(fd); /* releases the flock */
	return rc;
}

/* How long --watch may sleep: until the next enabled widget is due, at
 * least 200 ms, at most 10 s (so new widgets are picked up soon). */
static long long next_sleep_ms(void)
{
	struct buf err = {0};
	struct md_widget *ws;
	int n;
	long long best = 10000;
	if (widget_list_all(1, &ws, &n, &err) == 0) {
		for (int i = 0; i < n; i++) {
			const struct mdash_widget_type *t;
			enum source_way way = source_way(&ws[i], &t);
			int pulls = way == SOURCE_BY_TYPE || way == SOURCE_BY_FETCH;
			if (ws[i].publish_pending && best > 2000)
				best = 2000;
			if (pulls && ws[i].due_in_ms < best)
				best = ws[i].due_in_ms;
		}
		widget_list_free(ws, n);
	} else {
		fprintf(stderr, "mdash: %s\n", buf_str(&err));
		best = 5000; /* the database is away: try again soon */
	}
	buf_free(&err);
	return best < 200 ? 200 : best;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (!stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* --watch between passes: a second at a time, so that an alert a push
 * caused, a `for` that ran out or a retry that is due goes out soon. */
static void wait_for_next_pass(const struct md_config *cfg, const struct opts *o, long long ms)
{
	long long until = now_ms() + ms;
	while (!stop && now_ms() < until) {
		long long left = until - now_ms(), next = 0;
		struct buf err = {0};
		int due = alert_due(left < 1000 ? left : 1000, &next, &err);
		buf_free(&err);
		if (due > 0) {
			/* Another updater holding the locks does it: no word. */
			struct opts q = *o;
			q.quiet_lock = 1;
			with_locks(cfg, &q, alerts_locked);
		}
		sleep_ms(due != 0 || next <= 0 ? (left < 1000 ? left : 1000) : next);
	}
}

/* A rule that names a notifier the settings do not have is an error at
 * start, as a bad setting is. */
static void say_rule(const char *line, void *ctx)
{
	(void)ctx;
	fail("%s", line);
}

static int rules_ok(const struct md_config *cfg)
{
	struct buf err = {0};
	int bad = alert_check_rules(cfg, say_rule, NULL, &err);
	if (bad < 0)
		fail("cannot check the alert rules: %s", buf_str(&err));
	else if (bad)
		fail("the alert rule%s of %d widget%s do%s not fit %s: fix %s (mdash apply) or the settings",
		     bad == 1 ? "" : "s", bad, bad == 1 ? "" : "s", bad == 1 ? "es" : "", cfg->path,
		     bad == 1 ? "it" : "them");
	buf_free(&err);
	return bad == 0;
}

int cmd_update(const struct md_config *cfg, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"force", no_argument, NULL, 'f'}, {"widget", required_argument, NULL, 'w'},
		{"watch", no_argument, NULL, 'W'}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},  {NULL, 0, NULL, 0}};
	struct opts o = {0};
	int c, rc = 0;
	if (wants_help(argc, argv, usage))
		return 0;
	o.names = xcalloc((size_t)argc, sizeof *o.names);
	optind = 1;
	while ((c = getopt_long(argc, argv, "fw:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o.force = 1; break;
		case 'W': o.watch = 1; break;
		case 'q': o.quiet = 1; break;
		case 'w': o.names[o.nnames++] = optarg; break;
		default:
			free(o.names);
			fputs(usage, stderr);
			return UPDATE_USAGE;
		}
	}
	if (optind != argc) {
		free(o.names);
		return fail("unexpected argument \"%s\"\n%s", argv[optind], usage);
	}
	/* Another schema version is a job for an administrator; a database that
	 * is away at the start of --watch is not (it waits for it). */
	struct buf err = {0};
	int schema = schema_check(&err);
	if (schema > 0 || (schema < 0 && !o.watch)) {
		fail("%s", buf_str(&err));
		buf_free(&err);
		free(o.names);
		return UPDATE_CANNOT_RUN;
	}
	buf_free(&err);
	if (schema == 0 && !rules_ok(cfg)) {
		free(o.names);
		return UPDATE_CANNOT_RUN;
	}
	if (!o.watch) {
		rc = with_locks(cfg, &o, pass_and_alerts);
		free(o.names);
		return rc;
	}
	struct sigaction sa = {.sa_handler = on_stop};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("mdash update --watch: running; SIGTERM or Ctrl-C stops it.\n");
	while (!stop) {
		with_locks(cfg, &o, pass_and_alerts);
		if (!stop)
			wait_for_next_pass(cfg, &o, next_sleep_ms());
	}
	free(o.names);
	return 0;
}
