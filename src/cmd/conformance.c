/* conformance.c -- the plugin conformance suite. */
#include "conformance.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../host/isolate.h"
#include "lindyn/run.h"
#include "../host/params.h"
#include "../host/registry.h"
#include "../host/regular_file.h"
#include "../host/tables.h"

typedef struct {
	FILE *out;
	int failures;
	const char *plugin;
	double time_limit;
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

/* What a smoke run in a child process reports. */
typedef struct {
	int status;
	char message[512];
	size_t rows, printed;
	uint64_t digest; /* of every table's name, columns and values */
	char empty_table[64]; /* the first table written without rows, or "" */
} smoke_report;

/* FNV-1a over n bytes. */
static uint64_t hash(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* Total rows and a digest of every table of the run. */
static void digest_tables(const lindyn_run *r, smoke_report *rep)
{
	uint64_t h = 0xcbf29ce484222325ull;
	rep->rows = 0;
	rep->empty_table[0] = 0;
	for (size_t t = 0; lindyn_run_table_name(r, t); t++) {
		const char *name = lindyn_run_table_name(r, t);
		size_t n = lindyn_run_rows(r, name), c = lindyn_run_columns(r, name);
		h = hash(h, name, strlen(name) + 1);
		h = hash(h, &n, sizeof n);
		rep->rows += n;
		if (!n && !*rep->empty_table)
			snprintf(rep->empty_table, sizeof rep->empty_table, "%s", name);
		for (size_t j = 0; j < c; j++) {
			const char *col = lindyn_run_column_name(r, name, j);
			h = hash(h, col, strlen(col) + 1);
			for (size_t i = 0; i < n; i++) {
				double x = lindyn_run_value(r, name, i, col);
				h = hash(h, &x, sizeof x);
			}
		}
	}
	rep->digest = h;
}

/* A run with defaults + smoke_args, stdout and stderr sent to a file so
 * that anything the plugin prints is counted. */
static void smoke(const lindyn_plugin *p, smoke_report *rep)
{
	lindyn_run *r = lindyn_run_new(p, NULL);
	if (!r) {
		rep->status = LINDYN_ENOMEM;
		snprintf(rep->message, sizeof rep->message, "out of memory");
		return;
	}
	lindyn_run_seed(r, 12345);
	char *args = strdup(p->smoke_args ? p->smoke_args : ""), *save = NULL;
	rep->status = args ? LINDYN_OK : LINDYN_ENOMEM;
	for (char *kv = args ? strtok_r(args, " \t", &save) : NULL; kv && !rep->status;
	     kv = strtok_r(NULL, " \t", &save))
		rep->status = lindyn_run_set(r, kv);
	free(args);
	if (!rep->status) {
		char tmpl[] = "/tmp/lindyn-conformance-XXXXXX";
		int fd = mkstemp(tmpl);
		if (fd >= 0) {
			unlink(tmpl);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		rep->status = lindyn_run_exec(r);
		fflush(stdout);
		fflush(stderr);
		struct stat st;
		rep->printed = fd >= 0 && !fstat(fd, &st) ? (size_t)st.st_size : 0;
		digest_tables(r, rep);
	}
	snprintf(rep->message, sizeof rep->message, "%s",
	         rep->status == LINDYN_ENOMEM && !*lindyn_run_message(r) ? "out of memory"
	                                                                 : lindyn_run_message(r));
	lindyn_run_free(r);
}

static void smoke_in_child(void *plugin, void *report)
{
	smoke(plugin, report);
}

/* Two runs in one process, so that state a plugin keeps between runs
 * shows; the report is the second's, its digest 0 when they differ. */
static void twice_in_child(void *plugin, void *report)
{
	smoke_report first;
	smoke(plugin, &first);
	smoke(plugin, report);
	smoke_report *second = report;
	if (first.status != LINDYN_OK || first.rows != second->rows ||
	    first.digest != second->digest)
		second->digest = 0;
}

/* fn's smoke run(s) in a child process with the time limit; 1 when it returned,
 * else 0 after a FAIL line for `what` saying how it ended. */
static int smoke_run(report *rep, const lindyn_plugin *p, void (*fn)(void *, void *),
                     const char *what, smoke_report *out)
{
	memset(out, 0, sizeof *out);
	isolate_outcome o = isolate_call(fn, (void *)p, out, sizeof *out, rep->time_limit, 0);
	if (o.how == ISOLATE_RETURNED)
		return 1;
	char how[256];
	isolate_describe(&o, how, sizeof how);
	check(rep, 0, what, "%s", how);
	return 0;
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

/* valgrind is some 20 to 50 times slower than the plain run. */
#define VALGRIND_SLOWDOWN 10

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void check_valgrind(report *rep, const lindyn_plugin *p, const char *path,
                           const char *driver)
{
	char target[PATH_MAX + 80], scratch[] = "/tmp/lindyn-valgrind-XXXXXX", out[64];
	snprintf(target, sizeof target, "%s:%s", path, p->name);
	if (!mkdtemp(scratch)) {
		check(rep, 0, "frees what it allocates", "cannot make a directory for the run: %s",
		      strerror(errno));
		return;
	}
	snprintf(out, sizeof out, "%s/run", scratch);
	char *args = strdup(p->smoke_args ? p->smoke_args : "");
	fflush(NULL);
	pid_t pid = args ? fork() : -1;
	if (pid == 0) {
		char *argv[64] = { "valgrind", "-q", "--leak-check=full",
		                   "--errors-for-leak-kinds=definite", "--show-possibly-lost=no",
		                   "--error-exitcode=99",
		                   (char *)driver, "run", target, "--out", out };
		int argc = 11;
		char *save = NULL;
		for (char *kv = strtok_r(args, " \t", &save); kv && argc < 63;
		     kv = strtok_r(NULL, " \t", &save))
			argv[argc++] = kv;
		argv[argc] = NULL;
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		execvp("valgrind", argv);
		_exit(127);
	}
	free(args);
	int st = 0, timed_out = pid > 0 && isolate_wait(pid, VALGRIND_SLOWDOWN * rep->time_limit, &st);
	int code = pid < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (code == 127)
		fprintf(rep->out, "SKIP  %s: frees what it allocates: valgrind not installed\n", p->name);
	else if (timed_out)
		check(rep, 0, "frees what it allocates", "valgrind smoke run did not finish within %g s",
		      VALGRIND_SLOWDOWN * rep->time_limit);
	else
		check(rep, code == 0, "frees what it allocates", "valgrind smoke run exit %d%s", code,
		      code == 99 || code == 2 ? " (memory errors or definite leaks)" : "");
}

/* What a plugin's dynamic symbol table may define: its descriptor, and the
 * symbols the linker adds to every shared object. */
static int allowed_export(const char *name)
{
	static const char *const allowed[] = { "lindyn_plugin_descriptor", "_init", "_fini",
	                                       "_edata", "_end", "__bss_start" };
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		if (!strcmp(name, allowed[i]))
			return 1;
	return 0;
}

/* The largest plugin file whose symbols are read. */
#define MAX_PLUGIN_BYTES (512L << 20)

/* The whole file at path in a malloc'ed buffer; NULL with the reason in err. */
static unsigned char *read_whole(const char *path, size_t *size, char *err, size_t errlen)
{
	FILE *f = regular_file_open(path, err, errlen);
	if (!f)
		return NULL;
	long n = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	unsigned char *buf = n >= 0 && n <= MAX_PLUGIN_BYTES ? malloc(n ? (size_t)n : 1) : NULL;
	if (buf && (fseek(f, 0, SEEK_SET) || fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (!buf)
		snprintf(err, errlen, "%s: %s", path, n > MAX_PLUGIN_BYTES ? "larger than 512 MiB"
		                                      : "cannot be read");
	*size = (size_t)n;
	return buf;
}

/* 1 when [off, off + len) lies within a file of size bytes. */
static int within(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

/* Appends to extra (space-separated) each symbol the ELF image defines in
 * .dynsym that allowed_export does not allow; 0, or -1 with the reason in
 * extra when the image is no 64-bit ELF of this machine's byte order. */
static int scan_dynsym(const unsigned char *img, size_t size, char *extra, size_t len)
{
	Elf64_Ehdr eh;
	const unsigned char data = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB
	                                                                      : ELFDATA2MSB;
	if (size < sizeof eh || memcmp(img, ELFMAG, SELFMAG) || img[EI_CLASS] != ELFCLASS64 ||
	    img[EI_DATA] != data)
		return snprintf(extra, len, "not a 64-bit ELF file of this machine"), -1;
	memcpy(&eh, img, sizeof eh);
	if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !within(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), size))
		return snprintf(extra, len, "malformed ELF section headers"), -1;
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh, str;
		memcpy(&sh, img + eh.e_shoff + i * sizeof sh, sizeof sh);
		if (sh.sh_type != SHT_DYNSYM)
			continue;
		if (sh.sh_link >= eh.e_shnum || sh.sh_entsize != sizeof(Elf64_Sym) ||
		    !within(sh.sh_offset, sh.sh_size, size))
			return snprintf(extra, len, "malformed .dynsym section"), -1;
		memcpy(&str, img + eh.e_shoff + sh.sh_link * sizeof str, sizeof str);
		if (!within(str.sh_offset, str.sh_size, size))
			return snprintf(extra, len, "malformed .dynstr section"), -1;
		const char *names = (const char *)img + str.sh_offset;
		for (uint64_t k = 1; k < sh.sh_size / sizeof(Elf64_Sym); k++) { /* 0: the null symbol */
			Elf64_Sym sym;
			memcpy(&sym, img + sh.sh_offset + k * sizeof sym, sizeof sym);
			if (sym.st_shndx == SHN_UNDEF)
				continue;
			if (sym.st_name >= str.sh_size || !memchr(names + sym.st_name, 0,
			                                          str.sh_size - sym.st_name))
				return snprintf(extra, len, "malformed symbol name"), -1;
			const char *name = names + sym.st_name;
			if (!allowed_export(name))
				snprintf(extra + strlen(extra), len - strlen(extra), "%s%s",
				         *extra ? ", " : "", name);
		}
	}
	return 0;
}

/* A plugin exports its descriptor and nothing else: any other symbol could
 * bind to, or be bound by, another plugin's or the driver's of that name. */
static void check_exports(report *rep, const char *path)
{
	char extra[1024] = "";
	size_t size;
	unsigned char *img = read_whole(path, &size, extra, sizeof extra);
	int bad = !img || scan_dynsym(img, size, extra, sizeof extra);
	free(img);
	if (bad)
		check(rep, 0, "exports only its descriptor", "cannot read its symbols: %s", extra);
	else
		check(rep, !*extra, "exports only its descriptor", *extra
		      ? "also exports %s (build with -fvisibility=hidden)" : "yes%s", extra);
}

/* A 1.2 plugin declares its tables (the host then refuses any other table
 * or column in the smoke runs); an older one cannot. */
static void check_declares_tables(report *rep, const registry_entry *e)
{
	const lindyn_table_def *t = registry_tables(e);
	size_t n = 0;
	while (t && t[n].name)
		n++;
	if (e->desc.abi_minor < 2)
		fprintf(rep->out, "SKIP  %s: declares its tables: built for ABI %u.%u, before 1.2\n",
		        rep->plugin, e->desc.abi_major, e->desc.abi_minor);
	else
		check(rep, n > 0, "declares its tables", n ? "%zu, well-formed, with help texts"
		      : "none: set lindyn_plugin.tables (ABI 1.2)", n);
}

static void check_plugin(report *rep, const registry_entry *e, const char *driver)
{
	const lindyn_plugin *p = &e->desc;
	rep->plugin = p->name;
	check(rep, 1, "loads", "%s, ABI %u.%u (driver %u.%u)", e->path, p->abi_major, p->abi_minor,
	      LINDYN_ABI_MAJOR, LINDYN_ABI_MINOR);
	check_exports(rep, e->path);
	check(rep, 1, "parameter table", "well-formed, every parameter has help text");
	check_declares_tables(rep, e);
	check(rep, p->smoke_args != NULL, "smoke arguments", "%s",
	      p->smoke_args ? p->smoke_args : "missing: set lindyn_plugin.smoke_args");
	smoke_report a, b;
	int ran = smoke_run(rep, p, smoke_in_child, "runs with defaults at a tiny size", &a);
	if (ran)
		check(rep, a.status == LINDYN_OK, "runs with defaults at a tiny size", "%s",
		      a.status ? a.message : "ok");
	if (ran && a.status == LINDYN_OK) {
		check(rep, a.rows > 0, "emits finite numbers", "%zu rows", a.rows);
		if (a.rows > 0) /* else "emits finite numbers" failed already */
			check(rep, !*a.empty_table, "every table it writes has rows",
			      *a.empty_table ? "table '%s' has none" : "yes", a.empty_table);
		if (smoke_run(rep, p, twice_in_child, "deterministic for a fixed seed", &b)) {
			int same = b.status == LINDYN_OK && b.rows == a.rows && b.digest == a.digest;
			check(rep, same, "deterministic for a fixed seed", "%s",
			      same ? "two runs bit-identical" : "two runs differ");
		}
		check(rep, a.printed == 0, "reports through the host",
		      a.printed ? "printed %zu bytes on stdout/stderr" : "prints nothing", a.printed);
	}
	check_bounds(rep, p);
	if (driver && ran && a.status == LINDYN_OK)
		check_valgrind(rep, p, e->path, driver);
}

/* Loads the plugin file at path, or every installed plugin. */
static void load(registry *reg, const char *path)
{
	struct stat st;
	if (!stat(path, &st))
		registry_add_path(reg, path);
	else
		registry_scan(reg);
}

static void load_in_child(void *path, void *report)
{
	registry reg = { 0 };
	load(&reg, path);
	*(int *)report = 1;
}

int conformance_check(const char *path, FILE *out, const char *valgrind_driver,
                      double time_limit)
{
	report rep = { out, 0, path, time_limit };
	struct stat st;
	if (registry_names_file(path) && stat(path, &st)) {
		size_t n = strlen(path);
		if (!strchr(path, '/'))
			check(&rep, 0, "loads", "no file %s (a plugin file; or the plugin name '%.*s')", path,
			      (int)(n - 3), path);
		else
			check(&rep, 0, "loads", "no file %s", path);
		return rep.failures;
	}
	/* Loading runs the library's constructors and descriptor function:
	 * first in a child process, so that a crash there is a failed check. */
	int loaded = 0;
	isolate_outcome o = isolate_call(load_in_child, (void *)path, &loaded, sizeof loaded,
	                                 time_limit, 0);
	if (o.how != ISOLATE_RETURNED) {
		char how[256];
		isolate_describe(&o, how, sizeof how);
		check(&rep, 0, "loads", "loading %s", how);
		return rep.failures;
	}
	registry reg = { 0 };
	load(&reg, path);
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
