/* test_eos.c -- the eos plugin against independent computations: the exact
 * one-step identities of the scalar factorization, the net's pair and the
 * valley (Theorem 6), gradients and Hessian-vector products against finite
 * differences, both sharpness routines against analytic Hessians, the foot
 * point against the Lagrange condition and a brute-force search, the time
 * grid, and divergence and bad input through the in-process run API. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lindyn/run.h"
#include "../plugins/eos/model.h"
#include "../plugins/eos/sharpness.h"
#include "../plugins/eos/timegrid.h"

#define assert_close(a, b, tol) \
	assert_true(fabs((a) - (b)) <= (tol) * (1.0 + fabs(b)))

/* ---- exact identities ------------------------------------------------- */

/* One GD step on 1/2 (uv - y)^2 multiplies u - v by (1 + eta r), u + v by
 * (1 - eta r) and u^2 - v^2 by (1 - eta^2 r^2), exactly (spec B1.3). */
static void test_scalar_identities(void **state)
{
	(void)state;
	const double etas[] = {0.95, 1.0, 1.05, 1.2};
	for (size_t e = 0; e < 4; e++) {
		eos_model *m = eos_product_new(2, 1.3);
		double x[2];
		eos_product_init(m, 0, 1.2, 1e-2, x);
		for (int t = 0; t < 60; t++) {
			double u = x[0], v = x[1], r = u * v - 1.3, eta = etas[e];
			assert_close(m->ops->residual(m, x), r, 1e-15);
			m->ops->step(m, eta, x);
			assert_close(x[0] - x[1], (1.0 + eta * r) * (u - v), 1e-13);
			assert_close(x[0] + x[1], (1.0 - eta * r) * (u + v), 1e-13);
			assert_close(x[0] * x[0] - x[1] * x[1], (1.0 - eta * eta * r * r) * (u * u - v * v),
			             1e-13);
			assert_close(m->ops->balance(m, x),
			             m->ops->balance_factor(m, eta, (double[]){u, v}) * fabs(u * u - v * v),
			             1e-12);
		}
		eos_model_free(m);
	}
}

/* The balanced 2-cycle a, b = (sqrt(y + 3/eta) +- sqrt(y - 1/eta))/2 is
 * mapped a -> b -> a by one step each (spec B2.2). */
static void test_scalar_two_cycle(void **state)
{
	(void)state;
	const double y = 1.0, etas[] = {1.02, 1.05, 1.1, 1.2};
	eos_model *m = eos_product_new(2, y);
	for (size_t e = 0; e < 4; e++) {
		double eta = etas[e];
		double a = 0.5 * (sqrt(y + 3.0 / eta) + sqrt(y - 1.0 / eta));
		double b = 0.5 * (sqrt(y + 3.0 / eta) - sqrt(y - 1.0 / eta));
		double x[2] = {a, a};
		m->ops->step(m, eta, x);
		assert_close(x[0], b, 1e-14);
		assert_close(x[1], b, 1e-14);
		m->ops->step(m, eta, x);
		assert_close(x[0], a, 1e-14);
	}
	eos_model_free(m);
}

/* Theorem 6 is exact on exp(-t1) t2^2: t2 <- (1 - eta lambda) t2,
 * t1 <- t1 + (eta/2) t2^2 lambda with lambda = 2 exp(-t1); and the step
 * equals x - eta grad f from the model's own gradient. */
static void test_valley_theorem6(void **state)
{
	(void)state;
	eos_model *m = eos_valley_new();
	double x[2] = {0.0, 0.1}, g[2], eta = 1.2;
	for (int t = 0; t < 30; t++) {
		double lam = 2.0 * exp(-x[0]);
		double t1 = x[0] + 0.5 * eta * x[1] * x[1] * lam, t2 = (1.0 - eta * lam) * x[1];
		m->ops->grad(m, x, g);
		double gd0 = x[0] - eta * g[0], gd1 = x[1] - eta * g[1];
		m->ops->step(m, eta, x);
		assert_close(x[0], t1, 1e-15);
		assert_close(x[1], t2, 1e-15);
		assert_close(x[0], gd0, 1e-15);
		assert_close(x[1], gd1, 1e-15);
	}
	eos_model_free(m);
}

