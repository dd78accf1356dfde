/* SPDX-License-Identifier: MIT */
/* notify.h: notifiers and the outbox of alert messages.
 *
 * A notifier is Notify.<name>.* in the settings file: a webhook (URL; a
 * JSON POST, Format json or slack, signed with HMAC-SHA256 when it has a
 * Secret) or mail (Mailto, through the local sendmail). Alert messages
 * wait in the outbox table until their notifier took them: the updater
 * delivers them with retries and back-off, in order per notifier and
 * widget, each with the same idempotency key at every attempt (at least
 * once; a receiver drops what it already has). */
#ifndef MDASH_NOTIFY_H
#define MDASH_NOTIFY_H

#include <json-c/json.h>

#include "config.h"
#include "util.h"

/* What people read of a payload (alert.h's alert_payload, or the test
 * message's): a subject line, and the text (the slack format's "text", a
 * mail's body). */
void notify_subject(json_object *payload, struct buf *out);
void notify_text(json_object *payload, struct buf *out);
/* The body a notifier is sent for a payload (JSON text): the payload
 * itself (json), {"text": ...} (slack), or a whole mail (Mailto; key is
 * its Message-ID's left part). */
void notify_body(const struct md_notifier *n, const char *payload, const char *key, struct buf *out);
/* The signature header's value, "sha256=" and the hex HMAC-SHA256 of
 * body under secret (as GitHub's X-Hub-Signature-256). */
void notify_signature(const char *secret, const char *body, size_t len, char out[72]);
#define NOTIFY_SIGNATURE_HEADER "X-Mdash-Signature-256"

/* A new idempotency key: 32 hex digits. */
void notify_new_key(char out[33]);
/* The test message's payload. */
json_object *notify_test_payload(const struct md_config *cfg);

/* Sends one message now. NOTIFY_SENT; NOTIFY_REFUSED when the receiver
 * refused this message (a 4xx); NOTIFY_DOWN when it did not take it (no
 * answer, a 5xx, a 429, sendmail failing): its other messages wait too. */
enum { NOTIFY_SENT = 0, NOTIFY_REFUSED = -1, NOTIFY_DOWN = -2 };
int notify_send(const struct md_config *cfg, const struct md_notifier *n, const char *payload, const char *key,
		struct buf *err);

/* Puts a message (payload: JSON text) into the outbox, in the caller's
 * transaction. 0, or -1 with err. */
int notify_queue(const char *notifier, const char *widget, const char *state, const char *payload, struct buf *err);
/* Delivers what is due in the outbox. A message that fails waits
 * 5 s, 10 s, 20 s ... up to 5 minutes before its next attempt, and so do
 * the later ones of its notifier and widget; after a day of failures it
 * is marked failed (mdash alert list, mdash alert retry). say gets one
 * line per attempt (ok: sent). 0, or -1 when the outbox cannot be read. */
typedef void notify_say(int ok, const char *line, void *ctx);
int notify_deliver(const struct md_config *cfg, notify_say *say, void *ctx, struct buf *err);
/* The pending and failed deliveries, oldest first: id, "pending" or
 * "failed", notifier, widget, state, queued at, attempts, next attempt (or
 * when it failed), last error (or "-"). 0, or -1 with err. */
struct db_result;
int notify_outbox_list(struct db_result *rows, struct buf *err);
/* Queues failed delivery id again (0: every failed one), to be sent next;
 * *count gets how many. 0, or -1 with err (id is no failed delivery). */
int notify_outbox_retry(long long id, long long *count, struct buf *err);

#endif
