/* gf_observe.h -- what is logged along the flow (S1 S3, S2 S4).
 *
 * The imbalance Lambda = U1^T U1 - W2 W2^T is h x h but has rank <= r+m:
 * with A = [U1; W2^T] and an orthonormal basis Q (h x k) of the row space of
 * A(0), which the flow never leaves (gf_flow.h), Lambda = Q C^T S C Q^T with
 * C = A Q ((r+m) x k) and S = diag(I_r, -I_m).  Its nonzero spectrum and
 * ||Lambda(t) - Lambda(0)||_F are those of the k x k matrix C^T S C. */
#ifndef RK4_GF_OBSERVE_H
#define RK4_GF_OBSERVE_H

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include "gf_flow.h"

typedef struct {
	double excess;      /* L - L* = 1/2 ||E||_F^2 */
	double grad2;       /* ||grad L||^2 = -dL/dt */
	double rate;        /* -dL/dt / (L - L*), exact */
	double c;           /* level of imbalance (S1 S3.1) = Delta (S2 eq. 20) */
	double delta_plus;  /* S2 eq. 18 */
	double delta_minus; /* S2 eq. 19 */
	double rate_bound;  /* S2 Prop. 1, eq. 17 */
	double c_margin;    /* S2 eq. 21: imbalance and margin */
	double drift;       /* ||Lambda(t) - Lambda(0)||_F */
	double dist;        /* ||W1 W2 - Theta_hat||_F */
	double range_err;   /* ||Phi1 Phi1^T W1 W2 - Theta_hat||_F */
	double null_norm;   /* ||Phi2 Phi2^T W1 W2||_F = ||U2 V^T||_F */
	double u2_drift;    /* ||Phi2 Phi2^T (W1(t) - W1(0))||_F (full flow) */
} gf_obs;

typedef struct {
	const gf_flow *f;
	size_t k;                 /* imbalance coordinates */
	const gsl_matrix *Q;      /* h x k row-space basis, NULL: coordinates = A */
	const gsl_matrix *N;      /* reduced: d x w null part of W1(0) (frozen) */
	const gsl_matrix *W1_0;   /* full: W1(0) */
	double lam_r, lam_1;      /* extreme eigenvalues of Sigma_x */
	double ysig_m, ysig_r;    /* sigma_m(Ytil), sigma_r(Ytil) */
	int have_lam0;
	gsl_matrix *U1, *Ctop, *Cbot, *Lam, *Lam0, *Lwork, *Pr, *Pd, *Pt, *Dh, *Dtmp;
	gsl_vector *eval;
	gsl_eigen_symm_workspace *ews;
	gsl_matrix *sva, *svv;
	gsl_vector *svs, *svw;
	double *grad;             /* dim: the gradient at the logged point */
} gf_observer;

/* Q, N and W1_0 are borrowed (NULL when not used by the mode).
 * The first gf_observe() call fixes Lambda(0). */
int gf_observer_init(gf_observer *o, const gf_flow *f, const gsl_matrix *Q,
                     const gsl_matrix *N, const gsl_matrix *W1_0);
void gf_observer_free(gf_observer *o);

int gf_observe(gf_observer *o, gf_flow *f, const double *y, gf_obs *out);

/* ||[V U2^T; U1 U2^T]||_F (S1 Lemma 1 eq. 18) and ||U1 V^T||_F (eq. 19) at y.
 * Allocates; call outside the loop. */
int gf_observe_lemma1(gf_observer *o, const gf_flow *f, const double *y, double *z,
                      double *p);

/* The i-th largest singular value (1-based) of M (r x m), 0 when
 * i > min(r, m).  Uses the observer's SVD workspaces. */
double gf_observe_sigma(gf_observer *o, const gsl_matrix *M, size_t i);

#endif