static eos_model *random_net(size_t h, size_t n, unsigned long seed, double *x)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	double *a = malloc(n * sizeof *a), *gauss = malloc((2 * h + h * n) * sizeof *gauss);
	for (size_t j = 0; j < n; j++)
		a[j] = 0.8 * gsl_ran_gaussian(rng, 1.0);
	for (size_t k = 0; k < 2 * h + h * n; k++)
		gauss[k] = gsl_ran_gaussian(rng, 1.0);
	eos_model *m = eos_net_new(h, n, a, 1.7);
	eos_net_init(m, 0, 1.3, 0.05, 0.3, gauss, x);
	free(a);
	free(gauss);
	gsl_rng_free(rng);
	return m;
}

/* The net moves only the pair (v, w = W a/|a|): v + w is multiplied by
 * (1 - eta r c), v - w by (1 + eta r c), and W (I - a a^T/|a|^2) is fixed. */
static void test_net_pair_identities(void **state)
{
	(void)state;
	size_t h = 4, n = 3, D = h * n + h;
	double x[16], w0[4], w1[4], x0[16];
	eos_model *m = random_net(h, n, 11, x);
	assert_int_equal(m->dim, D);
	double c = m->anorm, eta = 0.9 / (c * m->y);
	for (int t = 0; t < 40; t++) {
		memcpy(x0, x, sizeof x);
		eos_net_pair(m, x, w0);
		double r = m->ops->residual(m, x), bal = m->ops->balance(m, x);
		double factor = m->ops->balance_factor(m, eta, x);
		m->ops->step(m, eta, x);
		eos_net_pair(m, x, w1);
		for (size_t i = 0; i < h; i++) {
			double v0 = x0[h * n + i], v1 = x[h * n + i];
			assert_close(v1 + w1[i], (1.0 - eta * r * c) * (v0 + w0[i]), 1e-12);
			assert_close(v1 - w1[i], (1.0 + eta * r * c) * (v0 - w0[i]), 1e-12);
			for (size_t j = 0; j < n; j++) {
				/* the part of row i orthogonal to a */
				double perp0 = x0[i * n + j] - w0[i] * m->a[j] / c;
				double perp1 = x[i * n + j] - w1[i] * m->a[j] / c;
				assert_close(perp1, perp0, 1e-12);
			}
		}
		assert_close(m->ops->balance(m, x), factor * bal, 1e-11);
	}
	eos_model_free(m);
}

/* Eq. (42) on the valley reproduces the survey's orange curve as recovered
 * in spec A4: lambda = 1.9760, 1.9301, 1.8477, 1.7170, 1.5497 at t = 1..5. */
static void test_reduced_valley(void **state)
{
	(void)state;
	const double expect[] = {1.9760, 1.9301, 1.8477, 1.7170, 1.5497};
	eos_model *m = eos_valley_new();
	eos_reduced r = {0.1, 2.0, 0.0};
	for (int t = 0; t < 5; t++) {
		m->ops->reduced_step(m, 1.2, &r);
		assert_true(fabs(r.lambda - expect[t]) < 6e-5);
	}
	eos_model_free(m);
}

/* The logistic predictor's lambda update is the first-order change of the
 * sharpness on M along its own step of p (eq. 37): checks dlambda and dL. */
