/* test_verify.c -- claim expressions and claims (src/lit/expr.c, src/lit/claims.c,
 * src/lit/verify.c, src/lit/weave.c) over a data directory written here: every
 * function, the operators, every expect form passing and failing, ERROR
 * (never a skip) when data is missing, an expression is wrong or a value is
 * not finite; known: (DIFFERS, stale) and quick: (expectation, n/a); the
 * report (columns, summary, exit status, tsv, colour on a terminal only, a
 * failed write).  The woven page is tested in test_weave.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/lit/claims.h"
#include "../src/cmd/commands.h"
#include "../src/lit/doc.h"
#include "../src/lit/expr.h"
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

/* The experiment whose data setup() writes: claims may read only the data of
 * their own document's experiments. */
#define EXP_BLOCK "```lindyn-experiment\nname: exp\nplugin: fx_good\naggregate: power\n```\n"

/* Each claim block's id says how it must come out: pass_*, fail_*, error_*. */
static const char *claims_doc =
	"# claims\n"
	"```lindyn-claim\nid: pass_true\nclaim: the loss decreases\npaper: yes\n"
	"let: a = first(\"exp/loss\", \"loss\")\nlet: b = last(\"exp/loss\", \"loss\")\n"
	"measure: b < a\nexpect: true\n```\n"
	"```lindyn-claim\nid: fail_true\nmeasure: 1 > 2\nexpect: true\n```\n"
	"```lindyn-claim\nid: pass_abs\nmeasure: last(\"exp/loss\", \"loss\")\nexpect: 0.6 +- 0.1\n```\n"
	"```lindyn-claim\nid: fail_abs\nmeasure: last(\"exp/loss\", \"loss\")\nexpect: 0.7 +- 0.1\n```\n"
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
	"expect: in [min(\"exp/loss\", \"loss\"), max(\"exp/loss\", \"loss\")]\n```\n"
	"```lindyn-claim\nid: fail_in_calls\nmeasure: 9\n"
	"expect: in [min(\"exp/loss\", \"loss\"), max(\"exp/loss\", \"loss\")]\n```\n"
	"```lindyn-claim\nid: pass_lt_expr\nmeasure: last(\"exp/loss\", \"loss\")\n"
	"expect: < first(\"exp/loss\", \"loss\") / 8\n```\n"
	"```lindyn-claim\nid: error_missing_data\nmeasure: last(\"exp/gone\", \"loss\")\n"
	"expect: < 1\n```\n"
	"```lindyn-claim\nid: error_missing_let_data\nlet: x = rows(\"exp/gone\")\n"
	"measure: 1\nexpect: true\n```\n"
	"```lindyn-claim\nid: error_expect_data\nmeasure: 1\nexpect: < last(\"exp/gone\", \"l\")\n```\n"
	"```lindyn-claim\nid: error_no_measure\nexpect: true\n```\n"
	"```lindyn-claim\nid: error_no_expect\nmeasure: 1\n```\n"
	"```lindyn-claim\nid: error_bad_expect\nmeasure: 1\nexpect: about 1\n```\n"
	"```lindyn-claim\nid: error_bad_in\nmeasure: 1\nexpect: in [1 2]\n```\n"
	"```lindyn-claim\nid: error_bad_let\nlet: = 3\nmeasure: 1\nexpect: true\n```\n"
	"```lindyn-claim\nid: error_nan\nmeasure: sqrt(-1)\nexpect: true\n```\n"
	"```lindyn-claim\nid: error_inf\nmeasure: exp(1000)\nexpect: > 0\n```\n"
	"```lindyn-claim\nid: error_inf_let\nlet: big = exp(1000)\nmeasure: 1\nexpect: true\n```\n"
	"```lindyn-claim\nid: error_inf_expect\nmeasure: 1\nexpect: < exp(1000)\n```\n"
	"```lindyn-claim\nid: error_inf_tolerance\nmeasure: 1\nexpect: 1 +- exp(1000)\n```\n"
	"```lindyn-claim\nid: error_percent_junk\nmeasure: 1\nexpect: 1 +- 5% of whatever\n```\n"
	"```lindyn-claim\nid: error_let_two_words\nlet: x y = 2\nmeasure: x\nexpect: > 1\n```\n"
	EXP_BLOCK;

