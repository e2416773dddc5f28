/* test_rk4_gf.c -- rk4_gf's numerics against closed forms: the scalar flow
 * law of S2 S3.1, classical RK4 against a hand-written one and its
 * fourth-order error decay on the balanced scalar flow (a logistic equation),
 * and the min-norm identities of the SVD geometry. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../plugins/common/rk4.h"
#include "../plugins/common/twolayer.h"
#include "../plugins/rk4_gf/gf_data.h"
#include "../plugins/rk4_gf/gf_flow.h"
#include "../plugins/rk4_gf/gf_observe.h"

static void fill(gsl_rng *rng, gsl_matrix *A, double std)
{
	for (size_t i = 0; i < A->size1; i++)
		for (size_t j = 0; j < A->size2; j++)
			gsl_matrix_set(A, i, j, std * gsl_ran_gaussian(rng, 1.0));
}

/* The scalar problem 1/2 (y - u v)^2 as a 1 x 1 x 1 network. */
typedef struct {
	gsl_matrix *X, *Y, *N;
	gf_data g;
	gf_flow f;
	gf_observer o;
} scalar;

static void scalar_init(scalar *s, double y, gf_reduce mode)
{
	s->X = gsl_matrix_alloc(1, 1);
	s->Y = gsl_matrix_alloc(1, 1);
	gsl_matrix_set(s->X, 0, 0, 1.0);
	gsl_matrix_set(s->Y, 0, 0, y);
	assert_int_equal(gf_data_init(&s->g, s->X, s->Y), 0);
	assert_int_equal(gf_flow_init(&s->f, &s->g, mode, 1), 0);
	s->N = gsl_matrix_calloc(1, 1); /* X = 1 has no null space */
	assert_int_equal(gf_observer_init(&s->o, &s->f, NULL, s->N, s->N), 0);
}

static void scalar_free(scalar *s)
{
	gf_observer_free(&s->o);
	gf_flow_free(&s->f);
	gf_data_free(&s->g);
	gsl_matrix_free(s->X);
	gsl_matrix_free(s->Y);
	gsl_matrix_free(s->N);
}

/* -dL/dt / L = 2 sqrt(d^2 + 4 (uv)^2) with d = u^2 - v^2 conserved (S2 S3.1),
 * along a trajectory integrated by the adaptive method. */
static void test_scalar_flow_law(void **unused)
{
	(void)unused;
	const double y = 1.7, u0 = 0.9, v0 = -0.2, d0 = u0 * u0 - v0 * v0;
	scalar s;
	scalar_init(&s, y, GF_SVD);
	double st[2] = {u0, v0}, t = 0.0;
	gsl_odeiv2_system sys = {gf_flow_rhs, NULL, 2, &s.f};
	gsl_odeiv2_driver *drv =
		gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-13, 1e-13);
	for (int k = 0; k <= 6; k++) {
		if (k > 0)
			assert_int_equal(gsl_odeiv2_driver_apply(drv, &t, 0.25 * k, st), 0);
		gf_obs ob;
		gf_observe(&s.o, &s.f, st, &ob);
		double u = st[0], v = st[1], uv = u * v;
		double law = 2.0 * sqrt(d0 * d0 + 4.0 * uv * uv);
		assert_true(fabs(ob.rate - law) <= 1e-9 * law);
		assert_true(fabs(ob.rate - 2.0 * (u * u + v * v)) <= 1e-12 * ob.rate);
		assert_true(fabs(u * u - v * v - d0) <= 1e-10);
		assert_true(fabs(ob.c - fabs(d0)) <= 1e-10); /* c = |d| for r = m = 1 */
		assert_true(ob.drift <= 1e-10);
		/* The rate never falls below the imbalance-only bound 2|d| (S2 S3.1). */
		assert_true(ob.rate >= 2.0 * fabs(d0) * (1.0 - 1e-12));
		assert_true(ob.rate >= ob.rate_bound * (1.0 - 1e-12));
	}
	gsl_odeiv2_driver_free(drv);
	scalar_free(&s);
}

/* Balanced scalar flow u = v: w = u v obeys w' = 2 (y - w) w, so
 * w(t) = y w0 e^{2yt} / (y + w0 (e^{2yt} - 1)).  Fixed-step RK4's error at
 * t = 1 falls by ~2^4 per halving of the step. */
