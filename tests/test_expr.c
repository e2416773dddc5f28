/* test_expr.c -- the claim expression language (src/lit/expr.c): values, and
 * the inputs it must refuse with a reason: paths leaving the data directory
 * or the document's experiments, deep nesting, wrong arguments, results
 * that are not finite, FIFOs and malformed run records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/lit/expr.h"
#include "fixtures/testutil.h"

static char *root;     /* holds data/ and, beside it, outside/ */
static char data[PATH_MAX];
static expr_env *env;

/* Writes <root>/<rel> (directories created) with text. */
static void put(const char *rel, const char *text)
{
	char p[PATH_MAX], cmd[2 * PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", p);
	assert_int_equal(system(cmd), 0);
	tu_write(p, text);
}

static int setup(void **state)
{
	(void)state;
	root = tu_tmpdir();
	snprintf(data, sizeof data, "%s/data", root);
	put("data/e1/base/s0/loss.tsv", "# columns: step loss ratio zero\n"
	                                "0\t8\t1\t0\n1\t4\t2\t0\n2\t2\t4\t0\n3\t1\t8\t0\n");
	put("data/e1/flat.tsv", "# columns: x y\n1\t1\n1\t2\n1\t3\n");
	put("data/e1/one.tsv", "# columns: x y\n5\t7\n");
	put("data/e1/empty.tsv", "# columns: x y\n");
	put("data/e1/huge.tsv", "# columns: x y\n1e308\t-1e308\n");
	put("data/e1/base/s0/.done", "0\n");
	put("data/e2/base/s0/loss.tsv", "# columns: step loss\n0\t1\n");
	put("data/e2/base/s0/.done", "3\n");
	put("outside/x.tsv", "# columns: step loss\n0\t42\n");
	put("outside/.done", "0\n");
	env = expr_env_new(data);
	return env ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	expr_env_free(env);
	tu_rmtree(root);
	return 0;
}

static double value(const char *text)
{
	double v;
	char err[512];
	if (expr_eval(env, text, &v, err, sizeof err))
		fail_msg("%s: %s", text, err);
	return v;
}

/* Refused, with why in the reason. */
static void refused(const char *text, const char *why)
{
	double v;
	char err[4096] = "";
	if (!expr_eval(env, text, &v, err, sizeof err))
		fail_msg("%.80s: accepted with value %g", text, v);
	assert_contains(err, why);
}

static void test_values(void **state)
{
	(void)state;
	assert_true(value("1 + 2 * 3 - 4 / 2") == 5);
	assert_true(value("-(2 - 5) * 2") == 6);
	assert_true(value("1 < 2 && !(3 <= 2) || 0") == 1);
	assert_true(value("2 != 2") == 0);
	assert_true(value(".5e1 + 1.") == 6);
	assert_true(value("1e-320 > 0") == 1);
	assert_true(value("last(\"e1/base/s0/loss\", \"loss\")") == 1);
	assert_true(value("first(\"e1/base/s0/loss\", \"loss\")") == 8);
	assert_true(value("rows(\"e1/base/s0/loss\")") == 4);
	assert_true(value("mean(\"e1/base/s0/loss\", \"ratio\")") == 3.75);
	assert_true(value("at(\"e1/base/s0/loss\", \"loss\", \"step\", 1.5)") == 3);
	assert_true(value("at(\"e1/one\", \"y\", \"x\", 5)") == 7);
	assert_true(value("maxratio(\"e1/base/s0/loss\", \"ratio\", \"loss\")") == 8);
	assert_close(value("slope(\"e1/base/s0/loss\", \"step\", \"loss\", 0, 3, \"semilogy\")"),
	             -log(2), 1e-15);
	assert_true(value("status(\"e2/base/s0\")") == 3);
	assert_true(value("pow(2, 10) + fmax(1, 2) + abs(-1)") == 1027);
	assert_int_equal(expr_define(env, "l2", 0.5), 0);
	assert_true(value("l2 * 4") == 2);
}

/* A table or run argument stays under the data directory. */
static void test_paths_stay_in_the_data_directory(void **state)
{
	(void)state;
	refused("last(\"../outside/x\", \"loss\")", "'..' path components are not allowed");
	refused("last(\"e1/../../outside/x\", \"loss\")", "'..' path components are not allowed");
	char abs[PATH_MAX + 64];
	snprintf(abs, sizeof abs, "last(\"%s/outside/x\", \"loss\")", root);
	refused(abs, "is not a relative path under the data directory");
	refused("last(\"\", \"loss\")", "is not a relative path");
	refused("last(\"e1/./base/s0/loss\", \"loss\")", "'.' and '..' path components");
	refused("last(\"e1//base/s0/loss\", \"loss\")", "empty, '.' and '..'");
	refused("last(\"e1/base/s0/loss/\", \"loss\")", "empty, '.' and '..'");
	refused("last(\"e1/base/s0/lo ss\", \"loss\")", "byte 0x20 ('?') is not allowed");
	refused("last(\"e1/base/s0/lo$ss\", \"loss\")", "byte 0x24 ('$') is not allowed");
	refused("status(\"../outside\")", "status(): \"../outside\"");
}

/* Once the document's experiments are known, only their data is read. */
static void test_only_the_documents_experiments(void **state)
{
	(void)state;
	assert_int_equal(expr_env_allow_experiment(env, "e1"), 0);
	assert_int_equal(expr_env_allow_experiment(env, "e3"), 0);
	assert_true(value("last(\"e1/base/s0/loss\", \"loss\")") == 1);
	refused("last(\"e2/base/s0/loss\", \"loss\")",
	        "last(): \"e2/base/s0/loss\": 'e2' is not an experiment of this document (e1, e3)");
	refused("status(\"e2/base/s0\")", "'e2' is not an experiment of this document (e1, e3)");
	refused("rows(\"e\")", "'e' is not an experiment"); /* a prefix is not a match */
	assert_true(value("status(\"e1/base/s0\")") == 0);
}

/* An argument longer than any fixed buffer names its own file, never a
 * truncated prefix of it. */
static void test_long_arguments_are_not_truncated(void **state)
{
	(void)state;
	/* "e1/d/d/.../d/tt" is 511 characters: the prefix a 512-byte buffer kept. */
	char rel[1024] = "data/e1/";
	for (int i = 0; i < 253; i++)
		strcat(rel, "d/");
	strcat(rel, "tt.tsv");
	put(rel, "# columns: a\n99\n");
	char text[2048];
	snprintf(text, sizeof text, "first(\"%.*s_longer\", \"a\")", (int)(strlen(rel) - 9), rel + 5);
	refused(text, "_longer.tsv: cannot open: No such file or directory");
	snprintf(text, sizeof text, "first(\"%.*s\", \"a\")", (int)(strlen(rel) - 9), rel + 5);
	assert_true(value(text) == 99);
	char *huge = malloc(10000);
	memset(huge, 'a', 9999);
	huge[9999] = 0;
	memcpy(huge, "rows(\"e1/", 9);
	memcpy(huge + 9990, "\")", 3);
	refused(huge, "is longer than 1024 characters");
	huge[9 + 1000] = 0; /* 1000 characters: read, and refused by the system */
	memcpy(huge + 9 + 1000 - 2, "\")", 3);
	refused(huge, "File name too long");
	free(huge);
	refused("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	        "is longer than 63 characters");
}

static char *nested(int depth, const char *open, const char *inner, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close), li = strlen(inner);
	char *s = malloc((size_t)depth * (lo + lc) + li + 1), *p = s;
	for (int i = 0; i < depth; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, inner, li);
	p += li;
	for (int i = 0; i < depth; i++, p += lc)
		memcpy(p, close, lc);
	*p = 0;
	return s;
}

/* Deep nesting is an error, not a stack overflow. */
static void test_nesting_depth_is_bounded(void **state)
{
	(void)state;
	char *ok = nested(EXPR_MAX_DEPTH - 1, "(", "7", ")");
	assert_true(value(ok) == 7);
	free(ok);
	static const char *forms[][3] = {
		{ "(", "1", ")" }, { "-", "1", "" }, { "!", "1", "" }, { "abs(", "1", ")" },
		{ "fmin(1, ", "1", ")" },
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		char *deep = nested(100000, forms[i][0], forms[i][1], forms[i][2]);
		refused(deep, "nested more than 200 levels deep");
		free(deep);
	}
}

/* More names than any fixed table would hold, all usable. */
static void test_many_names(void **state)
{
	(void)state;
	char name[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "v%d", i);
		assert_int_equal(expr_define(env, name, i), 0);
	}
	assert_true(value("v0 + v128 + v999") == 1127);
	assert_int_equal(expr_define(env, "v128", -1), 0);
	assert_true(value("v128") == -1);
}

