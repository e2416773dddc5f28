/* registry.h -- finds, loads and validates solver plugins.
 *
 * Search order: every entry of LINDYN_PLUGIN_PATH (colon-separated
 * directories or .so files), then <driver dir>/plugins (build/plugins for
 * build/lindyn) and <driver dir>/../lib/lindyn/plugins (an installed tree):
 * a plugin of the user's own overrides one of lindyn's of the same name.
 * A .so is rejected, with a message naming the file and the reason, when it
 * cannot be loaded, lacks lindyn_plugin_descriptor, was built for another
 * ABI major or a newer minor, has a malformed descriptor or parameter table,
 * or provides a name already taken: the first file in search order (a
 * directory's files in name order) keeps a name, a later one providing it
 * again is reported.  `lindyn list`, `help`, `check-plugin` and `tangle`
 * load every file, so they see every duplicate.
 *
 * `lindyn run NAME` loads one file when it can (registry_load_named): the
 * first file NAME.so in search order that provides NAME.  Only when no
 * NAME.so does (a plugin served by a file of another name, like gd2_toy by
 * gd2.so) does it scan everything.  So for `run`, a duplicate NAME held by a
 * file of another name goes unreported, and if such a file comes before
 * NAME.so in search order, `run` takes NAME.so where `list` shows the other;
 * `list` warns about that duplicate. */
#ifndef LINDYN_REGISTRY_H
#define LINDYN_REGISTRY_H

#include <stddef.h>

#include "lindyn/plugin.h"

typedef struct {
	lindyn_plugin desc; /* copied up to the plugin's struct_size, rest zero */
	char *path;
	int from_plugin_path; /* found through LINDYN_PLUGIN_PATH */
} registry_entry;

typedef struct {
	registry_entry *entries;
	size_t n;
	void **handles;
	size_t nhandles;
	char **rejected; /* one message per rejected file or descriptor */
	size_t nrejected;
	int in_plugin_path; /* while LINDYN_PLUGIN_PATH's entries are loaded */
} registry;

/* Scans the default directories and LINDYN_PLUGIN_PATH. */
void registry_scan(registry *reg);
/* Plugin NAME from the first NAME.so in search order that provides it,
 * no other file opened; failing that, from a full registry_scan (whose
 * rejections are then in reg).  NULL when no file provides NAME. */
const registry_entry *registry_load_named(registry *reg, const char *name);
/* Loads one .so (or every *.so of a directory); problems go to rejected. */
void registry_add_path(registry *reg, const char *path);
/* 1 when a plugin argument names a file rather than a plugin: it holds a
 * '/', or its part before an optional ":NAME" ends in ".so" ("x.so",
 * "x.so:fx_a"); such an argument is loaded only from that file. */
int registry_names_file(const char *arg);
/* Validates a descriptor; 0, or -1 with the reason in err. */
int registry_check(const lindyn_plugin *d, char *err, size_t errlen);
const registry_entry *registry_find(const registry *reg, const char *name);
/* The tables plugin e declares (ABI 1.2), ending with {NULL}; NULL when it
 * declares none (then any table may be written and nothing is checked).
 * tables.h has tables_find and table_column; src/lit/schema.h the aggregates' columns. */
const lindyn_table_def *registry_tables(const registry_entry *e);
void registry_free(registry *reg);

#endif