static void test_claim_outcomes(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/claims.md", dir);
	tu_write(path, claims_doc);
	doc d;
	assert_int_equal(doc_load(&d, path, err, sizeof err), 0);
	assert_int_equal(d.nblocks, 36);
	for (size_t i = 0; i < d.nblocks; i++) {
		if (d.blocks[i].kind != BLOCK_CLAIM)
			continue;
		claim_result r;
		claim_eval(&d, &d.blocks[i], dir, 0, &r);
		const char *want = !strncmp(r.id, "pass", 4) ? "PASS" : !strncmp(r.id, "fail", 4)
		                                                        ? "FAIL" : "ERROR";
		if (strcmp(claim_outcome_name(r.outcome), want))
			fail_msg("claim %s: %s (measured %g, %s), expected %s", r.id,
			         claim_outcome_name(r.outcome), r.measured, r.detail, want);
		if (r.outcome == CLAIM_ERROR)
			assert_true(r.detail[0] != 0);
	}
	claim_result r;
	claim_eval(&d, &d.blocks[0], dir, 0, &r);
	assert_string_equal(r.claim, "the loss decreases");
	assert_string_equal(r.paper, "yes");
	assert_close(r.measured, 1, 0);
	assert_string_equal(r.detail, ""); /* a plain PASS has no note */
	claim_eval(&d, &d.blocks[4], dir, 0, &r);
	assert_string_equal(r.expected, "100 +- 5");
	claim_eval(&d, &d.blocks[20], dir, 0, &r);
	assert_contains(r.detail, "measure: ");
	assert_contains(r.detail, "exp/base/s0/gone.tsv: cannot open");
	claim_eval(&d, &d.blocks[23], dir, 0, &r);
	assert_contains(r.detail, "claim lacks 'measure'");
	claim_eval(&d, &d.blocks[29], dir, 0, &r);
	assert_string_equal(r.detail, "measure: exp(): the value is infinite");
	claim_eval(&d, &d.blocks[30], dir, 0, &r);
	assert_string_equal(r.detail, "big: exp(): the value is infinite");
	claim_eval(&d, &d.blocks[31], dir, 0, &r);
	assert_string_equal(r.detail, "expect: exp(): the value is infinite");
	doc_free(&d);
}

/* A document that defines no experiment reads no data: the claim is an
 * ERROR, not a reading of another document's runs. */
static void test_claims_read_only_their_documents_data(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/alone.md", dir);
	tu_write(path, "```lindyn-claim\nid: x\nmeasure: rows(\"exp/loss\")\nexpect: > 0\n```\n");
	doc d;
	assert_int_equal(doc_load(&d, path, err, sizeof err), 0);
	claim_result r;
	claim_eval(&d, &d.blocks[0], dir, 0, &r);
	assert_string_equal(claim_outcome_name(r.outcome), "ERROR");
	assert_non_null(strstr(r.detail, "'exp' is not an experiment of this document (it defines none)"));
	doc_free(&d);
}

/* Claims name tables as EXP[SEL]/TABLE: a selection must pick exactly one
 * point (numbers match as numbers), a run table one seed; anything else is
 * an ERROR saying what matched. */
