/* model.c -- the workspaces of a gd2 run and one gradient step.
 *
 * Cost per step (multiply-adds), with every product with the width h of
 * rank m, in one of two orders chosen at allocation by cost:
 *   through W = W1 W2:   W (dhm), Z = X W (ndm), G = X^T R (ndm),
 *                        W1^T G (dhm), W1 update G W2^T (dhm): 3dhm + 2ndm;
 *   through P = X W1, carried along as X W1(k+1) = P - eta (X G) W2^T:
 *                        Z = P W2, P^T R, P update (3nhm), G and X G (2ndm),
 *                        W1 update (dhm): 3nhm + dhm + 2ndm,
 * so P pays when 3n < 2d (E1: n = 100, d = 400); it is recomputed every
 * GD2_REFRESH steps.  With reduce=subspace, h is the reduced width
 * (<= d + m, subspace.c) and, for the squared loss with n > d, n is d
 * (gd2_model_compress).  Products that small (the bench's (n,d,h,m) =
 * (20,10,50,5): 10 x 15 by 15 x 5) cost more in the BLAS call than in
 * arithmetic: every product goes through gemm_by_size, which computes the
 * small ones itself, to the same bits (../common/small_mm.h). */
#include "gd2.h"

#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "../common/linalg.h"
#include "../common/small_mm.h"

static gsl_matrix *mat(size_t r, size_t c, int *fail)
{
	gsl_matrix *A = gsl_matrix_calloc(r ? r : 1, c ? c : 1);
	if (!A)
		*fail = 1;
	return A;
}

/* What one BLAS call costs beyond its arithmetic, in multiply-adds (small sizes). */
#define BLAS_CALL_COST 512

/* Forming G W2^T costs two extra passes over a d x h matrix (its norm and
 * the update); not forming it, two dsyrk for tr((G^T G)(W2^T W2)) and their
 * calls.  The first wins unless m is small (E1: m = 1). */
static int fuse_w1_update(size_t d, size_t m, size_t h)
{
	return 2 * d * h > (d + h) * m * m / 2 + m * m + 2 * BLAS_CALL_COST;
}

int gd2_model_alloc(gd2_model *mo, size_t n, size_t d, size_t m, size_t h)
{
	int fail = 0;
	*mo = (gd2_model){ .n = n, .d = d, .m = m, .h = h, .carry_P = 3 * n < 2 * d,
	                   .want_grams = 1, .fused_W1 = fuse_w1_update(d, m, h) };
	mo->r = n < d ? n : d;
	mo->k = h < mo->r + m ? h : mo->r + m;
	size_t r = mo->r, k = mo->k;
	mo->X = mat(n, d, &fail);
	mo->Y = mat(n, m, &fail);
	mo->Theta = mat(d, m, &fail);
	mo->Xs = mo->X;
	mo->Ys = mo->Y;
	mo->sx = gsl_vector_calloc(r);
	fail |= !mo->sx;
	mo->Phi1 = mat(d, r, &fail);
	mo->W1 = mat(d, h, &fail);
	mo->W2 = mat(h, m, &fail);
	mo->W1_0 = mat(d, h, &fail);
	mo->W2_0 = mat(h, m, &fail);
	mo->P = mo->carry_P ? mat(n, h, &fail) : NULL;
	mo->Z = mat(n, m, &fail);
	mo->R = mat(n, m, &fail);
	mo->G = mat(d, m, &fail);
	mo->XG = mat(n, m, &fail);
	mo->gW1 = mo->fused_W1 ? NULL : mat(d, h, &fail);
	mo->gW2 = mat(h, m, &fail);
	mo->W = mat(d, m, &fail);
	mo->GtG = mat(m, m, &fail);
	mo->W2tW2 = mat(m, m, &fail);
	mo->Q0 = mat(h, k, &fail);
	mo->D0 = mat(k, k, &fail);
	mo->Dt = mat(k, k, &fail);
	mo->W1Q = mat(d, k, &fail);
	mo->U1Q = mat(r, k, &fail);
	mo->W2Q = mat(m, k, &fail);
	mo->eigD0 = gsl_vector_calloc(k);
	mo->Dprev = mat(k, k, &fail);
	mo->Dold = mat(k, k, &fail);
	mo->Dpred = mat(k, k, &fail);
	mo->GQ = mat(m, k, &fail);
	mo->GW2Q = mat(m, k, &fail);
	mo->Sdd = mat(d, d, &fail);
	mo->Smm = mat(m, m, &fail);
	mo->ed = gsl_vector_calloc(d);
	mo->em = gsl_vector_calloc(m);
	mo->wsd = gsl_eigen_symm_alloc(d);
	mo->wsm = gsl_eigen_symm_alloc(m);
	mo->Z1 = mat(n, m, &fail);
	mo->Z2 = mat(n, m, &fail);
	mo->Zt = mat(n, m, &fail);
	mo->Rt = mat(n, m, &fail);
	mo->V1 = mat(d, m, &fail);
	mo->V2 = mat(d, m, &fail);
	mo->Wt = mat(d, m, &fail);
	mo->Mmm = mat(m, m, &fail);
	fail |= !mo->eigD0 || !mo->ed || !mo->em || !mo->wsd || !mo->wsm;
	if (fail) {
		gd2_model_free(mo);
		return GSL_ENOMEM;
	}
	return GSL_SUCCESS;
}

