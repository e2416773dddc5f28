/* test_lora_gf.c -- lora_gf against closed forms at small sizes: the gradient
 * against finite differences, the working-subspace reduction against the full
 * problem, GD with a small step and RK4 against the adaptive flow, conservation
 * of the imbalances, the spectral init against the scalar ODE (eq. 17), the
 * App. G stationary point, the inputs it saves for another program, and bad
 * input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

#include "lindyn/run.h"
#include "declared_tables.h"
#include "../plugins/lora_gf/lora_gf.h"
#include "../src/host/npy.h"

/* ---- helpers ------------------------------------------------------------ */

#define assert_double_equal(a, b, tol) assert_close((a), (b), (tol), #a, __LINE__)
static void assert_close(double a, double b, double tol, const char *what, int line)
{
	if (!(fabs(a - b) <= tol))
		fail_msg("line %d: %s = %.17g, expected %.17g +- %g", line, what, a, b, tol);
}

static lindyn_run *run_with(const char *args, unsigned long seed)
{
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_non_null(r);
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", args);
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
		int st = lindyn_run_set(r, tok);
		if (st)
			fail_msg("%s: %s", tok, lindyn_run_message(r));
	}
	lindyn_run_seed(r, seed);
	int st = lindyn_run_exec(r);
	if (st)
		fail_msg("%s: %s", args, lindyn_run_message(r));
	return r;
}

static int run_status(const char *args, char *message, size_t len)
{
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", args);
	int st = LINDYN_OK;
	for (char *tok = strtok(buf, " "); tok && !st; tok = strtok(NULL, " "))
		st = lindyn_run_set(r, tok);
	if (!st)
		st = lindyn_run_exec(r);
	snprintf(message, len, "%s", lindyn_run_message(r));
	lindyn_run_free(r);
	return st;
}

static double val(lindyn_run *r, const char *table, size_t row, const char *col)
{
	double v = lindyn_run_value(r, table, row, col);
	assert_true(isfinite(v));
	return v;
}

static lora_config small_config(void)
{
	lora_config cfg = { .m = 4, .n = 3, .h = 7, .r = 2, .sigma = 2.0, .c = 1.3,
		            .alpha = 0.3, .init = LORA_INIT_RANDOM, .reduce = 0 };
	return cfg;
}

/* ---- the gradient ---------------------------------------------------------- */

static void test_gradient_matches_finite_differences(void **unused)
{
	(void)unused;
	lora_config cfg = small_config();
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	lora_problem *p;
	assert_int_equal(lora_problem_new(&cfg, rng, &p), 0);
	lora_flow *f = lora_flow_new(p);
	size_t dim = p->n_factors;
	double *y = malloc(dim * sizeof *y), *dy = malloc(dim * sizeof *dy);
	/* Every adapter non-zero, so that no term of the gradient vanishes. */
	for (size_t i = 0; i < dim; i++)
		y[i] = gsl_ran_gaussian(rng, 0.7);
	lora_flow_eval(f, y, dy);
	assert_int_equal(f->evals, 1);
	double worst = 0;
	for (size_t i = 0; i < dim; i++) {
		double keep = y[i], eps = 1e-6;
		y[i] = keep + eps;
		double up = lora_flow_eval(f, y, NULL);
		y[i] = keep - eps;
		double down = lora_flow_eval(f, y, NULL);
		y[i] = keep;
		double fd = (up - down) / (2 * eps);
		worst = fmax(worst, fabs(fd + dy[i]) / (1 + fabs(fd)));
	}
	assert_true(worst < 1e-7);
	assert_int_equal(f->evals, 1); /* loss-only calls are not gradient evaluations */
	free(y);
	free(dy);
	lora_flow_free(f);
	lora_problem_free(p);
	gsl_rng_free(rng);
}

