/* SPDX-License-Identifier: MIT */
/* notifier.h: the checks of a notifier's settings (Notify.<name>.URL,
 * .Format, .Secret, .Mailto; notify.h says what they do). */
#ifndef MDASH_NOTIFIER_H
#define MDASH_NOTIFIER_H

#include "config.h"
#include "util.h"

/* One field as it is read (key "<name>.<Field>"), and a whole notifier
 * once the file is read. 0, or -1 with why. */
int notifier_field_check(const char *key, const char *field, const char *v, struct buf *why);
int notifier_check(const struct md_notifier *n, struct buf *why);

#endif