void gd2_model_free(gd2_model *mo)
{
	if (mo->Xs != mo->X) {
		gsl_matrix_free(mo->Xs);
		gsl_matrix_free(mo->Ys);
	}
	mo->Xs = mo->Ys = NULL;
	gsl_matrix **all[] = { &mo->X, &mo->Y, &mo->Theta, &mo->Phi1, &mo->W1, &mo->W2,
	                       &mo->W1_0, &mo->W2_0, &mo->P, &mo->Z, &mo->R, &mo->G,
	                       &mo->XG, &mo->gW1, &mo->gW2, &mo->W, &mo->GtG, &mo->W2tW2, &mo->Q0,
	                       &mo->D0, &mo->Dt, &mo->W1Q, &mo->U1Q, &mo->W2Q, &mo->Dprev, &mo->Dold, &mo->Dpred, &mo->GQ, &mo->GW2Q,
	                       &mo->Sdd, &mo->Smm, &mo->Z1, &mo->Z2, &mo->Zt, &mo->Rt, &mo->V1,
	                       &mo->V2, &mo->Wt, &mo->Mmm };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		gsl_matrix_free(*all[i]);
		*all[i] = NULL;
	}
	gsl_vector_free(mo->sx);
	gsl_vector_free(mo->eigD0);
	gsl_vector_free(mo->ed);
	gsl_vector_free(mo->em);
	gsl_eigen_symm_free(mo->wsd);
	gsl_eigen_symm_free(mo->wsm);
	mo->sx = mo->eigD0 = mo->ed = mo->em = NULL;
	mo->wsd = mo->wsm = NULL;
}

/* tr(A B) for symmetric A, B. */
static double trace_prod(const gsl_matrix *A, const gsl_matrix *B)
{
	double s = 0.0;
	for (size_t i = 0; i < A->size1; i++) {
		const double *a = A->data + i * A->tda, *b = B->data + i * B->tda;
		for (size_t j = 0; j < A->size2; j++)
			s += a[j] * b[j];
	}
	return s;
}

/* Copies the upper triangle a dsyrk wrote into the lower one. */
static void symmetrize(gsl_matrix *S)
{
	for (size_t i = 0; i < S->size1; i++)
		for (size_t j = 0; j < i; j++)
			S->data[i * S->tda + j] = S->data[j * S->tda + i];
}

/* Below this many multiply-adds, dtrmm and its copy cost more than the
 * dgemm with the zeros of the triangle. */
#define TRMM_MIN_WORK 65536