static void test_reduced_logistic_derivatives(void **state)
{
	(void)state;
	eos_model *m = eos_logistic_new(1.35, 18.0 * M_PI / 180.0);
	const double eta = 1e-6, starts[][2] = {{0.3, 0.3}, {0.8, 1.5}, {2.0, 0.0}};
	for (size_t k = 0; k < 3; k++) {
		double p0[2] = {starts[k][0], 0.0};
		eos_reduced r = {starts[k][1], m->ops->sharpness_on_m(m, p0), p0[0]};
		m->ops->reduced_step(m, eta, &r);
		double p1[2] = {r.p, 0.0};
		double exact = m->ops->sharpness_on_m(m, p1) - m->ops->sharpness_on_m(m, p0);
		double predicted = r.lambda - m->ops->sharpness_on_m(m, p0);
		assert_true(fabs(exact - predicted) <= 1e-5 * fabs(predicted));
	}
	eos_model_free(m);
}

/* ---- derivatives ------------------------------------------------------- */

/* grad against central differences of the loss, hvp against central
 * differences of grad, hessian * v against hvp. */
static void check_derivatives(eos_model *m, const double *x)
{
	size_t D = m->dim;
	double *g = calloc(D, sizeof *g), *xp = malloc(D * sizeof *xp), *gp = malloc(D * sizeof *gp),
	       *gm = malloc(D * sizeof *gm), *v = malloc(D * sizeof *v), *hv = malloc(D * sizeof *hv),
	       *H = malloc(D * D * sizeof *H);
	const double h = 1e-6;
	m->ops->grad(m, x, g);
	for (size_t i = 0; i < D; i++) {
		memcpy(xp, x, D * sizeof *x);
		xp[i] += h;
		double fp = m->ops->loss(m, xp);
		xp[i] -= 2 * h;
		double fm = m->ops->loss(m, xp);
		assert_true(fabs((fp - fm) / (2 * h) - g[i]) <= 1e-7 * (1.0 + fabs(g[i])));
	}
	for (size_t i = 0; i < D; i++)
		v[i] = sin(1.0 + 3.0 * (double)i);
	m->ops->hvp(m, x, v, hv);
	for (size_t i = 0; i < D; i++)
		xp[i] = x[i] + h * v[i];
	m->ops->grad(m, xp, gp);
	for (size_t i = 0; i < D; i++)
		xp[i] = x[i] - h * v[i];
	m->ops->grad(m, xp, gm);
	m->ops->hessian(m, x, H);
	for (size_t i = 0; i < D; i++) {
		double fd = (gp[i] - gm[i]) / (2 * h), hvd = 0.0;
		for (size_t j = 0; j < D; j++)
			hvd += H[i * D + j] * v[j];
		assert_true(fabs(fd - hv[i]) <= 1e-6 * (1.0 + fabs(hv[i])));
		assert_true(fabs(hvd - hv[i]) <= 1e-12 * (1.0 + fabs(hv[i])));
	}
	free(g), free(xp), free(gp), free(gm), free(v), free(hv), free(H);
}

static void test_derivatives(void **state)
{
	(void)state;
	double x[16];
	eos_model *m = eos_product_new(2, 1.0);
	check_derivatives(m, (double[]){1.3, 0.6});
	eos_model_free(m);
	m = eos_product_new(4, 2.0);
	check_derivatives(m, (double[]){1.1, 0.9, 1.3, 1.4});
	eos_model_free(m);
	m = random_net(4, 3, 5, x);
	check_derivatives(m, x);
	eos_model_free(m);
	m = eos_valley_new();
	check_derivatives(m, (double[]){0.3, 0.2});
	eos_model_free(m);
	m = eos_logistic_new(1.35, 18.0 * M_PI / 180.0);
	check_derivatives(m, (double[]){0.4, -0.3});
	eos_model_free(m);
}

/* ---- sharpness ---------------------------------------------------------- */

static double top_sym2(double a, double b, double d)
{
	return 0.5 * (a + d) + sqrt(0.25 * (a - d) * (a - d) + b * b);
}

