/* test_tsv.c -- the table reader (src/lit/tsv.c): what it accepts, and every
 * malformed table it must refuse with file:line(:column), never hanging on a
 * FIFO or reading a device or an oversized file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/lit/tsv.h"
#include "fixtures/testutil.h"

static char *dir;
static char path[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	snprintf(path, sizeof path, "%s/t.tsv", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	return 0;
}

/* tsv_read of a file holding `text`: the error message, or NULL on success
 * (the table is then left in *t when t is not NULL). */
static char *read_text(const char *text, tsv *t)
{
	static char err[1024];
	tsv local;
	tu_write(path, text);
	if (tsv_read(t ? t : &local, path, err, sizeof err)) {
		assert_null(t ? t->v : local.v); /* emptied on failure */
		return err;
	}
	if (!t)
		tsv_free(&local);
	return NULL;
}

/* Refused with a message starting "<path>:<where>" and containing why. */
static void refused(const char *text, const char *where, const char *why)
{
	char *err = read_text(text, NULL);
	if (!err)
		fail_msg("accepted: %s", text);
	char prefix[PATH_MAX + 64];
	snprintf(prefix, sizeof prefix, "%s%s", path, where);
	assert_prefix(err, prefix);
	assert_contains(err, why);
}

static void test_reads_what_lindyn_writes(void **state)
{
	(void)state;
	tsv t;
	assert_null(read_text("# lindyn 0.1.0\n# table: loss\nstep\tloss\r\n"
	                      "0\t1.5\n\n10\t-2e-3\r\n# a comment\n20 \t 1e-320\n30\t+.5E+2",
	                      &t));
	assert_int_equal(t.ncols, 2);
	assert_string_equal(t.cols[0], "step");
	assert_string_equal(t.cols[1], "loss");
	assert_int_equal(t.nrows, 4);
	double want[] = { 0, 1.5, 10, -2e-3, 20, 1e-320, 30, 50 };
	for (size_t i = 0; i < 8; i++)
		assert_true(t.v[i] == want[i]);
	assert_int_equal(tsv_col(&t, "loss"), 1);
	assert_int_equal(tsv_col(&t, "los"), -1);
	tsv_free(&t);
	/* A header and no rows: a valid, empty table. */
	assert_null(read_text("a\n", &t));
	assert_int_equal(t.nrows, 0);
	tsv_free(&t);
	/* Column names may hold capitals ("K", "L0") and start with '_'. */
	assert_null(read_text("# c\n\nK\tL0\t_x\n1 2 3\n", &t));
	assert_string_equal(t.cols[2], "_x");
	assert_int_equal(t.nrows, 1);
	tsv_free(&t);
	/* A table written before the header row names its columns in a
	 * comment, and its first line that is no comment is data. */
	assert_null(read_text("# table: loss\n# columns: step loss\n0\t1\n", &t));
	assert_int_equal(t.ncols, 2);
	assert_int_equal(t.nrows, 1);
	tsv_free(&t);
}

static void test_refuses_non_finite_and_malformed_numbers(void **state)
{
	(void)state;
	static const char *bad[] = { "nan", "NaN", "inf", "-inf", "infinity", "1e400", "-1e400",
	                             "0x10", "1.2.3", "2x", "1e", "-", ".", "1,5", "1e5.0" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[128], why[64];
		snprintf(text, sizeof text, "a\tb\n1\t2\n3\t%s\n", bad[i]);
		snprintf(why, sizeof why, "'%s' is not a finite decimal number", bad[i]);
		refused(text, ":3:3: ", why);
	}
	/* Two numbers run together are one malformed field, not two values. */
	refused("a\tb\n12-3\n", ":2:1: ", "'12-3' is not a finite");
}

