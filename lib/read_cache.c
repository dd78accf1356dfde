/* SPDX-License-Identifier: MIT */
/* read_cache.c: the viewer's reads, kept while the change feed is followed
 * (see read_cache.h). */
#include "read_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Bounded memory: each table keeps at most MAX_ENTRIES entries of MAX_BYTES
 * in all, and starts again from empty when it would hold more (only what
 * exists is kept: an unknown cookie or widget name never makes an entry). */
#define BUCKETS 1024
#define MAX_ENTRIES 4096
#define MAX_BYTES (64u << 20)
/* Changes to widgets are remembered by their names' hashes, in this many
 * slots: a fill is refused when its widget's slot changed since its
 * ticket (two names sharing a slot only cost a read). */
#define CHANGE_SLOTS 4096

struct entry {
	char *key; /* owned */
	uint64_t hash;
	long long at_ms;        /* the fill's ticket time: its age counts from then */
	unsigned long long seq; /* and its count of changes */
	int widget_slot;        /* the changes slot of the widget it is, or -1 */
	size_t size;            /* what value holds, about */
	void *value;            /* owned, freed by the table's free_value */
	struct entry *next;
};

struct table {
	struct entry *bucket[BUCKETS];
	int count;
	size_t bytes;
	void (*free_value)(void *);
};

/* The changes heard, in memory that every app process of this host shares
 * (read_cache_share, before the workers fork): a write made by one
 * process (a push stored, a logout) is known to the others the moment it
 * is recorded, before its answer leaves, without waiting for the feed.
 * Each entry is checked against them when it is used. */
struct changes {
	atomic_ullong seq;                   /* changes recorded (each bumps it) */
	atomic_ullong cleared;               /* the last "everything" */
	atomic_ullong widget[CHANGE_SLOTS];  /* the last change of each slot's widgets */
};
static struct changes private_changes, *changes = &private_changes;
static void free_session(void *v);
static void free_widget(void *v);
static void free_dashboards(void *v);
static void free_names(void *v);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct table sessions = {.free_value = free_session}, widgets = {.free_value = free_widget},
		    dashboards = {.free_value = free_dashboards}, placements = {.free_value = free_names};
static long long max_age_ms;
static int feed_up;                 /* this process follows the feed: entries may be kept */
static unsigned long long feed_gen; /* bumped as the feed comes and goes */

