/* theory.c -- TMLR Theorem 3.1/E.1 and AISTATS Theorem 3.1/3.2 quantities. */
#include "theory.h"

#include <math.h>

#include <gsl/gsl_errno.h>

/* Points of the log grid that looks for the smallest root of eq. (102). */
#define ETA02_GRID 400
#define ETA02_SPAN 1e-12

/* alpha of Table 2 with margin b: [-D+ + sqrt((D+ + D)^2 + 4b^2)]/2 + [-D- + ...]/2
 * (TMLR alpha1 with b = beta1; AISTATS alpha0 with b = p1). */
static double alpha_lower(const gd2_levels *lv, double b)
{
	return 0.5 * (-lv->delta_plus + sqrt(pow(lv->delta_plus + lv->delta, 2) + 4 * b * b)) +
	       0.5 * (-lv->delta_minus + sqrt(pow(lv->delta_minus + lv->delta, 2) + 4 * b * b));
}

/* [l+ + sqrt(l+^2 + 4b^2)]/2 + [l- + sqrt(l-^2 + 4b^2)]/2 (alpha2, beta0). */
static double alpha_upper(const gd2_levels *lv, double b)
{
	return 0.5 * (lv->lam_plus + sqrt(lv->lam_plus * lv->lam_plus + 4 * b * b)) +
	       0.5 * (lv->lam_minus + sqrt(lv->lam_minus * lv->lam_minus + 4 * b * b));
}

/* Kbar_0 at a trial eta0 (Theorem E.1 with t = 0; eq. 101 is eta0 Kbar_0 = 1). */
static double kbar0(const gd2_tmlr *T, double eta)
{
	double s = sqrt(2 * T->K * T->L0);
	return s + 6 * T->K * T->K * T->beta2 * T->L0 * eta * eta +
	       T->K * exp(sqrt(eta)) * T->alpha2 * (1 + 3 * s * eta);
}

static double mubar(const gd2_tmlr *T, double eta0)
{
	return T->mu * (T->alpha1 + 2 * T->alpha2 * (1 - exp(pow(eta0, T->c))));
}

static double eq101(double eta, void *p)
{
	return eta * kbar0(p, eta) - 1.0;
}

/* 4 K L0 eta^2 - (1 - exp(-eta^c)) (1 - Delta(eta)), Delta = (1 + eta^d) rhobar(eta, 0). */
static double eq102(double eta, void *p)
{
	const gd2_tmlr *T = p;
	double mb = mubar(T, eta);
	double rb = 1 - 2 * mb * eta + mb * kbar0(T, eta) * eta * eta;
	double Delta = (1 + pow(eta, T->d)) * rb;
	return 4 * T->K * T->L0 * eta * eta - (1 - exp(-pow(eta, T->c))) * (1 - Delta);
}

/* Smallest positive root of eq. (102) below hi: the first sign change on a
 * log grid, refined by Brent.  GSL_EDOM when there is none in the grid. */
static int smallest_root_102(gd2_tmlr *T, double hi, double *root)
{
	double prev_x = hi * ETA02_SPAN, prev = eq102(prev_x, T);
	if (prev >= 0.0)
		return GSL_EDOM; /* the inequality fails arbitrarily close to 0 */
	for (int i = 1; i <= ETA02_GRID; i++) {
		double x = hi * pow(ETA02_SPAN, 1.0 - (double)i / ETA02_GRID), g = eq102(x, T);
		if (g >= 0.0)
			return g == 0.0 ? (*root = x, GSL_SUCCESS)
			                : gd2_root_brent(T->solver, eq102, T, prev_x, x, root);
		prev_x = x;
	}
	return GSL_EDOM;
}

