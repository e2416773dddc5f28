/* model_valley.c -- the survey's non-convex valley L(t1, t2) = exp(-t1) t2^2.
 *
 * M is the t1-axis, the foot point of (t1, t2) is (t1, 0), and the sharpness
 * on M is lambda(t1) = 2 exp(-t1), which decreases to 0: there is no
 * flattest minimiser.  L is exactly quadratic along every normal line, so the
 * survey's Theorem 6 holds with eps = 0 and GD is exactly
 *   t2 <- (1 - eta lambda(t1)) t2,   t1 <- t1 + (eta/2) t2^2 lambda(t1).
 * Written as least squares, L = 1/2 g^2 with g = sqrt2 exp(-t1/2) t2, y = 0. */
#include "model.h"

#include <math.h>
#include <stdlib.h>

static double valley_step(eos_model *m, double eta, double *x)
{
	(void)m;
	double e = exp(-x[0]), t2 = x[1], f = e * t2 * t2;
	x[0] += eta * f;
	x[1] -= 2.0 * eta * e * t2;
	return f;
}

static double valley_loss(eos_model *m, const double *x)
{
	(void)m;
	return exp(-x[0]) * x[1] * x[1];
}

static void valley_grad(eos_model *m, const double *x, double *out)
{
	(void)m;
	double e = exp(-x[0]);
	out[0] = -e * x[1] * x[1];
	out[1] = 2.0 * e * x[1];
}

static void valley_hessian(eos_model *m, const double *x, double *H)
{
	(void)m;
	double e = exp(-x[0]);
	H[0] = e * x[1] * x[1];
	H[1] = H[2] = -2.0 * e * x[1];
	H[3] = 2.0 * e;
}

static double valley_residual(eos_model *m, const double *x)
{
	(void)m;
	return M_SQRT2 * exp(-0.5 * x[0]) * x[1];
}

/* |grad g|^2 = exp(-t1) (t2^2/2 + 2), which is 2 exp(-t1) on M. */
static double valley_gradg2(eos_model *m, const double *x)
{
	(void)m;
	return exp(-x[0]) * (0.5 * x[1] * x[1] + 2.0);
}

static double valley_sharpness_on_m(eos_model *m, const double *p)
{
	(void)m;
	return 2.0 * exp(-p[0]);
}

/* Eq. (42) with grad L = 0 on M and |grad lambda|^2 = lambda^2 (lambda is
 * 2 exp(-t1)), so the predictor closes in (alpha, lambda):
 *   alpha <- (1 - eta lambda) alpha,  lambda <- lambda - (eta/2) alpha^2 lambda^2.
 * p follows eq. (37), t1 <- t1 + (eta/2) alpha^2 lambda. */
static void valley_reduced_step(eos_model *m, double eta, eos_reduced *s)
{
	(void)m;
	double a = s->alpha, l = s->lambda;
	s->alpha = (1.0 - eta * l) * a;
	s->lambda = l - 0.5 * eta * a * a * l * l;
	s->p += 0.5 * eta * a * a * l;
}

static double valley_reduced_loss(eos_model *m, const eos_reduced *s)
{
	(void)m;
	return 0.5 * s->alpha * s->alpha * s->lambda;
}

static const eos_model_ops valley_ops = {
	.name = "valley",
	.flags = EOS_LSQ | EOS_REDUCED,
	.step = valley_step,
	.loss = valley_loss,
	.grad = valley_grad,
	.hvp = eos_plane_hvp,
	.hessian = valley_hessian,
	.project = eos_plane_project,
	.residual = valley_residual,
	.gradg2 = valley_gradg2,
	.reduced_step = valley_reduced_step,
	.reduced_loss = valley_reduced_loss,
	.sharpness_on_m = valley_sharpness_on_m,
};

eos_model *eos_valley_new(void)
{
	eos_model *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->ops = &valley_ops;
	m->dim = 2;
	return m;
}
