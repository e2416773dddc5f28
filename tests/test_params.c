/* test_params.c -- parameter tables, parsing and validation (src/host/params.c):
 * every kind, bounds, integers written as 1e3, out of range, wrong type,
 * unknown keys with the nearest valid key suggested, canonical text, and
 * every way a declared table can be malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/host/params.h"
#include "fixtures/testutil.h"

static const lindyn_param table[] = {
	{ "steps", LINDYN_P_INT, "250", 0, 100000, NULL, "number of steps" },
	{ "rate", LINDYN_P_REAL, "5e-4", 0, 2.5, NULL, "step size" },
	{ "warm_start", LINDYN_P_BOOL, "yes", 0, 0, NULL, "start from the last weights" },
	{ "method", LINDYN_P_ENUM, "rk4", 0, 0, "rk4|rkf45|rk8pd", "integrator" },
	{ "init_npy", LINDYN_P_STRING, "", 0, 0, NULL, "weights file" },
	{ "shift", LINDYN_P_INT, "-3", -7, 7, NULL, "a signed integer" },
	{ "solver", LINDYN_P_ALIAS, NULL, 0, 0, "method", "renamed: use method" },
	{ "scale", LINDYN_P_REAL, "1", 0, LINDYN_UNBOUNDED, NULL, "any non-negative scale" },
	{ "data_dir", LINDYN_P_PATH, "/usr/share/fx", 0, 0, NULL, "directory the data is read from" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

static param_set ps;
static char err[512];

static int setup(void **state)
{
	(void)state;
	return params_init(&ps, table, err, sizeof err);
}

static int teardown(void **state)
{
	(void)state;
	params_free(&ps);
	return 0;
}

static int set(const char *kv)
{
	err[0] = 0;
	return params_set(&ps, kv, err, sizeof err);
}

static const char *text(const char *key)
{
	const param_value *v = params_find(&ps, key);
	assert_non_null(v);
	return v->text;
}

static void test_defaults_in_canonical_text(void **state)
{
	(void)state;
	assert_int_equal(ps.n, 8); /* the alias has no value */
	assert_string_equal(text("steps"), "250");
	assert_int_equal(params_find(&ps, "steps")->i, 250);
	assert_string_equal(text("rate"), "0.0005");
	assert_close(params_find(&ps, "rate")->x, 5e-4, 0);
	assert_string_equal(text("warm_start"), "1");
	assert_string_equal(text("method"), "rk4");
	assert_string_equal(text("init_npy"), "");
	assert_int_equal(params_find(&ps, "shift")->i, -3);
	assert_null(params_find(&ps, "stepz"));
}

static void test_integer_forms(void **state)
{
	(void)state;
	/* Exact integers in any decimal form, including beyond 2^53. */
	assert_int_equal(set("shift=-7e0"), 0);
	assert_int_equal(params_find(&ps, "shift")->i, -7);
	assert_int_equal(set("shift=0.00e99999999999999999999"), 0);
	assert_int_equal(params_find(&ps, "shift")->i, 0);
	assert_int_equal(set("steps=100000.000"), 0);
	assert_int_equal(set("steps=0.001e5"), 0);
	assert_int_equal(params_find(&ps, "steps")->i, 100);
	assert_int_equal(set("shift=-9223372036854775808"), -1);
	assert_contains(err, "-9223372036854775808 is out of range");
	assert_int_equal(set("steps=1e3"), 0);
	assert_int_equal(params_find(&ps, "steps")->i, 1000);
	assert_string_equal(text("steps"), "1000");
	assert_int_equal(set("steps=+42"), 0);
	assert_string_equal(text("steps"), "42");
	assert_int_equal(set("steps=2.5e1"), 0);
	assert_int_equal(params_find(&ps, "steps")->i, 25);
	assert_int_equal(set("shift=-7"), 0); /* bounds are inclusive */
	assert_int_equal(params_find(&ps, "shift")->i, -7);
	assert_int_equal(set("steps=100000"), 0);
	assert_int_equal(set("steps=0"), 0);
}

/* kv is rejected with "parameter 'KEY': 'VALUE' WHY; expected RANGE". */
static void expect_rejected(const char *kv, const char *why, const char *range)
{
	assert_int_equal(set(kv), -1);
	const char *eq = strchr(kv, '=');
	char want[512];
	snprintf(want, sizeof want, "parameter '%.*s': '%s' %s; expected %s", (int)(eq - kv), kv,
	         eq + 1, why, range);
	assert_string_equal(err, want);
}

