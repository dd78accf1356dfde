/* SPDX-License-Identifier: MIT */
/* format.c: numbers as people read them (see format.h). */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Prints v with up to 2 decimals and strips trailing zeros. */
static void trimmed(double v, char *out, size_t n)
{
	snprintf(out, n, "%.2f", v);
	char *dot = strchr(out, '.');
	if (!dot)
		return;
	char *end = out + strlen(out);
	while (end > dot + 1 && end[-1] == '0')
		*--end = '\0';
	if (end == dot + 1)
		*dot = '\0';
}

void format_number(double v, char *out, size_t n)
{
	static const struct {
		double at;
		const char *suffix;
	} scale[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}};
	if (!n)
		return;
	if (!isfinite(v)) {
		snprintf(out, n, "%s", isnan(v) ? "–" : v > 0 ? "∞" : "-∞");
		return;
	}
	for (size_t i = 0; i < sizeof scale / sizeof scale[0]; i++)
		if (fabs(v) >= scale[i].at) {
			char num[64];
			trimmed(v / scale[i].at, num, sizeof num);
			snprintf(out, n, "%s%s", num, scale[i].suffix);
			return;
		}
	char num[64];
	trimmed(v, num, sizeof num);
	/* Thousands separators in the integer part. */
	const char *digits = num[0] == '-' ? num + 1 : num;
	const char *dot = strchr(digits, '.');
	size_t intlen = dot ? (size_t)(dot - digits) : strlen(digits);
	char res[96];
	size_t o = 0;
	if (num[0] == '-')
		res[o++] = '-';
	for (size_t i = 0; i < intlen; i++) {
		if (i && (intlen - i) % 3 == 0)
			res[o++] = ',';
		res[o++] = digits[i];
	}
	snprintf(res + o, sizeof res - o, "%s", dot ? dot : "");
	snprintf(out, n, "%s", res);
}
