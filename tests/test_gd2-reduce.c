/* test_gd2-reduce.c -- reduce=subspace (GD on W1 = A Q^T, W2 = Q B) against
 * reduce=none (GD on the full d x h and h x m weights): the basis itself,
 * every logged column of every table for every loss and step rule, and the
 * saved full-width weights. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lindyn/run.h"
#include "../plugins/gd2/gd2.h"
#include "../src/host/npy.h"

/* Two runs agree "to rounding" when each value agrees to REL_TOL relative
 * or ABS_TOL absolute.  The columns that measure rounding itself (the
 * residual of an exact identity) only have to stay at rounding level, and
 * min_drift_slack = 1 - ||D(t+1) - D(t)|| / (bound + drift_tol) is
 * 1 - rounding / (bound + drift_tol) when a step's drift is below rounding
 * (rule=arora's tiny steps): it agrees to SLACK_TOL absolute, its verdict
 * ok_drift exactly. */
#define REL_TOL 1e-7
#define ABS_TOL 1e-12
#define NOISE_TOL 1e-2 /* the bound of local_pl.md's drift_identity claim */
#define SLACK_TOL 1e-2

static int is_rounding_column(const char *col)
{
	return strcmp(col, "max_eq131_err") == 0 || strcmp(col, "lemma_a2_err") == 0;
}

static const char *current; /* the parameters of the runs compared, for messages */

static void assert_close(const char *table, size_t row, const char *col, double a, double b)
{
	double diff = fabs(a - b);
	int ok = isnan(a) ? isnan(b)
	         : is_rounding_column(col) ? fabs(a) <= NOISE_TOL && fabs(b) <= NOISE_TOL
	         : strcmp(col, "min_drift_slack") == 0 ? diff <= SLACK_TOL
	                                               : diff <= REL_TOL * fmax(fabs(a), fabs(b)) ||
	                                                         diff <= ABS_TOL;
	if (!ok)
		fail_msg("%s: %s row %zu column %s: reduce=subspace %.17g, reduce=none %.17g", current,
		         table, row, col, a, b);
}

static lindyn_run *run(const char *params, const char *reduce, const char *outdir)
{
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), outdir);
	char buf[1024];
	snprintf(buf, sizeof buf, "%s reduce=%s", params, reduce);
	for (char *save, *kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save))
		assert_int_equal(lindyn_run_set(r, kv), LINDYN_OK);
	lindyn_run_seed(r, 11);
	if (lindyn_run_exec(r) != LINDYN_OK)
		fail_msg("%s: %s", buf, lindyn_run_message(r));
	return r;
}

/* Every table, row and column of the two runs agree to rounding. */
static void check_same_tables(const char *params)
{
	lindyn_run *a = run(params, "subspace", NULL), *b = run(params, "none", NULL);
	current = params;
	size_t t = 0;
	for (const char *name; (name = lindyn_run_table_name(b, t)); t++) {
		assert_string_equal(lindyn_run_table_name(a, t), name);
		size_t rows = lindyn_run_rows(b, name), cols = lindyn_run_columns(b, name);
		assert_true(rows > 0);
		assert_int_equal(lindyn_run_rows(a, name), rows);
		assert_int_equal(lindyn_run_columns(a, name), cols);
		for (size_t c = 0; c < cols; c++) {
			const char *col = lindyn_run_column_name(b, name, c);
			assert_string_equal(lindyn_run_column_name(a, name, c), col);
			for (size_t i = 0; i < rows; i++)
				assert_close(name, i, col, lindyn_run_value(a, name, i, col),
				             lindyn_run_value(b, name, i, col));
		}
	}
	assert_null(lindyn_run_table_name(a, t));
	assert_true(t >= 2);
	lindyn_run_free(a);
	lindyn_run_free(b);
}

/* n = d with h > d + m: the local-PL setting, where every rule and stats=full
 * apply; and n > d, where the squared loss also runs on the R factor of X. */
#define SQUARE "n=4 d=4 m=3 h=30 data=orthonormal target=init sigma_u=1 sigma_v=1 noise=0.3 " \
               "loss_scale=sum steps=20 log_every=1 stats=full"
