/* SPDX-License-Identifier: MIT */
/* check_unit.c: runs every unit test case; TAP output comes from
 * CK_TAP_LOG_FILE_NAME (see unit.tap). */
#include <stdlib.h>

#include "tests.h"
#include "wtype.h"

int main(void)
{
	Suite *s = suite_create("mdash");
	wtype_register_builtin();
	suite_add_tcase(s, tcase_config());
	suite_add_tcase(s, tcase_ident());
	suite_add_tcase(s, tcase_router());
	suite_add_tcase(s, tcase_source());
	suite_add_tcase(s, tcase_format());
	suite_add_tcase(s, tcase_render());
	suite_add_tcase(s, tcase_plugin());
	suite_add_tcase(s, tcase_pass());
	suite_add_tcase(s, tcase_batch());
	suite_add_tcase(s, tcase_fcgi_wire());
	suite_add_tcase(s, tcase_origin());
	suite_add_tcase(s, tcase_schema());
	suite_add_tcase(s, tcase_history());
	suite_add_tcase(s, tcase_alert());
	suite_add_tcase(s, tcase_fields());
	suite_add_tcase(s, tcase_read_cache());
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
