/* publish.h: tells nchan that a widget changed. The message is small on
 * purpose, {"widget":NAME,"version":N}: browsers re-fetch the fragment, so
 * data never travels through the channel and one render serves everyone. */
#ifndef MDASH_PUBLISH_H
#define MDASH_PUBLISH_H

#include "util.h"

/* POSTs the message to <publish_url><channel>. Reuses one connection per
 * process. Returns 0, or -1 with the reason in err. */
int publish_widget(const char *publish_url, const char *name, long long version, struct buf *err);
void publish_cleanup(void);

#endif
