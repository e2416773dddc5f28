/* align.c -- alignment of [B; A^T] with the linearized growth directions
 * (see align.h). */
#include "align.h"

#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

int align_alloc(align_ws *w, size_t c, size_t d, size_t r)
{
	*w = (align_ws){ .c = c, .d = d, .r = r };
	w->Tu = gsl_matrix_calloc(c, r);
	w->Tv = gsl_matrix_calloc(d, r);
	w->Gt = gsl_matrix_calloc(d, c);
	w->V = gsl_matrix_calloc(c, c);
	w->s = gsl_vector_calloc(c);
	w->work = gsl_vector_calloc(c);
	w->M = gsl_matrix_calloc(r, r);
	w->K = gsl_matrix_calloc(r, r);
	if (!w->Tu || !w->Tv || !w->Gt || !w->V || !w->s || !w->work || !w->M || !w->K) {
		align_free(w);
		return GSL_ENOMEM;
	}
	return GSL_SUCCESS;
}

void align_free(align_ws *w)
{
	gsl_matrix *mats[] = { w->Tu, w->Tv, w->Gt, w->V, w->M, w->K };
	for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++)
		if (mats[i])
			gsl_matrix_free(mats[i]);
	if (w->s)
		gsl_vector_free(w->s);
	if (w->work)
		gsl_vector_free(w->work);
	*w = (align_ws){ 0 };
}

int align_target(align_ws *w, const gsl_matrix *G)
{
	/* G^T = U S V^T (U d x c overwrites Gt), so G = V S U^T: U_W = V, V_W = U. */
	gsl_matrix_transpose_memcpy(w->Gt, G);
	int status = gsl_linalg_SV_decomp(w->Gt, w->V, w->s, w->work);
	if (status)
		return status;
	gsl_matrix_const_view Uw = gsl_matrix_const_submatrix(w->V, 0, 0, w->c, w->r);
	gsl_matrix_const_view Vw = gsl_matrix_const_submatrix(w->Gt, 0, 0, w->d, w->r);
	gsl_matrix_memcpy(w->Tu, &Uw.matrix);
	gsl_matrix_memcpy(w->Tv, &Vw.matrix);
	gsl_matrix_scale(w->Tu, M_SQRT1_2);
	gsl_matrix_scale(w->Tv, -M_SQRT1_2);
	return GSL_SUCCESS;
}

/* In-place Cholesky factor L (lower triangle) of the small r x r matrix M;
 * -1 when M is not numerically positive definite.  Written out rather than
 * gsl_linalg_cholesky_decomp1, which would report that case through the GSL
 * error handler as the run's failure; here the caller decides. */
static int cholesky_lower(gsl_matrix *M)
{
	size_t r = M->size1;
	for (size_t j = 0; j < r; j++) {
		double diag = gsl_matrix_get(M, j, j);
		for (size_t k = 0; k < j; k++)
			diag -= gsl_matrix_get(M, j, k) * gsl_matrix_get(M, j, k);
		if (!(diag > 1e-300))
			return -1;
		double l = sqrt(diag);
		gsl_matrix_set(M, j, j, l);
		for (size_t i = j + 1; i < r; i++) {
			double v = gsl_matrix_get(M, i, j);
			for (size_t k = 0; k < j; k++)
				v -= gsl_matrix_get(M, i, k) * gsl_matrix_get(M, j, k);
			gsl_matrix_set(M, i, j, v / l);
		}
	}
	return 0;
}

int align_measure(align_ws *w, const gsl_matrix *A, const gsl_matrix *B, double *align)
{
	/* M = Z^T Z = B^T B + A A^T;  K = (T^T Z)^T = B^T Tu + A Tv. */
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, B, B, 0.0, w->M);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, A, A, 1.0, w->M);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, B, w->Tu, 0.0, w->K);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, A, w->Tv, 1.0, w->K);
	if (cholesky_lower(w->M))
		return GSL_EDOM;
	gsl_blas_dtrsm(CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0, w->M, w->K);
	double overlap = 0.0;
	for (size_t i = 0; i < w->r; i++)
		for (size_t j = 0; j < w->r; j++)
			overlap += gsl_matrix_get(w->K, i, j) * gsl_matrix_get(w->K, i, j);
	double gap = 1.0 - overlap / (double)w->r;
	*align = sqrt(gap > 0.0 ? gap : 0.0);
	return GSL_SUCCESS;
}
