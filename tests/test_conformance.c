/* test_conformance.c -- the conformance suite (src/cmd/conformance.c) over
 * every plugin built from a plugins/NAME folder tracked by git: it loads,
 * its parameter table is well-formed, it runs with defaults + smoke_args,
 * twice bit-identically, printing nothing, rejects an out-of-range value of
 * every bounded parameter and (outside sanitizer builds, when valgrind is
 * installed) frees what it allocates.  The suite itself is checked on the
 * fixtures: a good plugin passes, broken ones fail for the right reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/cmd/conformance.h"
#include "fixtures/testutil.h"

/* Runs the suite on `path` with a time limit per check; returns its report
 * (caller frees) and failures. */
static char *check_within(const char *path, const char *driver, double limit, int *failures)
{
	char *report = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&report, &len);
	*failures = conformance_check(path, out, driver, limit);
	fclose(out);
	return report;
}

static char *check(const char *path, const char *driver, int *failures)
{
	return check_within(path, driver, CONFORMANCE_TIME_LIMIT, failures);
}

static int has_valgrind(void)
{
	return system("command -v valgrind >/dev/null 2>&1") == 0;
}

static void test_plugin_conforms(void **state)
{
	const char *path = *state;
	const char *driver = !tu_sanitized() && has_valgrind() ? tu_path("lindyn") : NULL;
	char drv[PATH_MAX];
	if (driver)
		driver = strcpy(drv, driver);
	int failures;
	char *report = check(path, driver, &failures);
	if (failures) {
		fprintf(stderr, "%s", report);
		free(report); /* fail_msg does not return */
		fail_msg("%s: %d conformance check(s) failed", path, failures);
	}
	assert_contains(report, "deterministic for a fixed seed: two runs bit-identical");
	assert_contains(report, "runs with defaults at a tiny size: ok");
	assert_contains(report, "exports only its descriptor: yes");
	if (driver && !strstr(report, "SKIP"))
		assert_contains(report, "frees what it allocates: valgrind smoke run exit 0");
	free(report);
}

static void test_good_fixture_passes(void **state)
{
	(void)state;
	int failures;
	char *report = check(tu_path("fixtures/good.so"), NULL, &failures);
	assert_int_equal(failures, 0);
	assert_contains(report, "PASS  fx_good: rejects out-of-range value: steps=10001 -> "
	                        "parameter 'steps': 10001 is out of range");
	assert_contains(report, "PASS  fx_good: rejects out-of-range value: rate=-1e-06");
	assert_contains(report, "PASS  fx_good: rejects out-of-range value: method=not_a_choice");
	assert_contains(report, "PASS  fx_good: emits finite numbers: 12 rows");
	assert_contains(report, "PASS  fx_good: declares its tables: 2, well-formed, with help texts");
	assert_contains(report, "PASS  fx_good: every table it writes has rows: yes");
	free(report);
}

/* A plugin built before 1.2 cannot declare tables: that check is skipped. */
static void test_old_abi_fixture_passes(void **state)
{
	(void)state;
	int failures;
	char *report = check(tu_path("fixtures/abi_older_minor.so"), NULL, &failures);
	assert_contains(report, "SKIP  fx_abi_older_minor: declares its tables: built for ABI 1.0");
	assert_contains(report, "PASS  fx_abi_older_minor: runs with defaults at a tiny size: ok");
	/* Its only failure: a 1.0 descriptor has no smoke_args. */
	assert_contains(report, "FAIL  fx_abi_older_minor: smoke arguments: missing");
	assert_int_equal(failures, 1);
	free(report);
}

/* A 1.2 plugin must declare its tables; without them it still runs. */
static void test_missing_declaration_fails(void **state)
{
	(void)state;
	int failures;
	char *report = check(tu_path("fixtures/no_tables.so"), NULL, &failures);
	assert_contains(report, "FAIL  fx_no_tables: declares its tables: none: set "
	                        "lindyn_plugin.tables (ABI 1.2)");
	assert_contains(report, "PASS  fx_no_tables: runs with defaults at a tiny size: ok");
	assert_int_equal(failures, 1);
	free(report);
}