static const struct {
	const char *measure, *want; /* want: "PASS", or a piece of the ERROR's detail */
} reference_cases[] = {
	{ "last(\"sw[rate=0.250, method=heun]/loss.agg\", \"loss_mean\") == 7", "PASS" },
	{ "last(\"sw[ method = euler ,rate=1e-1 ,seed=1]/loss\", \"loss\") == 5", "PASS" },
	{ "rows(\"sw/loss.final\") == 4", "PASS" },
	{ "status(\"sw[rate=0.1,method=euler,seed=1]\") == 0", "PASS" },
	{ "rows(\"sw[rate=0.3]/loss.agg\")", "selects no point of experiment 'sw'; its points: "
	  "[rate=0.1, method=euler]; [rate=0.1, method=heun]; [rate=0.25, method=euler]; ... (4 in all)" },
	{ "rows(\"sw[rate=0.1]/loss.agg\")", "selects 2 points of experiment 'sw', which differ in "
	  "'method'" },
	{ "rows(\"sw[rate=0.1,method=euler]/loss\")", "has 2 seeds: select one with seed=K (0 to 1)" },
	{ "rows(\"sw[rate=0.1,method=euler,seed=2]/loss\")", "seed=2: experiment 'sw' has seed "
	  "indices 0 to 1" },
	{ "rows(\"sw/rate-0.1_method-euler/s0/loss\")", "the path syntax 'exp/point/s0/table' is gone" },
	{ "status(\"sw/rate-0.1_method-euler/s0\")", "the path syntax 'exp/point/s0/table' is gone" },
	{ "rows(\"sw[rate=0.1,method=euler]/other.agg\")", "does not aggregate table 'other'" },
	{ "rows(\"sw[rate=0.1]/loss.final\")", "loss.final is the whole sweep: no [selection]" },
	{ "rows(\"sw[eta=1]/loss.agg\")", "experiment 'sw' sweeps no key 'eta' (swept keys: rate, "
	  "method; and seed=K)" },
	{ "rows(\"sw[rate=0.1,method=euler]/loss.agg.x\")", "is not T, T.agg or T.final" },
	{ "rows(\"exp/loss\")", "'exp' is not an experiment of this document (sw)" },
};

static void test_claim_references(void **state)
{
	(void)state;
	write_table("sw/rate-0.25_method-heun/loss.agg.tsv", "step loss_mean loss_std", "0\t9\t1\n1\t7\t1\n");
	write_table("sw/rate-0.1_method-euler/s1/loss.tsv", "step loss", "0\t6\n1\t5\n");
	write_table("sw/loss.final.tsv", "rate method loss_mean loss_std",
	            "0.1\t0\t1\t0\n0.1\t1\t1\t0\n0.25\t0\t1\t0\n0.25\t1\t1\t0\n");
	char path[PATH_MAX], *text = NULL;
	snprintf(path, sizeof path, "%s/sw/rate-0.1_method-euler/s1/.done", dir);
	tu_write(path, "0\n");
	size_t len = 0, n = sizeof reference_cases / sizeof *reference_cases;
	FILE *m = open_memstream(&text, &len);
	fputs("```lindyn-experiment\nname: sw\nplugin: fx_good\nseeds: 2\nsweep: rate=0.1,0.25\n"
	      "sweep: method=euler,heun\naggregate: loss\n```\n", m);
	for (size_t i = 0; i < n; i++)
		fprintf(m, "```lindyn-claim\nid: case_%zu\nmeasure: %s\nexpect: true\n```\n", i,
		        reference_cases[i].measure);
	fclose(m);
	snprintf(path, sizeof path, "%s/refs.md", dir);
	tu_write(path, text);
	free(text);
	doc d;
	if (doc_load(&d, path, err, sizeof err))
		fail_msg("%s", err);
	for (size_t i = 0; i < n; i++) {
		claim_result r;
		claim_eval(&d, &d.blocks[i + 1], dir, 0, &r);
		const char *want = reference_cases[i].want;
		if (!strcmp(want, "PASS") ? r.outcome != CLAIM_PASS
		                          : r.outcome != CLAIM_ERROR || !strstr(r.detail, want))
			fail_msg("case %zu: %s (%s), expected %s", i, claim_outcome_name(r.outcome),
			         r.detail, want);
	}
	doc_free(&d);
}

