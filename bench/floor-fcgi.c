/* SPDX-License-Identifier: MIT */
/* floor-fcgi.c: the least a FastCGI responder can do, for bench/run: answer
 * every request with the bytes of one file read at start. What nginx and
 * libfcgi cost per request on this machine, before any mdash code runs:
 * the ceiling of any page the app renders. Built and started by bench/run. */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
	if (!f) {
		fprintf(stderr, "usage: floor-fcgi FILE (readable)\n");
		return 2;
	}
	char *body = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&body, &len);
	char chunk[8192];
	size_t n;
	while (mem && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(f);
	if (!mem || fclose(mem)) {
		fprintf(stderr, "floor-fcgi: out of memory\n");
		return 1;
	}
	/* Formatted here: libfcgi's own printf knows no %zu. */
	char head[128];
	int headlen = snprintf(head, sizeof head,
			       "Content-Type: text/html; charset=utf-8\r\nContent-Length: %zu\r\n\r\n", len);
	FCGX_Stream *in, *out, *err;
	FCGX_ParamArray env;
	while (FCGX_Accept(&in, &out, &err, &env) >= 0) {
		FCGX_PutStr(head, headlen, out);
		FCGX_PutStr(body, (int)len, out);
	}
	free(body);
	return 0;
}
