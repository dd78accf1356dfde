/* SPDX-License-Identifier: MIT */
/* A shared object that is no plug-in: it exports no mdash_widget_types. */
int md_nosymbol_answer(void);
int md_nosymbol_answer(void)
{
	return 42;
}
