/* SPDX-License-Identifier: MIT */
/* fuzz_fcgi.c: bytes from a FastCGI client against the push loop's parser
 * (cgi/fcgi_wire.c), fed in pieces as a socket delivers them. Whatever
 * comes, the parser consumes whole records within the input, and every
 * request it completes is well formed: NULL-terminated "NAME=value"
 * parameters, a body within the limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi_wire.h"

#define MAX_BODY 4096

static void check(const struct fcgi_request *r)
{
	for (char **e = r->envp; *e; e++)
		if (!strchr(*e, '='))
			__builtin_trap();
	if (r->body.len > MAX_BODY || (r->body.data && r->body.data[r->body.len]))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgi_parser p = {.max_body = MAX_BODY};
	/* The first byte picks the piece size, as reads split the stream. */
	if (!size)
		return 0;
	size_t piece = (size_t)data[0] * 7 + 1, have = 1, off = 1;
	while (off < size) {
		have = have + piece < size ? have + piece : size;
		for (;;) {
			size_t used;
			const char *why;
			enum fcgi_result res = fcgi_feed(&p, data + off, have - off, &used, &why);
			if (used > have - off)
				__builtin_trap();
			off += used;
			if (res == FCGI_INVALID) {
				fcgi_parser_free(&p);
				return 0;
			}
			if (res == FCGI_MORE)
				break;
			struct fcgi_request r;
			fcgi_take(&p, &r);
			check(&r);
			fcgi_request_free(&r);
		}
		if (have == size)
			break;
	}
	fcgi_parser_free(&p);
	return 0;
}
