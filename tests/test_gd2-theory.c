/* test_gd2-theory.c -- the local-PL quantities of gd2 against independent
 * computations at small size: K_t against finite differences of L along the
 * step, sigma(T) against the eigenvalues of the operator's matrix, roots
 * against their equations and GSL's cubic solver, every step rule on a
 * hand-checked case, and the paths where an equation has no positive root. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_poly.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lindyn/run.h"
#include "../plugins/gd2/state.h"

extern const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index);

static void fill(gsl_rng *rng, gsl_matrix *A, double std)
{
	for (size_t i = 0; i < A->size1; i++)
		for (size_t j = 0; j < A->size2; j++)
			gsl_matrix_set(A, i, j, std * gsl_ran_gaussian(rng, 1.0));
}

static void make_model(gd2_model *mo, size_t n, size_t d, size_t m, size_t h, unsigned long seed)
{
	assert_int_equal(gd2_model_alloc(mo, n, d, m, h), 0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	fill(rng, mo->X, 0.8);
	fill(rng, mo->Y, 1.1);
	fill(rng, mo->W1, 0.6);
	fill(rng, mo->W2, 0.4);
	gsl_rng_free(rng);
	mo->want_W = 1;
	assert_int_equal(gd2_model_factor_x(mo), 0);
	gsl_matrix_memcpy(mo->W1_0, mo->W1);
	gsl_matrix_memcpy(mo->W2_0, mo->W2);
	assert_int_equal(gd2_imbalance_init(mo), 0);
	gd2_model_refresh(mo);
}

/* --- roots ------------------------------------------------------------------ */

/* The Brent workspace every root finder takes (the plugin owns one per run). */
static gsl_root_fsolver *solver;

static int setup_solver(void **state)
{
	(void)state;
	solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	return solver ? 0 : -1;
}

static int teardown_solver(void **state)
{
	(void)state;
	gsl_root_fsolver_free(solver);
	return 0;
}

static void test_poly_root_against_gsl_cubic(void **state)
{
	(void)state;
	double c[4] = { -1.0, 2.0, 3.0, 3.0 }; /* 3x^3 + 3x^2 + 2x - 1 */
	double r, x0, x1, x2;
	assert_int_equal(gd2_root_increasing_poly(solver, c, 3, &r), GSL_SUCCESS);
	int nr = gsl_poly_solve_cubic(1.0, 2.0 / 3.0, -1.0 / 3.0, &x0, &x1, &x2);
	double pos = nr == 1 ? x0 : (x2 > 0 ? (x1 > 0 ? (x0 > 0 ? x0 : x1) : x2) : x0);
	assert_true(fabs(r - pos) < 1e-13);
	assert_true(fabs(gsl_poly_eval(c, 4, r)) < 1e-14);
	/* badly scaled, as the eta_K cubic is: root near 7.7e-4 */
	double c2[4] = { -1.0, 1300.0, 390.0, 0.9 };
	assert_int_equal(gd2_root_increasing_poly(solver, c2, 3, &r), GSL_SUCCESS);
	assert_true(fabs(gsl_poly_eval(c2, 4, r)) < 1e-13);
	assert_true(r > 7.0e-4 && r < 7.7e-4);
}

static void test_poly_no_positive_root(void **state)
{
	(void)state;
	double r;
	double c[3] = { 0.5, 1.0, 2.0 };   /* p(0) > 0, increasing: no positive root */
	assert_int_equal(gd2_root_increasing_poly(solver, c, 2, &r), GSL_EDOM);
	double z[3] = { -1.0, 0.0, 0.0 };  /* constant -1 */
	assert_int_equal(gd2_root_increasing_poly(solver, z, 2, &r), GSL_EDOM);
}

/* --- TMLR ------------------------------------------------------------------- */

static gd2_tmlr hand_tmlr(double L0)
{
	gd2_levels lv = { .lam_plus = 800, .lam_minus = 600, .delta = 700, .delta_plus = 100,
	                  .delta_minus = 60 };
	gd2_tmlr T;
	int st = gd2_tmlr_init(&T, solver, 1.0, 1.0, L0, 0.5, 1.01, &lv, 8.0, 100.0, 0.3);
	assert_int_equal(st, GSL_SUCCESS);
	return T;
}

