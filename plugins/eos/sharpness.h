/* sharpness.h -- the top eigenvalue of the Hessian of a model's objective.
 *
 * Two routines, chosen per run:
 *   dense    assemble Hess f (D x D) from its closed form and take the largest
 *            eigenvalue with gsl_eigen_symm: exact to rounding, O(D^3);
 *   lanczos  Lanczos with full reorthogonalisation on Hessian-vector products
 *            from a fixed random start, K = min(steps, D) steps (fewer on an
 *            invariant subspace), then the largest eigenvalue of the K x K
 *            tridiagonal matrix by Sturm-sequence bisection: O(K^2 D), no
 *            D x D matrix.
 * All memory is allocated by eos_sharpness_new. */
#ifndef EOS_SHARPNESS_H
#define EOS_SHARPNESS_H

#include "model.h"

#include <gsl/gsl_eigen.h>

typedef struct eos_sharpness {
	size_t dim, steps;
	int lanczos;
	double *H;       /* dense: D x D */
	double *alpha, *beta; /* lanczos: the tridiagonal matrix, K entries each */
	double *Q;       /* lanczos: K basis vectors of length D */
	double *w;       /* lanczos: length D */
	double *start;   /* lanczos: unit start vector */
	gsl_vector *eval;
	gsl_eigen_symm_workspace *eig;
} eos_sharpness;

/* `start` (length dim, not all zero) is copied; it is ignored by dense. */
eos_sharpness *eos_sharpness_new(size_t dim, int lanczos, size_t steps, const double *start);
void eos_sharpness_free(eos_sharpness *s);
/* lambda_max(Hess f(x)). */
double eos_sharpness_eval(eos_sharpness *s, eos_model *m, const double *x);

#endif
