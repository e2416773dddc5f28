/* test_rk4_gf-run.c -- the rk4_gf plugin through the in-process run API:
 * the SVD-reduced and row-space flows against the unreduced flow, the two
 * RK4 methods, the conservation of the imbalance and of U2, the
 * invariant-set and balanced initializations, the stop rule, the inputs it
 * saves for another program, and bad input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "../src/host/npy.h"

#include "lindyn/run.h"
#include "declared_tables.h"

const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index);

#define SMALL "n=12", "d=30", "m=2", "h=40", "data=gauss", "x_std=0.3", "theta_std=0.4", \
	"noise=0.05", "t_end=2", "log_dt=0.5", "loss_scale=half"

static lindyn_run *run_with(const char *const *args, size_t nargs, int expect)
{
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_non_null(r);
	lindyn_run_seed(r, 11);
	for (size_t i = 0; i < nargs; i++)
		assert_int_equal(lindyn_run_set(r, args[i]), 0);
	int st = lindyn_run_exec(r);
	if (st != expect)
		fprintf(stderr, "status %d: %s\n", st, lindyn_run_message(r));
	assert_int_equal(st, expect);
	return r;
}
#define RUN(expect, ...)                                                            \
	run_with((const char *const[]){__VA_ARGS__},                                   \
	         sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), expect)

static double last(lindyn_run *r, const char *col)
{
	return lindyn_run_value(r, "loss", lindyn_run_rows(r, "loss") - 1, col);
}

static void assert_rel(double a, double b, double tol)
{
	if (!(fabs(a - b) <= tol * fmax(fabs(a), fabs(b))))
		fprintf(stderr, "%.17g vs %.17g (tol %g)\n", a, b, tol);
	assert_true(fabs(a - b) <= tol * fmax(fabs(a), fabs(b)));
}

/* Same seed, same tolerance: the three parametrizations follow one flow. */
static void test_reduced_matches_full(void **unused)
{
	(void)unused;
	lindyn_run *full = RUN(0, SMALL, "reduce=none", "abs_tol=1e-13", "rel_tol=1e-12");
	lindyn_run *svd = RUN(0, SMALL, "reduce=svd", "abs_tol=1e-13", "rel_tol=1e-12");
	lindyn_run *row = RUN(0, SMALL, "reduce=rowspace", "abs_tol=1e-13", "rel_tol=1e-12");
	assert_int_equal(lindyn_run_rows(full, "loss"), 5);
	const char *cols[] = {"loss", "excess", "rate", "dist", "null_norm", "c", "rate_bound"};
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
		assert_rel(last(svd, cols[i]), last(full, cols[i]), 1e-8);
		assert_rel(last(row, cols[i]), last(full, cols[i]), 1e-8);
	}
	/* m = 1 takes matrix-vector products instead of dgemm (gf_flow.c). */
	lindyn_run *full1 = RUN(0, SMALL, "m=1", "reduce=none", "abs_tol=1e-13", "rel_tol=1e-12");
	lindyn_run *row1 = RUN(0, SMALL, "m=1", "reduce=rowspace", "abs_tol=1e-13", "rel_tol=1e-12");
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		assert_rel(last(row1, cols[i]), last(full1, cols[i]), 1e-8);
	lindyn_run_free(full1);
	lindyn_run_free(row1);
	/* The loss fell (the runs did something) and U2 stayed frozen. */
	assert_true(last(full, "loss") < 0.5 * lindyn_run_value(full, "loss", 0, "loss"));
	assert_true(last(full, "u2_drift") <= 1e-12);
	lindyn_run_free(full);
	lindyn_run_free(svd);
	lindyn_run_free(row);
}

/* method=euler is GD (dt = 2 eta / n on the mean loss): the same iterates in
 * full and row-space coordinates, and a first-order approximation of the flow. */
static void test_euler_is_gd(void **unused)
{
	(void)unused;
	lindyn_run *full = RUN(0, SMALL, "method=euler", "dt=0.01", "reduce=none");
	lindyn_run *row = RUN(0, SMALL, "method=euler", "dt=0.01", "reduce=rowspace");
	lindyn_run *half = RUN(0, SMALL, "method=euler", "dt=0.005", "reduce=rowspace");
	lindyn_run *flow = RUN(0, SMALL, "abs_tol=1e-13", "rel_tol=1e-12");
	assert_rel(last(row, "loss"), last(full, "loss"), 1e-11);
	assert_rel(last(row, "dist"), last(full, "dist"), 1e-11);
	assert_true(last(full, "grad_evals") == 200.0 && last(full, "steps") == 200.0);
	double e1 = fabs(last(row, "loss") - last(flow, "loss"));
	double e2 = fabs(last(half, "loss") - last(flow, "loss"));
	assert_true(e1 / e2 > 1.8 && e1 / e2 < 2.2);
	lindyn_run_free(full);
	lindyn_run_free(row);
	lindyn_run_free(half);
	lindyn_run_free(flow);
}

