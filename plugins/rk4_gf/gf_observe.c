/* gf_observe.c -- logged quantities along the flow (see gf_observe.h). */
#include "gf_observe.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sort_vector.h>

#include "../common/linalg.h"

int gf_observer_init(gf_observer *o, const gf_flow *f, const gsl_matrix *Q,
                     const gsl_matrix *N, const gsl_matrix *W1_0)
{
	const gf_data *g = f->g;
	size_t r = g->r, m = g->m, d = g->d, w = f->w;
	size_t k = Q ? Q->size2 : w, lo = r < m ? r : m, hi = r < m ? m : r;
	*o = (gf_observer){.f = f, .k = k, .Q = Q, .N = N, .W1_0 = W1_0};
	o->U1 = gsl_matrix_alloc(r, w);
	o->Ctop = gsl_matrix_alloc(r, k);
	o->Cbot = gsl_matrix_alloc(m, k);
	o->Lam = gsl_matrix_alloc(k, k);
	o->Lam0 = gsl_matrix_alloc(k, k);
	o->Lwork = gsl_matrix_alloc(k, k);
	o->Pr = gsl_matrix_alloc(r, m);
	o->Pd = gsl_matrix_alloc(d, m);
	o->Pt = gsl_matrix_alloc(r, m);
	o->Dh = f->mode == GF_FULL ? gsl_matrix_alloc(d, w) : NULL;
	o->Dtmp = f->mode == GF_FULL ? gsl_matrix_alloc(r, w) : NULL;
	o->eval = gsl_vector_alloc(k);
	o->ews = gsl_eigen_symm_alloc(k);
	o->sva = gsl_matrix_alloc(hi, lo);
	o->svv = gsl_matrix_alloc(lo, lo);
	o->svs = gsl_vector_alloc(lo);
	o->svw = gsl_vector_alloc(lo);
	o->grad = malloc(f->dim * sizeof *o->grad);
	if (!o->U1 || !o->Ctop || !o->Cbot || !o->Lam || !o->Lam0 || !o->Lwork || !o->Pr ||
	    !o->Pd || !o->Pt || (f->mode == GF_FULL && (!o->Dh || !o->Dtmp)) || !o->eval ||
	    !o->ews || !o->sva || !o->svv || !o->svs || !o->svw || !o->grad) {
		gf_observer_free(o);
		return GSL_ENOMEM;
	}
	o->lam_1 = gsl_pow_2(gsl_vector_get(g->s, 0));
	o->lam_r = gsl_pow_2(gsl_vector_get(g->s, r - 1));
	o->ysig_m = gf_observe_sigma(o, g->Ytil, m);
	o->ysig_r = gf_observe_sigma(o, g->Ytil, r);
	return GSL_SUCCESS;
}

void gf_observer_free(gf_observer *o)
{
	gsl_matrix *ms[] = {o->U1, o->Ctop, o->Cbot, o->Lam, o->Lam0, o->Lwork, o->Pr,
	                    o->Pd, o->Pt, o->Dh, o->Dtmp, o->sva, o->svv};
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		gsl_matrix_free(ms[i]);
	gsl_vector_free(o->eval);
	gsl_vector_free(o->svs);
	gsl_vector_free(o->svw);
	gsl_eigen_symm_free(o->ews);
	free(o->grad);
	*o = (gf_observer){0};
}

double gf_observe_sigma(gf_observer *o, const gsl_matrix *M, size_t i)
{
	size_t a = M->size1, b = M->size2, lo = a < b ? a : b;
	if (i == 0 || i > lo)
		return 0.0;
	if (a >= b)
		gsl_matrix_memcpy(o->sva, M);
	else
		gsl_matrix_transpose_memcpy(o->sva, M);
	gsl_linalg_SV_decomp(o->sva, o->svv, o->svs, o->svw);
	return gsl_vector_get(o->svs, i - 1);
}

/* Lambda in row-space coordinates: C^T S C = Ctop^T Ctop - Cbot^T Cbot. */
static void imbalance(gf_observer *o, const gsl_matrix *U1, const gsl_matrix *W2)
{
	if (o->Q) {
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, U1, o->Q, 0.0, o->Ctop);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, W2, o->Q, 0.0, o->Cbot);
	} else {
		gsl_matrix_memcpy(o->Ctop, U1);
		gsl_matrix_transpose_memcpy(o->Cbot, W2);
	}
	linalg_gram_diff(o->Ctop, o->Cbot, o->Lam);
}

/* c, Delta+, Delta- from the spectrum of Lambda (S1 S3.1, S2 eqs. 18-20). The
 * h - k eigenvalues outside the coordinates are zero. */
static void levels(gf_observer *o, gf_obs *out)
{
	size_t k = o->k, r = o->f->g->r, m = o->f->g->m, npos = 0, nneg = 0;
	gsl_matrix_memcpy(o->Lwork, o->Lam);
	gsl_eigen_symm(o->Lwork, o->eval, o->ews);
	gsl_sort_vector(o->eval); /* increasing */
	for (size_t i = 0; i < k; i++) {
		double l = gsl_vector_get(o->eval, i);
		npos += l > 0.0;
		nneg += l < 0.0;
	}
	double top = fmax(gsl_vector_get(o->eval, k - 1), 0.0);
	double bottom = fmax(-gsl_vector_get(o->eval, 0), 0.0);
	double lr = npos >= r ? gsl_vector_get(o->eval, k - r) : 0.0;
	double lm = nneg >= m ? -gsl_vector_get(o->eval, m - 1) : 0.0;
	out->c = lr + lm;
	out->delta_plus = top - lr;
	out->delta_minus = bottom - lm;
}

/* S2 eq. 17 with a = sigma_m(U1 V^T), b = sigma_r(U1 V^T); eq. 21 uses the
 * margins instead.  Both are lambda_r-free brackets. */
