/* gf_init.h -- initializations beyond the shared Gaussian/balanced ones. */
#ifndef RK4_GF_INIT_H
#define RK4_GF_INIT_H

#include <gsl/gsl_matrix.h>

#include "gf_data.h"

/* The balanced pair (S1 App. A) whose end-to-end matrix is
 * (1 - warm) W1 W2 + warm Theta_hat: warm > 0 moves it toward the solution,
 * which gives the margin of S2 Cor. 5 with no imbalance.  Needs h >= m.
 * Returns a GSL status. */
int gf_init_balanced(const gf_data *g, double warm, gsl_matrix *W1, gsl_matrix *W2);

/* The invariant set of S1 Prop. 1: U2(0) = Phi2^T W1 = 0, i.e.
 * W1 <- Phi1 Phi1^T W1 (then V U2^T = U1 U2^T = 0). */
int gf_init_invariant(const gf_data *g, gsl_matrix *W1);

/* Only half of the invariant-set condition: V U2^T = 0, by projecting the
 * columns of W2 off the row space of U2 (Householder QR of (Phi2 U2)^T; needs
 * h > d).  S1 notes this is not enough to reach Theta_hat. */
int gf_init_v_perp_u2(const gf_data *g, const gsl_matrix *W1, gsl_matrix *W2);

/* Q (h x k, k = rows(U1) + cols(W2) <= h): orthonormal columns spanning the
 * row space of [U1; W2^T] (Householder QR of its transpose).  Returns a GSL
 * status. */
int gf_rowspace_basis(const gsl_matrix *U1, const gsl_matrix *W2, gsl_matrix *Q);

#endif