int gd2_tmlr_init(gd2_tmlr *T, gsl_root_fsolver *solver, double K, double mu, double L0,
                  double c, double d, const gd2_levels *lv, double sminWs, double smaxWs,
                  double dist0)
{
	*T = (gd2_tmlr){ .solver = solver, .K = K, .mu = mu, .L0 = L0, .c = c, .d = d, .sminWs = sminWs,
	                 .smaxWs = smaxWs, .dist0 = dist0, .lv = *lv };
	double sk = sqrt(K / mu);
	T->beta1 = fmax(0.0, sminWs - sk * dist0);
	T->beta2 = smaxWs + sk * dist0;
	/* alpha1 = [-D+ - D- + sqrt((D+ + D)^2 + 4 b1^2) + sqrt((D- + D)^2 + 4 b1^2)] / 2 */
	T->alpha1 = alpha_lower(lv, T->beta1);
	T->alpha2 = alpha_upper(lv, T->beta2);
	if (!(T->alpha1 > 0.0))
		return GSL_EDOM;
	/* eta0^(1): eta Kbar_0(eta) = 1, increasing; at 1/(K alpha2) it is >= 0. */
	int st = gd2_root_brent(solver, eq101, T, 0.0, 1.0 / (K * T->alpha2), &T->eta01);
	if (st)
		return st;
	T->eta03 = pow(log(1 + T->alpha1 / (2 * T->alpha2)), 1.0 / c);
	/* eta0^(2) matters only below min(eta01, eta03); none there means
	 * "no positive root" for ETA_max, which the paper sets to infinity. */
	st = smallest_root_102(T, fmin(T->eta01, T->eta03), &T->eta02);
	T->eta02_found = st == GSL_SUCCESS;
	if (st && st != GSL_EDOM)
		return st;
	if (!T->eta02_found)
		T->eta02 = -1.0;
	T->eta0 = fmin(T->eta01, T->eta03);
	if (T->eta02_found)
		T->eta0 = fmin(T->eta0, T->eta02);
	T->mu_bar = mubar(T, T->eta0);
	T->rhobar0 = 1 - 2 * T->mu_bar * T->eta0 + T->mu_bar * kbar0(T, T->eta0) * T->eta0 * T->eta0;
	T->Delta = (1 + pow(T->eta0, d)) * T->rhobar0;
	/* Lemma 3.1 (22), with exp(eta0^c) as in mu_bar (c = 1/2 in the paper). */
	T->sig_lo = T->alpha1 + 2 * T->alpha2 * (1 - exp(pow(T->eta0, c)));
	T->sig_hi = T->alpha2 * exp(pow(T->eta0, c));
	return GSL_SUCCESS;
}

/* eq. (12): K_t = K s2T + sqrt(2KL) + 6K^2 sW L eta^2 + 3K s2T sqrt(2KL) eta */
/* L is l - l*, which rounding can push just below 0 at the bottom of a
 * shifted (logistic) loss; the formulas take it as 0 there. */
static double nonneg(double L)
{
	return L > 0.0 ? L : 0.0;
}

double gd2_tmlr_Kt(const gd2_tmlr *T, double L, double s2T, double sW, double eta)
{
	L = nonneg(L);
	double s = sqrt(2 * T->K * L);
	return T->K * s2T + s + 6 * T->K * T->K * sW * L * eta * eta + 3 * T->K * s2T * s * eta;
}

int gd2_tmlr_eta_K(const gd2_tmlr *T, double L, double s2T, double sW, double *eta)
{
	L = nonneg(L);
	double s = sqrt(2 * T->K * L);
	double c[4] = { -1.0, T->K * s2T + s, 3 * T->K * s2T * s, 6 * T->K * T->K * sW * L };
	return gd2_root_increasing_poly(T->solver, c, 3, eta);
}

/* Theorem E.1: Kbar_t = sqrt(2KL0 rhobar0^t) + 6K^2 b2 L0 eta0^2 Delta^t
 *                      + K exp(sqrt(eta0)) alpha2 [1 + 3 sqrt(2KL0 Delta^t) eta0] */
double gd2_tmlr_Kbar(const gd2_tmlr *T, double t)
{
	double e = T->eta0, KL = 2 * T->K * T->L0;
	return sqrt(KL * pow(T->rhobar0, t)) +
	       6 * T->K * T->K * T->beta2 * T->L0 * e * e * pow(T->Delta, t) +
	       T->K * exp(sqrt(e)) * T->alpha2 * (1 + 3 * sqrt(KL * pow(T->Delta, t)) * e);
}

