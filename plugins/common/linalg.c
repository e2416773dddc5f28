/* linalg.c -- matrix norms and the imbalance (see linalg.h). */
#include "linalg.h"

#include <math.h>

#include <gsl/gsl_blas.h>

double linalg_frob2(const gsl_matrix *A)
{
	double s = 0.0;
	for (size_t i = 0; i < A->size1; i++) {
		const double *a = A->data + i * A->tda;
		for (size_t j = 0; j < A->size2; j++)
			s += a[j] * a[j];
	}
	return s;
}

double linalg_frob(const gsl_matrix *A)
{
	return sqrt(linalg_frob2(A));
}

double linalg_frob_diff(const gsl_matrix *A, const gsl_matrix *B)
{
	double s = 0.0;
	for (size_t i = 0; i < A->size1; i++) {
		const double *a = A->data + i * A->tda, *b = B->data + i * B->tda;
		for (size_t j = 0; j < A->size2; j++) {
			double v = a[j] - b[j];
			s += v * v;
		}
	}
	return sqrt(s);
}

double linalg_frob2_blas(const gsl_matrix *A)
{
	gsl_vector_const_view a = gsl_vector_const_view_array(A->data, A->size1 * A->size2);
	double s;
	gsl_blas_ddot(&a.vector, &a.vector, &s);
	return s;
}

double linalg_frob_blas(const gsl_matrix *A)
{
	gsl_vector_const_view a = gsl_vector_const_view_array(A->data, A->size1 * A->size2);
	return gsl_blas_dnrm2(&a.vector);
}

void linalg_imbalance(const gsl_matrix *W1, const gsl_matrix *W2, gsl_matrix *D)
{
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, W1, W1, 0.0, D);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, -1.0, W2, W2, 1.0, D);
}

void linalg_gram_diff(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *D)
{
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, A, A, 0.0, D);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, -1.0, B, B, 1.0, D);
}

void linalg_gram_diff_syrk(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *D)
{
	gsl_blas_dsyrk(CblasUpper, CblasTrans, 1.0, A, 0.0, D);
	gsl_blas_dsyrk(CblasUpper, CblasTrans, -1.0, B, 1.0, D);
	for (size_t i = 0; i < D->size1; i++)
		for (size_t j = 0; j < i; j++)
			gsl_matrix_set(D, i, j, gsl_matrix_get(D, j, i));
}
