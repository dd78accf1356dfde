/* SPDX-License-Identifier: MIT */
/* pushed.c: the source kind "push": data arrives only through the push
 * API (cgi/push_api.c, mdash push); nothing to pull. */
#include "source.h"

const struct md_source_kind source_push = {
	.name = "push",
};
