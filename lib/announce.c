/* SPDX-License-Identifier: MIT */
/* announce.c: render once, publish (see announce.h). */
#include "announce.h"

#include "publish.h"
#include "read_cache.h"
#include "render.h"
#include "series.h"
#include "widget.h"

int announce_widget(const struct md_config *cfg, const char *name, long long version, struct buf *err)
{
	struct buf html = {0}, why = {0};
	int carried = render_widget_inline(cfg, name, version, &html, &why) == 1;
	int rc = publish_widget(cfg->publish_url, name, version, carried ? html.data : NULL, err);
	buf_free(&html);
	buf_free(&why);
	return rc;
}

int announce_change(const struct md_config *cfg, struct buf *err)
{
	read_cache_clear();
	return publish_raw(cfg->publish_url, ANNOUNCE_CHANNEL, ANNOUNCE_EVERYTHING, err);
}

int announce_bumped(const struct md_config *cfg, const struct series_bumped *b, struct buf *err)
{
	int rc = 0;
	for (int i = 0; i < b->n; i++) {
		buf_reset(err);
		if (announce_widget(cfg, b->names[i], b->versions[i], err) ||
		    widget_published(b->names[i], b->versions[i], err))
			rc = -1;
	}
	return rc;
}