static void test_wrong_calls(void **state)
{
	(void)state;
	refused("last(\"e1/base/s0/loss\")", "last() takes 2 arguments, got 1");
	refused("abs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)", "abs() takes 1 arguments, got more than 8");
	refused("abs(\"x\")", "abs(): argument 1 must be a number");
	refused("last(1, \"loss\")", "last(): argument 1 must be a quoted string");
	refused("slope(\"e1/base/s0/loss\", \"step\", \"loss\", 0, 3, \"cubic\")", "mode must be");
	refused("nosuch(1)", "unknown function 'nosuch'");
	refused("nosuch", "unknown name 'nosuch'");
	refused("last(\"e1/base/s0/loss\", \"nope\")", "no column 'nope'");
	refused("last(\"e1/base/s0/loss, \"loss\")", "expected ')'");
	refused("abs(1", "abs(): expected ')'");
	refused("1 +", "unexpected 'end of expression'");
	refused("1 2", "unexpected '2'");
	refused("\"e1\"", "unexpected '\"e1\"'");
	refused("1.2.3", "'1.2.3' is not a finite decimal number");
	refused("0x10", "unexpected 'x10'");
}

/* NaN or infinity never becomes a value (a NaN comparison would be 0, a
 * FAIL instead of an ERROR). */