static double rk4_error(double dt)
{
	const double y = 2.0, a0 = 0.5, T = 1.0;
	scalar s;
	scalar_init(&s, y, GF_FULL);
	double st[2] = {a0, a0};
	gsl_odeiv2_system sys = {gf_flow_rhs, NULL, 2, &s.f};
	rk4_classic rk4;
	assert_int_equal(rk4_classic_init(&rk4, 2), 0);
	long nsteps = lround(T / dt);
	for (long k = 0; k < nsteps; k++)
		assert_int_equal(rk4_classic_step(&rk4, &sys, (double)k * dt, dt, st), 0);
	assert_int_equal(s.f.evals, 4 * nsteps);
	double w0 = a0 * a0, e = exp(2.0 * y * T);
	double exact = y * w0 * e / (y + w0 * (e - 1.0));
	rk4_classic_free(&rk4);
	scalar_free(&s);
	return fabs(st[0] * st[1] - exact);
}

/* The right-hand side of 1/2 (y - u v)^2 written out: u' = (y - uv) v,
 * v' = (y - uv) u. */
static void scalar_rhs(double y, const double z[2], double dz[2])
{
	double e = y - z[0] * z[1];
	dz[0] = e * z[1];
	dz[1] = e * z[0];
}

/* rk4_classic_step is classical RK4: it follows a hand-written RK4 on the
 * scalar flow, step for step, to rounding, at 4 evaluations a step. */