/* C = op(Xs) B, a triangular product when Xs is the R factor of X. */
static void times_x(const gd2_model *mo, CBLAS_TRANSPOSE_t op, const gsl_matrix *B,
                    gsl_matrix *C)
{
	if (mo->Xs == mo->X || mo->d * mo->d * mo->m < TRMM_MIN_WORK) {
		gemm_by_size(op, CblasNoTrans, 1.0, mo->Xs, B, 0.0, C);
		return;
	}
	gsl_matrix_memcpy(C, B);
	gsl_blas_dtrmm(CblasLeft, CblasUpper, op, CblasNonUnit, 1.0, mo->Xs, C);
}

/* Replaces the n x m workspace *A by a rows x m one. */
static int resize_rows(gsl_matrix **A, size_t rows)
{
	gsl_matrix *B = gsl_matrix_calloc(rows, (*A)->size2);
	if (!B)
		return GSL_ENOMEM;
	gsl_matrix_free(*A);
	*A = B;
	return GSL_SUCCESS;
}

int gd2_model_compress(gd2_model *mo)
{
	size_t n = mo->n, d = mo->d, m = mo->m;
	if (n <= d) /* nothing to gain; and X W1 is carried only when 3n < 2d */
		return GSL_SUCCESS;
	gsl_matrix *QR = gsl_matrix_alloc(n, d), *QtY = gsl_matrix_alloc(n, m);
	gsl_matrix *Rx = gsl_matrix_calloc(d, d), *Yd = gsl_matrix_alloc(d, m);
	gsl_vector *tau = gsl_vector_alloc(d);
	int status = GSL_ENOMEM;
	if (QR && QtY && Rx && Yd && tau) {
		gsl_matrix_memcpy(QR, mo->X);
		gsl_matrix_memcpy(QtY, mo->Y);
		status = gsl_linalg_QR_decomp(QR, tau);
		if (!status)
			status = gsl_linalg_QR_QTmat(QR, tau, QtY);
	}
	if (!status) {
		for (size_t i = 0; i < d; i++)
			for (size_t j = i; j < d; j++)
				gsl_matrix_set(Rx, i, j, gsl_matrix_get(QR, i, j));
		gsl_matrix_const_view top = gsl_matrix_const_submatrix(QtY, 0, 0, d, m);
		gsl_matrix_const_view rest = gsl_matrix_const_submatrix(QtY, d, 0, n - d, m);
		gsl_matrix_memcpy(Yd, &top.matrix);
		mo->lperp = 0.5 * linalg_frob2(&rest.matrix);
		gsl_matrix **work[] = { &mo->Z, &mo->R, &mo->XG, &mo->Z1, &mo->Z2, &mo->Zt, &mo->Rt };
		for (size_t i = 0; i < sizeof work / sizeof work[0] && !status; i++)
			status = resize_rows(work[i], d);
	}
	gsl_matrix_free(QR);
	gsl_matrix_free(QtY);
	gsl_vector_free(tau);
	if (status) {
		gsl_matrix_free(Rx);
		gsl_matrix_free(Yd);
		return status;
	}
	mo->Xs = Rx;
	mo->Ys = Yd;
	return GSL_SUCCESS;
}

double gd2_model_residual_norm(gd2_model *mo)
{
	gsl_matrix_memcpy(mo->Zt, mo->Z);
	gsl_matrix_sub(mo->Zt, mo->Ys);
	return sqrt(linalg_frob2(mo->Zt) + 2.0 * mo->lperp);
}

/* The gradient's Gram matrices, and then no explicit G W2^T (gW1 may be NULL). */
static int uses_grams(const gd2_model *mo)
{
	return mo->want_grams || mo->fused_W1;
}

