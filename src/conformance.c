/* conformance.c -- the plugin conformance suite. */
#include "conformance.h"

#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lindyn/run.h"
#include "params.h"
#include "registry.h"

typedef struct {
	FILE *out;
	int failures;
	const char *plugin;
} report;

static void check(report *rep, int ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void check(report *rep, int ok, const char *what, const char *fmt, ...)
{
	fprintf(rep->out, "%s  %s: %s: ", ok ? "PASS" : "FAIL", rep->plugin, what);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(rep->out, fmt, ap);
	va_end(ap);
	fputc('\n', rep->out);
	rep->failures += !ok;
}

/* A run with defaults + smoke_args + extra; stdout/stderr captured so that
 * anything the plugin prints is caught.  Returns the run (caller frees). */
static lindyn_run *smoke_run(const lindyn_plugin *p, const char *extra, int *status,
                             size_t *printed)
{
	lindyn_run *r = lindyn_run_new(p, NULL);
	if (!r) {
		*status = LINDYN_ENOMEM;
		return NULL;
	}
	lindyn_run_seed(r, 12345);
	char args[2048], *save = NULL;
	snprintf(args, sizeof args, "%s %s", p->smoke_args ? p->smoke_args : "", extra);
	*status = LINDYN_OK;
	for (char *kv = strtok_r(args, " \t", &save); kv && !*status;
	     kv = strtok_r(NULL, " \t", &save))
		*status = lindyn_run_set(r, kv);
	if (*status)
		return r;
	char tmpl[] = "/tmp/lindyn-conformance-XXXXXX";
	int fd = mkstemp(tmpl);
	fflush(stdout);
	fflush(stderr);
	int saved_out = dup(1), saved_err = dup(2);
	if (fd >= 0) {
		unlink(tmpl);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	*status = lindyn_run_exec(r);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	struct stat st;
	*printed = fd >= 0 && !fstat(fd, &st) ? (size_t)st.st_size : 0;
	if (fd >= 0)
		close(fd);
	return r;
}

/* Do two runs hold bit-identical tables? */
static int same_tables(const lindyn_run *a, const lindyn_run *b, size_t *rows)
{
	*rows = 0;
	for (size_t t = 0;; t++) {
		const char *name = lindyn_run_table_name(a, t);
		if (!name)
			return lindyn_run_table_name(b, t) == NULL;
		size_t n = lindyn_run_rows(a, name), c = lindyn_run_columns(a, name);
		if (n != lindyn_run_rows(b, name) || c != lindyn_run_columns(b, name))
			return 0;
		*rows += n;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < c; j++) {
				const char *col = lindyn_run_column_name(a, name, j);
				double x = lindyn_run_value(a, name, i, col), y = lindyn_run_value(b, name, i, col);
				if (memcmp(&x, &y, sizeof x))
					return 0;
			}
	}
}

static void check_bounds(report *rep, const lindyn_plugin *p)
{
	for (const lindyn_param *d = p->params; d->key; d++) {
		char bad[2][128], num[40];
		int nbad = 0;
		if (d->kind == LINDYN_P_INT || d->kind == LINDYN_P_REAL) {
			double step = d->kind == LINDYN_P_INT ? 1 : fmax(fabs(d->min), 1) * 1e-6;
			if (d->min > -DBL_MAX && d->min - step > -9e15)
				params_format_real(num, sizeof num, d->min - step),
				snprintf(bad[nbad++], sizeof bad[0], "%s=%s", d->key, num);
			step = d->kind == LINDYN_P_INT ? 1 : fmax(fabs(d->max), 1) * 1e-6;
			if (d->max < DBL_MAX && d->max + step < 9e15)
				params_format_real(num, sizeof num, d->max + step),
				snprintf(bad[nbad++], sizeof bad[0], "%s=%s", d->key, num);
		} else if (d->kind == LINDYN_P_ENUM || d->kind == LINDYN_P_BOOL) {
			snprintf(bad[nbad++], sizeof bad[0], "%s=not_a_choice", d->key);
		}
		for (int i = 0; i < nbad; i++) {
			lindyn_run *r = lindyn_run_new(p, NULL);
			int status = r ? lindyn_run_set(r, bad[i]) : LINDYN_ENOMEM;
			check(rep, status == LINDYN_EINVAL, "rejects out-of-range value", "%s -> %s",
			      bad[i], r ? lindyn_run_message(r) : "out of memory");
			lindyn_run_free(r);
		}
	}
}

static void check_valgrind(report *rep, const lindyn_plugin *p, const char *path,
                           const char *driver)
{
	char target[4200];
	snprintf(target, sizeof target, "%s:%s", path, p->name);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[64] = { "valgrind", "-q", "--leak-check=full",
		                   "--errors-for-leak-kinds=definite", "--error-exitcode=99",
		                   (char *)driver, "run", target };
		int argc = 8;
		char args[2048], *save = NULL;
		snprintf(args, sizeof args, "%s", p->smoke_args ? p->smoke_args : "");
		for (char *kv = strtok_r(args, " \t", &save); kv && argc < 60;
		     kv = strtok_r(NULL, " \t", &save))
			argv[argc++] = kv;
		argv[argc] = NULL;
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		execvp("valgrind", argv);
		_exit(127);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (code == 127)
		fprintf(rep->out, "SKIP  %s: frees what it allocates: valgrind not installed\n", p->name);
	else
		check(rep, code == 0, "frees what it allocates", "valgrind smoke run exit %d%s", code,
		      code == 99 ? " (memory errors or definite leaks)" : "");
}

static void check_plugin(report *rep, const registry_entry *e, const char *driver)
{
	const lindyn_plugin *p = &e->desc;
	rep->plugin = p->name;
	check(rep, 1, "loads", "%s, ABI %u.%u (driver %u.%u)", e->path, p->abi_major, p->abi_minor,
	      LINDYN_ABI_MAJOR, LINDYN_ABI_MINOR);
	check(rep, 1, "parameter table", "well-formed, every parameter has help text");
	check(rep, p->smoke_args != NULL, "smoke arguments", "%s",
	      p->smoke_args ? p->smoke_args : "missing: set lindyn_plugin.smoke_args");
	int s1, s2;
	size_t printed1 = 0, printed2 = 0, rows = 0;
	lindyn_run *a = smoke_run(p, "", &s1, &printed1);
	check(rep, s1 == LINDYN_OK, "runs with defaults at a tiny size", "%s",
	      s1 ? (a ? lindyn_run_message(a) : "out of memory") : "ok");
	if (s1 == LINDYN_OK) {
		lindyn_run *b = smoke_run(p, "", &s2, &printed2);
		int same = s2 == LINDYN_OK && same_tables(a, b, &rows);
		check(rep, rows > 0, "emits finite numbers", "%zu rows", rows);
		check(rep, same, "deterministic for a fixed seed", "%s",
		      same ? "two runs bit-identical" : "two runs differ");
		check(rep, printed1 == 0, "reports through the host",
		      printed1 ? "printed %zu bytes on stdout/stderr" : "prints nothing", printed1);
		lindyn_run_free(b);
	}
	lindyn_run_free(a);
	check_bounds(rep, p);
	if (driver)
		check_valgrind(rep, p, e->path, driver);
}

int conformance_check(const char *path, FILE *out, const char *valgrind_driver)
{
	report rep = { out, 0, path };
	registry reg = { 0 };
	struct stat st;
	if (!stat(path, &st))
		registry_add_path(&reg, path);
	else
		registry_scan(&reg);
	for (size_t i = 0; i < reg.nrejected; i++)
		check(&rep, 0, "loads", "%s", reg.rejected[i]);
	size_t checked = 0;
	for (size_t i = 0; i < reg.n; i++) {
		if (stat(path, &st) && strcmp(reg.entries[i].desc.name, path))
			continue;
		check_plugin(&rep, &reg.entries[i], valgrind_driver);
		checked++;
	}
	if (!checked && !reg.nrejected) {
		rep.plugin = path;
		check(&rep, 0, "loads", "no plugin found at or named '%s'", path);
	}
	registry_free(&reg);
	return rep.failures;
}