static void test_rk4_is_classical(void **unused)
{
	(void)unused;
	const double y = 1.3, dt = 0.1;
	scalar s;
	scalar_init(&s, y, GF_FULL);
	gsl_odeiv2_system sys = {gf_flow_rhs, NULL, 2, &s.f};
	rk4_classic rk4;
	assert_int_equal(rk4_classic_init(&rk4, 2), 0);
	double a[2] = {0.9, -0.2}, b[2] = {0.9, -0.2};
	for (int k = 0; k < 40; k++) {
		assert_int_equal(rk4_classic_step(&rk4, &sys, k * dt, dt, a), 0);
		double k1[2], k2[2], k3[2], k4[2], z[2];
		scalar_rhs(y, b, k1);
		for (int i = 0; i < 2; i++)
			z[i] = b[i] + dt / 2 * k1[i];
		scalar_rhs(y, z, k2);
		for (int i = 0; i < 2; i++)
			z[i] = b[i] + dt / 2 * k2[i];
		scalar_rhs(y, z, k3);
		for (int i = 0; i < 2; i++)
			z[i] = b[i] + dt * k3[i];
		scalar_rhs(y, z, k4);
		for (int i = 0; i < 2; i++) {
			b[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
			assert_true(fabs(a[i] - b[i]) <= 1e-14 * fabs(b[i]));
		}
	}
	assert_int_equal(s.f.evals, 4 * 40);
	assert_true(fabs(a[0] * a[1] - y) < 1e-3); /* the flow converged: not a trivial run */
	rk4_classic_free(&rk4);
	scalar_free(&s);
}

/* A failing right-hand side stops the step and leaves y as it was. */
static int failing_rhs(double t, const double y[], double dydt[], void *params)
{
	int *calls = params;
	(void)t;
	dydt[0] = y[0];
	return ++*calls == 3 ? GSL_EBADFUNC : GSL_SUCCESS;
}

static void test_rk4_failure_leaves_state(void **unused)
{
	(void)unused;
	int calls = 0;
	gsl_odeiv2_system sys = {failing_rhs, NULL, 1, &calls};
	rk4_classic rk4;
	assert_int_equal(rk4_classic_init(&rk4, 1), 0);
	double y[1] = {1.5};
	assert_int_equal(rk4_classic_step(&rk4, &sys, 0.0, 0.1, y), GSL_EBADFUNC);
	assert_true(y[0] == 1.5);
	assert_int_equal(calls, 3);
	rk4_classic_free(&rk4);
}

static void test_rk4_fourth_order(void **unused)
{
	(void)unused;
	double e1 = rk4_error(0.1), e2 = rk4_error(0.05), e3 = rk4_error(0.025);
	double p1 = log2(e1 / e2), p2 = log2(e2 / e3);
	assert_true(e3 < 1e-6);
	assert_true(p1 > 3.7 && p1 < 4.4);
	assert_true(p2 > 3.8 && p2 < 4.3);
}

static double frob_diff(const gsl_matrix *A, const gsl_matrix *B)
{
	double s = 0.0;
	for (size_t i = 0; i < A->size1; i++)
		for (size_t j = 0; j < A->size2; j++)
			s += pow(gsl_matrix_get(A, i, j) - (B ? gsl_matrix_get(B, i, j) : 0.0), 2);
	return sqrt(s);
}

/* Theta_hat = X^T (X X^T)^{-1} Y (Cholesky), X Theta_hat = Y when r = n,
 * Theta_hat has no component in null(X), and L* = 0. */
static void test_min_norm_identities(void **unused)
{
	(void)unused;
	const size_t n = 7, d = 19, m = 3;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_matrix *X = gsl_matrix_alloc(n, d), *Y = gsl_matrix_alloc(n, m);
	fill(rng, X, 0.8);
	fill(rng, Y, 1.1);
	gf_data g;
	assert_int_equal(gf_data_init(&g, X, Y), 0);
	assert_int_equal(g.r, n);
	assert_true(fabs(g.loss_star) < 1e-24);

	gsl_matrix *G = gsl_matrix_alloc(n, n), *Z = gsl_matrix_alloc(n, m);
	gsl_matrix *T = gsl_matrix_alloc(d, m), *XT = gsl_matrix_alloc(n, m);
	gsl_matrix *tmp = gsl_matrix_alloc(g.r, m), *N = gsl_matrix_alloc(d, m);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, X, X, 0.0, G);
	gsl_linalg_cholesky_decomp1(G);
	gsl_matrix_memcpy(Z, Y);
	for (size_t j = 0; j < m; j++) {
		gsl_vector_view z = gsl_matrix_column(Z, j);
		gsl_linalg_cholesky_svx(G, &z.vector);
	}
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, X, Z, 0.0, T);
	assert_true(frob_diff(T, g.theta_hat) <= 1e-12 * frob_diff(T, NULL));
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, X, g.theta_hat, 0.0, XT);
	assert_true(frob_diff(XT, Y) <= 1e-12 * frob_diff(Y, NULL));
	gf_data_null_part(&g, g.theta_hat, tmp, N);
	assert_true(frob_diff(N, NULL) <= 1e-13 * frob_diff(T, NULL));
	/* The null part of anything is annihilated by X. */
	gsl_matrix *A = gsl_matrix_alloc(d, m);
	fill(rng, A, 1.0);
	gf_data_null_part(&g, A, tmp, N);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, X, N, 0.0, XT);
	assert_true(frob_diff(XT, NULL) <= 1e-12 * frob_diff(A, NULL));

	gf_data_free(&g);
	gsl_matrix_free(A);
	gsl_matrix_free(G);
	gsl_matrix_free(Z);
	gsl_matrix_free(T);
	gsl_matrix_free(XT);
	gsl_matrix_free(tmp);
	gsl_matrix_free(N);
	gsl_matrix_free(X);
	gsl_matrix_free(Y);
	gsl_rng_free(rng);
}

/* A rank-3 X (n = 6 > 3, d = 9): r = 3, L* = 1/2 ||Y - X Theta_hat||^2 > 0,
 * and Theta_hat is the least-squares solution of least norm. */
/* The vector field at m = 1 (matrix-vector and outer products instead of
 * dgemm) against the gradient formed with dgemm: W1' = X^T R W2^T,
 * W2' = W1^T X^T R, R = Y - X W1 W2; the output buffer starts as NaN. */