/* Table 2 and eq. (101) by hand: beta1 = max(0, 8 - 0.3), alpha1, alpha2 closed
 * forms; eta01 solves eta Kbar_0(eta) = 1; eta0 is the min of the candidates. */
static void test_tmlr_constants(void **state)
{
	(void)state;
	gd2_tmlr T = hand_tmlr(5e-3);
	double b1 = 7.7, b2 = 100.3;
	assert_true(fabs(T.beta1 - b1) < 1e-12 && fabs(T.beta2 - b2) < 1e-12);
	double a1 = 0.5 * (-100 - 60 + sqrt(800.0 * 800 + 4 * b1 * b1) + sqrt(760.0 * 760 + 4 * b1 * b1));
	double a2 = 0.5 * (800 + sqrt(800.0 * 800 + 4 * b2 * b2)) + 0.5 * (600 + sqrt(600.0 * 600 + 4 * b2 * b2));
	assert_true(fabs(T.alpha1 - a1) < 1e-9 * a1 && fabs(T.alpha2 - a2) < 1e-9 * a2);
	double e = T.eta01, s = sqrt(2 * 5e-3);
	double k0 = s + 6 * b2 * 5e-3 * e * e + exp(sqrt(e)) * a2 * (1 + 3 * s * e);
	assert_true(fabs(e * k0 - 1) < 1e-12);
	assert_true(fabs(gd2_tmlr_Kbar(&T, 0) * T.eta0 - 1) < 1e-12 || T.eta0 < T.eta01);
	double e3 = pow(log(1 + a1 / (2 * a2)), 2.0);
	assert_true(fabs(T.eta03 - e3) < 1e-12 * e3);
	assert_true(T.eta0 <= T.eta01 && T.eta0 <= T.eta03);
	/* Kbar_t decreases to K exp(sqrt(eta0)) alpha2 */
	double kinf = exp(sqrt(T.eta0)) * a2;
	assert_true(gd2_tmlr_Kbar(&T, 0) > gd2_tmlr_Kbar(&T, 10));
	assert_true(gd2_tmlr_Kbar(&T, 10) > gd2_tmlr_Kbar(&T, 1000));
	assert_true(gd2_tmlr_Kbar(&T, 1000) >= kinf * (1 - 1e-12));
}

/* eq. (102) without a root below min(eta01, eta03) is reported as such; with a
 * large L0 the root exists and solves the equation. */
static void test_eq102_root_or_none(void **state)
{
	(void)state;
	gd2_tmlr T = hand_tmlr(5e-3);
	assert_int_equal(T.eta02_found, 0);
	assert_true(T.eta02 < 0);
	gd2_tmlr U = hand_tmlr(2e4);
	assert_int_equal(U.eta02_found, 1);
	double e = U.eta02, mb = U.mu * (U.alpha1 + 2 * U.alpha2 * (1 - exp(sqrt(e))));
	double s = sqrt(2 * U.L0);
	double k0 = s + 6 * U.beta2 * U.L0 * e * e + exp(sqrt(e)) * U.alpha2 * (1 + 3 * s * e);
	double Delta = (1 + pow(e, 1.01)) * (1 - 2 * mb * e + mb * k0 * e * e);
	double g = 4 * U.L0 * e * e - (1 - exp(-sqrt(e))) * (1 - Delta);
	assert_true(fabs(g) < 1e-9 * 4 * U.L0 * e * e);
	assert_true(U.eta0 <= U.eta02);
}

static void test_tmlr_alpha1_nonpositive(void **state)
{
	(void)state;
	gd2_levels lv = { 0 };
	gd2_tmlr T;
	/* no imbalance and beta1 = max(0, 1 - 10) = 0: alpha1 = 0, no step size */
	assert_int_equal(gd2_tmlr_init(&T, solver, 1.0, 1.0, 1.0, 0.5, 1.01, &lv, 1.0, 2.0, 10.0), GSL_EDOM);
}

