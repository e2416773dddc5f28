/* twolayer.c -- shared regression data and initializations (see twolayer.h). */
#include "twolayer.h"

#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

/* Row by row, in the order of the draws; through the data pointer, not
 * gsl_matrix_set's checked call per entry (W1 has d h of them). */
static void fill_gauss(gsl_rng *rng, double std, gsl_matrix *A)
{
	for (size_t i = 0; i < A->size1; i++) {
		double *row = A->data + i * A->tda;
		for (size_t j = 0; j < A->size2; j++)
			row[j] = std * gsl_ran_gaussian_ziggurat(rng, 1.0);
	}
}

/* X = W Phi1^T for the SVD X0 = W S Phi1^T, computed as the polar factor
 * X = (X0 X0^T)^{-1/2} X0 = W S^{-1} W^T W S Phi1^T: an n x n symmetric
 * eigenproblem and two products instead of an SVD of the d x n matrix. */
static int orthonormalize_rows(gsl_matrix *X)
{
	size_t n = X->size1;
	gsl_matrix *G = gsl_matrix_alloc(n, n), *E = gsl_matrix_alloc(n, n);
	gsl_matrix *T = gsl_matrix_alloc(n, n), *X0 = gsl_matrix_alloc(n, X->size2);
	gsl_vector *lambda = gsl_vector_alloc(n);
	gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
	int status = GSL_ENOMEM;
	if (G && E && T && X0 && lambda && ws) {
		gsl_blas_dsyrk(CblasLower, CblasNoTrans, 1.0, X, 0.0, G); /* X0 X0^T */
		status = gsl_eigen_symmv(G, lambda, E, ws);
		if (!status && gsl_vector_min(lambda) <= 0.0)
			status = GSL_ESING; /* rank-deficient X0: no orthonormal rows */
		if (!status) {
			/* T = E diag(lambda^{-1/2}) E^T */
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < n; j++)
					gsl_matrix_set(G, i, j, gsl_matrix_get(E, i, j) /
					                                sqrt(gsl_vector_get(lambda, j)));
			gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, G, E, 0.0, T);
			gsl_matrix_memcpy(X0, X);
			status = gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, T, X0, 0.0, X);
		}
	}
	gsl_matrix_free(G);
	gsl_matrix_free(E);
	gsl_matrix_free(T);
	gsl_matrix_free(X0);
	gsl_vector_free(lambda);
	gsl_eigen_symmv_free(ws);
	return status;
}

int twolayer_data(gsl_rng *rng, twolayer_data_kind x_kind, double x_std, double theta_std,
                  double noise, gsl_matrix *X, gsl_matrix *Theta, gsl_matrix *Y)
{
	int status = GSL_SUCCESS;
	if (x_kind == DATA_IDENTITY) {
		if (X->size1 != X->size2)
			GSL_ERROR("identity data needs n == d", GSL_EBADLEN);
		gsl_matrix_set_identity(X);
	} else if (x_kind == DATA_ORTHONORMAL) {
		if (X->size1 > X->size2)
			GSL_ERROR("orthonormal data needs n <= d", GSL_EBADLEN);
		fill_gauss(rng, 1.0, X);
		status = orthonormalize_rows(X);
	} else if (x_kind == DATA_GAUSS) {
		fill_gauss(rng, x_std, X);
	} else {
		GSL_ERROR("unknown data kind", GSL_EINVAL);
	}
	if (status)
		return status;
	fill_gauss(rng, theta_std, Theta);
	fill_gauss(rng, noise, Y);
	return gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, X, Theta, 1.0, Y);
}

void twolayer_init_gauss(gsl_rng *rng, double su, double sv, gsl_matrix *W1,
                         gsl_matrix *W2)
{
	fill_gauss(rng, su, W1);
	fill_gauss(rng, sv, W2);
}

/* P = E diag(lambda^p) E^T for the eigen-decomposition of a symmetric M. */
static void sym_power(const gsl_matrix *E, const gsl_vector *lambda, double p,
                      gsl_matrix *P, gsl_matrix *tmp)
{
	size_t m = lambda->size;
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++)
			gsl_matrix_set(tmp, i, j,
			               gsl_matrix_get(E, i, j) * pow(gsl_vector_get(lambda, j), p));
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, tmp, E, 0.0, P);
}

int twolayer_balance(const gsl_matrix *X, gsl_matrix *W1, gsl_matrix *W2)
{
	size_t n = X->size1, d = X->size2, h = W1->size2, m = W2->size2;
	if (h < m || n > d)
		GSL_ERROR("balanced init needs h >= m and n <= d", GSL_EBADLEN);
	gsl_matrix *Theta0 = gsl_matrix_alloc(d, m), *XT = gsl_matrix_alloc(n, m);
	gsl_matrix *G = gsl_matrix_alloc(n, n), *Z = gsl_matrix_alloc(n, m);
	gsl_matrix *M = gsl_matrix_alloc(m, m), *E = gsl_matrix_alloc(m, m);
	gsl_matrix *Pneg = gsl_matrix_alloc(m, m), *Ppos = gsl_matrix_alloc(m, m);
	gsl_matrix *tmp = gsl_matrix_alloc(m, m);
	gsl_vector *lambda = gsl_vector_alloc(m);
	gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(m);
	int status = GSL_ENOMEM;
	if (!Theta0 || !XT || !G || !Z || !M || !E || !Pneg || !Ppos || !tmp || !lambda || !ws)
		goto out;

	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, W1, W2, 0.0, Theta0);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, X, Theta0, 0.0, XT);
	gsl_blas_dsyrk(CblasLower, CblasNoTrans, 1.0, X, 0.0, G); /* X X^T */
	status = gsl_linalg_cholesky_decomp1(G);
	if (status)
		goto out;
	gsl_matrix_memcpy(Z, XT);
	gsl_blas_dtrsm(CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0, G, Z);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, Z, Z, 0.0, M); /* (L^-1 XT)^T (L^-1 XT) */
	status = gsl_eigen_symmv(M, lambda, E, ws);
	if (status)
		goto out;
	if (gsl_vector_min(lambda) <= 0.0) {
		status = GSL_EDOM;
		gsl_error("balanced init: Theta0^T Phi1 Phi1^T Theta0 is singular", __FILE__,
		          __LINE__, status);
		goto out;
	}
	sym_power(E, lambda, -0.25, Pneg, tmp);
	sym_power(E, lambda, 0.25, Ppos, tmp);

	gsl_matrix_set_zero(W1);
	gsl_matrix_set_zero(W2);
	gsl_matrix_view W1m = gsl_matrix_submatrix(W1, 0, 0, d, m);
	gsl_matrix_view W2m = gsl_matrix_submatrix(W2, 0, 0, m, m);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, Theta0, Pneg, 0.0, &W1m.matrix);
	gsl_matrix_memcpy(&W2m.matrix, Ppos);
	status = GSL_SUCCESS;
out:
	gsl_matrix_free(Theta0);
	gsl_matrix_free(XT);
	gsl_matrix_free(G);
	gsl_matrix_free(Z);
	gsl_matrix_free(M);
	gsl_matrix_free(E);
	gsl_matrix_free(Pneg);
	gsl_matrix_free(Ppos);
	gsl_matrix_free(tmp);
	gsl_vector_free(lambda);
	gsl_eigen_symmv_free(ws);
	return status;
}