double gd2_model_gradient(gd2_model *mo, const gd2_loss *loss, double *gnorm2)
{
	/* Z = (X W1) W2 or X (W1 W2);  W when the order, the l2 term or the
	 * spectra need it. */
	if (!mo->carry_P || mo->want_W || loss->kind == LOSS_LOGISTIC)
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->W1, mo->W2, 0.0, mo->W);
	if (mo->carry_P)
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->P, mo->W2, 0.0, mo->Z);
	else
		times_x(mo, CblasNoTrans, mo->W, mo->Z);
	double l = gd2_loss_eval(loss, mo->Z, mo->Ys, mo->W, mo->R) + mo->lperp;

	/* G = X^T R (+ lambda W);  gW2 = W1^T G, as P^T R (+ lambda W1^T W) when
	 * P is carried. */
	times_x(mo, CblasTrans, mo->R, mo->G);
	if (loss->kind == LOSS_LOGISTIC && loss->lambda > 0.0) {
		gsl_matrix_scale(mo->W, loss->lambda);
		gsl_matrix_add(mo->G, mo->W);
		gsl_matrix_scale(mo->W, 1.0 / loss->lambda);
	}
	if (mo->carry_P) {
		gemm_by_size(CblasTrans, CblasNoTrans, 1.0, mo->P, mo->R, 0.0, mo->gW2);
		if (loss->kind == LOSS_LOGISTIC && loss->lambda > 0.0)
			gemm_by_size(CblasTrans, CblasNoTrans, loss->lambda, mo->W1, mo->W, 1.0,
			               mo->gW2);
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->X, mo->G, 0.0, mo->XG);
	} else {
		gemm_by_size(CblasTrans, CblasNoTrans, 1.0, mo->W1, mo->G, 0.0, mo->gW2);
	}

	double g1;
	if (uses_grams(mo)) { /* ||G W2^T||_F^2 = tr((G^T G)(W2^T W2)) */
		gsl_blas_dsyrk(CblasUpper, CblasTrans, 1.0, mo->G, 0.0, mo->GtG);
		gsl_blas_dsyrk(CblasUpper, CblasTrans, 1.0, mo->W2, 0.0, mo->W2tW2);
		symmetrize(mo->GtG);
		symmetrize(mo->W2tW2);
		g1 = trace_prod(mo->GtG, mo->W2tW2);
	} else {
		gemm_by_size(CblasNoTrans, CblasTrans, 1.0, mo->G, mo->W2, 0.0, mo->gW1);
		g1 = linalg_frob2_blas(mo->gW1);
	}
	*gnorm2 = g1 + linalg_frob2_blas(mo->gW2);
	return l;
}

/* W -= eta gW for two matrices allocated whole (contiguous). */
static void descend(gsl_matrix *W, const gsl_matrix *gW, double eta)
{
	gsl_vector_const_view g = gsl_vector_const_view_array(gW->data, gW->size1 * gW->size2);
	gsl_vector_view w = gsl_vector_view_array(W->data, W->size1 * W->size2);
	gsl_blas_daxpy(-eta, &g.vector, &w.vector);
}

void gd2_model_step(gd2_model *mo, double eta)
{
	if (mo->carry_P)
		gemm_by_size(CblasNoTrans, CblasTrans, -eta, mo->XG, mo->W2, 1.0, mo->P);
	if (uses_grams(mo))
		gemm_by_size(CblasNoTrans, CblasTrans, -eta, mo->G, mo->W2, 1.0, mo->W1);
	else
		descend(mo->W1, mo->gW1, eta);
	descend(mo->W2, mo->gW2, eta);
}

void gd2_model_refresh(gd2_model *mo)
{
	if (mo->carry_P)
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->X, mo->W1, 0.0, mo->P);
}

/* Symmetrizes the upper triangle a dsyrk wrote, then the extreme eigenvalues. */
static int extreme_eigs(gsl_matrix *S, gsl_vector *e, gsl_eigen_symm_workspace *ws,
                        double *lmin, double *lmax)
{
	symmetrize(S);
	int st = gsl_eigen_symm(S, e, ws);
	*lmin = fmax(gsl_vector_min(e), 0.0);
	*lmax = fmax(gsl_vector_max(e), 0.0);
	return st;
}

