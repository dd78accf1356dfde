/* SPDX-License-Identifier: MIT */
/* fuzz_form.c: form bodies, query strings and Cookie headers, as any
 * client may send them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"username", "password", "next", "csrf", ""};
	struct buf out = {0};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int rc = form_get((const char *)data, size, names[i], &out);
		/* A found value never holds a NUL: it is handed on as a C string. */
		if (rc == 1 && strlen(buf_str(&out)) != out.len)
			__builtin_trap();
	}
	/* Cookie headers arrive as C strings. */
	char *header = xstrndup((const char *)data, size);
	cookie_get(header, "mdash_session", &out);
	buf_reset(&out);
	url_encode(&out, header);
	free(header);
	buf_free(&out);
	return 0;
}