static double both_routines(eos_model *m, const double *x, double expect)
{
	double *start = malloc(m->dim * sizeof *start);
	for (size_t i = 0; i < m->dim; i++)
		start[i] = cos(0.7 * (double)i + 0.2);
	eos_sharpness *dense = eos_sharpness_new(m->dim, 0, 0, start);
	eos_sharpness *lanczos = eos_sharpness_new(m->dim, 1, 40, start);
	double a = eos_sharpness_eval(dense, m, x), b = eos_sharpness_eval(lanczos, m, x);
	assert_close(a, expect, 1e-12);
	assert_close(b, expect, 1e-12);
	eos_sharpness_free(dense);
	eos_sharpness_free(lanczos);
	free(start);
	return a;
}

static void test_sharpness_analytic(void **state)
{
	(void)state;
	/* scalar: Hess f = [[v^2, 2uv - y], [2uv - y, u^2]] (spec B3.3) */
	eos_model *m = eos_product_new(2, 1.0);
	const double pts[][2] = {{1.2, 1 / 1.2 + 1e-3}, {1.5, 0.2}, {0.3, 2.5}, {1.0, 1.0}};
	for (size_t k = 0; k < 4; k++) {
		double u = pts[k][0], v = pts[k][1];
		both_routines(m, pts[k], top_sym2(v * v, 2 * u * v - 1.0, u * u));
	}
	eos_model_free(m);

	/* depth 3: H_ij = G_i G_j + r x_k (i != j, k the third index) */
	m = eos_product_new(3, 1.0);
	double x3[3] = {1.15, 0.9, 1.2}, H[9], G[3];
	double r = x3[0] * x3[1] * x3[2] - 1.0;
	G[0] = x3[1] * x3[2], G[1] = x3[0] * x3[2], G[2] = x3[0] * x3[1];
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			H[3 * i + j] = G[i] * G[j] + (i == j ? 0.0 : r * x3[3 - i - j]);
	gsl_matrix_view Hv = gsl_matrix_view_array(H, 3, 3);
	gsl_vector *ev = gsl_vector_alloc(3);
	gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(3);
	gsl_eigen_symm(&Hv.matrix, ev, ws);
	both_routines(m, x3, gsl_vector_max(ev));
	gsl_vector_free(ev);
	gsl_eigen_symm_free(ws);
	eos_model_free(m);

	/* valley: [[e t2^2, -2 e t2], [-2 e t2, 2 e]] */
	m = eos_valley_new();
	double xv[2] = {0.3, 0.25}, e = exp(-0.3);
	both_routines(m, xv, top_sym2(e * 0.0625, -2 * e * 0.25, 2 * e));
	eos_model_free(m);

	/* net: on the pair, Hess f = grad g grad g^T + r K with K^2 = c^2 on
	 * the 2h-dimensional pair space, so the top eigenvalue is the larger of
	 * the 2 x 2 block on span{grad g, K grad g} and |r| c. */
	double x[16];
	m = random_net(4, 3, 7, x);
	for (int k = 0; k < 2; k++) {
		if (k == 1)
			for (size_t i = 0; i < m->dim; i++)
				x[i] *= 1.8; /* far from M: r c may dominate */
		size_t h = 4, n = 3;
		double w[4], c = m->anorm, rr = m->ops->residual(m, x);
		eos_net_pair(m, x, w);
		double vv = 0, ww = 0, vw = 0;
		for (size_t i = 0; i < h; i++) {
			vv += x[h * n + i] * x[h * n + i];
			ww += w[i] * w[i];
			vw += x[h * n + i] * w[i];
		}
		/* grad g = c (v, w) in pair coordinates; K grad g = c^2 (w, v).  In the
		 * orthonormal basis e1 = grad g/|grad g|, e2 (the rest of K e1), the
		 * block is [[|grad g|^2 + r <e1, K e1>, r b], [r b, -r <e1, K e1>]]
		 * with <e1, K e1> = 2 c vw/(vv + ww), b^2 = c^2 - <e1, K e1>^2. */
		double g2 = c * c * (vv + ww), k11 = 2.0 * c * vw / (vv + ww);
		double b2 = c * c - k11 * k11;
		double top = top_sym2(g2 + rr * k11, rr * sqrt(b2 > 0 ? b2 : 0), -rr * k11);
		both_routines(m, x, fmax(top, fabs(rr) * c));
	}
	eos_model_free(m);
}

