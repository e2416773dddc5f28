/* test_sweep.c -- sweep values (src/lit/experiment.c, src/lit/select.c): one
 * text per value whichever way a list, tuple or range wrote it, selections
 * that match it however either side writes a number, ranges that give fewer
 * than two values refused, and the PATH parameter kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/host/registry.h"
#include "../src/lit/doc.h"
#include "../src/lit/experiment.h"
#include "../src/lit/select.h"
#include "fixtures/testutil.h"

#define FENCE "```"

static char doc_path[PATH_MAX];
static char err[1024];

static void expect_text(const char *written, const char *text)
{
	char buf[EXPERIMENT_NUMBER_MAX];
	const char *got = experiment_value_text(written, buf);
	if (strcmp(got, text))
		fail_msg("'%s' has text '%s', expected '%s'", written, got, text);
}

/* Numbers have one text; anything else (hexadecimal, inf, words) is its own. */
static void test_value_text(void **state)
{
	(void)state;
	expect_text("1e-3", "1e-3");
	expect_text("0.001", "1e-3");
	expect_text("0.00100", "1e-3");
	expect_text("1E-03", "1e-3");
	expect_text("1e-05", "1e-5");
	expect_text("0.005", "5e-3");
	expect_text("0.0025", "0.0025"); /* a tie: the plain form */
	expect_text("0.01", "0.01");
	expect_text("0.1", "0.1");
	expect_text(".5", "0.5");
	expect_text("1.0", "1");
	expect_text("+2", "2");
	expect_text("-0", "0");
	expect_text("-0.005", "-5e-3");
	expect_text("1e3", "1000"); /* integers in digits: counts read as counts */
	expect_text("9500", "9500");
	expect_text("123456789012345", "123456789012345");
	expect_text("1e15", "1e15");
	expect_text("1e20", "1e20");
	expect_text("1234567890123456789", "1234567890123456789"); /* digits: every one kept */
	expect_text("9007199254740993", "9007199254740993");        /* 2^53 + 1: no double */
	expect_text("+0012", "12");
	expect_text("-000", "0");
	expect_text("4.9e-324", "5e-324"); /* subnormals are numbers too */
	expect_text("1.0e-310", "1e-310");
	expect_text("1234567890123456", "1234567890123456");
	expect_text("1.25e300", "1.25e300");
	expect_text("12345.5", "12345.5");
	expect_text("0.0447213595499958", "0.0447213595499958");
	expect_text("0.30000000000000004", "0.30000000000000004");
	expect_text("gauss", "gauss");
	expect_text("0x10", "0x10");
	expect_text("inf", "inf");
	expect_text("1e-400", "1e-400"); /* rounds to 0: not read as a number */
	char buf[EXPERIMENT_NUMBER_MAX];
	const char *word = "xu_fixed";
	assert_ptr_equal(experiment_value_text(word, buf), word);
}

static int setup(void **state)
{
	(void)state;
	tu_setup_dir(state);
	snprintf(doc_path, sizeof doc_path, "%s/sweeps.md", tu_dir);
	return 0;
}

/* Loads a document of one experiment block with these fields (line 2 is the
 * first field) and parses it. */
static int parse_fields(doc *d, experiment *e, const char *fields)
{
	char text[4096];
	snprintf(text, sizeof text, FENCE "lindyn-experiment\n%s\nname: e1\nplugin: fx_good\n"
	         FENCE "\n", fields);
	tu_write(doc_path, text);
	assert_int_equal(doc_load(d, doc_path, err, sizeof err), 0);
	int rc = experiment_parse(e, d, &d->blocks[0], 0, err, sizeof err);
	if (rc)
		experiment_free(e);
	return rc;
}

/* The directory names of every point, joined by spaces. */
static void point_names(const experiment *e, char *out, size_t len)
{
	size_t used = 0;
	out[0] = 0;
	for (size_t p = 0; p < experiment_npoints(e) && used < len; p++) {
		char name[EXPERIMENT_POINT_MAX];
		experiment_point(e, p, name, NULL, NULL);
		used += (size_t)snprintf(out + used, len - used, "%s%s", p ? " " : "", name);
	}
}

