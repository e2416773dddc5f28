/* test_verify.c -- claim expressions and claims (src/expr.c, src/claims.c,
 * src/verify.c, src/weave.c) over a data directory written here: every
 * function, the operators, every expect form passing and failing, ERROR
 * (never a skip) when data is missing or an expression is wrong.  The woven
 * page is tested in test_weave.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/claims.h"
#include "../src/commands.h"
#include "../src/doc.h"
#include "../src/expr.h"
#include "fixtures/testutil.h"

static char *dir;
static expr_env *env;
static char err[512];

static void write_table(const char *rel, const char *columns, const char *rows)
{
	char path[PATH_MAX], cmd[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	snprintf(cmd, sizeof cmd, "mkdir -p '%.*s'", (int)(strrchr(path, '/') - path), path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# lindyn test data\n# columns: %s\n%s", columns, rows);
	fclose(f);
}

/* Does some line of text hold a, b and c in this order? */
static int matches_line(const char *text, const char *a, const char *b, const char *c)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		const char *x = strstr(p, a), *y = x ? strstr(x, b) : NULL, *z = y ? strstr(y, c) : NULL;
		if (z && z < end)
			return 1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	/* loss halves every step: slope -log 2 on a semilogy axis. */
	write_table("exp/base/s0/loss.tsv", "step loss bound",
	            "0\t8\t9\n1\t4\t4.5\n2\t2\t2\n3\t1\t1.25\n4\t0.5\t0.5\n");
	/* y = 5 x^-1.5: slope -1.5 on a loglog axis; z = 2.385 x + 1 linear. */
	write_table("exp/power.final.tsv", "x y z",
	            "1\t5\t3.385\n4\t0.625\t10.54\n16\t0.078125\t39.16\n64\t0.009765625\t153.64\n");
	write_table("exp/empty.tsv", "a b", "");
	char done[PATH_MAX];
	snprintf(done, sizeof done, "%s/exp/base/s0/.done", dir);
	tu_write(done, "0\n"); /* the exit code of the run, as the make fragment writes it */
	write_table("exp/div/s0/x.tsv", "x", "1\n");
	snprintf(done, sizeof done, "%s/exp/div/s0/.done", dir);
	tu_write(done, "3\n");
	env = expr_env_new(dir);
	return env ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	expr_env_free(env);
	tu_rmtree(dir);
	return 0;
}

static double eval_ok(const char *text)
{
	double v = NAN;
	err[0] = 0;
	if (expr_eval(env, text, &v, err, sizeof err))
		fail_msg("'%s' failed: %s", text, err);
	return v;
}

static void eval_fails(const char *text, const char *why)
{
	double v;
	err[0] = 0;
	if (!expr_eval(env, text, &v, err, sizeof err))
		fail_msg("'%s' evaluated to %g, expected an error containing '%s'", text, v, why);
	assert_contains(err, why);
}

static void test_arithmetic_and_logic(void **state)
{
	(void)state;
	assert_close(eval_ok("1 + 2 * 3"), 7, 0);
	assert_close(eval_ok("(1 + 2) * 3"), 9, 0);
	assert_close(eval_ok("10 / 4 - 0.5"), 2, 0);
	assert_close(eval_ok("2 - 3 - 4"), -5, 0);
	assert_close(eval_ok("1 - -1"), 2, 0);
	assert_close(eval_ok("-2.385e2"), -238.5, 0);
	assert_close(eval_ok(".5 * 4"), 2, 0);
	assert_close(eval_ok("1 < 2"), 1, 0);
	assert_close(eval_ok("2 <= 2"), 1, 0);
	assert_close(eval_ok("2 < 2"), 0, 0);
	assert_close(eval_ok("3 >= 4"), 0, 0);
	assert_close(eval_ok("3 > 2.9"), 1, 0);
	assert_close(eval_ok("3 == 3"), 1, 0);
	assert_close(eval_ok("3 != 3"), 0, 0);
	assert_close(eval_ok("1 < 2 && 2 < 1"), 0, 0);
	assert_close(eval_ok("1 < 2 || 2 < 1"), 1, 0);
	assert_close(eval_ok("!(1 > 2) && !0"), 1, 0);
	assert_close(eval_ok("1 + 1 < 3"), 1, 0); /* arithmetic binds tighter */
	assert_int_equal(expr_define(env, "c", 2.5), 0);
	assert_int_equal(expr_define(env, "tol_2", 0.25), 0);
	assert_close(eval_ok("c * tol_2"), 0.625, 0);
	assert_int_equal(expr_define(env, "c", 4), 0); /* redefinition */
	assert_close(eval_ok("c"), 4, 0);
}