/* Ypre = W2 W1 and the target dY = sigma u v^T on the chosen pair. */
static void test_pretrained_model_is_exact(void **unused)
{
	(void)unused;
	lora_config cfg = small_config();
	cfg.bottom = 1;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	lora_problem *p;
	assert_int_equal(lora_problem_new(&cfg, rng, &p), 0);
	/* ||dY||_F = sigma, rank one, and delta_w = 1/c^2 on the pair. */
	double ss = 0;
	for (size_t i = 0; i < p->m; i++)
		for (size_t j = 0; j < p->n; j++)
			ss += pow(gsl_matrix_get(p->dY, i, j), 2);
	assert_double_equal(sqrt(ss), cfg.sigma, 1e-12);
	assert_double_equal(p->sigma_w1 / p->sigma_w2, 1 / (cfg.c * cfg.c), 1e-12);
	assert_int_equal(p->pair, p->k - 1);
	/* W2 gamma-part: W2 g = sigma_w2 u, checked through ||W2^T dY||/sigma. */
	gsl_vector *x = gsl_vector_alloc(p->h);
	gsl_vector_view g = gsl_vector_subvector(p->gamma1, 0, p->h);
	gsl_vector_memcpy(x, &g.vector);
	gsl_vector_scale(x, M_SQRT2);
	gsl_vector *u = gsl_vector_alloc(p->m);
	gsl_blas_dgemv(CblasNoTrans, 1.0, p->W2, x, 0.0, u);
	assert_double_equal(gsl_blas_dnrm2(u), p->sigma_w2, 1e-12);
	gsl_vector_free(u);
	gsl_vector_free(x);
	lora_problem_free(p);
	gsl_rng_free(rng);
}

/* ---- the working subspace ------------------------------------------------ */

static void test_reduction_is_exact(void **unused)
{
	(void)unused;
	const char *base = "m=6 n=5 h=40 r=3 alpha=1e-2 method=rk8pd t_end=1.5 log_points=15";
	char full[256];
	snprintf(full, sizeof full, "%s reduce=none", base);
	lindyn_run *a = run_with(base, 3), *b = run_with(full, 3);
	assert_double_equal(val(a, "model", 0, "h_work"), 5 + 3, 0);
	assert_double_equal(val(b, "model", 0, "h_work"), 40, 0);
	size_t rows = lindyn_run_rows(a, "loss");
	assert_int_equal(rows, 16);
	for (size_t i = 0; i < rows; i++) {
		double la = val(a, "loss", i, "loss"), lb = val(b, "loss", i, "loss");
		assert_true(fabs(la - lb) <= 1e-8 * lb);
		double ma = val(a, "loss", i, "misalign"), mb = val(b, "loss", i, "misalign");
		assert_true(fabs(ma - mb) <= 1e-6 * mb + 1e-15);
		assert_double_equal(val(a, "loss", i, "z1"), val(b, "loss", i, "z1"), 1e-9);
	}
	/* The run escaped the saddle, so the comparison covered the whole flow. */
	assert_true(val(a, "loss", rows - 1, "loss") < 1e-3 * val(a, "loss", 0, "loss"));
	lindyn_run_free(a);
	lindyn_run_free(b);
}

/* ---- GD against the flow ------------------------------------------------- */

/* Largest relative loss error of a GD run against the reference flow. */
static double gd_error(lindyn_run *ref, const char *args)
{
	lindyn_run *gd = run_with(args, 5);
	size_t rows = lindyn_run_rows(ref, "loss");
	assert_int_equal(lindyn_run_rows(gd, "loss"), rows);
	double worst = 0;
	for (size_t i = 0; i < rows; i++) {
		assert_double_equal(val(gd, "loss", i, "t"), val(ref, "loss", i, "t"), 1e-12);
		double l = val(gd, "loss", i, "loss"), lr = val(ref, "loss", i, "loss");
		worst = fmax(worst, fabs(l - lr) / lr);
	}
	lindyn_run_free(gd);
	return worst;
}

static void test_gd_small_step_matches_adaptive_flow(void **unused)
{
	(void)unused;
	const char *common = "alpha=1e-2 t_end=0.8 log_points=40";
	char args[256];
	snprintf(args, sizeof args, "%s method=rk8pd rel_tol=1e-12 abs_tol=1e-15", common);
	lindyn_run *ref = run_with(args, 5);
	size_t last = lindyn_run_rows(ref, "loss") - 1;
	/* The horizon covers the escape: the loss fell by many decades. */
	assert_true(val(ref, "loss", last, "log10_loss") < -3);
	assert_true(val(ref, "loss", last, "evals") < 8000);
	snprintf(args, sizeof args, "%s method=gd eta=1e-4", common);
	double e4 = gd_error(ref, args);
	snprintf(args, sizeof args, "%s method=gd eta=1e-5", common);
	double e5 = gd_error(ref, args);
	/* Explicit Euler is first order: ten times smaller steps, about ten
	 * times smaller error. */
	assert_true(e5 < 5e-3);
	assert_true(e4 / e5 > 6 && e4 / e5 < 14);
	lindyn_run_free(ref);
}