double gd2_tmlr_rho(double mu_t, double K_t, double eta)
{
	return 1 - 2 * mu_t * eta + mu_t * K_t * eta * eta;
}

double gd2_tmlr_rhobar(const gd2_tmlr *T, double t, double eta)
{
	return 1 - 2 * T->mu_bar * eta + T->mu_bar * gd2_tmlr_Kbar(T, t) * eta * eta;
}

double gd2_tmlr_cap(const gd2_tmlr *T, double t)
{
	return pow(1 + pow(T->eta0, T->d), t / 2) * T->eta0;
}

int gd2_aistats_init(gd2_aistats *A, gsl_root_fsolver *solver, double sminX, double smaxX,
                     double L0, double c1, double c2, const gd2_levels *lv, double sminY,
                     double normY, double normE0)
{
	*A = (gd2_aistats){ .solver = solver, .sminX = sminX, .smaxX = smaxX, .L0 = L0, .c1 = c1, .c2 = c2 };
	A->kappa = smaxX * smaxX / (sminX * sminX);
	A->p1 = fmax(sminY - normE0, 0.0) / smaxX;
	A->p2 = (normY + normE0) / sminX;
	A->alpha0 = alpha_lower(lv, A->p1);
	A->beta0 = alpha_upper(lv, A->p2);
	if (!(A->alpha0 > 0.0))
		return GSL_EDOM;
	double a[5];
	gd2_aistats_coeffs(A, L0, a);
	/* eq. (29): a4 eta^3 + a3 eta^2 + (a2 + C_i) eta = a1 */
	double s2 = smaxX * smaxX;
	double C1 = 4 * c2 * L0 * s2 / (c2 - 1);
	double C2 = 8 * c2 * A->beta0 * L0 * s2 / ((1 - c1) * A->alpha0);
	double p[4] = { -a[1], a[2] + C1, a[3], a[4] };
	int st = gd2_root_increasing_poly(solver, p, 3, &A->etamax1);
	p[1] = a[2] + C2;
	if (!st)
		st = gd2_root_increasing_poly(solver, p, 3, &A->etamax2);
	A->etamax = fmin(A->etamax1, A->etamax2);
	return st;
}

/* eq. (27), with s = sigma_min(X):
 *   a1 = 2 c1 alpha0 s^2
 *   a2 = 2 sqrt(2 kappa L s^6) p2 + kappa s^4 (c2 beta0)^2
 *   a3 = 2 sqrt(2 kappa^3 L s^10) c2 beta0 p2
 *   a4 = 2 kappa^2 s^6 p2^2 L */
void gd2_aistats_coeffs(const gd2_aistats *A, double L, double a[5])
{
	double s = A->sminX, k = A->kappa, cb = A->c2 * A->beta0;
	L = nonneg(L);
	a[0] = 1.0;
	a[1] = 2 * A->c1 * A->alpha0 * s * s;
	a[2] = 2 * sqrt(2 * k * L * pow(s, 6)) * A->p2 + k * pow(s, 4) * cb * cb;
	a[3] = 2 * sqrt(2 * k * k * k * L * pow(s, 10)) * cb * A->p2;
	a[4] = 2 * k * k * pow(s, 6) * A->p2 * A->p2 * L;
}

double gd2_aistats_f(const gd2_aistats *A, double L, double eta)
{
	double a[5];
	gd2_aistats_coeffs(A, L, a);
	return 1 - a[1] * eta + a[2] * eta * eta + a[3] * pow(eta, 3) + a[4] * pow(eta, 4);
}

int gd2_aistats_adaptive(const gd2_aistats *A, double L, double *eta)
{
	double a[5];
	gd2_aistats_coeffs(A, L, a);
	double p[4] = { -a[1], 2 * a[2], 3 * a[3], 4 * a[4] };
	int st = gd2_root_increasing_poly(A->solver, p, 3, eta);
	if (!st)
		*eta = fmin(*eta, A->etamax);
	return st;
}
