/* theory.h -- the constants, rates and step sizes of the local-PL papers:
 * [TMLR] Xu, Min, Tarmoun, Mallada, Vidal 2025 and [AISTATS] the same
 * authors 2023 (equations cited by number).  L below is the summed loss
 * minus its minimum, as the theory assumes (Assumption 2.2). */
#ifndef GD2_THEORY_H
#define GD2_THEORY_H

#include <gsl/gsl_roots.h>

#include "gd2.h"

/* --- roots (roots.c) --------------------------------------------------- */

/* Every root is found with a caller-owned Brent solver (gsl_root_fsolver_alloc
 * of gsl_root_fsolver_brent), so the per-step rules allocate nothing. */

/* The unique positive root of c0 + c1 x + ... + c_deg x^deg when c0 < 0 and
 * c1..c_deg >= 0, not all zero (an increasing polynomial): Brent on a
 * bracket [0, b] with p(b) >= 0.  GSL_EDOM when there is no positive root
 * (c0 >= 0 or all higher coefficients zero). */
int gd2_root_increasing_poly(gsl_root_fsolver *s, const double *c, int deg, double *root);

/* A root of f in [lo, hi] (f(lo), f(hi) of opposite signs) by Brent. */
int gd2_root_brent(gsl_root_fsolver *s, double (*f)(double, void *), void *params, double lo,
                   double hi, double *root);

/* --- TMLR Theorem 3.1 / E.1 ---------------------------------------------- */

typedef struct {
	gsl_root_fsolver *solver;     /* not owned */
	double K, mu, L0;
	double c, d;                  /* exponents of Theorem E.1 (c = .5, d = 1.01) */
	double sminWs, smaxWs, dist0; /* sigma_min/max(W*), ||W(0) - W*||_F */
	gd2_levels lv;
	double alpha1, alpha2, beta1, beta2;
	double eta01, eta02, eta03;   /* eq. (101), (102) (-1: no root), log term */
	int eta02_found;
	double eta0, mu_bar, rhobar0, Delta;
	double sig_lo, sig_hi;        /* Lemma 3.1 (22): bounds on sigma^2(T_t) */
} gd2_tmlr;

/* Table 2 and Theorem E.1 from K, mu, L0, the levels of D(0) and W*, W(0).
 * GSL_EDOM when alpha1 <= 0 (the theorem does not apply). */
int gd2_tmlr_init(gd2_tmlr *T, gsl_root_fsolver *solver, double K, double mu, double L0,
                  double c, double d, const gd2_levels *lv, double sminWs, double smaxWs,
                  double dist0);
/* K_t of eq. (12) at step size eta: s2T = sigma_max^2(T_t), sW = sigma_max(W(t)). */
double gd2_tmlr_Kt(const gd2_tmlr *T, double L, double s2T, double sW, double eta);
/* The eta with eta K_t(eta) = 1 (the cubic fixed point of 1/K_t). */
int gd2_tmlr_eta_K(const gd2_tmlr *T, double L, double s2T, double sW, double *eta);
/* Kbar_t of Theorem E.1 (independent of eta_t). */
double gd2_tmlr_Kbar(const gd2_tmlr *T, double t);
/* rho of eq. (10) and rhobar of eq. (104). */
double gd2_tmlr_rho(double mu_t, double K_t, double eta);
double gd2_tmlr_rhobar(const gd2_tmlr *T, double t, double eta);
/* The growth cap (1 + eta0^d)^{t/2} eta0 of eq. (103). */
double gd2_tmlr_cap(const gd2_tmlr *T, double t);

/* --- AISTATS Theorem 3.1/3.2, Algorithm 1 ---------------------------------- */

typedef struct {
	gsl_root_fsolver *solver;     /* not owned */
	double sminX, smaxX, kappa, L0, c1, c2;
	double p1, p2, alpha0, beta0, a1;
	double etamax1, etamax2, etamax;
} gd2_aistats;

/* sminY = sigma_min(Y), normY = ||Y||_F, normE0 = ||Y - X W(0)||_F.
 * GSL_EDOM when alpha0 <= 0. */
int gd2_aistats_init(gd2_aistats *A, gsl_root_fsolver *solver, double sminX, double smaxX,
                     double L0, double c1, double c2, const gd2_levels *lv, double sminY,
                     double normY, double normE0);
/* a2(t), a3(t), a4(t) of eq. (27) at loss L. */
void gd2_aistats_coeffs(const gd2_aistats *A, double L, double a[5]);
/* f(eta, t) of eq. (26) at loss L. */
double gd2_aistats_f(const gd2_aistats *A, double L, double eta);
/* Algorithm 1: min(root of -a1 + 2 a2 eta + 3 a3 eta^2 + 4 a4 eta^3, etamax). */
int gd2_aistats_adaptive(const gd2_aistats *A, double L, double *eta);

#endif