static void expect_points(const char *fields, const char *names)
{
	doc d;
	experiment e;
	if (parse_fields(&d, &e, fields))
		fail_msg("'%s': %s", fields, err);
	char got[2048];
	point_names(&e, got, sizeof got);
	if (strcmp(got, names))
		fail_msg("'%s' gives points '%s', expected '%s'", fields, got, names);
	experiment_free(&e);
	doc_free(&d);
}

/* A list, a tuple and a range name the same value's point alike. */
static void test_points_one_rule(void **state)
{
	(void)state;
	expect_points("sweep: rate=1e-3,2e-3", "rate-1e-3 rate-2e-3");
	expect_points("sweep: rate=0.001,0.002", "rate-1e-3 rate-2e-3");
	expect_points("sweep: rate=0.001:0.002:0.001", "rate-1e-3 rate-2e-3");
	expect_points("sweep: rate,steps = 0.001,1e1 | 2e-3,20", "rate-1e-3_steps-10 rate-2e-3_steps-20");
	expect_points("sweep: steps=500:1500:500", "steps-500 steps-1000 steps-1500");
	/* lo + i step is rounded to 15 digits before its text is taken */
	expect_points("sweep: rate=0.9:0.93:0.01", "rate-0.9 rate-0.91 rate-0.92 rate-0.93");
	expect_points("sweep: label=a_b,c", "label-a-b label-c");
}

/* The value handed to the plugin (and to figure variables) is the point's. */
static void test_values_agree_with_points(void **state)
{
	(void)state;
	doc d;
	experiment e;
	assert_int_equal(parse_fields(&d, &e, "sweep: rate,label = 1e-03,x_y | 0.0020,z"), 0);
	const char *keys[2], *values[2];
	char name[EXPERIMENT_POINT_MAX];
	experiment_point(&e, 0, name, keys, values);
	assert_string_equal(name, "rate-1e-3_label-x-y");
	assert_string_equal(values[0], "1e-3");
	assert_string_equal(values[1], "x_y");
	experiment_point(&e, 1, name, keys, values);
	assert_string_equal(values[0], "2e-3");
	experiment_free(&e);
	doc_free(&d);
	/* two ways of writing one number are one point, named as written */
	assert_int_equal(parse_fields(&d, &e, "sweep: rate=1e-3,0.0010"), -1);
	assert_contains(err, "sweep values '1e-3' and '0.0010' give the same point");
	doc_free(&d);
}

static void expect_selects(const char *sweep, const char *ref, size_t point)
{
	doc d;
	experiment e;
	if (parse_fields(&d, &e, sweep))
		fail_msg("'%s': %s", sweep, err);
	doc_experiments x = { &e, 1 };
	data_sel s;
	if (data_sel_resolve(&s, &x, ref, 1, 1, err, sizeof err))
		fail_msg("'%s' against '%s': %s", ref, sweep, err);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.points[0], point);
	data_sel_free(&s);
	experiment_free(&e);
	doc_free(&d);
}

/* A selection finds the point whichever way either side writes the number. */
static void test_selection_either_way(void **state)
{
	(void)state;
	expect_selects("sweep: rate=1e-3,2e-3", "e1[rate=0.001]", 0);
	expect_selects("sweep: rate=0.001,0.002", "e1[rate=2e-3]", 1);
	expect_selects("sweep: rate=0.001:0.002:0.001", "e1[rate=1E-3]", 0);
	expect_selects("sweep: rate=0.001:0.002:0.001", "e1[rate=0.0020]", 1);
	expect_selects("sweep: steps=1000,2000", "e1[steps=2e3]", 1);
	assert_true(sel_value_matches("1e-3", "0.001"));
	assert_true(sel_value_matches("xu_fixed", "xu_fixed"));
	assert_false(sel_value_matches("0x10", "16")); /* hexadecimal is no number here */
	assert_false(sel_value_matches("1e-3", "1e-4"));
}

static void expect_range_refused(const char *fields, const char *message)
{
	doc d;
	experiment e;
	assert_int_equal(parse_fields(&d, &e, fields), -1);
	char want[PATH_MAX + 512];
	snprintf(want, sizeof want, "%s:2: %s", doc_path, message);
	assert_string_equal(err, want);
	doc_free(&d);
}