/* ---- the logging grid ----------------------------------------------------- */

static void test_log_grid(void **unused)
{
	(void)unused;
	long grid[20];
	/* More points than steps: every step once, no duplicates. */
	assert_int_equal(lora_log_grid(10, 20, 0, grid), 10);
	for (long i = 0; i < 10; i++)
		assert_int_equal(grid[i], i + 1);
	assert_int_equal(lora_log_grid(1000, 3, 1, grid), 3);
	assert_int_equal(grid[0], 10);
	assert_int_equal(grid[1], 100);
	assert_int_equal(grid[2], 1000);
	assert_int_equal(lora_log_grid(50000, 4, 0, grid), 4);
	assert_int_equal(grid[3], 50000);
}

/* Classical RK4 at eta agrees with the adaptive flow to many digits, at 4
 * gradient evaluations a step, and runs with equal eta log at bit-identical
 * times. */
static void test_rk4_matches_adaptive_flow(void **unused)
{
	(void)unused;
	lindyn_run *a = run_with("alpha=1e-2 t_end=0.8 log_points=8 method=rk4 eta=1e-3", 2);
	lindyn_run *b = run_with("alpha=1e-2 t_end=0.8 log_points=8 method=rkf45 eta=1e-3 "
	                         "rel_tol=1e-12 abs_tol=1e-15", 2);
	for (size_t i = 0; i <= 8; i++) {
		assert_true(val(a, "loss", i, "t") == val(b, "loss", i, "t"));
		assert_true(fabs(val(a, "loss", i, "log10_loss") - val(b, "loss", i, "log10_loss")) < 1e-6);
	}
	assert_double_equal(val(a, "loss", 8, "evals"), 4 * 800, 0);
	assert_double_equal(val(a, "loss", 8, "step"), 800, 0);
	lindyn_run_free(a);
	lindyn_run_free(b);
}

/* Classical RK4 is fourth order: doubling eta multiplies its error against a
 * tight rk8pd run by ~2^4 at every logged time. */
static void test_rk4_fourth_order(void **unused)
{
	(void)unused;
	const char *common = "alpha=1e-2 t_end=0.8 log_points=8 eta=1e-3";
	char args[256];
	snprintf(args, sizeof args, "%s method=rk8pd rel_tol=1e-13 abs_tol=1e-16", common);
	lindyn_run *ref = run_with(args, 2);
	snprintf(args, sizeof args, "%s method=rk4", common);
	lindyn_run *fine = run_with(args, 2);
	snprintf(args, sizeof args, "%s method=rk4 eta=2e-3", common);
	lindyn_run *coarse = run_with(args, 2);
	for (size_t i = 3; i <= 8; i++) { /* from the escape on, where RK4's error is large */
		double l = val(ref, "loss", i, "loss");
		double e1 = fabs(val(fine, "loss", i, "loss") - l);
		double e2 = fabs(val(coarse, "loss", i, "loss") - l);
		assert_true(e1 > 1e-10 * l); /* well above the reference's error */
		assert_true(e2 / e1 > 14 && e2 / e1 < 18);
	}
	lindyn_run_free(ref);
	lindyn_run_free(fine);
	lindyn_run_free(coarse);
}

/* rk4_doubling is GSL's rk4 stepper: 11 evaluations a step (1 more to start)
 * for the result of two classical half steps. */
