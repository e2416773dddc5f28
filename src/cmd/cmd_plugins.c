/* cmd_plugins.c -- `lindyn list`, `lindyn help`, `lindyn run`, `--version`. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "shell_word.h"
#include "usage.h"
#include "../host/below_cwd.h"
#include "../host/isolate.h"
#include "lindyn/run.h"
#include "../host/outdir.h"
#include "../host/params.h"
#include "../host/provenance.h"
#include "../host/registry.h"
#include "../host/tables.h"
#include "../host/status.h"

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
		return status_close_stdout("--version");
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
	return status_close_stdout("list");
}

/* Unknown plugin NAME: one line with the nearest name, or the names found. */
static void unknown_plugin(const registry *reg, const char *name)
{
	print_rejected(reg);
	const char **names = malloc((reg->n ? reg->n : 1) * sizeof *names);
	for (size_t i = 0; names && i < reg->n; i++)
		names[i] = reg->entries[i].desc.name;
	const char *near = names ? usage_nearest(name, names, reg->n) : NULL;
	if (near)
		fprintf(stderr, "lindyn: unknown plugin '%s'; did you mean '%s'?\n", name, near);
	else if (!reg->n || !names)
		fprintf(stderr, "lindyn: unknown plugin '%s'; no plugin was found (`lindyn list`)\n",
		        name);
	else {
		fprintf(stderr, "lindyn: unknown plugin '%s'; the plugins are ", name);
		usage_list_names(stderr, names, reg->n);
		fputc('\n', stderr);
	}
	free(names);
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

/* 1 when the first "lindyn" on PATH, the one sh runs, is the file exe. */
static int path_finds(const char *exe)
{
	char found[PATH_MAX], cand[PATH_MAX + 16];
	const char *path = getenv("PATH");
	char *copy = path ? strdup(path) : NULL, *save = NULL;
	int finds = 0;
	for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof cand, "%s/lindyn", d);
		if (!access(cand, X_OK)) {
			finds = realpath(cand, found) && !strcmp(found, exe);
			break;
		}
	}
	free(copy);
	return finds;
}

/* Writes the driver as a recorded command names it, so that the command
 * works as printed: its path relative to the working directory when it
 * lies below it (in a lindyn tree, build/lindyn; ./lindyn in build/), else "lindyn" when PATH
 * finds this very driver, else its absolute path. */
static void put_driver(FILE *f)
{
	char exe[PATH_MAX];
	if (!realpath("/proc/self/exe", exe)) {
		fputs("lindyn", f);
		return;
	}
	const char *below = below_cwd(exe);
	if (below) {
		if (!strchr(below, '/'))
			fputs("./", f); /* a bare name would be looked up on PATH */
		put_shell_word(f, below);
	} else if (path_finds(exe)) {
		fputs("lindyn", f);
	} else {
		put_shell_word(f, exe);
	}
}

/* The command line, shell-quoted where needed, for the provenance header
 * (a growing buffer: quoting may make it four times longer).  A plugin
 * found through LINDYN_PLUGIN_PATH is found again the same way: the
 * command then starts with that variable's value. */
static char *command_line(int argc, char **argv, int with_plugin_path)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	if (with_plugin_path) {
		fputs("LINDYN_PLUGIN_PATH=", f);
		put_shell_word(f, getenv("LINDYN_PLUGIN_PATH"));
		fputc(' ', f);
	}
	put_driver(f);
	fputs(" run", f);
	for (int i = 0; i < argc; i++) {
		fputc(' ', f);
		put_shell_word(f, argv[i]);
	}
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

/* Nothing loaded from an explicit path: say why, one line per reason. */
static void explain_nothing_loaded(const registry *reg, const char *path)
{
	for (size_t i = 0; i < reg->nrejected; i++)
		fprintf(stderr, "lindyn: %s\n", reg->rejected[i]);
	if (!reg->nrejected)
		fprintf(stderr, "lindyn: %s: no plugin found (a directory without .so files)\n", path);
}

