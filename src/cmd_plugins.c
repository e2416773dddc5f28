/* cmd_plugins.c -- `lindyn list`, `lindyn help`, `lindyn run`, `--version`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lindyn/run.h"
#include "params.h"
#include "provenance.h"
#include "registry.h"
#include "status.h"


static void print_rejected(const registry *reg)
{
	for (size_t i = 0; i < reg->nrejected; i++)
		fprintf(stderr, "lindyn: warning: %s\n", reg->rejected[i]);
}

/* With argc == -1: `lindyn --version`. */
int cmd_list(int argc, char **argv)
{
	(void)argv;
	if (argc < 0) {
		char tool[256], libs[512];
		provenance_tool(tool, sizeof tool);
		provenance_libs(libs, sizeof libs);
		printf("%s\n%s\n", tool, libs);
		return 0;
	}
	if (argc > 0) {
		fprintf(stderr, "lindyn list: takes no arguments\n");
		return 1;
	}
	registry reg = { 0 };
	registry_scan(&reg);
	print_rejected(&reg);
	for (size_t i = 0; i < reg.n; i++)
		printf("%-14s %-8s %s\n", reg.entries[i].desc.name, reg.entries[i].desc.version,
		       reg.entries[i].desc.summary);
	registry_free(&reg);
	return 0;
}

static const registry_entry *find_or_complain(const registry *reg, const char *name)
{
	const registry_entry *e = registry_find(reg, name);
	if (!e) {
		print_rejected(reg);
		fprintf(stderr, "lindyn: unknown plugin '%s'; `lindyn list` shows the %zu available\n",
		        name, reg->n);
	}
	return e;
}

int cmd_help(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: lindyn help PLUGIN\n");
		return 1;
	}
	registry reg = { 0 };
	registry_scan(&reg);
	const registry_entry *e = find_or_complain(&reg, argv[0]);
	if (e) {
		printf("%s %s: %s\n(%s)\n\nparameters:\n", e->desc.name, e->desc.version,
		       e->desc.summary, e->path);
		params_help(stdout, e->desc.params);
	}
	registry_free(&reg);
	return e ? 0 : 1;
}

static int parse_seed(const char *text, unsigned long *seed)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (!*text || *end || errno || text[0] == '-')
		return -1;
	*seed = (unsigned long)v;
	return 0;
}

/* The command line, shell-quoted where needed, for the provenance header. */
static char *command_line(int argc, char **argv)
{
	size_t cap = 64;
	for (int i = 0; i < argc; i++)
		cap += 2 * strlen(argv[i]) + 3;
	char *out = malloc(cap), *p = out;
	if (!out)
		return NULL;
	p += sprintf(p, "lindyn run");
	for (int i = 0; i < argc; i++) {
		int plain = strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                            "0123456789_-=.,/:+") == strlen(argv[i]);
		*p++ = ' ';
		if (plain) {
			p = stpcpy(p, argv[i]);
			continue;
		}
		*p++ = '\'';
		for (const char *c = argv[i]; *c; c++) {
			if (*c == '\'')
				p = stpcpy(p, "'\\'");
			*p++ = *c;
		}
		*p++ = '\'';
	}
	*p = 0;
	return out;
}

/* PLUGIN is a name, or a path (containing '/') to a .so, which is then the
 * only file loaded: PATH.so for its single plugin, PATH.so:NAME for one of
 * several. */
static const registry_entry *load_plugin(registry *reg, const char *plugin)
{
	const char *slash = strrchr(plugin, '/');
	if (!slash) {
		registry_scan(reg);
		return find_or_complain(reg, plugin);
	}
	char path[4096];
	snprintf(path, sizeof path, "%s", plugin);
	char *colon = strchr(path + (slash - plugin), ':');
	if (colon)
		*colon++ = 0;
	registry_add_path(reg, path);
	if (colon)
		return find_or_complain(reg, colon);
	print_rejected(reg);
	if (reg->n > 1)
		fprintf(stderr, "lindyn: %s holds %zu plugins; run %s:NAME\n", path, reg->n, path);
	return reg->n == 1 ? &reg->entries[0] : NULL;
}

int cmd_run(int argc, char **argv)
{
	if (argc < 1 || argv[0][0] == '-') {
		fprintf(stderr, "usage: lindyn run PLUGIN|PATH.so key=value... [--out DIR] [--seed N]\n");
		return 1;
	}
	for (int i = 0; i < argc; i++)
		for (const char *c = argv[i]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				fprintf(stderr, "lindyn run: argument %d holds a control character\n", i + 1);
				return 1;
			}
	const char *out = NULL;
	unsigned long seed = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") || !strcmp(argv[i], "--seed")) {
			if (i + 1 == argc) {
				fprintf(stderr, "lindyn run: %s needs a value\n", argv[i]);
				return 1;
			}
			if (argv[i][2] == 'o')
				out = argv[++i];
			else if (parse_seed(argv[++i], &seed)) {
				fprintf(stderr, "lindyn run: --seed '%s' is not a non-negative integer\n",
				        argv[i]);
				return 1;
			}
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "lindyn run: unknown option '%s'\n", argv[i]);
			return 1;
		}
	}
	registry reg = { 0 };
	const registry_entry *e = load_plugin(&reg, argv[0]);
	if (!e) {
		registry_free(&reg);
		return 1;
	}
	lindyn_run *r = lindyn_run_new(&e->desc, out);
	char *cmd = command_line(argc, argv);
	if (!r || !cmd) {
		fprintf(stderr, "lindyn: out of memory\n");
		free(cmd);
		lindyn_run_free(r);
		registry_free(&reg);
		return 2;
	}
	lindyn_run_command(r, cmd);
	lindyn_run_plugin_path(r, e->path);
	lindyn_run_seed(r, seed);
	lindyn_run_progress(r, 1);
	int status = LINDYN_OK;
	for (int i = 1; i < argc && status == LINDYN_OK; i++) {
		if (argv[i][0] == '-') {
			i++; /* --out / --seed value */
			continue;
		}
		status = lindyn_run_set(r, argv[i]);
	}
	if (status == LINDYN_OK)
		status = lindyn_run_exec(r);
	if (status != LINDYN_OK)
		fprintf(stderr, "lindyn: %s: %s: %s\n", e->desc.name,
		        status == LINDYN_EDIVERGE ? "diverged" : "error", lindyn_run_message(r));
	free(cmd);
	lindyn_run_free(r);
	registry_free(&reg);
	return status_exit_code(status);
}
