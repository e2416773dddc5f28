/* registry.c -- dlopen, ABI checks, enumeration of plugin descriptors. */
#include "registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "params.h"
#include "tables.h"

static void reject(registry *reg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reject(registry *reg, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	char **grown = realloc(reg->rejected, (reg->nrejected + 1) * sizeof *grown);
	if (n < 0 || !grown) {
		free(msg);
		return;
	}
	reg->rejected = grown;
	reg->rejected[reg->nrejected++] = msg;
}

int registry_check(const lindyn_plugin *d, char *err, size_t errlen)
{
	if (d->abi_major != LINDYN_ABI_MAJOR || d->abi_minor > LINDYN_ABI_MINOR) {
		snprintf(err, errlen, "built for ABI %u.%u, driver has %u.%u", d->abi_major,
		         d->abi_minor, LINDYN_ABI_MAJOR, LINDYN_ABI_MINOR);
		return -1;
	}
	if (d->struct_size < offsetof(lindyn_plugin, free) + sizeof d->free) {
		snprintf(err, errlen, "descriptor struct_size %u is smaller than ABI %u.0's",
		         d->struct_size, LINDYN_ABI_MAJOR);
		return -1;
	}
	if (!name_is_identifier(d->name)) {
		snprintf(err, errlen, "plugin name must match [a-z][a-z0-9_]*");
		return -1;
	}
	if (!d->version || !d->summary || !d->alloc || !d->run || !d->free) {
		snprintf(err, errlen, "plugin '%s': descriptor lacks version, summary, alloc, run or free",
		         d->name);
		return -1;
	}
	char why[400];
	if (params_check_table(d->params, why, sizeof why)) {
		snprintf(err, errlen, "plugin '%s': malformed parameter table: %s", d->name, why);
		return -1;
	}
	if (tables_check(plugin_tables(d), why, sizeof why)) {
		snprintf(err, errlen, "plugin '%s': malformed table declaration: %s", d->name, why);
		return -1;
	}
	return 0;
}

const lindyn_table_def *registry_tables(const registry_entry *e)
{
	return plugin_tables(&e->desc);
}

const registry_entry *registry_find(const registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->n; i++)
		if (!strcmp(reg->entries[i].desc.name, name))
			return &reg->entries[i];
	return NULL;
}

int registry_names_file(const char *arg)
{
	if (strchr(arg, '/'))
		return 1;
	size_t len = strcspn(arg, ":");
	return len > 3 && !strncmp(arg + len - 3, ".so", 3);
}

static int already_loaded(const registry *reg, const char *path)
{
	for (size_t i = 0; i < reg->n; i++)
		if (!strcmp(reg->entries[i].path, path))
			return 1;
	return 0;
}

static void add_file(registry *reg, const char *file)
{
	char path[PATH_MAX];
	if (!realpath(file, path)) {
		reject(reg, "plugin [%s]: cannot resolve path", file);
		return;
	}
	if (already_loaded(reg, path))
		return;
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode)) { /* dlopen would block on a FIFO */
		reject(reg, "plugin [%s]: not a regular file", file);
		return;
	}
	void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		reject(reg, "plugin [%s]: cannot load: %s", file, dlerror());
		return;
	}
	lindyn_descriptor_fn fn;
	*(void **)&fn = dlsym(handle, "lindyn_plugin_descriptor");
	if (!fn) {
		reject(reg, "plugin [%s]: no entry point lindyn_plugin_descriptor", file);
		dlclose(handle);
		return;
	}
	size_t added = 0;
	uint32_t i = 0;
	for (; i < 1024; i++) {
		const lindyn_plugin *d = fn(i);
		if (!d)
			break;
		char err[512];
		if (registry_check(d, err, sizeof err)) {
			reject(reg, "plugin [%s] #%u: %s", file, i, err);
			continue;
		}
		const registry_entry *twin = registry_find(reg, d->name);
		if (twin) {
			reject(reg, "plugin [%s]: name '%s' is already provided by %s", file, d->name,
			       twin->path);
			continue;
		}
		registry_entry *grown = realloc(reg->entries, (reg->n + 1) * sizeof *grown);
		char *p = strdup(path);
		if (!grown || !p) {
			free(p);
			if (grown)
				reg->entries = grown;
			break;
		}
		reg->entries = grown;
		registry_entry *e = &reg->entries[reg->n++];
		memset(&e->desc, 0, sizeof e->desc);
		memcpy(&e->desc, d, d->struct_size < sizeof e->desc ? d->struct_size : sizeof e->desc);
		e->path = p;
		e->from_plugin_path = reg->in_plugin_path;
		added++;
	}
	if (i == 0)
		reject(reg, "plugin [%s]: lindyn_plugin_descriptor(0) returned no plugin", file);
	if (!added) {
		dlclose(handle);
		return;
	}
	void **grown = realloc(reg->handles, (reg->nhandles + 1) * sizeof *grown);
	if (grown) {
		reg->handles = grown;
		reg->handles[reg->nhandles++] = handle;
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void registry_add_path(registry *reg, const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		reject(reg, "plugin path [%s]: does not exist", path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(reg, path);
		return;
	}
	DIR *dir = opendir(path);
	if (!dir) {
		reject(reg, "plugin path [%s]: cannot read directory", path);
		return;
	}
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *de; (de = readdir(dir));) {
		size_t len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 3, ".so"))
			continue;
		char **grown = realloc(names, (n + 1) * sizeof *grown);
		if (!grown)
			break;
		names = grown;
		if (asprintf(&names[n], "%s/%s", path, de->d_name) >= 0)
			n++;
	}
	closedir(dir);
	if (n) /* qsort's base must not be NULL, even for nothing */
		qsort(names, n, sizeof *names, by_name); /* deterministic order */
	for (size_t i = 0; i < n; i++) {
		add_file(reg, names[i]);
		free(names[i]);
	}
	free(names);
}