#define TALL "n=12 d=4 m=3 h=30 data=gauss x_std=0.5 target=init sigma_u=1 sigma_v=1 " \
             "noise=0.3 loss_scale=sum steps=20 log_every=1 stats=full"

static void test_every_rule_squared(void **state)
{
	(void)state;
	static const char *const rules[] = { "const", "eta0", "rho", "rhobar", "xu_fixed",
	                                     "xu_adaptive", "armijo", "arora", "du" };
	char params[512];
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		snprintf(params, sizeof params, SQUARE " rule=%s", rules[i]);
		check_same_tables(params);
		snprintf(params, sizeof params, TALL " rule=%s", rules[i]);
		check_same_tables(params);
	}
}

static void test_every_rule_logistic(void **state)
{
	(void)state;
	static const char *const rules[] = { "const", "eta0", "rho", "rhobar", "armijo" };
	char params[512];
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		snprintf(params, sizeof params, SQUARE " loss=logistic lambda=0.5 rule=%s", rules[i]);
		check_same_tables(params);
		snprintf(params, sizeof params, TALL " loss=logistic lambda=0.5 rule=%s", rules[i]);
		check_same_tables(params);
	}
}

/* n < d (X W1 carried, only the row space of X moves W1), n > d (through
 * W = W1 W2), the mean loss, log-spaced logging, the balanced inits, and
 * h <= d + m (only X reduced), and the rules with their tables but without
 * the per-step statistics. */
#define SQUARE_BASIC "n=4 d=4 m=3 h=30 data=orthonormal target=init sigma_u=1 sigma_v=1 " \
                     "noise=0.3 loss_scale=sum steps=20 log_every=1"

static void test_other_shapes(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"n=6 d=20 m=2 h=40 eta=0.05 steps=300 log_every=50 log_per_decade=5",
		"n=6 d=20 m=2 h=40 eta=0.05 steps=100 log_every=10 init=balanced",
		"n=6 d=20 m=2 h=40 loss_scale=sum rule=armijo steps=50 log_every=5",
		"n=6 d=6 m=1 h=30 data=identity init=theta_balanced loss_scale=sum rule=xu_fixed "
		"stats=full steps=30 log_every=3",
		"n=30 d=5 m=3 h=40 data=gauss x_std=0.3 eta=0.1 steps=200 log_every=20",
		"n=12 d=8 m=3 h=9 data=gauss x_std=0.4 eta=0.1 steps=100 log_every=10",
		SQUARE_BASIC " rule=eta0",
		SQUARE_BASIC " rule=rhobar",
		SQUARE_BASIC " rule=xu_adaptive",
		"n=30 d=5 m=3 h=40 data=gauss x_std=0.3 loss_scale=sum rule=armijo steps=40 "
		"log_every=4 stop_loss=1e-3",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_same_tables(cases[i]);
}

/* The basis: Q^T Q = I and W1 = A Q^T, W2 = Q B to rounding, also when
 * [W1^T W2] is rank-deficient (zero columns of W1, zero rows of W2). */