static void test_refuses_malformed_tables(void **state)
{
	(void)state;
	refused("a\tb\n1\t2\n3\n", ":3: ", "expected 2 numbers, found 1");
	refused("a\tb\n1\t2\t3\n", ":2:5: ", "expected 2 numbers, found more");
	/* The first line that is no comment is the header: numbers there are
	 * no column names. */
	refused("# table: loss\n1\t2\n", ":2:1: ", "'1' is not a column name");
	refused("step\tloss value\n", ":1:6: ", "'loss value' is not a column name");
	refused("step\t\tloss\n", ":1:6: ", "'' is not a column name");
	refused("step\tloss\t\n", ":1:11: ", "'' is not a column name");
	refused("", ": ", "empty file");
	refused("# lindyn 0.1.0\n# table: loss\n", ": ",
	        "only comments, expected a header line of column names");
	refused("a\tb\n# columns: a b\n1 2\n", ":2: ", "a '# columns:' line after the header (line 1)");
	refused("# columns: a b\n# columns: a b\n1 2\n", ":2: ",
	        "a '# columns:' line after the header (line 1)");
	refused("a\tb\ta\n", ":1: ", "column 'a' appears twice");
	refused("# columns: a b a\n", ":1: ", "column 'a' appears twice");
	refused("# columns:   \n", ":1: ", "'# columns:' names no column");
	tu_write(path, "");
	FILE *f = fopen(path, "wb");
	fwrite("a\n1\0 junk\n", 1, 10, f);
	fclose(f);
	char err[512];
	tsv t;
	assert_int_equal(tsv_read(&t, path, err, sizeof err), -1);
	assert_contains(err, ":2: NUL byte");
}

static void test_refuses_what_is_not_a_regular_file(void **state)
{
	(void)state;
	char err[512];
	tsv t;
	/* A FIFO with no writer: an error at once, not a wait forever. */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(tsv_read(&t, path, err, sizeof err), -1);
	assert_contains(err, "t.tsv: cannot open: not a regular file (a FIFO)");
	assert_int_equal(tsv_read(&t, "/dev/zero", err, sizeof err), -1);
	assert_contains(err, "/dev/zero: cannot open: not a regular file (a character device)");
	assert_int_equal(tsv_read(&t, dir, err, sizeof err), -1);
	assert_contains(err, "not a regular file (a directory)");
	char missing[PATH_MAX + 8];
	snprintf(missing, sizeof missing, "%s/none.tsv", dir);
	assert_int_equal(tsv_read(&t, missing, err, sizeof err), -1);
	assert_contains(err, "none.tsv: cannot open: No such file or directory");
}

static void test_refuses_an_oversized_file(void **state)
{
	(void)state;
	/* Sparse: one byte over the limit costs no disk and no reading. */
	tu_write(path, "a\n");
	assert_int_equal(truncate(path, TSV_MAX_BYTES + 1), 0);
	char err[512];
	tsv t;
	assert_int_equal(tsv_read(&t, path, err, sizeof err), -1);
	assert_contains(err, "more than the 256 MiB a table may have");
}

static void test_number(void **state)
{
	(void)state;
	double x;
	assert_true(tsv_number("1.25e2", 6, &x) && x == 125);
	assert_true(tsv_number("1.25e2junk", 6, &x) && x == 125); /* only the span counts */
	assert_true(tsv_number("-0", 2, &x) && x == 0);
	assert_true(tsv_number("1e-320", 6, &x) && x > 0); /* subnormal */
	assert_true(tsv_number("1e-400", 6, &x) && x == 0); /* underflow: the nearest double */
	assert_false(tsv_number("1e400", 5, &x));
	assert_false(tsv_number("", 0, &x));
	assert_false(tsv_number(" 1", 2, &x));
	assert_false(tsv_number("+", 1, &x));
	char many[400];
	memset(many, '1', sizeof many);
	assert_false(tsv_number(many, sizeof many, &x)); /* 1e399: overflow */
	many[0] = '.';
	assert_true(tsv_number(many, sizeof many, &x) && fabs(x - 1.0 / 9) < 1e-15);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_reads_what_lindyn_writes),
		T(test_refuses_non_finite_and_malformed_numbers),
		T(test_refuses_malformed_tables),
		T(test_refuses_what_is_not_a_regular_file),
		T(test_refuses_an_oversized_file),
		T(test_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