/* Claims with known: and quick: lines, judged at paper and at quick scale. */
static const struct {
	const char *body;                  /* the block's lines after its id */
	const char *paper, *quick;         /* the verdict at each scale */
	const char *note_paper, *note_quick; /* in the detail ("" when it must be empty) */
} scale_cases[] = {
	{ "measure: 2\nexpect: < 1\nknown: the paper rounds differently\n", "DIFFERS", "DIFFERS",
	  "the paper rounds differently", "the paper rounds differently" },
	{ "measure: 0.5\nexpect: < 1\nknown: the paper rounds differently\n", "PASS", "PASS",
	  "the known: line is stale", "the known: line is stale" },
	{ "measure: rows(\"exp/gone\")\nexpect: < 1\nknown: why\n", "ERROR", "ERROR",
	  "exp/base/s0/gone.tsv: cannot open", "exp/base/s0/gone.tsv: cannot open" },
	{ "measure: last(\"exp/loss\", \"loss\")\nexpect: 0.25 +- 0.01\nquick: 0.5 +- 0.01\n",
	  "FAIL", "PASS", "", "" },
	{ "measure: 0.5\nexpect: < 1\nquick: > 1\n", "PASS", "FAIL", "", "" },
	/* known: excuses the paper's expectation, never a quick: one */
	{ "measure: 2\nexpect: < 1\nknown: why\nquick: < 1.5\n", "DIFFERS", "FAIL", "why", "" },
	{ "measure: 2\nexpect: < 1\nknown: why\nquick: < 3\n", "DIFFERS", "PASS", "why", "" },
	{ "measure: rows(\"exp/gone\")\nexpect: > 1\nquick: n/a the runs stop at t = 0.02\n", "ERROR",
	  "n/a", "exp/base/s0/gone.tsv: cannot open", "the runs stop at t = 0.02" },
	{ "measure: 1\nexpect: true\nquick: n/a\n", "ERROR", "ERROR",
	  "quick: n/a needs a reason", "quick: n/a needs a reason" },
	{ "measure: 1\nexpect: true\nquick: about 1\n", "ERROR", "ERROR",
	  "quick: 'about 1' is not one of", "quick: 'about 1' is not one of" },
	{ "measure: 1\nexpect: true\nknown:\n", "ERROR", "ERROR", "known: needs a one-line reason",
	  "known: needs a one-line reason" },
	{ "measure: 1\nexpect: true\nquick: > 2\nquick: > 0\n", "ERROR", "ERROR",
	  "second 'quick:' line (the first is at line", "second 'quick:' line (the first is at line" },
	/* a malformed expect: is an ERROR at quick scale too */
	{ "measure: 1\nexpect: roughly one\nquick: true\n", "ERROR", "ERROR",
	  "expect: 'roughly one'", "expect: 'roughly one'" },
	{ "measure: 1\nexpect: roughly one\nquick: n/a a reason\n", "ERROR", "ERROR",
	  "expect: 'roughly one'", "expect: 'roughly one'" },
	{ "measure: exp(1000)\nexpect: > 0\nquick: > 0\nknown: why\n", "ERROR", "ERROR",
	  "measure: exp(): the value is infinite", "measure: exp(): the value is infinite" },
};

static void check_scale_case(const doc *d, size_t i, int quick)
{
	claim_result r;
	claim_eval(d, &d->blocks[i], dir, quick, &r);
	const char *want = quick ? scale_cases[i].quick : scale_cases[i].paper;
	const char *note = quick ? scale_cases[i].note_quick : scale_cases[i].note_paper;
	if (strcmp(claim_outcome_name(r.outcome), want))
		fail_msg("case %zu at %s scale: %s (%s), expected %s", i, quick ? "quick" : "paper",
		         claim_outcome_name(r.outcome), r.detail, want);
	if (*note)
		assert_contains(r.detail, note);
	else
		assert_string_equal(r.detail, "");
}

static void test_known_and_quick(void **state)
{
	(void)state;
	char path[PATH_MAX], *text = NULL;
	size_t len = 0, n = sizeof scale_cases / sizeof *scale_cases;
	FILE *m = open_memstream(&text, &len);
	for (size_t i = 0; i < n; i++)
		fprintf(m, "```lindyn-claim\nid: case_%zu\n%s```\n", i, scale_cases[i].body);
	fputs(EXP_BLOCK, m);
	fclose(m);
	snprintf(path, sizeof path, "%s/scales.md", dir);
	tu_write(path, text);
	free(text);
	doc d;
	if (doc_load(&d, path, err, sizeof err))
		fail_msg("%s", err);
	assert_int_equal(d.nblocks, n + 1);
	for (size_t i = 0; i < n; i++) {
		check_scale_case(&d, i, 0);
		check_scale_case(&d, i, 1);
	}
	/* At quick scale the quick: expectation is the one applied and shown. */
	claim_result r;
	claim_eval(&d, &d.blocks[3], dir, 1, &r);
	assert_string_equal(r.expect, "0.5 +- 0.01");
	assert_int_equal(r.quick_expect, 1);
	assert_string_equal(r.expected, "0.5 +- 0.01");
	claim_eval(&d, &d.blocks[3], dir, 0, &r);
	assert_string_equal(r.expect, "0.25 +- 0.01");
	assert_int_equal(r.quick_expect, 0);
	/* n/a is not measured. */
	claim_eval(&d, &d.blocks[7], dir, 1, &r);
	assert_true(isnan(r.measured));
	assert_string_equal(claim_outcome_name(CLAIM_NA), "n/a");
	assert_string_equal(claim_outcome_name(CLAIM_DIFFERS), "DIFFERS");
	doc_free(&d);
}

