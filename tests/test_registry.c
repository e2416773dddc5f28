/* test_registry.c -- plugin loading (src/host/registry.c) against the fixture
 * plugins of tests/fixtures: each way a .so can be wrong is rejected with a
 * message naming the file and the reason, and the acceptable ones load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lindyn/run.h"
#include "../src/host/registry.h"
#include "../src/host/tables.h"
#include "fixtures/testutil.h"

static registry reg;

static int setup(void **state)
{
	(void)state;
	memset(&reg, 0, sizeof reg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	registry_free(&reg);
	return 0;
}

/* Loads build/fixtures/<name>.so alone and returns its path. */
static const char *add_fixture(const char *name)
{
	static char path[PATH_MAX];
	char rel[128];
	snprintf(rel, sizeof rel, "fixtures/%s.so", name);
	snprintf(path, sizeof path, "%s", tu_path(rel));
	assert_true(tu_exists(path));
	registry_add_path(&reg, path);
	return path;
}

/* The fixture is rejected with exactly one message: "plugin [<path>]<rest>". */
static void expect_rejected(const char *name, const char *rest)
{
	const char *path = add_fixture(name);
	assert_int_equal(reg.n, 0);
	assert_int_equal(reg.nrejected, 1);
	char want[PATH_MAX + 512];
	snprintf(want, sizeof want, "plugin [%s]%s", path, rest);
	assert_string_equal(reg.rejected[0], want);
}

static void test_valid_plugin_loads(void **state)
{
	(void)state;
	const char *path = add_fixture("plain");
	assert_int_equal(reg.nrejected, 0);
	assert_int_equal(reg.n, 1);
	const registry_entry *e = registry_find(&reg, "fx_plain");
	assert_non_null(e);
	assert_string_equal(e->desc.summary, "registry fixture");
	assert_string_equal(e->desc.smoke_args, "steps=2");
	char real[PATH_MAX];
	assert_non_null(realpath(path, real));
	assert_string_equal(e->path, real);
	assert_null(registry_find(&reg, "fx_plan"));
	/* Adding the same file again neither duplicates nor rejects it. */
	registry_add_path(&reg, path);
	assert_int_equal(reg.n, 1);
	assert_int_equal(reg.nrejected, 0);
}

static void test_several_plugins_in_one_file(void **state)
{
	(void)state;
	add_fixture("misbehave");
	assert_int_equal(reg.nrejected, 0);
	assert_int_equal(reg.n, 3);
	assert_non_null(registry_find(&reg, "fx_diverge"));
	assert_non_null(registry_find(&reg, "fx_fail"));
	assert_non_null(registry_find(&reg, "fx_slow"));
}

static void test_not_loadable(void **state)
{
	(void)state;
	char *dir = tu_tmpdir(), path[PATH_MAX];
	snprintf(path, sizeof path, "%s/notes.so", dir);
	tu_write(path, "this is a text file, not a shared object\n");
	registry_add_path(&reg, path);
	assert_int_equal(reg.n, 0);
	assert_int_equal(reg.nrejected, 1);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "plugin [%s]: cannot load: ", path);
	assert_prefix(reg.rejected[0], want);
	assert_contains(reg.rejected[0], "notes.so");
	tu_rmtree(dir);
}

static void test_missing_symbol(void **state)
{
	(void)state;
	expect_rejected("no_symbol", ": no entry point lindyn_plugin_descriptor");
}

static void test_abi_major_2(void **state)
{
	(void)state;
	expect_rejected("abi_major2", " #0: built for ABI 2.0, driver has 1.3");
}

static void test_newer_minor(void **state)
{
	(void)state;
	expect_rejected("abi_newer_minor", " #0: built for ABI 1.4, driver has 1.3");
}

/* An ABI 1.0 descriptor loads; smoke_args, appended in 1.1 and past its
 * struct_size, reads as NULL although the plugin's memory holds a string. */