/* PLUGIN is a name, or a file (registry_names_file: a path holding '/', or
 * a name ending in .so), which is then the only file loaded: FILE.so for
 * its single plugin, FILE.so:NAME for one of several (a path may also be a
 * directory of .so files). */
static const registry_entry *load_plugin(registry *reg, const char *plugin)
{
	if (!registry_names_file(plugin)) {
		const registry_entry *e = registry_load_named(reg, plugin);
		if (!e && !access(plugin, F_OK)) {
			print_rejected(reg);
			fprintf(stderr, "lindyn: unknown plugin '%s'; to load the file of that name, "
			        "give it as a path: ./%s\n", plugin, plugin);
			return NULL;
		}
		if (!e)
			unknown_plugin(reg, plugin);
		return e;
	}
	char path[4096];
	if (strlen(plugin) >= sizeof path) {
		fprintf(stderr, "lindyn: plugin path is longer than %zu bytes\n", sizeof path - 1);
		return NULL;
	}
	strcpy(path, plugin);
	const char *slash = strrchr(plugin, '/');
	char *colon = strchr(path + (slash ? slash - plugin : 0), ':');
	if (colon)
		*colon++ = 0;
	if (!strchr(path, '/') && access(path, F_OK)) {
		fprintf(stderr, "lindyn: no file %s (a plugin file; or the plugin name '%.*s')\n", path,
		        (int)(strlen(path) - 3), path);
		return NULL;
	}
	registry_add_path(reg, path);
	if (!reg->n) {
		explain_nothing_loaded(reg, path);
		return NULL;
	}
	print_rejected(reg);
	if (colon) {
		const registry_entry *e = registry_find(reg, colon);
		if (!e)
			fprintf(stderr, "lindyn: %s provides no plugin named '%s' (%zu plugin%s: %s%s)\n",
			        path, colon, reg->n, reg->n == 1 ? "" : "s", reg->entries[0].desc.name,
			        reg->n > 1 ? ", ..." : "");
		return e;
	}
	if (reg->n > 1)
		fprintf(stderr, "lindyn: %s holds %zu plugins; give %s:NAME\n", path, reg->n, path);
	return reg->n == 1 ? &reg->entries[0] : NULL;
}

/* Parses --out DIR and --seed N among argv[1..]; 0, or 1 after a message. */
static int parse_run_options(int argc, char **argv, const char **out, unsigned long *seed)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") || !strcmp(argv[i], "--seed")) {
			if (i + 1 == argc) {
				fprintf(stderr, "lindyn run: %s needs a value\n", argv[i]);
				return 1;
			}
			const char *opt = argv[i++];
			if (!strcmp(opt, "--seed")) {
				if (parse_seed(argv[i], seed)) {
					fprintf(stderr, "lindyn run: --seed '%s' is not a non-negative integer\n",
					        argv[i]);
					return 1;
				}
			} else if (*out) {
				fprintf(stderr, "lindyn run: --out given twice\n");
				return 1;
			} else if (!*argv[i]) {
				fprintf(stderr, "lindyn run: --out '' is empty; expected a directory\n");
				return 1;
			} else
				*out = argv[i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "lindyn run: unknown option '%s'\n", argv[i]);
			return 1;
		}
	}
	return 0;
}

typedef struct {
	int status;
	char message[1024];
} run_report;

static void exec_in_child(void *run, void *report)
{
	run_report *rep = report;
	rep->status = lindyn_run_exec(run);
	snprintf(rep->message, sizeof rep->message, "%s", lindyn_run_message(run));
}

/* Executes the run in a child process; the exit code of `lindyn run`. */
static int exec_isolated(lindyn_run *r, const registry_entry *e, const char *out)
{
	run_report rep = { LINDYN_OK, "" };
	isolate_outcome o = isolate_call(exec_in_child, r, &rep, sizeof rep, 0, 1);
	if (o.how == ISOLATE_RETURNED) {
		if (rep.status != LINDYN_OK)
			fprintf(stderr, "lindyn: %s: %s: %s\n", e->desc.name,
			        rep.status == LINDYN_EDIVERGE ? "diverged" : "error", rep.message);
		return status_exit_code(rep.status);
	}
	outdir_clean_stale(out); /* the child's staging directory */
	if (o.how == ISOLATE_INTERRUPTED) {
		fprintf(stderr, "lindyn: %s: error: interrupted by a signal\n", e->desc.name);
		return status_exit_code(LINDYN_EINTR);
	}
	char how[256];
	isolate_describe(&o, how, sizeof how);
	fprintf(stderr, "lindyn: plugin '%s' (%s) %s\n", e->desc.name, e->path, how);
	return 2;
}