/* Runs `lindyn verify --data DIR [args...]` on the arguments given. */
typedef struct {
	char *argv[8];
} verify_call;

static int call_verify(void *arg)
{
	verify_call *c = arg;
	int argc = 0;
	while (c->argv[argc])
		argc++;
	return cmd_verify(argc, c->argv);
}

#define VERIFY(...) (&(verify_call){ { "--data", dir, __VA_ARGS__, NULL } })

/* The column at which needle starts on the line holding id. */
static long column_of(const char *text, const char *id, const char *needle)
{
	const char *line = strstr(text, id);
	assert_non_null(line);
	while (line > text && line[-1] != '\n')
		line--;
	const char *at = strstr(line, needle), *nl = strchr(line, '\n');
	assert_true(at && (!nl || at < nl));
	return at - line;
}

static void test_verify_report_and_exit_code(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/paper.md", dir);
	tu_write(path, "```lindyn-claim\nid: halves\nclaim: the loss halves\npaper: 0.5 (Fig. 1)\n"
	               "measure: last(\"exp/loss\", \"loss\")\nexpect: 0.5 +- 1e-12\n```\n"
	               "```lindyn-claim\nid: an_ordered_claim_with_a_long_id_of_forty\nmeasure: 1 < 2\n"
	               "expect: true\n```\n" EXP_BLOCK);
	char *out = NULL;
	assert_int_equal(tu_capture(call_verify, VERIFY(path), &out), 0);
	assert_true(matches_line(out, "PASS", "halves", "0.5 +- 1e-12"));
	assert_true(matches_line(out, "halves", "0.5 +- 1e-12", "0.5 (Fig. 1)"));
	assert_contains(out, "the loss halves\n");
	/* Columns are as wide as their longest cell: the long id shifts them all. */
	assert_int_equal(column_of(out, "halves", "0.5 +-"),
	                 column_of(out, "an_ordered_claim_with_a_long_id_of_forty", "true"));
	assert_true(column_of(out, "halves", "0.5 +-") > (long)strlen("an_ordered_claim_with_a_long_id_of_forty"));
	assert_true(matches_line(out, "paper ", " 2 ", " 2\n"));
	assert_true(matches_line(out, "total ", " 2 ", " 2\n"));
	assert_contains(out, "paper scale: ok (every claim is PASS, DIFFERS or n/a)");
	assert_null(strstr(out, "\033[")); /* no colour when stdout is not a terminal */
	free(out);

	/* One FAIL makes the exit code 1. */
	tu_write(path, "```lindyn-claim\nid: halves\nmeasure: last(\"exp/loss\", \"loss\")\n"
	               "expect: 0.25 +- 0.1\n```\n"
	               "```lindyn-claim\nid: ordered\nmeasure: 1 < 2\nexpect: true\n```\n" EXP_BLOCK);
	assert_int_equal(tu_capture(call_verify, VERIFY(path), &out), 1);
	assert_true(matches_line(out, "FAIL", "halves", "0.25 +- 0.1"));
	assert_contains(out, "paper scale: FAILED (a claim is FAIL or ERROR)");
	free(out);

	/* Missing data is an ERROR, counted as a failure, with the reason shown. */
	char empty[PATH_MAX];
	snprintf(empty, sizeof empty, "%s/nodata", dir);
	assert_int_equal(tu_capture(call_verify, &(verify_call){ { "--data", empty, path, NULL } },
	                            &out), 1);
	assert_true(matches_line(out, "ERROR", "halves", "0.25 +- 0.1"));
	assert_contains(out, "error: measure: ");
	assert_contains(out, "nodata/exp/base/s0/loss.tsv: cannot open");
	free(out);

	/* Claim ids are unique within a document: a second one is an ERROR. */
	tu_write(path, "```lindyn-claim\nid: same\nmeasure: 1\nexpect: true\n```\n\n"
	               "```lindyn-claim\nid: same\nmeasure: 2\nexpect: true\n```\n");
	assert_int_equal(tu_capture(call_verify, VERIFY(path), &out), 1);
	assert_contains(out, "paper.md:7: claim id 'same' is already used at line 1");
	free(out);

	/* A malformed document: exit 1, the document's line, and no report.
	 * (Under ASan, nothing of it left allocated.) */
	tu_write(path, "```lindyn-claim\nid: x\nmeasure: 1\n");
	assert_int_equal(tu_capture(call_verify, VERIFY(path), &out), 1);
	assert_prefix(out, "lindyn verify: ");
	assert_contains(out, "paper.md:1: block is not closed with ```");
	assert_int_equal(tu_lines(out), 1);
	free(out);

	/* A bad option: one line, exit 1. */
	tu_write(path, "```lindyn-claim\nid: x\nmeasure: 1\nexpect: true\n```\n");
	assert_int_equal(tu_capture(call_verify, VERIFY("--format", "json", path), &out), 1);
	assert_string_equal(out, "lindyn verify: --format 'json': expected text or tsv\n");
	free(out);
}

