/* test_aggregate.c -- `lindyn aggregate` (src/aggregate.c, src/tsv.c):
 * mean and sample standard deviation over seeds row by row, the last rows
 * over a sweep, and the inputs it must refuse (first columns that disagree,
 * row counts that differ, malformed rows), leaving no output behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/commands.h"
#include "../src/tsv.h"
#include "fixtures/testutil.h"

static char *dir;
static char out[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	snprintf(out, sizeof out, "%s/loss.agg.tsv", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	return 0;
}

/* Writes <dir>/<name> as lindyn would (header, columns, rows); returns its path. */
static char *table(const char *name, const char *columns, const char *rows)
{
	static char paths[8][PATH_MAX];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	char text[4096];
	snprintf(text, sizeof text, "# lindyn 0.1.0\n# seed: 1\n# table: loss\n# columns: %s\n%s",
	         columns, rows);
	tu_write(p, text);
	return p;
}

typedef struct {
	int argc;
	char **argv;
} argv_call;

static int call_aggregate(void *arg)
{
	argv_call *c = arg;
	return cmd_aggregate(c->argc, c->argv);
}

/* Runs `lindyn aggregate argv...` in-process; returns its exit code and
 * what it printed (caller frees). */
static int aggregate(char **messages, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	char *text = NULL;
	int rc = tu_capture(call_aggregate, &(argv_call){ argc, argv }, &text);
	if (messages)
		*messages = text;
	else
		free(text);
	return rc;
}

static tsv read_out(void)
{
	tsv t;
	char err[512];
	if (tsv_read(&t, out, err, sizeof err))
		fail_msg("%s", err);
	return t;
}

static void test_mean_std_over_seeds(void **state)
{
	(void)state;
	char *a = table("s0.tsv", "step loss norm", "0\t1\t2.385\n10\t2\t-1\n");
	char *b = table("s1.tsv", "step loss norm", "0\t3\t2.385\n10\t5\t-1\n");
	char *c = table("s2.tsv", "step loss norm", "0\t5\t2.385\n10\t11\t-4\n");
	assert_int_equal(aggregate(NULL, (char *[]){ "--seeds", "-o", out, a, b, c, NULL }), 0);
	tsv t = read_out();
	static const char *cols[] = { "step", "loss_mean", "loss_std", "norm_mean", "norm_std" };
	assert_int_equal(t.ncols, 5);
	for (size_t j = 0; j < 5; j++)
		assert_string_equal(t.cols[j], cols[j]);
	assert_int_equal(t.nrows, 2);
	/* Row 1: loss 1, 3, 5 -> mean 3, sample std 2; norm constant -> std 0. */
	assert_close(t.v[0], 0, 0);
	assert_close(t.v[1], 3, 0);
	assert_close(t.v[2], 2, 1e-15);
	assert_close(t.v[3], 2.385, 1e-15);
	assert_close(t.v[4], 0, 0);
	/* Row 2: loss 2, 5, 11 -> mean 6, std sqrt(21); norm -1, -1, -4 -> -2, sqrt(3). */
	assert_close(t.v[5], 10, 0);
	assert_close(t.v[6], 6, 0);
	assert_close(t.v[7], sqrt(21), 1e-14);
	assert_close(t.v[8], -2, 0);
	assert_close(t.v[9], sqrt(3), 1e-15);
	tsv_free(&t);

	/* One seed: the values, with std 0. */
	assert_int_equal(aggregate(NULL, (char *[]){ "--seeds", "-o", out, c, NULL }), 0);
	t = read_out();
	assert_close(t.v[6], 11, 0);
	assert_close(t.v[7], 0, 0);
	tsv_free(&t);
	assert_int_equal(tu_count_entries(dir), 4); /* no temporary file left */
}

/* Refused inputs: exit 1, a message naming the file, and no output. */
static void expect_refused(char **argv, const char *file, const char *why)
{
	char *messages = NULL;
	assert_int_equal(aggregate(&messages, argv), 1);
	assert_contains(messages, "lindyn aggregate: ");
	if (file)
		assert_contains(messages, file);
	assert_contains(messages, why);
	assert_int_equal(tu_lines(messages), 1);
	free(messages);
	assert_false(tu_exists(out));
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	assert_false(tu_exists(tmp));
}