/* ---- foot point ------------------------------------------------------- */

/* The foot point p of x lies on M and x - p = mu grad g(p) for some mu,
 * with grad g from central differences of the residual. */
static void check_lagrange(eos_model *m, const double *x)
{
	size_t D = m->dim;
	double *p = malloc(D * sizeof *p), *gr = malloc(D * sizeof *gr);
	m->ops->project(m, x, p);
	assert_close(m->ops->residual(m, p), 0.0, 1e-13);
	for (size_t i = 0; i < D; i++) {
		double h = 1e-6, save = p[i];
		p[i] = save + h;
		double rp = m->ops->residual(m, p);
		p[i] = save - h;
		double rm = m->ops->residual(m, p);
		p[i] = save;
		gr[i] = (rp - rm) / (2 * h);
	}
	double num = 0, den = 0;
	for (size_t i = 0; i < D; i++) {
		num += (x[i] - p[i]) * gr[i];
		den += gr[i] * gr[i];
	}
	for (size_t i = 0; i < D; i++)
		assert_true(fabs(x[i] - p[i] - num / den * gr[i]) < 1e-8);
	free(p);
	free(gr);
}

static void test_projection(void **state)
{
	(void)state;
	/* scalar: p on M, x - p parallel to grad g(p), and no point of the
	 * hyperbola is nearer (brute force over s in [0.3, 3]). */
	eos_model *m = eos_product_new(2, 1.0);
	const double pts[][2] = {{1.2, 0.9}, {1.05, 1.05}, {0.7, 0.9}, {2.0, 1.2}};
	for (size_t k = 0; k < 4; k++) {
		double p[2], g[2];
		m->ops->project(m, pts[k], p);
		assert_close(p[0] * p[1], 1.0, 1e-14);
		g[0] = p[1], g[1] = p[0];
		double cross = (pts[k][0] - p[0]) * g[1] - (pts[k][1] - p[1]) * g[0];
		assert_true(fabs(cross) < 1e-13);
		double best = INFINITY, d = hypot(pts[k][0] - p[0], pts[k][1] - p[1]);
		for (double s = 0.3; s < 3.0; s += 1e-5)
			best = fmin(best, hypot(pts[k][0] - s, pts[k][1] - 1.0 / s));
		assert_true(d <= best + 1e-12);
		assert_true(d >= best - 1e-8);
	}
	eos_model_free(m);

	/* depth 4 and the net: g(p) = y and x - p = mu grad g(p) */
	double x[16];
	m = eos_product_new(4, 2.0);
	check_lagrange(m, (double[]){1.1, 1.3, 0.95, 1.4});
	eos_model_free(m);
	m = random_net(4, 3, 3, x);
	check_lagrange(m, x);
	eos_model_free(m);
}

/* ---- time grid ---------------------------------------------------------- */

static void test_timegrid(void **state)
{
	(void)state;
	eos_timegrid g;
	eos_timegrid_init(&g, 10, 10.0, 1000000);
	long t = 0, n = 1, prev = 0;
	int seen_100 = 0, seen_1e4 = 0;
	while (t < 1000000) {
		t = eos_timegrid_next(&g, t);
		assert_true(t > prev);
		if (prev < 10)
			assert_int_equal(t, prev + 1);
		seen_100 |= t == 100;
		seen_1e4 |= t == 10000;
		prev = t;
		n++;
	}
	assert_int_equal(t, 1000000);
	assert_true(seen_100 && seen_1e4);
	assert_true(n < 11 + 6 * 10 + 2);
}

/* ---- runs through the host ----------------------------------------------- */

const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index);