static void test_rhs_single_output(void **unused)
{
	(void)unused;
	enum { n = 5, d = 7, h = 6, m = 1, dim = d * h + h * m };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_matrix *X = gsl_matrix_alloc(n, d), *Y = gsl_matrix_alloc(n, m);
	gsl_matrix *R = gsl_matrix_alloc(n, m), *XR = gsl_matrix_alloc(d, m);
	gsl_matrix *P = gsl_matrix_alloc(d, m), *dW1 = gsl_matrix_alloc(d, h);
	gsl_matrix *dW2 = gsl_matrix_alloc(h, m);
	fill(rng, X, 1.0);
	fill(rng, Y, 1.0);
	double y[dim], dy[dim];
	for (size_t i = 0; i < dim; i++) {
		y[i] = gsl_ran_gaussian(rng, 0.7);
		dy[i] = NAN;
	}
	gf_data g;
	gf_flow f;
	assert_int_equal(gf_data_init(&g, X, Y), 0);
	assert_int_equal(gf_flow_init(&f, &g, GF_FULL, h), 0);
	assert_int_equal(gf_flow_rhs(0.0, y, dy, &f), 0);
	gsl_matrix_view W1 = gsl_matrix_view_array(y, d, h), W2 = gsl_matrix_view_array(y + d * h, h, m);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &W1.matrix, &W2.matrix, 0.0, P);
	gsl_matrix_memcpy(R, Y);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, X, P, 1.0, R);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, X, R, 0.0, XR);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, XR, &W2.matrix, 0.0, dW1);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &W1.matrix, XR, 0.0, dW2);
	gsl_matrix_view dA = gsl_matrix_view_array(dy, d, h), dB = gsl_matrix_view_array(dy + d * h, h, m);
	assert_true(frob_diff(&dA.matrix, dW1) <= 1e-14 * frob_diff(dW1, NULL));
	assert_true(frob_diff(&dB.matrix, dW2) <= 1e-14 * frob_diff(dW2, NULL));
	gf_flow_free(&f);
	gf_data_free(&g);
	gsl_matrix *ms[] = {X, Y, R, XR, P, dW1, dW2};
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		gsl_matrix_free(ms[i]);
	gsl_rng_free(rng);
}

/* X with orthonormal rows scaled by row_scale(i): the decomposition of X. */
static void check_orthogonal_rows(double (*row_scale)(size_t))
{
	const size_t n = 12, d = 30, m = 2;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_matrix *X = gsl_matrix_alloc(n, d), *Y = gsl_matrix_alloc(n, m);
	gsl_matrix *Theta = gsl_matrix_alloc(d, m), *T = gsl_matrix_alloc(d, m);
	gsl_matrix *I = gsl_matrix_alloc(n, n), *XP = gsl_matrix_alloc(n, d);
	assert_int_equal(twolayer_data(rng, DATA_ORTHONORMAL, 1.0, 1.0, 0.1, X, Theta, Y), 0);
	double norm2 = 0.0; /* sum of the squared row scales */
	for (size_t i = 0; i < n; i++) {
		gsl_vector_view row = gsl_matrix_row(X, i);
		gsl_vector_scale(&row.vector, row_scale(i));
		norm2 += row_scale(i) * row_scale(i);
	}
	gf_data g;
	assert_int_equal(gf_data_init(&g, X, Y), 0);
	assert_int_equal(g.r, n);
	/* The singular values are the row scales, in decreasing order. */
	double prev = HUGE_VAL, sum2 = 0.0;
	for (size_t i = 0; i < n; i++) {
		double s = gsl_vector_get(g.s, i);
		assert_true(s <= prev);
		prev = s;
		sum2 += s * s;
	}
	assert_true(fabs(sum2 - norm2) <= 1e-13 * norm2);
	/* Phi1 is orthonormal and spans the rows of X. */
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, g.Phi1, g.Phi1, 0.0, I);
	for (size_t i = 0; i < n; i++)
		gsl_matrix_set(I, i, i, gsl_matrix_get(I, i, i) - 1.0);
	assert_true(frob_diff(I, NULL) <= 1e-14);
	gsl_matrix *PP = gsl_matrix_alloc(n, n);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, X, g.Phi1, 0.0, PP);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, PP, g.Phi1, 0.0, XP);
	assert_true(frob_diff(XP, X) <= 1e-14 * sqrt(norm2));
	/* Theta_hat = X^T (X X^T)^-1 Y: row i of Y over row_scale(i)^2. */
	gsl_matrix_set_zero(T);
	for (size_t i = 0; i < n; i++) {
		gsl_vector_const_view xi = gsl_matrix_const_row(X, i);
		for (size_t j = 0; j < m; j++) {
			gsl_vector_view tj = gsl_matrix_column(T, j);
			double c = gsl_matrix_get(Y, i, j) / (row_scale(i) * row_scale(i));
			gsl_blas_daxpy(c, &xi.vector, &tj.vector);
		}
	}
	assert_true(frob_diff(T, g.theta_hat) <= 1e-13 * frob_diff(T, NULL));
	assert_true(g.loss_star <= 1e-28);
	gf_data_free(&g);
	gsl_matrix_free(X);
	gsl_matrix_free(Y);
	gsl_matrix_free(Theta);
	gsl_matrix_free(T);
	gsl_matrix_free(I);
	gsl_matrix_free(XP);
	gsl_matrix_free(PP);
	gsl_rng_free(rng);
}