static void test_maths_functions(void **state)
{
	(void)state;
	assert_close(eval_ok("abs(-2.385)"), 2.385, 0);
	assert_close(eval_ok("log(exp(1.5))"), 1.5, 1e-15);
	assert_close(eval_ok("log10(1000)"), 3, 1e-15);
	assert_close(eval_ok("exp(0)"), 1, 0);
	assert_close(eval_ok("sqrt(6.25)"), 2.5, 0);
	assert_close(eval_ok("pow(2, 10)"), 1024, 0);
	assert_close(eval_ok("fmin(3, -1)"), -1, 0);
	assert_close(eval_ok("fmax(3, -1)"), 3, 0);
	assert_close(eval_ok("fmax(fmin(1, 2), abs(-0.5)) + 1"), 2, 0);
}

static void test_table_functions(void **state)
{
	(void)state;
	const char *t = "\"exp/base/s0/loss\"";
	char text[256];
#define EVAL(fmt) (snprintf(text, sizeof text, fmt, t), eval_ok(text))
	assert_close(EVAL("first(%s, \"loss\")"), 8, 0);
	assert_close(EVAL("last(%s, \"loss\")"), 0.5, 0);
	assert_close(EVAL("min(%s, \"bound\")"), 0.5, 0);
	assert_close(EVAL("max(%s, \"bound\")"), 9, 0);
	assert_close(EVAL("mean(%s, \"loss\")"), 15.5 / 5, 1e-15);
	assert_close(EVAL("rows(%s)"), 5, 0);
	assert_close(EVAL("at(%s, \"loss\", \"step\", 2.5)"), 1.5, 0);
	assert_close(EVAL("at(%s, \"loss\", \"step\", 4)"), 0.5, 0);
	assert_close(EVAL("at(%s, \"step\", \"loss\", 3)"), 1.5, 0); /* decreasing x */
	assert_close(EVAL("maxdiff(%s, \"loss\", \"bound\")"), 0, 0);
	assert_close(EVAL("maxdiff(%s, \"bound\", \"loss\")"), 1, 0);
	assert_close(EVAL("maxratio(%s, \"bound\", \"loss\")"), 1.25, 0);
	assert_close(EVAL("slope(%s, \"step\", \"loss\", 0, 4, \"semilogy\")"), -log(2), 1e-14);
	assert_close(EVAL("slope(%s, \"step\", \"loss\", 1, 3, \"semilogy\")"), -log(2), 1e-14);
	assert_close(EVAL("slope(%s, \"step\", \"bound\", 2, 4, \"linear\")"), -0.75, 1e-14);
#undef EVAL
	assert_close(eval_ok("slope(\"exp/power.final\", \"x\", \"y\", 1, 64, \"loglog\")"), -1.5,
	             1e-14);
	assert_close(eval_ok("slope(\"exp/power.final\", \"x\", \"z\", 0, 100, \"linear\")"), 2.385,
	             1e-12);
	assert_close(eval_ok("last(\"exp/power.final\", \"y\") * 2 < first(\"exp/power.final\", \"y\")"),
	             1, 0);
	assert_close(eval_ok("status(\"exp/base/s0\")"), 0, 0);
	assert_close(eval_ok("status(\"exp/div/s0\")"), 3, 0);
}