/* Loading runs plugin code (constructors, the descriptor function) in this
 * process, before the run is forked off: a crash or an exit() there must still
 * end with one line naming the plugin and exit 2, not a silent 0 or 139.
 * Only async-signal-safe calls below. */
static const char *loading; /* the PLUGIN argument while it is being loaded */

static void say(const char *a, const char *b, const char *c)
{
	const char *parts[] = { "lindyn: plugin '", a, "' ", b, c, "\n" };
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (write(STDERR_FILENO, parts[i], strlen(parts[i])) < 0)
			return;
}

static void crashed_while_loading(int sig)
{
	say(loading, "crashed while loading: ", sig == SIGSEGV ? "Segmentation fault"
	    : sig == SIGBUS ? "Bus error" : sig == SIGABRT ? "Aborted" : sig == SIGFPE
	    ? "Floating point exception" : "Illegal instruction");
	_exit(2);
}

static void exited_while_loading(void)
{
	if (loading) {
		say(loading, "exited the process while loading", "");
		_exit(2);
	}
}

static const registry_entry *load_guarded(registry *reg, const char *plugin)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
	struct sigaction sa = { .sa_handler = crashed_while_loading }, old[5];
	sigemptyset(&sa.sa_mask);
	atexit(exited_while_loading);
	for (size_t i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, &old[i]);
	loading = plugin;
	const registry_entry *e = load_plugin(reg, plugin);
	loading = NULL;
	for (size_t i = 0; i < 5; i++)
		sigaction(sigs[i], &old[i], NULL);
	return e;
}

int cmd_help(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: lindyn help PLUGIN|FILE.so[:NAME]|COMMAND\n");
		return 1;
	}
	if (usage_is_command(argv[0])) {
		usage_print(stdout, argv[0]);
		return status_close_stdout("help");
	}
	registry reg = { 0 };
	const registry_entry *e = load_guarded(&reg, argv[0]);
	if (e) {
		printf("%s %s: %s\n(%s)\n\nparameters:\n", e->desc.name, e->desc.version,
		       e->desc.summary, e->path);
		params_help(stdout, e->desc.params);
		if (registry_tables(e)) {
			printf("\ntables (columns; the aggregates over seeds and over a sweep):\n");
			tables_help(stdout, registry_tables(e));
		}
	}
	registry_free(&reg);
	return e ? status_close_stdout("help") : 1;
}

int cmd_run(int argc, char **argv)
{
	if (argc < 1 || argv[0][0] == '-') {
		fprintf(stderr, "usage: lindyn run PLUGIN|FILE.so[:NAME] key=value... --out DIR "
		                "[--seed N]\n");
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
	if (parse_run_options(argc, argv, &out, &seed))
		return 1;
	if (!out) {
		fprintf(stderr, "lindyn run: expected --out DIR (the directory the run's tables are "
		                "written to)\n");
		return 1;
	}
	registry reg = { 0 };
	const registry_entry *e = load_guarded(&reg, argv[0]);
	if (!e) {
		registry_free(&reg);
		return 1;
	}
	lindyn_run *r = lindyn_run_new(&e->desc, out);
	char *cmd = command_line(argc, argv, e->from_plugin_path);
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
	int code;
	if (status != LINDYN_OK) {
		fprintf(stderr, "lindyn: %s: error: %s\n", e->desc.name, lindyn_run_message(r));
		code = status_exit_code(status);
	} else
		code = exec_isolated(r, e, out);
	free(cmd);
	lindyn_run_free(r);
	registry_free(&reg);
	return code;
}