static lindyn_run *run_with(const char *const *args, int *status)
{
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_non_null(r);
	for (size_t i = 0; args[i]; i++)
		assert_int_equal(lindyn_run_set(r, args[i]), LINDYN_OK);
	lindyn_run_seed(r, 3);
	*status = lindyn_run_exec(r);
	return r;
}

static void test_run_subcritical(void **state)
{
	(void)state;
	int st;
	const char *args[] = {"eta=0.95", "steps=4000", NULL};
	lindyn_run *r = run_with(args, &st);
	assert_int_equal(st, LINDYN_OK);
	/* spec B2.4: lambda_inf = 2.08599, limit (1.1573120, 0.8640712) */
	assert_close(lindyn_run_value(r, "summary", 0, "sharp_m"), 2.08599, 5e-6);
	assert_close(lindyn_run_value(r, "summary", 0, "o1"), 1.1573120, 1e-7);
	assert_close(lindyn_run_value(r, "summary", 0, "period"), 1.0, 0.0);
	assert_close(lindyn_run_value(r, "model", 0, "sharp_star"), 2.0, 1e-14);
	lindyn_run_free(r);
}

static void test_divergence(void **state)
{
	(void)state;
	int st;
	const char *far[] = {"init_a=2", "init_eps=5e-4", "eta=0.95", NULL};
	lindyn_run *r = run_with(far, &st);
	assert_int_equal(st, LINDYN_EDIVERGE);
	assert_non_null(strstr(lindyn_run_message(r), "at step"));
	assert_non_null(strstr(lindyn_run_message(r), "blowup"));
	lindyn_run_free(r);
	const char *big[] = {"model=valley", "eta=50", "theta2=1", NULL};
	r = run_with(big, &st);
	assert_int_equal(st, LINDYN_EDIVERGE);
	lindyn_run_free(r);
	/* the same start with a small step is fine */
	const char *small[] = {"init_a=2", "init_eps=5e-4", "eta=0.5", "steps=3000", NULL};
	r = run_with(small, &st);
	assert_int_equal(st, LINDYN_OK);
	lindyn_run_free(r);
}

static void test_bad_input(void **state)
{
	(void)state;
	int st;
	const char *crit[] = {"model=valley", "eta_unit=crit", NULL};
	lindyn_run *r = run_with(crit, &st);
	assert_int_equal(st, LINDYN_EINVAL);
	assert_non_null(strstr(lindyn_run_message(r), "eta_unit"));
	lindyn_run_free(r);
	const char *dense[] = {"model=net", "width=100", "inputs=50", "hessian=dense", "steps=1", NULL};
	r = run_with(dense, &st);
	assert_int_equal(st, LINDYN_EINVAL);
	assert_non_null(strstr(lindyn_run_message(r), "hessian"));
	lindyn_run_free(r);
	r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_int_equal(lindyn_run_set(r, "depth=1"), LINDYN_EINVAL);
	assert_int_equal(lindyn_run_set(r, "model=cubic"), LINDYN_EINVAL);
	lindyn_run_free(r);
}

static void test_net_lanczos_run(void **state)
{
	(void)state;
	int st;
	const char *args[] = {"model=net", "eta=1", "eta_unit=crit", "steps=300", NULL};
	lindyn_run *a = run_with(args, &st);
	assert_int_equal(st, LINDYN_OK);
	lindyn_run *b = run_with(args, &st);
	size_t rows = lindyn_run_rows(a, "traj");
	assert_true(rows > 100);
	for (size_t i = 0; i < rows; i++) {
		/* sharpness on M is |grad g|^2, computed by Lanczos (D = 220) */
		assert_close(lindyn_run_value(a, "traj", i, "sharp_m"),
		             lindyn_run_value(a, "traj", i, "gradg2_m"), 1e-11);
		assert_true(lindyn_run_value(a, "traj", i, "sharp") ==
		            lindyn_run_value(b, "traj", i, "sharp"));
	}
	assert_close(lindyn_run_value(a, "model", 0, "sharp_star"), 2.0, 1e-11);
	lindyn_run_free(a);
	lindyn_run_free(b);
}