static void test_expression_errors(void **state)
{
	(void)state;
	eval_fails("last(\"exp/nope/s0/loss\", \"loss\")", "exp/nope/s0/loss.tsv: cannot open");
	eval_fails("last(\"exp/base/s0/loss\", \"los\")", "loss.tsv: no column 'los'");
	eval_fails("rows(\"exp/empty\")", "exp/empty.tsv: no data rows");
	eval_fails("lats(\"exp/base/s0/loss\", \"loss\")", "unknown function 'lats'");
	eval_fails("last(\"exp/base/s0/loss\")", "last() takes 2 arguments, got 1");
	eval_fails("last(\"exp/base/s0/loss\", 3)", "last(): argument 2 must be a quoted string");
	eval_fails("abs(\"x\")", "abs(): argument 1 must be a number");
	eval_fails("undefined_name + 1", "unknown name 'undefined_name'");
	eval_fails("1 2", "unexpected '2'");
	eval_fails("(1 + 2", "expected ')'");
	eval_fails("1 +", "unexpected 'end of expression'");
	eval_fails("last(\"exp/base/s0/loss, \"loss\")", "");
	eval_fails("first(\"exp/base/s0/loss\", \"loss\"", "expected ')'");
	eval_fails("log(-1)", "the value is not a number");
	eval_fails("sqrt(-4)", "not a number");
	eval_fails("at(\"exp/base/s0/loss\", \"loss\", \"step\", 4.5)",
	           "at(): 4.5 is outside the range of column 'step'");
	eval_fails("slope(\"exp/base/s0/loss\", \"step\", \"loss\", 3.5, 9, \"semilogy\")",
	           "slope: fewer than 2 rows");
	eval_fails("slope(\"exp/base/s0/loss\", \"step\", \"loss\", 0, 4, \"loglog\")",
	           "slope: non-positive value on a log axis");
	eval_fails("slope(\"exp/base/s0/loss\", \"step\", \"loss\", 0, 4, \"log\")",
	           "slope: mode must be");
	eval_fails("status(\"exp/never/s0\")", "run has not completed");
	eval_fails("", "unexpected 'end of expression'");
}

