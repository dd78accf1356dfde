/* SPDX-License-Identifier: MIT */
/* push.c: data arrives only through the push API; nothing to pull. */
#include "source.h"

const struct md_source_kind source_push = {
	.name = "push",
};
