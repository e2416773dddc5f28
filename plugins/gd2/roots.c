/* roots.c -- scalar roots with GSL's Brent solver. */
#include "theory.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_poly.h>
#include <gsl/gsl_roots.h>

#define ROOT_MAXITER 200

int gd2_root_brent(gsl_root_fsolver *s, double (*f)(double, void *), void *params, double lo,
                   double hi, double *root)
{
	gsl_function F = { f, params };
	int status = gsl_root_fsolver_set(s, &F, lo, hi);
	for (int it = 0; !status && it < ROOT_MAXITER; it++) {
		status = gsl_root_fsolver_iterate(s);
		if (status)
			break;
		double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
		status = gsl_root_test_interval(a, b, 0.0, 4 * GSL_DBL_EPSILON);
		if (status == GSL_SUCCESS)
			break;
		if (status == GSL_CONTINUE)
			status = it + 1 == ROOT_MAXITER ? GSL_EMAXITER : GSL_SUCCESS;
	}
	*root = gsl_root_fsolver_root(s);
	return status;
}

typedef struct {
	const double *c;
	int len;
} poly;

static double poly_eval(double x, void *p)
{
	const poly *q = p;
	return gsl_poly_eval(q->c, q->len, x);
}

int gd2_root_increasing_poly(gsl_root_fsolver *s, const double *c, int deg, double *root)
{
	if (!(c[0] < 0.0))
		return GSL_EDOM;
	/* b_j = (-c0 / c_j)^{1/j} makes c_j b_j^j = -c0, so p(min_j b_j) >= 0. */
	double b = INFINITY;
	for (int j = 1; j <= deg; j++)
		if (c[j] > 0.0)
			b = fmin(b, pow(-c[0] / c[j], 1.0 / j));
	if (!isfinite(b))
		return GSL_EDOM;
	poly q = { c, deg + 1 };
	for (int i = 0; i < 8 && poly_eval(b, &q) < 0.0; i++)
		b *= 1.0 + 1e-12; /* pow() rounded c_j b^j just below -c0 */
	double pb = poly_eval(b, &q);
	if (pb == 0.0) {
		*root = b;
		return GSL_SUCCESS;
	}
	return gd2_root_brent(s, poly_eval, &q, 0.0, b, root);
}
