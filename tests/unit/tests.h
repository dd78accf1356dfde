/* SPDX-License-Identifier: MIT */
/* tests.h: one Check test case per concept, gathered by check_unit.c. */
#ifndef MDASH_TESTS_H
#define MDASH_TESTS_H

#include <check.h>

TCase *tcase_config(void);
TCase *tcase_ident(void);
TCase *tcase_router(void);
TCase *tcase_source(void);
TCase *tcase_format(void);
TCase *tcase_render(void);
TCase *tcase_plugin(void);
TCase *tcase_pass(void);
TCase *tcase_batch(void);
TCase *tcase_fcgi_wire(void);
TCase *tcase_origin(void);
TCase *tcase_schema(void);
TCase *tcase_history(void);
TCase *tcase_alert(void);
TCase *tcase_fields(void);
TCase *tcase_read_cache(void);

/* Appends a request as nginx sends it: begin, parameters ("NAME=value"),
 * body (test_fcgi_wire.c). */
struct buf;
void fcgi_test_request(struct buf *out, int id, int keep, const char *const *env, const char *body, size_t len);

#endif
