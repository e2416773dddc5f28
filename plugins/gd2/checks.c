/* checks.c -- the TMLR/AISTATS columns of the loss table and the running
 * checks over every step (see checks.h for why they are computed here). */
#include "checks.h"

#include <string.h>

#include "tables.h"

/* Relative tolerance of the running checks: L is accurate to ~1e-4 above
 * the floor (constants.c), so an inequality holds when it holds to 1e-3. */
#define CHECK_TOL 1e-3

/* The TMLR columns of row k; updates the running checks (Theorem 3.1
 * eqs. 9-12, Lemma E.2 / eq. 131, Lemma 3.1, eqs. 16-17 and 20). */
size_t gd2_checks_tmlr(gd2_state *s, gd2_tracker *tr, long k, double l, double g2, double eta,
                           const gd2_spectra *sp, double drift_step, double *row)
{
	const gd2_tmlr *T = &s->tmlr;
	double mu_t = s->loss.mu * sp->smin2T;                      /* eq. (11) */
	double K_t = gd2_tmlr_Kt(T, l, sp->smax2T, sp->smaxW, eta); /* eq. (12) */
	double Kbar = gd2_tmlr_Kbar(T, (double)k);
	double rho = gd2_tmlr_rho(mu_t, K_t, eta), rhobar = gd2_tmlr_rhobar(T, (double)k, eta);
	double bound_eta0 = T->L0 * pow(T->rhobar0, (double)k);      /* eq. (17) */
	if (tr->have_prev && tr->prev_L > s->floor && l > s->floor) {
		double pL = tr->prev_L, pe = tr->prev_eta;
		/* descent lemma: L(t+1) <= L(t) - (eta - K_t eta^2 / 2) ||grad L(t)||^2 */
		tr->min_desc = fmin(tr->min_desc,
		                    (pL - (pe - 0.5 * tr->prev_K * pe * pe) * tr->prev_g2 - l) / pL);
		if (pe * tr->prev_K < 2.0) /* eq. (10) */
			tr->min_rho_gap = fmin(tr->min_rho_gap, (tr->prev_rho * pL - l) / pL);
	}
	if (tr->have_prev) {
		/* Lemma E.2: ||D(t+1) - D(t)||_F <= 2 K eta^2 sigma_max^2(T) L(t) */
		double b = 2 * s->loss.K * tr->prev_eta * tr->prev_eta * tr->prev_s2T * tr->prev_L +
		           s->drift_tol;
		tr->min_drift_slack = fmin(tr->min_drift_slack, (b - drift_step) / b);
		tr->max_eq131 = fmax(tr->max_eq131, gd2_imbalance_predict_error(&s->mo, s->drift_tol));
		tr->min_eta_incr = fmin(tr->min_eta_incr, (eta - tr->prev_eta) / tr->prev_eta);
	}
	if (l > s->floor) {
		tr->min_pl = fmin(tr->min_pl, g2 / (2 * mu_t * l)); /* eq. (9) */
		tr->max_r_rho = fmax(tr->max_r_rho, l / tr->bound_rho);
		tr->max_r_rhobar = fmax(tr->max_r_rhobar, l / tr->bound_rhobar);
		tr->max_r_eta0 = fmax(tr->max_r_eta0, l / bound_eta0);
	}
	/* Lemma 3.1 (22)-(23) and mu_bar <= mu_t <= K_t <= Kbar_t (Theorem 3.2) */
	double lo = 1 - CHECK_TOL, hi = 1 + CHECK_TOL;
	tr->ok_lemma31 &= sp->smin2T >= lo * T->sig_lo && sp->smax2T <= hi * T->sig_hi &&
	                  sp->sminW >= lo * T->beta1 && sp->smaxW <= hi * T->beta2;
	tr->ok_mubar &= T->mu_bar <= hi * mu_t;
	tr->ok_kbar &= K_t <= hi * Kbar;
	double v[] = { mu_t, K_t, Kbar, rho, rhobar, tr->bound_rho, tr->bound_rhobar, bound_eta0,
	               tr->lg_rho, tr->lg_rhobar, gd2_log10_pos(T->L0) + (double)k * gd2_log10_pos(T->rhobar0),
	               sp->smin2T, sp->smax2T, sp->sminW, sp->smaxW, drift_step, tr->min_pl,
	               tr->min_desc, tr->min_rho_gap, tr->min_drift_slack, tr->max_r_rho,
	               tr->max_r_rhobar, tr->max_r_eta0, tr->min_eta_incr, tr->max_eq131,
	               tr->min_pl >= lo, tr->min_desc >= -CHECK_TOL, tr->min_rho_gap >= -CHECK_TOL,
	               tr->min_drift_slack >= 0.0, tr->max_r_rho <= hi, tr->max_r_rhobar <= hi,
	               tr->max_r_eta0 <= hi, tr->ok_lemma31, tr->ok_mubar, tr->ok_kbar,
	               tr->min_eta_incr >= -CHECK_TOL };
	_Static_assert(sizeof v / sizeof v[0] == COLUMN_COUNT(GD2_LOSS_TMLR), "TMLR columns of loss");
	memcpy(row, v, sizeof v);
	/* for the next step */
	tr->bound_rho *= rho;
	tr->bound_rhobar *= rhobar;
	tr->lg_rho += gd2_log10_pos(rho);
	tr->lg_rhobar += gd2_log10_pos(rhobar);
	tr->prev_K = K_t;
	tr->prev_rho = rho;
	tr->prev_s2T = sp->smax2T;
	return COLUMN_COUNT(GD2_LOSS_TMLR);
}

/* The AISTATS columns: f(eta_t, t) (eq. 26), prod f L(0) and f(eta_0, 0)^t L(0)
 * (eq. 32), L(t+1) <= f L(t) (Theorem 3.2) and f >= 1 - 1/kappa (Prop. 3.1). */
size_t gd2_checks_aistats(gd2_state *s, gd2_tracker *tr, long k, double l, double eta,
                              double *row)
{
	const gd2_aistats *A = &s->ais;
	double f = gd2_aistats_f(A, l, eta);
	if (k == 0)
		tr->f_first = f;
	double bound_f0 = A->L0 * pow(tr->f_first, (double)k);
	if (tr->have_prev && tr->prev_L > s->floor && l > s->floor)
		tr->min_f_gap = fmin(tr->min_f_gap, (tr->prev_f * tr->prev_L - l) / tr->prev_L);
	if (l > s->floor)
		tr->max_r_f = fmax(tr->max_r_f, l / tr->bound_f);
	tr->min_f = fmin(tr->min_f, f - (1 - 1 / A->kappa));
	double v[] = { f, tr->bound_f, bound_f0, tr->lg_f,
	               gd2_log10_pos(A->L0) + (double)k * gd2_log10_pos(tr->f_first), tr->max_r_f, tr->min_f, tr->min_f_gap,
	               tr->min_f >= -CHECK_TOL, tr->min_f_gap >= -CHECK_TOL,
	               tr->max_r_f <= 1 + CHECK_TOL };
	_Static_assert(sizeof v / sizeof v[0] == COLUMN_COUNT(GD2_LOSS_AISTATS), "AISTATS columns of loss");
	memcpy(row, v, sizeof v);
	tr->bound_f *= f;
	tr->lg_f += gd2_log10_pos(f);
	tr->prev_f = f;
	return COLUMN_COUNT(GD2_LOSS_AISTATS);
}

