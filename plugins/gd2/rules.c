/* rules.c -- the step-size rules on the summed loss L. */
#include "state.h"

#include <math.h>

#include <gsl/gsl_errno.h>

/* Line search halving budget: tau^60 is below any useful step. */
#define ARMIJO_MAXTRIES 60

int gd2_rule_needs_spectra(const gd2_state *s)
{
	return s->stats_full || s->rule == RULE_RHO;
}

/* Backtracking (TMLR App. G.2.1 with the Armijo test the paper's printed
 * condition lacks the eta of): eta = bt_eta, then eta *= tau while
 * L(W - eta grad) > L - gamma eta ||grad L||^2. */
static int armijo(gd2_state *s, lindyn_host *h, long k, double L, double g2, double *eta)
{
	gd2_model_trial_prepare(&s->mo, &s->loss);
	double e = s->bt_eta;
	for (int i = 0; i < ARMIJO_MAXTRIES; i++, e *= s->bt_tau)
		if (gd2_model_trial_loss(&s->mo, &s->loss, e) <= L - s->bt_gamma * e * g2) {
			*eta = e;
			return LINDYN_OK;
		}
	return LINDYN_ERROR(h, LINDYN_ENUMERIC,
	                    "rule=armijo: no step down to %g satisfies the Armijo test at step %ld", e, k);
}

int gd2_rule_step(gd2_state *s, lindyn_host *h, long k, double L, double g2,
                  const gd2_spectra *sp, double *eta)
{
	const gd2_tmlr *T = &s->tmlr;
	double t = (double)k, cap = INFINITY;
	if ((s->rule == RULE_RHO || s->rule == RULE_RHOBAR) && s->growth_cap)
		cap = gd2_tmlr_cap(T, t);
	switch (s->rule) {
	case RULE_CONST:
		*eta = s->eta_L;
		return LINDYN_OK;
	case RULE_ETA0:
		*eta = T->eta0;
		return LINDYN_OK;
	case RULE_RHO: {
		/* eq. (19): 1/K_t with K_t depending on eta_t (eq. 12): the root of
		 * eta K_t(eta) = 1, a cubic with one positive root. */
		double ek;
		int st = gd2_tmlr_eta_K(T, L, sp->smax2T, sp->smaxW, &ek);
		if (st)
			return LINDYN_ERROR(h, LINDYN_ENUMERIC, "rule=rho: eta K_t(eta) = 1 at step %ld: %s",
			                    k, st == GSL_EDOM ? "no positive root" : gsl_strerror(st));
		*eta = fmin(cap, ek);
		return LINDYN_OK;
	}
	case RULE_RHOBAR:
		*eta = fmin(cap, 1.0 / gd2_tmlr_Kbar(T, t));
		return LINDYN_OK;
	case RULE_XU_FIXED:
		*eta = s->ais.etamax;
		return LINDYN_OK;
	case RULE_XU_ADAPTIVE: {
		int st = gd2_aistats_adaptive(&s->ais, L, eta);
		if (st)
			return LINDYN_ERROR(h, LINDYN_ENUMERIC, "rule=xu_adaptive: Algorithm 1's cubic at step %ld: %s",
			                    k, st == GSL_EDOM ? "no positive root" : gsl_strerror(st));
		return LINDYN_OK;
	}
	case RULE_ARMIJO:
		return armijo(s, h, k, L, g2, eta);
	case RULE_ARORA: {
		/* Arora et al. 2018 Thm 1 for depth N = 2: c^{(4N-2)/N} / (6144 N^3 ||Y||^{(6N-4)/N})
		 * with the deficiency margin c = p1 (AISTATS Table 2). */
		double y2 = s->normY * s->normY;
		*eta = pow(s->ais.p1, 3) / (6144.0 * 8.0 * y2 * y2);
		return LINDYN_OK;
	}
	case RULE_DU:
		/* Du et al. 2018a Thm 3.1 with eps = ||Y||_F, r = rank Y. */
		*eta = sqrt(s->normY / s->rankY) / (100.0 * (t + 1.0) * pow(s->normY, 1.5));
		return LINDYN_OK;
	case RULE_NONOVER:
		break;
	}
	*eta = 1.0 / s->loss.K;
	return LINDYN_OK;
}
