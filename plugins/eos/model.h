/* model.h -- the objectives the eos plugin runs gradient descent on.
 *
 * Every model is an objective f on R^D with a 1-codimensional manifold M of
 * global minimisers (the setting of MacDonald et al. 2025 and of the survey's
 * Definition 5).  The least-squares models are f = 1/2 (g(x) - y)^2 with a
 * scalar output g, so M = g^{-1}(y), the Hessian on M is grad g grad g^T and
 * the sharpness on M is ||grad g||^2 (spec B1.2):
 *
 *   product   g = x_1 x_2 ... x_d       (d = 2: the scalar factorization u v)
 *   net       g = v^T W a               (two-layer linear net, one data point)
 *   valley    f = exp(-t1) t2^2 = 1/2 g^2 with g = sqrt2 exp(-t1/2) t2, y = 0
 *
 * and the survey's logistic example (eq. 36), which is not least squares:
 *
 *   logistic  f = l(z1.t) + l(z2.t),  l(s) = log(1 + exp(-s)).
 *
 * A model is a const table of functions (GSL style) plus its data; every
 * workspace a function needs is allocated by the constructor, so none of
 * them allocates. */
#ifndef EOS_MODEL_H
#define EOS_MODEL_H

#include <stddef.h>

enum {
	EOS_LSQ = 1u,     /* f = 1/2 (g - y)^2: residual() and gradg2() exist */
	EOS_FLAT = 2u,    /* a flattest minimiser x* exists: lambda_star, flattest() */
	EOS_REDUCED = 4u  /* reduced_step() implements the survey's eq. (42) */
};

typedef struct eos_model eos_model;

/* State of the survey's reduced predictor, eq. (42): the oscillation alpha,
 * the predicted sharpness lambda, and a point p of M (the first parameter;
 * the second is 0 for the two-parameter models that use it). */
typedef struct eos_reduced {
	double alpha, lambda, p;
} eos_reduced;

typedef struct eos_model_ops {
	const char *name;
	unsigned flags;
	/* One GD step x <- x - eta grad f(x); returns f at the old x. */
	double (*step)(eos_model *m, double eta, double *x);
	double (*loss)(eos_model *m, const double *x);
	void (*grad)(eos_model *m, const double *x, double *out);
	/* out = Hess f(x) v */
	void (*hvp)(eos_model *m, const double *x, const double *v, double *out);
	/* H = Hess f(x), dim x dim, row-major */
	void (*hessian)(eos_model *m, const double *x, double *H);
	/* The nearest point of M, p = argmin_{q in M} |q - x| (a foot point,
	 * the survey's theta^par). */
	void (*project)(eos_model *m, const double *x, double *p);
	/* EOS_LSQ: g(x) - y and ||grad g(x)||^2. */
	double (*residual)(eos_model *m, const double *x);
	double (*gradg2)(eos_model *m, const double *x);
	/* EOS_FLAT: the flattest minimiser nearest to x, a balancing quantity
	 * that GD contracts, and the spread of the factors. */
	void (*flattest)(eos_model *m, const double *x, double *xs);
	double (*balance)(eos_model *m, const double *x);
	double (*spread)(eos_model *m, const double *x);
	/* When exact_balance is set: the factor |1 - eta^2 r^2 c^2| by which the
	 * step from x multiplies balance() exactly (spec B1.3). */
	double (*balance_factor)(eos_model *m, double eta, const double *x);
	/* EOS_REDUCED: one step of eq. (42); loss of the predictor. */
	void (*reduced_step)(eos_model *m, double eta, eos_reduced *s);
	double (*reduced_loss)(eos_model *m, const eos_reduced *s);
	/* The sharpness lambda(p) on M at the foot point p (closed form). */
	double (*sharpness_on_m)(eos_model *m, const double *p);
} eos_model_ops;

struct eos_model {
	const eos_model_ops *ops;
	size_t dim;
	double y;            /* target (least-squares models) */
	double lambda_star;  /* min over M of the sharpness (EOS_FLAT) */
	int exact_balance;   /* balance_factor() is exact for this model */
	/* product */
	size_t depth;
	double *work;        /* scratch, 2 * dim doubles */
	/* net: W is width x inputs (row-major, first in x), then v */
	size_t width, inputs;
	double *a;           /* the data point, length inputs */
	double anorm;        /* |a| */
	double *z;           /* scratch: W a, length width */
	/* logistic: z_i = (label_i) x_i, the two data points */
	double z1[2], z2[2];
};

eos_model *eos_product_new(size_t depth, double y);
/* `a` (length inputs) is copied. */
eos_model *eos_net_new(size_t width, size_t inputs, const double *a, double y);
eos_model *eos_valley_new(void);
/* Two points of norm `norm` whose angular separation is `angle` radians,
 * placed symmetrically so that M is the horizontal axis. */
eos_model *eos_logistic_new(double norm, double angle);
/* Two-parameter models with M = {theta2 = 0}: the Hessian-vector product
 * from ops->hessian, and the foot point (theta1, 0). */
void eos_plane_hvp(eos_model *m, const double *x, const double *v, double *out);
void eos_plane_project(eos_model *m, const double *x, double *p);
void eos_model_free(eos_model *m);

/* Initial points.  product: "offset" is (a s, s, ..., s, s/a + eps) with
 * s = y^(1/d) (spec B2.4), "balanced" is s + eps in every factor. */
void eos_product_init(const eos_model *m, int balanced, double a, double eps,
                      double *x);
/* net: the same two starts on the reduced pair (v, W a/|a|) along a unit
 * direction e, plus `perp` times random directions that GD cannot see or
 * that it has to remove (`gauss` holds width*inputs + width N(0,1) draws). */
void eos_net_init(const eos_model *m, int balanced, double a, double eps, double perp,
                  const double *gauss, double *x);

/* The net model reduced to the pair (v, w = W a/|a|):  g = |a| v^T w. */
void eos_net_pair(const eos_model *m, const double *x, double *w);

#endif