static void test_rk4_doubling_is_two_half_steps(void **unused)
{
	(void)unused;
	lindyn_run *d = run_with("alpha=1e-2 t_end=0.8 log_points=8 method=rk4_doubling eta=1e-3", 2);
	lindyn_run *h = run_with("alpha=1e-2 t_end=0.8 log_points=8 method=rk4 eta=5e-4", 2);
	assert_double_equal(val(d, "loss", 8, "evals"), 1 + 11 * 800, 0);
	assert_double_equal(val(d, "loss", 8, "step"), 800, 0);
	for (size_t i = 1; i <= 8; i++) {
		double l = val(h, "loss", i, "loss");
		assert_double_equal(val(d, "loss", i, "t"), val(h, "loss", i, "t"), 1e-15);
		assert_double_equal(val(d, "loss", i, "loss"), l, 1e-11 * l);
	}
	lindyn_run_free(d);
	lindyn_run_free(h);
}

/* The flow conserves B1^T B1 - A1 A1^T and B2^T B2 - A2 A2^T; GD drifts. */
static void test_imbalance_conserved_by_flow(void **unused)
{
	(void)unused;
	lindyn_run *f = run_with("alpha=0.1 t_end=1 log_points=10 method=rk8pd rel_tol=1e-12 "
	                         "abs_tol=1e-15", 4);
	lindyn_run *g = run_with("alpha=0.1 t_end=1 log_points=10 method=gd eta=1e-3", 4);
	double drift_f = 0, drift_g = 0;
	for (size_t i = 0; i <= 10; i++) {
		drift_f = fmax(drift_f, val(f, "loss", i, "balance1") + val(f, "loss", i, "balance2"));
		drift_g = fmax(drift_g, val(g, "loss", i, "balance1") + val(g, "loss", i, "balance2"));
	}
	assert_true(val(f, "loss", 10, "z1") > 1); /* the factors grew from 0.1 */
	assert_true(drift_f < 1e-9);
	assert_true(drift_g > 1e-5);
	lindyn_run_free(f);
	lindyn_run_free(g);
}

/* ---- spectral init and the scalar ODE ------------------------------------- */

static void scalar_rhs4(double sw1, double sw2, double sdy, const double *s, double *ds)
{
	double e = sdy - (sw2 * s[0] * s[1] + s[2] * s[3] * sw1 + s[2] * s[3] * s[0] * s[1]);
	double g1 = (sw2 + s[2] * s[3]) * e, g2 = (sw1 + s[0] * s[1]) * e;
	ds[0] = g1 * s[1];
	ds[1] = g1 * s[0];
	ds[2] = g2 * s[3];
	ds[3] = g2 * s[2];
}

/* Classical RK4 on the 4-variable system (sB1, sA1, sB2, sA2) of eq. (17). */
static void integrate_scalar(double sw1, double sw2, double sdy, double *s, double t, long n)
{
	double h = t / (double)n, k[4][4], tmp[4];
	for (long step = 0; step < n; step++) {
		scalar_rhs4(sw1, sw2, sdy, s, k[0]);
		for (int i = 0; i < 4; i++)
			tmp[i] = s[i] + 0.5 * h * k[0][i];
		scalar_rhs4(sw1, sw2, sdy, tmp, k[1]);
		for (int i = 0; i < 4; i++)
			tmp[i] = s[i] + 0.5 * h * k[1][i];
		scalar_rhs4(sw1, sw2, sdy, tmp, k[2]);
		for (int i = 0; i < 4; i++)
			tmp[i] = s[i] + h * k[2][i];
		scalar_rhs4(sw1, sw2, sdy, tmp, k[3]);
		for (int i = 0; i < 4; i++)
			s[i] += h / 6 * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
	}
}

static void check_spectral(const char *args)
{
	lindyn_run *r = run_with(args, 6);
	size_t rows = lindyn_run_rows(r, "spectral");
	assert_true(rows > 2);
	double scale = 0;
	for (size_t i = 0; i < rows; i++) {
		scale = fmax(scale, val(r, "loss", i, "z1") + val(r, "loss", i, "z2"));
		assert_true(val(r, "spectral", i, "dev") < 1e-10 * (1 + scale));
		/* Residual norms agree up to rounding of the factors (dev ~ 1e-15). */
		double e = sqrt(val(r, "loss", i, "loss")), es = sqrt(val(r, "spectral", i, "loss_scalar"));
		assert_true(fabs(e - es) <= 1e-9 * e + 1e-13);
	}
	/* Our own integration of the scalar ODE from the logged start. */
	double s[4] = { val(r, "spectral", 0, "s_b1"), val(r, "spectral", 0, "s_a1"),
		        val(r, "spectral", 0, "s_b2"), val(r, "spectral", 0, "s_a2") };
	double t_end = val(r, "loss", rows - 1, "t");
	integrate_scalar(val(r, "model", 0, "sigma_w1"), val(r, "model", 0, "sigma_w2"), 5.0, s,
	                 t_end, 20000);
	const char *cols[] = { "s_b1", "s_a1", "s_b2", "s_a2" };
	for (int i = 0; i < 4; i++)
		assert_double_equal(val(r, "spectral", rows - 1, cols[i]), s[i], 1e-6 * (1 + fabs(s[i])));
	/* ... and it converged: sigma_w2 sB1 sA1 + ... = sigma. */
	assert_true(val(r, "loss", rows - 1, "loss") < 1e-12);
	lindyn_run_free(r);
}

