/* constants.c -- once per run: K, mu, W*, the spectrum of D(0) (through the
 * k x k matrix of imbalance.c), beta1, beta2, alpha1, alpha2, eta0 (TMLR)
 * and p1, p2, alpha0, beta0, a1..a4, eta_max (AISTATS). */
#include "state.h"
#include "tables.h"

#include "../common/linalg.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

/* L must be accurate to 1e-4 relative before the per-step checks use it. */
#define CHECK_DIGITS 1e4

/* Singular values of A (decreasing, min(rows, cols) of them) into sv. */
static int singular_values(const gsl_matrix *A, gsl_vector *sv)
{
	int tall = A->size1 >= A->size2;
	size_t r = tall ? A->size1 : A->size2, c = sv->size;
	gsl_matrix *B = gsl_matrix_alloc(r, c), *V = gsl_matrix_alloc(c, c);
	gsl_vector *work = gsl_vector_alloc(c);
	int st = GSL_ENOMEM;
	if (B && V && work) {
		if (tall)
			gsl_matrix_memcpy(B, A);
		else
			gsl_matrix_transpose_memcpy(B, A);
		st = gsl_linalg_SV_decomp(B, V, sv, work);
	}
	gsl_matrix_free(B);
	gsl_matrix_free(V);
	gsl_vector_free(work);
	return st;
}

static int needs_tmlr(const gd2_state *s)
{
	return s->stats_full || s->rule == RULE_ETA0 || s->rule == RULE_RHO ||
	       s->rule == RULE_RHOBAR;
}

static int needs_aistats(const gd2_state *s)
{
	return (s->stats_full && s->loss.kind == LOSS_SQUARED) || s->rule == RULE_XU_FIXED ||
	       s->rule == RULE_XU_ADAPTIVE || s->rule == RULE_ARORA;
}

/* sigma_min, sigma_max of W* and ||W(0) - W*||_F; W(0) is left in mo->W. */
static int wstar_numbers(gd2_state *s, double *smin, double *smax, double *dist)
{
	gd2_model *mo = &s->mo;
	size_t q = mo->d < mo->m ? mo->d : mo->m;
	gsl_vector *sv = gsl_vector_alloc(q);
	if (!sv)
		return GSL_ENOMEM;
	int st = singular_values(s->Wstar, sv);
	*smax = gsl_vector_get(sv, 0);
	*smin = gsl_vector_get(sv, q - 1);
	gsl_vector_free(sv);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo->W1_0, mo->W2_0, 0.0, mo->W);
	gsl_matrix_sub(mo->W, s->Wstar);
	*dist = linalg_frob(mo->W);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo->W1_0, mo->W2_0, 0.0, mo->W);
	return st;
}

static int tmlr_init(gd2_state *s, lindyn_host *h)
{
	if (!(s->loss.mu > 0.0))
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "the local-PL constants (rule=eta0|rho|rhobar, stats=full) need a "
		                    "strongly convex l: n >= d and X of full column rank");
	double smin, smax, dist;
	int st = wstar_numbers(s, &smin, &smax, &dist);
	if (!st)
		st = gd2_tmlr_init(&s->tmlr, s->solver, s->loss.K, s->loss.mu, s->L0, h->get_real(h, "c_exp"),
		                   h->get_real(h, "d_exp"), &s->levels, smin, smax, dist);
	if (st == GSL_EDOM)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC,
		                    "alpha1 = %g <= 0: Theorem 3.2 gives no step size for this draw "
		                    "(needs h >= d + m and a nonzero imbalance or margin)", s->tmlr.alpha1);
	if (st)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "solving eq. (101)/(102) for eta0 failed: %s",
		                    gsl_strerror(st));
	if (!s->tmlr.eta02_found)
		h->log(h, LINDYN_LOG_DEBUG, "eq. (102) has no positive root below %g: eta0^(2) = infinity",
		       fmin(s->tmlr.eta01, s->tmlr.eta03));
	s->have_tmlr = 1;
	return LINDYN_OK;
}