/* Writing an undeclared table (fx_undeclared's smoke run) fails the run
 * through the host's check; a table without rows fails fx_empty_table. */
static void test_undeclared_fixture_fails(void **state)
{
	(void)state;
	int failures;
	char *report = check(tu_path("fixtures/undeclared.so"), NULL, &failures);
	assert_contains(report, "FAIL  fx_undeclared: runs with defaults at a tiny size: plugin bug: "
	                        "table 'loss' is not declared by fx_undeclared (declared: out, extra)");
	assert_contains(report, "FAIL  fx_empty_table: every table it writes has rows: "
	                        "table 'extra' has none");
	assert_int_equal(failures, 2);
	free(report);
}

/* A plugin exporting a symbol besides its descriptor fails, naming it;
 * the fixtures, built with -fvisibility=hidden, export nothing else. */
static void test_extra_export_fails(void **state)
{
	(void)state;
	int failures;
	char *report = check(tu_path("fixtures/extra_export.so"), NULL, &failures);
	assert_contains(report, "FAIL  fx_extra_export: exports only its descriptor: also exports "
	                        "fx_helper_exported (build with -fvisibility=hidden)\n");
	assert_contains(report, "PASS  fx_extra_export: runs with defaults at a tiny size: ok");
	assert_int_equal(failures, 1);
	free(report);
	report = check(tu_path("fixtures/good.so"), NULL, &failures);
	assert_contains(report, "PASS  fx_good: exports only its descriptor: yes\n");
	free(report);
}

static void test_sloppy_fixture_fails(void **state)
{
	(void)state;
	int failures;
	char *report = check(tu_path("fixtures/sloppy.so"), NULL, &failures);
	assert_int_equal(failures, 3);
	assert_contains(report, "FAIL  fx_sloppy: smoke arguments: missing");
	assert_contains(report, "FAIL  fx_sloppy: deterministic for a fixed seed: two runs differ");
	assert_contains(report, "FAIL  fx_sloppy: reports through the host: printed 14 bytes");
	free(report);
}

static void test_misbehaving_fixtures_fail(void **state)
{
	(void)state;
	int failures;
	char *report = check(tu_path("fixtures/misbehave.so"), NULL, &failures);
	assert_contains(report, "FAIL  fx_diverge: runs with defaults at a tiny size: "
	                        "non-finite value in table 'trace' row 5: column 'growth' is inf");
	assert_contains(report, "FAIL  fx_fail: runs with defaults at a tiny size: no root bracketed");
	/* fx_slow's smoke size (max_seconds=0) emits nothing. */
	assert_contains(report, "FAIL  fx_slow: emits finite numbers: 0 rows");
	assert_int_equal(failures, 3);
	free(report);

	report = check(tu_path("fixtures/abi_major2.so"), NULL, &failures);
	assert_int_equal(failures, 1);
	assert_contains(report, "loads: plugin [");
	assert_contains(report, "abi_major2.so] #0: built for ABI 2.0, driver has 1.3");
	free(report);

	report = check("/nonexistent/plugin.so", NULL, &failures);
	assert_true(failures >= 1);
	assert_contains(report, "FAIL");
	free(report);
}

/* Plugins that crash, abort, exit or spin fail the smoke run, saying how,
 * and the suite goes on to their other checks and the next plugin. */
static void test_crashing_fixtures_fail(void **state)
{
	(void)state;
	int failures;
	char *report = check_within(tu_path("fixtures/crash.so"), NULL, 2, &failures);
	assert_contains(report, "FAIL  fx_segv: runs with defaults at a tiny size: crashed: "
	                        "Segmentation fault\n");
	assert_contains(report, "FAIL  fx_abort: runs with defaults at a tiny size: crashed: "
	                        "Aborted\n");
	assert_contains(report, "FAIL  fx_exit: runs with defaults at a tiny size: ");
	if (!tu_sanitized())
		assert_contains(report, "FAIL  fx_exit: runs with defaults at a tiny size: exited the "
		                        "process (status 0) instead of returning\n");
	assert_contains(report, "FAIL  fx_spin: runs with defaults at a tiny size: did not finish "
	                        "within 2 s (time limit)\n");
	assert_contains(report, "PASS  fx_abort: rejects out-of-range value: steps=101");
	assert_contains(report, "PASS  fx_spin: rejects out-of-range value: steps=101");
	assert_int_equal(failures, 4);
	free(report);
}