static uint64_t hash_of(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static void table_clear(struct table *t)
{
	for (int b = 0; b < BUCKETS; b++) {
		for (struct entry *e = t->bucket[b], *next; e; e = next) {
			next = e->next;
			t->free_value(e->value);
			free(e->key);
			free(e);
		}
		t->bucket[b] = NULL;
	}
	t->count = 0;
	t->bytes = 0;
}

static int widget_slot(const char *name, size_t len)
{
	return (int)(hash_of(name, len) % CHANGE_SLOTS);
}

/* This process's entries, all of them. */
static void clear_all(void)
{
	table_clear(&sessions);
	table_clear(&widgets);
	table_clear(&dashboards);
	table_clear(&placements);
}

/* Whether what was read at seq (of the widget of slot, or -1) may still be
 * used: nothing it depends on changed since. */
static int unchanged_since(unsigned long long seq, int slot)
{
	return atomic_load(&changes->cleared) <= seq && (slot < 0 || atomic_load(&changes->widget[slot]) <= seq);
}

/* Takes the entry *p out of t and frees it. */
static void unlink_entry(struct table *t, struct entry **p)
{
	struct entry *e = *p;
	*p = e->next;
	t->count--;
	t->bytes -= e->size;
	t->free_value(e->value);
	free(e->key);
	free(e);
}

/* The live entry of key, or NULL; one past its age is dropped. */
static struct entry *find(struct table *t, const char *key)
{
	uint64_t h = hash_of(key, strlen(key));
	struct entry **p = &t->bucket[h % BUCKETS];
	for (struct entry *e = *p; e; p = &e->next, e = e->next) {
		if (e->hash != h || strcmp(e->key, key))
			continue;
		if (now_ms() - e->at_ms < max_age_ms && unchanged_since(e->seq, e->widget_slot))
			return e;
		unlink_entry(t, p);
		return NULL;
	}
	return NULL;
}

static void drop(struct table *t, const char *key, size_t len)
{
	uint64_t h = hash_of(key, len);
	for (struct entry **p = &t->bucket[h % BUCKETS], *e; (e = *p); p = &e->next)
		if (e->hash == h && strlen(e->key) == len && !memcmp(e->key, key, len)) {
			unlink_entry(t, p);
			return;
		}
}

/* Keeps value under key (replacing any), or frees it. */
static void put(struct table *t, const char *key, void *value, size_t size, const struct read_ticket *ticket,
		const char *widget)
{
	int slot = widget ? widget_slot(widget, strlen(widget)) : -1;
	pthread_mutex_lock(&lock);
	/* Kept only if the feed was followed all along and nothing it depends
	 * on changed since the ticket. */
	if (!feed_up || !max_age_ms || ticket->gen != feed_gen || !unchanged_since(ticket->seq, slot)) {
		pthread_mutex_unlock(&lock);
		t->free_value(value);
		return;
	}
	drop(t, key, strlen(key));
	if (t->count >= MAX_ENTRIES || t->bytes + size > MAX_BYTES)
		table_clear(t);
	struct entry *e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->hash = hash_of(key, strlen(key));
	e->at_ms = ticket->at_ms;
	e->seq = ticket->seq;
	e->widget_slot = slot;
	e->size = size;
	e->value = value;
	e->next = t->bucket[e->hash % BUCKETS];
	t->bucket[e->hash % BUCKETS] = e;
	t->count++;
	pthread_mutex_unlock(&lock);
}

int read_cache_share(void)
{
	void *p = mmap(NULL, sizeof *changes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	changes = p; /* zeroed by the kernel */
	return 0;
}

void read_cache_setup(long max_age_seconds)
{
	pthread_mutex_lock(&lock);
	max_age_ms = max_age_seconds > 0 ? max_age_seconds * 1000LL : 0;
	clear_all();
	pthread_mutex_unlock(&lock);
}

/* The feed's state changes this process's generation: a fill whose ticket
 * is of another is not kept. */
static void feed_state(int up)
{
	pthread_mutex_lock(&lock);
	clear_all();
	feed_up = up;
	feed_gen++;
	pthread_mutex_unlock(&lock);
}

void read_cache_feed_up(void)
{
	feed_state(1);
}

void read_cache_feed_down(void)
{
	feed_state(0);
}

/* A change is recorded after it is committed: a ticket of its seq or later
 * reads what it made. */
void read_cache_clear(void)
{
	atomic_store(&changes->cleared, atomic_fetch_add(&changes->seq, 1) + 1);
	pthread_mutex_lock(&lock);
	clear_all();
	pthread_mutex_unlock(&lock);
}

void read_cache_widget_changed(const char *name, size_t len)
{
	int slot = widget_slot(name, len);
	unsigned long long seq = atomic_fetch_add(&changes->seq, 1) + 1;
	/* Only forward: two changes of one slot may record out of order. */
	unsigned long long was = atomic_load(&changes->widget[slot]);
	while (was < seq && !atomic_compare_exchange_weak(&changes->widget[slot], &was, seq))
		;
}

int read_cache_ticket(struct read_ticket *t)
{
	pthread_mutex_lock(&lock);
	int on = feed_up && max_age_ms;
	t->gen = feed_gen;
	pthread_mutex_unlock(&lock);
	t->seq = atomic_load(&changes->seq);
	t->at_ms = now_ms();
	return on;
}

/* Copies, made under the lock: the caller's to keep. */

static void user_copy(struct md_user *to, const struct md_user *from)
{
	*to = *from;
	to->name = from->name ? xstrdup(from->name) : NULL;
	to->csrf = from->csrf ? xstrdup(from->csrf) : NULL;
}

void cached_session_free(struct cached_session *s)
{
	user_free(&s->user);
	free(s->grants);
	memset(s, 0, sizeof *s);
}

static void free_session(void *v)
{
	cached_session_free(v);
	free(v);
}

int read_cache_session(const char *hash, struct cached_session *s)
{
	pthread_mutex_lock(&lock);
	struct entry *e = feed_up ? find(&sessions, hash) : NULL;
	if (e) {
		const struct cached_session *c = e->value;
		*s = *c;
		user_copy(&s->user, &c->user);
		s->grants = xcalloc((size_t)c->ngrants + 1, sizeof *s->grants);
		memcpy(s->grants, c->grants, (size_t)c->ngrants * sizeof *s->grants);
	}
	pthread_mutex_unlock(&lock);
	return e != NULL;
}

void read_cache_put_session(const char *hash, const struct cached_session *s, const struct read_ticket *t)
{
	struct cached_session *kept = xcalloc(1, sizeof *kept);
	*kept = *s;
	user_copy(&kept->user, &s->user);
	kept->grants = xcalloc((size_t)s->ngrants + 1, sizeof *kept->grants);
	memcpy(kept->grants, s->grants, (size_t)s->ngrants * sizeof *kept->grants);
	put(&sessions, hash, kept, sizeof *kept, t, NULL);
}

void read_cache_session_seen(const char *hash, long long seen_ms)
{
	pthread_mutex_lock(&lock);
	struct entry *e = feed_up ? find(&sessions, hash) : NULL;
	if (e)
		((struct cached_session *)e->value)->seen_ms = seen_ms;
	pthread_mutex_unlock(&lock);
}

/* Every number as it is, every text copied, nothing parsed (as
 * widget_from_row leaves it: options and source parsed on first use). */
static void widget_copy(struct md_widget *to, const struct md_widget *from)
{
	*to = *from;
	char **texts[] = {&to->name,    &to->type, &to->title,      &to->dashboard, &to->source,
			  &to->options, &to->data, &to->updated_at, &to->last_error};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		*texts[i] = *texts[i] ? xstrdup(*texts[i]) : NULL;
	to->data_obj = to->settings = to->saved = NULL;
	to->options_obj = to->options ? NULL : json_object_new_object();
	to->source_obj = to->source ? NULL : json_object_new_object();
}

static void free_widget(void *v)
{
	widget_free(v);
	free(v);
}

int read_cache_widget(const char *name, struct md_widget *w, long long *read_at_ms)
{
	pthread_mutex_lock(&lock);
	struct entry *e = feed_up ? find(&widgets, name) : NULL;
	if (e) {
		widget_copy(w, e->value);
		*read_at_ms = e->at_ms;
	}
	pthread_mutex_unlock(&lock);
	return e != NULL;
}

void read_cache_put_widget(struct md_widget *w, const struct read_ticket *t)
{
	struct md_widget *kept = xcalloc(1, sizeof *kept);
	widget_copy(kept, w);
	size_t size = sizeof *kept;
	const char *texts[] = {w->name, w->type, w->title, w->dashboard, w->source, w->options, w->data, w->last_error};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		size += texts[i] ? strlen(texts[i]) : 0;
	put(&widgets, w->name, kept, size, t, w->name);
}

struct dashboard_list {
	struct md_dashboard *list;
	int n;
};

static void free_dashboards(void *v)
{
	struct dashboard_list *d = v;
	dashboard_list_free(d->list, d->n);
	free(d);
}

int read_cache_dashboards(struct md_dashboard **list, int *n)
{
	pthread_mutex_lock(&lock);
	struct entry *e = feed_up ? find(&dashboards, "") : NULL;
	if (e) {
		const struct dashboard_list *d = e->value;
		*n = d->n;
		*list = d->n ? xcalloc((size_t)d->n, sizeof **list) : NULL;
		for (int i = 0; i < d->n; i++)
			dashboard_copy(&(*list)[i], &d->list[i]);
	}
	pthread_mutex_unlock(&lock);
	return e != NULL;
}

void read_cache_put_dashboards(struct md_dashboard *list, int n, const struct read_ticket *t)
{
	struct dashboard_list *d = xcalloc(1, sizeof *d);
	d->list = n ? xcalloc((size_t)n, sizeof *d->list) : NULL;
	d->n = n;
	for (int i = 0; i < n; i++)
		dashboard_copy(&d->list[i], &list[i]);
	put(&dashboards, "", d, sizeof *d + (size_t)n * sizeof *d->list, t, NULL);
}

struct name_list {
	char **names;
	int n;
};

static void free_names(void *v)
{
	struct name_list *l = v;
	for (int i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	free(l);
}

int read_cache_dashboard_widgets(long long dashboard_id, char ***names, int *n)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", dashboard_id);
	pthread_mutex_lock(&lock);
	struct entry *e = feed_up ? find(&placements, key) : NULL;
	if (e) {
		const struct name_list *l = e->value;
		*n = l->n;
		*names = xcalloc((size_t)l->n + 1, sizeof **names);
		for (int i = 0; i < l->n; i++)
			(*names)[i] = xstrdup(l->names[i]);
	}
	pthread_mutex_unlock(&lock);
	return e != NULL;
}

void read_cache_put_dashboard_widgets(long long dashboard_id, const struct md_widget *ws, int n,
				      const struct read_ticket *t)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", dashboard_id);
	struct name_list *l = xcalloc(1, sizeof *l);
	l->names = xcalloc((size_t)n + 1, sizeof *l->names);
	l->n = n;
	for (int i = 0; i < n; i++)
		l->names[i] = xstrdup(ws[i].name);
	put(&placements, key, l, sizeof *l + (size_t)n * sizeof *l->names, t, NULL);
}

void read_cache_cleanup(void)
{
	pthread_mutex_lock(&lock);
	clear_all();
	pthread_mutex_unlock(&lock);
}