static int aistats_init(gd2_state *s, lindyn_host *h)
{
	if (s->loss.kind != LOSS_SQUARED)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "rule=xu_fixed|xu_adaptive|arora need loss=squared");
	const gd2_model *mo = &s->mo;
	double smin = gsl_vector_get(mo->sx, mo->r - 1), smax = gsl_vector_get(mo->sx, 0);
	int st = gd2_aistats_init(&s->ais, s->solver, smin, smax, s->L0, h->get_real(h, "c1"),
	                          h->get_real(h, "c2"), &s->levels, s->sminY, s->normY, s->normE0);
	if (st == GSL_EDOM)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC,
		                    "alpha0 = %g <= 0: AISTATS Theorem 3.1 gives no step size for this draw",
		                    s->ais.alpha0);
	if (st)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "solving eq. (29) for eta_max: %s",
		                    st == GSL_EDOM ? "no positive root" : gsl_strerror(st));
	if (s->rule == RULE_ARORA && !(s->ais.p1 > 0.0))
		return LINDYN_ERROR(h, LINDYN_ENUMERIC,
		                    "rule=arora needs a positive margin p1 (sigma_min(Y) > ||Y - X W(0)||_F)");
	s->have_ais = 1;
	return LINDYN_OK;
}

int gd2_constants_init(gd2_state *s, lindyn_host *h)
{
	gd2_model *mo = &s->mo;
	int st = gd2_loss_setup(&s->loss, mo, s->Wstar);
	if (st)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "minimizing l for W* failed: %s", gsl_strerror(st));
	double g2;
	s->L0 = gd2_model_gradient(mo, &s->loss, &g2);

	size_t q = mo->n < mo->m ? mo->n : mo->m;
	gsl_vector *sy = gsl_vector_alloc(q);
	if (!sy)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
	st = singular_values(mo->Y, sy);
	s->sminY = gsl_vector_get(sy, q - 1);
	s->rankY = 0;
	for (size_t i = 0; i < q; i++)
		s->rankY += gsl_vector_get(sy, i) > DBL_EPSILON * (double)(mo->n > mo->m ? mo->n : mo->m) *
		                                            gsl_vector_get(sy, 0);
	gsl_vector_free(sy);
	if (st)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "SVD of Y failed: %s", gsl_strerror(st));
	s->normY = linalg_frob(mo->Y);
	s->normE0 = gd2_model_residual_norm(mo);

	/* L = 1/2||R||^2 carries an absolute error ~ eps ||Y|| ||R||; the checks
	 * use steps where that is below 1e-4 relative.  The logistic loss loses
	 * eps (l* + n m) to the subtraction of l*. */
	double e = CHECK_DIGITS * DBL_EPSILON;
	s->floor = s->loss.kind == LOSS_SQUARED ? 0.5 * pow(e * s->normY, 2)
	                                        : e * (s->loss.lstar + (double)(mo->n * mo->m));
	double w1 = linalg_frob(mo->W1_0), w2 = linalg_frob(mo->W2_0);
	s->drift_tol = 64 * DBL_EPSILON * (double)mo->k * (w1 * w1 + w2 * w2);

	if (needs_tmlr(s) && (st = tmlr_init(s, h)))
		return st;
	if (needs_aistats(s) && (st = aistats_init(s, h)))
		return st;
	return LINDYN_OK;
}

/* Lemma A.2 checked independently at t = 0: the extreme eigenvalues of the
 * (d m) x (d m) matrix of U -> W1 W1^T U + U W2^T W2 (I_m (x) W1 W1^T +
 * W2^T W2 (x) I_d) against sigma^2_min/max(W1) + sigma^2_min/max(W2) from
 * the small Gram matrices; relative error, -1 when d m > LEMMA_A2_MAX. */
#define LEMMA_A2_MAX 900

static double lemma_a2_error(gd2_state *s)
{
	gd2_model *mo = &s->mo;
	size_t d = mo->d, m = mo->m, q = d * m;
	if (q > LEMMA_A2_MAX)
		return -1.0;
	double g2;
	int want_W = mo->want_W, want_grams = mo->want_grams;
	mo->want_W = mo->want_grams = 1; /* W2^T W2 and W at the current (initial) point */
	gd2_model_gradient(mo, &s->loss, &g2);
	mo->want_W = want_W;
	mo->want_grams = want_grams;
	gd2_spectra sp;
	gsl_matrix *A = gsl_matrix_calloc(q, q), *B = gsl_matrix_alloc(d, d);
	gsl_vector *e = gsl_vector_alloc(q);
	gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(q);
	double err = -1.0;
	if (A && B && e && ws && !gd2_model_spectra(mo, &sp)) {
		gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, mo->W1, mo->W1, 0.0, B);
		/* vec(U) stacks the columns of U: index i + d j for U_ij */
		for (size_t j = 0; j < m; j++)
			for (size_t i = 0; i < d; i++)
				for (size_t i2 = 0; i2 < d; i2++)
					gsl_matrix_set(A, i + d * j, i2 + d * j, gsl_matrix_get(B, i, i2));
		for (size_t j = 0; j < m; j++)
			for (size_t j2 = 0; j2 < m; j2++)
				for (size_t i = 0; i < d; i++)
					*gsl_matrix_ptr(A, i + d * j, i + d * j2) += gsl_matrix_get(mo->W2tW2, j, j2);
		if (!gsl_eigen_symm(A, e, ws)) {
			double lo = gsl_vector_min(e), hi = gsl_vector_max(e);
			err = fmax(fabs(lo - sp.smin2T), fabs(hi - sp.smax2T)) / sp.smax2T;
		}
	}
	gsl_matrix_free(A);
	gsl_matrix_free(B);
	gsl_vector_free(e);
	gsl_eigen_symm_free(ws);
	return err;
}