/* A library that crashes while it is loaded fails "loads", saying how,
 * instead of taking the suite down. */
static void test_crash_while_loading_fails(void **state)
{
	(void)state;
	int failures;
	setenv("LINDYN_FIXTURE_CRASH_ON_LOAD", "1", 1);
	char *report = check(tu_path("fixtures/crash_on_load.so"), NULL, &failures);
	unsetenv("LINDYN_FIXTURE_CRASH_ON_LOAD");
	assert_int_equal(failures, 1);
	assert_contains(report, ": loads: loading crashed: Segmentation fault\n");
	free(report);
}

/* build/plugins/NAME.so whose plugins/NAME is tracked by git (in a `make dist`
 * tarball, which holds committed files only and no .git: whose plugins/NAME exists). */
static size_t committed_plugins(char ***paths)
{
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof cmd, "ls %s/*.so 2>/dev/null", tu_path("plugins"));
	FILE *ls = popen(cmd, "r");
	char line[PATH_MAX];
	size_t n = 0;
	*paths = NULL;
	while (ls && fgets(line, sizeof line, ls)) {
		line[strcspn(line, "\n")] = 0;
		char name[256], git[1024];
		const char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
		snprintf(name, sizeof name, "%.*s", (int)(strlen(base) - 3), base);
		snprintf(git, sizeof git, "if [ -e .git ]; then git ls-files 'plugins/%s' 2>/dev/null | "
		         "grep -q .; else [ -d 'plugins/%s' ]; fi", name, name);
		if (system(git) != 0)
			continue;
		*paths = realloc(*paths, (n + 1) * sizeof **paths);
		(*paths)[n++] = strdup(line);
	}
	if (ls)
		pclose(ls);
	return n;
}

int main(void)
{
	char **plugins;
	size_t n = committed_plugins(&plugins);
	struct CMUnitTest *tests = calloc(n + 9, sizeof *tests);
	char **names = calloc(n + 1, sizeof *names);
	tests[0] = (struct CMUnitTest)cmocka_unit_test(test_good_fixture_passes);
	tests[1] = (struct CMUnitTest)cmocka_unit_test(test_sloppy_fixture_fails);
	tests[2] = (struct CMUnitTest)cmocka_unit_test(test_misbehaving_fixtures_fail);
	tests[3] = (struct CMUnitTest)cmocka_unit_test(test_crashing_fixtures_fail);
	tests[4] = (struct CMUnitTest)cmocka_unit_test(test_crash_while_loading_fails);
	tests[5] = (struct CMUnitTest)cmocka_unit_test(test_old_abi_fixture_passes);
	tests[6] = (struct CMUnitTest)cmocka_unit_test(test_undeclared_fixture_fails);
	tests[7] = (struct CMUnitTest)cmocka_unit_test(test_missing_declaration_fails);
	tests[8] = (struct CMUnitTest)cmocka_unit_test(test_extra_export_fails);
	for (size_t i = 0; i < n; i++) {
		if (asprintf(&names[i], "conformance of %s", plugins[i]) < 0)
			return 1;
		tests[9 + i] = (struct CMUnitTest){ names[i], test_plugin_conforms, NULL, NULL,
		                                    plugins[i] };
	}
	if (!n)
		fprintf(stderr, "test_conformance: no committed plugin is built under %s\n",
		        tu_path("plugins"));
	int rc = _cmocka_run_group_tests("conformance", tests, n + 9, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(plugins[i]);
	}
	free(names);
	free(plugins);
	free(tests);
	return rc || !n;
}