/* Each claim block's id says how it must come out: pass_*, fail_*, error_*. */
static const char *claims_doc =
	"# claims\n"
	"```lindyn-claim\nid: pass_true\nclaim: the loss decreases\npaper: yes\n"
	"let: a = first(\"exp/base/s0/loss\", \"loss\")\nlet: b = last(\"exp/base/s0/loss\", \"loss\")\n"
	"measure: b < a\nexpect: true\n```\n"
	"```lindyn-claim\nid: fail_true\nmeasure: 1 > 2\nexpect: true\n```\n"
	"```lindyn-claim\nid: pass_abs\nmeasure: last(\"exp/base/s0/loss\", \"loss\")\nexpect: 0.6 +- 0.1\n```\n"
	"```lindyn-claim\nid: fail_abs\nmeasure: last(\"exp/base/s0/loss\", \"loss\")\nexpect: 0.7 +- 0.1\n```\n"
	"```lindyn-claim\nid: pass_rel\nmeasure: 104\nexpect: 100 +- 5%\n```\n"
	"```lindyn-claim\nid: fail_rel\nmeasure: 106\nexpect: 100 +- 5%\n```\n"
	"```lindyn-claim\nid: pass_rel_expr\nlet: sd = 0.5\nmeasure: 6.15\nexpect: 6.02 +- 3*sd\n```\n"
	"```lindyn-claim\nid: pass_lt\nmeasure: 1\nexpect: < 1.5\n```\n"
	"```lindyn-claim\nid: fail_lt\nmeasure: 1.5\nexpect: < 1.5\n```\n"
	"```lindyn-claim\nid: pass_le\nmeasure: 1.5\nexpect: <= 1.5\n```\n"
	"```lindyn-claim\nid: fail_le\nmeasure: 1.6\nexpect: <= 1.5\n```\n"
	"```lindyn-claim\nid: pass_gt\nmeasure: 2\nexpect: > 1.5\n```\n"
	"```lindyn-claim\nid: fail_gt\nmeasure: 1.5\nexpect: > 1.5\n```\n"
	"```lindyn-claim\nid: pass_ge\nmeasure: 1.5\nexpect: >= 1.5\n```\n"
	"```lindyn-claim\nid: fail_ge\nmeasure: 1.4\nexpect: >= 1.5\n```\n"
	"```lindyn-claim\nid: pass_in\nmeasure: 2.385\nexpect: in [2, 3]\n```\n"
	"```lindyn-claim\nid: fail_in\nmeasure: 3.5\nexpect: in [2, 3]\n```\n"
	"```lindyn-claim\nid: pass_in_calls\nmeasure: 4\n"
	"expect: in [min(\"exp/base/s0/loss\", \"loss\"), max(\"exp/base/s0/loss\", \"loss\")]\n```\n"
	"```lindyn-claim\nid: fail_in_calls\nmeasure: 9\n"
	"expect: in [min(\"exp/base/s0/loss\", \"loss\"), max(\"exp/base/s0/loss\", \"loss\")]\n```\n"
	"```lindyn-claim\nid: pass_lt_expr\nmeasure: last(\"exp/base/s0/loss\", \"loss\")\n"
	"expect: < first(\"exp/base/s0/loss\", \"loss\") / 8\n```\n"
	"```lindyn-claim\nid: error_missing_data\nmeasure: last(\"exp/gone/s0/loss\", \"loss\")\n"
	"expect: < 1\n```\n"
	"```lindyn-claim\nid: error_missing_let_data\nlet: x = rows(\"exp/gone/s0/loss\")\n"
	"measure: 1\nexpect: true\n```\n"
	"```lindyn-claim\nid: error_expect_data\nmeasure: 1\nexpect: < last(\"exp/gone/s0/loss\", \"l\")\n```\n"
	"```lindyn-claim\nid: error_no_measure\nexpect: true\n```\n"
	"```lindyn-claim\nid: error_no_expect\nmeasure: 1\n```\n"
	"```lindyn-claim\nid: error_bad_expect\nmeasure: 1\nexpect: about 1\n```\n"
	"```lindyn-claim\nid: error_bad_in\nmeasure: 1\nexpect: in [1 2]\n```\n"
	"```lindyn-claim\nid: error_bad_let\nlet: = 3\nmeasure: 1\nexpect: true\n```\n"
	"```lindyn-claim\nid: error_nan\nmeasure: sqrt(-1)\nexpect: true\n```\n";

static void test_claim_outcomes(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/claims.md", dir);
	tu_write(path, claims_doc);
	doc d;
	assert_int_equal(doc_load(&d, path, err, sizeof err), 0);
	assert_int_equal(d.nblocks, 29);
	for (size_t i = 0; i < d.nblocks; i++) {
		claim_result r;
		claim_eval(&d, &d.blocks[i], dir, &r);
		const char *want = !strncmp(r.id, "pass", 4) ? "PASS" : !strncmp(r.id, "fail", 4)
		                                                        ? "FAIL" : "ERROR";
		if (strcmp(claim_outcome_name(r.outcome), want))
			fail_msg("claim %s: %s (measured %g, %s), expected %s", r.id,
			         claim_outcome_name(r.outcome), r.measured, r.detail, want);
		if (r.outcome == CLAIM_ERROR)
			assert_true(r.detail[0] != 0);
	}
	claim_result r;
	claim_eval(&d, &d.blocks[0], dir, &r);
	assert_string_equal(r.claim, "the loss decreases");
	assert_string_equal(r.paper, "yes");
	assert_close(r.measured, 1, 0);
	claim_eval(&d, &d.blocks[4], dir, &r);
	assert_string_equal(r.detail, "100 +- 5");
	claim_eval(&d, &d.blocks[20], dir, &r);
	assert_contains(r.detail, "measure: ");
	assert_contains(r.detail, "exp/gone/s0/loss.tsv: cannot open");
	claim_eval(&d, &d.blocks[23], dir, &r);
	assert_contains(r.detail, "claim lacks 'measure'");
	doc_free(&d);
}

