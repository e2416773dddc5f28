/* subspace.c -- GD on (W1, W2) in the span of the initial hidden directions.
 *
 * For any loss of the product W1 W2, GD moves W1 by -eta grad(W) W2^T and
 * W2 by -eta W1^T grad(W): the rows of W1 change by combinations of the
 * columns of W2, and the columns of W2 by combinations of the rows of W1.
 * So the span S of the rows of W1(0) and the columns of W2(0) in R^h
 * (dimension k <= d + m) is invariant, and with Q (h x k) an orthonormal
 * basis of S, W1(t) = A(t) Q^T and W2(t) = Q B(t) for all t, where (A, B)
 * follow GD on the same loss of A B = W1 W2.  Q^T Q = I keeps every
 * Frobenius norm, every Gram matrix W1 W1^T = A A^T, W2^T W2 = B^T B, and
 * maps the imbalance W1^T W1 - W2 W2^T = Q (A^T A - B B^T) Q^T, whose
 * nonzero spectrum and distances are those of the k x k matrix: every
 * quantity gd2 logs is the same for (A, B) as for (W1, W2). */
#include "gd2.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

size_t gd2_subspace_width(size_t d, size_t m, size_t h)
{
	return d + m < h ? d + m : h;
}

int gd2_subspace_alloc(gd2_subspace *sub, size_t d, size_t m, size_t h, size_t k)
{
	sub->W1 = gsl_matrix_alloc(d, h);
	sub->W2 = gsl_matrix_alloc(h, m);
	sub->Q = gsl_matrix_alloc(h, k);
	if (sub->W1 && sub->W2 && sub->Q)
		return GSL_SUCCESS;
	gd2_subspace_free(sub);
	return GSL_ENOMEM;
}

void gd2_subspace_free(gd2_subspace *sub)
{
	gsl_matrix_free(sub->W1);
	gsl_matrix_free(sub->W2);
	gsl_matrix_free(sub->Q);
	sub->W1 = sub->W2 = sub->Q = NULL;
}

/* Q = the first k columns of the Q factor of F = [W1^T  W2] (h x k; Householder,
 * so orthonormal even when F is rank-deficient), in Level 3: with the
 * compact WY form Q = I - V T V^T of gsl_linalg_QR_decomp_r (V unit lower
 * trapezoidal, T upper triangular), Q E = E - V (T V1^T), V1 the top k x k
 * block of V and E the first k columns of I. */
static int thin_q(gsl_matrix *F, gsl_matrix *Q)
{
	size_t k = F->size2;
	gsl_matrix *T = gsl_matrix_alloc(k, k), *M = gsl_matrix_calloc(k, k);
	int status = T && M ? gsl_linalg_QR_decomp_r(F, T) : GSL_ENOMEM;
	if (!status) {
		for (size_t i = 0; i < k; i++) { /* F becomes V, M = V1^T */
			gsl_matrix_set(M, i, i, 1.0);
			for (size_t j = i + 1; j < k; j++)
				gsl_matrix_set(M, i, j, gsl_matrix_get(F, j, i));
			for (size_t j = i; j < k; j++)
				gsl_matrix_set(F, i, j, i == j ? 1.0 : 0.0);
		}
		gsl_blas_dtrmm(CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, 1.0, T, M);
		gsl_matrix_set_zero(Q);
		gsl_matrix_view top = gsl_matrix_submatrix(Q, 0, 0, k, k);
		gsl_matrix_set_identity(&top.matrix);
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, F, M, 1.0, Q);
	}
	gsl_matrix_free(T);
	gsl_matrix_free(M);
	return status;
}

/* Q of [W1^T  W2], then A = W1 Q and B = Q^T W2. */
int gd2_subspace_reduce(gd2_subspace *sub, gsl_matrix *A, gsl_matrix *B)
{
	size_t d = sub->W1->size1, h = sub->W1->size2, m = sub->W2->size2;
	gsl_matrix *F = gsl_matrix_alloc(h, d + m);
	if (!F)
		return GSL_ENOMEM;
	gsl_matrix_view left = gsl_matrix_submatrix(F, 0, 0, h, d);
	gsl_matrix_view right = gsl_matrix_submatrix(F, 0, d, h, m);
	gsl_matrix_transpose_memcpy(&left.matrix, sub->W1);
	gsl_matrix_memcpy(&right.matrix, sub->W2);
	int status = thin_q(F, sub->Q);
	if (!status) {
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, sub->W1, sub->Q, 0.0, A);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, sub->Q, sub->W2, 0.0, B);
	}
	gsl_matrix_free(F);
	return status;
}

void gd2_subspace_lift(gd2_subspace *sub, const gsl_matrix *A, const gsl_matrix *B)
{
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, A, sub->Q, 0.0, sub->W1);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, sub->Q, B, 0.0, sub->W2);
}
