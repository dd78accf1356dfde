/* SPDX-License-Identifier: MIT */
/* render_cache.c: each process keeps the HTML of the widgets it rendered,
 * keyed by everything that HTML depends on. When a widget changes, every
 * open page fetches its fragment at once; with the cache that costs one
 * render per version and process instead of one per browser, and a page
 * re-renders only the widgets that changed since it was last served.
 *
 * Only types whose HTML is a function of the widget's row alone
 * (wtype_row_only): not the clock, not plug-ins. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "wtype.h"

/* Bounded memory: SLOTS entries, in sets of WAYS. A key may sit in any slot
 * of the set its hash names, and a new entry replaces the set's least
 * recently used one. With one slot per hash, two widgets of a page whose
 * keys shared a slot pushed each other out on every render of the page (4
 * of the 12 of the bench's dashboard). */
#define SLOTS 256
#define WAYS 8
#define SETS (SLOTS / WAYS)

struct slot {
	char *key;  /* owned; NULL: free */
	char *html; /* owned */
	size_t len;
	uint64_t hash;          /* of key */
	unsigned long long use; /* the tick of its last use */
};
static struct slot slots[SLOTS];
static unsigned long long ticks;

/* A number and a separator, without printf's cost: a page makes keys for
 * each of its widgets on every render. */
static void put_int(struct buf *k, long long v, char sep)
{
	char digits[24], *p = digits + sizeof digits;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	*--p = sep;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_append(k, p, (size_t)(digits + sizeof digits - p));
}

/* A length before each text field, so no title or error can make two
 * different rows spell the same key. The id tells a widget re-created under
 * the same name from the old one; the version stands for the data. Nothing
 * in the key is parsed: what the render makes of the row's JSON (its
 * state, whether it can go stale) follows from the row's text. */
static void put(struct buf *k, const char *s)
{
	s = s ? s : "";
	size_t n = strlen(s);
	put_int(k, (long long)n, ':');
	buf_append(k, s, n);
	buf_putc(k, '|');
}

static void key_of(const struct md_widget *w, struct buf *k)
{
	put_int(k, w->id, '|');
	put_int(k, w->version, '|');
	put_int(k, w->col, ',');
	put_int(k, w->row, ',');
	put_int(k, w->sizex, ',');
	put_int(k, w->sizey, '|');
	put_int(k, w->interval, '|');
	put(k, w->name);
	put(k, w->type);
	put(k, w->title);
	/* The state: error with last_error, else stale when overdue and the
	 * source's kind and the type let it go stale. */
	put_int(k, widget_overdue(w), '|');
	put(k, w->updated_at);
	put(k, w->last_error);
	put(k, w->options);
	put(k, w->source);
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* The first slot of hash's set. FNV's low bits depend on the low bits of
 * each step alone, and keys differ in a few bytes: mixed first (MurmurHash3's
 * finalizer), so that a page's widgets spread over the sets. */
static struct slot *set_of(uint64_t hash)
{
	hash ^= hash >> 33;
	hash *= 0xff51afd7ed558ccdULL;
	hash ^= hash >> 33;
	hash *= 0xc4ceb9fe1a85ec53ULL;
	hash ^= hash >> 33;
	return &slots[(hash % SETS) * WAYS];
}

/* The slot holding key in its set; else the one to put it in (key NULL):
 * a free one, or the least recently used, emptied. */
static struct slot *find(uint64_t hash, const char *key)
{
	struct slot *set = set_of(hash), *victim = set;
	for (int i = 0; i < WAYS; i++) {
		struct slot *s = &set[i];
		if (s->key && s->hash == hash && !strcmp(s->key, key))
			return s;
		if (victim->key && (!s->key || s->use < victim->use))
			victim = s;
	}
	free(victim->key);
	victim->key = NULL;
	return victim;
}

int render_widget_cached(const struct md_config *cfg, const struct md_widget *w, struct buf *out, struct buf *err,
			 int *hit)
{
	const struct mdash_widget_type *t = wtype_find(w->type);
	*hit = 0;
	if (!t || !wtype_row_only(t))
		return render_widget(cfg, w, out, err);
	struct buf key = {0};
	key_of(w, &key);
	uint64_t hash = fnv1a(key.data, key.len);
	struct slot *s = find(hash, key.data);
	if (s->key) {
		s->use = ++ticks;
		buf_append(out, s->html, s->len);
		buf_free(&key);
		*hit = 1;
		return 0;
	}
	size_t mark = out->len;
	int rc = render_widget(cfg, w, out, err);
	if (!rc) {
		free(s->html);
		s->len = out->len - mark;
		s->html = xstrndup(out->data + mark, s->len);
		s->key = buf_steal(&key);
		s->hash = hash;
		s->use = ++ticks;
	}
	buf_free(&key);
	return rc;
}

int render_widget_inline(const struct md_config *cfg, const char *name, long long version, struct buf *html,
			 struct buf *err)
{
	struct md_widget w;
	int hit, found = widget_load(name, &w, err);
	if (found <= 0)
		return found;
	int rc = 0;
	buf_reset(html);
	if (w.version == version) {
		rc = render_widget_cached(cfg, &w, html, err, &hit) ? -1 : html->len <= RENDER_INLINE_MAX;
		if (rc != 1)
			buf_reset(html);
	}
	widget_free(&w);
	return rc;
}

void render_cache_clear(void)
{
	for (int i = 0; i < SLOTS; i++) {
		free(slots[i].key);
		free(slots[i].html);
	}
	memset(slots, 0, sizeof slots);
}
