/* test_gd2.c -- gd2 against independent computations at small size:
 * the gradient against finite differences, the imbalance drift against the
 * h x h matrices and against eq. (131) (conserved to O(eta^2) per step), the
 * level of imbalance against a dense eigen-solver, and the E1 parameter
 * contract through the in-process run API. */
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
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort_vector.h>

#include "lindyn/run.h"
#include "../plugins/gd2/gd2.h"
#include "declared_tables.h"

static void fill(gsl_rng *rng, gsl_matrix *A, double std)
{
	for (size_t i = 0; i < A->size1; i++)
		for (size_t j = 0; j < A->size2; j++)
			gsl_matrix_set(A, i, j, std * gsl_ran_gaussian(rng, 1.0));
}

/* A small model with random X, Y, W1, W2 and its imbalance basis built. */
static void make_model(gd2_model *mo, size_t n, size_t d, size_t m, size_t h,
                       unsigned long seed)
{
	assert_int_equal(gd2_model_alloc(mo, n, d, m, h), 0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	fill(rng, mo->X, 0.7);
	fill(rng, mo->Y, 1.3);
	fill(rng, mo->W1, 0.45);
	fill(rng, mo->W2, 0.35);
	gsl_rng_free(rng);
	assert_int_equal(gd2_model_factor_x(mo), 0);
	gsl_matrix_memcpy(mo->W1_0, mo->W1);
	gsl_matrix_memcpy(mo->W2_0, mo->W2);
	assert_int_equal(gd2_imbalance_init(mo), 0);
	gd2_model_refresh(mo);
}

/* L = 1/2 ||Y - X W1 W2||^2 computed from scratch. */
static double dense_loss(const gd2_model *mo, const gsl_matrix *W1, const gsl_matrix *W2)
{
	gsl_matrix *W = gsl_matrix_alloc(mo->d, mo->m), *Z = gsl_matrix_alloc(mo->n, mo->m);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, W1, W2, 0.0, W);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo->X, W, 0.0, Z);
	gsl_matrix_sub(Z, mo->Y);
	double l = 0.0;
	for (size_t i = 0; i < Z->size1; i++)
		for (size_t j = 0; j < Z->size2; j++)
			l += 0.5 * gsl_matrix_get(Z, i, j) * gsl_matrix_get(Z, i, j);
	gsl_matrix_free(W);
	gsl_matrix_free(Z);
	return l;
}

static double frob_dot(const gsl_matrix *A, const gsl_matrix *B)
{
	double s = 0.0;
	for (size_t i = 0; i < A->size1; i++)
		for (size_t j = 0; j < A->size2; j++)
			s += gsl_matrix_get(A, i, j) * gsl_matrix_get(B, i, j);
	return s;
}

/* grad L = (G W2^T, W1^T G) against central differences along random
 * directions, and ||grad L||^2 from the Gram products against the dense one. */
static void test_gradient_finite_differences(void **state)
{
	(void)state;
	gd2_model mo;
	make_model(&mo, 7, 5, 3, 11, 11);
	gd2_loss loss = { .kind = LOSS_SQUARED };
	double g2, l = gd2_model_gradient(&mo, &loss, &g2);
	assert_true(fabs(l - dense_loss(&mo, mo.W1, mo.W2)) < 1e-12 * (1.0 + l));

	gsl_matrix *g1 = gsl_matrix_alloc(5, 11);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, mo.G, mo.W2, 0.0, g1);
	double dense_g2 = frob_dot(g1, g1) + frob_dot(mo.gW2, mo.gW2);
	assert_true(fabs(g2 - dense_g2) < 1e-11 * dense_g2);

	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 5);
	gsl_matrix *V1 = gsl_matrix_alloc(5, 11), *V2 = gsl_matrix_alloc(11, 3);
	gsl_matrix *A1 = gsl_matrix_alloc(5, 11), *A2 = gsl_matrix_alloc(11, 3);
	for (int trial = 0; trial < 4; trial++) {
		fill(rng, V1, 1.0);
		fill(rng, V2, 1.0);
		double eps = 1e-5, lp, lm;
		gsl_matrix_memcpy(A1, mo.W1);
		gsl_matrix_memcpy(A2, mo.W2);
		gsl_matrix_scale(V1, eps);
		gsl_matrix_scale(V2, eps);
		gsl_matrix_add(A1, V1);
		gsl_matrix_add(A2, V2);
		lp = dense_loss(&mo, A1, A2);
		gsl_matrix_sub(A1, V1);
		gsl_matrix_sub(A2, V2);
		gsl_matrix_sub(A1, V1);
		gsl_matrix_sub(A2, V2);
		lm = dense_loss(&mo, A1, A2);
		double fd = (lp - lm) / 2.0;
		double an = frob_dot(g1, V1) + frob_dot(mo.gW2, V2);
		assert_true(fabs(fd - an) < 1e-7 * fabs(an) + 1e-12);
	}
	gsl_matrix_free(V1);
	gsl_matrix_free(V2);
	gsl_matrix_free(A1);
	gsl_matrix_free(A2);
	gsl_matrix_free(g1);
	gsl_rng_free(rng);
	gd2_model_free(&mo);
}

