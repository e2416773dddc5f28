/* loss.c -- the losses l(W) on the end-to-end matrix, as functions of
 * Z = X W:
 *   squared   l = 1/2 ||Z - Y||_F^2                       K = s_max(X)^2, mu = s_min(X)^2
 *   logistic  l = sum_ij log(1 + exp(-s_ij Z_ij)) + lambda/2 ||W||_F^2,
 *             s_ij = sign(Y_ij) (0 counts as +1)         K = s_max(X)^2/4 + lambda, mu = lambda
 * (the logistic curvature in Z is sigma(1 - sigma) <= 1/4; lambda is the
 * only curvature bounded away from 0).  Both are reported minus l*. */
#include "gd2.h"

#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

static double label(double y)
{
	return y >= 0.0 ? 1.0 : -1.0;
}

/* log(1 + exp(u)) without overflow. */
static double softplus(double u)
{
	return u > 0.0 ? u + log1p(exp(-u)) : log1p(exp(u));
}

double gd2_loss_eval(const gd2_loss *loss, const gsl_matrix *Z, const gsl_matrix *Y,
                     const gsl_matrix *W, gsl_matrix *R)
{
	double l = 0.0;
	for (size_t i = 0; i < Z->size1; i++) {
		const double *z = Z->data + i * Z->tda, *y = Y->data + i * Y->tda;
		double *r = R->data + i * R->tda;
		if (loss->kind == LOSS_SQUARED) {
			for (size_t j = 0; j < Z->size2; j++) {
				r[j] = z[j] - y[j];
				l += 0.5 * r[j] * r[j];
			}
		} else {
			for (size_t j = 0; j < Z->size2; j++) {
				double s = label(y[j]), u = -s * z[j];
				l += softplus(u);
				r[j] = -s / (1.0 + exp(-u));
			}
		}
	}
	if (loss->kind == LOSS_LOGISTIC) {
		double w2 = 0.0;
		for (size_t i = 0; i < W->size1; i++) {
			const double *w = W->data + i * W->tda;
			for (size_t j = 0; j < W->size2; j++)
				w2 += w[j] * w[j];
		}
		l += 0.5 * loss->lambda * w2;
	}
	return l - loss->lstar;
}

/* Column j of the logistic objective at w: sum_i softplus(-s_ij x_i^T w)
 * + lambda/2 ||w||^2; with g, H non-NULL also its gradient and Hessian. */
static double logistic_column(const gd2_loss *loss, const gd2_model *mo, size_t j,
                              const gsl_vector *w, gsl_vector *z, gsl_vector *g,
                              gsl_matrix *H, gsl_matrix *Xc)
{
	gsl_blas_dgemv(CblasNoTrans, 1.0, mo->X, w, 0.0, z);
	double f;
	gsl_blas_ddot(w, w, &f);
	f *= 0.5 * loss->lambda;
	if (g) {
		gsl_vector_memcpy(g, w);
		gsl_vector_scale(g, loss->lambda);
		gsl_matrix_memcpy(Xc, mo->X);
	}
	for (size_t i = 0; i < mo->n; i++) {
		double s = label(gsl_matrix_get(mo->Y, i, j)), u = -s * gsl_vector_get(z, i);
		double sig = 1.0 / (1.0 + exp(-u));
		f += softplus(u);
		if (g) {
			gsl_vector_const_view xi = gsl_matrix_const_row(mo->X, i);
			gsl_blas_daxpy(-s * sig, &xi.vector, g);
			gsl_vector_view ri = gsl_matrix_row(Xc, i);
			gsl_vector_scale(&ri.vector, sqrt(sig * (1.0 - sig)));
		}
	}
	if (H) {
		gsl_matrix_set_identity(H);
		gsl_blas_dsyrk(CblasLower, CblasTrans, 1.0, Xc, loss->lambda, H);
	}
	return f;
}

#define NEWTON_MAXITER 100

/* W* of the l2-regularized logistic loss, column by column, by damped
 * Newton (the objective is lambda-strongly convex); returns l*. */
