/* test_aggregate.c -- `lindyn aggregate` (src/lit/aggregate.c, src/lit/tsv.c):
 * mean and sample standard deviation over seeds row by row, the last rows
 * over a sweep, and the inputs it must refuse (columns or first columns
 * that disagree, row counts that differ, malformed rows, points with other
 * keys) and the outputs it cannot write, with one line and nothing left. */
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/cmd/commands.h"
#include "../src/lit/tsv.h"
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

/* Writes <dir>/<name> as lindyn would (provenance, table name, the header
 * row of `columns` separated by tabs, rows); returns its path. */
static char *table(const char *name, const char *columns, const char *rows)
{
	static char paths[8][PATH_MAX];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	char text[4096], header[256];
	snprintf(header, sizeof header, "%s", columns);
	for (char *c = header; *c; c++)
		*c = *c == ' ' ? '\t' : *c;
	snprintf(text, sizeof text, "# lindyn 0.1.0\n# seed: 1\n# table: loss\n%s\n%s", header,
	         rows);
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
	/* The table's name (the file's, without .tsv), then the header row. */
	char *text = tu_read(out);
	assert_non_null(strstr(text, "\n# table: loss.agg\nstep\tloss_mean\tloss_std\tnorm_mean\t"
	                             "norm_std\n0\t"));
	free(text);
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

/* Entries of dir whose name starts with '.' (temporaries), "." and ".." aside. */
static int hidden_entries(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
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
	assert_int_equal(hidden_entries(), 0);
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

/* Same first column, other columns: averaging them would mix quantities. */
static void test_mismatched_other_columns(void **state)
{
	(void)state;
	char *a = table("s0.tsv", "step loss", "0\t1\n10\t2\n");
	char *b = table("s1.tsv", "step grad", "0\t1\n10\t2\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, b, NULL }, b,
	               "columns differ from");
	expect_refused((char *[]){ "--seeds", "-o", out, a, b, NULL }, a,
	               "column 2 is 'grad', not 'loss'");
	char *c = table("s2.tsv", "step", "0\n10\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, c, NULL }, c, "1 columns, not 2");
	/* --final: within a point and across points. */
	expect_refused((char *[]){ "--final", "-o", out, "--point", "h=1", a, b, NULL }, b,
	               "column 2 is 'grad', not 'loss'");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "h=1", a, "--point", "h=2", b,
	                           NULL },
	               b, "column 2 is 'grad', not 'loss'");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "h=1", a, "--point", "h=2", c,
	                           NULL },
	               c, "1 columns, not 2");
}

/* Every point names the same keys, each as key=value. */
static void test_malformed_points(void **state)
{
	(void)state;
	char *a = table("s0.tsv", "step loss", "0\t1\n10\t2\n");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "h=1", a, "--point", "g=2", a,
	                           NULL },
	               NULL, "point 'g=2': keys 'g' differ from the first point's 'h'");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "h=1", a, "--point", "h=2,i=3",
	                           a, NULL },
	               NULL, "keys 'h i' differ");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "h", a, NULL }, NULL,
	               "point 'h': item 1 is not key=value");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "h=1,,i=2", a, NULL }, NULL,
	               "point 'h=1,,i=2': item 2 is not key=value");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "H$=1", a, NULL }, NULL,
	               "item 1 is not key=value");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "h=", a, NULL }, NULL,
	               "item 1 is not key=value");
	expect_refused((char *[]){ "--final", "-o", out, "--point", "hh=1,h=2,h=3", a, NULL },
	               NULL, "point 'hh=1,h=2,h=3': key 'h' appears twice");
	/* Nothing swept: no key columns. */
	assert_int_equal(aggregate(NULL, (char *[]){ "--final", "-o", out, "--point", "", a, NULL }),
	                 0);
	tsv t = read_out();
	assert_int_equal(t.ncols, 4);
	assert_string_equal(t.cols[0], "step_mean");
	char *text = tu_read(out);
	assert_non_null(strstr(text, "\n# table: loss.agg\nstep_mean\tstep_std\tloss_mean\t"
	                             "loss_std\n10\t"));
	free(text);
	assert_int_equal(t.nrows, 1);
	assert_close(t.v[0], 10, 0);
	assert_close(t.v[2], 2, 0);
	tsv_free(&t);
	/* A value that is not a finite number is the point's index. */
	assert_int_equal(aggregate(NULL, (char *[]){ "--final", "-o", out, "--point", "x=nan", a,
	                                            "--point", "x=1e400", a, NULL }),
	                 0);
	t = read_out();
	assert_close(t.v[0], 0, 0);
	assert_close(t.v[5], 1, 0);
	tsv_free(&t);
}

/* Values near the largest double (DBL_MAX is a "none yet" marker in some
 * tables) average without overflowing; a true overflow is refused. */
