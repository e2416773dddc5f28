/* gf_data.h -- the regression data seen through the SVD of X (S1 S2.1).
 *
 *   X = W diag(s) Phi1^T,  W n x r,  Phi1 d x r,  s the r nonzero singular
 *   values (s_i^2 are the eigenvalues of Sigma_x).  Ytil = W^T Y (r x m).
 *   Min-norm solution  Theta_hat = X^T (X X^T)^+ Y = Phi1 diag(1/s) Ytil.
 *   Optimal loss  L* = 1/2 ||(I - W W^T) Y||_F^2  (S1 eq. 8). */
#ifndef RK4_GF_DATA_H
#define RK4_GF_DATA_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

typedef struct {
	size_t n, d, m, r;
	const gsl_matrix *X, *Y; /* borrowed */
	gsl_matrix *Phi1;        /* d x r */
	gsl_vector *s;           /* r, decreasing */
	gsl_matrix *Ytil;        /* r x m */
	gsl_matrix *theta_hat;   /* d x m */
	gsl_matrix *proj_target; /* r x m: diag(1/s) Ytil, i.e. Phi1^T Theta_hat */
	double loss_star;
} gf_data;

/* Decomposes X (any shape); the numerical rank counts singular values above
 * max(n,d) * eps * s_1.  Returns a GSL status (GSL_EDOM when X == 0). */
int gf_data_init(gf_data *g, const gsl_matrix *X, const gsl_matrix *Y);
void gf_data_free(gf_data *g);

/* out (d x k) = the part of A (d x k) in null(X): A - Phi1 Phi1^T A.
 * tmp is r x k. */
void gf_data_null_part(const gf_data *g, const gsl_matrix *A, gsl_matrix *tmp,
                       gsl_matrix *out);

#endif