static void test_results_are_finite(void **state)
{
	(void)state;
	refused("1e400", "'1e400' is not a finite decimal number");
	refused("1 / 0", "division by zero");
	refused("1 / (2 - 2) > 0", "division by zero");
	refused("1e308 * 10", "'*' overflows");
	refused("1e308 + 1e308", "'+' overflows");
	refused("-1e308 - 1e308", "'-' overflows");
	refused("log(-1) < 1", "log(): the value is not a number (NaN)");
	refused("log(0)", "log(): the value is -infinite");
	refused("sqrt(-1) == sqrt(-1)", "sqrt(): the value is not a number");
	refused("exp(1000)", "exp(): the value is infinite");
	refused("pow(0, -1)", "pow(): the value is infinite");
	refused("maxratio(\"e1/base/s0/loss\", \"loss\", \"zero\")",
	        "maxratio(): column 'zero' is 0 in data row 1 of");
	refused("maxdiff(\"e1/huge\", \"x\", \"y\") > 0 || 1", "maxdiff(): the value is infinite");
	refused("slope(\"e1/flat\", \"x\", \"y\", 0, 2, \"linear\")", "has the same x");
	refused("slope(\"e1/base/s0/loss\", \"step\", \"loss\", 5, 9, \"linear\")",
	        "fewer than 2 rows");
	refused("at(\"e1/base/s0/loss\", \"loss\", \"step\", 7)", "outside the range");
	refused("at(\"e1/one\", \"y\", \"x\", 6)", "outside the range");
	refused("last(\"e1/empty\", \"y\")", "e1/empty.tsv: no data rows");
}

static void test_data_files_that_are_not_data(void **state)
{
	(void)state;
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/e1/fifo.tsv", data);
	assert_int_equal(mkfifo(p, 0600), 0);
	refused("rows(\"e1/fifo\")", "not a regular file (a FIFO)");
	snprintf(p, sizeof p, "%s/e1/fifo/.done", data);
	put("data/e1/fifo/x", "");
	assert_int_equal(mkfifo(p, 0600), 0);
	refused("status(\"e1/fifo\")", "run has not completed");
	refused("status(\"e1/fifo\")", "not a regular file (a FIFO)");
	refused("status(\"e1/none\")", "run has not completed");
	put("data/e1/bad/.done", "3 junk\n");
	refused("status(\"e1/bad\")", "/e1/bad/.done: malformed");
	put("data/e1/big/.done", "99999999999999999999\n");
	refused("status(\"e1/big\")", "malformed");
	put("data/e1/nan.tsv", "# columns: x\nnan\n");
	refused("rows(\"e1/nan\")", "nan.tsv:2:1: 'nan' is not a finite");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_values),
		T(test_paths_stay_in_the_data_directory),
		T(test_only_the_documents_experiments),
		T(test_long_arguments_are_not_truncated),
		T(test_nesting_depth_is_bounded),
		T(test_many_names),
		T(test_wrong_calls),
		T(test_results_are_finite),
		T(test_data_files_that_are_not_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