/* A document with one claim of every verdict but FAIL and ERROR. */
static const char *verdicts_doc =
	"```lindyn-claim\nid: passes\nclaim: the loss halves\npaper: 0.5\n"
	"measure: last(\"exp/loss\", \"loss\")\nexpect: 0.5 +- 1e-12\n```\n"
	"```lindyn-claim\nid: differs\nclaim: the paper has 0.7\tat the end\npaper: 0.7\n"
	"measure: last(\"exp/loss\", \"loss\")\nexpect: 0.7 +- 0.01\n"
	"known: the paper's runs are longer\nquick: < 1\n```\n"
	"```lindyn-claim\nid: late\nclaim: at t = 1e6\nmeasure: at(\"exp/loss\", \"loss\", \"step\", 1e6)\n"
	"expect: < 1e-3\nknown: why\nquick: n/a the quick runs stop at step 4\n```\n"
	EXP_BLOCK;

static void test_verify_differs_and_na(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/paper.md", dir);
	tu_write(path, verdicts_doc);
	char *out = NULL;
	/* Paper scale: PASS, DIFFERS and the n/a claim's ERROR (its data ends at step 4). */
	assert_int_equal(tu_capture(call_verify, VERIFY(path), &out), 1);
	assert_true(matches_line(out, "DIFFERS", "differs", "0.7 +- 0.01"));
	assert_contains(out, "known: the paper's runs are longer\n");
	assert_true(matches_line(out, "ERROR", "late", "< 1e-3"));
	free(out);
	/* Quick scale: DIFFERS's quick: expectation passes, the late claim is n/a:
	 * exit 0, with n/a listed and counted. */
	assert_int_equal(tu_capture(call_verify, VERIFY("--quick", path), &out), 0);
	assert_true(matches_line(out, "PASS", "differs", "< 1 (quick)"));
	assert_true(matches_line(out, "n/a", "late", "-"));
	assert_contains(out, "n/a: the quick runs stop at step 4\n");
	assert_contains(out, "summary   PASS  DIFFERS   FAIL  ERROR    n/a  claims\n"
	                     "paper        2        0      0      0      1       3\n"
	                     "total        2        0      0      0      1       3\n"
	                     "quick scale: ok (every claim is PASS, DIFFERS or n/a)\n");
	free(out);
}

static void test_verify_tsv(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/paper.md", dir);
	tu_write(path, verdicts_doc);
	char *out = NULL;
	assert_int_equal(tu_capture(call_verify, VERIFY("--format", "tsv", path), &out), 1);
	assert_prefix(
		out,
		"paper\tid\tverdict\tmeasured\texpected\texpect\texpect_source\tclaim\tpaper_value\tknown\tdetail\n"
		"paper\tpasses\tPASS\t0.5\t0.5 +- 1e-12\t0.5 +- 1e-12\texpect\tthe loss halves\t0.5\t\t\n"
		"paper\tdiffers\tDIFFERS\t0.5\t0.7 +- 0.01\t0.7 +- 0.01\texpect\tthe paper has 0.7\\tat the end"
		"\t0.7\tthe paper's runs are longer\tthe paper's runs are longer\n"
		"paper\tlate\tERROR\tnan\t\t< 1e-3\texpect\tat t = 1e6\t\twhy\tmeasure: at(): 1e+06 is "
		"outside the range of column 'step' in ");
	free(out);
	assert_int_equal(tu_capture(call_verify, VERIFY("--quick", "--format", "tsv", path), &out), 0);
	assert_contains(out, "\npaper\tdiffers\tPASS\t0.5\t< 1\t< 1\tquick\t");
	assert_contains(out, "\npaper\tlate\tn/a\tnan\t\t< 1e-3\texpect\tat t = 1e6\t\twhy\t"
	                     "the quick runs stop at step 4\n");
	assert_int_equal(tu_lines(out), 4); /* the header and one row per claim */
	free(out);
}