static double bracket(const gf_obs *ob, double a, double b)
{
	double c = ob->c, dp = ob->delta_plus, dm = ob->delta_minus;
	return -dp + sqrt(gsl_pow_2(dp + c) + 4.0 * a * a) - dm +
	       sqrt(gsl_pow_2(dm + c) + 4.0 * b * b);
}

int gf_observe(gf_observer *o, gf_flow *f, const double *y, gf_obs *out)
{
	const gf_data *g = f->g;
	size_t r = g->r, m = g->m, w = f->w, na = f->rows * w;
	gsl_matrix_const_view A = gsl_matrix_const_view_array(y, f->rows, w);
	gsl_matrix_const_view W2 = gsl_matrix_const_view_array(y + na, w, m);
	const gsl_matrix *U1 = &A.matrix;

	unsigned long evals = f->evals; /* logging is not part of the integration */
	gf_flow_rhs(0.0, y, o->grad, f);
	f->evals = evals;
	double g2 = 0.0;
	for (size_t i = 0; i < f->dim; i++)
		g2 += o->grad[i] * o->grad[i];

	if (f->mode == GF_FULL) {
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, g->Phi1, &A.matrix, 0.0, o->U1);
		U1 = o->U1;
	}
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, U1, &W2.matrix, 0.0, o->Pr);
	double e2 = 0.0; /* E = Ytil - S U1 W2 */
	for (size_t i = 0; i < r; i++)
		for (size_t j = 0; j < m; j++)
			e2 += gsl_pow_2(gsl_matrix_get(g->Ytil, i, j) -
			                gsl_vector_get(g->s, i) * gsl_matrix_get(o->Pr, i, j));
	out->excess = 0.5 * e2;
	out->grad2 = g2;
	out->rate = out->excess > 0.0 ? g2 / out->excess : 0.0;

	imbalance(o, U1, &W2.matrix);
	if (!o->have_lam0) {
		gsl_matrix_memcpy(o->Lam0, o->Lam);
		o->have_lam0 = 1;
	}
	out->drift = linalg_frob_diff(o->Lam, o->Lam0);
	levels(o, out);
	out->rate_bound = o->lam_r * bracket(out, gf_observe_sigma(o, o->Pr, m),
	                                     gf_observe_sigma(o, o->Pr, r));
	double enorm = sqrt(e2);
	out->c_margin = bracket(out, fmax(o->ysig_m - enorm, 0.0) / sqrt(o->lam_1),
	                        fmax(o->ysig_r - enorm, 0.0) / sqrt(o->lam_1));

	out->range_err = linalg_frob_diff(o->Pr, g->proj_target);
	if (f->mode == GF_FULL) {
		/* Independent path: form W1 W2 and split it by Phi1 directly. */
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &A.matrix, &W2.matrix, 0.0, o->Pd);
		out->dist = linalg_frob_diff(o->Pd, g->theta_hat);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, g->Phi1, o->Pd, 0.0, o->Pt);
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, g->Phi1, o->Pt, 1.0, o->Pd);
		out->null_norm = linalg_frob(o->Pd);
		gsl_matrix_memcpy(o->Dh, &A.matrix);
		gsl_matrix_sub(o->Dh, o->W1_0);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, g->Phi1, o->Dh, 0.0, o->Dtmp);
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, g->Phi1, o->Dtmp, 1.0, o->Dh);
		out->u2_drift = linalg_frob(o->Dh);
	} else {
		/* W1 W2 = Phi1 U1 W2 + N W2 with N = Phi2 U2(0) frozen (S1 eq. 14). */
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, o->N, &W2.matrix, 0.0, o->Pd);
		out->null_norm = linalg_frob(o->Pd);
		out->dist = hypot(out->range_err, out->null_norm);
		out->u2_drift = 0.0;
	}
	return GSL_SUCCESS;
}

int gf_observe_lemma1(gf_observer *o, const gf_flow *f, const double *y, double *z,
                      double *p)
{
	const gf_data *g = f->g;
	size_t r = g->r, m = g->m, d = g->d, w = f->w, na = f->rows * w;
	gsl_matrix_const_view A = gsl_matrix_const_view_array(y, f->rows, w);
	gsl_matrix_const_view W2 = gsl_matrix_const_view_array(y + na, w, m);
	int full = f->mode == GF_FULL; /* else N = o->N, frozen */
	gsl_matrix *Nfull = full ? gsl_matrix_alloc(d, w) : NULL, *U1N = gsl_matrix_alloc(r, d);
	gsl_matrix *tmp = gsl_matrix_alloc(r, w), *NW = gsl_matrix_alloc(d, m);
	int status = GSL_ENOMEM;
	if ((full && !Nfull) || !U1N || !tmp || !NW)
		goto out;
	const gsl_matrix *U1 = &A.matrix, *N = o->N;
	if (full) {
		gf_data_null_part(g, &A.matrix, tmp, Nfull);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, g->Phi1, &A.matrix, 0.0, tmp);
		U1 = tmp;
		N = Nfull;
	}
	/* ||V U2^T|| = ||Phi2 U2 W2|| = ||N W2||, ||U1 U2^T|| = ||U1 N^T||. */
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, N, &W2.matrix, 0.0, NW);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, U1, N, 0.0, U1N);
	*z = hypot(linalg_frob(NW), linalg_frob(U1N));
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, U1, &W2.matrix, 0.0, o->Pr);
	*p = linalg_frob(o->Pr);
	status = GSL_SUCCESS;
out:
	gsl_matrix_free(Nfull);
	gsl_matrix_free(U1N);
	gsl_matrix_free(tmp);
	gsl_matrix_free(NW);
	return status;
}