/* eta_K: eta K_t(eta) = 1 for K_t of eq. (12), by hand on 3x^3 + 3x^2 + 2x = 1. */
static void test_eta_K(void **state)
{
	(void)state;
	gd2_tmlr T = { .solver = solver, .K = 1.0 };
	double eta;
	assert_int_equal(gd2_tmlr_eta_K(&T, 0.5, 1.0, 1.0, &eta), GSL_SUCCESS);
	assert_true(fabs(eta * gd2_tmlr_Kt(&T, 0.5, 1.0, 1.0, eta) - 1) < 1e-14);
	assert_true(fabs(3 * eta * eta * eta + 3 * eta * eta + 2 * eta - 1) < 1e-14);
}

/* K_t bounds the curvature of L along the gradient direction for tau in [0, 1]
 * (TMLR Lemma D.2): second differences of L(W - tau eta grad) against K_t. */
static void test_Kt_against_finite_differences(void **state)
{
	(void)state;
	gd2_model mo;
	make_model(&mo, 6, 4, 3, 9, 4);
	gd2_loss loss = { .kind = LOSS_SQUARED };
	double g2, L = gd2_model_gradient(&mo, &loss, &g2);
	gd2_spectra sp;
	assert_int_equal(gd2_model_spectra(&mo, &sp), 0);
	gd2_model_trial_prepare(&mo, &loss);
	gd2_tmlr T = { .K = gsl_vector_get(mo.sx, 0) * gsl_vector_get(mo.sx, 0) };
	double eta = 0.05, Kt = gd2_tmlr_Kt(&T, L, sp.smax2T, sp.smaxW, eta);
	double worst = 0.0, h = 1e-3;
	for (int i = 0; i <= 10; i++) {
		double tau = 0.1 * i * eta;
		double c = (gd2_model_trial_loss(&mo, &loss, tau + h) - 2 * gd2_model_trial_loss(&mo, &loss, tau) +
		            gd2_model_trial_loss(&mo, &loss, tau - h)) / (h * h);
		worst = fmax(worst, c / g2); /* <g, H g> with g = grad / ||grad|| */
	}
	assert_true(worst > 0.0);
	assert_true(worst <= Kt);
	/* the trial loss is exact: at eta it is the loss after a real step */
	double Lt = gd2_model_trial_loss(&mo, &loss, eta);
	gd2_model_step(&mo, eta);
	double g2b, Lb = gd2_model_gradient(&mo, &loss, &g2b);
	assert_true(fabs(Lt - Lb) < 1e-12 * Lb);
	gd2_model_free(&mo);
}

/* Lemma A.2 against the eigenvalues of I (x) W1 W1^T + W2^T W2 (x) I. */
static void test_lemma_a2(void **state)
{
	(void)state;
	gd2_model mo;
	size_t d = 4, m = 3, h = 11, q = d * m;
	make_model(&mo, 6, d, m, h, 9);
	gd2_loss loss = { .kind = LOSS_SQUARED };
	double g2;
	gd2_model_gradient(&mo, &loss, &g2);
	gd2_spectra sp;
	assert_int_equal(gd2_model_spectra(&mo, &sp), 0);
	gsl_matrix *A = gsl_matrix_calloc(q, q), *B = gsl_matrix_alloc(d, d), *C = gsl_matrix_alloc(m, m);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, mo.W1, mo.W1, 0.0, B);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo.W2, mo.W2, 0.0, C);
	for (size_t j = 0; j < m; j++)
		for (size_t i = 0; i < d; i++) {
			for (size_t i2 = 0; i2 < d; i2++)
				*gsl_matrix_ptr(A, i + d * j, i2 + d * j) += gsl_matrix_get(B, i, i2);
			for (size_t j2 = 0; j2 < m; j2++)
				*gsl_matrix_ptr(A, i + d * j, i + d * j2) += gsl_matrix_get(C, j, j2);
		}
	gsl_vector *e = gsl_vector_alloc(q);
	gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(q);
	gsl_eigen_symm(A, e, ws);
	assert_true(fabs(gsl_vector_min(e) - sp.smin2T) < 1e-12 * sp.smax2T);
	assert_true(fabs(gsl_vector_max(e) - sp.smax2T) < 1e-12 * sp.smax2T);
	gsl_vector_free(e);
	gsl_eigen_symm_free(ws);
	gsl_matrix_free(A);
	gsl_matrix_free(B);
	gsl_matrix_free(C);
	gd2_model_free(&mo);
}