/* The position of `name` among a declared table's columns, -1 if absent. */
static int declared_at(const lindyn_table_def *t, const char *name)
{
	for (int i = 0; t->columns[i].name; i++)
		if (!strcmp(t->columns[i].name, name))
			return i;
	return -1;
}

/* Every table a model writes is declared and holds a selection of its
 * declared columns in declared order; over the four models, every declared
 * table and column is written (the declaration is the union, nothing more). */
static void test_tables_are_declared(void **state)
{
	(void)state;
	const lindyn_table_def *tables = lindyn_plugin_descriptor(0)->tables;
	assert_non_null(tables);
	int written[8][40] = {{0}};
	const char *models[] = {"model=product", "model=net", "model=valley", "model=logistic"};
	for (size_t m = 0; m < sizeof models / sizeof *models; m++) {
		int st;
		/* valley, logistic: a start beyond the stable range, so t* > 0 */
		const char *args[] = {models[m], "steps=50", "theta2=0.5", "eta=1.5", NULL};
		lindyn_run *r = run_with(args, &st);
		assert_int_equal(st, LINDYN_OK);
		const char *name;
		for (size_t i = 0; (name = lindyn_run_table_name(r, i)); i++) {
			size_t t = 0;
			while (tables[t].name && strcmp(tables[t].name, name))
				t++;
			assert_non_null(tables[t].name);
			int last = -1;
			for (size_t c = 0; c < lindyn_run_columns(r, name); c++) {
				int at = declared_at(&tables[t], lindyn_run_column_name(r, name, c));
				assert_true(at > last);
				written[t][at] = 1;
				last = at;
			}
		}
		lindyn_run_free(r);
	}
	for (size_t t = 0; tables[t].name; t++)
		for (size_t c = 0; tables[t].columns[c].name; c++) {
			if (!written[t][c])
				fail_msg("%s.%s is declared but no model writes it", tables[t].name,
				         tables[t].columns[c].name);
		}
}

/* The ENUM choices come from the X-macro lists: same words, same order as
 * before (documents name them). */
static void test_enum_choices(void **state)
{
	(void)state;
	const char *expect[][2] = {{"model", "product|net|valley|logistic"},
	                           {"eta_unit", "abs|crit"},
	                           {"init", "offset|balanced"},
	                           {"hessian", "auto|dense|lanczos"}};
	const lindyn_param *p = lindyn_plugin_descriptor(0)->params;
	for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
		size_t k = 0;
		while (p[k].key && strcmp(p[k].key, expect[i][0]))
			k++;
		assert_non_null(p[k].key);
		assert_string_equal(p[k].choices, expect[i][1]);
	}
}

/* Bounds that only meant "no limit" are unbounded. */
static void test_unbounded(void **state)
{
	(void)state;
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_int_equal(lindyn_run_set(r, "steps=2000000000"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "log_linear=2000000000"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "blowup=1e305"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "y=2e6"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "anorm=2e6"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "blowup=0"), LINDYN_EINVAL);
	lindyn_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar_identities),
		cmocka_unit_test(test_scalar_two_cycle),
		cmocka_unit_test(test_valley_theorem6),
		cmocka_unit_test(test_net_pair_identities),
		cmocka_unit_test(test_reduced_valley),
		cmocka_unit_test(test_reduced_logistic_derivatives),
		cmocka_unit_test(test_derivatives),
		cmocka_unit_test(test_sharpness_analytic),
		cmocka_unit_test(test_projection),
		cmocka_unit_test(test_timegrid),
		cmocka_unit_test(test_run_subcritical),
		cmocka_unit_test(test_divergence),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_net_lanczos_run),
		cmocka_unit_test(test_tables_are_declared),
		cmocka_unit_test(test_enum_choices),
		cmocka_unit_test(test_unbounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
