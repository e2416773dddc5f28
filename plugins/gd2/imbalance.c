/* imbalance.c -- the imbalance D = W1^T W1 - W2 W2^T (h x h) through
 * k x k matrices, k = min(h, r + m).
 *
 * GD moves W1 by -eta G W2^T and W2^T by -eta G^T W1, so the rows of W1 and
 * W2^T stay in the span of the rows of [W1(0); W2(0)^T].  For the squared
 * loss G = X^T R lies in the row space of X, so only U1 = Phi1^T W1 moves
 * and W1^T W1 - U1^T U1 is constant (S1 eq. 7: U2 is frozen); the drift
 * D(t) - D(0) then equals U1^T U1 - W2 W2^T - (its value at 0), whose rows
 * stay in the span of [U1(0); W2(0)^T] -- dimension r + m.  With Q0 an
 * orthonormal basis of that span, D(t) - D(0) = Q0 (Dt - D0) Q0^T.  The
 * nonzero spectrum of D(0) = A^T J A (A = [U1(0); W2(0)^T],
 * J = diag(I_r, -I_m)) is that of D0 = (A Q0)^T J (A Q0): the spec's
 * G^{1/2} J G^{1/2} in another basis, without a matrix square root. */
#include "gd2.h"

#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sort_vector.h>

#include "../common/linalg.h"

/* Dt = U1Q^T U1Q - W2Q^T W2Q with U1Q = Phi1^T W1 Q0 (or W1 Q0), W2Q = W2^T Q0. */
static void reduced_imbalance(gd2_model *mo, const gsl_matrix *W1, const gsl_matrix *W2,
                              gsl_matrix *Dt)
{
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, W1, mo->Q0, 0.0, mo->W1Q);
	const gsl_matrix *U1Q = mo->W1Q;
	if (mo->r < mo->d) {
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo->Phi1, mo->W1Q, 0.0, mo->U1Q);
		U1Q = mo->U1Q;
	}
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, W2, mo->Q0, 0.0, mo->W2Q);
	linalg_gram_diff_syrk(U1Q, mo->W2Q, Dt);
}

/* Q0 = thin Q of the QR factorization of [U1(0)^T  W2(0)] (h x (r+m)):
 * Householder QR, then Q applied to the first k unit vectors. */
static int build_basis(gd2_model *mo)
{
	size_t h = mo->h, r = mo->r, m = mo->m, k = mo->k;
	if (h <= r + m) {
		gsl_matrix_set_identity(mo->Q0);
		return GSL_SUCCESS;
	}
	gsl_matrix *A = gsl_matrix_alloc(h, k), *U1t = gsl_matrix_alloc(r, h);
	gsl_vector *tau = gsl_vector_alloc(k);
	int status = GSL_ENOMEM;
	if (A && U1t && tau) {
		gsl_matrix_view Au = gsl_matrix_submatrix(A, 0, 0, h, r);
		gsl_matrix_view Av = gsl_matrix_submatrix(A, 0, r, h, m);
		if (r < mo->d) {
			gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo->Phi1, mo->W1_0, 0.0, U1t);
			gsl_matrix_transpose_memcpy(&Au.matrix, U1t);
		} else {
			gsl_matrix_transpose_memcpy(&Au.matrix, mo->W1_0);
		}
		gsl_matrix_memcpy(&Av.matrix, mo->W2_0);
		status = gsl_linalg_QR_decomp(A, tau);
		gsl_matrix_set_zero(mo->Q0);
		for (size_t j = 0; j < k && !status; j++) {
			gsl_vector_view q = gsl_matrix_column(mo->Q0, j);
			gsl_vector_set(&q.vector, j, 1.0);
			status = gsl_linalg_QR_Qvec(A, tau, &q.vector);
		}
	}
	gsl_matrix_free(A);
	gsl_matrix_free(U1t);
	gsl_vector_free(tau);
	return status;
}

