/* setup.c -- the spectral factors of X a run needs once. */
#include "gd2.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

/* Singular values of X (decreasing) and, when n < d, Phi1: the right
 * singular vectors, an orthonormal basis of the row space of X.
 * Golub-Reinsch on the tall one of X and X^T (GSL 2.7's one-sided Jacobi
 * returns left singular vectors orthonormal only to ~5e-2 on a 400 x 100
 * Gaussian matrix). */
int gd2_model_factor_x(gd2_model *mo)
{
	size_t n = mo->n, d = mo->d, r = mo->r;
	int tall = n >= d;
	gsl_matrix *A = gsl_matrix_alloc(tall ? n : d, r), *V = gsl_matrix_alloc(r, r);
	gsl_vector *work = gsl_vector_alloc(r);
	int status = GSL_ENOMEM;
	if (A && V && work) {
		if (tall)
			gsl_matrix_memcpy(A, mo->X);
		else
			gsl_matrix_transpose_memcpy(A, mo->X);
		status = gsl_linalg_SV_decomp(A, V, mo->sx, work);
		if (!status && !tall)
			gsl_matrix_memcpy(mo->Phi1, A); /* X^T = Phi1 S W^T */
	}
	gsl_matrix_free(A);
	gsl_matrix_free(V);
	gsl_vector_free(work);
	return status;
}
