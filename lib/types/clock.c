/* SPDX-License-Identifier: MIT */
/* clock.c: the time, in a time zone (options "timezone", an IANA name, and
 * "seconds"). The server renders the time of the render in that zone (so
 * the page is right without JavaScript); the page's script keeps it
 * ticking. Its value comes from the clock, not from updates: it is never
 * stale and never waits for data (MDASH_TYPE_SHOWS_TIME). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "types.h"

static int valid_tz(const char *tz)
{
	/* IANA names: letters, digits, '/', '_', '-', '+'. */
	if (!tz || !*tz || strlen(tz) > 64)
		return 0;
	return strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+") == strlen(tz);
}

/* The time in zone tz. Renders run one at a time in a worker process, so
 * switching the process's zone for the call is safe here. */
static void local_time_in(const char *tz, time_t now, struct tm *tm)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&now, tm);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

static int clock_context(const mdash_widget *w, mdash_context *ctx)
{
	const char *tz = mdash_option(w, "timezone");
	const char *secs = mdash_option(w, "seconds");
	int with_seconds = secs && !strcmp(secs, "true");
	char text[16];
	time_t now = time(NULL);
	struct tm tm;
	if (valid_tz(tz))
		local_time_in(tz, now, &tm);
	else
		gmtime_r(&now, &tm);
	strftime(text, sizeof text, with_seconds ? "%H:%M:%S" : "%H:%M", &tm);
	mdash_set(ctx, "time", text);
	mdash_set(ctx, "timezone", valid_tz(tz) ? tz : "UTC");
	mdash_set(ctx, "seconds", with_seconds ? "1" : "0");
	return 0;
}

const struct mdash_widget_type wtype_clock = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "clock",
	.template = "widgets/clock.cs",
	.sizex = 1,
	.sizey = 1,
	.update_interval = 3600,
	.value_field = "text",
	.context = clock_context,
	.flags = MDASH_TYPE_SHOWS_TIME,
};