static void test_extreme_values(void **state)
{
	(void)state;
	char *a = table("s0.tsv", "step gap", "0\t1.7976931348623157e+308\n");
	char *b = table("s1.tsv", "step gap", "0\t1.7976931348623157e+308\n");
	char *c = table("s2.tsv", "step gap", "0\t1.7976931348623157e+308\n");
	char *d = table("s3.tsv", "step gap", "0\t0.5\n");
	assert_int_equal(aggregate(NULL, (char *[]){ "--seeds", "-o", out, a, b, c, NULL }), 0);
	tsv t = read_out();
	assert_true(t.v[1] == DBL_MAX);
	assert_true(t.v[2] == 0);
	tsv_free(&t);
	assert_int_equal(aggregate(NULL, (char *[]){ "--seeds", "-o", out, a, d, NULL }), 0);
	t = read_out();
	assert_close(t.v[1] / DBL_MAX, 0.5, 1e-15);
	assert_close(t.v[2] / DBL_MAX, sqrt(0.5), 1e-15);
	tsv_free(&t);
	unlink(out);
	char *e = table("s4.tsv", "step gap", "0\t-1.7976931348623157e+308\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, e, NULL }, a,
	               "column 'gap': the mean or standard deviation over 2 files overflows");
}

/* An output that cannot be written: one line naming it, nothing left. */
static void test_unwritable_outputs(void **state)
{
	(void)state;
	char *a = table("s0.tsv", "step loss", "0\t1\n10\t2\n");
	char *messages = NULL;
	assert_int_equal(aggregate(&messages, (char *[]){ "--seeds", "-o", dir, a, NULL }), 1);
	assert_contains(messages, dir);
	assert_contains(messages, "exists and is not a regular file");
	assert_int_equal(tu_lines(messages), 1);
	free(messages);
	assert_int_equal(aggregate(&messages, (char *[]){ "--seeds", "-o", "/dev/full", a, NULL }),
	                 1);
	assert_contains(messages, "/dev/full: exists and is not a regular file");
	free(messages);
	char nodir[PATH_MAX + 16];
	snprintf(nodir, sizeof nodir, "%s/none/out.tsv", dir);
	assert_int_equal(aggregate(&messages, (char *[]){ "--seeds", "-o", nodir, a, NULL }), 1);
	assert_contains(messages, "none/out.tsv: cannot write: No such file or directory");
	free(messages);
	assert_int_equal(tu_count_entries(dir), 1);

	/* A full disk: the file size limit makes a write fail (EFBIG) as ENOSPC would. */
	char rows[4096] = "";
	for (int r = 0; r < 200; r++)
		snprintf(rows + strlen(rows), sizeof rows - strlen(rows), "%d\t%d.25\n", r, r);
	char *big = table("s1.tsv", "step loss", rows);
	struct rlimit old, small = { 1024, 0 };
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	int rc = aggregate(&messages, (char *[]){ "--seeds", "-o", out, big, NULL });
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, was);
	assert_int_equal(rc, 1);
	assert_contains(messages, out);
	assert_contains(messages, ": write error: File too large");
	assert_int_equal(tu_lines(messages), 1);
	free(messages);
	assert_false(tu_exists(out));
	assert_int_equal(tu_count_entries(dir), 2); /* the inputs only: no temporary */
}

/* A FIFO as an input: refused at once instead of waiting for a writer. */
static void test_fifo_input(void **state)
{
	(void)state;
	char fifo[PATH_MAX + 16];
	snprintf(fifo, sizeof fifo, "%s/s0.tsv", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_refused((char *[]){ "--seeds", "-o", out, fifo, NULL }, fifo,
	               "not a regular file (a FIFO)");
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
	expect_refused((char *[]){ "--seeds", "-o", out, a, missing, NULL }, missing,
	               "No such file or directory");
	char *few = table("s3.tsv", "step loss", "0\t1\n10\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, few, NULL }, few,
	               ":6: expected 2 numbers, found 1");
	char *extra = table("s4.tsv", "step loss", "0\t1\n10\t2\t7\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, extra, NULL }, extra,
	               ":6:6: expected 2 numbers, found more");
	char *junk = table("s5.tsv", "step loss", "0\t1\n10\t2x\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, junk, NULL }, junk,
	               ":6:4: '2x' is not a finite decimal number");
	char *nan = table("s7.tsv", "step loss", "0\t1\n10\tnan\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, nan, NULL }, nan, ":6:4: 'nan'");
	char *inf = table("s8.tsv", "step loss", "0\t1\n10\t1e400\n");
	expect_refused((char *[]){ "--seeds", "-o", out, a, inf, NULL }, inf, ":6:4: '1e400'");
	char *nocols = table("s6.tsv", "", "0\t1\n");
	expect_refused((char *[]){ "--seeds", "-o", out, nocols, NULL }, nocols,
	               ":5:1: '0' is not a column name"); /* the empty line is skipped */
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
	char *text = tu_read(out); /* the swept keys head their columns */
	assert_non_null(strstr(text, "\nh\tinit\tstep_mean\tstep_std\tloss_mean\tloss_std\n500\t"));
	free(text);
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
		T(test_final_rows_over_a_sweep), T(test_mismatched_other_columns),
		T(test_malformed_points), T(test_extreme_values), T(test_unwritable_outputs),
		T(test_fifo_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