typedef struct {
	const char *doc;
	const char *data;
} verify_call;

static int call_verify(void *arg)
{
	const verify_call *c = arg;
	char *argv[] = { "--data", (char *)c->data, (char *)c->doc, NULL };
	return cmd_verify(3, argv);
}

static void test_verify_table_and_exit_code(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/paper.md", dir);
	tu_write(path, "```lindyn-claim\nid: halves\nclaim: halves\n"
	               "measure: last(\"exp/base/s0/loss\", \"loss\")\nexpect: 0.5 +- 1e-12\n```\n"
	               "```lindyn-claim\nid: ordered\nmeasure: 1 < 2\nexpect: true\n```\n");
	char *out = NULL;
	assert_int_equal(tu_capture(call_verify, &(verify_call){ path, dir }, &out), 0);
	assert_true(matches_line(out, "paper", "halves", "PASS"));
	assert_contains(out, "claims: 2 passed, 0 failed, 0 errors");
	free(out);

	/* One FAIL makes the exit code 1. */
	tu_write(path, "```lindyn-claim\nid: halves\nmeasure: last(\"exp/base/s0/loss\", \"loss\")\n"
	               "expect: 0.25 +- 0.1\n```\n"
	               "```lindyn-claim\nid: ordered\nmeasure: 1 < 2\nexpect: true\n```\n");
	assert_int_equal(tu_capture(call_verify, &(verify_call){ path, dir }, &out), 1);
	assert_true(matches_line(out, "paper", "halves", "FAIL"));
	assert_contains(out, "claims: 1 passed, 1 failed, 0 errors");
	free(out);

	/* Missing data is an ERROR, counted as a failure, with the reason shown. */
	char empty[PATH_MAX];
	snprintf(empty, sizeof empty, "%s/nodata", dir);
	assert_int_equal(tu_capture(call_verify, &(verify_call){ path, empty }, &out), 1);
	assert_true(matches_line(out, "paper", "halves", "ERROR"));
	assert_contains(out, "error: measure: ");
	assert_contains(out, "nodata/exp/base/s0/loss.tsv: cannot open");
	assert_contains(out, "claims: 1 passed, 0 failed, 1 errors");
	free(out);

	/* Claim ids are unique within a document: a second one is an ERROR. */
	tu_write(path, "```lindyn-claim\nid: same\nmeasure: 1\nexpect: true\n```\n\n"
	               "```lindyn-claim\nid: same\nmeasure: 2\nexpect: true\n```\n");
	assert_int_equal(tu_capture(call_verify, &(verify_call){ path, dir }, &out), 1);
	assert_contains(out, "paper.md:7: claim id 'same' is already used at line 1");
	assert_contains(out, "claims: 1 passed, 0 failed, 1 errors");
	free(out);

	/* A malformed document: exit 1 and the document's line (and, under
	 * ASan, nothing of it left allocated). */
	tu_write(path, "```lindyn-claim\nid: x\nmeasure: 1\n");
	assert_int_equal(tu_capture(call_verify, &(verify_call){ path, dir }, &out), 1);
	assert_contains(out, "lindyn verify: ");
	assert_contains(out, "paper.md:1: block is not closed with ```");
	free(out);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_arithmetic_and_logic), T(test_maths_functions),  T(test_table_functions),
		T(test_expression_errors),    T(test_claim_outcomes),   T(test_verify_table_and_exit_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