static void test_older_minor_loads_with_zero_tail(void **state)
{
	(void)state;
	add_fixture("abi_older_minor");
	assert_int_equal(reg.nrejected, 0);
	const registry_entry *e = registry_find(&reg, "fx_abi_older_minor");
	assert_non_null(e);
	assert_int_equal(e->desc.abi_minor, 0);
	assert_int_equal(e->desc.struct_size, offsetof(lindyn_plugin, smoke_args));
	assert_null(e->desc.smoke_args);
	assert_null(registry_tables(e)); /* declares nothing: may write any table */
	/* And it runs. */
	lindyn_run *r = lindyn_run_new(&e->desc, NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_int_equal(lindyn_run_rows(r, "out"), 3);
	lindyn_run_free(r);
}

static void test_struct_too_small(void **state)
{
	(void)state;
	char rest[128];
	snprintf(rest, sizeof rest, " #0: descriptor struct_size %zu is smaller than ABI 1.0's",
	         offsetof(lindyn_plugin, free));
	expect_rejected("struct_too_small", rest);
}

static void test_duplicate_name(void **state)
{
	(void)state;
	char first[PATH_MAX], real[PATH_MAX];
	snprintf(first, sizeof first, "%s", add_fixture("plain"));
	assert_non_null(realpath(first, real));
	const char *second = add_fixture("duplicate");
	assert_int_equal(reg.n, 1);
	assert_int_equal(reg.nrejected, 1);
	char want[3 * PATH_MAX];
	snprintf(want, sizeof want, "plugin [%s]: name 'fx_plain' is already provided by %s",
	         second, real);
	assert_string_equal(reg.rejected[0], want);
	/* The first one stays. */
	assert_string_equal(registry_find(&reg, "fx_plain")->path, real);
}

static void test_default_outside_bounds(void **state)
{
	(void)state;
	expect_rejected("bad_default",
	                " #0: plugin 'fx_bad_default': malformed parameter table: bad default: "
	                "parameter 'rate': 2.5 is out of range; expected a real number in [0, 1]");
}

static void test_unknown_kind(void **state)
{
	(void)state;
	expect_rejected("bad_kind", " #0: plugin 'fx_bad_kind': malformed parameter table: "
	                            "parameter 'mode': unknown kind 17");
}

static void test_missing_help(void **state)
{
	(void)state;
	expect_rejected("no_help", " #0: plugin 'fx_no_help': malformed parameter table: "
	                           "parameter 'tol': no help text");
}

static void test_malformed_table_declaration(void **state)
{
	(void)state;
	expect_rejected("bad_tables", " #0: plugin 'fx_bad_tables': malformed table declaration: "
	                              "table 'out': column 'step' is declared twice");
}

/* Each rule of a table declaration, with its message. */
static void test_table_declaration_rules(void **state)
{
	(void)state;
	lindyn_column cols[] = { { "step", "n" }, { "loss", "l" }, { NULL, NULL } };
	lindyn_table_def t[] = { { "loss", "the loss", cols }, { NULL, NULL, NULL },
	                         { NULL, NULL, NULL } };
	char err[256];
	assert_int_equal(tables_check(t, err, sizeof err), 0);
	assert_int_equal(tables_check(NULL, err, sizeof err), 0);
	t[0].name = "Loss";
	assert_int_equal(tables_check(t, err, sizeof err), -1);
	assert_string_equal(err, "table 'Loss': name must be [a-z][a-z0-9_]* (at most 63 characters)");
	t[0].name = "loss";
	t[1] = t[0];
	assert_int_equal(tables_check(t, err, sizeof err), -1);
	assert_string_equal(err, "table 'loss' is declared twice");
	t[1].name = NULL;
	t[0].help = "";
	assert_int_equal(tables_check(t, err, sizeof err), -1);
	assert_string_equal(err, "table 'loss' has no help text");
	t[0].help = "the loss";
	cols[1].name = "lo ss";
	assert_int_equal(tables_check(t, err, sizeof err), -1);
	assert_string_equal(err, "table 'loss': column 'lo ss' must be [A-Za-z_][A-Za-z0-9_]* "
	                         "(at most 63 characters)");
	cols[1].name = "L0"; /* capitals are fine in a column */
	assert_int_equal(tables_check(t, err, sizeof err), 0);
	cols[1].help = NULL;
	assert_int_equal(tables_check(t, err, sizeof err), -1);
	assert_string_equal(err, "table 'loss': column 'L0' has no help text");
	cols[0].name = NULL;
	assert_int_equal(tables_check(t, err, sizeof err), -1);
	assert_string_equal(err, "table 'loss' has no columns");
}

/* registry_tables gives the declaration of a 1.2 plugin. */
static void test_declared_tables_of_a_loaded_plugin(void **state)
{
	(void)state;
	add_fixture("good");
	const registry_entry *e = registry_find(&reg, "fx_good");
	assert_non_null(e);
	const lindyn_table_def *t = registry_tables(e);
	assert_non_null(t);
	const lindyn_table_def *w = tables_find(t, "weights");
	assert_non_null(w);
	assert_null(tables_find(t, "weight"));
	assert_non_null(table_column(w, "w01"));
	assert_null(table_column(w, "w02"));
}

static void test_missing_path(void **state)
{
	(void)state;
	registry_add_path(&reg, "/nonexistent/plugins");
	assert_int_equal(reg.nrejected, 1);
	assert_string_equal(reg.rejected[0], "plugin path [/nonexistent/plugins]: does not exist");
}

/* A directory: every *.so in name order, the good ones kept, each bad one
 * reported once. */
static void test_directory_scan(void **state)
{
	(void)state;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", tu_path("fixtures"));
	registry_add_path(&reg, dir);
	static const char *loaded[] = { "fx_abi_older_minor", "fx_segv", "fx_abort", "fx_exit",
	                                "fx_spin", "fx_declared", "fx_plain", "fx_extra_export",
	                                "fx_good", "fx_diverge",
	                                "fx_fail", "fx_slow", "fx_no_tables", "fx_sloppy", "fx_undeclared",
	                                "fx_empty_table" };
	assert_int_equal(reg.n, sizeof loaded / sizeof *loaded);
	for (size_t i = 0; i < reg.n; i++)
		assert_string_equal(reg.entries[i].desc.name, loaded[i]);
	static const char *rejected[] = { "abi_major2.so", "abi_newer_minor.so", "bad_default.so",
	                                  "bad_kind.so", "bad_tables.so", "crash_on_load.so", "empty_list.so",
	                                  "no_help.so", "no_symbol.so", "plain.so",
	                                  "struct_too_small.so" };
	assert_int_equal(reg.nrejected, sizeof rejected / sizeof *rejected);
	for (size_t i = 0; i < reg.nrejected; i++) {
		char want[PATH_MAX + 64];
		snprintf(want, sizeof want, "plugin [%s/%s]", dir, rejected[i]);
		assert_prefix(reg.rejected[i], want);
	}
}

/* An entry point that provides no plugin is reported, not passed over. */
static void test_no_plugin_provided(void **state)
{
	(void)state;
	expect_rejected("empty_list", ": lindyn_plugin_descriptor(0) returned no plugin");
}

/* A FIFO named like a plugin is refused without opening it (dlopen would
 * wait for a writer for ever). */
static void test_fifo_not_loaded(void **state)
{
	(void)state;
	char *dir = tu_tmpdir(), path[PATH_MAX];
	snprintf(path, sizeof path, "%s/pipe.so", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	registry_add_path(&reg, dir);
	assert_int_equal(reg.n, 0);
	assert_int_equal(reg.nrejected, 1);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "plugin [%s]: not a regular file", path);
	assert_string_equal(reg.rejected[0], want);
	tu_rmtree(dir);
}

/* LINDYN_PLUGIN_PATH: colon-separated files and directories. */
static void test_plugin_path_variable(void **state)
{
	(void)state;
	char value[3 * PATH_MAX];
	snprintf(value, sizeof value, "%s:", tu_path("fixtures/good.so"));
	snprintf(value + strlen(value), sizeof value - strlen(value), "%s",
	         tu_path("fixtures/misbehave.so"));
	setenv("LINDYN_PLUGIN_PATH", value, 1);
	registry_scan(&reg);
	unsetenv("LINDYN_PLUGIN_PATH");
	assert_non_null(registry_find(&reg, "fx_good"));
	assert_non_null(registry_find(&reg, "fx_slow"));
	assert_null(registry_find(&reg, "fx_plain"));
	assert_int_equal(reg.nrejected, 0);
	/* Each plugin knows it came through the variable (a run's recorded
	 * command then sets it); one next to the driver or named by its file does not. */
	assert_true(registry_find(&reg, "fx_good")->from_plugin_path);
	assert_true(registry_find(&reg, "fx_slow")->from_plugin_path);
	for (size_t i = 0; i < reg.n; i++)
		if (strncmp(reg.entries[i].desc.name, "fx_", 3))
			assert_false(reg.entries[i].from_plugin_path);
	add_fixture("plain");
	assert_false(registry_find(&reg, "fx_plain")->from_plugin_path);
}

/* A plugin argument names a file when it holds a '/' or ends in .so. */
static void test_names_file(void **state)
{
	(void)state;
	assert_true(registry_names_file("./x"));
	assert_true(registry_names_file("x.so"));
	assert_true(registry_names_file("x.so:fx_a"));
	assert_true(registry_names_file("dir/x.so:fx_a"));
	assert_false(registry_names_file("gd2"));
	assert_false(registry_names_file(".so"));
	assert_false(registry_names_file("x.sox"));
	assert_false(registry_names_file("notes.txt"));
}

/* Copies build/fixtures/<fixture>.so to <dir>/<as> (a fresh file: the
 * process keeps every library it loaded, by path). */
static void copy_fixture(const char *fixture, const char *dir, const char *as)
{
	char rel[128], to[PATH_MAX];
	snprintf(rel, sizeof rel, "fixtures/%s.so", fixture);
	snprintf(to, sizeof to, "%s/%s", dir, as);
	FILE *in = fopen(tu_path(rel), "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[1 << 16];
	for (size_t n; (n = fread(buf, 1, sizeof buf, in));)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* registry_load_named with LINDYN_PLUGIN_PATH set to `path`. */
static const registry_entry *load_named(const char *path, const char *name)
{
	setenv("LINDYN_PLUGIN_PATH", path, 1);
	const registry_entry *e = registry_load_named(&reg, name);
	unsetenv("LINDYN_PLUGIN_PATH");
	return e;
}

/* Asserts that e is plugin `name` from <dir>/<file>. */
static void assert_from(const registry_entry *e, const char *name, const char *dir,
                        const char *file)
{
	assert_non_null(e);
	assert_string_equal(e->desc.name, name);
	char want[PATH_MAX], real[PATH_MAX];
	snprintf(want, sizeof want, "%s/%s", dir, file);
	assert_non_null(realpath(want, real));
	assert_string_equal(e->path, real);
}

/* `run NAME` opens NAME.so alone: a file beside it that would kill the
 * process when loaded (and comes first in name order) is never opened. */
static void test_named_file_loaded_alone(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	copy_fixture("crash_on_load", dir, "aaa.so");
	copy_fixture("good", dir, "fx_good.so");
	setenv("LINDYN_FIXTURE_CRASH_ON_LOAD", "1", 1);
	const registry_entry *e = load_named(dir, "fx_good");
	unsetenv("LINDYN_FIXTURE_CRASH_ON_LOAD");
	assert_from(e, "fx_good", dir, "fx_good.so");
	assert_int_equal(reg.n, 1);
	assert_int_equal(reg.nrejected, 0);
	tu_rmtree(dir);
}

/* A plugin served by a file of another name (as gd2.so serves gd2_toy), or
 * a NAME.so that provides other plugins only: found by the full scan, which
 * reports each rejected file once. */
static void test_named_falls_back_to_scan(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	copy_fixture("misbehave", dir, "fx_diverge.so");
	copy_fixture("plain", dir, "fx_good.so");
	copy_fixture("good", dir, "zzz.so");
	copy_fixture("no_symbol", dir, "broken.so");
	assert_from(load_named(dir, "fx_slow"), "fx_slow", dir, "fx_diverge.so");
	assert_int_equal(reg.nrejected, 1);
	assert_contains(reg.rejected[0], "broken.so]: no entry point");
	registry_free(&reg);
	assert_from(load_named(dir, "fx_good"), "fx_good", dir, "zzz.so");
	assert_int_equal(reg.nrejected, 1);
	assert_non_null(registry_find(&reg, "fx_plain")); /* everything was loaded */
	registry_free(&reg);
	assert_null(load_named(dir, "fx_nope"));
	assert_int_equal(reg.nrejected, 1);
	registry_free(&reg);
	/* Not a plugin name: no file name is made of it. */
	assert_null(load_named(dir, "../fx_good"));
	tu_rmtree(dir);
}

/* NAME.so in several places: the first in search order wins, as in the
 * full scan; a file entry of LINDYN_PLUGIN_PATH counts when so named. */
static void test_named_search_order(void **state)
{
	(void)state;
	char *one = tu_tmpdir(), *two = tu_tmpdir(), *three = tu_tmpdir(), path[3 * PATH_MAX];
	copy_fixture("good", one, "fx_good.so");
	copy_fixture("good", two, "fx_good.so");
	snprintf(path, sizeof path, "%s:%s", one, two);
	assert_from(load_named(path, "fx_good"), "fx_good", one, "fx_good.so");
	registry_free(&reg);
	snprintf(path, sizeof path, "%s:%s", two, one);
	assert_from(load_named(path, "fx_good"), "fx_good", two, "fx_good.so");
	registry_free(&reg);
	/* A NAME.so that fails to provide NAME is passed over for the next. */
	copy_fixture("plain", three, "fx_good.so");
	snprintf(path, sizeof path, "%s:%s/fx_good.so", three, two);
	assert_from(load_named(path, "fx_good"), "fx_good", two, "fx_good.so");
	assert_int_equal(reg.n, 2);
	tu_rmtree(one);
	tu_rmtree(two);
	tu_rmtree(three);
}

/* registry_check on descriptors built in place. */
static void test_descriptor_checks(void **state)
{
	(void)state;
	const registry_entry *e;
	add_fixture("plain");
	e = registry_find(&reg, "fx_plain");
	lindyn_plugin d = e->desc;
	char err[512];
	assert_int_equal(registry_check(&d, err, sizeof err), 0);
	d.name = "Fx-Plain";
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	assert_string_equal(err, "plugin name must match [a-z][a-z0-9_]*");
	d.name = "";
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	d.name = "9lives";
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	d.name = "_hidden";
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	d.name = "gd2_v2";
	assert_int_equal(registry_check(&d, err, sizeof err), 0);
	/* At most 63 characters: a name becomes file names and make targets. */
	char long_name[65];
	memset(long_name, 'a', 64);
	long_name[64] = 0;
	d.name = long_name;
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	long_name[63] = 0;
	assert_int_equal(registry_check(&d, err, sizeof err), 0);
	d.name = NULL;
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	d = e->desc;
	d.run = NULL;
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	assert_contains(err, "plugin 'fx_plain': descriptor lacks");
	d = e->desc;
	d.summary = NULL;
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	d = e->desc;
	d.params = NULL;
	assert_int_equal(registry_check(&d, err, sizeof err), -1);
	assert_contains(err, "malformed parameter table: parameter table is NULL");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_valid_plugin_loads),     T(test_several_plugins_in_one_file),
		T(test_not_loadable),           T(test_missing_symbol),
		T(test_abi_major_2),            T(test_newer_minor),
		T(test_older_minor_loads_with_zero_tail), T(test_struct_too_small),
		T(test_duplicate_name),         T(test_default_outside_bounds),
		T(test_unknown_kind),           T(test_missing_help),
		T(test_malformed_table_declaration), T(test_table_declaration_rules),
		T(test_declared_tables_of_a_loaded_plugin),
		T(test_missing_path),           T(test_directory_scan),
		T(test_plugin_path_variable),   T(test_descriptor_checks),
		T(test_names_file),
		T(test_no_plugin_provided),     T(test_fifo_not_loaded),
		T(test_named_file_loaded_alone), T(test_named_falls_back_to_scan),
		T(test_named_search_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