/* A range of one value is a list written with ':': refused, saying so. */
static void test_range_of_one_value(void **state)
{
	(void)state;
	expect_range_refused("sweep: alpha=1e-3:1:10",
	                     "sweep alpha=1e-3:1:10 gives one value (1e-3): a range is lo:hi:step "
	                     "with step the increment; write a list (1e-3,1,10) for these values");
	expect_range_refused("sweep: steps = 5:5:1",
	                     "sweep steps=5:5:1 gives one value (5): a range is lo:hi:step with "
	                     "step the increment; write a list (5,5,1) for these values");
	expect_range_refused("sweep: steps=5:1:1",
	                     "bad sweep: range '5:1:1' needs step > 0 and lo <= hi");
	expect_points("sweep: steps=5:6:1", "steps-5 steps-6");
}

static const lindyn_param path_table[] = {
	{ "x_npy", LINDYN_P_PATH, "", 0, 0, NULL, "X" },
	{ "cache", LINDYN_P_STRING, "", 0, 0, NULL, "an output directory" },
	{ "x_file", LINDYN_P_ALIAS, NULL, 0, 0, "x_npy", "renamed: use x_npy" },
	{ "steps", LINDYN_P_INT, "1", 1, 10, NULL, "steps" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL },
};

static void test_param_is_path(void **state)
{
	(void)state;
	assert_true(experiment_param_is_path(path_table, "x_npy"));
	assert_true(experiment_param_is_path(path_table, "x_file"));
	assert_false(experiment_param_is_path(path_table, "cache"));
	assert_false(experiment_param_is_path(path_table, "steps"));
	assert_false(experiment_param_is_path(path_table, "nope"));
}

static const lindyn_plugin *load(registry *reg, const char *file, const char *name)
{
	registry_add_path(reg, tu_path(file));
	const registry_entry *e = registry_find(reg, name);
	if (!e)
		fail_msg("%s: %s not loaded (%s)", file, name,
		         reg->nrejected ? reg->rejected[0] : "no message");
	return &e->desc;
}

/* The plugins' input files are PATH parameters; an output directory is not. */
static void test_plugins_declare_paths(void **state)
{
	(void)state;
	registry reg = { 0 };
	const lindyn_plugin *gd2 = load(&reg, "plugins/gd2.so", "gd2");
	const char *gd2_paths[] = { "x_npy", "y_npy", "w1_npy", "w2_npy" };
	for (size_t i = 0; i < 4; i++)
		assert_true(experiment_param_is_path(gd2->params, gd2_paths[i]));
	const lindyn_plugin *rk4 = load(&reg, "plugins/rk4_gf.so", "rk4_gf");
	assert_true(experiment_param_is_path(rk4->params, "w1_npy"));
	assert_true(experiment_param_is_path(rk4->params, "w2_npy"));
	const lindyn_plugin *fm = load(&reg, "plugins/lora_fmnist.so", "lora_fmnist");
	assert_true(experiment_param_is_path(fm->params, "data_dir"));
	assert_false(experiment_param_is_path(fm->params, "cache"));
	registry_free(&reg);
}

/* A plugin built for ABI 1.2, before PATH existed, still loads. */
static void test_abi_1_2_plugin_loads(void **state)
{
	(void)state;
	registry reg = { 0 };
	lindyn_plugin d = *load(&reg, "fixtures/good.so", "fx_good");
	assert_int_equal(LINDYN_ABI_MINOR, 3);
	d.abi_minor = 2;
	assert_int_equal(registry_check(&d, err, sizeof err), 0);
	registry_free(&reg);
}

int main(void)
{
	setenv("LINDYN_PLUGIN_PATH", "", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_text),
		cmocka_unit_test_setup_teardown(test_points_one_rule, setup, tu_teardown_dir),
		cmocka_unit_test_setup_teardown(test_values_agree_with_points, setup, tu_teardown_dir),
		cmocka_unit_test_setup_teardown(test_selection_either_way, setup, tu_teardown_dir),
		cmocka_unit_test_setup_teardown(test_range_of_one_value, setup, tu_teardown_dir),
		cmocka_unit_test(test_param_is_path),
		cmocka_unit_test(test_plugins_declare_paths),
		cmocka_unit_test(test_abi_1_2_plugin_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