/* --- AISTATS ---------------------------------------------------------------- */

static void test_aistats(void **state)
{
	(void)state;
	gd2_levels lv = { .lam_plus = 3, .lam_minus = 2, .delta = 2.5, .delta_plus = 0.5,
	                  .delta_minus = 0.25 };
	gd2_aistats A;
	assert_int_equal(gd2_aistats_init(&A, solver, 0.9, 1.2, 0.7, 0.5, 1.5, &lv, 2.0, 3.0, 1.1), GSL_SUCCESS);
	assert_true(fabs(A.p1 - 0.9 / 1.2) < 1e-15 && fabs(A.p2 - 4.1 / 0.9) < 1e-14);
	double a[5];
	gd2_aistats_coeffs(&A, 0.7, a);
	for (int i = 1; i <= 2; i++) { /* each eta_max solves its cubic (29) */
		double e = i == 1 ? A.etamax1 : A.etamax2;
		double C = i == 1 ? 4 * 1.5 * 0.7 * 1.44 / 0.5 : 8 * 1.5 * A.beta0 * 0.7 * 1.44 / (0.5 * A.alpha0);
		assert_true(fabs(a[4] * e * e * e + a[3] * e * e + (a[2] + C) * e - a[1]) < 1e-12 * a[1]);
	}
	assert_true(A.etamax == fmin(A.etamax1, A.etamax2));
	/* Algorithm 1: f'(eta') = 0 unless capped */
	double eta;
	assert_int_equal(gd2_aistats_adaptive(&A, 1e-6, &eta), GSL_SUCCESS);
	gd2_aistats_coeffs(&A, 1e-6, a);
	double fp = -a[1] + 2 * a[2] * eta + 3 * a[3] * eta * eta + 4 * a[4] * eta * eta * eta;
	assert_true(eta == A.etamax || fabs(fp) < 1e-12 * a[1]);
	/* Proposition 3.1 on a grid of steps */
	for (double e = 0; e < 1; e += 0.01)
		assert_true(gd2_aistats_f(&A, 0.7, e) >= 1 - 1 / A.kappa - 1e-12);
	/* no margin and no imbalance: alpha0 = 0, no step size */
	gd2_levels zero = { 0 };
	assert_int_equal(gd2_aistats_init(&A, solver, 0.9, 1.2, 0.7, 0.5, 1.5, &zero, 1.0, 3.0, 1.5), GSL_EDOM);
}

/* --- the rules on hand-checked cases ------------------------------------------ */

