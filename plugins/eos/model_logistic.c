/* model_logistic.c -- the survey's binary logistic regression on two points
 * (eq. 36): f(t) = l(z1.t) + l(z2.t), l(s) = log(1 + exp(-s)), where
 * z_i = label_i x_i.  The points have norm rho and angular separation omega;
 * placed as z1,2 = rho (cos b, +-sin b) with b = (pi - omega)/2, the max-margin
 * line M is the t1-axis and, on M (s = rho cos(b) t1),
 *   Hess f = 2 l''(s) rho^2 diag(cos^2 b, sin^2 b),
 * whose top eigenvector is normal to M iff omega < pi/2 (spec A2.3).  The
 * survey's eq. (36) carries a factor 1/2; we drop it, which halves the step
 * for the same path and puts f(0) at 2 log 2 = 1.386, the first value of the
 * survey's Figure 3 (top). */
#include "model.h"

#include <math.h>
#include <stdlib.h>

/* l(s) = log(1 + exp(-s)) and its derivatives, without overflow. */
static double ell(double s)
{
	return s >= 0.0 ? log1p(exp(-s)) : -s + log1p(exp(s));
}

static double sigmoid(double s)
{
	return s >= 0.0 ? 1.0 / (1.0 + exp(-s)) : exp(s) / (1.0 + exp(s));
}

static double ell1(double s) { return -sigmoid(-s); }
static double ell2(double s) { return sigmoid(s) * sigmoid(-s); }
static double ell3(double s) { return ell2(s) * (1.0 - 2.0 * sigmoid(s)); }

static double dot2(const double *a, const double *b)
{
	return a[0] * b[0] + a[1] * b[1];
}

static double logistic_loss(eos_model *m, const double *x)
{
	return ell(dot2(m->z1, x)) + ell(dot2(m->z2, x));
}

static void logistic_grad(eos_model *m, const double *x, double *out)
{
	double d1 = ell1(dot2(m->z1, x)), d2 = ell1(dot2(m->z2, x));
	out[0] = d1 * m->z1[0] + d2 * m->z2[0];
	out[1] = d1 * m->z1[1] + d2 * m->z2[1];
}

static double logistic_step(eos_model *m, double eta, double *x)
{
	double g[2], f = logistic_loss(m, x);
	logistic_grad(m, x, g);
	x[0] -= eta * g[0];
	x[1] -= eta * g[1];
	return f;
}

static void logistic_hessian(eos_model *m, const double *x, double *H)
{
	double c1 = ell2(dot2(m->z1, x)), c2 = ell2(dot2(m->z2, x));
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			H[2 * i + j] = c1 * m->z1[i] * m->z1[j] + c2 * m->z2[i] * m->z2[j];
}

static double logistic_sharpness_on_m(eos_model *m, const double *p)
{
	double c = m->z1[0], s = m->z1[1];
	return 2.0 * ell2(c * p[0]) * fmax(c * c, s * s);
}

/* Eq. (42) with the derivatives taken at the point p of M carried by
 * eq. (37):  lambda_n(t1) = 2 l''(s) rho^2 sin^2 b is the curvature normal to
 * M, dlambda_n/dt1 = 2 l'''(s) rho^2 sin^2 b rho cos b, dL/dt1 = 2 l'(s) rho cos b. */
static void logistic_reduced_step(eos_model *m, double eta, eos_reduced *s)
{
	double c = m->z1[0], sn = m->z1[1], arg = c * s->p;
	double dlam = 2.0 * ell3(arg) * sn * sn * c, dL = 2.0 * ell1(arg) * c;
	double a = s->alpha, l = s->lambda;
	s->alpha = (1.0 - eta * l) * a;
	s->lambda = l - eta * (0.5 * a * a * dlam * dlam + dL * dlam);
	s->p -= eta * (0.5 * a * a * dlam + dL);
}

static double logistic_reduced_loss(eos_model *m, const eos_reduced *s)
{
	return 2.0 * ell(m->z1[0] * s->p) + 0.5 * s->alpha * s->alpha * s->lambda;
}

static const eos_model_ops logistic_ops = {
	.name = "logistic",
	.flags = EOS_REDUCED,
	.step = logistic_step,
	.loss = logistic_loss,
	.grad = logistic_grad,
	.hvp = eos_plane_hvp,
	.hessian = logistic_hessian,
	.project = eos_plane_project,
	.reduced_step = logistic_reduced_step,
	.reduced_loss = logistic_reduced_loss,
	.sharpness_on_m = logistic_sharpness_on_m,
};

eos_model *eos_logistic_new(double norm, double angle)
{
	eos_model *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	double b = 0.5 * (M_PI - angle);
	m->ops = &logistic_ops;
	m->dim = 2;
	m->z1[0] = m->z2[0] = norm * cos(b);
	m->z1[1] = norm * sin(b);
	m->z2[1] = -norm * sin(b);
	return m;
}
