/* twolayer.h -- regression data and initializations shared by the two-layer
 * linear-network plugins (gd2, rk4_gf), so that a gradient-descent run and a
 * gradient-flow run with the same seed start from the same X, Y and weights.
 *
 * Conventions (S3 of the implicit-bias spec): X is n x d, Y is n x m, the
 * network is Y ~ X W1 W2 with W1 d x h and W2 h x m.  The ICML 2021 paper's
 * U = W1 and V = W2^T.  Draws always happen in the order X, Theta, noise,
 * W1, W2, each matrix row by row, so the streams agree across plugins. */
#ifndef LINDYN_COMMON_TWOLAYER_H
#define LINDYN_COMMON_TWOLAYER_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include "enumlist.h"

/* How X is drawn:
 *   "gauss"        iid N(0, x_std^2)
 *   "orthonormal"  X0 iid N(0,1), X = W Phi1^T from the SVD X0 = W S Phi1^T,
 *                  so every singular value is 1 (E1; needs n <= d)
 *   "identity"     X = I (needs n == d; no draws) */
#define TWOLAYER_DATA_LIST(X) \
	X(DATA, GAUSS, gauss) X(DATA, ORTHONORMAL, orthonormal) X(DATA, IDENTITY, identity)
typedef enum { TWOLAYER_DATA_LIST(ENUM_MEMBER) } twolayer_data_kind;
#define TWOLAYER_DATA_KINDS ENUM_CHOICES(TWOLAYER_DATA_LIST)

/* Fills X (n x d), Theta (d x m) iid N(0, theta_std^2) and
 * Y = X Theta + noise * eps with eps iid N(0,1).  Returns a GSL status. */
int twolayer_data(gsl_rng *rng, twolayer_data_kind x_kind, double x_std, double theta_std,
                  double noise, gsl_matrix *X, gsl_matrix *Theta, gsl_matrix *Y);

/* W1 iid N(0, su^2), then W2 iid N(0, sv^2). */
void twolayer_init_gauss(gsl_rng *rng, double su, double sv, gsl_matrix *W1,
                         gsl_matrix *W2);

/* Replaces (W1, W2) by the balanced pair with the same end-to-end matrix
 * Theta0 = W1 W2 (S1 App. A):  W1 = Theta0 M^{-1/4} Q^T,  W2 = Q M^{1/4},
 * M = Theta0^T Phi1 Phi1^T Theta0 = (X Theta0)^T (X X^T)^{-1} (X Theta0),
 * Q = the first m columns of I_h.  Then U1^T U1 - V^T V = 0 (needs h >= m,
 * n <= d, M positive definite).  Returns a GSL status. */
int twolayer_balance(const gsl_matrix *X, gsl_matrix *W1, gsl_matrix *W2);

#endif