static int logistic_minimize(gd2_loss *loss, const gd2_model *mo, gsl_matrix *Wstar)
{
	size_t n = mo->n, d = mo->d;
	gsl_vector *z = gsl_vector_alloc(n), *g = gsl_vector_alloc(d), *p = gsl_vector_alloc(d);
	gsl_vector *wt = gsl_vector_alloc(d);
	gsl_matrix *H = gsl_matrix_alloc(d, d), *Xc = gsl_matrix_alloc(n, d);
	int status = GSL_ENOMEM;
	if (!z || !g || !p || !wt || !H || !Xc)
		goto out;
	gsl_matrix_set_zero(Wstar);
	loss->lstar = 0.0;
	for (size_t j = 0; j < mo->m; j++) {
		gsl_vector_view w = gsl_matrix_column(Wstar, j);
		double f = 0.0;
		status = GSL_EMAXITER;
		for (int it = 0; it < NEWTON_MAXITER; it++) {
			f = logistic_column(loss, mo, j, &w.vector, z, g, H, Xc);
			int st = gsl_linalg_cholesky_decomp1(H);
			if (!st)
				st = gsl_linalg_cholesky_solve(H, g, p);
			if (st) {
				status = st;
				goto out;
			}
			double dec;
			gsl_blas_ddot(g, p, &dec); /* Newton decrement^2 */
			if (dec <= 4 * GSL_DBL_EPSILON * GSL_DBL_EPSILON * (1.0 + f * f)) {
				status = GSL_SUCCESS;
				break;
			}
			double t = 1.0, ft;
			for (;;) { /* Armijo backtracking along the Newton direction */
				gsl_vector_memcpy(wt, &w.vector);
				gsl_blas_daxpy(-t, p, wt);
				ft = logistic_column(loss, mo, j, wt, z, NULL, NULL, Xc);
				if (ft <= f - 0.25 * t * dec || t < 1e-12)
					break;
				t *= 0.5;
			}
			if (!(ft < f)) { /* no decrease left at this precision */
				status = GSL_SUCCESS;
				break;
			}
			gsl_vector_memcpy(&w.vector, wt);
		}
		if (status)
			goto out;
		loss->lstar += logistic_column(loss, mo, j, &w.vector, z, NULL, NULL, Xc);
	}
out:
	gsl_vector_free(z);
	gsl_vector_free(g);
	gsl_vector_free(p);
	gsl_vector_free(wt);
	gsl_matrix_free(H);
	gsl_matrix_free(Xc);
	return status;
}

/* Least squares W* = argmin ||Y - X W|| (n >= d) by QR, column by column. */
static int squared_minimize(gd2_loss *loss, const gd2_model *mo, gsl_matrix *Wstar)
{
	size_t n = mo->n, d = mo->d;
	gsl_matrix *QR = gsl_matrix_alloc(n, d);
	gsl_vector *tau = gsl_vector_alloc(d), *res = gsl_vector_alloc(n), *x = gsl_vector_alloc(d);
	int status = GSL_ENOMEM;
	if (QR && tau && res && x) {
		gsl_matrix_memcpy(QR, mo->X);
		status = gsl_linalg_QR_decomp(QR, tau);
		double r2 = 0.0;
		for (size_t j = 0; j < mo->m && !status; j++) {
			gsl_vector_const_view y = gsl_matrix_const_column(mo->Y, j);
			status = gsl_linalg_QR_lssolve(QR, tau, &y.vector, x, res);
			gsl_matrix_set_col(Wstar, j, x);
			r2 += gsl_blas_dnrm2(res) * gsl_blas_dnrm2(res);
		}
		/* A square X of full rank fits Y exactly: l* = 0, not rounding noise. */
		loss->lstar = n == d ? 0.0 : 0.5 * r2;
	}
	gsl_matrix_free(QR);
	gsl_vector_free(tau);
	gsl_vector_free(res);
	gsl_vector_free(x);
	return status;
}

int gd2_loss_setup(gd2_loss *loss, const gd2_model *mo, gsl_matrix *Wstar)
{
	double s1 = gsl_vector_get(mo->sx, 0), sr = gsl_vector_get(mo->sx, mo->r - 1);
	if (loss->kind == LOSS_LOGISTIC) {
		loss->K = 0.25 * s1 * s1 + loss->lambda;
		loss->mu = loss->lambda;
		return logistic_minimize(loss, mo, Wstar);
	}
	loss->K = s1 * s1;
	loss->lstar = 0.0; /* n <= d: X has full row rank and fits Y exactly */
	if (mo->n < mo->d) {
		loss->mu = 0.0;
		gsl_matrix_set_zero(Wstar);
		return GSL_SUCCESS;
	}
	loss->mu = sr * sr;
	return squared_minimize(loss, mo, Wstar);
}
