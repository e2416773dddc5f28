/* model_product.c -- the depth-d scalar product g(x) = x_1 ... x_d, f = 1/2 (g - y)^2.
 *
 * d = 2 is the scalar factorization u v (spec B1.3, example 1); d >= 3 the
 * depth-d scalar linear network (example 2).  On M = {g = y} the sharpness is
 * sum_i prod_{j != i} x_j^2 = y^2 sum_i 1/x_i^2, minimal at the balanced point
 * |x_i| = y^(1/d): lambda* = d y^(2(d-1)/d), eta_c = 2/lambda*. */
#include "model.h"

#include <math.h>
#include <stdlib.h>

/* others[i] = prod_{j != i} x_j, without divisions (x may hold zeros);
 * returns g = prod_j x_j.  `others` has depth entries. */
static double cofactors(size_t d, const double *x, double *others)
{
	double suffix = 1.0;
	others[0] = 1.0;
	for (size_t i = 1; i < d; i++)
		others[i] = others[i - 1] * x[i - 1];
	double g = others[d - 1] * x[d - 1];
	for (size_t i = d; i-- > 0;) {
		others[i] *= suffix;
		suffix *= x[i];
	}
	return g;
}

/* prod_{k != i, j} x_k for i != j. */
static double cofactor2(size_t d, const double *x, size_t i, size_t j)
{
	double p = 1.0;
	for (size_t k = 0; k < d; k++)
		if (k != i && k != j)
			p *= x[k];
	return p;
}

static double product_step(eos_model *m, double eta, double *x)
{
	double *others = m->work;
	double r = cofactors(m->depth, x, others) - m->y;
	for (size_t i = 0; i < m->depth; i++)
		x[i] -= eta * r * others[i];
	return 0.5 * r * r;
}

static double product_residual(eos_model *m, const double *x)
{
	double g = 1.0;
	for (size_t i = 0; i < m->depth; i++)
		g *= x[i];
	return g - m->y;
}

static double product_loss(eos_model *m, const double *x)
{
	double r = product_residual(m, x);
	return 0.5 * r * r;
}

static void product_grad(eos_model *m, const double *x, double *out)
{
	double r = cofactors(m->depth, x, out) - m->y;
	for (size_t i = 0; i < m->depth; i++)
		out[i] *= r;
}

static double product_gradg2(eos_model *m, const double *x)
{
	double *others = m->work, s = 0.0;
	cofactors(m->depth, x, others);
	for (size_t i = 0; i < m->depth; i++)
		s += others[i] * others[i];
	return s;
}

/* Hess f = grad g grad g^T + r Hess g, (Hess g)_ij = prod_{k != i,j} x_k. */
static void product_hessian(eos_model *m, const double *x, double *H)
{
	size_t d = m->depth;
	double *G = m->work;
	double r = cofactors(d, x, G) - m->y;
	for (size_t i = 0; i < d; i++)
		for (size_t j = 0; j < d; j++)
			H[i * d + j] = G[i] * G[j] + (i == j ? 0.0 : r * cofactor2(d, x, i, j));
}

static void product_hvp(eos_model *m, const double *x, const double *v, double *out)
{
	size_t d = m->depth;
	double *G = m->work;
	double r = cofactors(d, x, G) - m->y, gv = 0.0;
	for (size_t i = 0; i < d; i++)
		gv += G[i] * v[i];
	for (size_t i = 0; i < d; i++) {
		double s = 0.0;
		for (size_t j = 0; j < d; j++)
			if (j != i)
				s += cofactor2(d, x, i, j) * v[j];
		out[i] = G[i] * gv + r * s;
	}
}

/* The orthant of M nearest to x: the signs of x, with the sign of the
 * smallest factor flipped when the signs' product disagrees with y's. */
static void product_signs(const eos_model *m, const double *x, double *s)
{
	size_t d = m->depth, imin = 0;
	double prod = 1.0;
	for (size_t i = 0; i < d; i++) {
		s[i] = x[i] < 0.0 ? -1.0 : 1.0;
		prod *= s[i];
		if (fabs(x[i]) < fabs(x[imin]))
			imin = i;
	}
	if (prod * m->y < 0.0)
		s[imin] = -s[imin];
}

/* Foot point on the branch p_i = s_i (xt_i + sqrt(xt_i^2 + 4 mu y))/2 of the
 * Lagrange condition p - x = mu grad g(p), i.e. p_i^2 - x_i p_i = mu y;
 * h(mu) = sum log|p_i| - log y is increasing and its root is the foot point.
 * Factor `minus` (or none, when it is d) takes the other root of its
 * quadratic instead, (xt - sqrt(.))/2.  Writes |p_i| into pt and returns h
 * (-inf when a factor vanishes) and its derivative in dh. */
static double foot_branch(const eos_model *m, const double *xt, double mu, size_t minus,
                          double *pt, double *dh)
{
	double y = fabs(m->y), h = -log(y), dsum = 0.0;
	for (size_t i = 0; i < m->depth; i++) {
		double disc = xt[i] * xt[i] + 4.0 * mu * y;
		double root = sqrt(disc > 0.0 ? disc : 0.0), sign = i == minus ? -1.0 : 1.0;
		pt[i] = 0.5 * (xt[i] + sign * root);
		if (!(pt[i] > 0.0)) {
			*dh = INFINITY;
			return -INFINITY;
		}
		h += log(pt[i]);
		dsum += sign * y / (pt[i] * (root > 0.0 ? root : pt[i]));
	}
	*dh = dsum;
	return h;
}