static void check_reduce(size_t d, size_t m, size_t h, size_t rank)
{
	size_t k = gd2_subspace_width(d, m, h);
	assert_int_equal(k, d + m);
	gd2_subspace sub;
	assert_int_equal(gd2_subspace_alloc(&sub, d, m, h, k), 0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_matrix_set_zero(sub.W1);
	gsl_matrix_set_zero(sub.W2);
	for (size_t j = 0; j < rank; j++) {
		for (size_t i = 0; i < d; i++)
			gsl_matrix_set(sub.W1, i, j, gsl_ran_gaussian(rng, 1.0));
		for (size_t i = 0; i < m; i++)
			gsl_matrix_set(sub.W2, j, i, gsl_ran_gaussian(rng, 1.0));
	}
	gsl_rng_free(rng);
	gsl_matrix *W1 = gsl_matrix_alloc(d, h), *W2 = gsl_matrix_alloc(h, m);
	gsl_matrix_memcpy(W1, sub.W1);
	gsl_matrix_memcpy(W2, sub.W2);
	gsl_matrix *A = gsl_matrix_alloc(d, k), *B = gsl_matrix_alloc(k, m);
	gsl_matrix *I = gsl_matrix_alloc(k, k);
	assert_int_equal(gd2_subspace_reduce(&sub, A, B), 0);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, sub.Q, sub.Q, 0.0, I);
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			assert_true(fabs(gsl_matrix_get(I, i, j) - (i == j)) < 1e-14);
	gd2_subspace_lift(&sub, A, B);
	gsl_matrix_sub(W1, sub.W1);
	gsl_matrix_sub(W2, sub.W2);
	assert_true(fabs(gsl_matrix_max(W1)) + fabs(gsl_matrix_min(W1)) < 1e-13);
	assert_true(fabs(gsl_matrix_max(W2)) + fabs(gsl_matrix_min(W2)) < 1e-13);
	gsl_matrix_free(W1);
	gsl_matrix_free(W2);
	gsl_matrix_free(A);
	gsl_matrix_free(B);
	gsl_matrix_free(I);
	gd2_subspace_free(&sub);
}

static void test_basis(void **state)
{
	(void)state;
	check_reduce(10, 5, 50, 50);
	check_reduce(7, 3, 200, 3);
	check_reduce(1, 1, 3, 3);
	assert_int_equal(gd2_subspace_width(10, 5, 15), 15);
	assert_int_equal(gd2_subspace_width(10, 5, 12), 12);
}

/* Reads name.npy of a run directory into a fresh d x c matrix. */
static gsl_matrix *read_npy(const char *dir, const char *name, size_t rows, size_t cols)
{
	char path[512], err[256];
	snprintf(path, sizeof path, "%s/%s.npy", dir, name);
	gsl_matrix *A = gsl_matrix_alloc(rows, cols);
	if (npy_read(path, rows, cols, A->data, err, sizeof err) != 0)
		fail_msg("%s: %s", path, err);
	return A;
}

/* save_weights writes the full W1 (d x h), W2 (h x m): the same initial
 * weights bit for bit and the same final ones to rounding. */
static void test_saved_weights(void **state)
{
	(void)state;
	const size_t d = 20, m = 2, h = 40;
	char dirs[2][64];
	const char *const modes[] = { "subspace", "none" };
	for (int i = 0; i < 2; i++) {
		snprintf(dirs[i], sizeof dirs[i], "/tmp/test_gd2-reduce.XXXXXX");
		assert_non_null(mkdtemp(dirs[i]));
		char out[96];
		snprintf(out, sizeof out, "%s/run", dirs[i]);
		lindyn_run_free(run("n=6 d=20 m=2 h=40 eta=0.05 steps=200 save_weights=true", modes[i],
		                    out));
	}
	static const char *const names[] = { "w1_init", "w2_init", "w1_final", "w2_final" };
	for (int w = 0; w < 4; w++) {
		size_t rows = w % 2 ? h : d, cols = w % 2 ? m : h;
		char a_dir[96], b_dir[96];
		snprintf(a_dir, sizeof a_dir, "%s/run", dirs[0]);
		snprintf(b_dir, sizeof b_dir, "%s/run", dirs[1]);
		gsl_matrix *A = read_npy(a_dir, names[w], rows, cols);
		gsl_matrix *B = read_npy(b_dir, names[w], rows, cols);
		double scale = fmax(fabs(gsl_matrix_max(B)), fabs(gsl_matrix_min(B)));
		gsl_matrix_sub(A, B);
		double diff = fmax(fabs(gsl_matrix_max(A)), fabs(gsl_matrix_min(A)));
		if (w < 2)
			assert_true(diff == 0.0);
		else
			assert_true(diff <= 1e-12 * scale);
		gsl_matrix_free(A);
		gsl_matrix_free(B);
	}
	for (int i = 0; i < 2; i++) {
		char cmd[160];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dirs[i]);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basis),
		cmocka_unit_test(test_every_rule_squared),
		cmocka_unit_test(test_every_rule_logistic),
		cmocka_unit_test(test_other_shapes),
		cmocka_unit_test(test_saved_weights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
