/* test_determinism.c -- the same run twice, through `lindyn run` into two
 * directories, gives byte-identical data rows (and headers apart from the
 * command naming the directory); another seed gives other rows.  Uses gd2
 * at a tiny size, with its Gaussian draws of data and weights. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixtures/testutil.h"


/* Runs gd2 at a tiny size with this seed into <tu_dir>/<sub>. */
static void run_gd2(const char *sub, const char *seed, const char *threads)
{
	char lindyn[PATH_MAX], out[PATH_MAX], env_threads[64];
	snprintf(lindyn, sizeof lindyn, "%s", tu_path("lindyn"));
	snprintf(out, sizeof out, "%s/%s", tu_dir, sub);
	snprintf(env_threads, sizeof env_threads, "OPENBLAS_NUM_THREADS=%s", threads);
	char *argv[] = { lindyn, "run", "gd2", "n=12", "d=20", "m=2", "h=9", "data=gauss",
	                 "noise=0.1", "eta=0.05", "steps=300", "log_every=7", "save_weights=1",
	                 "--seed", (char *)seed, "--out", out, NULL };
	char *env[] = { env_threads, "LINDYN_PLUGIN_PATH=", NULL };
	tu_result r = tu_spawn(argv, env);
	if (r.code != 0)
		fail_msg("lindyn run gd2 exited %d: %s", r.code, r.err);
	tu_result_free(&r);
}

/* The file without its "# command:" line. */
static char *without_command(const char *path)
{
	char *text = tu_read(path);
	assert_non_null(text);
	char *c = strstr(text, "# command:");
	assert_non_null(c);
	char *nl = strchr(c, '\n');
	memmove(c, nl + 1, strlen(nl + 1) + 1);
	return text;
}

/* The data rows (lines not starting with '#'). */
static char *rows_of(const char *path)
{
	char *text = tu_read(path), *out = calloc(1, strlen(text) + 1), *o = out;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] != '#')
			o += sprintf(o, "%s\n", line);
	free(text);
	return out;
}

static char *file_in(const char *sub, const char *name)
{
	static char p[4][PATH_MAX];
	static int next;
	char *s = p[next++ % 4];
	snprintf(s, PATH_MAX, "%s/%s/%s", tu_dir, sub, name);
	return s;
}

static void test_same_seed_identical_files(void **state)
{
	(void)state;
	run_gd2("a", "2385", "1");
	run_gd2("b", "2385", "1");
	/* Same set of files. */
	assert_int_equal(tu_count_entries(file_in("a", "")), tu_count_entries(file_in("b", "")));
	static const char *tables[] = { "loss.tsv" };
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		char *ra = rows_of(file_in("a", tables[i])), *rb = rows_of(file_in("b", tables[i]));
		assert_true(tu_lines(ra) > 10);
		assert_string_equal(ra, rb);
		free(ra);
		free(rb);
		char *ha = without_command(file_in("a", tables[i]));
		char *hb = without_command(file_in("b", tables[i]));
		assert_string_equal(ha, hb);
		free(ha);
		free(hb);
	}
	/* The weights, bit for bit. */
	static const char *weights[] = { "w1_init.npy", "w2_init.npy", "w1_final.npy", "w2_final.npy" };
	for (size_t i = 0; i < sizeof weights / sizeof *weights; i++) {
		char cmd[3 * PATH_MAX];
		snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", file_in("a", weights[i]),
		         file_in("b", weights[i]));
		if (system(cmd) != 0)
			fail_msg("%s differs between two runs with the same seed", weights[i]);
	}
}

/* Every table the run wrote, compared row for row. */
static void test_every_table_identical(void **state)
{
	(void)state;
	run_gd2("a", "11", "1");
	run_gd2("b", "11", "1");
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "cd '%s/a' && ls *.tsv", tu_dir);
	FILE *ls = popen(cmd, "r");
	char name[256];
	int n = 0;
	while (fgets(name, sizeof name, ls)) {
		name[strcspn(name, "\n")] = 0;
		char *ra = rows_of(file_in("a", name)), *rb = rows_of(file_in("b", name));
		if (strcmp(ra, rb))
			fail_msg("%s differs between two runs with the same seed", name);
		free(ra);
		free(rb);
		n++;
	}
	pclose(ls);
	assert_true(n >= 1);
}

static void test_other_seed_other_rows(void **state)
{
	(void)state;
	run_gd2("a", "2385", "1");
	run_gd2("c", "2386", "1");
	char *ra = rows_of(file_in("a", "loss.tsv")), *rc = rows_of(file_in("c", "loss.tsv"));
	assert_string_not_equal(ra, rc);
	free(ra);
	free(rc);
	char *h = tu_read(file_in("c", "loss.tsv"));
	assert_contains(h, "# seed: 2386\n");
	free(h);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup_dir, tu_teardown_dir)
	const struct CMUnitTest tests[] = {
		T(test_same_seed_identical_files),
		T(test_every_table_identical),
		T(test_other_seed_other_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