static void test_integer_rejections(void **state)
{
	(void)state;
	static const char *bad[][2] = {
		{ "steps=2.5", "is not an integer" },
		{ "steps=1e-400", "is not an integer" },
		{ "steps=1.00000000000000000001e1", "is not an integer" },
		{ "steps=abc", "is not an integer" },
		{ "steps=12x", "is not an integer" },
		{ "steps=1e", "is not an integer" },
		{ "steps=.", "is not an integer" },
		{ "steps=", "is empty" },
		{ "steps= 5", "has leading or trailing spaces" },
		{ "steps=5 ", "has leading or trailing spaces" },
		{ "steps=0x10", "is hexadecimal, which is not accepted: write it in decimal" },
		{ "steps=nan", "is not finite" },
		{ "steps=inf", "is not finite" },
		{ "steps=1e400", "is too large for an integer" },
		{ "steps=9223372036854775808", "is too large for an integer" },
		{ "steps=-9223372036854775809", "is too large for an integer" },
		{ "steps=99999999999999999999999", "is too large for an integer" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		expect_rejected(bad[i][0], bad[i][1], "an integer in [0, 100000]");
	assert_string_equal(text("steps"), "250"); /* a rejected value changes nothing */

	assert_int_equal(set("steps=100001"), -1);
	assert_string_equal(err, "parameter 'steps': 100001 is out of range; "
	                         "expected an integer in [0, 100000]");
	assert_int_equal(set("steps=-1"), -1);
	assert_contains(err, "-1 is out of range");
	assert_int_equal(set("shift=8"), -1);
	assert_contains(err, "expected an integer in [-7, 7]");
	assert_int_equal(params_find(&ps, "shift")->i, -3);
}

static void test_real_values(void **state)
{
	(void)state;
	assert_int_equal(set("rate=0.1"), 0);
	assert_string_equal(text("rate"), "0.1");
	assert_int_equal(set("rate=2.5"), 0);
	assert_int_equal(set("rate=0"), 0);
	assert_int_equal(set("rate=1e-300"), 0);
	assert_string_equal(text("rate"), "1e-300");
	/* Subnormals are finite reals (strtod flags them with ERANGE). */
	assert_int_equal(set("rate=1e-320"), 0);
	assert_string_equal(text("rate"), "1e-320");
	assert_int_equal(set("rate=4.9406564584124654e-324"), 0);
	assert_string_equal(text("rate"), "5e-324");
	assert_int_equal(set("rate=0e-999"), 0);
	assert_string_equal(text("rate"), "0");
	assert_int_equal(set("rate=0.333333333333333314829616256247"), 0);
	assert_close(params_find(&ps, "rate")->x, 1.0 / 3.0, 0);
	assert_string_equal(text("rate"), "0.3333333333333333");

	static const char *bad[][2] = {
		{ "rate=nan", "is not finite" },
		{ "rate=inf", "is not finite" },
		{ "rate=-Infinity", "is not finite" },
		{ "rate=0.5x", "is not a real number" },
		{ "rate=", "is empty" },
		{ "rate=fast", "is not a real number" },
		{ "rate= 0.5 ", "has leading or trailing spaces" },
		{ "rate=0x1p-3", "is hexadecimal, which is not accepted: write it in decimal" },
		{ "rate=1e999", "is too large for a real number (beyond 1.8e308)" },
		{ "rate=1e-400", "is too small for a real number (it would round to 0)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		expect_rejected(bad[i][0], bad[i][1], "a real number in [0, 2.5]");
	assert_int_equal(set("rate=2.5000001"), -1);
	assert_string_equal(err, "parameter 'rate': 2.5000001 is out of range; "
	                         "expected a real number in [0, 2.5]");
	assert_int_equal(set("rate=-1e-9"), -1);
	assert_contains(err, "out of range");
	assert_string_equal(text("rate"), "0.3333333333333333");
}

static void test_bool_values(void **state)
{
	(void)state;
	static const struct {
		const char *kv;
		int b;
	} ok[] = { { "warm_start=0", 0 }, { "warm_start=true", 1 }, { "warm_start=no", 0 },
	           { "warm_start=1", 1 }, { "warm_start=false", 0 }, { "warm_start=yes", 1 } };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		assert_int_equal(set(ok[i].kv), 0);
		assert_int_equal(params_find(&ps, "warm_start")->b, ok[i].b);
		assert_string_equal(text("warm_start"), ok[i].b ? "1" : "0");
	}
	assert_int_equal(set("warm_start=2"), -1);
	assert_string_equal(err, "parameter 'warm_start': '2' is not a boolean "
	                         "(0/1, true/false, yes/no)");
	assert_int_equal(set("warm_start=maybe"), -1);
	assert_int_equal(set("warm_start="), -1);
	assert_string_equal(text("warm_start"), "1");
}

static void test_enum_values(void **state)
{
	(void)state;
	assert_int_equal(set("method=rk8pd"), 0);
	assert_string_equal(text("method"), "rk8pd");
	assert_int_equal(set("method=rkf45"), 0);
	static const char *bad[] = { "method=rk", "method=rk4|rkf45", "method=", "method=RK4",
	                             "method=rk8pdx" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(set(bad[i]), -1);
		assert_contains(err, "parameter 'method'");
		assert_contains(err, "is not one of rk4|rkf45|rk8pd");
	}
	assert_string_equal(text("method"), "rkf45");
}

static void test_string_values(void **state)
{
	(void)state;
	assert_int_equal(set("init_npy=data/w=1.npy"), 0); /* only the first '=' splits */
	assert_string_equal(text("init_npy"), "data/w=1.npy");
	assert_int_equal(set("init_npy="), 0);
	assert_string_equal(text("init_npy"), "");
	char longval[300];
	memset(longval, 'x', sizeof longval);
	memcpy(longval, "init_npy=", 9);
	longval[sizeof longval - 1] = 0;
	assert_int_equal(set(longval), -1);
	assert_contains(err, "parameter 'init_npy': value is longer than 255 characters");
	/* A newline or tab would break the data files' one-line header. */
	assert_int_equal(set("init_npy=w.npy\n0 1"), -1);
	assert_string_equal(err, "parameter 'init_npy': value holds a control character (code 10)");
	assert_int_equal(set("init_npy=a\tb"), -1);
	assert_contains(err, "control character (code 9)");
	assert_int_equal(set("init_npy=data dir/w.npy"), 0); /* spaces are fine */
}


/* A PATH (ABI 1.3) is text like a STRING: kept as given, may be empty, no
 * control characters. */
static void test_path_values(void **state)
{
	(void)state;
	assert_string_equal(text("data_dir"), "/usr/share/fx");
	assert_int_equal(set("data_dir=data/fashion-mnist"), 0);
	assert_string_equal(text("data_dir"), "data/fashion-mnist");
	assert_int_equal(set("data_dir="), 0);
	assert_string_equal(text("data_dir"), "");
	assert_int_equal(set("data_dir=d\nx"), -1);
	assert_string_equal(err, "parameter 'data_dir': value holds a control character (code 10)");
}

static void test_unknown_key_suggests_nearest(void **state)
{
	(void)state;
	assert_int_equal(set("stesp=10"), -1);
	assert_string_equal(err, "unknown parameter 'stesp'; did you mean 'steps'?");
	assert_int_equal(set("rat=0.1"), -1);
	assert_string_equal(err, "unknown parameter 'rat'; did you mean 'rate'?");
	assert_int_equal(set("warmstart=1"), -1);
	assert_contains(err, "did you mean 'warm_start'?");
	assert_int_equal(set("methods=rk4"), -1);
	assert_contains(err, "did you mean 'method'?");
	/* Nothing close: no misleading suggestion. */
	assert_int_equal(set("tolerance=1e-9"), -1);
	assert_string_equal(err, "unknown parameter 'tolerance'; `lindyn help` lists the valid ones");
	assert_int_equal(set("x=1"), -1);
	assert_contains(err, "unknown parameter 'x'");
	assert_null(strstr(err, "did you mean"));
}

static void test_malformed_assignments(void **state)
{
	(void)state;
	assert_int_equal(set("steps"), -1);
	assert_string_equal(err, "'steps' is not of the form key=value");
	assert_int_equal(set("=5"), -1);
	assert_contains(err, "not of the form key=value");
	assert_int_equal(set(""), -1);
	/* A key longer than any valid key is not cut to a shorter one. */
	char kv[200];
	snprintf(kv, sizeof kv, "%0100d=1", 0);
	kv[0] = 's';
	assert_int_equal(set(kv), -1);
	assert_contains(err, "keys are [a-z][a-z0-9_]* (at most 63 characters)");
}

/* A one-entry table around d, checked. */
static int check_one(lindyn_param d)
{
	lindyn_param t[2] = { d, { NULL, 0, NULL, 0, 0, NULL, NULL } };
	err[0] = 0;
	return params_check_table(t, err, sizeof err);
}

/* An old key sets its target; the two together are an error naming both,
 * in either order; an alias has no value of its own. */
static void test_alias(void **state)
{
	(void)state;
	assert_int_equal(set("solver=rk8pd"), 0);
	assert_string_equal(text("method"), "rk8pd");
	assert_null(params_find(&ps, "solver"));
	assert_int_equal(set("solver=rkf45"), 0); /* the same name again: the last wins */
	assert_string_equal(text("method"), "rkf45");
	assert_int_equal(set("method=rk4"), -1);
	assert_string_equal(err, "parameters 'solver' and 'method' are both given, but 'solver' is "
	                         "the deprecated name of 'method': give only 'method'");
	params_free(&ps);
	assert_int_equal(params_init(&ps, table, err, sizeof err), 0);
	assert_int_equal(set("method=rk4"), 0);
	assert_int_equal(set("solver=rk4"), -1);
	assert_string_equal(err, "parameters 'method' and 'solver' are both given, but 'solver' is "
	                         "the deprecated name of 'method': give only 'method'");
	/* The target's own checks apply. */
	params_free(&ps);
	assert_int_equal(params_init(&ps, table, err, sizeof err), 0);
	assert_int_equal(set("solver=euler"), -1);
	assert_string_equal(err, "parameter 'method': 'euler' is not one of rk4|rkf45|rk8pd");
}

/* Aliases that cannot work are declaration errors. */
static void test_alias_declarations(void **state)
{
	(void)state;
	lindyn_param t[] = {
		{ "tol", LINDYN_P_REAL, "1e-6", 0, 1, NULL, "tolerance" },
		{ "atol", LINDYN_P_ALIAS, NULL, 0, 0, "tol", "renamed: use tol" },
		{ NULL, 0, NULL, 0, 0, NULL, NULL },
		{ NULL, 0, NULL, 0, 0, NULL, NULL },
	};
	assert_int_equal(params_check_table(t, err, sizeof err), 0);
	t[1].choices = "tolerance";
	assert_int_equal(params_check_table(t, err, sizeof err), -1);
	assert_string_equal(err, "parameter 'atol': alias of 'tolerance', which is not declared");
	t[1].choices = NULL;
	assert_int_equal(params_check_table(t, err, sizeof err), -1);
	assert_string_equal(err, "parameter 'atol': alias of '(null)', which is not declared");
	t[1].choices = "tol";
	t[2] = (lindyn_param){ "eps", LINDYN_P_ALIAS, NULL, 0, 0, "atol", "renamed: use tol" };
	assert_int_equal(params_check_table(t, err, sizeof err), -1);
	assert_string_equal(err, "parameter 'eps': alias of 'atol', which is itself an alias");
	t[2].choices = "eps";
	assert_int_equal(params_check_table(t, err, sizeof err), -1);
	assert_string_equal(err, "parameter 'eps': alias of 'eps', which is itself an alias");
	t[2] = (lindyn_param){ "eps", LINDYN_P_ALIAS, "1", 0, 0, "tol", "renamed: use tol" };
	assert_int_equal(params_check_table(t, err, sizeof err), -1);
	assert_string_equal(err, "parameter 'eps': an alias has no default (defval must be NULL)");
	t[2].defval = NULL;
	t[2].help = NULL;
	assert_int_equal(params_check_table(t, err, sizeof err), -1);
	assert_string_equal(err, "parameter 'eps': no help text");
}

static void test_table_checks(void **state)
{
	(void)state;
	assert_int_equal(params_check_table(table, err, sizeof err), 0);
	lindyn_param good = { "tol", LINDYN_P_REAL, "1e-6", 0, 1, NULL, "tolerance" };
	assert_int_equal(check_one(good), 0);

	lindyn_param d = good;
	d.key = "Tol";
	assert_int_equal(check_one(d), -1);
	assert_string_equal(err, "parameter 'Tol': key must be [a-z][a-z0-9_]* (at most 63 characters)");
	d.key = "2tol";
	assert_int_equal(check_one(d), -1);
	d.key = "to-l";
	assert_int_equal(check_one(d), -1);

	d = good;
	d.kind = (lindyn_param_kind)0;
	assert_int_equal(check_one(d), -1);
	assert_string_equal(err, "parameter 'tol': unknown kind 0");
	d.kind = (lindyn_param_kind)(LINDYN_P_PATH + 1);
	assert_int_equal(check_one(d), -1);
	assert_contains(err, "unknown kind 8");

	d = good;
	d.help = NULL;
	assert_int_equal(check_one(d), -1);
	assert_string_equal(err, "parameter 'tol': no help text");
	d.help = "";
	assert_int_equal(check_one(d), -1);

	d = good;
	d.defval = NULL;
	assert_int_equal(check_one(d), -1);
	assert_string_equal(err, "parameter 'tol': no default");

	d = good;
	d.defval = "2";
	assert_int_equal(check_one(d), -1);
	assert_string_equal(err, "bad default: parameter 'tol': 2 is out of range; "
	                         "expected a real number in [0, 1]");
	d.defval = "small";
	assert_int_equal(check_one(d), -1);
	assert_contains(err, "bad default");

	d = good;
	d.min = 1, d.max = 0;
	assert_int_equal(check_one(d), -1);
	assert_contains(err, "bounds [1, 0] are empty");
	d.min = NAN;
	assert_int_equal(check_one(d), -1);

	lindyn_param e = { "method", LINDYN_P_ENUM, "a", 0, 0, NULL, "integrator" };
	assert_int_equal(check_one(e), -1);
	assert_string_equal(err, "parameter 'method': enum without choices");
	e.choices = "a|b";
	assert_int_equal(check_one(e), 0);
	e.defval = "c";
	assert_int_equal(check_one(e), -1);
	assert_contains(err, "bad default");

	lindyn_param twice[3] = { good, good, { NULL, 0, NULL, 0, 0, NULL, NULL } };
	assert_int_equal(params_check_table(twice, err, sizeof err), -1);
	assert_string_equal(err, "parameter 'tol' is declared twice");

	assert_int_equal(params_check_table(NULL, err, sizeof err), -1);
	lindyn_param empty[1] = { { NULL, 0, NULL, 0, 0, NULL, NULL } };
	assert_int_equal(params_check_table(empty, err, sizeof err), 0);
}

static void test_format_real_round_trips(void **state)
{
	(void)state;
	static const double xs[] = { 0.1, 5e-4, 1.0 / 3.0, 2.385, -7.25e-310, 1e300, 123456789.0,
	                             0.0, -0.0, 6.02214076e23 };
	static const char *texts[] = { "0.1", "0.0005", "0.3333333333333333", "2.385", NULL,
	                               "1e+300", "123456789", "0", "-0", "6.02214076e+23" };
	char buf[64];
	for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
		params_format_real(buf, sizeof buf, xs[i]);
		double back = strtod(buf, NULL);
		assert_memory_equal(&back, &xs[i], sizeof back);
		if (texts[i])
			assert_string_equal(buf, texts[i]);
	}
}

static void test_help_lists_every_parameter(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	params_help(f, table);
	fclose(f);
	assert_contains(out, "steps=<an integer in [0, 100000]> (default 250)");
	assert_contains(out, "number of steps");
	assert_contains(out, "rate=<a real number in [0, 2.5]> (default 5e-4)");
	assert_contains(out, "warm_start=<a boolean (0/1, true/false, yes/no)> (default yes)");
	assert_contains(out, "method=<one of rk4|rkf45|rk8pd> (default rk4)");
	assert_contains(out, "init_npy=<string> (default \"\")");
	assert_contains(out, "shift=<an integer in [-7, 7]> (default -3)");
	assert_contains(out, "\n  solver  (deprecated: renamed to method)\n");
	assert_contains(out, "scale=<a real number in [0, inf)> (default 1)");
	assert_contains(out, "data_dir=<path> (default /usr/share/fx)");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults_in_canonical_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_integer_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_integer_rejections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bool_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enum_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key_suggests_nearest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_assignments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias, setup, teardown),
		cmocka_unit_test(test_alias_declarations),
		cmocka_unit_test(test_table_checks),
		cmocka_unit_test(test_format_real_round_trips),
		cmocka_unit_test(test_help_lists_every_parameter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