/* Lambda(t) = Lambda(0) along the flow: the drift follows the tolerance. */
static void test_imbalance_conserved(void **unused)
{
	(void)unused;
	lindyn_run *tight = RUN(0, SMALL, "abs_tol=1e-13", "rel_tol=1e-13");
	lindyn_run *loose = RUN(0, SMALL, "method=rkf45", "abs_tol=1e-5", "rel_tol=1e-5");
	lindyn_run *rk4 = RUN(0, SMALL, "method=rk4", "dt=0.01");
	lindyn_run *rk4h = RUN(0, SMALL, "method=rk4", "dt=0.005");
	double scale = last(tight, "c") + last(tight, "delta_plus");
	assert_true(scale > 0.1);
	assert_true(last(tight, "drift") <= 1e-10 * scale);
	assert_true(last(loose, "drift") > 10.0 * last(tight, "drift"));
	assert_rel(last(tight, "c"), lindyn_run_value(tight, "loss", 0, "c"), 1e-10);
	/* RK4 drift is a fourth-order error: halving dt divides it by ~16. */
	double ratio = last(rk4, "drift") / last(rk4h, "drift");
	assert_true(ratio > 10.0 && ratio < 24.0);
	lindyn_run_free(tight);
	lindyn_run_free(loose);
	lindyn_run_free(rk4);
	lindyn_run_free(rk4h);
}

/* method=rk4 is classical RK4, 4 gradient evaluations a step; rk4_doubling is
 * GSL's rk4 stepper, 12 a step for two classical half steps: the same numbers
 * as rk4 at half the step. */
static void test_rk4_methods(void **unused)
{
	(void)unused;
	lindyn_run *rk4 = RUN(0, SMALL, "method=rk4", "dt=0.01");
	lindyn_run *half = RUN(0, SMALL, "method=rk4", "dt=0.005");
	lindyn_run *dbl = RUN(0, SMALL, "method=rk4_doubling", "dt=0.01");
	assert_true(last(rk4, "steps") == 200.0 && last(rk4, "grad_evals") == 4 * 200.0);
	assert_true(last(dbl, "steps") == 200.0 && last(dbl, "grad_evals") == 12 * 200.0);
	const char *cols[] = {"loss", "excess", "dist", "c"};
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		assert_rel(last(dbl, cols[i]), last(half, cols[i]), 1e-12);
	/* ... and not those of rk4 at the same step. */
	assert_true(fabs(last(dbl, "excess") - last(rk4, "excess")) >
	            1e3 * fabs(last(dbl, "excess") - last(half, "excess")));
	lindyn_run_free(rk4);
	lindyn_run_free(half);
	lindyn_run_free(dbl);
}

/* S1 Prop. 1: U2(0) = 0 keeps W1 W2 in the row space, so the limit is
 * Theta_hat; a Gaussian init keeps its null-space part. */
static void test_invariant_set(void **unused)
{
	(void)unused;
	lindyn_run *inv = RUN(0, SMALL, "init=invariant", "sigma_u=0.5", "sigma_v=0.5",
	                      "t_end=400", "log_dt=100", "reduce=rowspace");
	lindyn_run *gau = RUN(0, SMALL, "sigma_u=0.5", "sigma_v=0.5", "t_end=400",
	                      "log_dt=100", "reduce=rowspace");
	assert_true(last(inv, "excess") < 1e-20);
	assert_true(last(inv, "null_norm") <= 1e-13);
	assert_true(last(inv, "dist") < 1e-8);
	assert_true(last(gau, "excess") < 1e-20);
	assert_true(last(gau, "dist") > 1e-3);
	assert_rel(last(gau, "dist"), last(gau, "null_norm"), 1e-6); /* S1 eq. 14 */
	/* V(0) U2(0)^T = 0 alone: starts with no null-space part, ends with one. */
	lindyn_run *half = RUN(0, SMALL, "init=vperp", "sigma_u=0.5", "sigma_v=0.5", "t_end=400",
	                       "log_dt=100", "reduce=rowspace");
	assert_true(lindyn_run_value(half, "loss", 0, "null_norm") <= 1e-13);
	assert_true(last(half, "excess") < 1e-20);
	assert_true(last(half, "null_norm") > 1e-3);
	lindyn_run_free(inv);
	lindyn_run_free(gau);
	lindyn_run_free(half);
}

/* The balanced init has Lambda = 0 and the Gaussian draw's W1 W2. */
static void test_balanced(void **unused)
{
	(void)unused;
	lindyn_run *bal = RUN(0, SMALL, "init=balanced");
	lindyn_run *gau = RUN(0, SMALL);
	double scale = lindyn_run_value(gau, "loss", 0, "c");
	assert_true(lindyn_run_value(bal, "loss", 0, "c") <= 1e-12 * scale);
	assert_true(lindyn_run_value(bal, "loss", 0, "delta_plus") <= 1e-12 * scale);
	assert_rel(lindyn_run_value(bal, "loss", 0, "loss"), lindyn_run_value(gau, "loss", 0, "loss"),
	           1e-12);
	assert_rel(lindyn_run_value(bal, "loss", 0, "dist"), lindyn_run_value(gau, "loss", 0, "dist"),
	           1e-12);
	lindyn_run_free(bal);
	lindyn_run_free(gau);
}