/* The two product orders (through P = X W1, and through W = W1 W2) take
 * the same steps and the same line-search trial losses, to rounding. */
static void test_product_orders_agree(void **state)
{
	(void)state;
	gd2_model a, b;
	make_model(&a, 9, 30, 2, 40, 3);
	make_model(&b, 9, 30, 2, 40, 3);
	assert_true(a.carry_P); /* 3n < 2d */
	b.carry_P = 0;
	gd2_loss loss = { .kind = LOSS_SQUARED };
	for (int k = 0; k < 20; k++) {
		double ga, gb, la = gd2_model_gradient(&a, &loss, &ga);
		double lb = gd2_model_gradient(&b, &loss, &gb);
		assert_true(fabs(la - lb) <= 1e-12 * la);
		assert_true(fabs(ga - gb) <= 1e-12 * ga);
		gd2_model_trial_prepare(&a, &loss);
		gd2_model_trial_prepare(&b, &loss);
		double ta = gd2_model_trial_loss(&a, &loss, 2e-3), tb = gd2_model_trial_loss(&b, &loss, 2e-3);
		assert_true(ta < la); /* a descent step, so the comparison means something */
		assert_true(fabs(ta - tb) <= 1e-12 * ta);
		gd2_model_step(&a, 2e-3);
		gd2_model_step(&b, 2e-3);
	}
	gd2_model_free(&a);
	gd2_model_free(&b);
}

/* ||W1^T W1 - W2 W2^T - D(0)||_F with the h x h matrices. */
static double dense_drift(const gd2_model *mo)
{
	size_t h = mo->h;
	gsl_matrix *D = gsl_matrix_alloc(h, h), *D0 = gsl_matrix_alloc(h, h);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo->W1, mo->W1, 0.0, D);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, mo->W2, mo->W2, 1.0, D);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo->W1_0, mo->W1_0, 0.0, D0);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, mo->W2_0, mo->W2_0, 1.0, D0);
	gsl_matrix_sub(D, D0);
	double s = sqrt(frob_dot(D, D));
	gsl_matrix_free(D);
	gsl_matrix_free(D0);
	return s;
}

/* eta^2 ||W2 G^T G W2^T - W1^T G G^T W1||_F: eq. (131) in our convention. */
static double eq131(const gd2_model *mo, double eta)
{
	size_t h = mo->h;
	gsl_matrix *A = gsl_matrix_alloc(mo->d, h), *S = gsl_matrix_alloc(h, h);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, mo->G, mo->W2, 0.0, A); /* grad W1 */
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, A, A, 0.0, S);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, mo->gW2, mo->gW2, 1.0, S);
	double s = eta * eta * sqrt(frob_dot(S, S));
	gsl_matrix_free(A);
	gsl_matrix_free(S);
	return s;
}

/* One step: the reduced drift equals the dense one and eq. (131), and
 * halving eta divides it by 4 (O(eta^2) per step).  Both the reduced
 * (n < d) and the full (n >= d) row space are exercised. */
static void check_drift_one_step(size_t n, size_t d)
{
	double drift[2];
	for (int i = 0; i < 2; i++) {
		double eta = 0.02 / (1 << i);
		gd2_model mo;
		make_model(&mo, n, d, 2, 13, 3);
		gd2_loss loss = { .kind = LOSS_SQUARED };
		double g2;
		gd2_model_gradient(&mo, &loss, &g2);
		double expect = eq131(&mo, eta);
		gd2_model_step(&mo, eta);
		drift[i] = gd2_imbalance_drift(&mo, NULL);
		assert_true(fabs(drift[i] - dense_drift(&mo)) < 1e-9 * dense_drift(&mo) + 1e-13);
		assert_true(fabs(drift[i] - expect) < 1e-9 * expect + 1e-13);
		gd2_model_free(&mo);
	}
	assert_true(drift[0] > 0.0);
	double ratio = drift[0] / drift[1];
	assert_true(fabs(ratio - 4.0) < 1e-6);
}