/* Calls visit(reg, entry, arg) for each search entry in the documented
 * order (registry.h) until it returns nonzero. */
static void each_search_entry(registry *reg, int (*visit)(registry *, const char *, void *),
                              void *arg)
{
	/* LINDYN_PLUGIN_PATH first: a project's own plugin (lindyn.mk puts its
	 * directory there) wins over an installed plugin of the same name. */
	const char *env = getenv("LINDYN_PLUGIN_PATH");
	if (env && *env) {
		char *copy = strdup(env), *save = NULL;
		int stop = 0;
		reg->in_plugin_path = 1;
		for (char *p = copy ? strtok_r(copy, ":", &save) : NULL; p && !stop;
		     p = strtok_r(NULL, ":", &save))
			stop = visit(reg, p, arg);
		reg->in_plugin_path = 0;
		free(copy);
		if (stop)
			return;
	}
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = 0;
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		char dir[PATH_MAX + 32];
		struct stat st;
		snprintf(dir, sizeof dir, "%s/plugins", exe);
		if (!stat(dir, &st) && visit(reg, dir, arg))
			return;
		snprintf(dir, sizeof dir, "%s/../lib/lindyn/plugins", exe);
		if (!stat(dir, &st))
			visit(reg, dir, arg);
	}
}

static int add_entry(registry *reg, const char *entry, void *arg)
{
	(void)arg;
	registry_add_path(reg, entry);
	return 0;
}

void registry_scan(registry *reg)
{
	each_search_entry(reg, add_entry, NULL);
}

/* Loads <entry>/NAME.so, or entry itself when it is a file called NAME.so;
 * nonzero once plugin NAME is loaded. */
static int add_named_file(registry *reg, const char *entry, void *arg)
{
	const char *name = arg;
	const char *base = strrchr(entry, '/');
	base = base ? base + 1 : entry;
	struct stat st;
	char file[PATH_MAX];
	if (stat(entry, &st))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		if (snprintf(file, sizeof file, "%s/%s.so", entry, name) >= (int)sizeof file ||
		    stat(file, &st) || !S_ISREG(st.st_mode))
			return 0;
	} else if (strncmp(base, name, strlen(name)) || strcmp(base + strlen(name), ".so"))
		return 0;
	else
		snprintf(file, sizeof file, "%s", entry);
	add_file(reg, file);
	return registry_find(reg, name) != NULL;
}

const registry_entry *registry_load_named(registry *reg, const char *name)
{
	if (name_is_identifier(name)) {
		each_search_entry(reg, add_named_file, (void *)name);
		const registry_entry *e = registry_find(reg, name);
		if (e)
			return e;
		registry_free(reg); /* start the full scan afresh: no message twice */
	}
	registry_scan(reg);
	return registry_find(reg, name);
}

void registry_free(registry *reg)
{
	for (size_t i = 0; i < reg->n; i++)
		free(reg->entries[i].path);
	free(reg->entries);
	/* Handles stay open: descriptors and their strings live in them, and
	 * the process ends right after. Under sanitizers, dlclose would also
	 * hide symbol names in leak reports. */
	free(reg->handles);
	for (size_t i = 0; i < reg->nrejected; i++)
		free(reg->rejected[i]);
	free(reg->rejected);
	memset(reg, 0, sizeof *reg);
}