/* Root of foot_branch in (lo, hi), where it changes sign: Newton safeguarded
 * by bisection.  `rising` says whether h increases with mu. */
static double foot_root(const eos_model *m, const double *xt, size_t minus, double lo,
                        double hi, double mu, int rising, double *pt)
{
	double dh;
	for (int it = 0; it < 200; it++) {
		double h = foot_branch(m, xt, mu, minus, pt, &dh);
		if ((h < 0.0) == rising)
			lo = mu;
		else
			hi = mu;
		if (h == 0.0 || hi - lo <= 1e-17 * fmax(fabs(lo), fabs(hi)))
			break;
		double next = mu - h / dh;
		if (!(next > lo && next < hi))
			next = 0.5 * (lo + hi);
		if (next == mu)
			break;
		mu = next;
	}
	return mu;
}

static void product_project(eos_model *m, const double *x, double *p)
{
	size_t d = m->depth, imin = 0;
	double *s = m->work, *xt = m->work + d, dh;
	product_signs(m, x, s);
	int positive = 1;
	for (size_t i = 0; i < d; i++) {
		xt[i] = s[i] * x[i];
		if (xt[i] <= 0.0)
			positive = 0;
		if (xt[i] < xt[imin])
			imin = i;
	}
	double lo = positive ? -xt[imin] * xt[imin] / (4.0 * fabs(m->y)) : 0.0, mu;
	size_t minus = d;
	if (positive && foot_branch(m, xt, lo, d, p, &dh) >= 0.0) {
		/* g(x) far above y: the product at the branch point lo is still too
		 * large, and the foot point has the smallest factor on the other
		 * root, where h decreases from h(lo) >= 0 to -inf as mu -> 0. */
		minus = imin;
		mu = foot_root(m, xt, minus, lo, 0.0, 0.5 * lo, 0, p);
	} else {
		double hi = 1.0;
		while (foot_branch(m, xt, hi, d, p, &dh) < 0.0 && hi < 1e300)
			hi *= 2.0;
		mu = foot_root(m, xt, d, lo, hi, positive ? 0.0 : 0.5 * (lo + hi), 1, p);
	}
	foot_branch(m, xt, mu, minus, p, &dh);
	for (size_t i = 0; i < d; i++)
		p[i] *= s[i];
}

static void product_flattest(eos_model *m, const double *x, double *xs)
{
	double root = pow(fabs(m->y), 1.0 / (double)m->depth);
	product_signs(m, x, xs);
	for (size_t i = 0; i < m->depth; i++)
		xs[i] *= root;
}

/* max_i x_i^2 - min_i x_i^2; for d = 2 this is |u^2 - v^2|, which one GD
 * step multiplies by exactly |1 - eta^2 r^2| (spec B1.3). */
static double product_balance(eos_model *m, const double *x)
{
	double lo = x[0] * x[0], hi = lo;
	for (size_t i = 1; i < m->depth; i++) {
		lo = fmin(lo, x[i] * x[i]);
		hi = fmax(hi, x[i] * x[i]);
	}
	return hi - lo;
}

/* u^2 - v^2 -> (u - eta r v)^2 - (v - eta r u)^2 = (1 - eta^2 r^2)(u^2 - v^2). */
static double product_balance_factor(eos_model *m, double eta, const double *x)
{
	double r = product_residual(m, x);
	return fabs(1.0 - eta * eta * r * r);
}

static double product_spread(eos_model *m, const double *x)
{
	double lo = x[0], hi = x[0];
	for (size_t i = 1; i < m->depth; i++) {
		lo = fmin(lo, x[i]);
		hi = fmax(hi, x[i]);
	}
	return hi - lo;
}

static const eos_model_ops product_ops = {
	.name = "product",
	.flags = EOS_LSQ | EOS_FLAT,
	.step = product_step,
	.loss = product_loss,
	.grad = product_grad,
	.hvp = product_hvp,
	.hessian = product_hessian,
	.project = product_project,
	.residual = product_residual,
	.gradg2 = product_gradg2,
	.flattest = product_flattest,
	.balance = product_balance,
	.spread = product_spread,
	.balance_factor = product_balance_factor,
	.sharpness_on_m = product_gradg2,
};

eos_model *eos_product_new(size_t depth, double y)
{
	eos_model *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->ops = &product_ops;
	m->dim = m->depth = depth;
	m->y = y;
	m->exact_balance = depth == 2;
	m->lambda_star = (double)depth * pow(fabs(y), 2.0 * (double)(depth - 1) / (double)depth);
	m->work = malloc(2 * depth * sizeof *m->work);
	if (!m->work) {
		free(m);
		return NULL;
	}
	return m;
}

void eos_product_init(const eos_model *m, int balanced, double a, double eps, double *x)
{
	size_t d = m->depth;
	double s = pow(fabs(m->y), 1.0 / (double)d);
	for (size_t i = 0; i < d; i++)
		x[i] = balanced ? s + eps : s;
	if (!balanced) {
		x[0] = a * s;
		x[d - 1] = s / a + eps;
	}
}
