/* SPDX-License-Identifier: MIT */
/* md_sysload.c: an example widget plug-in: this machine's load average
 * against its number of CPUs, and the highest load it has seen (kept as a
 * per-widget setting). Build it as md_sysload.so; mdash loads it from
 * PluginDir. Only <mdash/widget.h> is needed. */
#include <mdash/widget.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

/* update_widget_data: the load averages from sysinfo(2), not /proc/loadavg,
 * which the updater's sandbox hides (ProcSubset=pid). Runs in an updater
 * thread. */
static int sysload_update(mdash_widget *w, char **json, char **error)
{
	struct sysinfo info;
	if (sysinfo(&info) != 0) {
		*error = strdup("cannot read the load average (sysinfo)");
		return -1;
	}
	double scale = 1 << SI_LOAD_SHIFT;
	double l1 = info.loads[0] / scale, l5 = info.loads[1] / scale, l15 = info.loads[2] / scale;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	const char *peak_text = mdash_get_setting(w, "PEAK");
	double peak = peak_text ? atof(peak_text) : 0;
	if (l1 > peak) {
		char num[32];
		snprintf(num, sizeof num, "%.2f", l1);
		mdash_save_setting(w, "PEAK", num);
		peak = l1;
	}
	*json = malloc(256);
	if (!*json)
		return -1;
	snprintf(*json, 256,
		 "{\"value\":%.2f,\"load5\":%.2f,\"load15\":%.2f,\"cpus\":%ld,\"peak\":%.2f,"
		 "\"moreinfo\":\"5 min %.2f, 15 min %.2f\"}",
		 l1, l5, l15, cpus > 0 ? cpus : 1, peak, l5, l15);
	return 0;
}

/* get_context_data: the bar's length and colour. */
static int sysload_context(const mdash_widget *w, mdash_context *ctx)
{
	double v, cpus;
	if (mdash_field_number(w, "value", &v) || mdash_field_number(w, "cpus", &cpus) || cpus <= 0) {
		mdash_set(ctx, "value", "–");
		return 0;
	}
	double share = v / cpus;
	mdash_setf(ctx, "value", "%.2f", v);
	mdash_setf(ctx, "width", "%.0f", share > 1 ? 100 : share * 100);
	mdash_set(ctx, "level", share >= 1 ? "critical" : share >= 0.7 ? "warning" : "ok");
	mdash_setf(ctx, "cpus", "%.0f", cpus);
	return 0;
}

static const struct mdash_widget_type sysload = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "sysload",
	.template = "plugins/sysload.cs",
	.sizex = 1,
	.sizey = 1,
	.update_interval = 10,
	.value_field = "value",
	.context = sysload_context,
	.update = sysload_update,
};

/* What mdash looks for: a NULL-terminated list of the plug-in's types. */
const struct mdash_widget_type *const mdash_widget_types[] = {&sysload, NULL};