/* stop_loss ends the run at the first step below the threshold. */
static void test_stop_loss(void **unused)
{
	(void)unused;
	lindyn_run *r = RUN(0, SMALL, "t_end=1000", "log_dt=1", "stop_loss=1e-6",
	                    "sigma_u=0.5", "sigma_v=0.5");
	double l = last(r, "loss"), t = last(r, "t");
	assert_true(l < 1e-6);
	assert_true(t < 1000.0);
	assert_true(lindyn_run_value(r, "summary", 0, "stopped") == 1.0);
	assert_true(lindyn_run_value(r, "loss", lindyn_run_rows(r, "loss") - 2, "loss") >= 1e-6);
	lindyn_run_free(r);
}

/* save_inputs writes the problem another program needs: the loss it gives
 * at t = 0 is the plugin's, and init=npy from the saved weights retraces the
 * run that drew them. */
static void test_save_inputs(void **unused)
{
	(void)unused;
	char dir[] = "/tmp/test_rk4_gf-XXXXXX", path[64], err[256];
	assert_non_null(mkdtemp(dir));
	lindyn_run *saver = lindyn_run_new(lindyn_plugin_descriptor(0), dir);
	assert_non_null(saver);
	lindyn_run_seed(saver, 11);
	const char *args[] = {SMALL, "save_inputs=1"};
	for (size_t i = 0; i < sizeof args / sizeof *args; i++)
		assert_int_equal(lindyn_run_set(saver, args[i]), 0);
	assert_int_equal(lindyn_run_exec(saver), 0);
	lindyn_run_free(saver);

	enum { N = 12, D = 30, M = 2, H = 40 };
	static double X[N * D], Y[N * M], W1[D * H], W2[H * M];
	struct { const char *name; size_t rows, cols; double *data; } files[] = {
		{"x", N, D, X}, {"y", N, M, Y}, {"w1_init", D, H, W1}, {"w2_init", H, M, W2}};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s.npy", dir, files[i].name);
		if (npy_read(path, files[i].rows, files[i].cols, files[i].data, err, sizeof err))
			fail_msg("%s", err);
	}
	double loss0 = 0; /* 1/2 ||Y - X W1 W2||^2 from the files alone */
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < M; j++) {
			double p = 0;
			for (size_t a = 0; a < D; a++)
				for (size_t b = 0; b < H; b++)
					p += X[i * D + a] * W1[a * H + b] * W2[b * M + j];
			loss0 += 0.5 * (Y[i * M + j] - p) * (Y[i * M + j] - p);
		}
	lindyn_run *drawn = RUN(0, SMALL);
	char w1[80], w2[80];
	snprintf(w1, sizeof w1, "w1_npy=%s/w1_init.npy", dir);
	snprintf(w2, sizeof w2, "w2_npy=%s/w2_init.npy", dir);
	lindyn_run *loaded = RUN(0, SMALL, "init=npy", w1, w2);
	assert_rel(lindyn_run_value(drawn, "loss", 0, "loss"), loss0, 1e-12);
	assert_true(last(loaded, "loss") == last(drawn, "loss"));
	lindyn_run_free(drawn);
	lindyn_run_free(loaded);

	char cmd[80];
	snprintf(cmd, sizeof cmd, "rm -r %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_bad_input(void **unused)
{
	(void)unused;
	lindyn_run_free(RUN(LINDYN_EINVAL, "data=identity", "n=3", "d=4"));
	lindyn_run_free(RUN(LINDYN_EINVAL, "data=orthonormal", "n=5", "d=4"));
	lindyn_run_free(RUN(LINDYN_EINVAL, "init=npy", "n=3", "d=4", "h=5"));
	lindyn_run_free(RUN(LINDYN_EINVAL, "method=rkf45", "abs_tol=0", "rel_tol=0", "n=3",
	                    "d=4", "h=5"));
	lindyn_run_free(RUN(LINDYN_EINVAL, "init=vperp", "n=3", "d=6", "h=5"));
	lindyn_run_free(RUN(LINDYN_EINVAL, "t_end=1e9", "log_dt=1e-3", "n=3", "d=4", "h=5"));
}

/* Every table is declared (ABI 1.2) and written with all its columns. */
static void test_tables_declared(void **unused)
{
	(void)unused;
	static const char *const all[] = { "loss", "summary", "spectrum", NULL };
	lindyn_run *r = RUN(0, SMALL, "reduce=rowspace");
	assert_tables_declared(lindyn_plugin_descriptor(0), r, all);
	assert_non_null(lindyn_run_table_name(r, 2));
	lindyn_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reduced_matches_full),
		cmocka_unit_test(test_tables_declared),
		cmocka_unit_test(test_euler_is_gd),
		cmocka_unit_test(test_imbalance_conserved),
		cmocka_unit_test(test_rk4_methods),
		cmocka_unit_test(test_invariant_set),
		cmocka_unit_test(test_balanced),
		cmocka_unit_test(test_stop_loss),
		cmocka_unit_test(test_save_inputs),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
