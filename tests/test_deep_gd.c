/* test_deep_gd.c -- the deep linear network against closed forms: the
 * back-propagated gradient against finite differences, the O(eta^2)
 * per-step drift of the layer imbalances, and the heavy ball's first step. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "../plugins/deep_gd/deep_gd.h"
#include "lindyn/run.h"

static void random_net(deep_net *net, size_t L, unsigned long seed)
{
	assert_int_equal(deep_net_alloc(net, 7, 4, 3, 5, L), 0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	gsl_matrix *all[2 + DEEP_GD_MAX_DEPTH] = { net->X, net->Y };
	memcpy(all + 2, net->W, L * sizeof *net->W);
	for (size_t k = 0; k < 2 + L; k++)
		for (size_t i = 0; i < all[k]->size1; i++)
			for (size_t j = 0; j < all[k]->size2; j++)
				gsl_matrix_set(all[k], i, j, gsl_ran_gaussian(rng, 0.7));
	gsl_rng_free(rng);
}

/* Central differences of the loss in every entry of every layer. */
static void gradient_matches_finite_differences(void **unused)
{
	(void)unused;
	for (size_t L = 2; L <= 4; L++) {
		deep_net net;
		random_net(&net, L, 100 + L);
		double gnorm, worst = 0, scale = 0;
		deep_net_gradient(&net, &gnorm);
		for (size_t l = 0; l < L; l++)
			for (size_t i = 0; i < net.W[l]->size1; i++)
				for (size_t j = 0; j < net.W[l]->size2; j++) {
					double w = gsl_matrix_get(net.W[l], i, j), e = 1e-6, g;
					double analytic = gsl_matrix_get(net.grad[l], i, j);
					gsl_matrix_set(net.W[l], i, j, w + e);
					double up = deep_net_gradient(&net, &g);
					gsl_matrix_set(net.W[l], i, j, w - e);
					double down = deep_net_gradient(&net, &g);
					gsl_matrix_set(net.W[l], i, j, w);
					deep_net_gradient(&net, &g); /* restore grad[] */
					worst = fmax(worst, fabs((up - down) / (2 * e) - analytic));
					scale = fmax(scale, fabs(analytic));
				}
		assert_true(worst < 1e-6 * fmax(scale, 1));
		deep_net_free(&net);
	}
}

/* One GD step changes D_i by eta^2 (G_i^T G_i - G_{i+1} G_{i+1}^T): the drift
 * of a step scales like eta^2. */
static void imbalance_drift_is_second_order(void **unused)
{
	(void)unused;
	double drift[2];
	for (int k = 0; k < 2; k++) {
		deep_net net;
		random_net(&net, 3, 7);
		double g;
		deep_net_record_imbalance(&net);
		assert_true(deep_net_imbalance_drift(&net) == 0);
		deep_net_gradient(&net, &g);
		deep_net_step(&net, k == 0 ? 1e-3 : 5e-4, 0.0);
		drift[k] = deep_net_imbalance_drift(&net);
		deep_net_free(&net);
	}
	assert_true(drift[0] > 0);
	assert_true(fabs(drift[0] / drift[1] - 4) < 0.01);
}

/* The heavy ball starts with zero velocity, so its first step is the GD
 * step whatever beta; from the second step on, momentum changes the path. */
static double final_loss(const char *steps, const char *momentum)
{
	const char *args[] = { "n=10", "d=4", "m=2", "h=6", "log_every=1", steps, momentum };
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	for (size_t i = 0; i < sizeof args / sizeof *args; i++)
		assert_int_equal(lindyn_run_set(r, args[i]), 0);
	assert_int_equal(lindyn_run_exec(r), 0);
	double loss = lindyn_run_value(r, "loss", lindyn_run_rows(r, "loss") - 1, "loss");
	lindyn_run_free(r);
	return loss;
}

static void heavy_ball_starts_as_gd(void **unused)
{
	(void)unused;
	double gd1 = final_loss("steps=1", "momentum=0"), hb1 = final_loss("steps=1", "momentum=0.5");
	double gd2 = final_loss("steps=2", "momentum=0"), hb2 = final_loss("steps=2", "momentum=0.5");
	assert_memory_equal(&gd1, &hb1, sizeof gd1);
	assert_true(gd2 != hb2);
}

static void rejects_width_below_output(void **unused)
{
	(void)unused;
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_int_equal(lindyn_run_set(r, "h=2"), 0);
	assert_int_equal(lindyn_run_set(r, "m=3"), 0);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	assert_non_null(strstr(lindyn_run_message(r), "width h=2"));
	lindyn_run_free(r);
}

/* Every table is written with exactly its declared columns, in order. */
static void writes_the_declared_tables(void **unused)
{
	(void)unused;
	const lindyn_table_def *tables = lindyn_plugin_descriptor(0)->tables;
	assert_non_null(tables);
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_int_equal(lindyn_run_set(r, "steps=3"), 0);
	assert_int_equal(lindyn_run_exec(r), 0);
	size_t n = 0;
	for (; tables[n].name; n++) {
		const char *name = tables[n].name;
		assert_string_equal(lindyn_run_table_name(r, n), name);
		size_t c = 0;
		for (; tables[n].columns[c].name; c++)
			assert_string_equal(lindyn_run_column_name(r, name, c), tables[n].columns[c].name);
		assert_int_equal(lindyn_run_columns(r, name), c);
	}
	assert_null(lindyn_run_table_name(r, n));
	lindyn_run_free(r);
}

/* Bounds that only meant "no limit" are unbounded. */
static void accepts_unbounded_values(void **unused)
{
	(void)unused;
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_int_equal(lindyn_run_set(r, "steps=2000000000"), 0);
	assert_int_equal(lindyn_run_set(r, "log_every=2000000000"), 0);
	assert_int_equal(lindyn_run_set(r, "tol=1e305"), 0);
	assert_int_equal(lindyn_run_set(r, "log_every=0"), LINDYN_EINVAL);
	lindyn_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gradient_matches_finite_differences),
		cmocka_unit_test(imbalance_drift_is_second_order),
		cmocka_unit_test(heavy_ball_starts_as_gd),
		cmocka_unit_test(rejects_width_below_output),
		cmocka_unit_test(writes_the_declared_tables),
		cmocka_unit_test(accepts_unbounded_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
