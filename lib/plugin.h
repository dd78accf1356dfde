/* SPDX-License-Identifier: MIT */
/* plugin.h: widget types from md_<name>.so files in PluginDir. */
#ifndef MDASH_PLUGIN_H
#define MDASH_PLUGIN_H

/* Loads every md_*.so in dir once and registers its types. A plug-in with
 * a wrong API version, a missing symbol or a taken type name is refused
 * with a log line; the rest go on. Returns the number of types added. */
int plugin_load_dir(const char *dir);

#endif