static void test_spectral_init_follows_scalar_ode(void **unused)
{
	(void)unused;
	check_spectral("init=spectral alpha=1e-3 method=rk8pd rel_tol=1e-12 abs_tol=1e-16 t_end=2 "
	               "log_points=20");
	check_spectral("init=spectral pair=bottom c=10 alpha=1e-2 method=rk8pd rel_tol=1e-12 "
	               "abs_tol=1e-16 t_end=3 log_points=20");
}

/* ---- Appendix G ------------------------------------------------------------ */

static void test_appendix_g_stationary_point(void **unused)
{
	(void)unused;
	/* W2 = W1 = diag(10, 1), Ypre = diag(100, 1), dY = sqrt(2) e2 e2^T, r = 1,
	 * LoRA on the top singular space (PiSSA): the gradient vanishes. */
	lora_config cfg = { .m = 2, .n = 2, .h = 2, .r = 1, .sigma = M_SQRT2, .c = 1,
		            .alpha = 0.5, .bottom = 1, .appg = 1, .init = LORA_INIT_PISSA,
		            .reduce = 1 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	lora_problem *p;
	assert_int_equal(lora_problem_new(&cfg, rng, &p), 0);
	assert_double_equal(gsl_matrix_get(p->W2, 0, 0), 10, 1e-12);
	assert_double_equal(gsl_matrix_get(p->W1, 1, 1), 1, 1e-12);
	lora_flow *f = lora_flow_new(p);
	double *dy = calloc(p->dim, sizeof *dy);
	assert_double_equal(lora_flow_eval(f, p->y0, dy), 1.0, 1e-15);
	for (size_t i = 0; i < p->dim; i++)
		assert_true(dy[i] == 0.0);
	double a = 0;
	for (size_t i = 0; i < p->n_factors; i++)
		a = fmax(a, fabs(p->y0[i]));
	assert_true(a > 0.01); /* the init is not the trivial zero */
	free(dy);
	lora_flow_free(f);
	lora_problem_free(p);
	gsl_rng_free(rng);

	const char *appg = "pretrained=appg m=2 n=2 h=2 r=1 c=1 pair=bottom sigma=1.4142135623730951 "
	                   "alpha=0.5 t_end=6 log_points=4";
	char args[256];
	snprintf(args, sizeof args, "%s init=pissa", appg);
	lindyn_run *stall = run_with(args, 9);
	snprintf(args, sizeof args, "%s init=spectral", appg);
	lindyn_run *move = run_with(args, 9);
	for (size_t i = 0; i <= 4; i++)
		assert_double_equal(val(stall, "loss", i, "loss"), 1.0, 1e-14);
	assert_true(val(move, "loss", 4, "loss") < 1e-6);
	lindyn_run_free(stall);
	lindyn_run_free(move);
}

/* ---- save_inputs ---------------------------------------------------------- */

static gsl_matrix *load_npy(const char *dir, const char *name, size_t rows, size_t cols)
{
	char path[128], err[256];
	gsl_matrix *M = gsl_matrix_alloc(rows, cols);
	snprintf(path, sizeof path, "%s/%s.npy", dir, name);
	if (npy_read(path, rows, cols, M->data, err, sizeof err))
		fail_msg("%s", err);
	return M;
}

/* 1/2 ||dY - F||^2 with F = (W2 + B2 A2)(W1 + B1 A1) - W2 W1 (eq. 2); with
 * eta > 0 also one GD step on the adapters. */
static double lora_loss_step(const gsl_matrix *W1, const gsl_matrix *W2, const gsl_matrix *dY,
                             gsl_matrix *A1, gsl_matrix *B1, gsl_matrix *A2, gsl_matrix *B2,
                             double eta)
{
	size_t m = W2->size1, h = W2->size2, n = W1->size2, r = A1->size1;
	gsl_matrix *P = gsl_matrix_alloc(m, h), *Q = gsl_matrix_alloc(h, n);
	gsl_matrix *R = gsl_matrix_alloc(m, n), *PtR = gsl_matrix_alloc(h, n);
	gsl_matrix *RQt = gsl_matrix_alloc(m, h);
	gsl_matrix *gA1 = gsl_matrix_alloc(r, n), *gB1 = gsl_matrix_alloc(h, r);
	gsl_matrix *gA2 = gsl_matrix_alloc(r, h), *gB2 = gsl_matrix_alloc(m, r);
	gsl_matrix_memcpy(P, W2);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, B2, A2, 1.0, P);
	gsl_matrix_memcpy(Q, W1);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, B1, A1, 1.0, Q);
	gsl_matrix_memcpy(R, dY); /* R = F - dY = P Q - W2 W1 - dY */
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, W2, W1, 1.0, R);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, P, Q, -1.0, R);
	double loss = 0;
	for (size_t i = 0; i < m * n; i++)
		loss += 0.5 * R->data[i] * R->data[i];
	if (eta > 0) {
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, P, R, 0.0, PtR);
		gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, R, Q, 0.0, RQt);
		gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, PtR, A1, 0.0, gB1);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, B1, PtR, 0.0, gA1);
		gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, RQt, A2, 0.0, gB2);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, B2, RQt, 0.0, gA2);
		gsl_matrix *x[] = { A1, B1, A2, B2 }, *g[] = { gA1, gB1, gA2, gB2 };
		for (size_t i = 0; i < 4; i++) {
			gsl_matrix_scale(g[i], eta);
			gsl_matrix_sub(x[i], g[i]);
		}
	}
	gsl_matrix *all[] = { P, Q, R, PtR, RQt, gA1, gB1, gA2, gB2 };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		gsl_matrix_free(all[i]);
	return loss;
}