static void test_rules_closed_forms(void **state)
{
	(void)state;
	gd2_state s = { .eta_L = 0.125, .normY = 2.0, .rankY = 1 };
	s.tmlr = hand_tmlr(5e-3);
	s.ais = (gd2_aistats){ .p1 = 1.5, .etamax = 0.0625 };
	s.loss.K = 4.0;
	gd2_spectra sp = { 0 };
	double eta;
	s.rule = RULE_CONST;
	gd2_rule_step(&s, NULL, 3, 1.0, 1.0, &sp, &eta);
	assert_true(eta == 0.125);
	s.rule = RULE_ETA0;
	gd2_rule_step(&s, NULL, 3, 1.0, 1.0, &sp, &eta);
	assert_true(eta == s.tmlr.eta0);
	s.rule = RULE_XU_FIXED;
	gd2_rule_step(&s, NULL, 3, 1.0, 1.0, &sp, &eta);
	assert_true(eta == 0.0625);
	s.rule = RULE_ARORA; /* 1.5^3 / (6144 * 8 * 16) */
	gd2_rule_step(&s, NULL, 0, 1.0, 1.0, &sp, &eta);
	assert_true(fabs(eta - 3.375 / 786432.0) < 1e-18);
	s.rule = RULE_DU; /* sqrt(2/1) / (100 * 4 * 2^1.5) at t = 3 */
	gd2_rule_step(&s, NULL, 3, 1.0, 1.0, &sp, &eta);
	assert_true(fabs(eta - sqrt(2.0) / (400.0 * pow(2.0, 1.5))) < 1e-17);
	s.rule = RULE_NONOVER;
	gd2_rule_step(&s, NULL, 3, 1.0, 1.0, &sp, &eta);
	assert_true(eta == 0.25);
	/* rhobar: min(cap, 1/Kbar_t); with the cap off, 1/Kbar_t */
	s.rule = RULE_RHOBAR;
	s.growth_cap = 1;
	gd2_rule_step(&s, NULL, 7, 1.0, 1.0, &sp, &eta);
	double cap = pow(1 + pow(s.tmlr.eta0, 1.01), 3.5) * s.tmlr.eta0;
	assert_true(eta == fmin(cap, 1 / gd2_tmlr_Kbar(&s.tmlr, 7)));
	s.growth_cap = 0;
	gd2_rule_step(&s, NULL, 7, 1.0, 1.0, &sp, &eta);
	assert_true(eta == 1 / gd2_tmlr_Kbar(&s.tmlr, 7));
	/* rho without the cap: the cubic root of eta K_t(eta) = 1 */
	s.rule = RULE_RHO;
	s.tmlr.K = 1.0;
	sp.smax2T = 1.0;
	sp.smaxW = 1.0;
	gd2_rule_step(&s, NULL, 7, 0.5, 1.0, &sp, &eta);
	assert_true(fabs(3 * eta * eta * eta + 3 * eta * eta + 2 * eta - 1) < 1e-14);
}

/* --- through the run API ------------------------------------------------------- */

static lindyn_run *new_run(const char *const *kv)
{
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_non_null(r);
	for (; *kv; kv++)
		assert_int_equal(lindyn_run_set(r, *kv), LINDYN_OK);
	lindyn_run_seed(r, 11);
	return r;
}

static const char *const fig1_small[] = { "n=4", "d=4", "m=3", "h=40", "data=orthonormal",
                                          "target=init", "sigma_u=1", "sigma_v=1", "noise=0.1",
                                          "loss_scale=sum", "stats=full", "steps=30",
                                          "log_every=1", NULL };

/* The Fig. 1 setup at small size under the three TMLR rules: every running
 * verdict holds, the bounds sit above the loss, Lemma A.2 holds at t = 0. */
static void test_tmlr_rules_run(void **state)
{
	(void)state;
	const char *rules[] = { "rule=eta0", "rule=rhobar", "rule=rho" };
	const char *oks[] = { "ok_pl", "ok_descent", "ok_rho", "ok_drift", "ok_bound_rho",
	                      "ok_bound_rhobar", "ok_bound_eta0", "ok_lemma31", "ok_mubar",
	                      "ok_kbar", "ok_eta_nondecr", "ok_f" };
	for (size_t i = 0; i < 3; i++) {
		lindyn_run *r = new_run(fig1_small);
		assert_int_equal(lindyn_run_set(r, rules[i]), LINDYN_OK);
		assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
		size_t last = lindyn_run_rows(r, "loss") - 1;
		for (size_t j = 0; j < sizeof oks / sizeof oks[0]; j++)
			assert_true(lindyn_run_value(r, "loss", last, oks[j]) == 1.0);
		assert_true(lindyn_run_value(r, "loss", last, "loss") < 1e-6 * lindyn_run_value(r, "loss", 0, "loss"));
		assert_true(lindyn_run_value(r, "tmlr", 0, "lemma_a2_err") < 1e-12);
		assert_true(lindyn_run_value(r, "loss", last, "max_eq131_err") < 1e-2);
		double eta0 = lindyn_run_value(r, "tmlr", 0, "eta0");
		assert_true(lindyn_run_value(r, "loss", 0, "eta") >= eta0 * (1 - 1e-12));
		lindyn_run_free(r);
	}
}