static void test_mismatched_first_column(void **state)
{
	(void)state;
	char *a = table("s0.tsv", "step loss", "0\t1\n10\t2\n20\t3\n");
	char *b = table("s1.tsv", "step loss", "0\t1\n12\t2\n20\t3\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, b, NULL }, b,
	               "row 2: step = 12, but 10 in");
	char *c = table("s2.tsv", "time loss", "0\t1\n10\t2\n20\t3\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, c, NULL }, c, "columns differ from");
	char *d = table("s3.tsv", "step loss norm", "0\t1\t1\n10\t2\t1\n20\t3\t1\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, d, NULL }, d, "columns differ from");
}

static void test_refused_inputs(void **state)
{
	(void)state;
	char *a = table("s0.tsv", "step loss", "0\t1\n10\t2\n");
	char *shorter = table("s1.tsv", "step loss", "0\t1\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, shorter, NULL }, shorter,
	               "has 1 rows");
	char *empty = table("s2.tsv", "step loss", "");
	expect_refused((char *[]){ "--seeds", "-o", out, a, empty, NULL }, empty, "no data rows");
	char missing[PATH_MAX];
	snprintf(missing, sizeof missing, "%s/s9.tsv", dir);
	expect_refused((char *[]){ "--seeds", "-o", out, a, missing, NULL }, missing, "cannot open");
	char *few = table("s3.tsv", "step loss", "0\t1\n10\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, few, NULL }, few,
	               ":6: expected 2 numbers");
	char *extra = table("s4.tsv", "step loss", "0\t1\n10\t2\t7\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, extra, NULL }, extra,
	               ":6: expected 2 numbers");
	char *junk = table("s5.tsv", "step loss", "0\t1\n10\t2x\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, junk, NULL }, junk,
	               ":6: expected 2 numbers");
	char *nocols = table("s6.tsv", "", "0\t1\n");
	expect_refused((char *[]){ "--seeds", "-o", out, nocols, NULL }, nocols,
	               "data before a '# columns:' line");
	/* Usage errors. */
	char *messages = NULL;
	assert_int_equal(aggregate(&messages, (char *[]){ "--mean", "-o", out, a, NULL }), 1);
	assert_contains(messages, "usage: lindyn aggregate");
	free(messages);
	assert_int_equal(aggregate(NULL, (char *[]){ "--seeds", out, a, NULL }), 1);
	assert_false(tu_exists(out));
}

static void test_final_rows_over_a_sweep(void **state)
{
	(void)state;
	char *a0 = table("a0.tsv", "step loss", "0\t9\n100\t1\n");
	char *a1 = table("a1.tsv", "step loss", "0\t9\n100\t3\n");
	char *b0 = table("b0.tsv", "step loss", "0\t9\n200\t0.5\n");
	char *b1 = table("b1.tsv", "step loss", "0\t9\n200\t0.25\n");
	assert_int_equal(aggregate(NULL, (char *[]){ "--final", "-o", out, "--point", "h=500,init=gauss",
	                                            a0, a1, "--point", "h=1000,init=balanced", b0,
	                                            b1, NULL }),
	                 0);
	tsv t = read_out();
	static const char *cols[] = { "h", "init", "step_mean", "step_std", "loss_mean", "loss_std" };
	assert_int_equal(t.ncols, 6);
	for (size_t j = 0; j < 6; j++)
		assert_string_equal(t.cols[j], cols[j]);
	assert_int_equal(t.nrows, 2);
	double want[2][6] = { { 500, 0, 100, 0, 2, sqrt(2) }, { 1000, 1, 200, 0, 0.375, sqrt(0.03125) } };
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 6; j++)
			assert_close(t.v[i * 6 + j], want[i][j], 1e-15);
	tsv_free(&t);

	unlink(out);
	char *messages = NULL;
	assert_int_equal(aggregate(&messages, (char *[]){ "--final", "-o", out, a0, NULL }), 1);
	assert_contains(messages, "expected --point SPEC");
	free(messages);
	assert_int_equal(aggregate(&messages, (char *[]){ "--final", "-o", out, "--point", "h=1",
	                                                  "--point", "h=2", a0, NULL }),
	                 1);
	assert_contains(messages, "point 'h=1' has no files");
	free(messages);
	assert_false(tu_exists(out));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_mean_std_over_seeds), T(test_mismatched_first_column), T(test_refused_inputs),
		T(test_final_rows_over_a_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