static void test_drift_one_step(void **state)
{
	(void)state;
	check_drift_one_step(4, 9);  /* n < d: drift through Phi1^T W1 */
	check_drift_one_step(9, 4);  /* n >= d */
}

/* After many steps (with X W1 recomputed on the way) the reduced drift still
 * matches the h x h computation. */
static void test_drift_many_steps(void **state)
{
	(void)state;
	gd2_model mo;
	make_model(&mo, 4, 9, 2, 13, 8);
	gd2_loss loss = { .kind = LOSS_SQUARED };
	for (int k = 0; k < 300; k++) {
		double g2;
		if (k % 64 == 0)
			gd2_model_refresh(&mo);
		gd2_model_gradient(&mo, &loss, &g2);
		gd2_model_step(&mo, 0.01);
	}
	double dd = dense_drift(&mo);
	assert_true(dd > 1e-6);
	assert_true(fabs(gd2_imbalance_drift(&mo, NULL) - dd) < 1e-8 * dd);
	gd2_model_free(&mo);
}

/* The levels of imbalance against a dense eigen-solver of the h x h
 * Lambda = U1^T U1 - W2 W2^T, U1 = Phi1^T W1 (S1 eq. 9). */
static void test_levels_dense(void **state)
{
	(void)state;
	gd2_model mo;
	size_t n = 3, d = 6, m = 2, h = 9;
	make_model(&mo, n, d, m, h, 21);
	gd2_levels lv;
	gd2_imbalance_levels(&mo, &lv);
	gsl_matrix *U1 = gsl_matrix_alloc(n, h), *L = gsl_matrix_alloc(h, h);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo.Phi1, mo.W1, 0.0, U1);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, U1, U1, 0.0, L);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, mo.W2, mo.W2, 1.0, L);
	gsl_vector *e = gsl_vector_alloc(h);
	gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(h);
	gsl_eigen_symm(L, e, ws);
	gsl_sort_vector(e); /* increasing */
	double lr = fmax(gsl_vector_get(e, h - n), 0.0);      /* r-th largest, r = n */
	double lm = fmax(-gsl_vector_get(e, m - 1), 0.0);     /* m-th largest of -Lambda */
	assert_true(lr > 0.0 && lm > 0.0);
	assert_true(fabs(lv.delta - (lr + lm)) < 1e-12 * (lr + lm));
	assert_true(fabs(lv.lam_plus - gsl_vector_get(e, h - 1)) < 1e-12 * lv.lam_plus);
	assert_true(fabs(lv.lam_minus + gsl_vector_get(e, 0)) < 1e-12 * lv.lam_minus);
	assert_true(fabs(lv.delta_plus - (gsl_vector_get(e, h - 1) - lr)) < 1e-11);
	gsl_vector_free(e);
	gsl_eigen_symm_free(ws);
	gsl_matrix_free(U1);
	gsl_matrix_free(L);
	gd2_model_free(&mo);
}

extern const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index);

static lindyn_run *new_run(const char *const *kv)
{
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_non_null(r);
	for (; *kv; kv++)
		assert_int_equal(lindyn_run_set(r, *kv), LINDYN_OK);
	lindyn_run_seed(r, 7);
	return r;
}

static const char *const small_e1[] = { "n=10", "d=40", "h=60", "steps=400", "log_every=50",
                                         "eta=5e-3", NULL };

/* The E1 contract at small size: t = 2 eta k / n for the mean loss, a
 * balanced init has c = 0, imbalance speeds convergence and the loss stays
 * under the Theorem 1 bound; the same seed gives the same numbers. */
