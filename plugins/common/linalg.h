/* linalg.h -- the matrix norms and the imbalance shared by the plugins.
 *
 * Every sum of squares runs over the rows in order, and within a row over the
 * columns in order, so a plugin that switches to these functions from a
 * loop of its own in that order logs the same bits.  The BLAS-based variants
 * (suffix _blas) are faster on large contiguous matrices but round
 * differently: use one kind per quantity and keep it. */
#ifndef LINDYN_COMMON_LINALG_H
#define LINDYN_COMMON_LINALG_H

#include <gsl/gsl_matrix.h>

/* ||A||_F^2 and ||A||_F, summed row by row. */
double linalg_frob2(const gsl_matrix *A);
double linalg_frob(const gsl_matrix *A);

/* ||A - B||_F (same shape), summed row by row. */
double linalg_frob_diff(const gsl_matrix *A, const gsl_matrix *B);

/* ||A||_F^2 and ||A||_F of a matrix allocated whole (tda == size2) through
 * the BLAS (ddot, dnrm2): vectorized, rounded differently from the above. */
double linalg_frob2_blas(const gsl_matrix *A);
double linalg_frob_blas(const gsl_matrix *A);

/* The imbalance D = W1^T W1 - W2 W2^T of a factorization W1 W2
 * (W1 p x h, W2 h x q, D h x h), by two dgemm. */
void linalg_imbalance(const gsl_matrix *W1, const gsl_matrix *W2, gsl_matrix *D);

/* D = A^T A - B^T B (A p x k, B q x k, D k x k): the imbalance in
 * coordinates, with the second factor given transposed (B = W2^T Q), by two
 * dgemm. */
void linalg_gram_diff(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *D);

/* The same D by two dsyrk on the upper triangle, mirrored to the lower one:
 * half the multiply-adds, rounded differently from linalg_gram_diff. */
void linalg_gram_diff_syrk(const gsl_matrix *A, const gsl_matrix *B, gsl_matrix *D);

#endif