int gd2_model_spectra(gd2_model *mo, gd2_spectra *sp)
{
	double a0, a1, b0, b1, c0, c1;
	/* W1 W1^T (d x d); its smallest eigenvalue is sigma_min^2(W1) when h >= d. */
	gsl_blas_dsyrk(CblasUpper, CblasNoTrans, 1.0, mo->W1, 0.0, mo->Sdd);
	int st = extreme_eigs(mo->Sdd, mo->ed, mo->wsd, &a0, &a1);
	gsl_matrix_memcpy(mo->Smm, mo->W2tW2);
	if (!st)
		st = extreme_eigs(mo->Smm, mo->em, mo->wsm, &b0, &b1);
	/* W^T W (m x m): sigma_max(W); sigma_min(W) when m <= d. */
	gsl_blas_dsyrk(CblasUpper, CblasTrans, 1.0, mo->W, 0.0, mo->Smm);
	if (!st)
		st = extreme_eigs(mo->Smm, mo->em, mo->wsm, &c0, &c1);
	if (st)
		return st;
	sp->smin2T = (mo->h >= mo->d ? a0 : 0.0) + (mo->h >= mo->m ? b0 : 0.0);
	sp->smax2T = a1 + b1;
	sp->sminW = mo->m <= mo->d ? sqrt(c0) : 0.0;
	sp->smaxW = sqrt(c1);
	return GSL_SUCCESS;
}

void gd2_model_trial_prepare(gd2_model *mo, const gd2_loss *loss)
{
	/* W1(eta) W2(eta) = (W1 - eta G W2^T)(W2 - eta gW2)
	 *   = W - eta (W1 gW2 + G W2^T W2) + eta^2 G (W2^T gW2) = W - eta V1 + eta^2 V2,
	 * and X W(eta) = Z - eta Z1 + eta^2 Z2 with Z1 = X V1 = P gW2 + XG W2^T W2
	 * and Z2 = X V2 = XG (W2^T gW2). */
	gemm_by_size(CblasTrans, CblasNoTrans, 1.0, mo->W2, mo->gW2, 0.0, mo->Mmm);
	if (mo->carry_P) {
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->P, mo->gW2, 0.0, mo->Z1);
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->XG, mo->W2tW2, 1.0, mo->Z1);
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->XG, mo->Mmm, 0.0, mo->Z2);
	}
	if (!mo->carry_P || loss->kind == LOSS_LOGISTIC) {
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->W1, mo->gW2, 0.0, mo->V1);
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->G, mo->W2tW2, 1.0, mo->V1);
		gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, mo->G, mo->Mmm, 0.0, mo->V2);
	}
	if (!mo->carry_P) {
		times_x(mo, CblasNoTrans, mo->V1, mo->Z1);
		times_x(mo, CblasNoTrans, mo->V2, mo->Z2);
	}
}

static void quadratic_path(gsl_matrix *out, const gsl_matrix *A, const gsl_matrix *B,
                           const gsl_matrix *C, double eta)
{
	for (size_t i = 0; i < out->size1; i++) {
		double *o = out->data + i * out->tda;
		const double *a = A->data + i * A->tda, *b = B->data + i * B->tda;
		const double *c = C->data + i * C->tda;
		for (size_t j = 0; j < out->size2; j++)
			o[j] = a[j] - eta * b[j] + eta * eta * c[j];
	}
}

double gd2_model_trial_loss(gd2_model *mo, const gd2_loss *loss, double eta)
{
	quadratic_path(mo->Zt, mo->Z, mo->Z1, mo->Z2, eta);
	if (loss->kind == LOSS_LOGISTIC)
		quadratic_path(mo->Wt, mo->W, mo->V1, mo->V2, eta);
	return gd2_loss_eval(loss, mo->Zt, mo->Ys, mo->Wt, mo->Rt) + mo->lperp;
}