/* The files of save_inputs=true reduce=none describe the full problem: two
 * GD steps taken from them by the formulas of eq. 2 give the losses of the
 * (reduced) run with the same seed. */
static void test_save_inputs(void **unused)
{
	(void)unused;
	const char *args[] = { "m=4", "n=3", "h=9", "r=2", "alpha=0.3", "eta=0.05", "t_end=0.1",
		               "log_points=2", "reduce=none", "save_inputs=true" };
	char dir[] = "/tmp/test_lora_gf-XXXXXX";
	assert_non_null(mkdtemp(dir));
	lindyn_run *saver = lindyn_run_new(lindyn_plugin_descriptor(0), dir);
	for (size_t i = 0; i < sizeof args / sizeof *args; i++)
		assert_int_equal(lindyn_run_set(saver, args[i]), 0);
	lindyn_run_seed(saver, 5);
	assert_int_equal(lindyn_run_exec(saver), 0);
	lindyn_run_free(saver);

	size_t m = 4, n = 3, h = 9, r = 2;
	gsl_matrix *W1 = load_npy(dir, "w1", h, n), *W2 = load_npy(dir, "w2", m, h);
	gsl_matrix *dY = load_npy(dir, "dy", m, n), *A1 = load_npy(dir, "a1_init", r, n);
	gsl_matrix *B1 = load_npy(dir, "b1_init", h, r), *A2 = load_npy(dir, "a2_init", r, h);
	gsl_matrix *B2 = load_npy(dir, "b2_init", m, r);
	lindyn_run *run = run_with("m=4 n=3 h=9 r=2 alpha=0.3 eta=0.05 t_end=0.1 log_points=2", 5);
	assert_int_equal(lindyn_run_rows(run, "loss"), 3);
	for (size_t k = 0; k < 3; k++) {
		double loss = lora_loss_step(W1, W2, dY, A1, B1, A2, B2, 0.05);
		assert_double_equal(val(run, "loss", k, "loss"), loss, 1e-12 * loss);
	}
	assert_true(val(run, "loss", 2, "loss") < val(run, "loss", 0, "loss"));
	lindyn_run_free(run);
	gsl_matrix *all[] = { W1, W2, dY, A1, B1, A2, B2 };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		gsl_matrix_free(all[i]);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -r %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- bad input and determinism ---------------------------------------------- */

static void test_bad_input(void **unused)
{
	(void)unused;
	char msg[1024];
	assert_int_equal(run_status("r=11", msg, sizeof msg), LINDYN_EINVAL);
	assert_non_null(strstr(msg, "r must be at most min(m,n)"));
	assert_int_equal(run_status("h=5", msg, sizeof msg), LINDYN_EINVAL);
	assert_non_null(strstr(msg, "h must be at least"));
	assert_int_equal(run_status("t_end=1.00005", msg, sizeof msg), LINDYN_EINVAL);
	assert_non_null(strstr(msg, "multiple of eta"));
	assert_int_equal(run_status("pretrained=appg", msg, sizeof msg), LINDYN_EINVAL);
	assert_non_null(strstr(msg, "m=2 n=2"));
	assert_int_equal(run_status("method=rkf45 abs_tol=0 rel_tol=0", msg, sizeof msg), LINDYN_EINVAL);
	assert_non_null(strstr(msg, "abs_tol > 0 or rel_tol > 0"));
	assert_int_equal(run_status("t_end=1 max_evals=100", msg, sizeof msg), LINDYN_EINVAL);
	assert_int_equal(run_status("method=rk8pd rel_tol=1e-14 abs_tol=1e-16 t_end=1 max_evals=500", msg,
	                            sizeof msg), LINDYN_EMAXITER);
	assert_non_null(strstr(msg, "max_evals=500"));
	/* GD beyond its stability limit diverges and says so. */
	assert_int_equal(run_status("alpha=1 eta=0.5 t_end=50", msg, sizeof msg), LINDYN_EDIVERGE);
}

static void test_same_seed_same_numbers(void **unused)
{
	(void)unused;
	lindyn_run *a = run_with("init=random t_end=0.3 log_points=3", 11);
	lindyn_run *b = run_with("init=random t_end=0.3 log_points=3", 11);
	lindyn_run *c = run_with("init=random t_end=0.3 log_points=3", 12);
	assert_true(val(a, "loss", 3, "misalign") == val(b, "loss", 3, "misalign"));
	assert_true(val(a, "loss", 3, "misalign") != val(c, "loss", 3, "misalign"));
	lindyn_run_free(a);
	lindyn_run_free(b);
	lindyn_run_free(c);
}

/* Every table is declared (ABI 1.2) and written with all its columns; the
 * integrator vocabulary is method, abs_tol, rel_tol and reduce an enum. */
static void test_tables_declared(void **unused)
{
	(void)unused;
	static const char *const all[] = { "loss", "spectral", "model", NULL };
	lindyn_run *r = run_with("init=spectral method=rkf45 abs_tol=1e-12 rel_tol=1e-10 "
	                         "reduce=none t_end=0.05 log_points=5", 2);
	assert_tables_declared(lindyn_plugin_descriptor(0), r, all);
	assert_non_null(lindyn_run_table_name(r, 2));
	assert_double_equal(val(r, "model", 0, "h_work"), 100, 0);
	lindyn_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gradient_matches_finite_differences),
		cmocka_unit_test(test_tables_declared),
		cmocka_unit_test(test_pretrained_model_is_exact),
		cmocka_unit_test(test_reduction_is_exact),
		cmocka_unit_test(test_log_grid),
		cmocka_unit_test(test_gd_small_step_matches_adaptive_flow),
		cmocka_unit_test(test_rk4_matches_adaptive_flow),
		cmocka_unit_test(test_rk4_fourth_order),
		cmocka_unit_test(test_rk4_doubling_is_two_half_steps),
		cmocka_unit_test(test_imbalance_conserved_by_flow),
		cmocka_unit_test(test_spectral_init_follows_scalar_ode),
		cmocka_unit_test(test_appendix_g_stationary_point),
		cmocka_unit_test(test_save_inputs),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_same_seed_same_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