/* Runs verify with stdout on /dev/full; returns its status, stderr in *err. */
static int verify_to_full(char *path, char **errtext)
{
	char errpath[] = "/tmp/lindyn-err-XXXXXX";
	int fe = mkstemp(errpath), full = open("/dev/full", O_WRONLY);
	assert_true(fe >= 0 && full >= 0);
	fflush(stdout);
	fflush(stderr);
	int out = dup(1), e = dup(2);
	dup2(full, 1);
	dup2(fe, 2);
	int rc = call_verify(VERIFY(path));
	fflush(stderr);
	dup2(out, 1);
	dup2(e, 2);
	close(out), close(e), close(full), close(fe);
	*errtext = tu_read(errpath);
	unlink(errpath);
	return rc;
}

/* A report that cannot be written is a failure with one line, never exit 0. */
static void test_verify_write_error(void **state)
{
	(void)state;
	char path[PATH_MAX], *errtext = NULL;
	snprintf(path, sizeof path, "%s/paper.md", dir);
	tu_write(path, "```lindyn-claim\nid: x\nmeasure: 1\nexpect: true\n```\n");
	assert_int_equal(verify_to_full(path, &errtext), 1);
	assert_string_equal(errtext, "lindyn verify: cannot write the report to standard output: "
	                             "No space left on device\n");
	free(errtext);
	/* Larger than any stdio buffer: the failure comes from a write, not the close. */
	char *big = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&big, &len);
	for (int i = 0; i < 400; i++)
		fprintf(m, "```lindyn-claim\nid: claim_%d\nclaim: %0100d\nmeasure: 1\nexpect: true\n```\n", i, i);
	fclose(m);
	tu_write(path, big);
	free(big);
	assert_int_equal(verify_to_full(path, &errtext), 1);
	assert_string_equal(errtext, "lindyn verify: cannot write the report to standard output: "
	                             "No space left on device\n");
	free(errtext);
}

/* Colour on a terminal only, and not when NO_COLOR is set. */
static char *verify_on_terminal(char *path)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	fflush(stdout);
	int out = dup(1);
	dup2(slave, 1);
	call_verify(VERIFY(path));
	dup2(out, 1);
	close(out);
	close(slave);
	static char buf[8192];
	size_t len = 0;
	/* the terminal hands the output over in pieces; EIO once it is all read */
	for (ssize_t n; len < sizeof buf - 1 && (n = read(master, buf + len, sizeof buf - 1 - len)) > 0;)
		len += (size_t)n;
	close(master);
	buf[len] = 0;
	return buf;
}

static void test_verify_colour(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/paper.md", dir);
	tu_write(path, "```lindyn-claim\nid: x\nmeasure: 1\nexpect: true\n```\n");
	unsetenv("NO_COLOR");
	assert_contains(verify_on_terminal(path), "\033[32mPASS\033[0m");
	setenv("NO_COLOR", "1", 1);
	char *plain = verify_on_terminal(path);
	unsetenv("NO_COLOR");
	assert_null(strstr(plain, "\033["));
	assert_contains(plain, "PASS");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_arithmetic_and_logic), T(test_maths_functions),  T(test_table_functions),
		T(test_expression_errors),    T(test_claim_outcomes),   T(test_claims_read_only_their_documents_data),
		T(test_claim_references),     T(test_known_and_quick),
		T(test_verify_report_and_exit_code), T(test_verify_differs_and_na), T(test_verify_tsv),
		T(test_verify_write_error),   T(test_verify_colour),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
