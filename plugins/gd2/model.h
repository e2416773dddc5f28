/* model.h -- the matrices of one gd2 run and the GD step on them (model.c,
 * setup.c). */
#ifndef GD2_MODEL_H
#define GD2_MODEL_H

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "loss.h"

/* Every matrix of one run, allocated once by gd2_model_alloc. */
typedef struct {
	size_t n, d, m, h;
	size_t r;              /* rank of the row space of X used: min(n, d) */
	size_t k;              /* dimension of the imbalance basis: min(h, r + m) */
	gsl_matrix *X, *Y, *Theta;
	/* The data the steps use: X, Y themselves, or after gd2_model_compress
	 * the R factor of X = Qx Rx (d x d, upper triangular) and Qx^T Y, with
	 * lperp = 1/2 ||Y - Qx Qx^T Y||^2 added to the loss. */
	gsl_matrix *Xs, *Ys;
	double lperp;
	gsl_vector *sx;        /* the r singular values of X, decreasing */
	gsl_matrix *Phi1;      /* d x r right singular vectors of X (when r < d) */
	gsl_matrix *W1, *W2, *W1_0, *W2_0;
	gsl_matrix *P;         /* n x h: X W1, updated incrementally */
	gsl_matrix *Z, *R;     /* n x m: X W and dl/dZ */
	gsl_matrix *G;         /* d x m: grad l(W) */
	gsl_matrix *XG;        /* n x m: X G */
	gsl_matrix *gW1;       /* d x h: G W2^T, the gradient in W1 (NULL when fused_W1) */
	gsl_matrix *gW2;       /* h x m: W1^T G, the gradient in W2 */
	gsl_matrix *W;         /* d x m: W1 W2 */
	gsl_matrix *GtG, *W2tW2; /* m x m, computed with the gradient when want_grams */
	/* Imbalance: the rows of W1 (projected on the row space of X) and of
	 * W2^T stay in the span of their initial values (GD moves W1 by
	 * G W2^T and W2^T by G^T W1), so with Q0 (h x k) an orthonormal basis
	 * of that span, D(t) = Q0 Dt Q0^T with the small k x k Dt. */
	gsl_matrix *Q0;        /* h x k */
	gsl_matrix *D0;        /* k x k: D(0) in the basis Q0 */
	gsl_matrix *Dt;        /* k x k scratch */
	gsl_matrix *W1Q, *U1Q, *W2Q; /* d x k, r x k, m x k scratch */
	gsl_vector *eigD0;     /* the k eigenvalues of D(0), decreasing */
	gsl_matrix *Dprev;     /* k x k: Dt at the last drift call (per-step drift) */
	gsl_matrix *Dold;      /* k x k: Dt at the call before */
	gsl_matrix *Dpred, *GQ, *GW2Q; /* eq. (131): k x k, m x k, m x k */
	/* Spectra of the small Gram matrices (Lemma A.2). */
	gsl_matrix *Sdd, *Smm;  /* d x d, m x m scratch */
	gsl_vector *ed, *em;
	gsl_eigen_symm_workspace *wsd, *wsm;
	/* Trial points of a line search: X W(eta) = Z - eta Z1 + eta^2 Z2 and
	 * W(eta) = W - eta V1 + eta^2 V2. */
	gsl_matrix *Z1, *Z2, *Zt, *Rt, *V1, *V2, *Wt, *Mmm;
	int want_W;            /* keep W = W1 W2 current (spectra of W) */
	int want_grams;        /* GtG, W2tW2 with every gradient (spectra, line search, eq. 131) */
	int fused_W1;          /* G W2^T never formed: its norm from the Gram matrices, the
	                        * update W1 -= eta G W2^T as one dgemm (cheaper for small m) */
	int carry_P;           /* products through P = X W1 (cheaper when 3n < 2d) */
} gd2_model;

/* sigma^2_min/max(T_t) = sigma^2_min/max(W1) + sigma^2_min/max(W2) (TMLR
 * Lemma A.2) and the extreme singular values of W = W1 W2. */
typedef struct {
	double smin2T, smax2T, sminW, smaxW;
} gd2_spectra;

/* After gd2_model_gradient: the spectra from d x d and m x m Gram matrices. */
int gd2_model_spectra(gd2_model *mo, gd2_spectra *sp);
/* Prepares the line-search products after gd2_model_gradient; then
 * gd2_model_trial_loss gives L(W1 - eta gW1, W2 - eta gW2) in O((n + d) m). */
void gd2_model_trial_prepare(gd2_model *mo, const gd2_loss *loss);
double gd2_model_trial_loss(gd2_model *mo, const gd2_loss *loss, double eta);

int gd2_model_alloc(gd2_model *mo, size_t n, size_t d, size_t m, size_t h);
void gd2_model_free(gd2_model *mo);

/* The squared loss with n > d on d rows: 1/2 ||X W - Y||^2 =
 * 1/2 ||Rx W - Qx^T Y||^2 + lperp, so Z, R and the trial products become
 * d x m.  Call once X and Y are final, never with rule=nonover (which uses
 * X, Y directly).  Returns a GSL status. */
int gd2_model_compress(gd2_model *mo);
/* ||Y - X W||_F after gd2_model_gradient (squared loss). */
double gd2_model_residual_norm(gd2_model *mo);

/* With P = X W1 and W2 current: l(W1 W2) - l* (summed), and Z, R, G, XG,
 * gW2, W, and gW1 or (with want_grams or fused_W1) GtG and W2tW2 filled;
 * *gnorm2 = ||grad L||_F^2 = ||G W2^T||_F^2 + ||gW2||_F^2. */
double gd2_model_gradient(gd2_model *mo, const gd2_loss *loss, double *gnorm2);
/* One GD step of size eta using the products of gd2_model_gradient. */
void gd2_model_step(gd2_model *mo, double eta);
/* P = X W1 recomputed, bounding the rounding drift of the update. */
void gd2_model_refresh(gd2_model *mo);

/* Singular values of X and Phi1 (setup.c, after X is drawn). */
int gd2_model_factor_x(gd2_model *mo);
/* K, mu, l* and W* (d x m) of the loss for the current X, Y (loss.c);
 * mu = 0 and W* unset when n < d (squared loss). */
int gd2_loss_setup(gd2_loss *loss, const gd2_model *mo, gsl_matrix *Wstar);

#endif