static void test_e1_contract(void **state)
{
	(void)state;
	lindyn_run *r = new_run(small_e1);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	size_t rows = lindyn_run_rows(r, "loss");
	assert_int_equal(rows, 9);
	assert_true(fabs(lindyn_run_value(r, "loss", 8, "t") - 2 * 5e-3 * 400 / 10) < 1e-12);
	double c = lindyn_run_value(r, "summary", 0, "c");
	double rate = lindyn_run_value(r, "summary", 0, "bound_rate");
	double l0 = lindyn_run_value(r, "summary", 0, "loss0");
	assert_true(c > 0.0);
	assert_true(fabs(l0 - lindyn_run_value(r, "loss", 0, "loss")) < 1e-15);
	/* data=orthonormal (the default): every singular value of X is 1 */
	assert_true(fabs(lindyn_run_value(r, "summary", 0, "lambda_r_x") - 1) < 1e-12);
	assert_true(fabs(lindyn_run_value(r, "summary", 0, "lambda_1_x") - 1) < 1e-12);
	for (size_t i = 0; i < rows; i++) {
		double t = lindyn_run_value(r, "loss", i, "t");
		assert_true(lindyn_run_value(r, "loss", i, "loss") <= l0 * exp(-rate * t) * (1 + 1e-9));
	}
	double last = lindyn_run_value(r, "loss", rows - 1, "loss");

	lindyn_run *again = new_run(small_e1);
	assert_int_equal(lindyn_run_exec(again), LINDYN_OK);
	assert_true(lindyn_run_value(again, "loss", rows - 1, "loss") == last);
	assert_true(lindyn_run_value(again, "loss", rows - 1, "imbalance_drift") ==
	            lindyn_run_value(r, "loss", rows - 1, "imbalance_drift"));
	lindyn_run_free(again);

	lindyn_run *bal = new_run(small_e1);
	assert_int_equal(lindyn_run_set(bal, "init=balanced"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(bal), LINDYN_OK);
	assert_true(lindyn_run_value(bal, "summary", 0, "c") < 1e-12);
	assert_true(fabs(lindyn_run_value(bal, "summary", 0, "loss0") - l0) < 1e-12 * l0);
	assert_true(lindyn_run_value(bal, "loss", rows - 1, "loss") > last);
	lindyn_run_free(bal);
	lindyn_run_free(r);
}

/* stop_loss ends the run on the first row under the threshold. */
static void test_stop_loss(void **state)
{
	(void)state;
	lindyn_run *full = new_run(small_e1);
	assert_int_equal(lindyn_run_exec(full), LINDYN_OK);
	double l0 = lindyn_run_value(full, "loss", 0, "loss");
	double lend = lindyn_run_value(full, "loss", lindyn_run_rows(full, "loss") - 1, "loss");
	double thr = sqrt(l0 * lend);
	char kv[64];
	snprintf(kv, sizeof kv, "stop_loss=%.17g", thr);
	lindyn_run *r = new_run(small_e1);
	assert_int_equal(lindyn_run_set(r, kv), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "log_every=1"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	size_t rows = lindyn_run_rows(r, "loss");
	assert_true(rows >= 2 && rows < 400);
	assert_true(lindyn_run_value(r, "loss", rows - 1, "loss") < thr);
	assert_true(lindyn_run_value(r, "loss", rows - 2, "loss") >= thr);
	lindyn_run_free(r);
	lindyn_run_free(full);
}

/* save_weights writes W1, W2 as .npy; init=npy restarts from them exactly
 * (the same seed draws the same data).  Log-spaced logging adds the steps
 * where floor(q log10 k) changes. */
static void test_weights_round_trip(void **state)
{
	(void)state;
	lindyn_run *a = new_run(small_e1);
	assert_int_equal(lindyn_run_set(a, "log_per_decade=2"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(a), LINDYN_OK);
	/* steps 0..400 every 50, plus 1, 4, 10, 32, 317: the first k with
	 * floor(2 log10 k) = 0, 1, 2, 3, 5 (100 is a multiple of 50) */
	assert_int_equal(lindyn_run_rows(a, "loss"), 9 + 5);
	assert_true(lindyn_run_value(a, "loss", 2, "step") == 4.0);
	assert_true(lindyn_run_value(a, "loss", 11, "step") == 317.0);
	double lend = lindyn_run_value(a, "loss", 13, "loss");
	lindyn_run_free(a);

	char dir[] = "/tmp/test_gd2_XXXXXX";
	assert_non_null(mkdtemp(dir));
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), dir);
	for (const char *const *kv = small_e1; *kv; kv++)
		assert_int_equal(lindyn_run_set(r, *kv), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "save_weights=true"), LINDYN_OK);
	lindyn_run_seed(r, 7);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);

	char w1[96], w2[96], k1[128], k2[128];
	snprintf(w1, sizeof w1, "%s/w1_final.npy", dir);
	snprintf(w2, sizeof w2, "%s/w2_final.npy", dir);
	snprintf(k1, sizeof k1, "w1_npy=%s", w1);
	snprintf(k2, sizeof k2, "w2_npy=%s", w2);
	lindyn_run *q = new_run(small_e1);
	assert_int_equal(lindyn_run_set(q, "init=npy"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(q, k1), LINDYN_OK);
	assert_int_equal(lindyn_run_set(q, k2), LINDYN_OK);
	assert_int_equal(lindyn_run_set(q, "steps=0"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(q), LINDYN_OK);
	assert_true(fabs(lindyn_run_value(q, "loss", 0, "loss") - lend) < 1e-12 * lend);
	lindyn_run_free(q);

	/* data=npy + init=npy from the saved inputs redoes the run bit for bit. */
	const char *inputs[] = { "data=npy", "x_npy=%s/x.npy", "y_npy=%s/y.npy", "init=npy",
	                         "w1_npy=%s/w1_init.npy", "w2_npy=%s/w2_init.npy" };
	lindyn_run *again = new_run(small_e1);
	for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		char kv[160];
		snprintf(kv, sizeof kv, inputs[i], dir);
		assert_int_equal(lindyn_run_set(again, kv), LINDYN_OK);
	}
	assert_int_equal(lindyn_run_exec(again), LINDYN_OK);
	double redo = lindyn_run_value(again, "loss", lindyn_run_rows(again, "loss") - 1, "loss");
	assert_memory_equal(&redo, &lend, sizeof redo);
	lindyn_run_free(again);
	lindyn_run_free(r);
	const char *files[] = { "x.npy", "y.npy", "w1_init.npy", "w2_init.npy", "w1_final.npy",
	                        "w2_final.npy", "loss.tsv", "summary.tsv", ".lindyn-run" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char f[128];
		snprintf(f, sizeof f, "%s/%s", dir, files[i]);
		assert_int_equal(remove(f), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* Cross-parameter constraints are rejected in alloc with a message. */
static void test_bad_input(void **state)
{
	(void)state;
	const char *cases[][2] = { { "n=50", "d=40" },           /* orthonormal needs n <= d */
	                           { "data=identity", "n=10" },  /* identity needs n == d */
	                           { "init=npy", "n=10" } };     /* no files given */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lindyn_run *r = new_run(small_e1);
		assert_int_equal(lindyn_run_set(r, cases[i][0]), LINDYN_OK);
		assert_int_equal(lindyn_run_set(r, cases[i][1]), LINDYN_OK);
		assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
		assert_true(strlen(lindyn_run_message(r)) > 0);
		lindyn_run_free(r);
	}
	lindyn_run *r = new_run(small_e1);
	assert_int_equal(lindyn_run_set(r, "eta=50"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EDIVERGE);
	lindyn_run_free(r);
}

/* Every table is declared (ABI 1.2): stats=full with wall_clock writes every
 * column of loss; the basic run a declared subset of it. */
static void test_tables_declared(void **state)
{
	(void)state;
	static const char *const full[] = { "n=12", "d=8", "m=2", "h=20", "data=gauss",
	                                     "steps=20", "log_every=5", "stats=full",
	                                     "loss_scale=sum", "wall_clock=true", NULL };
	static const char *const all[] = { "loss", "summary", "d0_spectrum", "tmlr", "aistats",
	                                   NULL };
	lindyn_run *r = new_run(full);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_tables_declared(lindyn_plugin_descriptor(0), r, all);
	assert_non_null(lindyn_run_table_name(r, 4)); /* all five were written */
	lindyn_run_free(r);
	static const char *const summary[] = { "summary", NULL };
	r = new_run(small_e1);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_tables_declared(lindyn_plugin_descriptor(0), r, summary);
	assert_int_equal(lindyn_run_columns(r, "loss"), 7);
	lindyn_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gradient_finite_differences),
		cmocka_unit_test(test_product_orders_agree),
		cmocka_unit_test(test_drift_one_step),
		cmocka_unit_test(test_drift_many_steps),
		cmocka_unit_test(test_levels_dense),
		cmocka_unit_test(test_e1_contract),
		cmocka_unit_test(test_stop_loss),
		cmocka_unit_test(test_weights_round_trip),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_tables_declared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