int gd2_imbalance_init(gd2_model *mo)
{
	int status = build_basis(mo);
	if (status)
		return status;
	reduced_imbalance(mo, mo->W1_0, mo->W2_0, mo->D0);
	gsl_matrix_memcpy(mo->Dprev, mo->D0);
	size_t k = mo->k;
	gsl_matrix *A = gsl_matrix_alloc(k, k);
	gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(k);
	status = GSL_ENOMEM;
	if (A && ws) {
		gsl_matrix_memcpy(A, mo->D0);
		status = gsl_eigen_symm(A, mo->eigD0, ws);
		if (!status) {
			gsl_sort_vector(mo->eigD0);
			gsl_vector_reverse(mo->eigD0);
		}
	}
	gsl_matrix_free(A);
	gsl_eigen_symm_free(ws);
	return status;
}

void gd2_imbalance_levels(const gd2_model *mo, gd2_levels *out)
{
	const gsl_vector *e = mo->eigD0;
	size_t k = e->size, p = mo->r, q = mo->m;
	/* D(0) has h - k further zero eigenvalues, which max(., 0) absorbs. */
	double lp = p <= k ? fmax(gsl_vector_get(e, p - 1), 0.0) : 0.0;    /* [lambda_p(D)]_+ */
	double lq = q <= k ? fmax(-gsl_vector_get(e, k - q), 0.0) : 0.0;   /* [lambda_q(-D)]_+ */
	out->lam_plus = fmax(gsl_vector_get(e, 0), 0.0);
	out->lam_minus = fmax(-gsl_vector_get(e, k - 1), 0.0);
	out->delta = lp + lq;
	out->delta_plus = out->lam_plus - lp;
	out->delta_minus = out->lam_minus - lq;
}

double gd2_imbalance_drift(gd2_model *mo, double *step)
{
	reduced_imbalance(mo, mo->W1, mo->W2, mo->Dt);
	if (step) {
		*step = linalg_frob_diff(mo->Dt, mo->Dprev);
		gsl_matrix_memcpy(mo->Dold, mo->Dprev);
		gsl_matrix_memcpy(mo->Dprev, mo->Dt);
	}
	return linalg_frob_diff(mo->Dt, mo->D0);
}

/* eq. (131) in the basis Q0: D(t+1) - D(t) = eta^2 (W2 G^T G W2^T - W1^T G G^T W1)
 * (h x h), i.e. eta^2 (W2Q^T (G^T G) W2Q - (G^T W1Q)^T (G^T W1Q)) with
 * W1Q = W1 Q0, W2Q = W2^T Q0 (needs r == d: the full row space).  Uses the
 * gradient products of the current step; writes Dpred. */
void gd2_imbalance_predict(gd2_model *mo, double eta)
{
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo->W1, mo->Q0, 0.0, mo->W1Q);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo->W2, mo->Q0, 0.0, mo->W2Q);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo->G, mo->W1Q, 0.0, mo->GQ); /* m x k */
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo->GtG, mo->W2Q, 0.0, mo->GW2Q);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, eta * eta, mo->W2Q, mo->GW2Q, 0.0, mo->Dpred);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, -eta * eta, mo->GQ, mo->GQ, 1.0, mo->Dpred);
}

double gd2_imbalance_predict_error(const gd2_model *mo, double tol)
{
	/* called after gd2_imbalance_drift(mo, &step): Dt is D(t+1), Dprev too */
	double e = 0.0, p = 0.0;
	for (size_t i = 0; i < mo->k; i++)
		for (size_t j = 0; j < mo->k; j++) {
			double pr = gsl_matrix_get(mo->Dpred, i, j);
			double v = gsl_matrix_get(mo->Dt, i, j) - gsl_matrix_get(mo->Dold, i, j) - pr;
			e += v * v;
			p += pr * pr;
		}
	return sqrt(e) / (sqrt(p) + tol);
}