static double same_scale(size_t i) { return 0.3 + 0.0 * (double)i; }
static double growing_scale(size_t i) { return 1.0 + 0.1 * (double)i; }

/* Rows orthonormal up to one scale (data=orthonormal with xavier) need no
 * SVD; rows orthogonal with different norms must not be mistaken for them. */
static void test_orthogonal_rows(void **unused)
{
	(void)unused;
	check_orthogonal_rows(same_scale);
	check_orthogonal_rows(growing_scale);
}

/* X (n x d) = A B with A n x k and B k x d: the decomposition of X against
 * its definition (rank k, ||X||_F^2 = sum s_i^2, orthonormal Phi1, the
 * normal equations, L* = 1/2 ||Y - X Theta_hat||^2). */
static void check_decomposition(size_t n, size_t d, size_t k)
{
	const size_t m = 2;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_matrix *A = gsl_matrix_alloc(n, k), *B = gsl_matrix_alloc(k, d);
	gsl_matrix *X = gsl_matrix_alloc(n, d), *Y = gsl_matrix_alloc(n, m);
	gsl_matrix *R = gsl_matrix_alloc(n, m), *G = gsl_matrix_alloc(d, m);
	fill(rng, A, 1.0);
	fill(rng, B, 1.0);
	fill(rng, Y, 1.0);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, A, B, 0.0, X);
	gf_data g;
	assert_int_equal(gf_data_init(&g, X, Y), 0);
	assert_int_equal(g.r, k);
	double x2 = frob_diff(X, NULL), s2 = 0.0;
	for (size_t i = 0; i < k; i++)
		s2 += gsl_vector_get(g.s, i) * gsl_vector_get(g.s, i);
	assert_true(fabs(s2 - x2 * x2) <= 1e-13 * x2 * x2);
	gsl_matrix *I = gsl_matrix_alloc(k, k);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, g.Phi1, g.Phi1, 0.0, I);
	for (size_t i = 0; i < k; i++)
		gsl_matrix_set(I, i, i, gsl_matrix_get(I, i, i) - 1.0);
	assert_true(frob_diff(I, NULL) <= 1e-14 * (double)k);
	gsl_matrix_memcpy(R, Y);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, X, g.theta_hat, 1.0, R);
	double rr = frob_diff(R, NULL);
	assert_true(g.loss_star > 0.1);
	assert_true(fabs(0.5 * rr * rr - g.loss_star) <= 1e-10 * g.loss_star);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, X, R, 0.0, G); /* X^T (Y - X Theta_hat) = 0 */
	assert_true(frob_diff(G, NULL) <= 1e-10);
	gf_data_free(&g);
	gsl_matrix *ms[] = {A, B, X, Y, R, G, I};
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		gsl_matrix_free(ms[i]);
	gsl_rng_free(rng);
}

/* More samples than inputs (X tall, decomposed directly rather than through
 * X^T), at full rank and rank deficient. */
static void test_tall_x(void **unused)
{
	(void)unused;
	check_decomposition(15, 6, 6);
	check_decomposition(15, 6, 4);
}

/* Fewer samples than inputs (X wide, the plugins' case), rank deficient. */
static void test_rank_deficient(void **unused)
{
	(void)unused;
	check_decomposition(6, 9, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar_flow_law),
		cmocka_unit_test(test_rk4_is_classical),
		cmocka_unit_test(test_rk4_failure_leaves_state),
		cmocka_unit_test(test_rk4_fourth_order),
		cmocka_unit_test(test_min_norm_identities),
		cmocka_unit_test(test_rhs_single_output),
		cmocka_unit_test(test_orthogonal_rows),
		cmocka_unit_test(test_tall_x),
		cmocka_unit_test(test_rank_deficient),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