/* A check that can fail does: a constant step of about 3 eta0 leaves
 * Theorem 3.2's conditions, the loss rises for a while (or the run
 * diverges), and the verdicts of the bound and of Lemma 3.1 drop to 0. */
static void test_verdicts_can_fail(void **state)
{
	(void)state;
	lindyn_run *r = new_run(fig1_small);
	assert_int_equal(lindyn_run_set(r, "rule=const"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "eta=0.02"), LINDYN_OK); /* ~3 eta0 */
	int st = lindyn_run_exec(r);
	if (st == LINDYN_OK) {
		size_t last = lindyn_run_rows(r, "loss") - 1;
		assert_true(lindyn_run_value(r, "loss", last, "ok_bound_eta0") == 0.0 ||
		            lindyn_run_value(r, "loss", last, "ok_lemma31") == 0.0);
	} else {
		assert_int_equal(st, LINDYN_EDIVERGE);
	}
	lindyn_run_free(r);
}

/* The mean loss is (2/n) L and its step eta is the step 2 eta / n on L. */
static void test_mean_equals_scaled_sum(void **state)
{
	(void)state;
	const char *base[] = { "n=6", "d=9", "h=15", "steps=40", "log_every=10", NULL };
	lindyn_run *a = new_run(base), *b = new_run(base);
	assert_int_equal(lindyn_run_set(a, "eta=0.3"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(b, "loss_scale=sum"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(b, "eta=0.1"), LINDYN_OK); /* 2 * 0.3 / 6 */
	assert_int_equal(lindyn_run_exec(a), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(b), LINDYN_OK);
	for (size_t i = 0; i < lindyn_run_rows(a, "loss"); i++) {
		double la = lindyn_run_value(a, "loss", i, "loss"), lb = lindyn_run_value(b, "loss", i, "loss");
		assert_true(fabs(la - lb / 3.0) < 1e-12 * la);
		assert_true(fabs(lindyn_run_value(a, "loss", i, "t") - lindyn_run_value(b, "loss", i, "t")) < 1e-15);
	}
	lindyn_run_free(a);
	lindyn_run_free(b);
}

/* nonover with X = I: K = 1 and one step of eta = 1 lands on W* = Y exactly. */
static void test_nonover_identity(void **state)
{
	(void)state;
	const char *kv[] = { "n=5", "d=5", "m=2", "h=7", "data=identity", "rule=nonover",
	                     "loss_scale=sum", "steps=2", "log_every=1", NULL };
	lindyn_run *r = new_run(kv);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_true(lindyn_run_value(r, "loss", 0, "loss") > 1e-3);
	assert_true(lindyn_run_value(r, "loss", 0, "eta") == 1.0);
	assert_true(lindyn_run_value(r, "loss", 1, "loss") < 1e-30);
	lindyn_run_free(r);
}

/* Armijo: the step is a power of tau times bt_eta and passes the test. */
static void test_armijo_run(void **state)
{
	(void)state;
	lindyn_run *r = new_run(fig1_small);
	assert_int_equal(lindyn_run_set(r, "rule=armijo"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "stats=basic"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	for (size_t i = 0; i + 1 < lindyn_run_rows(r, "loss"); i++) {
		double eta = lindyn_run_value(r, "loss", i, "eta");
		double j = -log10(eta); /* bt_eta = 1, tau = 0.1 */
		assert_true(fabs(j - round(j)) < 1e-9);
		double L = lindyn_run_value(r, "loss", i, "loss"), g = lindyn_run_value(r, "loss", i, "grad_norm");
		double Ln = lindyn_run_value(r, "loss", i + 1, "loss");
		if (L > 1e-20)
			assert_true(Ln <= L - 0.9 * eta * g * g + 1e-12 * L);
	}
	lindyn_run_free(r);
}

/* The logistic loss: W* is stationary, l - l* >= 0 along GD, and the gradient
 * matches finite differences. */
static void test_logistic(void **state)
{
	(void)state;
	gd2_model mo;
	make_model(&mo, 7, 4, 2, 9, 17);
	gd2_loss loss = { .kind = LOSS_LOGISTIC, .lambda = 0.3 };
	gsl_matrix *Ws = gsl_matrix_alloc(4, 2);
	assert_int_equal(gd2_loss_setup(&loss, &mo, Ws), 0);
	assert_true(fabs(loss.mu - 0.3) < 1e-15);
	/* at W*: the full gradient X^T R + lambda W* vanishes */
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo.X, Ws, 0.0, mo.Z);
	gd2_loss_eval(&loss, mo.Z, mo.Y, Ws, mo.R);
	gsl_matrix *G = gsl_matrix_alloc(4, 2);
	gsl_matrix_memcpy(G, Ws);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo.X, mo.R, loss.lambda, G);
	for (size_t i = 0; i < 4; i++)
		for (size_t j = 0; j < 2; j++)
			assert_true(fabs(gsl_matrix_get(G, i, j)) < 1e-10);
	/* directional derivative of L along gW2 only, against central differences */
	double g2, l0 = gd2_model_gradient(&mo, &loss, &g2);
	assert_true(l0 > 0.0);
	gd2_model_trial_prepare(&mo, &loss);
	double e = 1e-6;
	double fd = (gd2_model_trial_loss(&mo, &loss, e) - gd2_model_trial_loss(&mo, &loss, -e)) / (2 * e);
	assert_true(fabs(fd + g2) < 1e-6 * g2); /* d/deta L(W - eta grad) = -||grad||^2 */
	gsl_matrix_free(G);
	gsl_matrix_free(Ws);
	gd2_model_free(&mo);
}

/* No-root and inapplicable paths stop the run with a message. */
static void test_bad_theory_input(void **state)
{
	(void)state;
	const char *kv[] = { "n=4", "d=8", "h=20", "rule=rho", "loss_scale=sum", NULL };
	lindyn_run *r = new_run(kv); /* n < d: mu = 0 */
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	assert_non_null(strstr(lindyn_run_message(r), "strongly convex"));
	lindyn_run_free(r);
	const char *kv2[] = { "n=4", "d=4", "h=20", "rule=rho", NULL }; /* mean scale */
	r = new_run(kv2);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	assert_non_null(strstr(lindyn_run_message(r), "loss_scale=sum"));
	lindyn_run_free(r);
	/* noise far above sigma_min(Y): no margin p1 for the step of Arora et al. */
	const char *kv3[] = { "n=4", "d=4", "m=1", "h=20", "data=identity", "rule=arora",
	                      "loss_scale=sum", "noise=5", NULL };
	r = new_run(kv3);
	assert_int_equal(lindyn_run_exec(r), LINDYN_ENUMERIC);
	assert_non_null(strstr(lindyn_run_message(r), "margin"));
	lindyn_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poly_root_against_gsl_cubic),
		cmocka_unit_test(test_poly_no_positive_root),
		cmocka_unit_test(test_tmlr_constants),
		cmocka_unit_test(test_eq102_root_or_none),
		cmocka_unit_test(test_tmlr_alpha1_nonpositive),
		cmocka_unit_test(test_eta_K),
		cmocka_unit_test(test_Kt_against_finite_differences),
		cmocka_unit_test(test_lemma_a2),
		cmocka_unit_test(test_aistats),
		cmocka_unit_test(test_rules_closed_forms),
		cmocka_unit_test(test_tmlr_rules_run),
		cmocka_unit_test(test_verdicts_can_fail),
		cmocka_unit_test(test_mean_equals_scaled_sum),
		cmocka_unit_test(test_nonover_identity),
		cmocka_unit_test(test_armijo_run),
		cmocka_unit_test(test_logistic),
		cmocka_unit_test(test_bad_theory_input),
	};
	return cmocka_run_group_tests(tests, setup_solver, teardown_solver);
}
