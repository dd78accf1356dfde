/* SPDX-License-Identifier: MIT */
/* format.h: numbers as people read them on a wall screen. */
#ifndef MDASH_FORMAT_H
#define MDASH_FORMAT_H

#include <stddef.h>

/* 1234.5 -> "1,234.5"; 2500000 -> "2.5M"; at most 2 decimals, no trailing
 * zeros. Always NUL-terminates out (n >= 32 is always enough). */
void format_number(double v, char *out, size_t n);

#endif