/* Table d0_spectrum: the k nonzero-candidate eigenvalues of D(0), decreasing,
 * from the k x k matrix of imbalance.c (the other h - k are 0). */
static int emit_spectrum(gd2_state *s, lindyn_host *h)
{
	lindyn_table *t = h->table(h, "d0_spectrum", NULL);
	if (!t)
		return LINDYN_EINVAL;
	int st = LINDYN_OK;
	for (size_t i = 0; i < s->mo.k && !st; i++) {
		double row[] = { (double)(i + 1), gsl_vector_get(s->mo.eigD0, i) };
		st = h->rowv(t, COLUMN_COUNT(GD2_D0_SPECTRUM), row);
	}
	return st;
}

/* Tables tmlr and aistats: one row each, led by step = 0 so that runs of
 * several seeds aggregate (the first column must agree); d0_spectrum; and
 * W* as wstar.npy when weights are saved. */
int gd2_constants_emit(gd2_state *s, lindyn_host *h)
{
	int st;
	if (s->have_tmlr || s->have_ais) {
		if ((st = emit_spectrum(s, h)))
			return st;
		if (s->save_weights &&
		    (st = h->npy_write(h, "wstar", s->mo.d, s->mo.m, s->Wstar->data)))
			return st;
	}
	if (s->have_tmlr) {
		const gd2_tmlr *T = &s->tmlr;
		lindyn_table *t = h->table(h, "tmlr", NULL);
		if (!t)
			return LINDYN_EINVAL;
		double kinf = T->K * exp(sqrt(T->eta0)) * T->alpha2; /* Kbar_t as t -> infinity */
		double row[] = { 0.0, T->K, T->mu, s->loss.lstar, T->L0, T->alpha1, T->alpha2,
		                 T->alpha1 / T->alpha2, T->beta1, T->beta2, T->lv.lam_plus,
		                 T->lv.lam_minus, T->lv.delta, T->lv.delta_plus, T->lv.delta_minus,
		                 T->eta01, T->eta02, T->eta02_found, T->eta03, T->eta0, T->mu_bar,
		                 T->rhobar0, gd2_tmlr_Kbar(T, 0), kinf, T->sig_lo, T->sig_hi,
		                 T->sminWs, T->smaxWs, T->dist0, s->floor, lemma_a2_error(s) };
		_Static_assert(sizeof row / sizeof row[0] == COLUMN_COUNT(GD2_TMLR), "tmlr columns");
		if ((st = h->rowv(t, COLUMN_COUNT(GD2_TMLR), row)))
			return st;
	}
	if (s->have_ais) {
		const gd2_aistats *A = &s->ais;
		lindyn_table *t = h->table(h, "aistats", NULL);
		if (!t)
			return LINDYN_EINVAL;
		double a[5];
		gd2_aistats_coeffs(A, A->L0, a);
		double row[] = { 0.0, A->kappa, A->sminX, A->smaxX, A->L0, A->p1, A->p2, A->alpha0,
		                 A->beta0, A->alpha0 / A->beta0, a[1], a[2], a[3], a[4], A->etamax1,
		                 A->etamax2, A->etamax, gd2_aistats_f(A, A->L0, A->etamax),
		                 1 - 1 / A->kappa, s->normY, s->sminY, s->rankY, s->normE0 };
		_Static_assert(sizeof row / sizeof row[0] == COLUMN_COUNT(GD2_AISTATS), "aistats columns");
		return h->rowv(t, COLUMN_COUNT(GD2_AISTATS), row);
	}
	return LINDYN_OK;
}
