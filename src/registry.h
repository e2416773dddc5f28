/* registry.h -- finds, loads and validates solver plugins.
 *
 * Search order: <driver dir>/plugins (build/plugins for build/lindyn),
 * <driver dir>/../lib/lindyn/plugins (an installed tree), then every entry
 * of LINDYN_PLUGIN_PATH (colon-separated directories or .so files).
 * A .so is rejected, with a message naming the file and the reason, when it
 * cannot be loaded, lacks lindyn_plugin_descriptor, was built for another
 * ABI major or a newer minor, has a malformed descriptor or parameter table,
 * or provides a name already taken. */
#ifndef LINDYN_REGISTRY_H
#define LINDYN_REGISTRY_H

#include <stddef.h>

#include "lindyn/plugin.h"

typedef struct {
	lindyn_plugin desc; /* copied up to the plugin's struct_size, rest zero */
	char *path;
} registry_entry;

typedef struct {
	registry_entry *entries;
	size_t n;
	void **handles;
	size_t nhandles;
	char **rejected; /* one message per rejected file or descriptor */
	size_t nrejected;
} registry;

/* Scans the default directories and LINDYN_PLUGIN_PATH. */
void registry_scan(registry *reg);
/* Loads one .so (or every *.so of a directory); problems go to rejected. */
void registry_add_path(registry *reg, const char *path);
/* Validates a descriptor; 0, or -1 with the reason in err. */
int registry_check(const lindyn_plugin *d, char *err, size_t errlen);
const registry_entry *registry_find(const registry *reg, const char *name);
void registry_free(registry *reg);

#endif
